"""What a program sees of the cyclic garbage collector, whichever gc
function it calls first (argv[1]): every object the start-up made is listed
by gc.get_objects() and gc.get_referrers(), nothing is frozen until the
program freezes it, and gc's functions are gc's (gc_startup.sh)."""
import codecs
import gc
import sys
from gc import get_freeze_count as early_get_freeze_count

WATCHED = ("get_objects", "get_referrers", "get_freeze_count", "set_debug", "freeze", "unfreeze")


def describe():
    for name in WATCHED + ("collect", "get_count", "is_tracked"):
        f = getattr(gc, name)
        print(name, type(f).__name__, f.__name__, f.__module__, f.__self__ is gc,
              f.__text_signature__, f.__doc__.splitlines()[0])


def listed(objects):
    ids = {id(o) for o in objects}
    return [name for name, o in (("sys.modules", sys.modules), ("codecs.Codec", codecs.Codec),
                                 ("sys.stdout", sys.stdout), ("codecs", codecs),
                                 ("__main__", sys.modules["__main__"]))
            if id(o) in ids]


first = sys.argv[1]
if first == "attributes":
    describe()
elif first == "get_objects":
    print("get_objects lists", listed(gc.get_objects()))
elif first == "get_referrers":
    print("referrers of codecs", sys.modules in gc.get_referrers(codecs))
elif first == "get_freeze_count":
    print("frozen", early_get_freeze_count())
elif first == "set_debug":
    gc.set_debug(0)
elif first == "freeze":
    gc.freeze()
    print("frozen all", gc.get_freeze_count() > 100, listed(gc.get_objects()))
    gc.unfreeze()
elif first == "unfreeze":
    gc.unfreeze()
print("frozen", gc.get_freeze_count())
print("get_objects lists", listed(gc.get_objects()))
print("referrers of codecs", sys.modules in gc.get_referrers(codecs))
gc.collect()
print("oldest generation lists", listed(gc.get_objects(generation=2)))
print("young generation lists", listed(gc.get_objects(generation=0)))
describe()
