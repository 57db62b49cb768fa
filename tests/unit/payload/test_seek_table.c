/* test_seek_table.c - the seek table reader on tables written by the
 * writer and on hand-built damaged ones, one per check. The writer's own
 * tests: test_seek_table_writer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"
#include "pf_le.h"
#include "seek_table.h"
#include "seek_table_writer.h"

/* written: a 3-frame payload from pfz_frames_compress over 3000 bytes. */
static void written(pfz_buffer *out)
{
    static uint8_t src[3000];
    const size_t bounds[] = {0, 512, 2048, 3000};
    pf_error err;
    for (size_t i = 0; i < sizeof src; i++) {
        src[i] = (uint8_t)(i * 7 % 251);
    }
    out->size = 0;
    assert_int_equal(pfz_frames_compress(src, sizeof src, bounds, 3, 3, out, &err), PF_OK);
}

/* read_copy: reads a table from an exact-size copy (ASan sees over-reads). */
static int read_copy(const uint8_t *src, size_t size, pf_seek_table *t, pf_error *err)
{
    uint8_t *c = malloc(size ? size : 1);
    assert_non_null(c);
    memcpy(c, src, size);
    int status = pf_seek_table_read(c, size, t, err);
    free(c);
    if (status != PF_OK) {
        assert_null(t->frames);
        assert_int_equal(t->frame_count, 0);
    }
    return status;
}

static void test_good_table(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_seek_table t;
    pf_error err;
    written(&b);
    assert_int_equal(read_copy(b.data, b.size, &t, &err), PF_OK);
    assert_int_equal(t.frame_count, 3);
    assert_int_equal(t.frames_size, b.size - (8 + 3 * 8 + 9));
    assert_int_equal(t.frames[0].compressed_offset, 0);
    assert_int_equal(t.frames[0].decompressed_size, 512);
    assert_int_equal(t.frames[1].decompressed_size, 1536);
    assert_int_equal(t.frames[1].decompressed_offset, 512);
    assert_int_equal(t.frames[2].decompressed_offset, 2048);
    assert_int_equal(t.frames[1].compressed_offset, t.frames[0].compressed_size);
    assert_int_equal(t.frames[2].compressed_offset + t.frames[2].compressed_size, t.frames_size);
    /* Each frame starts with the zstd magic, little-endian. */
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(pf_le32_load(b.data + t.frames[i].compressed_offset), 0xFD2FB528u);
    }
    pf_seek_table_free(&t);
    pf_seek_table_free(&t); /* idempotent */
    pf_seek_table_free(NULL);
    pfz_buffer_free(&b);
}

/* Hand-built tables: frames of the given compressed sizes (filler bytes
 * stand in for frames; the reader does not decompress). */
typedef struct spec {
    uint32_t count;
    uint8_t descriptor;
    uint32_t skippable_magic;
    int32_t frame_size_delta;
    uint32_t compressed[3];
    uint32_t decompressed[3];
    int32_t filler_delta; /* bytes of frames minus the sum of compressed sizes */
} spec;

static void build(const spec *s, pfz_buffer *b)
{
    uint64_t sum = 0;
    unsigned entry = (s->descriptor & PF_SEEK_DESCRIPTOR_CHECKSUM) ? 12 : 8;
    uint8_t w[12] = {0};
    b->size = 0;
    for (uint32_t i = 0; i < s->count && i < 3; i++) {
        sum += s->compressed[i];
    }
    for (int64_t i = 0; i < (int64_t)sum + s->filler_delta; i++) {
        uint8_t x = 0xAA;
        pfz_buffer_append(b, &x, 1, NULL);
    }
    pf_le32_store(w, s->skippable_magic);
    pf_le32_store(w + 4, (uint32_t)((int64_t)s->count * entry + 9 + s->frame_size_delta));
    pfz_buffer_append(b, w, 8, NULL);
    for (uint32_t i = 0; i < s->count && i < 3; i++) {
        memset(w, 0, sizeof w);
        pf_le32_store(w, s->compressed[i]);
        pf_le32_store(w + 4, s->decompressed[i]);
        pfz_buffer_append(b, w, entry, NULL);
    }
    pf_le32_store(w, s->count);
    w[4] = s->descriptor;
    pf_le32_store(w + 5, PF_SEEK_MAGIC);
    pfz_buffer_append(b, w, 9, NULL);
}

