#!/bin/bash
# e2e/stub-data: the stub's writable data in the order programs write it
# (stub/data_order.ld) and the start-up's prefault (runtime/boot/prefault.c)
# stopping where that data ends. A frozen program (programs/data_pages.py),
# Python hidden, reads its own section headers and /proc/self/pagemap: in
# pyfreeze-stub, .data.start (what hello world writes) comes before
# .PyRuntime, then .data; every page up to .PyRuntime's end is the process's
# own copy (faulted in by the prefault, or written); of the pages after it,
# which only some programs write, fewer than a quarter are (with the whole
# segment prefaulted, as before, all would be: each process would hold them
# as its own memory instead of sharing the file's pages), and with Linux
# 5.14's MADV_POPULATE_READ all are mapped. In the --pie stub the order is
# the same, and the prefix is its own too (its relocated pointers make most
# of the rest its own anyway: not checked).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

copy_program data_pages || finish
run_frozen "$R/default" /dev/null "$EXE"
expect_eq "frozen data_pages exit status" 0 "$(status_of "$R/default")"
expect_grep "pyfreeze-stub: .data.start, then .PyRuntime, then .data" "$R/default.out" \
    '^order: \.data\.start \.PyRuntime \.data$'
read -r own pages < <(sed -n 's/^first: \([0-9]*\) of \([0-9]*\) own$/\1 \2/p' "$R/default.out")
if [[ -n ${pages:-} ]] && ((pages > 0 && own == pages)); then
    pass "pyfreeze-stub: the $pages pages up to .PyRuntime's end are the process's own"
else
    fail "pyfreeze-stub: not all the pages up to .PyRuntime's end are the process's own:"
    sed 's/^/    /' "$R/default.out" "$R/default.err" >&2
fi
read -r own pages mapped < <(sed -n 's/^rest: \([0-9]*\) of \([0-9]*\) own, \([0-9]*\) mapped$/\1 \2 \3/p' \
    "$R/default.out")
if [[ -n ${pages:-} ]] && ((pages > 0 && own * 4 < pages)); then
    pass "pyfreeze-stub: $own of the $pages pages after .PyRuntime are the process's own"
else
    fail "pyfreeze-stub: the data after .PyRuntime is not left shared:"
    sed 's/^/    /' "$R/default.out" "$R/default.err" >&2
fi
if grep -qx 'populate: yes' "$R/default.out"; then
    expect_eq "pyfreeze-stub: the pages after .PyRuntime mapped at start" "${pages:-}" "${mapped:-}"
fi

freeze "$T/pie/data_pages" --pie "$SRC/data_pages.py" || finish
run_frozen "$R/pie" /dev/null "$T/pie/data_pages"
expect_eq "frozen --pie data_pages exit status" 0 "$(status_of "$R/pie")"
expect_grep "pyfreeze-stub-pie: .data.start, then .PyRuntime, then .data" "$R/pie.out" \
    '^order: \.data\.start \.PyRuntime \.data$'
expect_grep "pyfreeze-stub-pie: the pages up to .PyRuntime's end are the process's own" "$R/pie.out" \
    '^first: ([1-9][0-9]*) of \1 own$'
finish
