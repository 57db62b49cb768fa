#!/bin/bash
# e2e/edges/CASE: which import edges a freeze follows (docs/third-party.md,
# "Which imports are followed"; freezer/resolve/import_policy.c), frozen and
# run with Python hidden, compared with python3.11 (lib.sh).
#
#   hello      examples/hello packs no hashlib, _hashlib or libcrypto, nor
#              does a program using random: random's `from hashlib import
#              sha512` is the fallback of `from _sha512 import sha512`,
#              which is packed; nor subprocess, typing, inspect, traceback
#              or bz2 (os.popen's, singledispatch's, ast.get_docstring's
#              and a coroutine warning's imports and the bz2 codec: the
#              rules' [gated_imports], [codecs]), which a program using
#              those functions and codecs gets with no flags
#   crossdist  a distribution's function-level import of another
#              distribution is left out (noted with -v) while the program
#              still works; the program's own function-level import of a
#              distribution is followed; --follow-all-imports packs both
#   codecs     the CJK codecs are packed only when the program names one
#              (freezer/rules/packages.toml [codecs]): hello world packs
#              none; a program naming shift_jis and an alias of euc_jp works
#              with no flags; its lookup of a codec by a name given at run
#              time gets a LookupError naming --hidden-import encodings.X,
#              an unknown name python3's own message, and with that option
#              the lookup works as in python3
#   gated      multiprocessing's features imported on use (the rules file's
#              [gated_imports]): a program that takes only an RLock (as
#              tqdm does) packs no managers, hmac, hashlib, xmlrpc or
#              libcrypto, and importing the manager module by a run-time
#              name names --hidden-import; a program using Manager and Pool
#              works with no flags as in python3
#   ruleonly   a distribution packed whole whose unused module imports
#              asyncio (as tqdm.asyncio does): asyncio is packed, but its
#              optional `try: import ssl` is held back (no ssl, _ssl or
#              libssl; -v says why) since only that module reaches it; a
#              program that imports the module itself and makes a TLS
#              connection with asyncio (ssl=True) packs ssl and gets the
#              same SSLError as python3; a module first reached that way
#              (multiprocessing.managers, from the unused pbar.mp) and then
#              by a followed import (multiprocessing.context's, the gate
#              pbar.mp's Manager opened, for the program's Manager() by a
#              name the freezer cannot read) has its held-back imports
#              followed (its `try: from . import shared_memory`)
#   atuse      a rules file's hidden_imports_at_use (_socket's encodings.idna,
#              which socketmodule.c uses for a non-ASCII host name): packed
#              with stringprep and unicodedata, though after the start-up
#              walk (test_module_graph.c checks the order), so a program
#              that only imports socket still encodes such names from C as
#              python3 does (names IDNA refuses: errors before any name
#              lookup, no network)
#   numpy      examples/numpy-app frozen twice, once with only numpy's
#              distribution visible in /usr/lib/python3/dist-packages (a
#              bind mount in `unshare -m`): the payloads are within 5%, so
#              what else the build machine has installed does not change
#              what is packed
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

case_name=${1:?usage: edges.sh hello|crossdist|codecs|gated|ruleonly|numpy|atuse}
FROZEN=$T/frozen

# payload_of EXE: the payload size `pyfreeze inspect` reports, in bytes.
payload_of() {
    "$PYFREEZE" inspect "$1" | sed -n 's/.*, payload \([0-9]*\) bytes.*/\1/p'
}

case $case_name in
hello)
    SRC=$EXAMPLES/hello EXE=$FROZEN/hello.py
    freeze "$EXE" "$SRC/hello.py" || finish
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_no_grep "hello world packs no libcrypto" "$T/inspect.txt" 'libcrypto'
    expect_no_grep "hello world packs no hashlib" "$T/inspect.txt" ' lib/hashlib\.pyc$'
    expect_no_grep "hello world packs no _hashlib" "$T/inspect.txt" '_hashlib'
    expect_no_grep "hello world packs no CJK codec" "$T/inspect.txt" '(_codecs_|_multibytecodec|lib/encodings/shift_jis)'
    expect_no_grep "hello world packs no unicodedata, idna or stringprep" "$T/inspect.txt" \
        '(lib/unicodedata\.cpython|lib/encodings/idna\.pyc|lib/stringprep\.pyc)'
    expect_no_grep "hello world packs no subprocess, typing, inspect, traceback, bz2 or threading" "$T/inspect.txt" \
        ' lib/(subprocess|typing|inspect|traceback|ast|bz2|_bz2\.cpython.*|threading|encodings/bz2_codec)(\.pyc|\.so)$'
    compare hello /dev/null
    # the functions whose imports hello world leaves out, used: packed
    program features <<'EOF' || finish
