/* test_payload_verify.c - pf_verify_payload and pf_verify_image on payloads
 * built here with libarchive and the freezer's writers: intact ones pass;
 * every truncation and bit flips fail exactly when the reader would fail
 * to read some member; damage made in the decompressed tar (a member's
 * header, its size, the archive's end) and in the ELF file around the
 * payload is named by part, frame and member; a file that is no frozen
 * program is told apart from a damaged one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>

#include "payload.h"
#include "payload_builder.h"
#include "payload_reader.h"
#include "payload_verify.h"

/* copy: src[0..size) in an allocation of exactly size bytes (ASan sees any
 * read past its end). */
static uint8_t *copy(const uint8_t *src, size_t size)
{
    uint8_t *p = malloc(size > 0 ? size : 1);
    assert_non_null(p);
    memcpy(p, src, size);
    return p;
}

static int verify_copy(const uint8_t *src, size_t size, unsigned flags, pf_verify_result *r)
{
    uint8_t *c = copy(src, size);
    int status = pf_verify_payload(c, size, flags, r);
    free(c);
    return status;
}

/* reads_everything: whether the reader opens src and reads every file
 * member, both ways (whole frames and streamed). */
static int reads_everything(const uint8_t *src, size_t size)
{
    pf_payload *p;
    if (pf_payload_open(&p, src, size, NULL) != PF_OK) {
        return 0;
    }
    const pf_index *index = pf_payload_index(p);
    int ok = 1;
    for (uint32_t n = 0; ok && n < index->entry_count; n++) {
        pf_entry e;
        const uint8_t *data;
        size_t dataSize;
        tb_collected c = {NULL, 0};
        pf_index_entry(index, n, &e);
        if (PF_KIND_IS_FILE(e.kind)) {
            ok = pf_payload_copy(p, &e, tb_collect, &c, NULL) == PF_OK &&
                 pf_payload_read(p, &e, &data, &dataSize, NULL) == PF_OK;
        }
        free(c.data);
    }
    pf_payload_close(p);
    return ok;
}

/* sample_tar: the sample's uncompressed tar, frames as tb_sample_payload. */
static void sample_tar(int pax, tb_tar *t)
{
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_options opt = {.files_per_frame = 2, .pax_index = pax, .level = 3};
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    assert_int_equal(tb_build_tar(files, fileCount, modules, moduleCount, &opt, t), 0);
}

static void test_intact(void **state)
{
    (void)state;
    for (int pax = 0; pax <= 1; pax++) {
        pfz_buffer b = {0};
        pf_verify_result r;
        assert_int_equal(tb_sample_payload(pax, &b), 0);
        assert_int_equal(verify_copy(b.data, b.size, PF_VERIFY_FULL, &r), PF_OK);
        assert_int_equal(r.part, PF_VERIFY_INTACT);
        assert_int_equal(r.frame_count, 7); /* the index, then 12 files 2 by 2 */
        assert_int_equal(r.member_count, 12);
        assert_int_equal(r.entry_count, 21);
        assert_int_equal(r.payload_size, b.size);
        assert_int_equal(r.member_size, 0);
        assert_true(r.checked_size > 60000);
        assert_int_equal(verify_copy(b.data, b.size, PF_VERIFY_QUICK, &r), PF_OK);
        pfz_buffer_free(&b);
    }
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_verify_result r;
    assert_int_equal(tb_sample_payload(1, &b), 0);
    for (size_t n = 0; n < b.size; n++) {
        assert_int_not_equal(verify_copy(b.data, n, PF_VERIFY_FULL, &r), PF_OK);
        assert_int_not_equal(r.part, PF_VERIFY_INTACT);
        assert_true(r.error.message[0] != '\0');
    }
    pfz_buffer_free(&b);
}

/* Verification passes exactly when every member reads back: a flip it
 * lets through is one the reader does not notice either (zstd's few
 * don't-care bits), and every flip the reader would meet, it meets first. */
static void test_bit_flips_agree_with_the_reader(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_verify_result r;
    size_t flips = 0, passed = 0;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    for (size_t pos = 0; pos < b.size; pos += 11) {
        uint8_t mask = (uint8_t)(1u << (pos % 8));
        b.data[pos] ^= mask;
        int status = verify_copy(b.data, b.size, PF_VERIFY_FULL, &r);
        int reads = reads_everything(b.data, b.size);
        if ((status == PF_OK) != reads) {
            fail_msg("bit 0x%02x of byte %zu: verify %s (%s), the reader %s", mask, pos,
                     status == PF_OK ? "passes" : "fails", r.error.message,
                     reads ? "reads everything" : "fails");
        }
        if (status != PF_OK) {
            assert_int_not_equal(r.part, PF_VERIFY_INTACT);
            assert_int_not_equal(r.part, PF_VERIFY_NOT_PROGRAM);
        }
        passed += status == PF_OK;
        flips++;
        b.data[pos] ^= mask;
    }
    print_message("%zu flips, %zu harmless\n", flips, passed);
    assert_true(passed * 20 < flips);
    pfz_buffer_free(&b);
}

