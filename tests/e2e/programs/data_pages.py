"""data_pages: which pages of its own executable's writable data this process
holds as its own copies (e2e/stub-data). Reads the executable's section
headers (sys.executable), its load address (/proc/self/maps) and
/proc/self/pagemap (bit 63: present; bit 61: a file page or shared; both
read as the page's state, no privilege needed), and prints:

    order: the data sections .data.start, .PyRuntime and .data in address order
    first: OWN of PAGES own
    rest: OWN of PAGES own, MAPPED mapped
    populate: yes (the kernel has MADV_POPULATE_READ, Linux 5.14) or no

"first" is the pages from .data.start's first to the one holding
.PyRuntime's last byte (what stub/data_order.ld puts before the prefault's
end), "rest" the pages after it up to .data's last byte. Under python3.11,
whose executable has neither .data.start nor .PyRuntime in that order, it
prints the order line alone."""

import mmap
import sys


def u(data, at, size):
    return int.from_bytes(data[at:at + size], "little")


with open(sys.executable, "rb") as f:
    elf = f.read()
shoff, phoff = u(elf, 0x28, 8), u(elf, 0x20, 8)
shentsize, shnum, shstrndx = u(elf, 0x3A, 2), u(elf, 0x3C, 2), u(elf, 0x3E, 2)
phentsize, phnum = u(elf, 0x36, 2), u(elf, 0x38, 2)
strtab = shoff + shstrndx * shentsize
names_at = u(elf, strtab + 0x18, 8)
sections = {}
for k in range(shnum):
    h = shoff + k * shentsize
    name_at = names_at + u(elf, h, 4)
    name = elf[name_at:elf.index(b"\0", name_at)].decode()
    sections[name] = (u(elf, h + 0x10, 8), u(elf, h + 0x20, 8))  # address, size
# the load bias: where the segment at file offset 0 is against its address
first_load = min(u(elf, phoff + k * phentsize + 0x10, 8) for k in range(phnum)
                 if u(elf, phoff + k * phentsize, 4) == 1 and u(elf, phoff + k * phentsize + 8, 8) == 0)
with open("/proc/self/maps") as f:
    for line in f:
        fields = line.split()
        if len(fields) >= 6 and fields[2] == "00000000" and fields[5] == sys.executable:
            bias = int(fields[0].split("-")[0], 16) - first_load
            break
order = sorted((a, n) for n, (a, s) in sections.items() if n in (".data.start", ".PyRuntime", ".data"))
print("order:", " ".join(n for a, n in order))
if [n for a, n in order] != [".data.start", ".PyRuntime", ".data"]:
    sys.exit(0)

page = mmap.PAGESIZE


def states(start, end):
    """(own, mapped) counts of the pages [start, end) (addresses, page aligned)."""
    own = mapped = 0
    with open("/proc/self/pagemap", "rb") as f:
        for p in range(start, end, page):
            f.seek(p // page * 8)
            entry = int.from_bytes(f.read(8), "little")
            present, file_page = entry >> 63 & 1, entry >> 61 & 1
            own += present and not file_page
            mapped += present
    return own, mapped


def up(a):
    return (a + page - 1) // page * page


first_start = sections[".data.start"][0] // page * page + bias
first_end = up(sections[".PyRuntime"][0] + sections[".PyRuntime"][1]) + bias
rest_end = up(sections[".data"][0] + sections[".data"][1]) + bias
own, mapped = states(first_start, first_end)
print(f"first: {own} of {(first_end - first_start) // page} own")
own, mapped = states(first_end, rest_end)
print(f"rest: {own} of {(rest_end - first_end) // page} own, {mapped} mapped")
scratch = mmap.mmap(-1, page)
try:
    scratch.madvise(22)  # MADV_POPULATE_READ
    print("populate: yes")
except OSError:
    print("populate: no")
