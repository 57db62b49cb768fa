/* glibc_floor.c - the highest glibc symbol version an ELF object needs,
 * read with libelf's GElf symbol-versioning calls; see glibc_floor.h. */
#include "glibc_floor.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define GLIBC_PREFIX "GLIBC_"
#define VERSYM_INDEX_MASK 0x7fffu /* bit 15 is VERSYM_HIDDEN */

int pfz_glibc_version_cmp(pfz_glibc_version a, pfz_glibc_version b)
{
    if (a.major != b.major) {
        return a.major < b.major ? -1 : 1;
    }
    if (a.minor != b.minor) {
        return a.minor < b.minor ? -1 : 1;
    }
    if (a.patch != b.patch) {
        return a.patch < b.patch ? -1 : 1;
    }
    return 0;
}

/* parse_part: one decimal part of 1-4 digits at *p, advancing *p. */
static int parse_part(const char **p, unsigned *out)
{
    unsigned v = 0;
    int digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 5) {
        v = v * 10 + (unsigned)(**p - '0');
        (*p)++;
        digits++;
    }
    *out = v;
    return digits >= 1 && digits <= 4;
}

int pfz_glibc_version_parse(const char *text, pfz_glibc_version *out, pf_error *err)
{
    const char *p = text;
    if (strncmp(p, GLIBC_PREFIX, sizeof GLIBC_PREFIX - 1) == 0) {
        p += sizeof GLIBC_PREFIX - 1;
    }
    pfz_glibc_version v = {0, 0, 0};
    int ok = parse_part(&p, &v.major) && *p++ == '.' && parse_part(&p, &v.minor);
    if (ok && *p == '.') {
        p++;
        ok = parse_part(&p, &v.patch);
    }
    if (!ok || *p != '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "'%s' is not a glibc version such as 2.31", text);
    }
    *out = v;
    return PF_OK;
}

char *pfz_glibc_version_format(pfz_glibc_version v, char *dst, size_t dstCapacity)
{
    if (v.patch != 0) {
        snprintf(dst, dstCapacity, "%u.%u.%u", v.major, v.minor, v.patch);
    } else {
        snprintf(dst, dstCapacity, "%u.%u", v.major, v.minor);
    }
    return dst;
}

/* The sections symbol versioning spans. */
typedef struct version_sections {
    Elf_Scn *verneed, *versym, *dynsym;
    size_t verneed_strings, dynsym_strings; /* sh_link of each */
    size_t verneed_count;                   /* sh_info: number of Elfxx_Verneed */
} version_sections;

static void find_sections(Elf *elf, version_sections *s)
{
    memset(s, 0, sizeof *s);
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            continue;
        }
        if (sh.sh_type == SHT_GNU_verneed) {
            s->verneed = scn;
            s->verneed_strings = sh.sh_link;
            s->verneed_count = sh.sh_info;
        } else if (sh.sh_type == SHT_GNU_versym) {
            s->versym = scn;
        } else if (sh.sh_type == SHT_DYNSYM) {
            s->dynsym = scn;
            s->dynsym_strings = sh.sh_link;
        }
    }
}

/* highest_need: walks the verneed chain for the highest GLIBC_ version;
 * *index is its versym index (vna_other). */
