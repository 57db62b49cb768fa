import threading, urllib.request, json
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response
from werkzeug.routing import Map, Rule
urls = Map([Rule("/", endpoint="root"), Rule("/u/<name>", endpoint="user")])

@Request.application
def app(req):
    a = urls.bind_to_environ(req.environ)
    try:
        ep, args = a.match()
    except Exception as e:
        return e
    return Response(json.dumps({"ep": ep, "args": args, "q": req.args.get("q")}), mimetype="application/json")

srv = make_server("127.0.0.1", 0, app)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{srv.server_port}"
for p in ("/", "/u/bob?q=2"):
    with urllib.request.urlopen(base + p) as r:
        print(r.status, r.headers["Content-Type"], r.read().decode())
try:
    urllib.request.urlopen(base + "/none")
except urllib.error.HTTPError as e:
    print(e.code)
srv.shutdown()