/* verify_tar: compresses t (valid frames and checksums) and verifies it. */
static int verify_tar(const tb_tar *t, pf_verify_result *r)
{
    pfz_buffer b = {0};
    assert_int_equal(tb_compress(t, 1, 1, 0, &b), 0);
    int status = verify_copy(b.data, b.size, PF_VERIFY_FULL, r);
    pfz_buffer_free(&b);
    return status;
}

/* fix_checksum: recomputes the ustar header checksum of the block at h. */
static void fix_checksum(uint8_t *h)
{
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (unsigned i = 0; i < 512; i++) {
        sum += h[i];
    }
    snprintf((char *)h + 148, 8, "%06o", sum);
}

static void expect(const pf_verify_result *r, int status, pf_verify_part part, uint32_t frame,
                   const char *member, const char *text)
{
    assert_int_equal(r->status, status);
    if (r->part != part) {
        fail_msg("part %s, expected %s (%s)", pf_verify_part_name(r->part),
                 pf_verify_part_name(part), r->error.message);
    }
    assert_int_equal(r->frame, frame);
    assert_string_equal(r->member, member);
    assert_int_equal(r->member_size, strlen(member));
    if (strstr(r->error.message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", r->error.message, text);
    }
}

static void test_damaged_tar(void **state)
{
    (void)state;
    tb_tar t;
    pf_verify_result r;
    sample_tar(0, &t);
    uint8_t *f2 = t.tar.data + t.bounds[2]; /* frame 2: encoder.pyc, then scanner.pyc */
    assert_string_equal((char *)f2, "lib/json/encoder.pyc");
    uint8_t saved[512];
    memcpy(saved, f2, 512);

    /* A header's byte changed: its checksum no longer matches. */
    f2[0] = 'X';
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_MEMBER_HEADER, 2, "lib/json/encoder.pyc", "checksum");

    /* A well-formed header with a name the index lacks. */
    fix_checksum(f2);
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_MEMBER_HEADER, 2, "lib/json/encoder.pyc", "no file entry");

    /* A size the index does not give (512 -> 511 bytes). */
    memcpy(f2, saved, 512);
    assert_int_equal(memcmp(f2 + 124, "00000001000", 11), 0);
    memcpy(f2 + 124, "00000000777", 11);
    fix_checksum(f2);
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_MEMBER, 2, "lib/json/encoder.pyc", "511 bytes");

    /* Not a regular file. */
    memcpy(f2, saved, 512);
    f2[156] = '5';
    fix_checksum(f2);
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_MEMBER_HEADER, 2, "lib/json/encoder.pyc",
           "not a regular file");
    memcpy(f2, saved, 512);
    assert_int_equal(verify_tar(&t, &r), PF_OK);

    /* The end-of-archive blocks: a byte in them, then cut off. */
    uint32_t last = t.frame_count - 1;
    t.tar.data[t.tar.size - 1] = 1;
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_ARCHIVE_END, last, "", "not zero");
    t.tar.data[t.tar.size - 1] = 0;
    t.bounds[t.frame_count] -= 1024;
    assert_int_not_equal(verify_tar(&t, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_ARCHIVE_END, last, "", "no end-of-archive");
    t.bounds[t.frame_count] += 1024;
    pfz_buffer_free(&t.tar);
}

