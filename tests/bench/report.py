"""report: print the benchmark table from the data tests/bench/run.sh collected.

    /usr/bin/python3.11 -I report.py WORKDIR

WORKDIR holds data.tsv (kind<TAB>[name<TAB>]value lines), startup/r*.json,
cpu/r*.json and freeze/r*.json (hyperfine --export-json, one file per round).
Prints Markdown: the machine, then one table row per figure with its target:
issue 16's (start-up against python3.11 -I -S, the CPU-bound set, size,
memory), issue 5's (freeze time, payload) and issue 14's (payloads with many
packages installed, the scipy.stats freeze); "(16)", "(5)" or "(14)" in the
target column says which.
"""

import glob
import json
import os
import statistics
import sys

W = sys.argv[1]
one = {}    # key -> value
many = {}   # (kind, name) -> [values]
for line in open(os.path.join(W, "data.tsv"), encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) == 2:
        one[parts[0]] = parts[1]
    elif len(parts) == 3:
        many.setdefault((parts[0], parts[1]), []).append(parts[2])


def rounds(sub):
    """{command name: [[times of round 1], [times of round 2], ...]} in seconds."""
    out = {}
    for f in sorted(glob.glob(os.path.join(W, sub, "r*.json"))):
        for res in json.load(open(f))["results"]:
            out.setdefault(res["command"], []).append(res["times"])
    return out


startup = rounds("startup")
freeze = rounds("freeze")
cpu = rounds("cpu")


def med(data, name):
    if name not in data:
        return None
    return statistics.median(t for r in data[name] for t in r)


def round_ratios(data, a, b):
    rs = [statistics.median(x) / statistics.median(y) for x, y in zip(data[a], data[b])]
    return min(rs), max(rs)


def na(prog):
    return one.get("na_" + prog)


rows = []  # (figure, measured, reference, ratio, target, result)


def ms(s):
    return f"{s * 1000:.1f} ms"


def row_ratio(figure, a_name, a, b_name, b, limit, spread=None, target=None, fmt=ms):
    if a is None or b is None:
        rows.append((figure, "n/a", "", "", target or (f"<= {limit}x" if limit else "-"), "n/a"))
        return
    r = a / b
    ratio = f"{r:.2f}x"
    if spread:
        ratio += f" ({spread[0]:.2f}-{spread[1]:.2f})"
    if limit is None:
        res = "info"
    else:
        res = "PASS" if r <= limit else f"MISS by {(r / limit - 1) * 100:.0f}%"
    rows.append((figure, f"{a_name} {fmt(a)}", f"{b_name} {fmt(b)}", ratio,
                 target or (f"<= {limit:.2f}x" if limit else "-"), res))


def row_na(figure, reason, target):
    rows.append((figure, f"n/a ({reason})", "", "", target, "n/a"))


LABEL = {"hello": "hello world", "heavy": "stdlib-heavy", "numpyprog": "numpy",
         "allstd": "hello, whole stdlib in payload"}
# issue 16: start-up against python3.11 -I -S (-I beside, not a target: its
# time depends on the .pth files site finds among installed packages)
STARTUP_LIMIT = {"hello": 0.80, "heavy": 0.85, "numpyprog": 1.00}

# ---- start-up
for prog in ("hello", "heavy", "numpyprog"):
    fz = f"{prog} frozen"
    for ref, limit in (("-I -S", STARTUP_LIMIT.get(prog)), ("-I", None)):
        figure = f"start-up {LABEL[prog]} vs python3.11 {ref}"
        target = f"<= {limit:.2f}x (16)" if limit else "-"
        if fz not in startup:
            row_na(figure, na(prog) or "not measured", target)
            continue
        py = f"{prog} python3.11 {ref}"
        row_ratio(figure, "frozen", med(startup, fz), "python", med(startup, py), limit,
                  round_ratios(startup, fz, py), target)
for prog in ("hello", "heavy"):
    fz, pie = f"{prog} frozen", f"{prog} frozen --pie"
    if fz in startup and pie in startup:
        row_ratio(f"start-up {LABEL[prog]}: --pie stub vs default stub", "--pie", med(startup, pie),
                  "default", med(startup, fz), None, round_ratios(startup, pie, fz), "-")
        py = f"{prog} python3.11 -I"
        row_ratio(f"start-up {LABEL[prog]} --pie vs python3.11 -I", "--pie", med(startup, pie),
                  "python", med(startup, py), None, round_ratios(startup, pie, py), "-")
