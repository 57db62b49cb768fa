/* test_elf_needed.c - pf_elf_for_each_needed and pf_elf_imports_any
 * (payload/elf_needed.c): on real system objects (libc, libzstd, this
 * test), checked against libelf; and on a small image built here, whole
 * and damaged: each error path, an entry or a name at the edge of its
 * table, every truncation and bit flips, which must end in a status, never
 * a read out of bounds (the image is allocated at its exact size: ASan
 * sees any). */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <zstd.h>

#include "elf_needed.h"

/* ---- collecting what the walk visits ---- */

typedef struct visits {
    char names[16][64];
    int count;
    int stop_at; /* return stop_value from this visit on (0: never) */
    int stop_value;
} visits;

static int visit(const char *name, size_t nameSize, void *context)
{
    visits *v = context;
    assert_true(nameSize < sizeof v->names[0]);
    assert_true(v->count < 16);
    memcpy(v->names[v->count], name, nameSize);
    v->names[v->count][nameSize] = '\0';
    v->count++;
    return v->stop_at != 0 && v->count >= v->stop_at ? v->stop_value : 0;
}

/* ---- real objects ---- */

/* read_file: the whole file at path, malloc'ed at its exact size. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    uint8_t *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* object_of: the file the object holding address was loaded from. */
static const char *object_of(void *address)
{
    Dl_info info;
    assert_int_not_equal(dladdr(address, &info), 0);
    assert_non_null(info.dli_fname);
    return info.dli_fname;
}

/* libelf_facts: from file[0..size) through libelf, its DT_NEEDED names in
 * order (into *want), the name of one undefined .dynsym symbol and of one
 * defined one (empty when there is none). */
static void libelf_facts(uint8_t *file, size_t size, visits *want, char *undefinedName,
                         char *definedName)
{
    assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
    Elf *elf = elf_memory((char *)file, size);
    assert_non_null(elf);
    size_t shstrndx;
    assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
    undefinedName[0] = definedName[0] = '\0';
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        GElf_Shdr sh;
        assert_non_null(gelf_getshdr(scn, &sh));
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        Elf_Data *data = elf_getdata(scn, NULL);
        if (name != NULL && strcmp(name, ".dynamic") == 0) {
            GElf_Dyn dyn;
            for (int k = 0; gelf_getdyn(data, k, &dyn) != NULL && dyn.d_tag != DT_NULL; k++) {
                if (dyn.d_tag == DT_NEEDED) {
                    snprintf(want->names[want->count++], sizeof want->names[0], "%s",
                             elf_strptr(elf, sh.sh_link, dyn.d_un.d_val));
                }
            }
        }
        if (name != NULL && strcmp(name, ".dynsym") == 0) {
            GElf_Sym sym;
            for (int k = 1; gelf_getsym(data, k, &sym) != NULL; k++) {
                const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
                char *into = sym.st_shndx == SHN_UNDEF ? undefinedName : definedName;
                if (s != NULL && s[0] != '\0' && into[0] == '\0' && strlen(s) < 128) {
                    strcpy(into, s);
                }
            }
        }
    }
    elf_end(elf);
}

/* libc, libzstd and this test: the DT_NEEDED names libelf reads, in the
 * same order; an undefined symbol imported, a defined one not. */
static void test_real_objects_match_libelf(void **state)
{
    (void)state;
    void *addresses[] = {(void *)ZSTD_versionNumber, (void *)printf, (void *)visit};
    for (size_t o = 0; o < sizeof addresses / sizeof *addresses; o++) {
        const char *path = object_of(addresses[o]);
        size_t size;
        uint8_t *file = read_file(path, &size);
        visits want = {0}, got = {0};
        char undefinedName[128], definedName[128];
        pf_error err;
        libelf_facts(file, size, &want, undefinedName, definedName);
        assert_true(want.count > 0); /* each needs at least one object */
        assert_int_equal(pf_elf_for_each_needed(file, size, visit, &got, &err), PF_OK);
        assert_int_equal(got.count, want.count);
        for (int k = 0; k < want.count; k++) {
            assert_string_equal(got.names[k], want.names[k]);
        }
        int found = -1;
        const char *undefined[] = {"pf_no_such_symbol", undefinedName};
        assert_true(undefinedName[0] != '\0');
        assert_int_equal(pf_elf_imports_any(file, size, undefined, 2, &found, &err), PF_OK);
        assert_int_equal(found, 1);
        assert_int_equal(pf_elf_imports_any(file, size, undefined, 1, &found, &err), PF_OK);
        assert_int_equal(found, 0);
        if (definedName[0] != '\0') {
            const char *defined[] = {definedName};
            assert_int_equal(pf_elf_imports_any(file, size, defined, 1, &found, &err), PF_OK);
            assert_int_equal(found, 0);
        }
        free(file);
    }
}

