"""Finalisers and weakref callbacks at exit run as under python3.11 -I
(gc_startup.sh), for the case argv[1] names: "globals" (the program's
globals and a cycle only they reach), "main" (the same after `import
__main__`), "weakref" (a weakref callback and weakref.finalize), "hung"
(objects hung on start-up objects: a module's global, an attribute of
sys.stdout, a finder on sys.meta_path), "modules" (an object hung on each
module the start-up imports, as a global of its own; the order they are
finalised in may differ, gc_startup.sh sorts the lines)."""
import os
import sys

case = sys.argv[1]
if case == "main":
    import __main__


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self, write=os.write):
        write(1, ("del %s, helper is %s\n" % (self.name, type(helper).__name__)).encode())


def helper():
    pass


class Hung:
    """Finalised late at exit, when even the builtins may be gone: prints
    without looking anything up."""

    def __init__(self, name):
        self.line = ("del global of %s\n" % name).encode()

    def __del__(self, write=os.write):
        write(1, self.line)


if case in ("globals", "main"):
    a = Noisy("global")
    b = Noisy("cycle")
    b.me = b
elif case == "weakref":
    import weakref

    c = Noisy("weakref target")
    keep = weakref.ref(c, lambda r, write=os.write: write(1, b"weakref callback\n"))
    d = Noisy("finalize target")
    weakref.finalize(d, print, "finalize ran")
elif case == "hung":
    import codecs

    class Finder:
        def __init__(self):
            self.held = Noisy("held by a finder on sys.meta_path")

        def find_spec(self, *args):
            return None

    codecs.mine = Noisy("global of codecs")
    sys.stdout.mine = Noisy("attribute of sys.stdout")
    sys.meta_path.append(Finder())
elif case == "modules":
    for name in ("_codecs", "_frozen_importlib", "_frozen_importlib_external", "_io", "abc",
                 "builtins", "codecs", "encodings", "encodings.aliases", "encodings.utf_8", "io",
                 "marshal", "posix", "sys", "zipimport"):
        setattr(sys.modules[name], "pf_mine", Hung(name))
print("end", flush=True)
