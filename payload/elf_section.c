/* elf_section.c - finding a named section in an in-memory ELF64 LE image;
 * contract in elf_section.h.
 *
 * Rule source: System V gABI, "ELF Header" and "Sections" (e_shnum == 0 means
 * the count is in section 0's sh_size; e_shstrndx == SHN_XINDEX means the
 * index is in section 0's sh_link). Every offset read from the file is
 * checked for overflow and against fileSize before it is used. */
#include "elf_section.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "elf_section.c copies ELFDATA2LSB structs as is: little-endian hosts only"
#endif

/* No real executable has a million sections; a larger count is damage. */
#define PF_ELF_MAX_SECTIONS (1u << 20)

/* range_check: checks that [offset, offset + length) lies in a file of
 * fileSize bytes. Returns PF_OK, PF_ERR_CORRUPT when offset + length
 * overflows, PF_ERR_TRUNCATED when it ends past the file; what names the
 * structure for the message. */
static int range_check(uint64_t offset, uint64_t length, size_t fileSize, const char *what,
                       pf_error *err)
{
    if (length > UINT64_MAX - offset) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "ELF %s is out of bounds: offset %llu + size %llu overflows", what,
                            (unsigned long long)offset, (unsigned long long)length);
    }
    if (offset + length > (uint64_t)fileSize) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "ELF %s ends at byte %llu, past the file's %zu bytes: the file is "
                            "truncated or the %s's place damaged",
                            what, (unsigned long long)(offset + length), fileSize, what);
    }
    return PF_OK;
}

/* section_header: copies section header number i (< a count already checked
 * against the file) from the table at shoff. memcpy because the table need
 * not be aligned in a buffer. */
static void section_header(const uint8_t *file, uint64_t shoff, uint64_t i, Elf64_Shdr *out)
{
    memcpy(out, file + shoff + i * sizeof(Elf64_Shdr), sizeof *out);
}

/* read_header: copies the ELF header of file[0..fileSize) to *eh after
 * checking the magic, size, class, byte order and version, and that it has
 * section headers of the ELF64 size. Returns PF_OK, PF_ERR_CORRUPT,
 * PF_ERR_TRUNCATED, or PF_ERR_NOT_FOUND (no section headers: no section
 * `name`, for the message). */
static int read_header(const uint8_t *file, size_t fileSize, const char *name, Elf64_Ehdr *eh,
                       pf_error *err)
{
    if (fileSize < SELFMAG || memcmp(file, ELFMAG, SELFMAG) != 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "not an ELF file (no \\177ELF magic)");
    }
    if (fileSize < sizeof *eh) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "ELF file truncated: header needs %zu bytes, %zu present", sizeof *eh,
                            fileSize);
    }
    memcpy(eh, file, sizeof *eh);
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "not a 64-bit little-endian ELF file (class %u, data %u)",
                            eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA]);
    }
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF version %u is not EV_CURRENT",
                            (unsigned)eh->e_version);
    }
    if (eh->e_shoff == 0) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "no section %s: ELF file has no section headers",
                            name);
    }
    if (eh->e_shentsize != sizeof(Elf64_Shdr)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF section header size is %u, expected %zu",
                            eh->e_shentsize, sizeof(Elf64_Shdr));
    }
    return PF_OK;
}

/* read_name_table: finds the section header table's real size (*shnum,
 * checked to lie in the file) and the section name table's header
 * (*strtab, a STRTAB whose bytes lie in the file), with the gABI's escapes
 * through section 0. Returns PF_OK, PF_ERR_CORRUPT, PF_ERR_TRUNCATED, or
 * PF_ERR_NOT_FOUND (no section names: no section `name`); *part says which
 * of the two tables an error is in. */