/* libzstd needs libc.so.6 and imports malloc, not its own ZSTD_compress. */
static void test_libzstd_known_facts(void **state)
{
    (void)state;
    size_t size;
    uint8_t *file = read_file(object_of((void *)ZSTD_versionNumber), &size);
    visits got = {0};
    int found = -1;
    assert_int_equal(pf_elf_for_each_needed(file, size, visit, &got, NULL), PF_OK);
    int libc = 0;
    for (int k = 0; k < got.count; k++) {
        libc |= strcmp(got.names[k], "libc.so.6") == 0;
    }
    assert_true(libc);
    const char *malloc_[] = {"malloc"}, *own[] = {"ZSTD_compress"};
    assert_int_equal(pf_elf_imports_any(file, size, malloc_, 1, &found, NULL), PF_OK);
    assert_int_equal(found, 1);
    assert_int_equal(pf_elf_imports_any(file, size, own, 1, &found, NULL), PF_OK);
    assert_int_equal(found, 0);
    free(file);
}

/* ---- a small image built here ----
 * Layout: ELF header | section headers [null, .shstrtab, .dynamic,
 * .dynsym, .dynstr] | .shstrtab | .dynamic | .dynsym | .dynstr (last, so
 * ASan sees a read past the image's end as one past .dynstr's). */

enum { SH_NULL, SH_SHSTRTAB, SH_DYNAMIC, SH_DYNSYM, SH_DYNSTR, SH_COUNT };

static const char shstrtab[] = "\0.shstrtab\0.dynamic\0.dynsym\0.dynstr";
enum { NAME_SHSTRTAB = 1, NAME_DYNAMIC = 11, NAME_DYNSYM = 20, NAME_DYNSTR = 28 };
/* .dynstr: names at 1, 13, 23, 30 and 38; the last, "free", ends the table */
static const char dynstr[] = "\0libfoo.so.1\0libbar.so\0malloc\0defined\0free";
enum { STR_FOO = 1, STR_BAR = 13, STR_MALLOC = 23, STR_DEFINED = 30, STR_FREE = 38 };

#define DYN_COUNT 5
#define SYM_COUNT 5

typedef struct image {
    uint8_t *data;
    size_t size;
    Elf64_Shdr *sh; /* into data */
    Elf64_Dyn *dyn; /* into data (aligned) */
    Elf64_Sym *sym; /* into data (aligned) */
    char *strings;  /* .dynstr, into data */
} image;

/* make_image: the image, with dynstrSize bytes of .dynstr (<= sizeof
 * dynstr - 1: its last NUL left out, so "free" runs to the table's end).
 * .dynamic: NEEDED libfoo, SONAME, NEEDED libbar, NULL, NEEDED libfoo
 * (after the end: never visited). .dynsym: the null symbol, malloc
 * (undefined), defined (defined), an undefined one without a name, free
 * (undefined, unterminated). Allocated at its exact size. */
