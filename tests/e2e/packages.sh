#!/bin/bash
# e2e/packages/CASE: real Debian packages whose imports or data only the
# package rules and the analyses of docs/third-party.md find, frozen with no
# options and run with Python hidden, compared with python3.11 -I (lib.sh).
#
#   requests    requests.get from a local http.server on loopback: urllib3's
#               `from six.moves import queue` (six's lazy names)
#   fernet      cryptography's Fernet round trip: the cffi-built _openssl
#               imports _cffi_backend from C
#   markdown    markdown with extensions by name (entry points) and its
#               importlib.util.find_spec('html.parser')
#   matplotlib  the Agg backend writing a PNG, with Debian's
#               /usr/share/matplotlib (mpl-data) hidden too: found as data
#               Debian moved out of the package (no rules entry) and packed
#               where matplotlib looks first
#   babel       Debian's babel, whose locale-data is a symbolic link to
#               /usr/share/python-babel-localedata, hidden too
#   fresh       test.support.import_helper.import_fresh_module('uuid', ...)
#               by constant names
#   flake8      flake8 on a file: its checkers come from entry points of its
#               own distribution and of mccabe's (flake8.extension), and it
#               reads pyflakes' metadata
#   initname    `import pkg.__init__` by name (astroid does): a module of
#               its own, as in CPython, sharing the package's file
#   nsinpkg     a namespace package inside a regular one (falcon.cyutil: a
#               directory of Cython modules without __init__.py), found
#               without importing its parent
#   pkgresources  pkg_resources' working set and its vendored packaging,
#               imported through pkg_resources.extern's importer (the
#               rules' submodules_from)
#   pytest      pytest.main on a temporary directory with a passing and a
#               failing test: its plugins imported by __import__(name) (the
#               rules' hidden imports), its assertion rewriting (a
#               sys.meta_path hook over the test files on disk); timings
#               and the directory's name normalised by the program
#   mypy        mypyc-compiled mypy: mypy.api.run, and `pyfreeze -m mypy` (a
#               package whose __init__ is an extension module); its runtime
#               module <hash>__mypyc is accepted by --hidden-import
#   setuptools  `import setuptools`: _distutils_hack makes `distutils`
#               setuptools._distutils (the rules' hidden imports), whose
#               submodules come from its redirected __path__
#   redirect    the same run-time rule on a package of the program's own:
#               a package that sets __path__ to another package's directory
#               gets that directory's modules under its own names
#   metadata    importlib.metadata and pkg_resources asked about
#               distributions by constant names the program never imports
#               (requests): their metadata, and their requirements', packed
#               without their code
#   pip         pip's command line: `pip download --help` (commands
#               imported by names from a table: the rules' hidden imports)
#   entrypoints  entry-point groups named by a constant
#               (pkg_resources.iter_entry_points("flake8.extension"),
#               importlib.metadata.entry_points(group=...), .select(group=
#               ...)) list every installed distribution's entry points in
#               that group, as python3.11 does, though the program imports
#               none of them: their metadata is packed (not their code)
#   pycryptodome  Debian's pycryptodome (Cryptodome): AES, SHA-256 and
#               scrypt, whose native code _raw_api.py loads with cffi's (or
#               ctypes') dlopen by a path under the package: served from
#               the payload (runtime/import/native_path.c)
#   zmq         pyzmq REQ/REP over inproc: `import zmq` runs the fallback
#               `from importlib.util import find_spec` of `from . import
#               libzmq` (no such module on Debian), importlib.util being a
#               module libpython carries frozen, whose own import of
#               importlib._abc must be packed although the fallback is not
#               followed (freezer/resolve/import_policy.c)
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

case_name=${1:?usage: packages.sh requests|fernet|markdown|matplotlib|babel|fresh|flake8|initname|nsinpkg|mypy|pkgresources|pytest|setuptools|redirect|metadata|pip|entrypoints|pycryptodome|zmq}