import ast
import codecs
import functools
import os


@functools.singledispatch
def show(x):
    return "object"


@show.register
def _(x: int):
    return "int"


print(show(1), show("a"))
print(ast.get_docstring(ast.parse('"""  doc\n    string"""')))
print(os.popen("echo popen").read().strip())
for name in ("bz2", "base64", "quopri"):
    data = codecs.encode(b"hello hello hello", name)
    print(name, codecs.decode(data, name))
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-features.txt"
    expect_grep "os.popen packs subprocess" "$T/inspect-features.txt" ' lib/subprocess\.pyc$'
    expect_grep "singledispatch packs typing" "$T/inspect-features.txt" ' lib/typing\.pyc$'
    expect_grep "ast.get_docstring packs inspect" "$T/inspect-features.txt" ' lib/inspect\.pyc$'
    expect_grep "the bz2 codec's name packs it" "$T/inspect-features.txt" ' lib/encodings/bz2_codec\.pyc$'
    compare features /dev/null
    program origin <<'EOF' || finish
import sys
import warnings

sys.set_coroutine_origin_tracking_depth(2)


async def never():
    pass


never()
EOF
    expect_grep "coroutine origin tracking packs traceback" <("$PYFREEZE" inspect "$EXE") ' lib/traceback\.pyc$'
    run_frozen "$R/origin.frz" /dev/null "$EXE"
    expect_grep "a never-awaited coroutine's warning says where it was created" "$R/origin.frz.err" \
        '^Coroutine created at \(most recent call last\)$'
    # random itself: `from hashlib import sha512` is its fallback
    program randomness -v <<'EOF' || finish
import random
print(random.Random(1).random(), random.Random("seed").randrange(100))
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-random.txt"
    expect_grep "random is packed" "$T/inspect-random.txt" ' lib/random\.pyc$'
    expect_no_grep "random pulls no libcrypto" "$T/inspect-random.txt" 'libcrypto'
    expect_no_grep "random pulls no hashlib" "$T/inspect-random.txt" '(lib/hashlib\.pyc|_hashlib)'
    expect_grep "-v says why hashlib is left out" "$EXE.log" \
        "not following random's import of hashlib at line [0-9]* \(the fallback of an import of _sha512, which is packed\)"
    compare randomness /dev/null
    ;;

crossdist)
    SRC=$T/crossdist EXE=$SRC/frozen/app.py
    mkdir -p "$SRC"
    for d in alpha beta gamma; do
        mkdir -p "$SRC/$d" "$SRC/$d-1.0.dist-info"
        printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n' "$d" >"$SRC/$d-1.0.dist-info/METADATA"
        echo "$d" >"$SRC/$d-1.0.dist-info/top_level.txt"
    done
    cat >"$SRC/alpha/__init__.py" <<'EOF'
def greet():
    return "hello from alpha"


def plot():
    import beta  # only when plotting: beta is another distribution
    return beta.draw()
EOF
    echo 'def draw(): return "drawn by beta"' >"$SRC/beta/__init__.py"
    echo 'NAME = "gamma"' >"$SRC/gamma/__init__.py"
    cat >"$SRC/app.py" <<'EOF'
import alpha


def later():
    import gamma  # the program's own function-level import: followed
    return gamma.NAME


