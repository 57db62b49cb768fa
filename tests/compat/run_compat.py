"""run_compat.py: issue 14's check, kept: small real programs on Debian's
Python packages (programs/*.py: web, crypto, numeric, plotting, linting,
testing, CLI, plugins, package data), each frozen with no options and run
with Python and Debian's Python data directories (/usr/share/python*,
/usr/share/matplotlib) hidden (tests/e2e/sandbox.sh in a mount namespace),
then compared with /usr/bin/python3.11 -I: stdout and exit status, byte for
byte, after tests/e2e/lib.sh's path normalisation. Not in CI (about 113
freezes, 20 to 45 minutes); docs/fidelity.md keeps the last results.

usage (as root): /usr/bin/python3.11 tests/compat/run_compat.py BUILD/bin/pyfreeze OUTDIR [NAME...]
Writes OUTDIR/NAME/NAME.py (the frozen program), its .log, .ref.out/.err,
.frz.out/.err, and OUTDIR/results.tsv; prints one line per program and the
count that pass.
"""
import os
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3.11"
HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(HERE, "..", "e2e", "sandbox.sh")
HIDE = " ".join(["/usr/share/matplotlib"] + sorted(
    os.path.join("/usr/share", d) for d in os.listdir("/usr/share") if d.startswith("python")))


def run(cmd, cwd, env_extra=()):
    """stdout, stderr, status of cmd in a clean environment (as lib.sh's)."""
    home = tempfile.mkdtemp(dir=cwd)
    env = ["env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + home, *env_extra]
    p = subprocess.run(["timeout", "300", *env, *cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                       capture_output=True)
    return p.stdout, p.stderr, p.returncode


def check(pyfreeze, src, exe):
    """(verdict, reason, freeze seconds, size, freezer's lines) of one program."""
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    t0 = time.time()
    fz = subprocess.run([pyfreeze, src, "-o", exe], capture_output=True, text=True)
    secs = f"{time.time() - t0:.1f}s"
    with open(exe + ".log", "w") as f:
        f.write(fz.stdout + fz.stderr)
    if fz.returncode != 0:
        return "FAIL", "freeze: " + (fz.stderr.strip().splitlines() or ["?"])[-1], secs, "-", "-"
    work = tempfile.mkdtemp(prefix="compat.")
    os.chmod(work, 0o755)
    ro, re_, rc = run([PY, "-I", src], work)
    fo, fe, fc = run(["unshare", "-m", "/bin/bash", SANDBOX, exe], work, ["PF_SANDBOX_HIDE=" + HIDE])
    subprocess.run(["rm", "-rf", work])
    for suffix, data in ((".ref.out", ro), (".ref.err", re_), (".frz.out", fo), (".frz.err", fe)):
        with open(exe + suffix, "wb") as f:
            f.write(data)
    srcdir = os.path.dirname(src) + "/"
    norm_r = (ro.replace(srcdir.encode(), b"<APP>/").replace(b"/usr/lib/python3.11/", b"<APP>/")
              .replace(b"/usr/lib/python3/dist-packages/", b"<APP>/"))
    norm_f = fo.replace((os.path.realpath(exe) + "/").encode(), b"<APP>/")
    size = f"{os.path.getsize(exe) / 1e6:.1f}MB"
    lines = f"{len(fz.stderr.splitlines())} lines"
    if norm_r == norm_f and rc == fc:
        return "pass", "", secs, size, lines
    last = (fe.decode(errors="replace").strip().splitlines() or [""])[-1]
    return "FAIL", f"status {rc}/{fc}; " + (last or "stdout differs"), secs, size, lines


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    pyfreeze, outdir = (os.path.abspath(a) for a in sys.argv[1:3])
    progs = os.path.join(HERE, "programs")
    names = sys.argv[3:] or sorted(f[:-3] for f in os.listdir(progs) if f.endswith(".py"))
    rows = []
    for name in names:
        row = (name,) + check(pyfreeze, os.path.join(progs, name + ".py"),
                              os.path.join(outdir, name, name + ".py"))
        print("\t".join(row), flush=True)
        rows.append(row)
    with open(os.path.join(outdir, "results.tsv"), "w") as f:
        f.writelines("\t".join(r) + "\n" for r in rows)
    print(f"{sum(r[1] == 'pass' for r in rows)}/{len(rows)} pass")


main()
