import jedi, parso
# in-process inference: a frozen program has no python3 for jedi's subprocess
env = jedi.InterpreterEnvironment()
src = "import json\nimport collections\nd = collections.OrderedDict()\nd.move_to\njson.du"
s = jedi.Script(src, path="demo.py", environment=env)
print([c.name for c in s.complete(4, 9)], [c.name for c in s.complete(5, 7)])
# (the stdlib's own source is not packed, so what jedi infers from
# collections/__init__.py beside its stubs is not asked here)
k = jedi.Script("class K:\n    def m(self): return 1\nk = K()\nk.m()", path="k.py", environment=env)
print([(d.name, d.type) for d in k.infer(3, 1)], [(d.name, d.type) for d in k.infer(4, 3)])
sig = jedi.Script("import os\nos.path.join(", environment=env).get_signatures(2, 13)
print([(x.name, [p.name for p in x.params]) for x in sig])
m = parso.parse("def f(a, b=1):\n    return a + b\n", version="3.11")
f = next(m.iter_funcdefs())
print(f.name.value, [p.name.value for p in f.get_params()], m.get_code() == "def f(a, b=1):\n    return a + b\n")
g = parso.load_grammar(version="3.8")
print([e.message for e in g.iter_errors(g.parse("x = (1,\n"))])
print([n.name for n in jedi.Script("x = [1]\nx.app", environment=env).complete(2, 5)])
