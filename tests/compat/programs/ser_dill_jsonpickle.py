import dill, jsonpickle, pickle, collections, datetime, decimal
sq = lambda x: x * x
print(dill.loads(dill.dumps(sq))(7), dill.pickles(sq), dill.loads(dill.dumps(lambda: [i for i in range(3)]))())
def outer(n):
    def inner(m): return n + m
    return inner
print(dill.loads(dill.dumps(outer(5)))(3))
P = collections.namedtuple("P", "x y")
obj = {"p": P(1, 2), "d": datetime.date(2026, 12, 7), "dec": decimal.Decimal("1.10"), "set": {3, 1}, "t": (1, "a")}
s = jsonpickle.encode(obj, keys=True); print(s)
back = jsonpickle.decode(s, keys=True); print(back == obj, back["p"].x)
print(jsonpickle.encode(datetime.datetime(2026, 1, 2, 3, 4), unpicklable=False))
