"""atexit handlers and threads at the end of a program:
ps_atexit_threads.py [STATUS]. The interpreter waits for the non-daemon
thread (which runs on after the main thread is done), then runs the atexit
handlers in reverse order; a daemon thread blocked for ever does not keep
the process alive."""
import atexit
import sys
import threading
import time

go = threading.Event()
daemon_started = threading.Event()


def worker():
    go.wait()
    # The main thread stops before the interpreter waits for this thread.
    while threading.main_thread().is_alive():
        time.sleep(0.01)
    print("worker: finished after the main thread", flush=True)


def daemon():
    print("daemon: blocking for ever", flush=True)
    daemon_started.set()
    threading.Event().wait()


def handler(name):
    print("atexit:", name, "threads alive:", sorted(t.name for t in threading.enumerate()))


atexit.register(handler, "registered first, runs last")
atexit.register(handler, "registered second, runs first")
threading.Thread(target=worker, name="worker").start()
d = threading.Thread(target=daemon, name="daemon", daemon=True)
d.start()
daemon_started.wait()
print("main: done", flush=True)
go.set()
if len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
