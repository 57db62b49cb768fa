/* test_elf_segments.c - pf_elf_share_plan (payload/elf_segments.c): which
 * segments of a shared object may be mapped from another copy of its bytes
 * and which of its pages may then be punched, on small images built here
 * (every rule: writable, zero-filled tail, offset not congruent with the
 * address, text relocations, a writable segment sharing a page with a
 * read-only one), on damaged ones (every truncation) and on a real system
 * library, checked against its program headers read with libelf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>
#include <elf.h>
#include <gelf.h>
#include <libelf.h>

#include "elf_segments.h"

#define PAGE 4096u

/* An image: the ELF header, up to 8 program headers, then room. */
typedef struct image {
    uint8_t bytes[0x10000];
    Elf64_Phdr *ph;
    int count;
} image;

static void image_init(image *im)
{
    memset(im, 0, sizeof *im);
    Elf64_Ehdr *e = (Elf64_Ehdr *)im->bytes;
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_type = ET_DYN;
    e->e_phoff = sizeof *e;
    e->e_phentsize = sizeof(Elf64_Phdr);
    im->ph = (Elf64_Phdr *)(im->bytes + sizeof *e);
}

static void add(image *im, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                uint64_t filesz, uint64_t memsz)
{
    im->ph[im->count++] = (Elf64_Phdr){.p_type = type,
                                       .p_flags = flags,
                                       .p_offset = offset,
                                       .p_vaddr = vaddr,
                                       .p_filesz = filesz,
                                       .p_memsz = memsz};
    ((Elf64_Ehdr *)im->bytes)->e_phnum = (Elf64_Half)im->count;
}

/* A usual layout: r-- headers, r-x text, r-- rodata, and rw- data whose
 * first file page is rodata's last (offset 0x5100 is on page 0x5000). */
static void usual(image *im)
{
    image_init(im);
    add(im, PT_LOAD, PF_R, 0, 0, 0x1800, 0x1800);
    add(im, PT_LOAD, PF_R | PF_X, 0x2000, 0x2000, 0x3000, 0x3000);
    add(im, PT_LOAD, PF_R, 0x5000, 0x5000, 0x100, 0x100);
    add(im, PT_LOAD, PF_R | PF_W, 0x5100, 0x6100, 0x200, 0x400);
}

static uint64_t hole_bytes(const pf_share_plan *p)
{
    uint64_t total = 0;
    for (size_t k = 0; k < p->hole_count; k++) {
        assert_int_equal(p->holes[k].offset % PAGE, 0);
        assert_int_equal(p->holes[k].size % PAGE, 0);
        total += p->holes[k].size;
    }
    return total;
}

static int in_hole(const pf_share_plan *p, uint64_t offset)
{
    for (size_t k = 0; k < p->hole_count; k++) {
        if (offset >= p->holes[k].offset && offset < p->holes[k].offset + p->holes[k].size) {
            return 1;
        }
    }
    return 0;
}

static void test_usual_layout(void **state)
{
    (void)state;
    static image im;
    usual(&im);
    pf_share_plan p;
    pf_error err;
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_OK);
    assert_int_equal(p.segment_count, 3);
    assert_int_equal(p.segments[0].vaddr, 0);
    assert_int_equal(p.segments[0].size, 0x2000);
    assert_int_equal(p.segments[0].prot, PROT_READ);
    assert_int_equal(p.segments[1].offset, 0x2000);
    assert_int_equal(p.segments[1].size, 0x3000);
    assert_int_equal(p.segments[1].prot, PROT_READ | PROT_EXEC);
    assert_int_equal(p.segments[2].size, 0x1000);
    /* page 0x5000 is read by the data segment's mapping: it stays */
    assert_int_equal(hole_bytes(&p), 0x5000);
    assert_true(in_hole(&p, 0));
    assert_true(in_hole(&p, 0x4fff));
    assert_false(in_hole(&p, 0x5000));
}