print(alpha.greet())
print(later())
EOF
    chmod -R a+rX "$SRC"
    freeze "$EXE" -v "$SRC/app.py" || finish
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "alpha is packed" "$T/inspect.txt" ' lib/alpha/__init__\.pyc$'
    expect_grep "the program's function-level import of gamma is followed" "$T/inspect.txt" \
        ' lib/gamma/__init__\.pyc$'
    expect_no_grep "alpha's function-level import of beta is left out" "$T/inspect.txt" 'lib/beta/'
    expect_grep "-v says why beta is left out" "$EXE.log" \
        "not following alpha's import of beta at line 6 \(in a function, into distribution beta"
    RUN_CWD=/
    REF_FLAGS=(-B -E -s)
    compare crossdist /dev/null
    expect_grep "the frozen program works" "$R/crossdist.frz.out" '^hello from alpha$'
    freeze "$FROZEN/all" --follow-all-imports "$SRC/app.py" || finish
    "$PYFREEZE" inspect "$FROZEN/all" >"$T/inspect-all.txt"
    expect_grep "--follow-all-imports packs beta" "$T/inspect-all.txt" ' lib/beta/__init__\.pyc$'
    ;;

atuse)
    program atuse <<'EOF' || finish
import socket

for host in ("\u00fc" * 70 + ".invalid", "b\u00fccher\udcff.invalid"):
    try:
        socket.getaddrinfo(host, 80)
    except UnicodeError as e:
        print(type(e).__name__, e)
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-atuse.txt"
    expect_grep "socket's idna codec is packed" "$T/inspect-atuse.txt" ' lib/encodings/idna\.pyc$'
    expect_grep "with stringprep" "$T/inspect-atuse.txt" ' lib/stringprep\.pyc$'
    expect_grep "and unicodedata" "$T/inspect-atuse.txt" ' lib/unicodedata\.cpython'
    compare atuse /dev/null
    expect_grep "the frozen program's socket encoded the names with idna" "$R/atuse.frz.out" \
        "^UnicodeError encoding with 'idna' codec failed \(UnicodeError: Invalid character"
    ;;

codecs)
    program cjk -v <<'EOF' || finish
import codecs
import sys

print(ascii("\u65e5\u672c".encode("shift_jis")))
print(ascii(b"\xc6\xfc\xcb\xdc".decode("EUC-JP")))  # an alias's spelling
for name in sys.argv[1:]:  # names known only at run time
    try:
        print(name, codecs.lookup(name).name)
    except LookupError as e:
        print("LookupError:", e)
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-cjk.txt"
    expect_grep "the named codecs are packed" "$T/inspect-cjk.txt" ' lib/encodings/euc_jp\.pyc$'
    expect_no_grep "a codec no one names is not" "$T/inspect-cjk.txt" ' lib/encodings/big5\.pyc$'
    expect_grep "-v says why big5 is left out" "$EXE.log" \
        "not following encodings's import of encodings.big5 at line 0 \(a codec packed only when"
    compare cjk /dev/null latin-1 no-such-codec x-mac-japanese
    run_frozen "$R/cjk-big5.frz" /dev/null "$EXE" big5 no-such-codec
    expect_grep "a left-out codec's lookup names the option" "$R/cjk-big5.frz.out" \
        '^LookupError: unknown encoding: big5 \(its codec, module encodings\.big5, was not packed into this frozen program: .*freeze with --hidden-import encodings\.big5 to pack it\)$'
    expect_grep "an unknown codec keeps python3's message" "$R/cjk-big5.frz.out" \
        '^LookupError: unknown encoding: no-such-codec$'
    freeze "$EXE" --hidden-import encodings.big5 "$SRC/cjk.py" || finish
    compare cjk-hidden /dev/null big5 BIG-5 big5-tw
    ;;

gated)
    program mplock -v <<'EOF' || finish
import importlib
import sys


def lock():
    from multiprocessing import RLock  # as tqdm.std.create_mp_lock does
    return RLock()


with lock():
    print("locked")
for name in sys.argv[1:]:  # a name known only at run time
    try:
        importlib.import_module(name)
    except ImportError as e:
        print(type(e).__name__, e)
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-lock.txt"
    expect_grep "multiprocessing.synchronize is packed" "$T/inspect-lock.txt" ' lib/multiprocessing/synchronize\.pyc$'
    expect_no_grep "an RLock packs no Manager, hmac, XML-RPC or libcrypto" "$T/inspect-lock.txt" \
        '(lib/multiprocessing/managers\.pyc|lib/hmac\.pyc|lib/hashlib\.pyc|lib/xmlrpc/|libcrypto)$'
    expect_grep "-v says why the manager module is left out" "$EXE.log" \
        "not following multiprocessing.context's import of multiprocessing.managers at line [0-9]* \(a feature's import, followed only when a module that imports multiprocessing uses one of: Manager\)"
    compare mplock /dev/null
    run_frozen "$R/mplock-managers.frz" /dev/null "$EXE" multiprocessing.managers
    expect_grep "importing the manager module names the option" "$R/mplock-managers.frz.out" \
        "No module named 'multiprocessing.managers' \(not packed into this frozen program: .*--hidden-import multiprocessing.managers"
    program mpmanager <<'EOF' || finish