static void make_image(image *im)
{
    size_t shoff = sizeof(Elf64_Ehdr);
    size_t shstrOff = shoff + SH_COUNT * sizeof(Elf64_Shdr);
    size_t dynOff = (shstrOff + sizeof shstrtab + 7) & ~(size_t)7;
    size_t symOff = dynOff + DYN_COUNT * sizeof(Elf64_Dyn);
    size_t strOff = symOff + SYM_COUNT * sizeof(Elf64_Sym);
    size_t strSize = sizeof dynstr - 1; /* "free" unterminated */
    im->size = strOff + strSize;
    im->data = calloc(1, im->size);
    assert_non_null(im->data);

    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_ehsize = sizeof eh;
    eh.e_shoff = shoff;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = SH_COUNT;
    eh.e_shstrndx = SH_SHSTRTAB;
    memcpy(im->data, &eh, sizeof eh);

    im->sh = (Elf64_Shdr *)(im->data + shoff);
    im->sh[SH_SHSTRTAB] = (Elf64_Shdr){.sh_name = NAME_SHSTRTAB,
                                       .sh_type = SHT_STRTAB,
                                       .sh_offset = shstrOff,
                                       .sh_size = sizeof shstrtab};
    im->sh[SH_DYNAMIC] = (Elf64_Shdr){.sh_name = NAME_DYNAMIC,
                                      .sh_type = SHT_DYNAMIC,
                                      .sh_offset = dynOff,
                                      .sh_link = SH_DYNSTR,
                                      .sh_size = DYN_COUNT * sizeof(Elf64_Dyn)};
    im->sh[SH_DYNSYM] = (Elf64_Shdr){.sh_name = NAME_DYNSYM,
                                     .sh_type = SHT_DYNSYM,
                                     .sh_offset = symOff,
                                     .sh_link = SH_DYNSTR,
                                     .sh_size = SYM_COUNT * sizeof(Elf64_Sym)};
    im->sh[SH_DYNSTR] = (Elf64_Shdr){
        .sh_name = NAME_DYNSTR, .sh_type = SHT_STRTAB, .sh_offset = strOff, .sh_size = strSize};
    memcpy(im->data + shstrOff, shstrtab, sizeof shstrtab);

    im->dyn = (Elf64_Dyn *)(im->data + dynOff);
    im->dyn[0] = (Elf64_Dyn){DT_NEEDED, {STR_FOO}};
    im->dyn[1] = (Elf64_Dyn){DT_SONAME, {STR_DEFINED}};
    im->dyn[2] = (Elf64_Dyn){DT_NEEDED, {STR_BAR}};
    im->dyn[3] = (Elf64_Dyn){DT_NULL, {0}};
    im->dyn[4] = (Elf64_Dyn){DT_NEEDED, {STR_FOO}};

    im->sym = (Elf64_Sym *)(im->data + symOff);
    im->sym[1] = (Elf64_Sym){.st_name = STR_MALLOC, .st_shndx = SHN_UNDEF};
    im->sym[2] = (Elf64_Sym){.st_name = STR_DEFINED, .st_shndx = SH_DYNAMIC};
    im->sym[3] = (Elf64_Sym){.st_name = 0, .st_shndx = SHN_UNDEF};
    im->sym[4] = (Elf64_Sym){.st_name = STR_FREE, .st_shndx = SHN_UNDEF};

    im->strings = (char *)im->data + strOff;
    memcpy(im->strings, dynstr, strSize);
}

/* needed: runs the walk on im with a visitor that never stops it;
 * returns the status, the visits in *v. */
static int needed(const image *im, visits *v, pf_error *err)
{
    *v = (visits){0}; /* no stop: the walk's own end */
    return pf_elf_for_each_needed(im->data, im->size, visit, v, err);
}

/* imports: pf_elf_imports_any for the one name; *found set. */
static int imports(const image *im, const char *name, int *found, pf_error *err)
{
    const char *names[] = {name};
    *found = -1;
    return pf_elf_imports_any(im->data, im->size, names, 1, found, err);
}

/* expect_error: status is `want` and the message holds `text`. */
static void expect_error(int status, int want, const pf_error *err, const char *text)
{
    assert_int_equal(status, want);
    if (strstr(err->message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err->message, text);
    }
}

/* The whole image: the two DT_NEEDED names before DT_NULL, in order, and
 * nothing after it; the imports: undefined named symbols only, whole names
 * only, the unterminated last name never matched past the table's end. */
