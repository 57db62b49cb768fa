import threading, json, urllib.request
from wsgiref.simple_server import make_server, WSGIRequestHandler
import bottle
app = bottle.Bottle()
@app.route("/hello/<name>")
def hello(name): return bottle.template("<b>Hello {{name}}</b> {{n}}", name=name, n=len(name))
@app.post("/api")
def api(): return {"got": bottle.request.json, "ua": bottle.request.get_header("X-Test")}
@app.error(404)
def nf(err): return "nothing here"
class Quiet(WSGIRequestHandler):
    def log_message(self, *a): pass
srv = make_server("127.0.0.1", 0, app, handler_class=Quiet)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{srv.server_port}"
print(urllib.request.urlopen(base + "/hello/wörld".replace("ö", "%C3%B6")).read().decode())
req = urllib.request.Request(base + "/api", data=json.dumps({"a": [1, 2]}).encode(), headers={"Content-Type": "application/json", "X-Test": "yes"})
print(json.loads(urllib.request.urlopen(req).read()))
try:
    urllib.request.urlopen(base + "/missing")
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
srv.shutdown()
print(bottle.SimpleTemplate("% for i in range(3):\n{{i}},\n% end\n").render())
