import msgpack, ujson, simplejson, datetime, decimal
d = {"a": [1, 2.5, None, True], "b": {"c": "ü"}, "n": -2**40}
p = msgpack.packb(d); print(p.hex(), msgpack.unpackb(p) == d)
u = msgpack.Unpacker(); u.feed(msgpack.packb([1, 2]) + msgpack.packb("x")); print(list(u))
def enc(o):
    if isinstance(o, datetime.date): return msgpack.ExtType(1, o.isoformat().encode())
print(msgpack.unpackb(msgpack.packb(datetime.date(2024, 1, 2), default=enc)))
print(ujson.dumps(d, sort_keys=True), ujson.loads('{"x":[1,2]}'))
print(simplejson.dumps({"d": decimal.Decimal("1.10"), "z": 1}, use_decimal=True, sort_keys=True, indent=1))
print(simplejson.loads("1.1", use_decimal=True).__class__.__name__)
try:
    simplejson.loads("{bad")
except simplejson.JSONDecodeError as e:
    print(e)
