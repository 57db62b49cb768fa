"""fidelity_compare.py REF FROZEN DOC [REF_STDLIB FROZEN_STDLIB]: compares
two results files of regrtest_driver.py (python3.11 -I, then the frozen
driver) and checks that every difference is listed in DOC
(docs/fidelity.md).

With the two stdlib directories (the host's, and the PVM's the frozen
driver packs), a test that one side lacks because its test file does not
define it (the two are different Debian revisions of CPython 3.11.2: the
archive may serve a newer revision's binaries than its sources) is a note,
not a difference.

A difference is one line:
    `NAME` python=OUTCOME frozen=OUTCOME
where NAME is a test id (outcomes pass, fail, error, skip, xfail, xpass,
missing), a test module (outcomes ran, import-error, missing) or SETUP (a
setup line of the frozen driver). DOC lists differences in table rows whose
first three cells are NAME, the python3.11 outcome and the frozen outcome:
    | `NAME` | OUTCOME | OUTCOME | reason |
Prints every difference, marks the unlisted ones, and lists DOC rows that
no longer happen (not an error: fixed, or flaky).

Then the counts: for every test module of the selection, its numbers of
passed, failed, errored, skipped, xfailed and xpassed tests (the MODULE
lines; a module that did not import has none) must be the same on both
sides, unless DOC lists the module in a row
    | module `NAME` | reason |
(a module whose counts differ by nature). A listed module whose counts are
equal is a note. The counts are taken over the tests that both sides'
sources define (see the stdlib directories above). Exit status 1 when a difference is unlisted, a module's
counts differ and it is not listed, or a run did not finish (no END line).
"""

import re
import sys


COUNTS = ("pass", "fail", "error", "skip", "xfail", "xpass")


def read(path, counts=None):
    """The tests' and modules' outcomes of a results file; counts, a dict,
    receives {module: (pass, fail, error, skip, xfail, xpass)}."""
    tests, modules, setup, complete = {}, {}, [], False
    counts = {} if counts is None else counts
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "TEST":  # the id may hold spaces: "setUpModule (mod)"
                tests[" ".join(words[1:-1])] = words[-1]
            elif words[0] == "MODULE":
                modules[words[1]] = "ran"
                fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
                counts[words[1]] = tuple(int(fields.get(k, "0")) for k in COUNTS)
            elif words[0] == "IMPORT-ERROR":
                modules[words[1]] = "import-error"
            elif words[0] == "SETUP":
                setup.append(" ".join(words[1:]))
            elif words[0] == "END":
                complete = True
    return tests, modules, setup, complete


def defined_in(stdlib, name):
    """Whether the test id's class and method are defined in its test
    module's source under stdlib: True, False, or None when no module file
    is found."""
    import os
    parts = name.split(" ")[0].split(".")
    for i in range(len(parts) - 1, 0, -1):
        base = os.path.join(stdlib, *parts[:i])
        for path in (base + ".py", os.path.join(base, "__init__.py")):
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                # the test's class (when the id has one below the module)
                # and its method must both be defined there
                names = [("class", parts[-2])] if len(parts) - i >= 2 else []
                names.append(("def", parts[-1]))
                return all(re.search(r"\b" + kw + r"\s+" + re.escape(n) + r"\b", text)
                           for kw, n in names)
    return None


def listed(doc_path):
    rows = set()
    row = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([a-z-]+)\s*\|\s*([a-z-]+)\s*\|")
    with open(doc_path, encoding="utf-8") as f:
        for line in f:
            m = row.match(line)
            if m:
                rows.add(m.groups())
    return rows


def listed_modules(doc_path):
    rows = {}
    row = re.compile(r"^\|\s*module\s+`([^`]+)`\s*\|\s*(.*?)\s*\|\s*$")
    with open(doc_path, encoding="utf-8") as f:
        for line in f:
            m = row.match(line)
            if m:
                rows[m.group(1)] = m.group(2)
    return rows


def show(counts):
    if counts is None:
        return "none (did not import)"
    return " ".join(f"{k}={n}" for k, n in zip(COUNTS, counts) if n) or "no tests"