static void test_image(void **state)
{
    (void)state;
    image im;
    visits v = {0};
    int found;
    pf_error err;
    make_image(&im);
    assert_int_equal(needed(&im, &v, &err), PF_OK);
    assert_int_equal(v.count, 2);
    assert_string_equal(v.names[0], "libfoo.so.1");
    assert_string_equal(v.names[1], "libbar.so");

    assert_int_equal(imports(&im, "malloc", &found, &err), PF_OK);
    assert_int_equal(found, 1);
    static const char *const no[] = {"defined",     "mallo", "malloc2", "",
                                     "libfoo.so.1", "free",  "fre"};
    for (size_t k = 0; k < sizeof no / sizeof *no; k++) {
        assert_int_equal(imports(&im, no[k], &found, &err), PF_OK);
        if (found != 0) {
            fail_msg("\"%s\" counted as imported", no[k]);
        }
    }
    const char *two[] = {"pf_none", "malloc"};
    assert_int_equal(pf_elf_imports_any(im.data, im.size, two, 2, &found, &err), PF_OK);
    assert_int_equal(found, 1);
    assert_int_equal(pf_elf_imports_any(im.data, im.size, two, 0, &found, &err), PF_OK);
    assert_int_equal(found, 0);
    free(im.data);
}

/* A visitor's non-zero value stops the walk and is returned. */
static void test_visitor_stops(void **state)
{
    (void)state;
    image im;
    visits v = {.stop_at = 1, .stop_value = 42};
    make_image(&im);
    assert_int_equal(pf_elf_for_each_needed(im.data, im.size, visit, &v, NULL), 42);
    assert_int_equal(v.count, 1);
    free(im.data);
}

/* Without .dynamic there is nothing needed, without .dynsym nothing
 * imported (static objects); either without .dynstr is damage. */
static void test_missing_sections(void **state)
{
    (void)state;
    image im;
    visits v;
    int found;
    pf_error err;

    make_image(&im);
    im.sh[SH_DYNAMIC].sh_name = NAME_SHSTRTAB + 1; /* "shstrtab": no .dynamic */
    assert_int_equal(needed(&im, &v, &err), PF_OK);
    assert_int_equal(v.count, 0);
    assert_int_equal(imports(&im, "malloc", &found, &err), PF_OK); /* .dynsym still there */
    assert_int_equal(found, 1);
    free(im.data);

    make_image(&im);
    im.sh[SH_DYNSYM].sh_name = NAME_SHSTRTAB + 1;
    assert_int_equal(imports(&im, "malloc", &found, &err), PF_OK);
    assert_int_equal(found, 0);
    free(im.data);

    make_image(&im);
    im.sh[SH_DYNSTR].sh_name = NAME_SHSTRTAB + 1; /* no .dynstr */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "no usable .dynstr");
    assert_int_equal(v.count, 0);
    expect_error(imports(&im, "malloc", &found, &err), PF_ERR_CORRUPT, &err, "no usable .dynstr");
    assert_int_equal(found, 0);
    free(im.data);

    make_image(&im);
    im.sh[SH_DYNSTR].sh_offset = im.size; /* .dynstr out of the file */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "no usable .dynstr");
    free(im.data);

    make_image(&im);
    im.sh[SH_DYNAMIC].sh_type = SHT_NOBITS; /* the section reader's error comes through */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "no bytes in the file");
    free(im.data);
}

/* Names read from the tables are bounded by .dynstr. */
static void test_names_out_of_bounds(void **state)
{
    (void)state;
    image im;
    visits v;
    int found;
    pf_error err;
    uint64_t strSize = sizeof dynstr - 1;

    make_image(&im);
    im.dyn[2].d_un.d_val = strSize; /* one past the table */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "outside .dynstr");
    assert_int_equal(v.count, 1); /* libfoo, before it */
    im.dyn[2].d_un.d_val = UINT64_MAX;
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "outside .dynstr");
    im.dyn[2].d_un.d_val = STR_FREE; /* the unterminated last name */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "not terminated");
    im.dyn[2].d_un.d_val = strSize - 1; /* its last byte */
    expect_error(needed(&im, &v, &err), PF_ERR_CORRUPT, &err, "not terminated");
    free(im.data);

    make_image(&im);
    im.sym[1].st_name = (uint32_t)strSize;
    expect_error(imports(&im, "malloc", &found, &err), PF_ERR_CORRUPT, &err, "outside .dynstr");
    im.sym[1].st_name = UINT32_MAX;
    expect_error(imports(&im, "malloc", &found, &err), PF_ERR_CORRUPT, &err, "outside .dynstr");
    free(im.data);
}

