/* test_payload_reader.c - the payload reader on whole payloads built here
 * with libarchive and the freezer's writers: every member read back, frame
 * cache eviction, each open error, and damage (every truncation, bit flips)
 * that must end in an error status, never a crash (run under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "payload_builder.h"
#include "frame_cache.h" /* PF_FRAME_CACHE_SLOTS */
#include "payload_reader.h"
#include "pf_le.h"

/* copy: src[0..size) in a fresh allocation of exactly size bytes, so ASan
 * flags any read past the end. */
static uint8_t *copy(const uint8_t *src, size_t size)
{
    uint8_t *p = malloc(size > 0 ? size : 1);
    assert_non_null(p);
    if (size > 0) {
        memcpy(p, src, size);
    }
    return p;
}

/* read_everything: reads every file entry through the index; returns the
 * first error status, or PF_OK. Used on damaged payloads. */
static int read_everything(pf_payload *p)
{
    const pf_index *index = pf_payload_index(p);
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e;
        const uint8_t *data;
        size_t size;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind)) {
            continue;
        }
        int status = pf_payload_read(p, &e, &data, &size, NULL);
        if (status != PF_OK) {
            return status;
        }
    }
    return PF_OK;
}

/* expect_sample: checks that p holds exactly the sample's files and modules. */
static void expect_sample(pf_payload *p)
{
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    const pf_index *index = pf_payload_index(p);
    pf_entry e, m;
    pf_error err;

    tb_sample(&files, &fileCount, &modules, &moduleCount);
    assert_int_equal(index->entry_count, fileCount + moduleCount);
    assert_memory_equal(index->python_magic, "\xa7\x0d\x0d\x0a", 4);
    pf_index_entry(index, index->main_entry, &e);
    assert_int_equal(e.name_size, 3);
    assert_memory_equal(e.name, "app", 3);

    /* Read three times round, so frames are evicted and decompressed again. */
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < fileCount; i++) {
            size_t k = round == 1 ? fileCount - 1 - i : i;
            const uint8_t *data = NULL;
            size_t size = 12345;
            assert_int_equal(pf_index_find(index, files[k].path, strlen(files[k].path), &e), 1);
            assert_int_equal(e.kind, files[k].kind);
            assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
            assert_int_equal(size, files[k].size);
            if (size > 0) {
                assert_memory_equal(data, files[k].data, size);
            }
        }
    }
    for (size_t i = 0; i < moduleCount; i++) {
        assert_int_equal(pf_index_find(index, modules[i].name, strlen(modules[i].name), &m), 1);
        assert_int_equal(m.kind, modules[i].kind);
        if (modules[i].file < 0) {
            assert_int_equal(m.member, PF_NONE);
            continue;
        }
        pf_index_entry(index, m.member, &e);
        assert_int_equal(e.name_size, strlen(files[modules[i].file].path));
        assert_memory_equal(e.name, files[modules[i].file].path, e.name_size);
        /* A module entry is not readable itself. */
        const uint8_t *data;
        size_t size;
        assert_int_equal(pf_payload_read(p, &m, &data, &size, &err), PF_ERR_USAGE);
    }
    assert_int_equal(pf_index_find(index, "json.missing", 12, &e), 0);
    assert_int_equal(pf_index_find(index, "lib/json", 8, &e), 0);
    assert_int_equal(pf_index_find(index, "", 0, &e), 0);
}

/* stop_at_once: a pf_payload_sink that refuses everything. */
static int stop_at_once(void *context, const uint8_t *data, size_t size)
{
    (void)context;
    (void)data;
    (void)size;
    return 1;
}

/* pf_payload_copy gives every member's exact bytes, streamed (frame not
 * cached) and from the cache (after a read), and reports a stopped sink. */