def tally(tests, modules, left_out, both):
    """{module: counts} of the modules that ran (the keys of modules, read
    from the MODULE lines), counted from the TEST lines but those in
    left_out (tests only one side's sources define) of a module in both."""
    out = {m: [0] * len(COUNTS) for m in modules}
    for name, outcome in tests.items():
        if outcome not in COUNTS:
            continue
        # "test_x (test.test_mod.Class)" for a class or module fixture
        dotted = name[name.index("(") + 1:-1] if name.endswith(")") and " (" in name else name
        parts = dotted.split(" ")[0].split(".")
        module = next((".".join(parts[:i]) for i in range(len(parts), 0, -1)
                       if ".".join(parts[:i]) in out), None)
        if module is not None and not (name in left_out and module in both):
            out[module][COUNTS.index(outcome)] += 1
    return {m: tuple(c) for m, c in out.items()}


def compare_counts(ref_counts, frz_counts, doc_path):
    """Prints each module whose counts differ (UNLISTED when DOC does not
    list it) and a note per listed module whose counts are equal. Returns
    (modules compared, modules equal, unlisted differences)."""
    excused = listed_modules(doc_path)
    names = sorted(set(ref_counts) | set(frz_counts))
    equal = unlisted = 0
    for name in names:
        a, b = ref_counts.get(name), frz_counts.get(name)
        if a == b:
            equal += 1
            if name in excused:
                print(f"note: module `{name}` is listed in {doc_path} but its counts are equal")
            continue
        mark = "" if name in excused else "UNLISTED COUNTS "
        unlisted += name not in excused
        print(f"{mark}module `{name}` python: {show(a)}; frozen: {show(b)}")
    return len(names), equal, unlisted


def main():
    ref_path, frz_path, doc_path = sys.argv[1:4]
    stdlibs = sys.argv[4:6] if len(sys.argv) >= 6 else None
    ref_counts, frz_counts = {}, {}
    ref_tests, ref_modules, _, ref_done = read(ref_path, ref_counts)
    frz_tests, frz_modules, frz_setup, frz_done = read(frz_path, frz_counts)
    diffs = []
    for name in sorted(set(ref_modules) | set(frz_modules)):
        a, b = ref_modules.get(name, "missing"), frz_modules.get(name, "missing")
        if a != b:
            diffs.append((name, a, b))
    revision = []
    for name in sorted(set(ref_tests) | set(frz_tests)):
        a, b = ref_tests.get(name, "missing"), frz_tests.get(name, "missing")
        if a != b and stdlibs and "missing" in (a, b):
            lacking = stdlibs[1] if b == "missing" else stdlibs[0]
            if defined_in(lacking, name) is False:
                revision.append((name, a, b))
                continue
        if a != b:
            diffs.append((name, a, b))
    for text in frz_setup:
        diffs.append(("SETUP", "ok", "failed"))
    doc = listed(doc_path)
    unlisted = [d for d in diffs if d not in doc]
    for d in diffs:
        mark = "UNLISTED " if d in unlisted else ""
        print(f"{mark}`{d[0]}` python={d[1]} frozen={d[2]}")
    for d in sorted(doc - set(diffs)):
        print(f"note: listed in {doc_path} but did not happen: `{d[0]}` python={d[1]} frozen={d[2]}")
    for d in revision:
        print(f"note: `{d[0]}` python={d[1]} frozen={d[2]}: only one side's test sources define it")
    # the counts over the tests both sides' sources define (in the modules
    # that ran on both sides: a test of a module that did not import is
    # "missing" on that side whatever its sources define)
    skipped = {name for name, _, _ in revision}
    both = set(ref_counts) & set(frz_counts)
    ref_counts = tally(ref_tests, ref_counts, skipped, both)
    frz_counts = tally(frz_tests, frz_counts, skipped, both)
    compared, equal, count_unlisted = compare_counts(ref_counts, frz_counts, doc_path)
    total = sum(1 for _ in ref_tests)
    print(f"{total} tests under python3.11, {len(frz_tests)} frozen, "
          f"{len(diffs)} differences, {len(unlisted)} not listed in {doc_path}; "
          f"counts equal in {equal} of {compared} modules, "
          f"{compared - equal - count_unlisted} listed, {count_unlisted} not listed")
    bad = False
    if not ref_done or not frz_done:
        print(f"a run did not finish: python3.11 {'finished' if ref_done else 'did not finish'}, "
              f"frozen {'finished' if frz_done else 'did not finish'}")
        bad = True
    if unlisted or count_unlisted:
        bad = True
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
