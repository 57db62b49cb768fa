#!/bin/bash
# e2e/frozen-fresh: stdlib modules libpython carries frozen (stat,
# importlib.util), imported afresh while the program has turned frozen
# modules off, as test.support's import_fresh_module does
# (_imp._override_frozen_modules_for_tests(-1)): python3 imports them from
# their source files, a frozen program from libpython's frozen code
# (runtime/import/frozen_fresh.c); the setting is as the program left it,
# and a missing module stays missing. Compared with python3.11 -I, Python
# hidden.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

program fresh <<'EOF_PY' || finish
import _imp, os, sys
old = sys.modules.pop("stat")
_imp._override_frozen_modules_for_tests(-1)
try:
    import stat
    import importlib
    sys.modules.pop("importlib.util", None)
    importlib.__dict__.pop("util", None)
    import importlib.util as u
    print("still off:", "stat" not in _imp._frozen_module_names())
    try:
        import no_such_module_q
    except ModuleNotFoundError as e:
        print("missing:", e.name)
finally:
    _imp._override_frozen_modules_for_tests(0)
print(stat is not old, stat.S_ISDIR(0o40000), os.path.basename(stat.__file__))
print(stat.__spec__.origin.endswith("/stat.py"), stat.__spec__.has_location)
print(u.__name__, os.path.basename(u.__file__), callable(u.find_spec))
print("on again:", _imp.find_frozen("stat") is not None, "stat" in _imp._frozen_module_names())
EOF_PY
compare "import afresh of frozen stdlib modules with frozen modules off" /dev/null
finish
