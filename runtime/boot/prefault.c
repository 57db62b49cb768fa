/* prefault.c - the executable's writable data faulted in at once; see
 * prefault.h. */
#include "prefault.h"

#include <sys/auxv.h>
#include <sys/mman.h>

/* Linux 5.14's value (include/uapi/asm-generic/mman-common.h); glibc 2.31's
 * headers, which the stub is built with, predate it. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* The end of the data every start-up writes, put there by the stub's link
 * (stub/data_order.ld); weak: absent (address 0) from other links. */
extern const char pf_prefault_data_end[] __attribute__((weak));

struct pf_page_range pf_prefault_data_range(const ElfW(Phdr) * phdr, size_t count, uintptr_t bias,
                                            uintptr_t pageSize, uintptr_t limit)
{
    struct pf_page_range none = {0, 0};
    const ElfW(Phdr) *data = NULL, *relro = NULL;
    for (size_t k = 0; k < count; k++) {
        if (phdr[k].p_type == PT_LOAD && (phdr[k].p_flags & PF_W) && data == NULL) {
            data = &phdr[k];
        } else if (phdr[k].p_type == PT_GNU_RELRO) {
            relro = &phdr[k];
        }
    }
    uintptr_t mask = pageSize - 1u;
    if (data == NULL || data->p_filesz == 0 || pageSize == 0 ||
        data->p_vaddr > UINTPTR_MAX - bias ||
        data->p_filesz > UINTPTR_MAX - mask - (bias + data->p_vaddr)) {
        return none; /* nothing to fault in, or addresses that cannot be */
    }
    uintptr_t start = (bias + data->p_vaddr) & ~mask;
    uintptr_t end = (bias + data->p_vaddr + data->p_filesz + mask) & ~mask;
    if (relro != NULL && relro->p_vaddr <= UINTPTR_MAX - bias &&
        relro->p_memsz <= UINTPTR_MAX - (bias + relro->p_vaddr)) {
        /* ld.so write-protects RELRO's whole pages (elf/dl-reloc.c,
         * _dl_protect_relro): a partial last page stays writable */
        uintptr_t relroEnd = (bias + relro->p_vaddr + relro->p_memsz) & ~mask;
        if (relroEnd > start) {
            start = relroEnd;
        }
    }
    if (limit != 0 && limit <= UINTPTR_MAX - mask && ((limit + mask) & ~mask) < end) {
        end = (limit + mask) & ~mask; /* a page limit cuts holds data before it: in */
    }
    if (start >= end) {
        return none;
    }
    return (struct pf_page_range){start, end - start};
}

void pf_prefault_data(void)
{
    pf_prefault_data_below((uintptr_t)pf_prefault_data_end);
}

void pf_prefault_data_below(uintptr_t limit)
{
    const ElfW(Phdr) *phdr = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    size_t count = (size_t)getauxval(AT_PHNUM);
    uintptr_t pageSize = (uintptr_t)getauxval(AT_PAGESZ);
    if (phdr == NULL || count == 0 || pageSize == 0 || (pageSize & (pageSize - 1u)) != 0) {
        return;
    }
    /* the load bias: where PT_PHDR says the headers are against where they are */
    uintptr_t bias = 0;
    size_t k = 0;
    while (k < count && phdr[k].p_type != PT_PHDR) {
        k++;
    }
    if (k == count) {
        return; /* no PT_PHDR: the bias is not known */
    }
    bias = (uintptr_t)phdr - phdr[k].p_vaddr;
    struct pf_page_range r = pf_prefault_data_range(phdr, count, bias, pageSize, limit);
    if (r.size > 0) {
        (void)madvise((void *)r.start, r.size, MADV_POPULATE_WRITE); /* EINVAL before 5.14 */
    }
    /* the rest mapped as the file's pages: hello world reads in each 64 KiB
     * of it, a read fault each (fault-around) */
    struct pf_page_range all = pf_prefault_data_range(phdr, count, bias, pageSize, 0);
    uintptr_t from = r.size > 0 ? r.start + r.size : all.start;
    if (limit != 0 && all.size > 0 && from < all.start + all.size) {
        (void)madvise((void *)from, all.start + all.size - from, MADV_POPULATE_READ);
    }
}
