#!/bin/bash
# e2e/prefix-data: a distribution installed by pip into a virtual
# environment whose wheel has `<name>.data/data/share/...` files (PEP 427),
# which pip installs under the environment's prefix and the package reads
# through sys.prefix and sysconfig.get_path('data'). Frozen from the venv
# with no options, run with Python and the venv hidden, compared with the
# venv's python -I: the files the RECORD lists under the prefix are packed
# at sys.prefix/... (docs/third-party.md, "Data outside the package"), its
# scripts (bin/) are not.
#
# The wheel is written here with zipfile and installed offline by Debian's
# pip (`pip --python V/bin/python install --no-index --no-deps`).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

"$PF_PYTHON" -m pip --version >/dev/null 2>&1 || skip_test "pip is not installed (apt-get install python3-pip)"

W=$T/wheel
V=$T/venv
mkdir -p "$W"
"$PF_PYTHON" -I - "$W" <<'EOF' || { fail "cannot write the wheel"; finish; }
import base64, hashlib, sys, zipfile
out = sys.argv[1] + "/dataprobe-1.0-py3-none-any.whl"
files = {
    "dataprobe/__init__.py": '''\
import os, sys, sysconfig
HERE = os.path.join(sys.prefix, "share", "dataprobe")
def greeting():
    with open(os.path.join(HERE, "greeting.txt"), encoding="utf-8") as f:
        return f.read().strip()
def table():
    base = sysconfig.get_path("data")
    with open(os.path.join(base, "share", "dataprobe", "table", "numbers.json"), "rb") as f:
        return f.read()
''',
    "dataprobe-1.0.data/data/share/dataprobe/greeting.txt": "bonjour from the prefix\n",
    "dataprobe-1.0.data/data/share/dataprobe/table/numbers.json": '{"one": 1, "two": 2}\n',
    "dataprobe-1.0.data/data/etc/dataprobe/probe.conf": "[probe]\nlevel = 3\n",
    "dataprobe-1.0.data/scripts/dataprobe-tool": "#!python\nprint('tool')\n",
    "dataprobe-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: dataprobe\nVersion: 1.0\n",
    "dataprobe-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for name, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{name},sha256={digest},{len(data)}")
record.append("dataprobe-1.0.dist-info/RECORD,,")
files["dataprobe-1.0.dist-info/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile(out, "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
EOF
"$PF_PYTHON" -m venv --without-pip "$V" || { fail "cannot create a venv"; finish; }
if ! "$PF_PYTHON" -m pip --python "$V/bin/python" install -q --no-index --no-deps \
        --disable-pip-version-check --no-cache-dir "$W/dataprobe-1.0-py3-none-any.whl" >"$T/pip.log" 2>&1; then
    fail "pip cannot install the wheel offline:"
    sed 's/^/    /' "$T/pip.log" >&2
    finish
fi
expect_grep "pip installed the wheel's data under the prefix" "$V/lib/python3.11/site-packages/dataprobe-1.0.dist-info/RECORD" \
    '^\.\./\.\./\.\./share/dataprobe/greeting\.txt,'

program prefixdata --venv "$V" <<'EOF'
import os, sys, sysconfig
import dataprobe
print(dataprobe.greeting())
print(dataprobe.table().decode().strip())
d = os.path.join(sys.prefix, "share", "dataprobe")
print(os.path.isdir(d), sorted(os.listdir(d)), sorted(os.listdir(os.path.join(d, "table"))))
print(sysconfig.get_path("data") == sys.prefix)
with open(os.path.join(sys.prefix, "etc", "dataprobe", "probe.conf")) as f:
    print(f.read().split())
try:
    open(os.path.join(d, "missing.txt"))
except FileNotFoundError as e:
    print("missing:", type(e).__name__, e.errno)
EOF
[[ -x $EXE ]] || finish

# The venv's python -I is the reference; the frozen program runs with
# Python and the whole venv hidden.
run_capture "$R/prefixdata.ref" /dev/null "$V/bin/python" -I "$SRC/prefixdata.py"
saved_hide=${PF_SANDBOX_HIDE:-}
export PF_SANDBOX_HIDE="$saved_hide $V"
run_frozen "$R/prefixdata.frz" /dev/null "$EXE"
export PF_SANDBOX_HIDE=$saved_hide
compare_outputs "prefix data read through sys.prefix and sysconfig.get_path('data'), venv hidden" \
    "$SRC" "$EXE" "$R/prefixdata.ref" "$R/prefixdata.frz"
expect_grep "the reference read the data (not an error on both sides)" "$R/prefixdata.ref.out" \
    '^bonjour from the prefix$'

"$PYFREEZE" inspect "$EXE" >"$T/inspect.out" 2>&1
expect_grep "the data is packed at lib/share/dataprobe/..." "$T/inspect.out" 'lib/share/dataprobe/table/numbers\.json'
expect_grep "the etc/ file too" "$T/inspect.out" 'lib/etc/dataprobe/probe\.conf'
expect_no_grep "the script pip put in bin/ is not packed" "$T/inspect.out" 'dataprobe-tool'
finish
