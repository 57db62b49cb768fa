#!/bin/bash
# e2e/sigint: Ctrl-C. A frozen program that sleeps gets SIGINT: like
# python3.11 it prints a traceback ending in KeyboardInterrupt and dies by
# SIGINT (so that a calling shell stops too), after running finally blocks.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

program sleeper <<'PY' || finish
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

# The comparison, then what python3.11 does, pinned.
compare_ctrl_c sigint
expect_eq "python3.11 dies by SIGINT" "signal 2" "$(status_of "$R/sigint.ref")"
expect_eq "the frozen program dies by SIGINT" "signal 2" "$(status_of "$R/sigint.frz")"
expect_file_eq "the frozen program's traceback ends in KeyboardInterrupt" "$R/sigint.frz.nerr" \
'Traceback (most recent call last):
  File "<APP>/sleeper.py", line 9, in <module>
  File "<APP>/sleeper.py", line 6, in wait_for_interrupt
KeyboardInterrupt'
expect_file_eq "finally blocks run" "$R/sigint.frz.out" "ready
finally ran"
finish
