import pluggy
hs = pluggy.HookspecMarker("app"); hi = pluggy.HookimplMarker("app")
class Spec:
    @hs
    def compute(self, x): pass
class A:
    @hi
    def compute(self, x): return x + 1
class B:
    @hi(tryfirst=True)
    def compute(self, x): return x * 10
pm = pluggy.PluginManager("app"); pm.add_hookspecs(Spec); pm.register(A()); pm.register(B())
print(pm.hook.compute(x=3), pm.load_setuptools_entrypoints("app"), pluggy.__version__)
