/* test_elf_section.c - pf_elf_find_section against libelf on this test's
 * own executable, and on a small image built here with every header field
 * damaged in turn and every truncation. */
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

#include "elf_section.h"

/* read_file: the whole file at path, malloc'ed. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *size = n;
    return buf;
}

static void test_own_executable_matches_libelf(void **state)
{
    (void)state;
    size_t size;
    uint8_t *file = read_file("/proc/self/exe", &size);
    size_t shstrndx;
    Elf_Scn *scn = NULL;
    int checked = 0;

    assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
    Elf *elf = elf_memory((char *)file, size);
    assert_non_null(elf);
    assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        assert_non_null(gelf_getshdr(scn, &sh));
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        assert_non_null(name);
        /* Count sections of this name: ours refuses duplicates. */
        int same = 0;
        for (Elf_Scn *o = elf_nextscn(elf, NULL); o != NULL; o = elf_nextscn(elf, o)) {
            GElf_Shdr osh;
            gelf_getshdr(o, &osh);
            same += strcmp(elf_strptr(elf, shstrndx, osh.sh_name), name) == 0;
        }
        uint64_t off = 0, len = 0;
        pf_error err;
        int status = pf_elf_find_section(file, size, name, &off, &len, &err);
        if (same > 1 || sh.sh_type == SHT_NOBITS) {
            assert_int_equal(status, PF_ERR_CORRUPT);
        } else {
            assert_int_equal(status, PF_OK);
            assert_int_equal(off, sh.sh_offset);
            assert_int_equal(len, sh.sh_size);
            checked++;
        }
    }
    assert_true(checked > 10); /* .text, .rodata, .symtab, .debug_* ... */
    uint64_t off, len;
    assert_int_equal(pf_elf_find_section(file, size, ".pyfreeze", &off, &len, NULL),
                     PF_ERR_NOT_FOUND);
    elf_end(elf);
    free(file);
}

/* A small image: header, name table, 16 payload bytes, 4 section headers. */
#define STRTAB_OFF 64
#define DATA_OFF 128
#define SHDR_OFF 192
#define IMAGE_SIZE (SHDR_OFF + 4 * sizeof(Elf64_Shdr))
static const char names[] = "\0.shstrtab\0.pyfreeze\0.bss";

typedef struct image {
    Elf64_Ehdr eh;
    Elf64_Shdr sh[4];
    uint8_t bytes[IMAGE_SIZE];
} image;

static void make(image *im)
{
    memset(im, 0, sizeof *im);
    memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
    im->eh.e_ident[EI_CLASS] = ELFCLASS64;
    im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh.e_ident[EI_VERSION] = EV_CURRENT;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = EM_X86_64;
    im->eh.e_version = EV_CURRENT;
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_shoff = SHDR_OFF;
    im->eh.e_shentsize = sizeof(Elf64_Shdr);
    im->eh.e_shnum = 4;
    im->eh.e_shstrndx = 1;
    im->sh[1] = (Elf64_Shdr){
        .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = STRTAB_OFF, .sh_size = sizeof names};
    im->sh[2] =
        (Elf64_Shdr){.sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = DATA_OFF, .sh_size = 16};
    im->sh[3] = (Elf64_Shdr){
        .sh_name = 21, .sh_type = SHT_NOBITS, .sh_offset = DATA_OFF + 16, .sh_size = 1000};
}

/* find: lays im out in its byte buffer and looks name up in an exact-size
 * copy of the first size bytes (so ASan sees any over-read). */
static int find(image *im, size_t size, const char *name, uint64_t *off, uint64_t *len,
                pf_error *err)
{
    memcpy(im->bytes, &im->eh, sizeof im->eh);
    memcpy(im->bytes + STRTAB_OFF, names, sizeof names);
    memcpy(im->bytes + DATA_OFF, "payload-bytes-16", 16);
    memcpy(im->bytes + SHDR_OFF, im->sh, sizeof im->sh);
    uint8_t *c = malloc(size ? size : 1);
    memcpy(c, im->bytes, size);
    pf_error_clear(err);
    int status = pf_elf_find_section(c, size, name, off, len, err);
    free(c);
    return status;
}

static void test_small_image(void **state)
{
    (void)state;
    image im;
    uint64_t off = 0, len = 0;
    pf_error err;
    make(&im);
    assert_int_equal(find(&im, IMAGE_SIZE, ".pyfreeze", &off, &len, &err), PF_OK);
    assert_int_equal(off, DATA_OFF);
    assert_int_equal(len, 16);
    assert_int_equal(find(&im, IMAGE_SIZE, ".bss", &off, &len, &err), PF_ERR_CORRUPT);
    assert_int_equal(find(&im, IMAGE_SIZE, ".pyfree", &off, &len, &err), PF_ERR_NOT_FOUND);
    assert_int_equal(find(&im, IMAGE_SIZE, ".pyfreezeX", &off, &len, &err), PF_ERR_NOT_FOUND);
    assert_string_equal(err.message, "no section named .pyfreezeX");

    /* The gABI escapes for large counts and name table indexes. */
    make(&im);
    im.eh.e_shnum = 0;
    im.sh[0].sh_size = 4;
    im.eh.e_shstrndx = SHN_XINDEX;
    im.sh[0].sh_link = 1;
    off = len = 0;
    assert_int_equal(find(&im, IMAGE_SIZE, ".pyfreeze", &off, &len, &err), PF_OK);
    assert_int_equal(off, DATA_OFF);
    assert_int_equal(len, 16);

    /* Every shorter file fails, never reading past its end. */
    make(&im);
    for (size_t n = 0; n < IMAGE_SIZE; n++) {
        assert_int_not_equal(find(&im, n, ".pyfreeze", &off, &len, &err), PF_OK);
    }
}