static int read_name_table(const uint8_t *file, size_t fileSize, const Elf64_Ehdr *eh,
                           const char *name, uint64_t *shnum, Elf64_Shdr *strtab, pf_elf_part *part,
                           pf_error *err)
{
    Elf64_Shdr sh0;
    /* Section 0 first: it may hold the real count and name table index. */
    int status =
        range_check(eh->e_shoff, sizeof(Elf64_Shdr), fileSize, "section header table", err);
    if (status != PF_OK) {
        return status;
    }
    section_header(file, eh->e_shoff, 0, &sh0);
    *shnum = eh->e_shnum != 0 ? eh->e_shnum : sh0.sh_size;
    uint64_t shstrndx = eh->e_shstrndx != SHN_XINDEX ? eh->e_shstrndx : sh0.sh_link;
    if (*shnum == 0 || *shnum > PF_ELF_MAX_SECTIONS) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF section count %llu is not in 1..%u",
                            (unsigned long long)*shnum, PF_ELF_MAX_SECTIONS);
    }
    status = range_check(eh->e_shoff, *shnum * sizeof(Elf64_Shdr), fileSize, "section header table",
                         err);
    if (status != PF_OK) {
        return status;
    }
    if (shstrndx == SHN_UNDEF) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "no section %s: ELF file has no section names",
                            name);
    }
    if (shstrndx >= *shnum) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "ELF section name table index %llu is not below the count %llu",
                            (unsigned long long)shstrndx, (unsigned long long)*shnum);
    }
    section_header(file, eh->e_shoff, shstrndx, strtab);
    *part = PF_ELF_PART_SECTION_NAMES;
    if (strtab->sh_type != SHT_STRTAB) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF section name table has type %u, not STRTAB",
                            strtab->sh_type);
    }
    return range_check(strtab->sh_offset, strtab->sh_size, fileSize, "section name table", err);
}

int pf_elf_find_section(const uint8_t *file, size_t fileSize, const char *name, uint64_t *offset,
                        uint64_t *size, pf_error *err)
{
    Elf64_Ehdr eh;
    Elf64_Shdr strtab = {0}, sh; /* zeroed: GCC cannot see read_name_table fills it */
    uint64_t shnum = 0;
    uint64_t foundOffset = 0, foundSize = 0;
    unsigned matches = 0;
    pf_elf_part part;

    int status = read_header(file, fileSize, name, &eh, err);
    if (status != PF_OK) {
        return status;
    }
    status = read_name_table(file, fileSize, &eh, name, &shnum, &strtab, &part, err);
    if (status != PF_OK) {
        return status;
    }
    const char *names = (const char *)file + strtab.sh_offset;
    size_t nameLength = strlen(name);
    for (uint64_t i = 0; i < shnum; i++) {
        section_header(file, eh.e_shoff, i, &sh);
        if (sh.sh_name >= strtab.sh_size ||
            memchr(names + sh.sh_name, '\0', strtab.sh_size - sh.sh_name) == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "ELF section %llu has a name outside the name table",
                                (unsigned long long)i);
        }
        if (strncmp(names + sh.sh_name, name, nameLength + 1) != 0) {
            continue;
        }
        /* Two sections of one name would make the answer depend on order. */
        if (++matches > 1) {
            return pf_error_set(err, PF_ERR_CORRUPT, "ELF file has two sections named %s", name);
        }
        if (sh.sh_type == SHT_NOBITS) {
            return pf_error_set(err, PF_ERR_CORRUPT, "ELF section %s has no bytes in the file",
                                name);
        }
        status = range_check(sh.sh_offset, sh.sh_size, fileSize, "section", err);
        if (status != PF_OK) {
            return status;
        }
        foundOffset = sh.sh_offset;
        foundSize = sh.sh_size;
    }
    if (matches == 0) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "no section named %s", name);
    }
    *offset = foundOffset;
    *size = foundSize;
    return PF_OK;
}

/* check_segments: the program header table of eh and each segment's file
 * bytes against fileSize. Returns PF_OK, PF_ERR_CORRUPT or
 * PF_ERR_TRUNCATED. */
