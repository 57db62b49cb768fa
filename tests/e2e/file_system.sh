#!/bin/bash
# e2e/file-system: the file-system layer over paths under the executable
# (runtime/import/file_system.c, docs/third-party.md "Files under the
# executable"): a script and its package `fsdata` with data files, frozen
# with no options, run with Python hidden and compared with python3.11
# -B -E -s (the script imports its neighbour package):
#   - bytes and os.PathLike paths wherever str paths work: open() (of a
#     directory: IsADirectoryError), os.stat,
#     os.path.exists/isfile/isdir/getsize, os.listdir, os.scandir (bytes
#     names), os.access (configparser's read() of a bytes path, CPython's
#     test_os.ReadlinkTests)
#   - "." and ".." inside such paths: open(), loader.get_data,
#     pkgutil.get_data, doctest's module-relative files
#   - os.open of a packed file gives a real read-only descriptor (a memfd):
#     read, fstat, mmap, dup/dup2, inheritable and blocking flags, O_PATH,
#     keywords, a write refused, O_CREAT|O_EXCL and O_DIRECTORY refused, a
#     missing file (CPython's test_os FDInheritanceTests, BlockingTests)
#   - os.access, os.statvfs (shutil.disk_usage), os.readlink
#   - the "open" audit events of open() and os.open
#   - pickling open and os.open (by name, as python3's: test_pickle's
#     test_builtin_functions), and a module's __loader__ and __spec__ (the
#     importer pickles by reference)
#   - a frozen stdlib module's __file__ (os.__file__) exists, as
#     python3's source file does (test_sys.test_stdlib_dir)
# Then, frozen side only, what stays different by nature (docs/fidelity.md):
# a payload directory is no descriptor and no working directory, and the
# payload cannot be written; and strace shows that os.open created no file.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

SRC=$T/fsprobe EXE=$SRC/frozen/fsprobe.py
mkdir -p "$SRC/fsdata/tables"
printf 'hello data\nsecond line\n' >"$SRC/fsdata/greeting.txt"
printf '[section]\nkey = value\n' >"$SRC/fsdata/settings.cfg"
printf '\x00\x01\x02binary\xff' >"$SRC/fsdata/tables/numbers.bin"
cat >"$SRC/fsdata/story.txt" <<'EOF'
A doctest file read relative to its package:

    >>> 6 * 7
    42
EOF
cat >"$SRC/fsdata/__init__.py" <<'EOF'
"""A package whose data files are read through paths beside __file__."""
EOF
cat >"$SRC/fsprobe.py" <<'EOF'
import configparser
import copy
import doctest
import fcntl
import mmap
import os
import pickle
import pkgutil
import shutil
import stat
import sys

import fsdata

HERE = os.path.dirname(fsdata.__file__)
TEXT = os.path.join(HERE, "greeting.txt")
BTEXT = os.fsencode(TEXT)
EVENTS = []


def audit(event, args):
    if event == "open" and not isinstance(args[0], int) and os.fsdecode(args[0]).endswith(
            "greeting.txt"):
        EVENTS.append((event, os.fsdecode(args[0]), args[1], args[2]))


class FakePath:
    """An os.PathLike whose path is bytes (CPython's test_os uses one)."""

    def __init__(self, path):
        self.path = path

    def __fspath__(self):
        return self.path


