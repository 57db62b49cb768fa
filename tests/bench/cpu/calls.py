"""cpu/calls: function and method calls, closures, keyword arguments, recursion."""
import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Counter:
    def __init__(self):
        self.n = 0

    def add(self, k=1):
        self.n += k
        return self


def make_adder(k):
    def add(x):
        return x + k
    return add


def work(scale):
    total = 0
    c = Counter()
    add3 = make_adder(3)
    for i in range(scale):
        total += fib(18)
        for j in range(200):
            c.add(k=j & 3)
            total = add3(total) - 3
    return total + c.n


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 900))