static int check_segments(const uint8_t *file, size_t fileSize, const Elf64_Ehdr *eh, pf_error *err)
{
    if (eh->e_phnum == 0) {
        return PF_OK;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == PN_XNUM) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "ELF program header size is %u (expected %zu) or its count %u is "
                            "the PN_XNUM escape",
                            eh->e_phentsize, sizeof(Elf64_Phdr), eh->e_phnum);
    }
    int status = range_check(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), fileSize,
                             "program header table", err);
    for (unsigned i = 0; i < eh->e_phnum && status == PF_OK; i++) {
        Elf64_Phdr ph;
        char what[48];
        memcpy(&ph, file + eh->e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
        snprintf(what, sizeof what, "segment %u", i);
        status = range_check(ph.p_offset, ph.p_filesz, fileSize, what, err);
    }
    return status;
}

/* check_sections: every section's name inside the name table strtab and
 * its bytes inside the file. Returns PF_OK, PF_ERR_CORRUPT or
 * PF_ERR_TRUNCATED; *part says which table is wrong. */
static int check_sections(const uint8_t *file, size_t fileSize, const Elf64_Ehdr *eh,
                          uint64_t shnum, const Elf64_Shdr *strtab, pf_elf_part *part,
                          pf_error *err)
{
    const char *names = (const char *)file + strtab->sh_offset;
    for (uint64_t i = 0; i < shnum; i++) {
        Elf64_Shdr sh;
        char what[48];
        section_header(file, eh->e_shoff, i, &sh);
        if (sh.sh_name >= strtab->sh_size ||
            memchr(names + sh.sh_name, '\0', strtab->sh_size - sh.sh_name) == NULL) {
            *part = PF_ELF_PART_SECTION_NAMES;
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "ELF section %llu has a name outside the name table",
                                (unsigned long long)i);
        }
        if (sh.sh_type == SHT_NOBITS) {
            continue;
        }
        snprintf(what, sizeof what, "section %llu", (unsigned long long)i);
        int status = range_check(sh.sh_offset, sh.sh_size, fileSize, what, err);
        if (status != PF_OK) {
            *part = PF_ELF_PART_SECTIONS;
            return status;
        }
    }
    return PF_OK;
}

int pf_elf_check_layout(const uint8_t *file, size_t fileSize, pf_elf_part *part, pf_error *err)
{
    Elf64_Ehdr eh;
    Elf64_Shdr strtab = {0};
    uint64_t shnum = 0;
    pf_elf_part ignored;
    part = part != NULL ? part : &ignored;

    *part = PF_ELF_PART_HEADER;
    int status = read_header(file, fileSize, "", &eh, err);
    if (status == PF_ERR_NOT_FOUND) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "ELF file has no section header table");
    }
    if (status == PF_OK && eh.e_ehsize != sizeof eh) {
        status = pf_error_set(err, PF_ERR_CORRUPT, "ELF header size is %u, expected %zu",
                              eh.e_ehsize, sizeof eh);
    }
    if (status != PF_OK) {
        return status;
    }
    *part = PF_ELF_PART_SECTION_HEADERS;
    status = read_name_table(file, fileSize, &eh, "", &shnum, &strtab, part, err);
    if (status == PF_ERR_NOT_FOUND) {
        *part = PF_ELF_PART_SECTION_NAMES;
        return pf_error_set(err, PF_ERR_NOT_FOUND, "ELF file has no section name table");
    }
    if (status != PF_OK) {
        return status;
    }
    status = check_sections(file, fileSize, &eh, shnum, &strtab, part, err);
    if (status != PF_OK) {
        return status;
    }
    *part = PF_ELF_PART_PROGRAM_HEADERS;
    status = check_segments(file, fileSize, &eh, err);
    if (status == PF_OK) {
        *part = PF_ELF_PART_NONE;
    }
    return status;
}
