import asyncio, json
import tornado.web, tornado.httpclient, tornado.httpserver, tornado.netutil, tornado.template
class Main(tornado.web.RequestHandler):
    def get(self, name):
        self.write({"hello": name, "q": self.get_argument("q", "none")})
class Echo(tornado.web.RequestHandler):
    def post(self):
        self.set_header("Content-Type", "text/plain")
        self.write(self.request.body.upper())
async def main():
    app = tornado.web.Application([(r"/h/(\w+)", Main), (r"/echo", Echo)])
    socks = tornado.netutil.bind_sockets(0, "127.0.0.1")
    srv = tornado.httpserver.HTTPServer(app); srv.add_sockets(socks)
    port = socks[0].getsockname()[1]
    c = tornado.httpclient.AsyncHTTPClient()
    r = await c.fetch(f"http://127.0.0.1:{port}/h/ann?q=1"); print(r.code, r.headers["Content-Type"], json.loads(r.body))
    r = await c.fetch(f"http://127.0.0.1:{port}/echo", method="POST", body=b"abc"); print(r.code, r.body)
    r = await c.fetch(f"http://127.0.0.1:{port}/x", raise_error=False); print(r.code)
    srv.stop()
asyncio.run(main())
print(tornado.template.Template("{% for x in xs %}{{ x }},{% end %}").generate(xs=[1, 2]))
print(tornado.escape.url_escape("a b&c"), tornado.escape.json_encode({"a": "<"}))