if "allstd frozen" in startup and "hello frozen" in startup:
    row_ratio("start-up hello: whole-stdlib payload vs tree-shaken", "whole",
              med(startup, "allstd frozen"), "shaken", med(startup, "hello frozen"), 1.05,
              round_ratios(startup, "allstd frozen", "hello frozen"), "<= 1.05x (16)")
else:
    row_na("start-up hello: whole-stdlib payload vs tree-shaken",
           na("allstd") or na("hello") or "not measured", "<= 1.05x (16)")

# start-up instructions (callgrind, all threads, one run) and minor page
# faults (median): the load-independent side of the start-up ratios; the
# limits are the wall-time targets', so these rows are "info"
for prog in ("hello", "heavy", "numpyprog", "allstd"):
    fz = f"{prog} frozen"
    ref = f"{'hello' if prog == 'allstd' else prog} python3.11 -I -S"
    limit = STARTUP_LIMIT.get(prog) if prog != "allstd" else 1.05
    what = "vs tree-shaken hello" if prog == "allstd" else "vs python3.11 -I -S"
    ref = "hello frozen" if prog == "allstd" else ref
    a, b = many.get(("startinstr", fz)), many.get(("startinstr", ref))
    if a and b:
        r = int(a[0]) / int(b[0])
        rows.append((f"start-up instructions {LABEL[prog]} {what} (callgrind)", f"frozen {int(a[0]) / 1e6:.1f} M",
                     f"{'hello' if prog == 'allstd' else 'python'} {int(b[0]) / 1e6:.1f} M", f"{r:.3f}x",
                     f"wall-time target <= {limit:.2f}x", "info"))
    for kind, figure in (("faults", "page faults (minor, with pages populated in one call)"),
                         ("traps", "page faults taken one by one (perf page-faults)")):
        a, b = many.get((kind, fz)), many.get((kind, ref))
        if a and b and all(v.isdigit() for v in a + b):
            a, b = statistics.median(int(v) for v in a), statistics.median(int(v) for v in b)
            rows.append((f"start-up {figure} {LABEL[prog]} {what}", f"frozen {a:.0f}",
                         f"{'hello' if prog == 'allstd' else 'python'} {b:.0f}", f"{a / b:.2f}x", "report", "info"))
    a, b = many.get(("cpu", fz)), many.get(("cpu", ref))
    if a and b:
        a, b = statistics.median(float(v) for v in a), statistics.median(float(v) for v in b)
        if b > 0:
            rows.append((f"start-up user+sys CPU {LABEL[prog]} {what} (/usr/bin/time)", f"frozen {a * 1e3:.0f} ms",
                         f"{'hello' if prog == 'allstd' else 'python'} {b * 1e3:.0f} ms", f"{a / b:.2f}x", "report", "info"))

# ---- CPU-bound set (issue 16): instructions (callgrind, start-up taken off)
# and wall time against python3.11 -I -S on the same source
cpu_progs = sorted({k[1].split()[1] for k in many if k[0] == "instr"})
instr = {}
for c in cpu_progs:
    fz, py = many.get(("instr", f"cpu {c} frozen")), many.get(("instr", f"cpu {c} python3.11"))
    if fz and py:
        instr[c] = (int(fz[0].split()[0]), int(py[0].split()[0]))
        row_ratio(f"CPU-bound {c}: instructions (callgrind)", "frozen", instr[c][0], "python",
                  instr[c][1], None, target="-", fmt=lambda n: f"{n / 1e6:.0f} M")
    if f"cpu {c} frozen" in cpu and f"cpu {c} python3.11" in cpu:
        row_ratio(f"CPU-bound {c}: wall time", "frozen", med(cpu, f"cpu {c} frozen"), "python",
                  med(cpu, f"cpu {c} python3.11"), None, round_ratios(cpu, f"cpu {c} frozen", f"cpu {c} python3.11"),
                  target="-", fmt=lambda t: f"{t:.3f} s")
for k, v in sorted(one.items()):
    if k.startswith("na_cpu_"):
        row_na(f"CPU-bound {k[7:]}", v, "-")
