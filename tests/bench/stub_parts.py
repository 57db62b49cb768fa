"""Splits a stub's size by part, from GNU ld's link map of its link (-Wl,-Map).

Usage: python3.11 stub_parts.py MAP [MAP2]
Prints, per input file (an archive member, named ARCHIVE(MEMBER)) and per
output section group (code, read-only data, data, unwind tables), the bytes
it puts in the stripped file; sections the linker makes itself (.dynsym,
.plt, .eh_frame_hdr, ...) are one part. Sizes are the input sections' (the
linker's merging of .eh_frame and alignment padding make the file differ by
a fraction of a percent). .bss and non-allocated sections
(debug information, symbol tables) are left out: they take no room in the
stripped file. With two maps it prints both and the difference, part by part
(docs/performance.md, "What the stub carries"). The format read is GNU ld's
map ("Linker script and memory map"): an output section at column 0, its
input sections indented one space, the name alone on a line when it is long.
"""

import collections
import re
import sys

# Output sections whose bytes are not in the stripped file.
SKIP = re.compile(r"^\.(bss|tbss|lbss|comment|debug|stab|gnu\.build\.attributes|symtab|strtab|shstrtab|note\.gnu\.gold)")
GROUP = [
    (re.compile(r"^\.(text|init|fini|plt)"), "code"),
    (re.compile(r"^\.(rodata|lrodata)"), "rodata"),
    (re.compile(r"^\.(eh_frame|gcc_except)"), "unwind"),
    (re.compile(r"^\.(data|tdata|got|init_array|fini_array|dynamic|ldata|PyRuntime)"), "data"),
]
ENTRY = re.compile(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def short(path):
    """The part's name for an input file PATH: its basename, ARCHIVE(MEMBER) kept."""
    m = re.match(r"^(.*/)?([^/]+\.a)\((.*)\)$", path)
    if m:
        return f"{m.group(2)}({m.group(3)})"
    return path.rsplit("/", 1)[-1]


# Sections the linker makes (the dynamic symbol table, PLT, GOT, relocations,
# the unwind tables' index): the map lists them under the first input file.
LINKER = re.compile(r"^\.(interp|note|hash|gnu\.hash|dynsym|dynstr|gnu\.version|rela|relr|plt|got|dynamic|eh_frame_hdr)")


def parts(map_path):
    """{(part, group): bytes} from the map at MAP_PATH (bytes in the stripped file)."""
    sizes = collections.Counter()
    out = None
    pending = False
    started = False
    with open(map_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not started:
                started = line.startswith("Linker script and memory map")
                continue
            if line.startswith("."):
                name = line.split()[0]
                out = None if SKIP.match(name) else name
                pending = False
                continue
            if out is None:
                continue
            m = ENTRY.match(line)
            if m and (m.group(1) or pending):
                size = int(m.group(3), 16)
                part = "(linker-made: .dynsym, .plt, .got, .rela, .eh_frame_hdr)" if LINKER.match(out) else short(m.group(4))
                sizes[(part, group(out))] += size
                pending = False
            else:
                pending = bool(re.match(r"^ \.\S+$", line))
    return sizes


def group(section):
    for pattern, name in GROUP:
        if pattern.match(section):
            return name
    return "other"


def table(map_path):
    """{part: {group: bytes}} for MAP_PATH."""
    rows = collections.defaultdict(collections.Counter)
    for (part, grp), n in parts(map_path).items():
        rows[part][grp] += n
    return rows


def main(argv):
    maps = argv[1:]
    if not 1 <= len(maps) <= 2:
        sys.exit("usage: stub_parts.py MAP [MAP2]")
    tables = [table(m) for m in maps]
    names = sorted(set().union(*tables), key=lambda p: -max(sum(t[p].values()) for t in tables))
    groups = ["code", "rodata", "data", "unwind", "other"]
    print("part\t" + "\t".join(f"{g}" for g in groups) + "\ttotal" + ("\tafter\tdifference" if len(maps) == 2 else ""))
    totals = [0] * len(maps)
    for p in names:
        sums = [sum(t[p].values()) for t in tables]
        if max(sums) < 1024:
            continue
        row = [p] + [str(tables[0][p][g]) for g in groups] + [str(sums[0])]
        if len(maps) == 2:
            row += [str(sums[1]), str(sums[1] - sums[0])]
        print("\t".join(row))
    for k, t in enumerate(tables):
        totals[k] = sum(sum(c.values()) for c in t.values())
    print("all\t" + "\t".join("" for _ in groups) + f"\t{totals[0]}" +
          (f"\t{totals[1]}\t{totals[1] - totals[0]}" if len(maps) == 2 else ""))


if __name__ == "__main__":
    main(sys.argv)