static void test_copy_every_member(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p;
    pf_error err;
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;

    assert_int_equal(tb_sample_payload(0, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    const pf_index *index = pf_payload_index(p);
    for (int cached = 0; cached < 2; cached++) {
        for (size_t i = 0; i < fileCount; i++) {
            pf_entry e;
            assert_int_equal(pf_index_find(index, files[i].path, strlen(files[i].path), &e), 1);
            if (cached) {
                const uint8_t *data;
                size_t size;
                assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
            }
            tb_collected c = {NULL, 0};
            assert_int_equal(pf_payload_copy(p, &e, tb_collect, &c, &err), PF_OK);
            assert_int_equal(c.size, files[i].size);
            if (c.size > 0) {
                assert_memory_equal(c.data, files[i].data, c.size);
            }
            free(c.data);
            if (files[i].size > 0) {
                assert_int_equal(pf_payload_copy(p, &e, stop_at_once, NULL, &err), PF_ERR_IO);
            }
        }
    }
    pf_entry m;
    assert_int_equal(pf_index_find(index, "app", 3, &m), 1);
    assert_int_equal(pf_payload_copy(p, &m, tb_collect, NULL, &err), PF_ERR_USAGE);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

static void test_read_every_member(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p = NULL;
    pf_error err;

    for (int pax = 0; pax <= 1; pax++) {
        b.size = 0;
        assert_int_equal(tb_sample_payload(pax, &b), 0);
        uint8_t *src = copy(b.data, b.size);
        assert_int_equal(pf_payload_open(&p, src, b.size, &err), PF_OK);
        /* 12 files at 2 per frame, after the index frame: 7 frames > cache. */
        assert_int_equal(pf_payload_seek_table(p)->frame_count, 7);
        assert_true(pf_payload_seek_table(p)->frame_count > PF_FRAME_CACHE_SLOTS + 1);
        expect_sample(p);
        pf_payload_close(p);
        free(src);
    }
    pfz_buffer_free(&b);
}

/* Decompressions per frame, counted through the release hook, which the
 * reader calls once for each frame it decompresses (and, for the range
 * from the start to the frame a read used, with data at the start: frame
 * 0's count is not one of decompressions). The longest such range is kept. */
static const uint8_t *counted_src;
static const pf_seek_table *counted_table;
static unsigned decompressions[TB_MAX_FRAMES];
static size_t released_from_start;

static void count_release(const uint8_t *data, size_t size)
{
    if (data == counted_src && size > released_from_start) {
        released_from_start = size;
    }
    for (uint32_t i = 0; i < counted_table->frame_count; i++) {
        if (data == counted_src + counted_table->frames[i].compressed_offset) {
            decompressions[i]++;
        }
    }
}

/* open_counted: opens a copy of payload b, returned (free it after
 * pf_payload_close), with the counts cleared and count_release installed
 * (sweepBytes 0). */
static uint8_t *open_counted(const pfz_buffer *b, pf_payload **p)
{
    pf_error err;
    uint8_t *src = copy(b->data, b->size);
    assert_int_equal(pf_payload_open(p, src, b->size, &err), PF_OK);
    counted_src = src;
    counted_table = pf_payload_seek_table(*p);
    memset(decompressions, 0, sizeof decompressions);
    released_from_start = 0;
    pf_payload_set_release(*p, count_release, 0);
    return src;
}

/* members_of: the first two file entries of frame i. */
static void members_of(pf_payload *p, uint32_t i, pf_entry out[2])
{
    const pf_index *index = pf_payload_index(p);
    int found = 0;
    for (uint32_t n = 0; n < index->entry_count && found < 2; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (PF_KIND_IS_FILE(e.kind) && e.frame == i) {
            out[found++] = e;
        }
    }
    assert_int_equal(found, 2);
}

/* A cached frame stays while some of its members are unread, and goes once
 * all have been read (by pf_payload_read or pf_payload_copy): reading one
 * again decompresses it again, with the same bytes. */
static void test_read_frames_leave_the_cache(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p = NULL;
    pf_error err;
    const uint8_t *data, *first;
    size_t size, firstSize;

    assert_int_equal(tb_sample_payload(0, &b), 0);
    uint8_t *src = open_counted(&b, &p);
    pf_entry one[2], two[2];
    members_of(p, 1, one);
    members_of(p, 2, two);

    assert_int_equal(pf_payload_read(p, &one[0], &first, &firstSize, &err), PF_OK);
    uint8_t *kept = copy(first, firstSize);
    assert_int_equal(pf_payload_read(p, &two[0], &data, &size, &err), PF_OK);
    assert_int_equal(pf_payload_read(p, &one[0], &data, &size, &err), PF_OK);
    assert_int_equal(decompressions[1], 1); /* one[1] unread: still cached */
    tb_collected got = {NULL, 0};
    assert_int_equal(pf_payload_copy(p, &one[1], tb_collect, &got, &err), PF_OK);
    free(got.data);
    assert_int_equal(pf_payload_read(p, &two[1], &data, &size, &err), PF_OK);
    assert_int_equal(decompressions[1], 1);
    assert_int_equal(decompressions[2], 1);
    /* frame 1 is all read: the read of two[1] dropped it */
    assert_int_equal(pf_payload_read(p, &one[0], &data, &size, &err), PF_OK);
    assert_int_equal(decompressions[1], 2);
    assert_int_equal(size, firstSize);
    assert_memory_equal(data, kept, size);

    free(kept);
    pf_payload_close(p);
    free(src);
    pfz_buffer_free(&b);
}

/* The last unpin lets a frame whose members were all read go (before, it
 * stayed until the next read, for as long as the program ran if that was
 * its last import). */
static void test_unpin_drops_read_frames(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p = NULL;
    pf_error err;
    const uint8_t *data;
    size_t size;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    uint8_t *src = open_counted(&b, &p);
    pf_entry one[2];
    members_of(p, 1, one);
    pf_payload_pin(p);
    assert_int_equal(pf_payload_read(p, &one[0], &data, &size, &err), PF_OK);
    assert_int_equal(pf_payload_read(p, &one[1], &data, &size, &err), PF_OK);
    pf_payload_pin(p);
    pf_payload_unpin(p);
    assert_true(pf_payload_frame_cached(p, 1)); /* pinned still */
    pf_payload_unpin(p);
    assert_false(pf_payload_frame_cached(p, 1));
    assert_int_equal(decompressions[1], 1);
    pf_payload_close(p);
    free(src);
    pfz_buffer_free(&b);
}

/* Frames at or past the index's walk_end share one cache slot: frame 4
 * takes frame 3's, while frames 1 and 2, before it, stay. */
static void test_frames_past_walk_end_share_a_slot(void **state)
{
    (void)state;
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    tb_options opt = {.files_per_frame = 2, .level = 3, .walk_end = 3};
    pfz_buffer b = {0};
    assert_int_equal(tb_build_payload(files, fileCount, modules, moduleCount, &opt, &b), 0);
    pf_payload *p = NULL;
    pf_error err;
    const uint8_t *data;
    size_t size;
    uint8_t *src = open_counted(&b, &p);
    assert_int_equal(pf_payload_index(p)->walk_end, 3);
    pf_entry first[5][2];
    for (uint32_t i = 1; i <= 4; i++) {
        members_of(p, i, first[i]);
        assert_int_equal(pf_payload_read(p, &first[i][0], &data, &size, &err), PF_OK);
    }
    assert_int_equal(pf_payload_read(p, &first[3][0], &data, &size, &err), PF_OK);
    assert_int_equal(decompressions[3], 2); /* frame 4 had taken its slot */
    assert_int_equal(pf_payload_read(p, &first[1][0], &data, &size, &err), PF_OK);
    assert_int_equal(pf_payload_read(p, &first[2][0], &data, &size, &err), PF_OK);
    assert_int_equal(decompressions[1], 1);
    assert_int_equal(decompressions[2], 1);
    pf_payload_close(p);
    free(src);
    pfz_buffer_free(&b);
}

/* With sweepBytes 0, a read hands the release hook everything from the
 * payload's start to the end of the frame it used (pages mapped back around
 * later reads go), by pf_payload_read and pf_payload_copy (streaming)
 * alike, unless that frame ends before the last sweep's end; with
 * sweepBytes, only once its frame ends that far past the last sweep. */
static void test_reads_release_through_their_frame(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p = NULL;
    pf_error err;
    const uint8_t *data;
    size_t size;

    assert_int_equal(tb_sample_payload(0, &b), 0);
    uint8_t *src = open_counted(&b, &p);
    const pf_frame *f = counted_table->frames;
    pf_entry one[2], two[2];
    members_of(p, 1, one);
    members_of(p, 2, two);
    /* frame 1 not cached: the copy streams it */
    tb_collected got = {NULL, 0};
    assert_int_equal(pf_payload_copy(p, &one[0], tb_collect, &got, &err), PF_OK);
    free(got.data);
    assert_int_equal(released_from_start, f[1].compressed_offset + f[1].compressed_size);
    assert_int_equal(pf_payload_read(p, &two[0], &data, &size, &err), PF_OK);
    assert_int_equal(released_from_start, f[2].compressed_offset + f[2].compressed_size);
    released_from_start = 0;
    assert_int_equal(pf_payload_read(p, &one[1], &data, &size, &err), PF_OK);
    assert_int_equal(released_from_start, 0); /* behind the last sweep */
    size_t end2 = f[2].compressed_offset + f[2].compressed_size;
    pf_payload_close(p);

    /* sweeps only once the reads are sweepBytes past the last one */
    assert_int_equal(pf_payload_open(&p, src, b.size, &err), PF_OK);
    counted_table = pf_payload_seek_table(p);
    f = counted_table->frames;
    released_from_start = 0;
    pf_payload_set_release(p, count_release, end2);
    members_of(p, 1, one);
    members_of(p, 2, two);
    assert_int_equal(pf_payload_read(p, &one[0], &data, &size, &err), PF_OK);
    assert_int_equal(released_from_start, 0);
    assert_int_equal(pf_payload_read(p, &two[0], &data, &size, &err), PF_OK);
    assert_int_equal(released_from_start, end2);
    pf_payload_close(p);
    free(src);
    pfz_buffer_free(&b);
}

/* Between pf_payload_pin and pf_payload_unpin, bytes a read gave stay
 * valid (ASan would report a use after free) through reads of every other
 * frame, more than the cache holds, and after their frame is all read. */
static void test_pin_keeps_bytes(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p = NULL;
    pf_error err;
    const uint8_t *pinned, *data;
    size_t pinnedSize, size;

    assert_int_equal(tb_sample_payload(0, &b), 0);
    uint8_t *src = copy(b.data, b.size);
    assert_int_equal(pf_payload_open(&p, src, b.size, &err), PF_OK);
    pf_entry one[2];
    uint32_t f = 1;
    do { /* a frame whose members both have bytes */
        members_of(p, f++, one);
    } while (one[0].size == 0 || one[1].size == 0);
    assert_int_equal(pf_payload_read(p, &one[1], &data, &size, &err), PF_OK);
    pf_payload_pin(p);
    pf_payload_pin(p); /* pins nest */
    assert_int_equal(pf_payload_read(p, &one[0], &pinned, &pinnedSize, &err), PF_OK);
    uint8_t *kept = copy(pinned, pinnedSize);
    assert_int_equal(read_everything(p), PF_OK);
    pf_payload_unpin(p);
    assert_int_equal(read_everything(p), PF_OK);
    /* memcmp, not cmocka's compare: ASan sees this code's reads */
    assert_int_equal(memcmp(pinned, kept, pinnedSize), 0);
    pf_payload_unpin(p);
    pf_payload_unpin(p); /* without a pin: nothing */
    assert_int_equal(read_everything(p), PF_OK);

    free(kept);
    pf_payload_close(p);
    free(src);
    pfz_buffer_free(&b);
}

static void test_pax_header_is_parsed(void **state)
{
    (void)state;
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_options opt = {.files_per_frame = 2, .pax_index = 1, .level = 3};
    tb_tar t;

    tb_sample(&files, &fileCount, &modules, &moduleCount);
    assert_int_equal(tb_build_tar(files, fileCount, modules, moduleCount, &opt, &t), 0);
    /* The index member really does start with a pax 'x' header. */
    assert_int_equal(t.tar.data[156], 'x');
    pfz_buffer_free(&t.tar);
    opt.pax_index = 0;
    assert_int_equal(tb_build_tar(files, fileCount, modules, moduleCount, &opt, &t), 0);
    assert_int_equal(t.tar.data[156], '0');
    pfz_buffer_free(&t.tar);
}

static void test_same_input_same_bytes(void **state)
{
    (void)state;
    pfz_buffer a = {0}, b = {0};
    assert_int_equal(tb_sample_payload(1, &a), 0);
    assert_int_equal(tb_sample_payload(1, &b), 0);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    pfz_buffer_free(&a);
    pfz_buffer_free(&b);
}

/* open_status: opens src[0..size) from an exact-size copy; on success reads
 * everything and returns that status; the message is kept in *err. */
static int open_status(const uint8_t *src, size_t size, pf_error *err)
{
    uint8_t *c = copy(src, size);
    pf_payload *p = (pf_payload *)1;
    pf_error_clear(err);
    int status = pf_payload_open(&p, c, size, err);
    if (status == PF_OK) {
        status = read_everything(p);
        pf_payload_close(p);
    } else {
        assert_null(p);
        assert_int_equal(err->status, status);
        assert_true(err->message[0] != '\0');
        assert_null(strchr(err->message, '\n'));
    }
    free(c);
    return status;
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    for (size_t n = 0; n < b.size; n++) {
        int status = open_status(b.data, n, &err);
        if (status == PF_OK) {
            fail_msg("payload cut to %zu of %zu bytes was accepted", n, b.size);
        }
    }
    /* The error for a cut before the footer is the documented one. */
    open_status(b.data, 3, &err);
    assert_string_equal(err.message,
                        "payload truncated: seek table footer needs 9 bytes, 3 present");
    assert_int_equal(err.status, PF_ERR_TRUNCATED);
    pfz_buffer_free(&b);
}

/* same_as_sample: whether payload src[0..size) opens and every member and
 * module of the sample reads back unchanged. */
static int same_as_sample(const uint8_t *src, size_t size)
{
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    pf_payload *p;
    pf_entry e;
    int same = 1;

    tb_sample(&files, &fileCount, &modules, &moduleCount);
    if (pf_payload_open(&p, src, size, NULL) != PF_OK) {
        return 0;
    }
    const pf_index *index = pf_payload_index(p);
    same = index->entry_count == fileCount + moduleCount;
    for (size_t i = 0; same && i < fileCount; i++) {
        const uint8_t *data;
        size_t n;
        same = pf_index_find(index, files[i].path, strlen(files[i].path), &e) &&
               e.kind == files[i].kind && pf_payload_read(p, &e, &data, &n, NULL) == PF_OK &&
               n == files[i].size && (n == 0 || memcmp(data, files[i].data, n) == 0);
    }
    for (size_t i = 0; same && i < moduleCount; i++) {
        same = pf_index_find(index, modules[i].name, strlen(modules[i].name), &e) &&
               e.kind == modules[i].kind;
    }
    pf_payload_close(p);
    return same;
}

static void test_bit_flips_fail(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p;
    pf_error err;
    assert_int_equal(tb_sample_payload(1, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    pf_seek_table table = *pf_payload_seek_table(p);
    uint64_t frame0End = table.frames[0].compressed_size;
    size_t flips = 0, unnoticed = 0;

    /* Every bit of frame 0 and the seek table; in later frames (read only
     * on demand, so each flip costs reading everything) one bit of every
     * 7th byte. */
    for (size_t pos = 0; pos < b.size; pos++) {
        int everyBit = pos < frame0End || pos >= table.frames_size;
        if (!everyBit && pos % 7 != 0) {
            continue;
        }
        for (unsigned bit = 0; bit < 8; bit++) {
            if (!everyBit && bit != pos / 7 % 8) {
                continue;
            }
            uint8_t mask = (uint8_t)(1u << bit);
            b.data[pos] ^= mask;
            int status = open_status(b.data, b.size, &err);
            /* zstd has a few don't-care bits (Unused_bit of the frame header,
             * spare bits in table descriptions): a flip there must leave
             * every member intact. Any other flip must be reported. */
            if (status == PF_OK) {
                unnoticed++;
                if (!same_as_sample(b.data, b.size)) {
                    fail_msg("bit 0x%02x of byte %zu flipped: damage went unnoticed", mask, pos);
                }
            }
            flips++;
            b.data[pos] ^= mask;
        }
    }
    /* The harmless bits are rare; most flips are caught. */
    print_message("%zu flips, %zu harmless\n", flips, unnoticed);
    assert_true(unnoticed * 20 < flips);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* build_with: the sample compressed by tb_compress with these flags. */
static void build_with(int checksum, int contentSize, uint8_t descriptor, pfz_buffer *out,
                       tb_tar *t)
{
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_options opt = {.files_per_frame = 4, .pax_index = 0, .level = 1};
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    assert_int_equal(tb_build_tar(files, fileCount, modules, moduleCount, &opt, t), 0);
    out->size = 0;
    assert_int_equal(tb_compress(t, checksum, contentSize, descriptor, out), 0);
}

static void test_frame_flags(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    tb_tar t;
    pf_error err;
    pf_payload *p;

    /* Hand-compressed with per-entry checksums in the seek table: readable. */
    build_with(1, 1, PF_SEEK_DESCRIPTOR_CHECKSUM, &b, &t);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    expect_sample(p);
    pf_payload_close(p);
    pfz_buffer_free(&t.tar);

    build_with(0, 1, 0, &b, &t);
    assert_int_equal(open_status(b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_string_equal(err.message, "frame 0 has no content checksum");
    pfz_buffer_free(&t.tar);

    build_with(1, 0, 0, &b, &t);
    assert_int_equal(open_status(b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_string_equal(err.message, "frame 0 has a bad or no content size");
    pfz_buffer_free(&t.tar);
    pfz_buffer_free(&b);
}

/* set_decompressed: rewrites seek table entry i's decompressed size. */
static void set_decompressed(pfz_buffer *b, uint32_t frameCount, uint32_t i, uint32_t size)
{
    size_t entries = b->size - PF_SEEK_FOOTER_SIZE - 8u * frameCount;
    pf_le32_store(b->data + entries + 8u * i + 4u, size);
}

static void test_frame_sizes_checked(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    tb_tar t;

    /* The seek table disagrees with a frame's own content size. */
    build_with(1, 1, 0, &b, &t);
    uint32_t n = t.frame_count;
    set_decompressed(&b, n, 0, (uint32_t)t.bounds[1] + 1);
    assert_int_equal(open_status(b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "frame 0 holds"));
    set_decompressed(&b, n, 0, (uint32_t)t.bounds[1]);
    set_decompressed(&b, n, 2, (uint32_t)(t.bounds[3] - t.bounds[2] - 1));
    assert_int_equal(open_status(b.data, b.size, &err), PF_ERR_CORRUPT);
    pfz_buffer_free(&t.tar);

    /* Frame 0 cut after the index member plus one more header: refused. */
    build_with(1, 1, 0, &b, &t);
    t.bounds[1] += 512;
    b.size = 0;
    assert_int_equal(tb_compress(&t, 1, 1, 0, &b), 0);
    assert_int_equal(open_status(b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "past the index member"));
    pfz_buffer_free(&t.tar);

    /* Frames 0 and 1 listed as one seek-table entry: two zstd frames. */
    build_with(1, 1, 0, &b, &t);
    pfz_buffer merged = {0};
    pf_seek_table table;
    assert_int_equal(pf_seek_table_read(b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(pfz_buffer_append(&merged, b.data, table.frames_size, &err), PF_OK);
    uint8_t w[8];
    pf_le32_store(w, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(w + 4, (n - 1) * 8 + PF_SEEK_FOOTER_SIZE);
    pfz_buffer_append(&merged, w, 8, &err);
    for (uint32_t i = 1; i < n; i++) {
        uint32_t c = table.frames[i].compressed_size, d = table.frames[i].decompressed_size;
        if (i == 1) {
            c += table.frames[0].compressed_size;
            d += table.frames[0].decompressed_size;
        }
        pf_le32_store(w, c);
        pf_le32_store(w + 4, d);
        pfz_buffer_append(&merged, w, 8, &err);
    }
    uint8_t footer[PF_SEEK_FOOTER_SIZE] = {0};
    pf_le32_store(footer, n - 1);
    pf_le32_store(footer + 5, PF_SEEK_MAGIC);
    pfz_buffer_append(&merged, footer, sizeof footer, &err);
    assert_int_equal(open_status(merged.data, merged.size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "frame 0"));
    pf_seek_table_free(&table);
    pfz_buffer_free(&merged);
    pfz_buffer_free(&t.tar);
    pfz_buffer_free(&b);
}

static void test_damaged_later_frame(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_payload *p;
    pf_error err;
    const uint8_t *data;
    size_t size;
    pf_entry e;

    /* Damage only the last frame's checksum: open works, that read fails
     * with a clear message and the other members still read. */
    assert_int_equal(tb_sample_payload(0, &b), 0);
    pf_seek_table table;
    assert_int_equal(pf_seek_table_read(b.data, b.size, &table, &err), PF_OK);
    const pf_frame *last = &table.frames[table.frame_count - 1];
    b.data[last->compressed_offset + last->compressed_size - 1] ^= 0x01;
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    const char *lastPath = "lib/mypkg/sub.pyc";
    assert_int_equal(pf_index_find(pf_payload_index(p), lastPath, strlen(lastPath), &e), 1);
    assert_int_equal(e.frame, table.frame_count - 1);
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "does not decompress"));
    tb_collected c = {NULL, 0};
    assert_int_equal(pf_payload_copy(p, &e, tb_collect, &c, &err), PF_ERR_CORRUPT);
    free(c.data);
    /* Asked again, it fails again rather than serving a half-filled slot. */
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_ERR_CORRUPT);
    assert_int_equal(pf_index_find(pf_payload_index(p), "lib/app.pyc", 11, &e), 1);
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
    assert_int_equal(size, 1);

    /* An entry number past the table is a usage error, not a read. */
    e.number = pf_payload_index(p)->entry_count;
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_ERR_USAGE);
    assert_int_equal(pf_payload_read(p, NULL, &data, &size, &err), PF_ERR_USAGE);
    pf_payload_close(p);
    pf_payload_close(NULL);
    pf_seek_table_free(&table);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_every_member),
        cmocka_unit_test(test_copy_every_member),
        cmocka_unit_test(test_read_frames_leave_the_cache),
        cmocka_unit_test(test_reads_release_through_their_frame),
        cmocka_unit_test(test_pin_keeps_bytes),
        cmocka_unit_test(test_frames_past_walk_end_share_a_slot),
        cmocka_unit_test(test_unpin_drops_read_frames),
        cmocka_unit_test(test_pax_header_is_parsed),
        cmocka_unit_test(test_same_input_same_bytes),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_bit_flips_fail),
        cmocka_unit_test(test_frame_flags),
        cmocka_unit_test(test_frame_sizes_checked),
        cmocka_unit_test(test_damaged_later_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
