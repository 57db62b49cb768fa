import http.server, threading
import httplib2
class Q(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = b"httplib2 body"
        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), Q)
threading.Thread(target=srv.serve_forever, daemon=True).start()
h = httplib2.Http(timeout=10)
resp, content = h.request(f"http://127.0.0.1:{srv.server_address[1]}/", "GET")
print(resp.status, content)
import certifi, os
print(os.path.exists(certifi.where()))
