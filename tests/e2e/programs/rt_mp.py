"""rt_mp METHOD: multiprocessing in a frozen program with the start method
METHOD (spawn, fork or forkserver; roots.sh runs it as nobody under a process
limit, which it prints): a pool, a process with a queue, shared memory under a lock (POSIX
semaphores in /dev/shm), a child's exit status, and a manager process.
"""
import multiprocessing
import os
import resource
import sys


def square(x):
    return x * x


def total(queue, n):
    queue.put(sum(range(n)))


def count(counter, lock, n):
    for _ in range(n):
        with lock:
            counter.value += 1


def main(method):
    ctx = multiprocessing.get_context(method)
    print("method", ctx.get_start_method())
    print("user", os.geteuid(), os.getegid(), os.getgroups(), "nproc", resource.getrlimit(resource.RLIMIT_NPROC))
    with ctx.Pool(2) as pool:
        print("pool map", pool.map(square, range(10)))
        print("pool apply", pool.apply_async(square, (12,)).get(timeout=60))
    queue = ctx.Queue()
    process = ctx.Process(target=total, args=(queue, 1000))
    process.start()
    print("queue", queue.get(timeout=60))
    process.join(60)
    print("exit code", process.exitcode)
    counter = ctx.Value("i", 0, lock=False)
    lock = ctx.Lock()
    workers = [ctx.Process(target=count, args=(counter, lock, 200)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    print("shared counter", counter.value, [worker.exitcode for worker in workers])
    failing = ctx.Process(target=sys.exit, args=(3,))
    failing.start()
    failing.join(60)
    print("failing child", failing.exitcode)
    with ctx.Manager() as manager:
        shared = manager.dict()
        shared["answer"] = 42
        print("manager", dict(shared))


if __name__ == "__main__":
    main(sys.argv[1])
