#!/bin/bash
# e2e/sigint: Ctrl-C. A frozen program that sleeps gets SIGINT: like
# python3.11 it prints a traceback ending in KeyboardInterrupt and dies by
# SIGINT (so that a calling shell stops too), after running finally blocks.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

SRC=$T/sleeper
EXE=$SRC/frozen/sleeper.py
mkdir -p "$SRC"
cat >"$SRC/sleeper.py" <<'PY'
import sys
import time

def wait_for_interrupt():
    # One line: SIGINT may arrive while print() is still returning.
    print("ready", flush=True); time.sleep(120)

try:
    wait_for_interrupt()
finally:
    print("finally ran")
print("not reached")
PY
freeze "$EXE" "$SRC/sleeper.py" || finish

mkdir -p "$T/runs"
driver=("$PF_PYTHON" -I "$E2E_DIR/sigint_driver.py")
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$T/home" \
    "${driver[@]}" "$T/runs/sigint.ref" "$PF_PYTHON" -I "$SRC/sleeper.py"
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$T/home" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
    "${driver[@]}" "$T/runs/sigint.frz" "${SANDBOX[@]}" "$EXE"
normalise_ref "$T/runs/sigint.ref" "$SRC"
normalise_frozen "$T/runs/sigint.frz" "$EXE"

# What python3.11 does, pinned, then the comparison.
expect_eq "python3.11 dies by SIGINT" "signal 2" "$(status_of "$T/runs/sigint.ref")"
expect_eq "the frozen program dies by SIGINT" "signal 2" "$(status_of "$T/runs/sigint.frz")"
expect_file_eq "the frozen program's traceback ends in KeyboardInterrupt" "$T/runs/sigint.frz.nerr" \
'Traceback (most recent call last):
  File "<APP>/sleeper.py", line 9, in <module>
  File "<APP>/sleeper.py", line 6, in wait_for_interrupt
KeyboardInterrupt'
expect_file_eq "finally blocks run" "$T/runs/sigint.frz.out" "ready
finally ran"
same_result "Ctrl-C: frozen program equals python3.11" "$T/runs/sigint.ref" "$T/runs/sigint.frz"
finish
