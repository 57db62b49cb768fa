import http.server, threading, functools, os, tempfile
import requests
d = tempfile.mkdtemp()
open(os.path.join(d, "a.txt"), "w").write("hello\n")
H = functools.partial(http.server.SimpleHTTPRequestHandler, directory=d)
H.log_message = lambda *a: None
class Q(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=d, **k)
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Q)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{srv.server_address[1]}"
s = requests.Session()
r = s.get(base + "/a.txt", timeout=10)
print(r.status_code, r.headers["Content-Type"], r.text.strip(), r.encoding)
r = s.get(base + "/nope", timeout=10)
print(r.status_code, r.ok)
try:
    r.raise_for_status()
except requests.exceptions.HTTPError as e:
    print("HTTPError", e.response.status_code)
print(requests.utils.quote("a b/c"), requests.__version__)
srv.shutdown()