if instr:
    row_ratio(f"CPU-bound set ({len(instr)} programs): instructions, total", "frozen",
              sum(a for a, _ in instr.values()), "python", sum(b for _, b in instr.values()), 1.0,
              target="<= 1.00x (16)", fmt=lambda n: f"{n / 1e9:.2f} G")
else:
    row_na("CPU-bound set: instructions, total", "not measured", "<= 1.00x (16)")
walls = [(med(cpu, f"cpu {c} frozen"), med(cpu, f"cpu {c} python3.11")) for c in cpu_progs
         if f"cpu {c} frozen" in cpu and f"cpu {c} python3.11" in cpu]
if walls:
    geo = statistics.geometric_mean(a / b for a, b in walls)
    rows.append((f"CPU-bound set ({len(walls)} programs): wall time, geometric mean of ratios",
                 f"frozen {sum(a for a, _ in walls):.2f} s in all", f"python {sum(b for _, b in walls):.2f} s in all",
                 f"{geo:.3f}x", "<= 1.00x (16)", "PASS" if geo <= 1.0 else f"MISS by {(geo - 1) * 100:.1f}%"))
else:
    row_na("CPU-bound set: wall time", "not measured", "<= 1.00x (16)")

# ---- memory: PSS of concurrent copies (issue 16)
pss_fz, pss_py = many.get(("pss", "frozen")), many.get(("pss", "python3.11 -I -S"))
if pss_fz and pss_py:
    copies = pss_fz[0].split()[3]
    fz = statistics.median(int(v.split()[0]) for v in pss_fz)
    py = statistics.median(int(v.split()[0]) for v in pss_py)
    shm = statistics.median(int(v.split()[1]) for v in pss_fz)
    row_ratio(f"total PSS of {copies} concurrent ssl+sqlite3 programs vs python3.11 -I -S", "frozen", fz,
              "python", py, 1.0, target="<= 1.00x (16)", fmt=lambda k: f"{k / 1024:.1f} MiB")
    pss_st = many.get(("pss", "frozen stored"))
    if pss_st:
        st = statistics.median(int(v.split()[0]) for v in pss_st)
        row_ratio("  the same, frozen with --store-native-code", "frozen", st, "python", py, 1.0,
                  target="<= 1.00x (16)", fmt=lambda k: f"{k / 1024:.1f} MiB")
    native = one.get("pss_native", "? ?").split()
    rows.append((f"  of which memfd copies of native code (Pss_Shmem), {native[0]} native files "
                 f"of {int(native[1]) / 1e6:.2f} MB packed", f"frozen {shm / 1024:.1f} MiB",
                 f"{shm / int(copies) / 1024:.2f} MiB per copy", "", "report", "info"))
else:
    row_na("total PSS of concurrent ssl+sqlite3 programs", one.get("na_pss", "not measured"), "<= 1.00x (16)")

# ---- peak RSS: issue 16's target against -I -S for hello and stdlib-heavy
MIB = lambda k: f"{k / 1024:.1f} MiB"
for prog in ("hello", "heavy", "numpyprog", "allstd"):
    fz = ("rss", f"{prog} frozen")
    for ref in ("-I -S", "-I"):
        py = ("rss", f"{'hello' if prog == 'allstd' else prog} python3.11 {ref}")
        limit = 1.0 if prog in ("hello", "heavy") and ref == "-I -S" else None
        target = "<= 1.00x (16)" if limit else "-"
        figure = f"peak RSS {LABEL[prog]} vs python3.11 {ref}"
        if fz not in many or py not in many:
            row_na(figure, na(prog) or "not measured", target)
            continue
        a = statistics.median(int(v) for v in many[fz])
        b = statistics.median(int(v) for v in many[py])
        row_ratio(figure, "frozen", a, "python", b, limit, target=target, fmt=MIB)
    pie, py = ("rss", f"{prog} frozen --pie"), ("rss", f"{prog} python3.11 -I")
    if pie in many and py in many:
        a = statistics.median(int(v) for v in many[pie])
        b = statistics.median(int(v) for v in many[py])
        row_ratio(f"peak RSS {LABEL[prog]} --pie vs python3.11 -I", "--pie", a, "python", b, None,
                  fmt=MIB, target="-")

