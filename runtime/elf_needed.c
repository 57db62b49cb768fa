/* elf_needed.c - DT_NEEDED entries of an in-memory ELF64 object; contract in
 * elf_needed.h. Sections are found with pf_elf_find_section, which bounds
 * them against the file; each entry and name is bounded here. */
#include "elf_needed.h"

#include <elf.h>
#include <string.h>

#include "elf_section.h"

int pf_elf_for_each_needed(const uint8_t *file, size_t fileSize, pf_elf_needed_visit visit,
                           void *context, pf_error *err)
{
    uint64_t dynOffset, dynSize, strOffset, strSize;
    int status = pf_elf_find_section(file, fileSize, ".dynamic", &dynOffset, &dynSize, err);
    if (status == PF_ERR_NOT_FOUND) {
        return PF_OK; /* static object: needs nothing */
    }
    if (status != PF_OK) {
        return status;
    }
    status = pf_elf_find_section(file, fileSize, ".dynstr", &strOffset, &strSize, err);
    if (status != PF_OK) {
        return pf_error_set(err, PF_ERR_CORRUPT, "ELF object has .dynamic but no usable .dynstr");
    }
    const char *strings = (const char *)file + strOffset;
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
