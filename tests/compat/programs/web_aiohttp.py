import asyncio
from aiohttp import web, ClientSession
async def hello(req):
    return web.json_response({"name": req.match_info["name"], "q": req.query.get("q")})
async def echo(req):
    data = await req.post()
    return web.Response(text=",".join(f"{k}={v}" for k, v in sorted(data.items())))
async def main():
    app = web.Application()
    app.add_routes([web.get("/h/{name}", hello), web.post("/echo", echo)])
    runner = web.AppRunner(app, access_log=None); await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0); await site.start()
    port = site._server.sockets[0].getsockname()[1]
    async with ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{port}/h/bob", params={"q": "1"}) as r:
            print(r.status, r.content_type, await r.json())
        async with s.post(f"http://127.0.0.1:{port}/echo", data={"b": "2", "a": "1"}) as r:
            print(r.status, await r.text())
        async with s.get(f"http://127.0.0.1:{port}/nope") as r:
            print(r.status, r.reason)
    await runner.cleanup()
asyncio.run(main())
import yarl, multidict
u = yarl.URL("http://u@h:81/p/a?x=1#f"); print(u.host, u.port, u.query["x"], u / "b", u.with_query(y=2))
print(multidict.MultiDict([("a", 1), ("a", 2)]).getall("a"))