# ---- freeze time
FREEZE_LIMIT = {("hello", "cold"): 0.5, ("hello", "warm"): 0.15, ("heavy", "cold"): 1.5}
for prog in ("hello", "heavy", "numpyprog", "allstd"):
    for kind in ("cold", "warm"):
        if prog == "allstd" and kind == "warm":
            continue
        name = f"freeze {prog} {kind}"
        limit = FREEZE_LIMIT.get((prog, kind))
        figure = f"freeze time {LABEL[prog]}, {kind}"
        target = f"<= {limit} s (5)" if limit else "-"
        t = med(freeze, name)
        if t is None:
            row_na(figure, na(prog) if na(prog) and "freeze" in na(prog) else "not measured", target)
            continue
        lo = min(statistics.median(r) for r in freeze[name])
        hi = max(statistics.median(r) for r in freeze[name])
        res = "info" if limit is None else ("PASS" if t <= limit else f"MISS by {(t / limit - 1) * 100:.0f}%")
        rows.append((figure, f"{t:.3f} s ({lo:.3f}-{hi:.3f})", "", "", target, res))

# ---- sizes
stub = int(one["stub_stripped"])
level = one.get("zstd_level", "?")
for prog in ("hello", "heavy", "numpyprog", "allstd"):
    key = ("size", prog)
    if key not in many:
        row_na(f"output size {LABEL[prog]}", na(prog) or "not frozen", "report")
        row_na(f"payload {LABEL[prog]} vs tar --zstd -{level}", na(prog) or "not frozen", "<= 1.1x (5)")
        continue
    size = int(many[key][0])
    payload = int(many[("payload", prog)][0])
    ref = int(many[("tarzst", prog)][0])
    members, tar_bytes = many[("members", prog)][0].split()
    mb = lambda n: f"{n / 1e6:.2f} MB"
    rows.append((f"output size {LABEL[prog]} vs stripped stub", f"output {mb(size)}", f"stub {mb(stub)}",
                 f"{size / stub:.2f}x (+{mb(size - stub)})", "report", "info"))
    row_ratio(f"payload {LABEL[prog]} vs tar --zstd -{level} ({members} members, tar {mb(int(tar_bytes))})",
              "payload", payload, "tar.zst", ref, 1.1, target="<= 1.10x (5)", fmt=mb)

mb = lambda n: f"{n / 1e6:.2f} MB"
if "hello_stripped" in one:
    n = int(one["hello_stripped"])
    rows.append(("hello world executable, frozen with the stripped stub", f"{mb(n)}", "PyInstaller one-file 7.1 MB",
                 "", "<= 7.0 MB (16)", "PASS" if n <= 7.0e6 else f"MISS by {(n / 7.0e6 - 1) * 100:.0f}%"))
else:
    row_na("hello world executable, frozen with the stripped stub", "not measured", "<= 7.0 MB (16)")
sections = {k[1]: int(v[0]) for k, v in many.items() if k[0] == "section"}
if sections:
    big = sorted(sections.items(), key=lambda kv: -kv[1])[:6]
    rows.append(("stripped stub by section (size -A)", ", ".join(f"{n} {mb(b)}" for n, b in big),
                 f"all {mb(sum(sections.values()))}", "", "report", "info"))

stub_parts = {k[1]: int(v[0]) for k, v in many.items() if k[0] == "part" and k[1] != "all"}
if stub_parts:
    big = sorted(stub_parts.items(), key=lambda kv: -kv[1])[:8]
    rows.append(("stub by part (link map, stub_parts.py)", ", ".join(f"{n} {mb(b)}" for n, b in big),
                 f"all {mb(sum(stub_parts.values()))}", "", "report", "info"))

# ---- issue 14: payloads with many packages installed, the scipy.stats freeze
LIMIT14 = {"tqdm_only": ("`import tqdm` + a loop", 2.5e6), "numpy_example": ("examples/numpy-app", 17e6),
           "scipy_stats": ("scipy.stats two-liner", None)}
for prog, (label, limit) in LIMIT14.items():
    target = f"<= {limit / 1e6:.1f} MB (14)" if limit else "report"
    if ("payload14", prog) not in many:
        row_na(f"payload {label}", one.get(f"na_{prog}", "not measured"), target)
        continue
    n = int(many[("payload14", prog)][0])
    res = "info" if limit is None else ("PASS" if n <= limit else f"MISS by {(n / limit - 1) * 100:.0f}%")
    rows.append((f"payload {label}", mb(n), "", "", target, res))
