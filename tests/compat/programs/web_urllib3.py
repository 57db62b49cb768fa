import http.server, threading, json
import urllib3
class Q(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers["Content-Length"])
        body = self.rfile.read(n)
        out = json.dumps({"got": json.loads(body), "path": self.path}).encode()
        self.send_response(201); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), Q)
threading.Thread(target=srv.serve_forever, daemon=True).start()
pm = urllib3.PoolManager(retries=urllib3.Retry(0))
r = pm.request("POST", f"http://127.0.0.1:{srv.server_address[1]}/x?y=1", body=json.dumps([1, 2]), headers={"Content-Type": "application/json"})
print(r.status, json.loads(r.data))
print(urllib3.util.parse_url("https://u@h:8/p?q#f"))