import multiprocessing

if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        shared = manager.dict()
        shared["answer"] = 42
        print(dict(shared))
    with multiprocessing.Pool(2) as pool:
        print(pool.map(abs, [-1, -2, -3]))
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-manager.txt"
    expect_grep "Manager packs the manager module" "$T/inspect-manager.txt" ' lib/multiprocessing/managers\.pyc$'
    expect_grep "and hmac, for its connections' authentication" "$T/inspect-manager.txt" ' lib/hmac\.pyc$'
    compare mpmanager /dev/null
    # re._parser imports unicodedata for a named escape (\N{...}): packed
    # when a module that uses re has a string holding one
    program named_escape <<'EOF' || finish
import re

print(re.findall(r"\N{EM DASH}+", "a\u2014\u2014b"))
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-escape.txt"
    expect_grep "a pattern's named escape packs unicodedata" "$T/inspect-escape.txt" 'lib/unicodedata\.cpython'
    compare named_escape /dev/null
    program plain_re -v <<'EOF' || finish
import re
import sys

print(re.findall(r"b+", "abbc"))
for pattern in sys.argv[1:]:  # a pattern known only at run time
    try:
        print(re.findall(pattern, "a\u2014b"))
    except ImportError as e:
        print(type(e).__name__, e)
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-plain-re.txt"
    expect_no_grep "a program with no named escape packs no unicodedata" "$T/inspect-plain-re.txt" 'lib/unicodedata\.cpython'
    compare plain_re /dev/null
    run_frozen "$R/plain-re-escape.frz" /dev/null "$EXE" '\N{EM DASH}'
    expect_grep "a named escape built at run time names the option" "$R/plain-re-escape.frz.out" \
        "No module named 'unicodedata' \(not packed into this frozen program: .*--hidden-import unicodedata"
    ;;

ruleonly)
    SRC=$T/ruleonly
    mkdir -p "$SRC/pbar" "$SRC/pbar-1.0.dist-info"
    printf 'Metadata-Version: 2.1\nName: pbar\nVersion: 1.0\n' >"$SRC/pbar-1.0.dist-info/METADATA"
    echo pbar >"$SRC/pbar-1.0.dist-info/top_level.txt"
    cat >"$SRC/pbar/__init__.py" <<'EOF'
def bar(iterable):
    for n, item in enumerate(iterable, 1):
        yield item
    print(f"{n} items")
EOF
    # modules the program may never import: the whole-distribution rule packs them
    cat >"$SRC/pbar/aio.py" <<'EOF'
import asyncio


async def connect(sock, **kw):
    return await asyncio.open_connection(sock=sock, **kw)
EOF
    cat >"$SRC/pbar/mp.py" <<'EOF'
import multiprocessing.managers


def manager():
    return multiprocessing.Manager()
EOF
    cat >"$SRC/bar_only.py" <<'EOF'
import pbar

print(sum(pbar.bar(range(1000))))
EOF
    cat >"$SRC/bar_tls.py" <<'EOF'
import asyncio
import socket

from pbar import aio


async def main():
    mine, theirs = socket.socketpair()
    theirs.sendall(b"this is no TLS server\n" * 64)
    try:
        await aio.connect(mine, ssl=True, server_hostname="localhost")
    except Exception as e:  # python3: ssl.SSLError; without ssl: RuntimeError
        print(type(e).__name__)
    theirs.close()


asyncio.run(main())
EOF
    cat >"$SRC/bar_manager.py" <<'EOF'
import multiprocessing
import sys

import pbar

if __name__ == "__main__":
    # a name the freezer cannot read: pbar.mp's Manager opens the gate
    with getattr(multiprocessing, "".join(["Man", "ager"]))() as manager:
        shared = manager.list(list(pbar.bar(range(3))))
        print(list(shared))
    print(sys.modules["multiprocessing.managers"].HAS_SHMEM)
