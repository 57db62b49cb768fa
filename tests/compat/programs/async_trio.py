import functools, trio
async def worker(name, n, send):
    async with send:
        for i in range(n):
            await trio.sleep(0)
            await send.send((name, i))
async def echo_server(stream):
    async for data in stream:
        await stream.send_all(data.upper())
async def main():
    send, recv = trio.open_memory_channel(0)
    got = []
    async with trio.open_nursery() as n:
        async with send:
            n.start_soon(worker, "a", 3, send.clone())
            n.start_soon(worker, "b", 2, send.clone())
        async with recv:
            async for x in recv:
                got.append(x)
    print(sorted(got))
    async with trio.open_nursery() as n:
        listeners = await n.start(functools.partial(trio.serve_tcp, echo_server, 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        s = await trio.open_tcp_stream("127.0.0.1", port)
        await s.send_all(b"hello trio"); print(await s.receive_some(100))
        await s.aclose(); n.cancel_scope.cancel()
    with trio.move_on_after(0.01) as cs:
        await trio.sleep(10)
    print(cs.cancelled_caught)
    try:
        async with trio.open_nursery() as n:
            async def boom(): raise ValueError("x")
            n.start_soon(boom)
    except BaseException as e:
        print(type(e).__name__)
trio.run(main)
