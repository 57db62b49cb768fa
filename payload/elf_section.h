/* elf_section.h - finding a named section in an ELF file held in memory.
 *
 * Rule source: the System V ABI / ELF-64 Object File Format (e_shoff,
 * e_shentsize, e_shnum with the SHN_UNDEF/sh_size escape for >= SHN_LORESERVE
 * sections, e_shstrndx with the SHN_XINDEX/sh_link escape). Only ELFCLASS64,
 * ELFDATA2LSB files are read (x86-64 Linux). Hand-written rather than libelf
 * because it runs in the stub at every start: a few bounded reads, no
 * allocation. The freezer uses libelf to write sections.
 */
#ifndef PF_ELF_SECTION_H
#define PF_ELF_SECTION_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* pf_elf_find_section: looks up the section called name in the ELF image
 * file[0..fileSize). On PF_OK, *offset and *size give the section's bytes as
 * an offset from the start of the file and a length, both already checked to
 * lie inside the file (offset + size <= fileSize, without overflow).
 * Errors: PF_ERR_CORRUPT (not ELF, not 64-bit little-endian, header table or
 * name table out of bounds, a SHT_NOBITS section of that name),
 * PF_ERR_TRUNCATED (file shorter than its headers say),
 * PF_ERR_NOT_FOUND (well-formed ELF without that section). */
int pf_elf_find_section(const uint8_t *file, size_t fileSize, const char *name, uint64_t *offset,
                        uint64_t *size, pf_error *err);

#endif