static int highest_need(Elf *elf, const version_sections *s, pfz_glibc_version *best,
                        unsigned *index, pf_error *err)
{
    Elf_Data *data = elf_getdata(s->verneed, NULL);
    if (data == NULL) {
        return pf_error_set(err, PF_ERR_CORRUPT, "unreadable .gnu.version_r section");
    }
    size_t off = 0;
    for (size_t i = 0; i < s->verneed_count; i++) {
        GElf_Verneed vn;
        if (gelf_getverneed(data, (int)off, &vn) == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT, "a version need is out of its section");
        }
        size_t aux = off + vn.vn_aux;
        for (unsigned j = 0; j < vn.vn_cnt; j++) {
            GElf_Vernaux vna;
            if (aux > INT32_MAX || gelf_getvernaux(data, (int)aux, &vna) == NULL) {
                return pf_error_set(err, PF_ERR_CORRUPT, "a version name is out of its section");
            }
            const char *name = elf_strptr(elf, s->verneed_strings, vna.vna_name);
            if (name == NULL) {
                return pf_error_set(err, PF_ERR_CORRUPT, "a version name is out of its table");
            }
            pfz_glibc_version v;
            if (strncmp(name, GLIBC_PREFIX, sizeof GLIBC_PREFIX - 1) == 0 &&
                pfz_glibc_version_parse(name, &v, NULL) == PF_OK &&
                pfz_glibc_version_cmp(v, *best) > 0) {
                *best = v;
                *index = vna.vna_other & VERSYM_INDEX_MASK;
            }
            if (vna.vna_next == 0) {
                break;
            }
            aux += vna.vna_next;
        }
        if (vn.vn_next == 0) {
            break;
        }
        off += vn.vn_next;
        if (off > INT32_MAX) {
            return pf_error_set(err, PF_ERR_CORRUPT, "a version need is out of its section");
        }
    }
    return PF_OK;
}

/* symbol_needing: the first dynamic symbol whose version index is index,
 * copied into out->symbol ("" when none). */
static void symbol_needing(Elf *elf, const version_sections *s, unsigned index, pfz_glibc_need *out)
{
    out->symbol[0] = '\0';
    if (s->versym == NULL || s->dynsym == NULL) {
        return;
    }
    Elf_Data *vs = elf_getdata(s->versym, NULL);
    Elf_Data *ds = elf_getdata(s->dynsym, NULL);
    if (vs == NULL || ds == NULL) {
        return;
    }
    for (int i = 0;; i++) {
        GElf_Versym ver;
        GElf_Sym sym;
        if (gelf_getversym(vs, i, &ver) == NULL || gelf_getsym(ds, i, &sym) == NULL) {
            return;
        }
        if ((ver & VERSYM_INDEX_MASK) != index) {
            continue;
        }
        const char *name = elf_strptr(elf, s->dynsym_strings, sym.st_name);
        if (name != NULL && name[0] != '\0') {
            snprintf(out->symbol, sizeof out->symbol, "%s", name);
            return;
        }
    }
}

/* need_of_elf: the glibc need of the object libelf opened as elf;
 * elf_end'ed here. elf NULL (libelf could not open it) is reported as
 * null_status. */
static int need_of_elf(Elf *elf, int null_status, pfz_glibc_need *out, pf_error *err)
{
    if (elf == NULL) {
        return pf_error_set(err, null_status, "libelf: %s", elf_errmsg(-1));
    }
    int status = PF_OK;
    if (elf_kind(elf) != ELF_K_ELF) {
        status = pf_error_set(err, PF_ERR_CORRUPT, "not an ELF object");
    } else if (gelf_getclass(elf) != ELFCLASS64) {
        status = pf_error_set(err, PF_ERR_VERSION, "not a 64-bit ELF object");
    } else {
        version_sections s;
        find_sections(elf, &s);
        unsigned index = 0;
        if (s.verneed != NULL) {
            status = highest_need(elf, &s, &out->version, &index, err);
        }
        if (status == PF_OK && index != 0) {
            symbol_needing(elf, &s, index, out);
        }
    }
    elf_end(elf);
    return status;
}

int pfz_glibc_need_of_image(const uint8_t *image, size_t size, pfz_glibc_need *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return pf_error_set(err, PF_ERR_CORRUPT, "libelf is out of date: %s", elf_errmsg(-1));
    }
    /* ELF_C_READ never writes to the image. */
    return need_of_elf(elf_memory((char *)(uintptr_t)image, size), PF_ERR_NOMEM, out, err);
}

int pfz_glibc_need_of_file(const char *path, pfz_glibc_need *out, pf_error *err)
{
    memset(out, 0, sizeof *out);
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return pf_error_set(err, PF_ERR_CORRUPT, "libelf is out of date: %s", elf_errmsg(-1));
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot open: %s", strerror(errno));
    }
    /* libelf reads what it needs from fd itself (elf_begin, ELF_C_READ). */
    int status = need_of_elf(elf_begin(fd, ELF_C_READ, NULL), PF_ERR_IO, out, err);
    close(fd);
    return status;
}
