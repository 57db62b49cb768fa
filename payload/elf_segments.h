/* elf_segments.h - which parts of a shared object held in memory can be
 * mapped straight from a file that holds its exact bytes: the read-only
 * PT_LOAD segments, and the file pages only they use (rule sources: System
 * V gABI "Program Header" and "Dynamic Section": PT_LOAD, PF_W, p_offset
 * congruent to p_vaddr modulo the page size, DT_TEXTREL and DF_TEXTREL;
 * glibc elf/dl-map-segments.h, _dl_map_segments: each segment is mapped from
 * page_down(p_offset) over [page_down(p_vaddr), page_up(p_vaddr + p_filesz))).
 *
 * The runtime loads an extension module or a bundled library from a memfd
 * (runtime/import/native_loader.c); the segments listed here hold the same
 * bytes in the memfd and in the executable's stored frame (payload.h), since
 * the dynamic linker writes only to writable segments (or to text with
 * DT_TEXTREL, which is then refused here). */
#ifndef PF_ELF_SEGMENTS_H
#define PF_ELF_SEGMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* At most this many read-only segments are planned; a real object has 2-4. */
#define PF_SHARE_MAX_SEGMENTS 16u

/* One read-only segment as the dynamic linker mapped it. */
typedef struct pf_share_segment {
    uint64_t vaddr;  /* page-aligned start, relative to the load base */
    uint64_t offset; /* page-aligned offset in the object's bytes */
    uint64_t size;   /* bytes, a multiple of the page size */
    int prot;        /* PROT_READ, | PROT_EXEC for PF_X */
} pf_share_segment;

/* One range of the object's bytes no remaining mapping reads: a hole may
 * be punched there once the segments are mapped from elsewhere. */
typedef struct pf_share_hole {
    uint64_t offset; /* page-aligned */
    uint64_t size;   /* bytes, a multiple of the page size, > 0 */
} pf_share_hole;

typedef struct pf_share_plan {
    pf_share_segment segments[PF_SHARE_MAX_SEGMENTS];
    size_t segment_count;
    pf_share_hole holes[PF_SHARE_MAX_SEGMENTS];
    size_t hole_count;
} pf_share_plan;

/* pf_elf_share_plan: plans, for the ELF64 little-endian shared object
 * file[0..fileSize) and page size pageSize (bytes, a power of two), the
 * segments to map again from another file and the holes to punch in the
 * object's own copy. A PT_LOAD segment is taken when it is not writable
 * (no PF_W), p_filesz == p_memsz (no zero-filled tail), p_offset %
 * pageSize == p_vaddr % pageSize, and its pages lie inside the file; the
 * others are left as mapped. No segment is taken when the object has text
 * relocations (DT_TEXTREL, or DF_TEXTREL in DT_FLAGS). The holes are the
 * taken segments' pages less every page any segment not taken maps.
 * On PF_OK *plan is filled (possibly with nothing to do). Errors:
 * PF_ERR_CORRUPT / PF_ERR_TRUNCATED (not ELF64 little-endian, program
 * headers or the dynamic section out of bounds), PF_ERR_USAGE (pageSize
 * not a power of two, at least 4096). An object with more than 256 program
 * headers gets an empty plan. */
int pf_elf_share_plan(const uint8_t *file, size_t fileSize, uint64_t pageSize, pf_share_plan *plan,
                      pf_error *err);

#endif
