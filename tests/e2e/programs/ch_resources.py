"""The resource tracker: ch_resources.py METHOD clean|leak. Shared memory and
a semaphore are used by a child process; "clean" releases everything (no
warning may appear), "leak" leaves a shared memory block for the resource
tracker to clean up with its warning, as python3 does."""
import multiprocessing
import sys
from multiprocessing import shared_memory


def child(name, lock):
    with lock:
        shm = shared_memory.SharedMemory(name=name)
        shm.buf[:5] = b"HELLO"
        shm.close()


def main():
    method, mode = sys.argv[1], sys.argv[2]
    ctx = multiprocessing.get_context(method)
    shm = shared_memory.SharedMemory(create=True, size=64)
    shm.buf[:5] = b"hello"
    lock = ctx.Lock()
    sem = ctx.BoundedSemaphore(2)
    with sem:
        p = ctx.Process(target=child, args=(shm.name, lock))
        p.start()
        p.join()
    print(method, "child exit", p.exitcode, bytes(shm.buf[:5]))
    shm.close()
    if mode == "clean":
        shm.unlink()
    print("done")


if __name__ == "__main__":
    main()