/* A table whose size is not a whole number of entries: the partial entry
 * at its end is not read. */
static void test_partial_entries(void **state)
{
    (void)state;
    image im;
    visits v;
    int found;
    make_image(&im);
    im.dyn[1] = im.dyn[0]; /* no DT_NULL before the end: the walk reaches it */
    im.dyn[3] = (Elf64_Dyn){DT_NEEDED, {STR_BAR}};
    im.sh[SH_DYNAMIC].sh_size = 4 * sizeof(Elf64_Dyn) + 8; /* the fifth, cut */
    assert_int_equal(needed(&im, &v, NULL), PF_OK);
    assert_int_equal(v.count, 4);
    im.sh[SH_DYNAMIC].sh_size = sizeof(Elf64_Dyn) - 1; /* not one whole entry */
    assert_int_equal(needed(&im, &v, NULL), PF_OK);
    assert_int_equal(v.count, 0);
    im.sh[SH_DYNSYM].sh_size = 2 * sizeof(Elf64_Sym) - 1; /* malloc's entry cut */
    assert_int_equal(imports(&im, "malloc", &found, NULL), PF_OK);
    assert_int_equal(found, 0);
    free(im.data);
}

/* Inputs the section reader refuses: its status comes through. */
static void test_not_elf(void **state)
{
    (void)state;
    visits v = {0};
    int found = -1;
    const char *names[] = {"malloc"};
    static const uint8_t text[] = "not an ELF object at all, but long enough for a header......"
                                  "..................";
    assert_int_equal(pf_elf_for_each_needed(text, sizeof text, visit, &v, NULL), PF_ERR_CORRUPT);
    assert_int_equal(pf_elf_imports_any(text, sizeof text, names, 1, &found, NULL), PF_ERR_CORRUPT);
    assert_int_equal(found, 0);
    static const uint8_t magicOnly[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    assert_int_equal(pf_elf_for_each_needed(magicOnly, sizeof magicOnly, visit, &v, NULL),
                     PF_ERR_TRUNCATED);
    assert_int_equal(pf_elf_imports_any(magicOnly, sizeof magicOnly, names, 1, &found, NULL),
                     PF_ERR_TRUNCATED);
    assert_int_equal(v.count, 0);
}

/* Every prefix of the image, copied at its exact size: an error (its
 * .dynstr, last, is cut), never a read past the end. */
static void test_every_truncation(void **state)
{
    (void)state;
    image im;
    make_image(&im);
    for (size_t size = 0; size < im.size; size++) {
        uint8_t *cut = malloc(size ? size : 1);
        assert_non_null(cut);
        memcpy(cut, im.data, size);
        visits v = {0};
        int found;
        const char *names[] = {"malloc"};
        int a = pf_elf_for_each_needed(cut, size, visit, &v, NULL);
        int b = pf_elf_imports_any(cut, size, names, 1, &found, NULL);
        if (a == PF_OK || b == PF_OK) {
            fail_msg("a %zu-byte prefix of %zu read as whole (%d, %d)", size, im.size, a, b);
        }
        free(cut);
    }
    free(im.data);
}

/* Every bit of the headers and tables flipped in turn: any status, no
 * read out of bounds, and a visited name always lies in .dynstr. */
static void test_bit_flips(void **state)
{
    (void)state;
    image im;
    make_image(&im);
    for (size_t bit = 0; bit < im.size * 8; bit++) {
        uint8_t *d = malloc(im.size);
        assert_non_null(d);
        memcpy(d, im.data, im.size);
        d[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        visits v = {0};
        int found;
        const char *names[] = {"malloc", "free"};
        (void)pf_elf_for_each_needed(d, im.size, visit, &v, NULL);
        (void)pf_elf_imports_any(d, im.size, names, 2, &found, NULL);
        free(d);
    }
    free(im.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_objects_match_libelf),
        cmocka_unit_test(test_libzstd_known_facts),
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_visitor_stops),
        cmocka_unit_test(test_missing_sections),
        cmocka_unit_test(test_names_out_of_bounds),
        cmocka_unit_test(test_partial_entries),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_bit_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