/* expect: damages one field (via fn) and checks status and message. */
#define EXPECT(change, status, text)                                                               \
    do {                                                                                           \
        make(&im);                                                                                 \
        change;                                                                                    \
        assert_int_equal(find(&im, IMAGE_SIZE, ".pyfreeze", &off, &len, &err), status);            \
        if (strstr(err.message, text) == NULL) {                                                   \
            fail_msg("%s: message \"%s\" lacks \"%s\"", #change, err.message, text);               \
        }                                                                                          \
    } while (0)

static void test_each_field(void **state)
{
    (void)state;
    image im;
    uint64_t off, len;
    pf_error err;

    EXPECT(im.eh.e_ident[1] = 'e', PF_ERR_CORRUPT, "not an ELF file");
    EXPECT(im.eh.e_ident[EI_CLASS] = ELFCLASS32, PF_ERR_CORRUPT, "64-bit");
    EXPECT(im.eh.e_ident[EI_DATA] = ELFDATA2MSB, PF_ERR_CORRUPT, "little-endian");
    EXPECT(im.eh.e_ident[EI_VERSION] = 2, PF_ERR_CORRUPT, "version");
    EXPECT(im.eh.e_version = 0, PF_ERR_CORRUPT, "version");
    EXPECT(im.eh.e_shoff = 0, PF_ERR_NOT_FOUND, "no section headers");
    EXPECT(im.eh.e_shentsize = 40, PF_ERR_CORRUPT, "section header size");
    EXPECT(im.eh.e_shoff = IMAGE_SIZE, PF_ERR_TRUNCATED, "section header table");
    EXPECT(im.eh.e_shoff = UINT64_MAX - 8, PF_ERR_CORRUPT, "overflows");
    EXPECT(im.eh.e_shnum = 5, PF_ERR_TRUNCATED, "section header table");
    EXPECT((im.eh.e_shnum = 0, im.sh[0].sh_size = 0), PF_ERR_CORRUPT, "section count 0");
    EXPECT((im.eh.e_shnum = 0, im.sh[0].sh_size = UINT64_MAX), PF_ERR_CORRUPT, "section count");
    EXPECT((im.eh.e_shnum = 0, im.sh[0].sh_size = 1 << 19), PF_ERR_TRUNCATED, "header table");
    EXPECT(im.eh.e_shstrndx = 0, PF_ERR_NOT_FOUND, "no section names");
    EXPECT(im.eh.e_shstrndx = 4, PF_ERR_CORRUPT, "name table index 4");
    EXPECT((im.eh.e_shstrndx = SHN_XINDEX, im.sh[0].sh_link = 9), PF_ERR_CORRUPT, "index 9");
    EXPECT(im.eh.e_shstrndx = 2, PF_ERR_CORRUPT, "not STRTAB");
    EXPECT(im.sh[1].sh_offset = IMAGE_SIZE, PF_ERR_TRUNCATED, "section name table");
    EXPECT(im.sh[1].sh_size = UINT64_MAX, PF_ERR_CORRUPT, "overflows");
    EXPECT(im.sh[2].sh_name = sizeof names, PF_ERR_CORRUPT, "section 2 has a name outside");
    EXPECT(im.sh[1].sh_size = 20, PF_ERR_CORRUPT, "section 2 has a name outside"); /* no NUL */
    EXPECT(im.sh[2].sh_size = IMAGE_SIZE, PF_ERR_TRUNCATED, "section ends");
    EXPECT(im.sh[2].sh_offset = UINT64_MAX, PF_ERR_CORRUPT, "overflows");
    EXPECT(im.sh[3].sh_name = 11, PF_ERR_CORRUPT, "two sections named .pyfreeze");
    EXPECT(im.sh[2].sh_type = SHT_NOBITS, PF_ERR_CORRUPT, "no bytes in the file");
}

/* layout: pf_elf_check_layout on im laid out as find does. */
static int layout(image *im, size_t size, pf_elf_part *part, pf_error *err)
{
    memcpy(im->bytes, &im->eh, sizeof im->eh);
    memcpy(im->bytes + STRTAB_OFF, names, sizeof names);
    memcpy(im->bytes + SHDR_OFF, im->sh, sizeof im->sh);
    uint8_t *c = malloc(size ? size : 1);
    memcpy(c, im->bytes, size);
    pf_error_clear(err);
    int status = pf_elf_check_layout(c, size, part, err);
    free(c);
    return status;
}

#define EXPECT_PART(change, status, want)                                                          \
    do {                                                                                           \
        make(&im);                                                                                 \
        change;                                                                                    \
        assert_int_equal(layout(&im, IMAGE_SIZE, &part, &err), status);                            \
        if (part != want) {                                                                        \
            fail_msg("%s: part %d, expected %d (%s)", #change, part, want, err.message);           \
        }                                                                                          \
    } while (0)

static void test_layout(void **state)
{
    (void)state;
    image im;
    pf_elf_part part;
    pf_error err;
    size_t size;
    uint8_t *own = read_file("/proc/self/exe", &size);
    assert_int_equal(pf_elf_check_layout(own, size, &part, &err), PF_OK);
    assert_int_equal(part, PF_ELF_PART_NONE);
    assert_int_equal(pf_elf_check_layout(own, size - 1, &part, &err), PF_ERR_TRUNCATED);
    /* a program header table: this executable's own, moved past the end */
    Elf64_Ehdr *eh = (Elf64_Ehdr *)own;
    eh->e_phoff = size;
    assert_int_equal(pf_elf_check_layout(own, size, &part, &err), PF_ERR_TRUNCATED);
    assert_int_equal(part, PF_ELF_PART_PROGRAM_HEADERS);
    free(own);

    EXPECT_PART((void)0, PF_OK, PF_ELF_PART_NONE);
    EXPECT_PART(im.eh.e_ident[EI_CLASS] = ELFCLASS32, PF_ERR_CORRUPT, PF_ELF_PART_HEADER);
    EXPECT_PART(im.eh.e_ehsize = 52, PF_ERR_CORRUPT, PF_ELF_PART_HEADER);
    EXPECT_PART(im.eh.e_shoff = 0, PF_ERR_NOT_FOUND, PF_ELF_PART_HEADER);
    EXPECT_PART(im.eh.e_shoff = IMAGE_SIZE, PF_ERR_TRUNCATED, PF_ELF_PART_SECTION_HEADERS);
    EXPECT_PART(im.eh.e_shnum = 5, PF_ERR_TRUNCATED, PF_ELF_PART_SECTION_HEADERS);
    EXPECT_PART(im.eh.e_shstrndx = 0, PF_ERR_NOT_FOUND, PF_ELF_PART_SECTION_NAMES);
    EXPECT_PART(im.sh[1].sh_offset = IMAGE_SIZE, PF_ERR_TRUNCATED, PF_ELF_PART_SECTION_NAMES);
    EXPECT_PART(im.sh[1].sh_type = SHT_PROGBITS, PF_ERR_CORRUPT, PF_ELF_PART_SECTION_NAMES);
    EXPECT_PART(im.sh[2].sh_name = 1000, PF_ERR_CORRUPT, PF_ELF_PART_SECTION_NAMES);
    EXPECT_PART(im.sh[2].sh_size = IMAGE_SIZE, PF_ERR_TRUNCATED, PF_ELF_PART_SECTIONS);
    EXPECT_PART(im.sh[2].sh_offset = UINT64_MAX, PF_ERR_CORRUPT, PF_ELF_PART_SECTIONS);
    EXPECT_PART(im.sh[3].sh_size = UINT64_MAX, PF_OK, PF_ELF_PART_NONE); /* NOBITS */
    EXPECT_PART((im.eh.e_phnum = 1, im.eh.e_phentsize = 56, im.eh.e_phoff = IMAGE_SIZE),
                PF_ERR_TRUNCATED, PF_ELF_PART_PROGRAM_HEADERS);
    EXPECT_PART((im.eh.e_phnum = 1, im.eh.e_phentsize = 32), PF_ERR_CORRUPT,
                PF_ELF_PART_PROGRAM_HEADERS);
    /* a segment past the end: the program header at DATA_OFF */
    make(&im);
    im.eh.e_phnum = 1;
    im.eh.e_phentsize = sizeof(Elf64_Phdr);
    im.eh.e_phoff = SHDR_OFF - sizeof(Elf64_Phdr);
    Elf64_Phdr ph = {.p_type = PT_LOAD, .p_offset = 0, .p_filesz = IMAGE_SIZE + 1};
    memcpy(im.bytes + SHDR_OFF - sizeof ph, &ph, sizeof ph);
    assert_int_equal(layout(&im, IMAGE_SIZE, &part, &err), PF_ERR_TRUNCATED);
    assert_int_equal(part, PF_ELF_PART_PROGRAM_HEADERS);
    assert_non_null(strstr(err.message, "segment 0"));
    /* every truncation fails */
    make(&im);
    for (size_t n = 0; n < IMAGE_SIZE; n++) {
        assert_int_not_equal(layout(&im, n, &part, &err), PF_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_executable_matches_libelf),
        cmocka_unit_test(test_small_image),
        cmocka_unit_test(test_each_field),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
