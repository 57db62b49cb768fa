/* elf_needed.c - DT_NEEDED entries and imported symbols of an in-memory
 * ELF64 object; contract in elf_needed.h. Sections are found with pf_elf_find_section, which bounds
 * them against the file; each entry and name is bounded here. */
#include "elf_needed.h"

#include <elf.h>
#include <string.h>

#include "elf_section.h"

/* table_with_strings: finds section `table` (.dynamic or .dynsym) and
 * .dynstr, whose strings its entries name. Returns PF_OK with *found 0 when
 * there is no such table (a static object), PF_OK with *found 1 and the
 * table's and the strings' places set, or the error: a table without a
 * usable .dynstr is PF_ERR_CORRUPT. */
static int table_with_strings(const uint8_t *file, size_t fileSize, const char *table,
                              uint64_t *tableOffset, uint64_t *tableSize, const char **strings,
                              uint64_t *stringsSize, int *found, pf_error *err)
{
    *found = 0;
    int status = pf_elf_find_section(file, fileSize, table, tableOffset, tableSize, err);
    if (status == PF_ERR_NOT_FOUND) {
        return PF_OK;
    }
    if (status != PF_OK) {
        return status;
    }
    uint64_t strOffset;
    if (pf_elf_find_section(file, fileSize, ".dynstr", &strOffset, stringsSize, err) != PF_OK) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF object has %s but no usable .dynstr", table);
    }
    *strings = (const char *)file + strOffset;
    *found = 1;
    return PF_OK;
}

int pf_elf_for_each_needed(const uint8_t *file, size_t fileSize, pf_elf_needed_visit visit,
                           void *context, pf_error *err)
{
    uint64_t dynOffset, dynSize, strSize;
    const char *strings;
    int present;
    int status = table_with_strings(file, fileSize, ".dynamic", &dynOffset, &dynSize, &strings,
                                    &strSize, &present, err);
    if (status != PF_OK || !present) {
        return status; /* a static object needs nothing */
    }
    for (uint64_t at = 0; at + sizeof(Elf64_Dyn) <= dynSize; at += sizeof(Elf64_Dyn)) {
        Elf64_Dyn dyn;
        memcpy(&dyn, file + dynOffset + at, sizeof dyn);
        if (dyn.d_tag == DT_NULL) {
            break;
        }
        if (dyn.d_tag != DT_NEEDED) {
            continue;
        }
        if (dyn.d_un.d_val >= strSize) {
            return pf_error_set(err, PF_ERR_CORRUPT, "ELF DT_NEEDED name lies outside .dynstr");
        }
        const char *name = strings + dyn.d_un.d_val;
        const char *end = memchr(name, '\0', strSize - dyn.d_un.d_val);
        if (end == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT, "ELF DT_NEEDED name is not terminated");
        }
        int stop = visit(name, (size_t)(end - name), context);
        if (stop != 0) {
            return stop;
        }
    }
    return PF_OK;
}

int pf_elf_imports_any(const uint8_t *file, size_t fileSize, const char *const *names, size_t count,
                       int *found, pf_error *err)
{
    uint64_t symOffset, symSize, strSize;
    const char *strings;
    int present;
    *found = 0;
    int status = table_with_strings(file, fileSize, ".dynsym", &symOffset, &symSize, &strings,
                                    &strSize, &present, err);
    if (status != PF_OK || !present) {
        return status; /* a static object imports nothing */
    }
    for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= symSize; at += sizeof(Elf64_Sym)) {
        Elf64_Sym sym;
        memcpy(&sym, file + symOffset + at, sizeof sym);
        if (sym.st_shndx != SHN_UNDEF || sym.st_name == 0) {
            continue;
        }
        if (sym.st_name >= strSize) {
            return pf_error_set(err, PF_ERR_CORRUPT, "ELF symbol name lies outside .dynstr");
        }
        const char *name = strings + sym.st_name;
        size_t room = strSize - sym.st_name;
        for (size_t i = 0; i < count; i++) {
            size_t nameSize = strlen(names[i]);
            if (nameSize < room && memcmp(name, names[i], nameSize + 1) == 0) {
                *found = 1;
                return PF_OK;
            }
        }
    }
    return PF_OK;
}