# needs MODULE PACKAGE: skips unless python3.11 can import MODULE.
needs() {
    "$PF_PYTHON" -I -c "import $1" 2>/dev/null ||
        skip_test "$2 is not installed (apt-get install $2)"
}

case $case_name in
requests)
    needs requests python3-requests
    WWW=$T/www
    mkdir -p "$WWW"
    printf 'hello over http\n' >"$WWW/hello.txt"
    PORT=$("$PF_PYTHON" -I -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (cd "$WWW" && exec "$PF_PYTHON" -I -m http.server --bind 127.0.0.1 "$PORT" >"$T/http.log" 2>&1) &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null' EXIT
    for _ in $(seq 50); do
        "$PF_PYTHON" -I -c "import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" 2>/dev/null && break
        sleep 0.1
    done
    program get_page <<'PY' || finish
import sys
import requests
r = requests.get(f"http://127.0.0.1:{sys.argv[1]}/hello.txt", timeout=20)
print(r.status_code, r.headers["Content-Type"], repr(r.text))
import urllib3.connectionpool, queue
print(urllib3.connectionpool.queue is queue)
try:
    requests.get(f"http://127.0.0.1:{sys.argv[1]}/missing", timeout=20).raise_for_status()
except requests.HTTPError as e:
    print("HTTPError", e.response.status_code)
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "six.moves.queue's target is packed" "$T/inspect.txt" ' lib/queue\.pyc$'
    expect_no_grep "no warning about six.moves" "$EXE.log" "'six' is not a package"
    compare requests /dev/null "$PORT"
    ;;

fernet)
    needs cryptography.fernet python3-cryptography
    program roundtrip <<'PY' || finish
from cryptography.fernet import Fernet, InvalidToken
key = b"QkBWDU2W9cB2DvoVV4iV3pgfZTxRm7vJ3pG_9bZIqSM="
f = Fernet(key)
token = f.encrypt(b"frozen secret")
print(len(token), f.decrypt(token))
try:
    Fernet(Fernet.generate_key()).decrypt(token)
except InvalidToken:
    print("other key: InvalidToken")
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "_cffi_backend (imported from C) is packed" "$T/inspect.txt" 'lib/_cffi_backend\.'
    compare fernet /dev/null
    ;;

markdown)
    needs markdown python3-markdown
    program render <<'PY' || finish
import markdown
text = "# Title\n\nSome *text* & <b>html</b>.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n"
print(markdown.markdown(text, extensions=["tables", "fenced_code", "toc"]))
import markdown.htmlparser
print(markdown.htmlparser.htmlparser.__name__)
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "find_spec('html.parser')'s module is packed" "$T/inspect.txt" ' lib/html/parser\.pyc$'
    compare markdown /dev/null
    ;;

matplotlib)
    needs matplotlib python3-matplotlib
    program plot <<'PY' || finish
import hashlib, io, os, struct, tempfile
os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp()  # a font cache of its own
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
print(os.path.basename(matplotlib.get_data_path()), matplotlib.rcParams["font.family"])
fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
ax.plot([0, 1, 2], [2, 0, 1])
ax.set_title("pyfreeze")
buf = io.BytesIO()
fig.savefig(buf, format="png")
png = buf.getvalue()
print(png[:8] == b"\x89PNG\r\n\x1a\n", struct.unpack(">II", png[16:24]), hashlib.sha256(png).hexdigest())
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "mpl-data is packed beside matplotlib" "$T/inspect.txt" ' lib/matplotlib/mpl-data/matplotlibrc$'
    RUN_ENV=(PF_SANDBOX_HIDE=/usr/share/matplotlib)
    compare matplotlib /dev/null
    ;;

babel)
    needs babel python3-babel
    program dates <<'PY' || finish
