"""multiprocessing and concurrent.futures under every start method:
ch_pools.py. Every process that imports this module appends its __name__ to
markers.txt in the current directory; at the end the main process prints how
many processes ran the module's top level under each name, so a child that
re-ran the program's main (as __main__) would show. Functions and a class
defined in __main__ are pickled to the workers."""
import collections
import concurrent.futures
import multiprocessing

with open("markers.txt", "a") as _markers:
    _markers.write(__name__ + "\n")


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm2(self):
        return self.x * self.x + self.y * self.y


def square(x):
    return x * x


def norm2(p):
    return p.norm2()


def whoami(_):
    return (__name__, multiprocessing.current_process().name.split("-")[0])


def main():
    print("main guard runs")
    for method in ("spawn", "forkserver", "fork"):
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(2) as pool:
            print(method, "map", pool.map(square, range(8)))
            print(method, "objects", pool.map(norm2, [Point(1, 2), Point(3, 4)]))
            print(method, "apply_async", pool.apply_async(square, (12,)).get())
            print(method, "worker sees", sorted(set(pool.map(whoami, range(4)))))
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as ex:
            print(method, "executor", list(ex.map(square, range(5))))
            print(method, "executor submit", ex.submit(norm2, Point(5, 12)).result())
        p = ctx.Process(target=square, args=(3,))
        p.start()
        p.join()
        print(method, "process exitcode", p.exitcode)
    with concurrent.futures.ProcessPoolExecutor(2) as ex:
        print("default executor", sum(ex.map(square, range(100))))
    with open("markers.txt") as f:
        counts = collections.Counter(line.strip() for line in f)
    # How many workers import the module as __mp_main__ varies from run to
    # run (executors start workers on demand): only whether any did is shown.
    print("top level ran as __main__", counts["__main__"], "times;",
          "as __mp_main__:", counts["__mp_main__"] > 0, "; as anything else:",
          sorted(set(counts) - {"__main__", "__mp_main__"}))


if __name__ == "__main__":
    main()
