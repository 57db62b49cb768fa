"""gen_data_order.py - writes stub/data_order.ld: the linker script that puts
the stub's writable data in the order programs write it (see that file).

A page of the stub's initialised data (.data, .PyRuntime) stays the
executable file's page, shared by every process running it, until the
process writes to it: then the kernel copies it (a fault, and 4 KiB of the
process's own memory). CPython's start writes most of that data (static
types, .PyRuntime, the deep-frozen objects of the modules it imports), so
runtime/boot/prefault.c copies those pages with one madvise instead of a
fault each. But GNU ld lays .data out object by object and variable by
variable in the order it meets them, so a page holds data hello world writes
beside data it never writes (the deep-frozen code of modules hello does not
import, the static types of built-in modules it does not load): 197 of the
315 pages were written by hello world, and prefaulting all of them made
every process hold the 118 others as its own copies (2026-12-07, issue 16).
The script puts first the input sections the first profiled program (hello
world: what every start-up writes) wrote, then .PyRuntime, then the symbol
pf_prefault_data_end, where prefault.c stops; then the sections only the
other profiled programs wrote, those most of them wrote first, so that a
program writing them touches as few pages as their bytes fill; the rest (what
none wrote) stays in .data as GNU ld lays it out, after all of them.

Usage (a maintainer's tool, like gen_text_order.py: run after a change of
libpython3.11, zstd or the runtime; a stale list costs memory and page
faults, never correctness, since sections it names that are gone match
nothing and sections it misses stay in .data):

    cc ... -Wl,-Map=stub.map          # the default stub's link line plus a map
    valgrind --tool=lackey --trace-mem=yes --log-fd=3 ./hello 3>&1 >/dev/null \\
        | awk '$1 == "S" || $1 == "M" {print $2}' | sort -u > hello.stores
    ...                               # each of the benchmark's programs,
                                      # frozen with that stub, hello first
    python3.11 stub/gen_data_order.py stub.map hello.stores other.stores... \\
        > stub/data_order.ld

Each stores file lists the addresses a program stored to ("ADDR,SIZE" in
hex and decimal, lackey's format), any order, repeats allowed; lines whose
address lies outside the map's data sections are ignored.
"""

import bisect
import re
import sys

# Output sections whose input sections are placed here (not .data.rel.ro:
# RELRO, write-protected after relocation).
DATA = re.compile(r"^\.data($|\.(?!rel\.ro))")


def input_sections(map_path):
    """(address, size, section name, input file) of every input section of
    the .data output section in a GNU ld link map."""
    sections, pending, output = [], None, None
    for line in open(map_path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if re.match(r"^\S", line):
            output = line.split()[0]
            continue
        if output is None or not DATA.match(output):
            continue
        alone = re.match(r"^ (\.\S+)\s*$", line)
        if alone:
            pending = alone.group(1)
            continue
        row = re.match(r"^ (\.\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", line)
        name = (row.group(1) or pending) if row else None
        pending = None
        if name and int(row.group(3), 16) > 0:
            sections.append((int(row.group(2), 16), int(row.group(3), 16), name, row.group(4)))
    return sorted(sections)


def stored(path, sections, starts):
    """The sections a stores file's addresses fall in."""
    hit = set()
    for line in open(path, encoding="ascii"):
        address, _, size = line.strip().partition(",")
        if not address:
            continue
        first = int(address, 16)
        for byte in (first, first + max(int(size or "1"), 1) - 1):
            k = bisect.bisect_right(starts, byte) - 1
            if k >= 0 and byte < sections[k][0] + sections[k][1]:
                hit.add(sections[k])
    return hit


def pattern(input_file):
    """The linker script's file pattern for an archive member, or for an
    object given by path its basename; libpython3.11.a and
    libpython3.11-pic.a (the --pie stub's, same member names) share one."""
    m = re.match(r"^(.*/)?([^/()]+\.a)\(([^()]+)\)$", input_file)
    if not m:
        return "*" + input_file.rsplit("/", 1)[-1]
    archive = "libpython3.11*.a" if m.group(2).startswith("libpython3.11") else m.group(2)
    return f"*{archive}:{m.group(3)}"


def emit(order, count):
    for section in order:
        start, size, name, input_file = section
        print(f"        {pattern(input_file)}({name}) /* {size} {count(section)} */")


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    sections = input_sections(argv[1])
    starts = [s[0] for s in sections]
    first = stored(argv[2], sections, starts)
    others = [stored(path, sections, starts) for path in argv[3:]]
    def count(section):
        return (section in first) + sum(section in o for o in others)
    more = set().union(*others) - first if others else set()
    hot = sorted(first)
    warm = sorted(more, key=lambda s: (-count(s), s[0]))
    size = sum(s[1] for s in hot)
    print("/* data_order.ld - generated by stub/gen_data_order.py, which says why.")
    print(" * Given to the linker with -T: INSERT adds to its default script. The")
    print(" * stub's initialised writable data in the order programs write it: in")
    print(" * .data.start what hello world wrote (what every start-up writes), then")
    print(" * .PyRuntime, then pf_prefault_data_end (runtime/boot/prefault.c faults in")
    print(" * the pages before it at start); in .data.more what only the other")
    print(f" * profiled programs wrote ({len(argv) - 3} of them), the most written first;")
    print(" * the rest stays in .data. Each line: the section's size in bytes and")
    print(f" * how many of the {len(argv) - 2} profiled programs wrote it ({size} bytes first). */")
    print("SECTIONS")
    print("{")
    print("    .data.start :")
    print("    {")
    emit(hot, count)
    print("    }")
    print("    .PyRuntime : { *(.PyRuntime) }")
    print("    PROVIDE_HIDDEN(pf_prefault_data_end = .);")
    print("    .data.more :")
    print("    {")
    emit(warm, count)
    print("    }")
    print("}")
    print("INSERT BEFORE .data;")


if __name__ == "__main__":
    main(sys.argv)