import datetime
from babel import Locale
from babel.dates import format_date
print(Locale("fr").display_name, format_date(datetime.date(2026, 12, 7), locale="de_DE"))
PY
    RUN_ENV=(PF_SANDBOX_HIDE=/usr/share/python-babel-localedata)
    compare babel /dev/null
    ;;

fresh)
    program fresh <<'PY' || finish
from test.support.import_helper import import_fresh_module
import sys
py_uuid = import_fresh_module("uuid", blocked=["_uuid"])
c_uuid = import_fresh_module("uuid", fresh=["_uuid"])
print(py_uuid.UUID(int=5), py_uuid._uuid, c_uuid._uuid is not None)
json = import_fresh_module("json")
print(json.dumps({"a": 1}))
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "import_fresh_module's module is packed" "$T/inspect.txt" ' lib/uuid\.pyc$'
    compare fresh /dev/null
    ;;

flake8)
    needs flake8 flake8
    program lint <<'PY' || finish
import sys
from flake8.main import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as e:
    print("exit", e.code)
PY
    printf 'import os\ndef f(x):\n    if x:\n        if x>1:\n            return 1\n    return 2\n' >"$SRC/bad.py"
    chmod a+r "$SRC/bad.py"
    RUN_CWD=$SRC
    compare flake8-version /dev/null --version
    compare flake8-check /dev/null --max-complexity 1 bad.py
    expect_grep "mccabe's checker ran (an entry point of another distribution)" "$R/flake8-check.frz.out" 'C901'
    ;;

initname)
    mkdir -p "$T/initname/pk/sub"
    printf 'X = 1\n' >"$T/initname/pk/__init__.py"
    printf 'Y = 2\n' >"$T/initname/pk/sub/__init__.py"
    mkdir -p "$T/initname/pk/other"
    printf 'Z = 3\n' >"$T/initname/pk/other/__init__.py"
    program initname <<'PY' || finish
import importlib, sys
import pk.sub.__init__
import pk.other
m = importlib.import_module("pk.__init__")
print(m.__name__, m.X, m.__name__ in sys.modules, sys.modules["pk.sub.__init__"].Y)
print(m is sys.modules["pk"], hasattr(m, "__path__"), m.__file__.endswith("pk/__init__.py"))
# a name built at run time, as astroid builds f"astroid.brain.{stem}" for
# each file of a directory: no freeze-time entry, the package's file
o = importlib.import_module(".".join(["pk", "other", "__init__"]))
print(o.__name__, o.Z, o is pk.other, hasattr(o, "__path__"), o.__spec__.submodule_search_locations)
print(o.__file__.endswith("pk/other/__init__.py"), o.__spec__.origin == pk.other.__spec__.origin)
PY
    REF_FLAGS=(-B -E -s)   # the script imports its neighbour package
    compare initname /dev/null
    ;;

nsinpkg)
    mkdir -p "$T/nsinpkg/pk2/ns"
    printf 'A = 1\n' >"$T/nsinpkg/pk2/__init__.py"
    printf 'VALUE = 42\n' >"$T/nsinpkg/pk2/ns/mod.py"
    program nsinpkg <<'PY' || finish
import pk2.ns.mod
from pk2.ns import mod
print(mod.VALUE, pk2.ns.mod is mod, pk2.ns.__file__)
print([p.endswith("pk2/ns") for p in pk2.ns.__path__], pk2.ns.__spec__.origin)
PY
    REF_FLAGS=(-B -E -s)   # the script imports its neighbour package
    compare nsinpkg /dev/null
    expect_no_grep "no warning about the namespace package" "$EXE.log" "cannot find module"
    ;;

mypy)
    needs mypy.api mypy
    program check <<'PY' || finish
