/* prefault.h - the pages every start-up writes, faulted in with one call
 * each instead of one page fault per page. */
#ifndef PF_PREFAULT_H
#define PF_PREFAULT_H

#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>

/* A range of whole pages: [start, start + size). size 0: none. */
struct pf_page_range {
    uintptr_t start;
    size_t size;
};

/* pf_prefault_data_range: the pages of an executable's initialised
 * writable data that are not RELRO, from its program headers phdr[0..count)
 * (ELF gABI, "Program Header"; PT_GNU_RELRO is GNU's), loaded with the
 * bias `bias` (0 for a fixed-address executable), pages of pageSize bytes
 * (a power of two). The range runs from the first page of the writable
 * PT_LOAD segment that RELRO does not cover to the page holding its last
 * file-backed byte (p_filesz: .bss past it is left out, most of it is
 * never used); RELRO is left out because ld.so write-protects it after
 * relocating. With no writable PT_LOAD, or nothing of it left, the range
 * is empty. Pure: reads only its arguments. */
struct pf_page_range pf_prefault_data_range(const ElfW(Phdr) * phdr, size_t count, uintptr_t bias,
                                            uintptr_t pageSize);

/* pf_prefault_data: makes this process's own copies of the executable's
 * writable data pages (pf_prefault_data_range of the running executable,
 * from getauxval(3)'s AT_PHDR, AT_PHNUM and AT_PAGESZ) with one
 * madvise(2) MADV_POPULATE_WRITE, as CPython's start writes nearly all of
 * them (its static types, the deep-frozen modules' objects): each page
 * would otherwise cost a copy-on-write fault, and faults are costly under
 * a hypervisor (big_block.h). The data is not changed. A kernel before
 * Linux 5.14 (no MADV_POPULATE_WRITE), or any failure, leaves the pages
 * to fault in one by one as before: nothing is reported. Call it first,
 * before other threads exist. */
void pf_prefault_data(void);

#endif
