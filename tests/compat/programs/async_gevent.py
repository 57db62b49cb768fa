import gevent, gevent.pool, gevent.queue, gevent.event, greenlet
from gevent.server import StreamServer
from gevent import socket
def work(i):
    gevent.sleep(0.001 * (3 - i)); return i * i
print(sorted(g.value for g in gevent.joinall([gevent.spawn(work, i) for i in range(3)])))
q = gevent.queue.Queue(); order = []
def prod():
    for i in range(3): q.put(i); gevent.sleep(0)
    q.put(None)
def cons():
    while (x := q.get()) is not None: order.append(x)
gevent.joinall([gevent.spawn(prod), gevent.spawn(cons)]); print(order)
def handle(sock, addr):
    sock.sendall(sock.recv(100)[::-1]); sock.close()
srv = StreamServer(("127.0.0.1", 0), handle); srv.start()
c = socket.create_connection(("127.0.0.1", srv.server_port)); c.sendall(b"gevent"); print(c.recv(100)); c.close(); srv.stop()
print(gevent.pool.Pool(2).map(lambda x: x + 1, [1, 2, 3]))
g = greenlet.greenlet(lambda x: greenlet.getcurrent().parent.switch(x * 2) or 9)
print(g.switch(21), g.switch(), g.dead)
with gevent.Timeout(0.01, False):
    gevent.sleep(1)
print("timeout ok")