def oserror(what, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
        print(what, "no error")
    except OSError as e:
        print(what, type(e).__name__, e.errno, e.filename == (args[0] if args else None))


print("== bytes and os.PathLike paths")
for p in (BTEXT, FakePath(BTEXT), FakePath(TEXT)):
    print(os.path.exists(p), os.path.isfile(p), os.path.isdir(p), os.path.getsize(p),
          stat.S_ISREG(os.stat(p).st_mode), stat.S_ISREG(os.lstat(p).st_mode))
print(os.path.isdir(os.fsencode(HERE)), os.path.exists(BTEXT + b".missing"))
print(sorted(os.listdir(os.fsencode(HERE))))
print(sorted(os.listdir(FakePath(os.fsencode(HERE)))))
print(sorted((e.name, e.path == os.path.join(os.fsencode(HERE), e.name), e.is_dir())
             for e in os.scandir(os.fsencode(HERE))))
with open(BTEXT, "rb") as f:
    print(f.read(), f.name == BTEXT)
with open(FakePath(BTEXT), encoding="utf-8") as f:
    print(f.readline().strip())
oserror("missing bytes:", open, BTEXT + b".missing", "rb")
oserror("stat of missing bytes:", os.stat, BTEXT + b".missing")
oserror("open a directory:", open, HERE)
oserror("open a directory, bytes:", open, os.fsencode(HERE), "rb")
cfg = configparser.ConfigParser()
print(cfg.read([os.fsencode(os.path.join(HERE, "settings.cfg")), b"nonexistent.cfg"],
               encoding="utf-8") == [os.fsencode(os.path.join(HERE, "settings.cfg"))],
      cfg["section"]["key"])
print([os.access(p, os.R_OK) for p in (TEXT, BTEXT, FakePath(BTEXT))],
      os.access(HERE, os.R_OK | os.X_OK), os.access(TEXT + ".missing", os.F_OK))

print("== '.' and '..' inside paths")
dotted = os.path.join(HERE, "tables", "..", ".", "greeting.txt")
with open(dotted, encoding="utf-8") as f:
    print(f.read().split())
print(fsdata.__loader__.get_data(os.path.join(HERE, "tables", "..", "greeting.txt")))
print(pkgutil.get_data("fsdata", "tables/../tables/numbers.bin"))
print(os.path.getsize(os.path.join(HERE, "tables", "..", "tables", "numbers.bin")))
suite = doctest.DocFileSuite("tables/../story.txt", package="fsdata")
print(suite.countTestCases(), doctest.testfile("story.txt", package=fsdata, verbose=False))

print("== os.open of a packed file")
sys.addaudithook(audit)
fd = os.open(TEXT, os.O_RDONLY)
st = os.fstat(fd)
print(os.read(fd, 5), os.pread(fd, 4, 6), stat.S_ISREG(st.st_mode), st.st_size)
print(os.lseek(fd, 0, os.SEEK_END), os.lseek(fd, 0, os.SEEK_SET))
print(os.get_inheritable(fd), os.get_blocking(fd))
os.set_inheritable(fd, True)
os.set_blocking(fd, False)
print(os.get_inheritable(fd), os.get_blocking(fd))
os.set_blocking(fd, True)
fd2 = os.dup(fd)
fd3 = os.dup2(fd, fd2 + 1, inheritable=False)
print(os.get_inheritable(fd2), os.get_inheritable(fd3), os.read(fd2, 5))
for n in (fd2, fd3):
    os.close(n)
with mmap.mmap(fd, 0, prot=mmap.PROT_READ) as m:
    print(m[:10], len(m))
fcntl.flock(fd, fcntl.LOCK_SH)
fcntl.flock(fd, fcntl.LOCK_UN)
oserror("write:", os.write, fd, b"x")
os.close(fd)
fd = os.open(path=BTEXT, flags=os.O_RDONLY, mode=0o777, dir_fd=None)
with os.fdopen(fd, "rb") as f:
    print(f.read())
fd = os.open(FakePath(BTEXT), os.O_RDONLY | os.O_PATH)
print(os.get_inheritable(fd))
os.close(fd)
fd = os.open(dotted, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
print(os.read(fd, 5))
os.close(fd)
oserror("missing:", os.open, TEXT + ".missing", os.O_RDONLY)
oserror("exclusive:", os.open, TEXT, os.O_RDONLY | os.O_CREAT | os.O_EXCL)
oserror("not a directory:", os.open, TEXT, os.O_RDONLY | os.O_DIRECTORY)
with open(TEXT, encoding="utf-8") as f:
    pass
sys.stdout.flush()
print("audit:", EVENTS)

print("== os.statvfs, os.readlink, pickling, frozen modules' files")
usage = shutil.disk_usage(HERE)
print(usage.total > 0, usage.total >= usage.used, os.statvfs(BTEXT).f_bsize > 0)
oserror("readlink:", os.readlink, TEXT)
oserror("readlink bytes:", os.readlink, BTEXT)
oserror("readlink missing:", os.readlink, TEXT + ".missing")
for fn in (open, os.open, os.stat, os.listdir, os.access, os.readlink):
    print(fn.__name__, fn.__module__, pickle.loads(pickle.dumps(fn)) is fn)
loader = pickle.loads(pickle.dumps(fsdata.__loader__))
spec = pickle.loads(pickle.dumps(fsdata.__spec__))
print(loader == fsdata.__loader__, spec.name, spec.loader == fsdata.__loader__,
      spec.origin == fsdata.__file__, copy.copy(fsdata.__loader__) == fsdata.__loader__)
print(os.path.isfile(os.__file__), os.path.isfile(os.fsencode(stat.__file__)))
print(os.path.dirname(os.__file__) == sys._stdlib_dir)
EOF
chmod -R a+rX "$SRC"
freeze "$EXE" "$SRC/fsprobe.py" || finish
"$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
expect_grep "the data in a directory without __init__.py is packed" "$T/inspect.txt" \
    ' lib/fsdata/tables/numbers\.bin$'
RUN_CWD=/
REF_FLAGS=(-B -E -s)
compare fsprobe /dev/null
expect_grep "os.open read the packed file" "$R/fsprobe.frz.out" "^b'hello' b'data' True 23$"
expect_grep "open() and os.open raised their audit events" "$R/fsprobe.frz.out" \
    "^audit: \[\('open', '[^']*greeting.txt', None, 524288\), .*\('open', '[^']*greeting.txt', 'r', 524288\)\]$"

# What stays different by nature, frozen side only: a directory under the
# executable cannot be a descriptor nor the working directory (the kernel
# sees a file there), and nothing there can be written.
cat >"$T/limits.py" <<'EOF'
import os, sys
here = os.path.dirname(__import__("fsdata").__file__)
for what, call in (("os.open(dir)", lambda: os.open(here, os.O_RDONLY)),
                   ("os.chdir(dir)", lambda: os.chdir(here)),
                   ("write", lambda: open(os.path.join(here, "greeting.txt"), "w")),
                   ("os.open(O_RDWR)", lambda: os.open(os.path.join(here, "greeting.txt"), os.O_RDWR))):
    try:
        call()
        print(what, "worked")
    except OSError as e:
        print(what, type(e).__name__)
print("W_OK", os.access(os.path.join(here, "greeting.txt"), os.W_OK))
EOF
cp "$T/limits.py" "$SRC/limits.py"
chmod a+r "$SRC/limits.py"
freeze "$SRC/frozen/limits" "$SRC/limits.py" || finish
run_frozen "$R/limits" /dev/null "$SRC/frozen/limits"
expect_eq "the limits program runs" 0 "$(status_of "$R/limits")"
for line in "os.open(dir) NotADirectoryError" "os.chdir(dir) NotADirectoryError" \
            "write NotADirectoryError" "os.open(O_RDWR) NotADirectoryError" "W_OK False"; do
    expect_grep "frozen: $line" "$R/limits.out" "^$(sed 's/[()]/\\&/g' <<<"$line")"
done

# os.open's descriptor is a memfd: nothing is written to disk.
RUN_ENV=()
run_capture "$T/trace" /dev/null "${SANDBOX[@]}" strace -f -qq -o "$T/trace.strace" \
    -e trace="$TRACE_CREATING" "$EXE"
expect_eq "the traced run succeeds" 0 "$(status_of "$T/trace")"
expect_grep "os.open made a memfd of the member" "$T/trace.strace" 'memfd_create\("greeting.txt"'
expect_no_file_created "the run created no file" "$T/trace.strace"
finish
