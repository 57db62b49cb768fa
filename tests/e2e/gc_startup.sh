#!/bin/bash
# e2e/gc-startup: the runtime moves what the start-up made to the garbage
# collector's permanent generation (runtime/boot/boot_gc.c) so that no
# collection traverses it again; a program must not see it. What gc shows
# (gc.get_objects, get_referrers, get_freeze_count, set_debug, freeze and
# unfreeze, each called first, and the functions' names, modules and
# signatures) and which finalisers and weakref callbacks run at exit must
# equal python3.11 -I's.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

copy_program gc_view || finish
for first in attributes get_objects get_referrers get_freeze_count set_debug freeze unfreeze; do
    compare "gc_view-$first" /dev/null "$first"
done
copy_program gc_exit || finish
for case in globals main weakref hung; do
    compare "gc_exit-$case" /dev/null "$case"
done
# Which finalisers run matters, not their order, which module clearing and
# collection give differently.
run_ref "$R/gc_exit-modules.ref" /dev/null -I "$SRC/gc_exit.py" modules
run_frozen "$R/gc_exit-modules.frz" /dev/null "$EXE" modules
expect_file_eq "what the program hung on each start-up module is finalised at exit" \
    <(sort "$R/gc_exit-modules.frz.out") "$(sort "$R/gc_exit-modules.ref.out")"
# The finalisers ran, not merely alike on both sides: a start-up namespace
# left frozen keeps the program's globals alive for ever.
expect_grep "the program's globals were finalised at exit" "$R/gc_exit-globals.frz.out" "del cycle, helper is function"
expect_grep "a weakref target was finalised at exit" "$R/gc_exit-weakref.frz.out" "del weakref target"
finish
