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
 * (a power of two), up to the address `limit` (an address in the running
 * image, so already biased; rounded up to its page; 0: no limit). The
 * range runs from the first page of the writable PT_LOAD segment that
 * RELRO does not cover to the page holding its last file-backed byte
 * (p_filesz: .bss past it is left out, most of it is never used), or to
 * limit's page if that comes first; RELRO is left out because ld.so
 * write-protects it after relocating. With no writable PT_LOAD, or nothing
 * of it left, the range is empty. Pure: reads only its arguments. */
struct pf_page_range pf_prefault_data_range(const ElfW(Phdr) * phdr, size_t count, uintptr_t bias,
                                            uintptr_t pageSize, uintptr_t limit);

/* pf_prefault_data: makes this process's own copies of the executable's
 * writable data pages that every start-up writes, with one madvise(2)
 * MADV_POPULATE_WRITE: pf_prefault_data_range of the running executable
 * (getauxval(3)'s AT_PHDR, AT_PHNUM and AT_PAGESZ) up to the symbol
 * pf_prefault_data_end, which the stub's link (stub/data_order.ld) puts
 * after the data hello world writes (CPython's static types, the
 * deep-frozen objects of the modules every start imports, .PyRuntime). The
 * data past it, which only some programs write, is mapped with one
 * MADV_POPULATE_READ as the file's pages, shared between processes until a
 * process writes one (hello world reads in every 64 KiB of it: a fault
 * each otherwise). Without that symbol (another link: the unit tests), all
 * of the data is copied. Each page would otherwise cost a fault, and faults
 * are costly under a hypervisor (big_block.h). The data is not changed. A
 * kernel before Linux 5.14 (no MADV_POPULATE_*), or any failure, leaves
 * the pages to fault in one by one as before: nothing is reported. Call it
 * first, before other threads exist. */
void pf_prefault_data(void);

/* pf_prefault_data_below: pf_prefault_data with the limit given (an
 * address of this image; 0: no limit, all copied): the pages below the
 * page holding the byte before `limit` copied, the rest mapped. For the
 * tests. */
void pf_prefault_data_below(uintptr_t limit);

#endif