static spec good(void)
{
    spec s = {.count = 2,
              .skippable_magic = PF_SEEK_SKIPPABLE_MAGIC,
              .compressed = {10, 20},
              .decompressed = {100, 200}};
    return s;
}

static void test_checksum_entries_accepted(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_seek_table t;
    spec s = good();
    s.descriptor = PF_SEEK_DESCRIPTOR_CHECKSUM;
    build(&s, &b);
    assert_int_equal(read_copy(b.data, b.size, &t, NULL), PF_OK);
    assert_int_equal(t.frame_count, 2);
    assert_int_equal(t.frames[1].compressed_offset, 10);
    assert_int_equal(t.frames[1].decompressed_offset, 100);
    assert_int_equal(t.frames_size, 30);
    pf_seek_table_free(&t);
    pfz_buffer_free(&b);
}

static void expect(const spec *s, int status, const char *text)
{
    pfz_buffer b = {0};
    pf_seek_table t;
    pf_error err;
    build(s, &b);
    assert_int_equal(read_copy(b.data, b.size, &t, &err), status);
    if (strstr(err.message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err.message, text);
    }
    pf_seek_table_free(&t);
    pfz_buffer_free(&b);
}

static void test_each_error(void **state)
{
    (void)state;
    spec s;
    s = good();
    expect(&s, PF_OK, "");
    s = good(), s.descriptor = 0x04;
    expect(&s, PF_ERR_CORRUPT, "reserved bits");
    s = good(), s.descriptor = 0x40;
    expect(&s, PF_ERR_CORRUPT, "reserved bits");
    s = good(), s.count = 0;
    expect(&s, PF_ERR_CORRUPT, "frame count 0");
    s = good(), s.count = PF_MAX_FRAMES + 1;
    expect(&s, PF_ERR_CORRUPT, "frame count");
    s = good(), s.count = 1000; /* 1000 entries do not fit in the bytes present */
    expect(&s, PF_ERR_TRUNCATED, "seek table of 1000 frames needs");
    s = good(), s.skippable_magic = 0x184D2A50;
    expect(&s, PF_ERR_CORRUPT, "skippable frame magic");
    s = good(), s.frame_size_delta = 1;
    expect(&s, PF_ERR_CORRUPT, "seek table frame size");
    s = good(), s.compressed[1] = 0;
    expect(&s, PF_ERR_CORRUPT, "entry 1");
    s = good(), s.decompressed[0] = PF_MAX_FRAME_SIZE + 1;
    expect(&s, PF_ERR_CORRUPT, "entry 0");
    s = good(), s.filler_delta = 1; /* a gap before the table */
    expect(&s, PF_ERR_CORRUPT, "frames cover 30 bytes, but 31");
    s.compressed[0] = 40, s.filler_delta = -40; /* frames overrun the table */
    expect(&s, PF_ERR_CORRUPT, "past the seek table");
}

static void test_footer_and_truncation(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_seek_table t;
    pf_error err;
    written(&b);
    for (size_t n = 0; n < PF_SEEK_FOOTER_SIZE; n++) {
        assert_int_equal(read_copy(b.data + b.size - n, n, &t, &err), PF_ERR_TRUNCATED);
    }
    /* Cut anywhere else, the footer is gone or the table overhangs. */
    for (size_t n = PF_SEEK_FOOTER_SIZE; n < b.size; n++) {
        assert_int_not_equal(read_copy(b.data, n, &t, &err), PF_OK);
    }
    /* Only the table's tail present: the table needs more bytes. */
    size_t tableSize = 8 + 3 * 8 + 9;
    assert_int_equal(read_copy(b.data + b.size - (tableSize - 1), tableSize - 1, &t, &err),
                     PF_ERR_TRUNCATED);
    b.data[b.size - 1] ^= 0x80;
    assert_int_equal(read_copy(b.data, b.size, &t, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "footer magic"));
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_table),
        cmocka_unit_test(test_checksum_entries_accepted),
        cmocka_unit_test(test_each_error),
        cmocka_unit_test(test_footer_and_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