import sys
from mypy import api
out, err, status = api.run(["--no-incremental", "--cache-dir=/dev/null", "-c", sys.argv[1]])
print(out, err, status)
PY
    compare check-bad /dev/null "x: int = 'a'"
    compare check-good /dev/null "x: int = 1"
    # -m of a package whose __init__ is an extension module
    printf 'def f(x: int) -> str:\n    return x\n' >"$SRC/bad.py"
    chmod a+r "$SRC/bad.py"
    freeze "$SRC/m/mypy" -m mypy || finish
    RUN_CWD=$SRC
    run_ref "$R/m.ref" /dev/null -I -m mypy --no-incremental --cache-dir=/dev/null bad.py
    run_frozen "$R/m.frz" /dev/null "$SRC/m/mypy" --no-incremental --cache-dir=/dev/null bad.py
    normalise_ref "$R/m.ref" "$SRC"
    normalise_frozen "$R/m.frz" "$SRC/m/mypy"
    same_result "pyfreeze -m mypy" "$R/m.ref" "$R/m.frz"
    runtime=$(cd /usr/lib/python3/dist-packages && ls -- *__mypyc.cpython-311-*.so | head -1)
    runtime=${runtime%%.*}
    "$PYFREEZE" "$SRC/check.py" --hidden-import "$runtime" -o "$T/hi" >/dev/null 2>&1
    expect_eq "--hidden-import takes $runtime (a digit first)" 0 "$?"
    ;;

pkgresources)
    needs pkg_resources python3-pkg-resources
    needs six python3-six
    program versions <<'PY' || finish
import six
import pkg_resources
print(pkg_resources.get_distribution("six").version == six.__version__)
from pkg_resources.extern.packaging.version import Version
print(Version("1.2") < Version("1.10"), pkg_resources.parse_version("2.0rc1").is_prerelease)
print(type(pkg_resources.extern.packaging).__name__, pkg_resources.extern.packaging.__name__)
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "the vendored packaging is packed" "$T/inspect.txt" ' lib/pkg_resources/_vendor/packaging/version\.pyc$'
    expect_no_grep "no diagram (jinja2) of the vendored pyparsing" "$T/inspect.txt" ' lib/jinja2/'
    compare pkgresources /dev/null
    ;;

pytest)
    needs pytest python3-pytest
    program runtests <<'PY' || finish
import contextlib, io, os, re, sys, tempfile
import pytest
d = tempfile.mkdtemp()
with open(os.path.join(d, "test_sample.py"), "w") as f:
    f.write("import pytest\n\ndef inc(x):\n    return x + 1\n\n"
            "def test_pass():\n    assert inc(3) == 4\n\n"
            "def test_fail():\n    assert inc(3) == 5\n\n"
            "@pytest.mark.skip(reason='not today')\ndef test_skip():\n    pass\n")
os.chdir(d)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = pytest.main([d])
text = re.sub(r" in [0-9.]+s", " in <T>s", out.getvalue().replace(d, "<TMP>"))
print(text, end="")
print("exit", int(code))
PY
    compare pytest /dev/null
    expect_grep "the failing test's assertion was rewritten" "$R/pytest.frz.out" 'where 4 = inc\(3\)'
    ;;

setuptools)
    needs setuptools python3-setuptools
    program build <<'PY' || finish
import os, sys, tempfile
import setuptools
import distutils.core
from setuptools import find_packages
from setuptools.command.build_py import build_py
d = tempfile.mkdtemp()
for p in ("pkg", "pkg/sub", "other"):
    os.makedirs(os.path.join(d, p))
    open(os.path.join(d, p, "__init__.py"), "w").close()
print(sorted(find_packages(d, exclude=["other"])), build_py.__mro__[1].__module__)
print(distutils.core.__name__, "_distutils" in distutils.core.__file__, sys.modules["distutils"].__name__)
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "setuptools._distutils.core is packed" "$T/inspect.txt" ' lib/setuptools/_distutils/core\.pyc$'
    compare setuptools /dev/null
    ;;

