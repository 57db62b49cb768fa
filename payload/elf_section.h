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

/* The structures of an ELF file, for saying where pf_elf_check_layout
 * found damage. */
typedef enum pf_elf_part {
    PF_ELF_PART_NONE = 0,
    PF_ELF_PART_HEADER = 1,          /* the ELF header (Elf64_Ehdr) */
    PF_ELF_PART_PROGRAM_HEADERS = 2, /* the program header table and the segments it places */
    PF_ELF_PART_SECTION_HEADERS = 3, /* the section header table */
    PF_ELF_PART_SECTION_NAMES = 4,   /* the section name table (e_shstrndx) */
    PF_ELF_PART_SECTIONS = 5,        /* a section's place or name */
} pf_elf_part;

/* pf_elf_check_layout: checks the structure of the ELF image
 * file[0..fileSize), every table against the file's size (gABI "ELF
 * Header", "Program Header", "Sections"): the header as
 * pf_elf_find_section reads it, the section header table and the name
 * table, every section's name inside the name table and its bytes inside
 * the file (SHT_NOBITS sections have none), the program header table
 * (e_phentsize the ELF64 size when there is one) and each segment's file
 * bytes (p_offset + p_filesz) inside the file. Reads nothing else: the
 * code and data themselves carry no checksum. On error *part (may be NULL)
 * names the structure found wrong, else PF_ELF_PART_NONE. Returns PF_OK,
 * PF_ERR_CORRUPT (not ELF, a bad field, a table or section out of bounds
 * by overflow), PF_ERR_TRUNCATED (something ends past the file's end),
 * PF_ERR_NOT_FOUND (no section header table, or no section names). */
int pf_elf_check_layout(const uint8_t *file, size_t fileSize, pf_elf_part *part, pf_error *err);

#endif
