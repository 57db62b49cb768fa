/* elf_needed.h - what an ELF shared object held in memory needs from
 * others: the DT_NEEDED entries, so the runtime can load a bundled library's
 * or extension module's bundled dependencies first, and the symbols it
 * imports (rule source: System V gABI, "Dynamic Section" and "Symbol
 * Table"; names are offsets into the dynamic string table, which by the
 * gABI's convention is the section .dynstr linked from .dynamic's and
 * .dynsym's sh_link). */
#ifndef PF_ELF_NEEDED_H
#define PF_ELF_NEEDED_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* pf_elf_needed_visit: called once per DT_NEEDED, in order, with the name
 * (not NUL-terminated, nameSize bytes); a non-zero return stops the walk
 * and becomes pf_elf_for_each_needed's return value. */
typedef int (*pf_elf_needed_visit)(const char *name, size_t nameSize, void *context);

/* pf_elf_for_each_needed: walks the DT_NEEDED entries of file[0..fileSize).
 * Returns PF_OK after the walk (an object without a .dynamic section has
 * none), the visitor's non-zero value, or PF_ERR_CORRUPT / PF_ERR_TRUNCATED
 * when the ELF headers, .dynamic or its string table are out of bounds. */
int pf_elf_for_each_needed(const uint8_t *file, size_t fileSize, pf_elf_needed_visit visit,
                           void *context, pf_error *err);

/* pf_elf_imports_any: whether file[0..fileSize) imports any of the symbols
 * names[0..count) (NUL-terminated), i.e. has an undefined (SHN_UNDEF) entry
 * of that name in .dynsym. On PF_OK, *found is 1 or 0 (an object without
 * .dynsym imports nothing). Errors: PF_ERR_CORRUPT / PF_ERR_TRUNCATED when
 * the ELF headers, .dynsym or its string table are out of bounds. */
int pf_elf_imports_any(const uint8_t *file, size_t fileSize, const char *const *names, size_t count,
                       int *found, pf_error *err);

#endif