redirect)
    mkdir -p "$T/redirect/real" "$T/redirect/alias"
    printf 'X = 1\n' >"$T/redirect/real/__init__.py"
    printf 'NAME = __name__\n' >"$T/redirect/real/mod.py"
    printf 'import os\n__path__ = [os.path.join(os.path.dirname(os.path.dirname(__file__)), "real")]\n' \
        >"$T/redirect/alias/__init__.py"
    program redirect <<'PY' || finish
import real.mod
import alias.mod
from alias import mod
print(alias.mod.NAME, real.mod.NAME, alias.mod is mod, alias.mod is real.mod)
print(alias.mod.__file__.endswith("/real/mod.py"), alias.mod.__spec__.name)
try:
    import alias.missing
except ModuleNotFoundError as e:
    print("missing:", e.name)
PY
    REF_FLAGS=(-B -E -s)   # the script imports its neighbour packages
    compare redirect /dev/null
    ;;

metadata)
    needs pkg_resources python3-pkg-resources
    needs requests python3-requests
    program versions <<'PY' || finish
from importlib import metadata
import pkg_resources
print(metadata.version("requests") == pkg_resources.get_distribution("requests").version)
print(metadata.metadata("requests")["Name"], len(metadata.requires("requests")) > 2)
print(sorted(d.project_name.lower() for d in pkg_resources.require("requests")))
try:
    metadata.version("no-such-distribution")
except metadata.PackageNotFoundError as e:
    print("not found:", e)
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "requests' metadata is packed" "$T/inspect.txt" ' lib/requests-[^/]*\.(egg|dist)-info/'
    expect_no_grep "requests' code is not" "$T/inspect.txt" ' lib/requests/'
    compare metadata /dev/null
    ;;

pip)
    needs pip python3-pip
    program pipcli <<'PY' || finish
import sys
from pip._internal.cli.main import main
sys.exit(main(sys.argv[1:]))
PY
    compare pip-download-help /dev/null download --help
    ;;

entrypoints)
    needs pkg_resources python3-pkg-resources
    needs flake8 flake8
    program groups <<'PY' || finish
from importlib import metadata
import pkg_resources
print(sorted((e.name, e.dist.project_name) for e in pkg_resources.iter_entry_points("flake8.extension")))
print(sorted(e.value for e in metadata.entry_points(group="flake8.report")))
print(sorted(e.name for e in metadata.entry_points().select(group="console_scripts", name="flake8")))
PY
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "flake8's metadata is packed" "$T/inspect.txt" ' lib/flake8-[^/]*\.(egg|dist)-info/'
    expect_no_grep "flake8's code is not" "$T/inspect.txt" ' lib/flake8/'
    compare entrypoints /dev/null
    ;;

pycryptodome)
    needs Cryptodome python3-pycryptodome
    program aes <<'PY' || finish
from Cryptodome.Cipher import AES
from Cryptodome.Hash import SHA256
from Cryptodome.Protocol.KDF import scrypt
from Cryptodome.Util.Padding import pad, unpad
key = scrypt("pw", b"salt", 16, N=2**10, r=8, p=1)
ct = AES.new(key, AES.MODE_CBC, bytes(16)).encrypt(pad(b"secret", 16))
print(key.hex(), ct.hex(), SHA256.new(ct).hexdigest())
print(unpad(AES.new(key, AES.MODE_CBC, bytes(16)).decrypt(ct), 16))
PY
    compare pycryptodome-aes /dev/null
    ;;

zmq)
    needs zmq python3-zmq
    program reqrep <<'PY' || finish
import threading
import zmq
ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.bind("inproc://svc")
def serve():
    for _ in range(2):
        rep.send_json({"len": len(rep.recv_json()["s"])})
t = threading.Thread(target=serve)
t.start()
req = ctx.socket(zmq.REQ)
req.connect("inproc://svc")
for s in ("a", "bcd"):
    req.send_json({"s": s})
    print(req.recv_json())
t.join()
req.close()
rep.close()
ctx.term()
PY
    compare zmq-reqrep /dev/null
    ;;

*)
    fail "unknown case $case_name"
    ;;
esac
finish