static void test_rules(void **state)
{
    (void)state;
    static image im;
    pf_share_plan p;
    pf_error err;
    /* text whose offset is not congruent with its address, and rodata with
     * a zero-filled tail: both left as mapped, and their pages kept */
    image_init(&im);
    add(&im, PT_LOAD, PF_R, 0, 0, 0x1000, 0x1000);
    add(&im, PT_LOAD, PF_R | PF_X, 0x1000, 0x2800, 0x1000, 0x1000);
    add(&im, PT_LOAD, PF_R, 0x2000, 0x4000, 0x800, 0x1800);
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_OK);
    assert_int_equal(p.segment_count, 1);
    assert_int_equal(hole_bytes(&p), 0x1000);
    /* a segment past the end of the file */
    image_init(&im);
    add(&im, PT_LOAD, PF_R, 0, 0, sizeof im.bytes + 1u, sizeof im.bytes + 1u);
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_OK);
    assert_int_equal(p.segment_count, 0);
    assert_int_equal(p.hole_count, 0);
    /* text relocations: nothing at all, by DT_TEXTREL or by DF_TEXTREL */
    for (int form = 0; form < 2; form++) {
        usual(&im);
        Elf64_Dyn *d = (Elf64_Dyn *)(im.bytes + 0x3000);
        d[0] = form == 0 ? (Elf64_Dyn){.d_tag = DT_TEXTREL}
                         : (Elf64_Dyn){.d_tag = DT_FLAGS, .d_un.d_val = DF_TEXTREL};
        d[1] = (Elf64_Dyn){.d_tag = DT_NULL};
        add(&im, PT_DYNAMIC, PF_R, 0x3000, 0x3000, 2 * sizeof *d, 2 * sizeof *d);
        assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_OK);
        assert_int_equal(p.segment_count, 0);
        assert_int_equal(p.hole_count, 0);
    }
    /* a dynamic section without them changes nothing */
    usual(&im);
    add(&im, PT_DYNAMIC, PF_R, 0x3000, 0x3000, 16, 16);
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_OK);
    assert_int_equal(p.segment_count, 3);
    /* larger pages: the data segment now shares its page with text too */
    usual(&im);
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, 0x4000, &p, &err), PF_OK);
    assert_false(in_hole(&p, 0x4000));
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, 3000, &p, &err), PF_ERR_USAGE);
}

static void test_damage(void **state)
{
    (void)state;
    static image im;
    usual(&im);
    pf_share_plan p;
    pf_error err;
    size_t headers = sizeof(Elf64_Ehdr) + 4u * sizeof(Elf64_Phdr);
    for (size_t n = 0; n < headers; n++) {
        uint8_t *cut = malloc(n + 1u); /* exact size: ASan sees any read past it */
        memcpy(cut, im.bytes, n);
        int rc = pf_elf_share_plan(cut, n, PAGE, &p, &err);
        assert_true(rc == PF_ERR_CORRUPT || rc == PF_ERR_TRUNCATED);
        free(cut);
    }
    im.bytes[EI_CLASS] = ELFCLASS32;
    assert_int_equal(pf_elf_share_plan(im.bytes, sizeof im.bytes, PAGE, &p, &err), PF_ERR_CORRUPT);
}

/* A real library: every segment planned is a read-only PT_LOAD of it, as
 * libelf reads them, and no hole touches a page of its writable segment. */
static void test_real_library(void **state)
{
    (void)state;
    const char *path = "/usr/lib/x86_64-linux-gnu/libz.so.1";
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        skip();
    }
    static uint8_t bytes[1u << 22];
    size_t size = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    pf_share_plan p;
    pf_error err;
    assert_int_equal(pf_elf_share_plan(bytes, size, PAGE, &p, &err), PF_OK);
    assert_true(p.segment_count >= 2);
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)bytes, size);
    assert_non_null(elf);
    size_t phnum;
    assert_int_equal(elf_getphdrnum(elf, &phnum), 0);
    size_t readOnly = 0;
    int sawExec = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        assert_non_null(gelf_getphdr(elf, (int)i, &ph));
        if (ph.p_type != PT_LOAD) {
            continue;
        }
        if (ph.p_flags & PF_W) {
            for (uint64_t at = ph.p_offset & ~(uint64_t)(PAGE - 1); at < ph.p_offset + ph.p_filesz;
                 at += PAGE) {
                assert_false(in_hole(&p, at));
            }
        } else {
            assert_int_equal(p.segments[readOnly].vaddr, ph.p_vaddr & ~(uint64_t)(PAGE - 1));
            sawExec |= (p.segments[readOnly].prot & PROT_EXEC) != 0;
            readOnly++;
        }
    }
    assert_int_equal(readOnly, p.segment_count);
    assert_true(sawExec);
    elf_end(elf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usual_layout),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_real_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
