import more_itertools as mi, attr, decorator, typing_extensions as te, six, io
print(list(mi.chunked(range(7), 3)), list(mi.windowed([1, 2, 3, 4], 2)), mi.first([], default="d"))
@attr.s(auto_attribs=True, frozen=True)
class P:
    x: int
    y: int = attr.ib(default=2, validator=attr.validators.instance_of(int))
print(P(1), attr.asdict(P(3, 4)), attr.evolve(P(1), x=5))
@decorator.decorator
def trace(f, *a, **k):
    print("call", f.__name__, a); return f(*a, **k)
@trace
def add(a, b): return a + b
print(add(1, 2), decorator.getfullargspec(add).args)
class TD(te.TypedDict):
    a: int
print(te.get_type_hints(TD), te.Literal["x"], six.moves.reduce(lambda a, b: a + b, [1, 2, 3]), six.PY3)
