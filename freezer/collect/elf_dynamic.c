/* elf_dynamic.c - reading DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH and
 * DF_1_NODEFLIB from a shared object with libelf; see elf_dynamic.h. */
#include "elf_dynamic.h"

#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

/* check_header: the object is one x86-64 ld.so loads as a library. */
static int check_header(Elf *elf, pf_error *err)
{
    if (elf_kind(elf) != ELF_K_ELF) {
        return pf_error_set(err, PF_ERR_CORRUPT, "not an ELF file (invalid ELF header)");
    }
    size_t ident_size = 0;
    const char *ident = elf_getident(elf, &ident_size);
    GElf_Ehdr ehdr;
    if (ident == NULL || ident_size < EI_NIDENT || gelf_getehdr(elf, &ehdr) == NULL) {
        return pf_error_set(err, PF_ERR_CORRUPT, "damaged ELF header: %s", elf_errmsg(-1));
    }
    if ((unsigned char)ident[EI_CLASS] != ELFCLASS64) {
        return pf_error_set(err, PF_ERR_VERSION, "a %s ELF file, not 64-bit",
                            ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "bad-class");
    }
    if ((unsigned char)ident[EI_DATA] != ELFDATA2LSB) {
        return pf_error_set(err, PF_ERR_VERSION, "a big-endian ELF file, not x86-64");
    }
    if (ehdr.e_machine != EM_X86_64) {
        return pf_error_set(err, PF_ERR_VERSION, "an ELF file for machine %u, not x86-64",
                            (unsigned)ehdr.e_machine);
    }
    if (ehdr.e_type != ET_DYN) {
        return pf_error_set(err, PF_ERR_CORRUPT, "not a shared object (ELF type %u, not ET_DYN)",
                            (unsigned)ehdr.e_type);
    }
    return PF_OK;
}

/* dup_string: *dst = copy of the string at offset off of string table
 * section strndx; PF_ERR_CORRUPT when the offset is outside it. */
static int dup_string(Elf *elf, size_t strndx, GElf_Xword off, char **dst, pf_error *err)
{
    const char *s = elf_strptr(elf, strndx, (size_t)off);
    if (s == NULL) {
        return pf_error_set(err, PF_ERR_CORRUPT, "dynamic string offset %llu out of its table",
                            (unsigned long long)off);
    }
    free(*dst); /* a repeated DT_SONAME/DT_RPATH: the last one counts */
    *dst = strdup(s);
    return *dst != NULL ? PF_OK : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
}

/* read_dynamic: walks the entries of the SHT_DYNAMIC section scn. */
static int read_dynamic(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr, pfz_elf_dynamic *out,
                        pf_error *err)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    if (data == NULL || shdr->sh_entsize == 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "unreadable dynamic section: %s", elf_errmsg(-1));
    }
    size_t count = data->d_size / (size_t)shdr->sh_entsize;
    size_t strndx = shdr->sh_link;
    int rc = PF_OK;
    for (size_t i = 0; i < count && rc == PF_OK; i++) {
        GElf_Dyn dyn;
        if (gelf_getdyn(data, (int)i, &dyn) == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT, "unreadable dynamic entry %zu", i);
        }
        switch (dyn.d_tag) {
        case DT_NULL:
            return PF_OK;
        case DT_NEEDED: {
            char *name = NULL;
            rc = dup_string(elf, strndx, dyn.d_un.d_val, &name, err);
            if (rc == PF_OK) {
                rc = pfz_strlist_push(&out->needed, name, strlen(name), err);
            }
            free(name);
            break;
        }
        case DT_SONAME:
            rc = dup_string(elf, strndx, dyn.d_un.d_val, &out->soname, err);
            break;
        case DT_RPATH:
            rc = dup_string(elf, strndx, dyn.d_un.d_val, &out->rpath, err);
            break;
        case DT_RUNPATH:
            rc = dup_string(elf, strndx, dyn.d_un.d_val, &out->runpath, err);
            break;
        case DT_FLAGS_1:
            if (dyn.d_un.d_val & DF_1_NODEFLIB) {
                out->nodeflib = 1;
            }
            break;
        default:
            break;
        }
    }
    return rc;
}

int pfz_elf_dynamic_read(int fd, pfz_elf_dynamic *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return pf_error_set(err, PF_ERR_IO, "libelf is unusable: %s", elf_errmsg(-1));
    }
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (elf == NULL) {
        return pf_error_set(err, PF_ERR_CORRUPT, "not readable as ELF: %s", elf_errmsg(-1));
    }
    int rc = check_header(elf, err);
    Elf_Scn *dynamic = NULL;
    GElf_Shdr shdr;
    for (Elf_Scn *scn = NULL; rc == PF_OK && (scn = elf_nextscn(elf, scn)) != NULL;) {
        if (gelf_getshdr(scn, &shdr) == NULL) {
            rc = pf_error_set(err, PF_ERR_CORRUPT, "damaged section header: %s", elf_errmsg(-1));
        } else if (shdr.sh_type == SHT_DYNAMIC) {
            dynamic = scn;
            break;
        }
    }
    if (rc == PF_OK && dynamic == NULL) {
        rc = pf_error_set(err, PF_ERR_CORRUPT, "no dynamic section (SHT_DYNAMIC)");
    }
    if (rc == PF_OK) {
        rc = read_dynamic(elf, dynamic, &shdr, out, err);
    }
    elf_end(elf);
    if (rc != PF_OK) {
        pfz_elf_dynamic_free(out);
    }
    return rc;
}

void pfz_elf_dynamic_free(pfz_elf_dynamic *d)
{
    if (d == NULL) {
        return;
    }
    free(d->soname);
    free(d->rpath);
    free(d->runpath);
    pfz_strlist_free(&d->needed);
    memset(d, 0, sizeof *d);
}
