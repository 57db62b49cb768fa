import cherrypy, urllib.request, json
class Root:
    @cherrypy.expose
    def index(self, name="x"): return f"hi {name}"
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def data(self): return {"a": [1, 2], "path": cherrypy.request.path_info}
cherrypy.config.update({"server.socket_host": "127.0.0.1", "server.socket_port": 0, "log.screen": False, "engine.autoreload.on": False, "checker.on": False})
cherrypy.tree.mount(Root(), "/")
cherrypy.engine.start(); cherrypy.engine.wait(cherrypy.engine.states.STARTED)
port = cherrypy.server.bound_addr[1]
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/?name=bob").read().decode())
print(json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/data").read()))
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/nope")
except urllib.error.HTTPError as e:
    print(e.code)
cherrypy.engine.exit()
print("stopped", cherrypy.engine.state == cherrypy.engine.states.EXITING or str(cherrypy.engine.state))