EOF
    chmod -R a+rX "$SRC"
    RUN_CWD=/
    REF_FLAGS=(-B -E -s)
    EXE=$SRC/frozen/bar_only.py
    freeze "$EXE" -v "$SRC/bar_only.py" || finish
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-only.txt"
    expect_grep "the unused module is packed whole" "$T/inspect-only.txt" ' lib/pbar/aio\.pyc$'
    expect_grep "with asyncio" "$T/inspect-only.txt" ' lib/asyncio/base_events\.pyc$'
    expect_no_grep "but no ssl, _ssl, libssl or libcrypto" "$T/inspect-only.txt" \
        '( lib/ssl\.pyc|_ssl\.cpython|libssl|libcrypto)'
    expect_grep "-v says why ssl is left out" "$EXE.log" \
        "not following asyncio.base_events's import of ssl at line [0-9]* \(optional \(in a function or a try\), in asyncio.base_events, which only modules packed whole"
    compare bar_only /dev/null
    EXE=$SRC/frozen/bar_tls.py
    freeze "$EXE" "$SRC/bar_tls.py" || finish
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-tls.txt"
    expect_grep "a program that imports the module packs ssl" "$T/inspect-tls.txt" ' lib/ssl\.pyc$'
    compare bar_tls /dev/null
    expect_grep "asyncio's TLS handshake ran" "$R/bar_tls.frz.out" '^SSLError$'
    EXE=$SRC/frozen/bar_manager.py
    freeze "$EXE" "$SRC/bar_manager.py" || finish
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-manager.txt"
    expect_grep "the manager's optional shared_memory is followed" "$T/inspect-manager.txt" \
        ' lib/multiprocessing/shared_memory\.pyc$'
    compare bar_manager /dev/null
    expect_grep "the frozen manager has shared memory" "$R/bar_manager.frz.out" '^True$'
    ;;

numpy)
    if ! "$PF_PYTHON" -I -c 'import numpy' 2>/dev/null; then
        skip_test "python3-numpy is not installed (apt-get install python3-numpy)"
    fi
    DIST=/usr/lib/python3/dist-packages
    [[ -d $DIST/numpy ]] || skip_test "numpy is not in $DIST"
    SRC=$EXAMPLES/numpy-app EXE=$FROZEN/stats.py
    freeze "$EXE" "$SRC/stats.py" || finish
    compare numpy /dev/null
    # the same freeze where dist-packages holds numpy's distribution only
    ONLY=$T/numpy-only
    mkdir -p "$ONLY"
    cat >"$T/only.sh" <<EOF
set -e
for entry in $DIST/numpy $DIST/numpy-*.egg-info $DIST/numpy-*.dist-info; do
    [ -e "\$entry" ] || continue
    if [ -d "\$entry" ]; then mkdir "$ONLY/\${entry##*/}"; else : >"$ONLY/\${entry##*/}"; fi
    mount --bind "\$entry" "$ONLY/\${entry##*/}"
done
mount --rbind "$ONLY" "$DIST"
ls "$DIST" >"$T/only-listing.txt"
"$PYFREEZE" "$SRC/stats.py" -o "$FROZEN/alone" >"$FROZEN/alone.log" 2>&1
EOF
    if ! unshare -m /bin/sh "$T/only.sh"; then
        fail "the freeze with only numpy visible failed:"
        sed 's/^/    /' "$FROZEN/alone.log" >&2
        finish
    fi
    expect_no_grep "only numpy's distribution was visible" "$T/only-listing.txt" '^scipy$\|^pandas$\|^pytest$'
    full=$(payload_of "$EXE") alone=$(payload_of "$FROZEN/alone")
    echo "payload: $full bytes with every package installed, $alone with numpy alone"
    if [[ -n $full && -n $alone ]] && (( full * 100 <= alone * 105 && alone * 100 <= full * 105 )); then
        pass "the payloads are within 5% of each other"
    else
        fail "the payloads differ by more than 5%: $full and $alone bytes"
    fi
    EXE=$FROZEN/alone
    cp "$EXE" "$FROZEN/stats.py"
    EXE=$FROZEN/stats.py
    compare numpy-alone /dev/null
    ;;

*)
    fail "unknown case '$case_name'"
    ;;
esac
finish
