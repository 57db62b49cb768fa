/* elf_dynamic.h - reading the dynamic-linking facts of one ELF shared
 * object with libelf: DT_SONAME, DT_NEEDED, DT_RPATH, DT_RUNPATH and
 * DT_FLAGS_1's DF_1_NODEFLIB.
 *
 * Rule source: the System V ABI, generic ELF (gABI), chapter "Dynamic
 * Linking", section "Dynamic Section": the entries are read in order up to
 * DT_NULL, and each string tag's value is an offset into the string table
 * named by the dynamic section's sh_link; DF_1_NODEFLIB as glibc's elf.h
 * defines it. Only the x86-64 psABI's kind of object is accepted
 * (ELFCLASS64, ELFDATA2LSB, EM_X86_64). */
#ifndef PFZ_ELF_DYNAMIC_H
#define PFZ_ELF_DYNAMIC_H

#include "pf_error.h"
#include "strlist.h"

/* What the dynamic section says; every string is malloc'd and owned by the
 * struct (pfz_elf_dynamic_free). A tag present twice: the last one counts. */
typedef struct pfz_elf_dynamic {
    char *soname;       /* DT_SONAME, or NULL when absent */
    pfz_strlist needed; /* DT_NEEDED names in the order of the dynamic section */
    char *rpath;        /* DT_RPATH as written (tokens not expanded), or NULL */
    char *runpath;      /* DT_RUNPATH as written, or NULL */
    int nodeflib;       /* 1 when DT_FLAGS_1 has DF_1_NODEFLIB */
} pfz_elf_dynamic;

/* pfz_elf_dynamic_read: reads the object open on fd (positioned anywhere;
 * not closed) into *out (zeroed by the callee). The object must be what
 * x86-64 ld.so loads: ELFCLASS64, ELFDATA2LSB, EM_X86_64, ET_DYN, with a
 * SHT_DYNAMIC section whose strings are in its sh_link string table.
 * When the object has both DT_RPATH and DT_RUNPATH, both are returned (the
 * caller applies ld.so's rule that DT_RUNPATH then hides DT_RPATH).
 * On PF_OK the caller frees *out with pfz_elf_dynamic_free; on error *out
 * is empty (nothing to free).
 * Errors, the message not naming the file (pf_error.h):
 *   PF_ERR_VERSION: a valid ELF file of another class, byte order or machine
 *     (ld.so skips such a candidate and keeps searching);
 *   PF_ERR_CORRUPT: not an ELF file, too short, not ET_DYN, no dynamic
 *     section, or a string offset out of its table (ld.so stops with
 *     "invalid ELF header" or similar);
 *   PF_ERR_IO: libelf cannot be initialised (elf_version);
 *   PF_ERR_NOMEM. */
int pfz_elf_dynamic_read(int fd, pfz_elf_dynamic *out, pf_error *err);

/* pfz_elf_dynamic_free: frees what d owns and zeroes it; accepts NULL. */
void pfz_elf_dynamic_free(pfz_elf_dynamic *d);

#endif
