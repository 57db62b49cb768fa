from hypothesis import given, settings, strategies as st, find, HealthCheck, Phase
import hypothesis
seen = []
@settings(derandomize=True, database=None, max_examples=50, suppress_health_check=list(HealthCheck))
@given(st.lists(st.integers(-100, 100), max_size=8), st.text(alphabet="abc", max_size=4))
def prop(xs, s):
    assert sorted(sorted(xs)) == sorted(xs)
    seen.append((len(xs), len(s)))
prop()
print(len(seen) > 10)
print(find(st.lists(st.integers()), lambda xs: sum(xs) > 100, settings=settings(derandomize=True, database=None)))
print(find(st.text(alphabet="xyz", min_size=1), lambda s: s.count("z") >= 2, settings=settings(derandomize=True, database=None, phases=[Phase.generate, Phase.shrink])))
@settings(derandomize=True, database=None, max_examples=200)
@given(st.integers())
def bad(n):
    assert n < 1000
try:
    bad()
except AssertionError as e:
    print("falsified", type(e).__name__)
print(st.from_regex(r"\d{3}-[a-z]{2}", fullmatch=True).example() is not None)
