"""cpu/generators: generators, generator expressions, comprehensions,
itertools and sorted with a key."""
import itertools
import sys


def gen_squares(n):
    for i in range(n):
        yield i * i


def pipeline(n):
    evens = (x for x in gen_squares(n) if x % 2 == 0)
    pairs = itertools.islice(zip(evens, itertools.count()), n // 3)
    return sum(a - b for a, b in pairs)


def work(scale):
    total = 0
    for i in range(scale):
        total += pipeline(2000)
        total += len(sorted((str(x) for x in range(300)), key=lambda s: (len(s), s[::-1])))
        total += sum(len(list(g)) for _, g in itertools.groupby(sorted(range(500), key=lambda x: x % 7), key=lambda x: x % 7))
        total += sum({x: x for x in range(300)}.keys())
    return total


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 1400))
