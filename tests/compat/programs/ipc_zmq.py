import zmq, threading
ctx = zmq.Context.instance()
rep = ctx.socket(zmq.REP); rep.bind("inproc://svc")
def serve():
    for _ in range(3):
        m = rep.recv_json(); rep.send_json({"got": m, "len": len(m["s"])})
t = threading.Thread(target=serve); t.start()
req = ctx.socket(zmq.REQ); req.connect("inproc://svc")
for s in ("a", "bb", "ccc"):
    req.send_json({"s": s}); print(req.recv_json())
t.join()
push, pull = ctx.socket(zmq.PUSH), ctx.socket(zmq.PULL)
port = pull.bind_to_random_port("tcp://127.0.0.1"); push.connect(f"tcp://127.0.0.1:{port}")
push.send_multipart([b"x", b"y"]); print(pull.recv_multipart())
print(zmq.zmq_version_info() >= (4,), zmq.pyzmq_version() > "2")
for s in (rep, req, push, pull): s.close(linger=0)
ctx.term()