static void test_damaged_frames(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_verify_result r;
    pf_payload *p;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, NULL), PF_OK);
    pf_seek_table table = *pf_payload_seek_table(p);
    /* the middle of frame 3 (decoder.pyc is in frame 1; frame 3 holds scanner.py first) */
    size_t mid = table.frames[3].compressed_offset + table.frames[3].compressed_size / 2;
    size_t lastMid = table.frames[6].compressed_offset + table.frames[6].compressed_size / 2;
    size_t mid0 = table.frames[0].compressed_size / 2;
    pf_payload_close(p); /* table.frames with it */

    b.data[mid] ^= 0x10;
    assert_int_not_equal(verify_copy(b.data, b.size, PF_VERIFY_FULL, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_FRAME, 3, "lib/json/scanner.py", "frame 3");
    /* The quick check reads frame headers only. */
    assert_int_equal(verify_copy(b.data, b.size, PF_VERIFY_QUICK, &r), PF_OK);
    b.data[mid] ^= 0x10;

    b.data[lastMid] ^= 0x01;
    assert_int_not_equal(verify_copy(b.data, b.size, PF_VERIFY_FULL, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_FRAME, 6, "lib/mypkg/__init__.pyc", "frame 6");
    b.data[lastMid] ^= 0x01;

    /* frame 0 and the seek table */
    b.data[mid0] ^= 0x01;
    assert_int_not_equal(verify_copy(b.data, b.size, PF_VERIFY_QUICK, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_FRAME, 0, PF_INDEX_MEMBER_NAME, "frame 0");
    b.data[mid0] ^= 0x01;
    b.data[b.size - 1] ^= 0x01;
    assert_int_not_equal(verify_copy(b.data, b.size, PF_VERIFY_FULL, &r), PF_OK);
    expect(&r, PF_ERR_CORRUPT, PF_VERIFY_SEEK_TABLE, PF_NONE, "", "");
    pfz_buffer_free(&b);
}

/* ---- the ELF file around the payload ---- */

/* An executable: header, name table, the payload, 3 section headers. */
#define STRTAB_OFF 64u
#define DATA_OFF 128u
static const char names[] = "\0.shstrtab\0.pyfreeze";

/* wrap: an ELF image of *size bytes holding payload as .pyfreeze. */
static uint8_t *wrap(const pfz_buffer *payload, size_t *size)
{
    size_t shoff = (DATA_OFF + payload->size + 7u) / 8u * 8u;
    *size = shoff + 3 * sizeof(Elf64_Shdr);
    uint8_t *im = calloc(1, *size);
    Elf64_Ehdr eh = {.e_type = ET_EXEC,
                     .e_machine = EM_X86_64,
                     .e_version = EV_CURRENT,
                     .e_ehsize = sizeof eh,
                     .e_shoff = shoff,
                     .e_shentsize = sizeof(Elf64_Shdr),
                     .e_shnum = 3,
                     .e_shstrndx = 1};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    Elf64_Shdr sh[3] = {
        {0},
        {.sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = STRTAB_OFF, .sh_size = sizeof names},
        {.sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = DATA_OFF, .sh_size = payload->size},
    };
    memcpy(im, &eh, sizeof eh);
    memcpy(im + STRTAB_OFF, names, sizeof names);
    if (payload->size > 0) { /* an empty buffer's data is NULL */
        memcpy(im + DATA_OFF, payload->data, payload->size);
    }
    memcpy(im + shoff, sh, sizeof sh);
    return im;
}

static int verify_image(const uint8_t *im, size_t size, pf_verify_result *r)
{
    uint8_t *c = copy(im, size);
    int status = pf_verify_image(c, size, PF_VERIFY_FULL, r);
    free(c);
    return status;
}

static void test_image(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_verify_result r;
    size_t size;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    uint8_t *im = wrap(&b, &size);
    assert_int_equal(verify_image(im, size, &r), PF_OK);
    assert_int_equal(r.member_count, 12);

    im[DATA_OFF + b.size - 2] ^= 0x40; /* the seek table's footer magic */
    assert_int_not_equal(verify_image(im, size, &r), PF_OK);
    assert_int_equal(r.part, PF_VERIFY_SEEK_TABLE);
    im[DATA_OFF + b.size - 2] ^= 0x40;

    Elf64_Ehdr *eh = (Elf64_Ehdr *)im;
    eh->e_shentsize = 40;
    assert_int_not_equal(verify_image(im, size, &r), PF_OK);
    assert_int_equal(r.part, PF_VERIFY_ELF_HEADER);
    eh->e_shentsize = sizeof(Elf64_Shdr);
    im[0] = 0; /* the magic: still a damaged program, the payload is there */
    assert_int_equal(verify_image(im, size, &r), PF_ERR_CORRUPT);
    assert_int_equal(r.part, PF_VERIFY_ELF_HEADER);
    im[0] = 0x7f;
    eh->e_shoff += 1u << 20;
    assert_int_not_equal(verify_image(im, size, &r), PF_OK);
    assert_int_equal(r.part, PF_VERIFY_SECTION_HEADERS);
    eh->e_shoff -= 1u << 20;

    /* The name table zeroed: the payload's section has no name. */
    memset(im + STRTAB_OFF, 0, sizeof names);
    assert_int_equal(verify_image(im, size, &r), PF_ERR_CORRUPT);
    assert_int_equal(r.part, PF_VERIFY_SECTION_NAMES);
    memcpy(im + STRTAB_OFF, names, sizeof names);

    /* Every truncation is damage, never "not a program". */
    for (size_t n = 0; n < size; n += 61) {
        assert_int_not_equal(verify_image(im, n, &r), PF_OK);
        if (n > 0) {
            assert_int_not_equal(r.part, PF_VERIFY_NOT_PROGRAM);
        }
    }
    free(im);

    /* Not frozen programs: text, an ELF file without the section. */
    const char *text = "print('hello')\n";
    assert_int_equal(verify_image((const uint8_t *)text, strlen(text), &r), PF_ERR_NOT_FOUND);
    assert_int_equal(r.part, PF_VERIFY_NOT_PROGRAM);
    assert_non_null(strstr(r.error.message, "not an ELF file"));
    pfz_buffer empty = {0};
    im = wrap(&empty, &size);
    memcpy(im + STRTAB_OFF + 11, ".pyfrost", 8);
    assert_int_equal(verify_image(im, size, &r), PF_ERR_NOT_FOUND);
    assert_int_equal(r.part, PF_VERIFY_NOT_PROGRAM);
    free(im);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_bit_flips_agree_with_the_reader),
        cmocka_unit_test(test_damaged_tar),
        cmocka_unit_test(test_damaged_frames),
        cmocka_unit_test(test_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
