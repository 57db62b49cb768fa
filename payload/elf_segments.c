/* elf_segments.c - the read-only segments of a shared object and the pages
 * only they use; see elf_segments.h. */
#include "elf_segments.h"

#include <elf.h>
#include <string.h>
#include <sys/mman.h>

#include "pf_le.h"

#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define DYN_SIZE 16u
/* Objects with more program headers are left as mapped (real ones have
 * about 10). */
#define MAX_PHNUM 256u

/* le64: the u64 stored little-endian at p[0..8). */
static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)pf_le32_load(p) | (uint64_t)pf_le32_load(p + 4) << 32;
}

/* One program header, read from the file's bytes. */
typedef struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
} phdr;

static phdr read_phdr(const uint8_t *p)
{
    return (phdr){pf_le32_load(p), pf_le32_load(p + 4), le64(p + 8),
                  le64(p + 16),    le64(p + 32),        le64(p + 40)};
}

/* has_textrel: whether the dynamic segment d (inside the file) says the
 * object has text relocations. */
static int has_textrel(const uint8_t *file, const phdr *d)
{
    for (uint64_t at = d->offset; at + DYN_SIZE <= d->offset + d->filesz; at += DYN_SIZE) {
        uint64_t tag = le64(file + at), value = le64(file + at + 8);
        if (tag == DT_NULL) {
            break;
        }
        if (tag == DT_TEXTREL || (tag == DT_FLAGS && (value & DF_TEXTREL))) {
            return 1;
        }
    }
    return 0;
}

/* takeable: whether PT_LOAD segment h can be mapped from another copy of
 * the file (elf_segments.h). */
static int takeable(const phdr *h, uint64_t pageSize, size_t fileSize)
{
    return !(h->flags & PF_W) && h->filesz == h->memsz && h->filesz > 0 &&
           h->offset % pageSize == h->vaddr % pageSize && h->offset <= fileSize &&
           h->filesz <= fileSize - h->offset;
}

/* cut: removes [from, to) from hole h (page-aligned), keeping the larger
 * remaining part on each side; a hole cut in two keeps only its first part
 * and its second goes to *rest (size 0 when none). */
static void cut(pf_share_hole *h, uint64_t from, uint64_t to, pf_share_hole *rest)
{
    uint64_t end = h->offset + h->size;
    rest->size = 0;
    if (to <= h->offset || from >= end) {
        return;
    }
    if (from > h->offset && to < end) {
        *rest = (pf_share_hole){to, end - to};
        h->size = from - h->offset;
    } else if (from <= h->offset) {
        h->size = to >= end ? 0 : end - to;
        h->offset = to >= end ? h->offset : to;
    } else {
        h->size = from - h->offset;
    }
}

/* keep_untaken: cuts from the plan's holes every page a PT_LOAD segment not
 * taken maps (its file pages). */
static void keep_untaken(const uint8_t *file, uint16_t phnum, uint64_t phoff, uint64_t pageSize,
                         const uint8_t *taken, pf_share_plan *plan)
{
    for (uint16_t i = 0; i < phnum; i++) {
        phdr h = read_phdr(file + phoff + (uint64_t)i * PHDR_SIZE);
        if (h.type != PT_LOAD || taken[i]) {
            continue;
        }
        uint64_t from = h.offset & ~(pageSize - 1);
        uint64_t to = (h.offset + h.filesz + pageSize - 1) & ~(pageSize - 1);
        for (size_t k = 0; k < plan->hole_count; k++) {
            pf_share_hole rest;
            cut(&plan->holes[k], from, to, &rest);
            if (rest.size > 0 && plan->hole_count < PF_SHARE_MAX_SEGMENTS) {
                plan->holes[plan->hole_count++] = rest;
            }
        }
    }
    size_t kept = 0;
    for (size_t k = 0; k < plan->hole_count; k++) {
        if (plan->holes[k].size > 0) {
            plan->holes[kept++] = plan->holes[k];
        }
    }
    plan->hole_count = kept;
}

int pf_elf_share_plan(const uint8_t *file, size_t fileSize, uint64_t pageSize, pf_share_plan *plan,
                      pf_error *err)
{
    memset(plan, 0, sizeof *plan);
    if (pageSize < 4096 || (pageSize & (pageSize - 1)) != 0) {
        return pf_error_set(err, PF_ERR_USAGE, "page size %llu is not a power of two >= 4096",
                            (unsigned long long)pageSize);
    }
    if (fileSize < EHDR_SIZE || memcmp(file, ELFMAG, SELFMAG) != 0 ||
        file[EI_CLASS] != ELFCLASS64 || file[EI_DATA] != ELFDATA2LSB) {
        return pf_error_set(err, PF_ERR_CORRUPT, "not a 64-bit little-endian ELF object");
    }
    uint64_t phoff = le64(file + 32);
    uint16_t phentsize = (uint16_t)(file[54] | file[55] << 8);
    uint16_t phnum = (uint16_t)(file[56] | file[57] << 8);
    if (phnum > 0 && phentsize != PHDR_SIZE) {
        return pf_error_set(err, PF_ERR_CORRUPT, "program header size %u", phentsize);
    }
    if (phoff > fileSize || (uint64_t)phnum * PHDR_SIZE > fileSize - phoff) {
        return pf_error_set(err, PF_ERR_TRUNCATED, "program headers lie past the end");
    }
    if (phnum > MAX_PHNUM) {
        return PF_OK;
    }
    uint8_t taken[MAX_PHNUM] = {0}; /* one flag per program header */
    for (uint16_t i = 0; i < phnum; i++) {
        phdr h = read_phdr(file + phoff + (uint64_t)i * PHDR_SIZE);
        if (h.type == PT_DYNAMIC && (h.offset > fileSize || h.filesz > fileSize - h.offset)) {
            return pf_error_set(err, PF_ERR_TRUNCATED, "dynamic section lies past the end");
        }
        if (h.type == PT_DYNAMIC && has_textrel(file, &h)) {
            return PF_OK; /* the linker writes to its text: nothing is the file's bytes */
        }
    }
    for (uint16_t i = 0; i < phnum && plan->segment_count < PF_SHARE_MAX_SEGMENTS; i++) {
        phdr h = read_phdr(file + phoff + (uint64_t)i * PHDR_SIZE);
        if (h.type != PT_LOAD || !takeable(&h, pageSize, fileSize)) {
            continue;
        }
        uint64_t from = h.offset & ~(pageSize - 1);
        uint64_t size = ((h.offset + h.filesz + pageSize - 1) & ~(pageSize - 1)) - from;
        plan->segments[plan->segment_count++] = (pf_share_segment){
            h.vaddr & ~(pageSize - 1), from, size, PROT_READ | ((h.flags & PF_X) ? PROT_EXEC : 0)};
        plan->holes[plan->hole_count++] = (pf_share_hole){from, size};
        taken[i] = 1;
    }
    keep_untaken(file, phnum, phoff, pageSize, taken, plan);
    return PF_OK;
}