times = [tuple(float(x) for x in v.split()) for v in many.get(("scipy_freeze", "cold"), [])]
if times:
    cpu = statistics.median(t[0] + t[1] for t in times)
    rss = statistics.median(t[2] for t in times) * 1024
    rows.append(("cold freeze of the scipy.stats two-liner, user+sys CPU", f"{cpu:.2f} s",
                 f"{len(times)} runs", "", "<= 3 s (14)", "PASS" if cpu <= 3 else f"MISS by {(cpu / 3 - 1) * 100:.0f}%"))
    walls = [t[3] for t in times if len(t) > 3]
    if walls:  # the wall time is the machine's load as much as the freezer's
        wall = statistics.median(walls)
        rows.append(("cold freeze of the scipy.stats two-liner, wall (2 cores)", f"{wall:.2f} s",
                     f"{len(walls)} runs", "", "<= 3 s (14)",
                     "PASS" if wall <= 3 else f"MISS by {(wall / 3 - 1) * 100:.0f}%"))
    rows.append(("cold freeze of the scipy.stats two-liner, peak RSS", f"{rss / 1e6:.0f} MB", "", "",
                 "<= 300 MB (14)", "PASS" if rss <= 300e6 else f"MISS by {(rss / 300e6 - 1) * 100:.0f}%"))
else:
    row_na("cold freeze of the scipy.stats two-liner", one.get("na_scipy_stats", "not measured"), "<= 3 s (14)")

# ---- syscalls and files opened
for prog in ("hello", "heavy", "numpyprog", "allstd"):
    fz = f"{prog} frozen"
    py = f"{'hello' if prog == 'allstd' else prog} python3.11 -I"
    if ("syscalls", fz) not in many or ("syscalls", py) not in many:
        row_na(f"syscalls at start-up {LABEL[prog]}", na(prog) or "not measured", "report")
        continue
    calls = lambda n: int(many[("syscalls", n)][0].split()[3])
    opens = lambda n: many[("opens", n)][0].split()
    stats = lambda n: int(many[("stats", n)][0])
    row_ratio(f"syscalls at start-up {LABEL[prog]} (strace -f -c)", "frozen", calls(fz), "python -I",
              calls(py), None, target="report", fmt=str)
    of, op = opens(fz), opens(py)
    rows.append((f"files opened at start-up {LABEL[prog]} (openat: all / ok)", f"frozen {of[0]} / {of[1]}",
                 f"python -I {op[0]} / {op[1]}", "", "report", "info"))
    rows.append((f"stat/access/readlink calls at start-up {LABEL[prog]}", f"frozen {stats(fz)}", f"python -I {stats(py)}",
                 "", "report", "info"))

# ---- print
print("## pyfreeze benchmark\n")
print(f"- date: {one['date']}")
print(f"- machine: {one['nproc']} CPUs, {one['cpu']}, {one['kernel']}")
print(f"- python: {one['python'].strip()} (/usr/bin/python3.11)")
print(f"- pyfreeze: {one['pyfreeze']}")
print(f"- {one['hyperfine']}; {one.get('valgrind', 'valgrind ?')}; {one['settings']}; freeze cache: {one.get('cache_mode', '?')}")
print(f"- modules in sys.modules: python3.11 -I -c pass {one['hello_modules']}, stdlib-heavy "
      f"{one['heavy_modules']}; whole-stdlib hello packs {one['allstd_imports']} stdlib modules "
      f"named by --hidden-import")
for k, v in sorted(one.items()):
    if k.startswith("na_"):
        print(f"- {LABEL.get(k[3:], k[3:])}: {v}")
print()
head = ("figure", "measured", "reference", "ratio (per-round range)", "target", "result")
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for r in rows:
    print("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
targets = [r for r in rows if r[5].startswith(("PASS", "MISS")) or (r[5] == "n/a" and r[4].startswith("<="))]
passed = sum(r[5] == "PASS" for r in targets)
print(f"\ntargets: {passed} of {len(targets)} met"
      f" ({sum(r[5].startswith('MISS') for r in targets)} missed, {sum(r[5] == 'n/a' for r in targets)} n/a)")
