import cachetools, cachetools.func
c = cachetools.LRUCache(maxsize=2)
c["a"] = 1; c["b"] = 2; c["a"]; c["c"] = 3
print(sorted(c.items()), c.currsize)
calls = []
@cachetools.cached(cachetools.TTLCache(maxsize=10, ttl=600), key=cachetools.keys.hashkey)
def f(x):
    calls.append(x); return x * 2
print([f(1), f(1), f(2)], calls)
@cachetools.func.lfu_cache(maxsize=4)
def g(x): return x + 1
print([g(i % 3) for i in range(6)], g.cache_info())
