/* test_frame_cache.c - the reads' frame cache (payload/frame_cache.c),
 * driven directly over a sample payload: a frame is decompressed once and
 * kept; the least recently used slot goes first, but frames past the walk
 * share one slot; a frame whose members have all been read leaves at the
 * next drop, never while pinned, and pinned bytes outlive their slot until
 * the last unpin; a trim keeps only the frames of the last reads, never
 * while pinned; a damaged frame is an error that leaves the slot empty.
 * Decompressions are counted through the release function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zstd.h>

#include "frame_cache.h"
#include "payload.h"
#include "payload_builder.h"
#include "payload_reader.h"

/* The sample payload, opened twice: by the reader for its index, and as
 * frames for the cache under test. */
typedef struct fixture {
    pfz_buffer b;
    uint8_t *src; /* exact-size copy the frames read */
    pf_payload *payload;
    const pf_index *index;
    pf_frames frames;
    ZSTD_DCtx *dctx;
    pf_frame_cache cache;
} fixture;

static const uint8_t *counted_src;
static const pf_seek_table *counted_table;
static unsigned decompressions[TB_MAX_FRAMES];

/* count_release: one more decompression of the frame whose bytes these are. */
static void count_release(const uint8_t *data, size_t size)
{
    for (uint32_t i = 0; i < counted_table->frame_count; i++) {
        const pf_frame *f = &counted_table->frames[i];
        if (data == counted_src + f->compressed_offset && size == f->compressed_size) {
            decompressions[i]++;
        }
    }
}

static void setup_fixture(fixture *x)
{
    pf_error err;
    memset(x, 0, sizeof *x);
    assert_int_equal(tb_sample_payload(0, &x->b), 0);
    x->src = malloc(x->b.size);
    assert_non_null(x->src);
    memcpy(x->src, x->b.data, x->b.size);
    assert_int_equal(pf_payload_open(&x->payload, x->b.data, x->b.size, &err), PF_OK);
    x->index = pf_payload_index(x->payload);
    assert_int_equal(pf_frames_open(&x->frames, x->src, x->b.size, &err), PF_OK);
    assert_true(x->frames.table.frame_count > PF_FRAME_CACHE_SLOTS + 2);
    x->frames.release = count_release;
    counted_src = x->src;
    counted_table = &x->frames.table;
    memset(decompressions, 0, sizeof decompressions);
    assert_int_equal(pf_decoder_new(&x->dctx, &err), PF_OK);
    assert_int_equal(pf_frame_cache_init(&x->cache, x->index, x->frames.table.frame_count, &err),
                     PF_OK);
    assert_int_equal(x->cache.walk_end, x->index->walk_end);
}

static void teardown_fixture(fixture *x)
{
    pf_frame_cache_free(&x->cache);
    ZSTD_freeDCtx(x->dctx);
    pf_frames_close(&x->frames);
    pf_payload_close(x->payload);
    free(x->src);
    pfz_buffer_free(&x->b);
}

/* get: frame i through the cache; its bytes equal the reader's. */
static const uint8_t *get(fixture *x, uint32_t i)
{
    const uint8_t *data = NULL;
    pf_error err;
    assert_int_equal(pf_frame_cache_get(&x->cache, &x->frames, x->dctx, NULL, i, &data, &err),
                     PF_OK);
    assert_non_null(data);
    /* every member of frame i as the reader gives it */
    for (uint32_t n = 0; n < x->index->entry_count; n++) {
        pf_entry e;
        const uint8_t *bytes;
        size_t size;
        pf_index_entry(x->index, n, &e);
        if (PF_KIND_IS_FILE(e.kind) && e.frame == i) {
            assert_int_equal(pf_payload_read(x->payload, &e, &bytes, &size, &err), PF_OK);
            assert_memory_equal(data + e.offset, bytes, size);
        }
    }
    return data;
}

/* members_of: the file entries of frame i (at most 4), their count. */
static int members_of(const fixture *x, uint32_t i, pf_entry *out)
{
    int count = 0;
    for (uint32_t n = 0; n < x->index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(x->index, n, &e);
        if (PF_KIND_IS_FILE(e.kind) && e.frame == i) {
            assert_true(count < 4);
            out[count++] = e;
        }
    }
    return count;
}

/* A frame is decompressed once and then given from its slot. */
static void test_kept(void **state)
{
    (void)state;
    fixture x;
    setup_fixture(&x);
    assert_null(pf_frame_cache_find(&x.cache, 1));
    const uint8_t *first = get(&x, 1);
    assert_int_equal(decompressions[1], 1);
    assert_ptr_equal(pf_frame_cache_find(&x.cache, 1), first);
    assert_ptr_equal(get(&x, 1), first);
    assert_int_equal(decompressions[1], 1);
    teardown_fixture(&x);
}

/* Five frames through four slots: the least recently used goes. */
static void test_least_recently_used(void **state)
{
    (void)state;
    fixture x;
    setup_fixture(&x);
    x.cache.walk_end = x.frames.table.frame_count; /* every frame walked */
    for (uint32_t i = 1; i <= 4; i++) {
        (void)get(&x, i);
    }
    (void)get(&x, 1); /* 2 is now the least recently used */
    (void)get(&x, 5);
    assert_null(pf_frame_cache_find(&x.cache, 2));
    for (uint32_t i = 1; i <= 5; i++) {
        if (i != 2) {
            assert_non_null(pf_frame_cache_find(&x.cache, i));
        }
    }
    (void)get(&x, 2);
    assert_int_equal(decompressions[2], 2);
    assert_null(pf_frame_cache_find(&x.cache, 3)); /* next in line */
    teardown_fixture(&x);
}

/* Frames at or past walk_end share one slot, even while a slot is free. */
static void test_past_walk_end_share_a_slot(void **state)
{
    (void)state;
    fixture x;
    setup_fixture(&x);
    x.cache.walk_end = 3;
    (void)get(&x, 1);
    (void)get(&x, 3);
    (void)get(&x, 4); /* takes 3's slot */
    assert_null(pf_frame_cache_find(&x.cache, 3));
    assert_non_null(pf_frame_cache_find(&x.cache, 1));
    (void)get(&x, 2); /* before the walk's end: a free slot */
    assert_non_null(pf_frame_cache_find(&x.cache, 4));
    assert_non_null(pf_frame_cache_find(&x.cache, 1));
    teardown_fixture(&x);
}

/* Once every member of a frame is read (each counted once), the next drop
 * frees it; not while pinned; the last unpin does. */
static void test_read_frames_dropped(void **state)
{
    (void)state;
    fixture x;
    pf_entry m[4];
    setup_fixture(&x);
    int count = members_of(&x, 1, m);
    assert_int_equal(count, 2);
    (void)get(&x, 1);
    pf_frame_cache_note_read(&x.cache, &m[0]);
    pf_frame_cache_note_read(&x.cache, &m[0]); /* the same member again */
    pf_frame_cache_drop_read(&x.cache);
    assert_non_null(pf_frame_cache_find(&x.cache, 1)); /* m[1] unread */
    pf_frame_cache_note_read(&x.cache, &m[1]);
    pf_frame_cache_pin(&x.cache);
    pf_frame_cache_drop_read(&x.cache);
    assert_non_null(pf_frame_cache_find(&x.cache, 1)); /* pinned */
    pf_frame_cache_pin(&x.cache);
    pf_frame_cache_unpin(&x.cache);
    assert_non_null(pf_frame_cache_find(&x.cache, 1)); /* still pinned once */
    pf_frame_cache_unpin(&x.cache);
    assert_null(pf_frame_cache_find(&x.cache, 1));
    pf_frame_cache_unpin(&x.cache); /* without a pin: nothing */
    (void)get(&x, 1);
    assert_int_equal(decompressions[1], 2);
    teardown_fixture(&x);
}

/* While pinned, a frame pushed out of its slot keeps its bytes (held) until
 * the last unpin; the slots are reused meanwhile. */
static void test_pinned_bytes_held(void **state)
{
    (void)state;
    fixture x;
    setup_fixture(&x);
    x.cache.walk_end = x.frames.table.frame_count;
    pf_frame_cache_pin(&x.cache);
    const uint8_t *one = get(&x, 1);
    size_t oneSize = x.frames.table.frames[1].decompressed_size;
    uint8_t *kept = malloc(oneSize);
    assert_non_null(kept);
    memcpy(kept, one, oneSize);
    for (uint32_t i = 2; i <= 5; i++) {
        (void)get(&x, i); /* 5 pushes 1 out */
    }
    assert_null(pf_frame_cache_find(&x.cache, 1));
    assert_int_equal(x.cache.held_count, 1);
    assert_memory_equal(one, kept, oneSize); /* still valid (ASan: not freed) */
    pf_frame_cache_unpin(&x.cache);
    assert_int_equal(x.cache.held_count, 0);
    free(kept);
    teardown_fixture(&x);
}

/* A trim frees every slot but those of the last `keep` frames read (a frame
 * read through and gone counts among them), whatever is unread in them;
 * nothing while pinned; a frame trimmed is decompressed again when read. */
static void test_trim(void **state)
{
    (void)state;
    fixture x;
    setup_fixture(&x);
    x.cache.walk_end = x.frames.table.frame_count;
    (void)get(&x, 1);
    (void)get(&x, 2);
    (void)get(&x, 3);
    (void)get(&x, 2); /* the last read: 2, then 3 */
    pf_frame_cache_pin(&x.cache);
    pf_frame_cache_trim(&x.cache, 0);
    assert_non_null(pf_frame_cache_find(&x.cache, 1)); /* pinned: kept */
    pf_frame_cache_unpin(&x.cache);
    pf_frame_cache_trim(&x.cache, 2);
    assert_null(pf_frame_cache_find(&x.cache, 1));
    assert_non_null(pf_frame_cache_find(&x.cache, 2));
    assert_non_null(pf_frame_cache_find(&x.cache, 3));
    pf_frame_cache_trim(&x.cache, 1);
    assert_null(pf_frame_cache_find(&x.cache, 3));
    assert_non_null(pf_frame_cache_find(&x.cache, 2));
    (void)get(&x, 3);
    assert_int_equal(decompressions[3], 2);
    (void)get(&x, 4);
    pf_frame_cache_trim(&x.cache, 0);
    for (uint32_t i = 1; i <= 4; i++) {
        assert_null(pf_frame_cache_find(&x.cache, i));
    }
    teardown_fixture(&x);
}

/* A damaged frame: the error, an empty slot, the other frames unharmed. */
static void test_damaged_frame(void **state)
{
    (void)state;
    fixture x;
    pf_error err;
    const uint8_t *data = NULL;
    setup_fixture(&x);
    const pf_frame *f = &x.frames.table.frames[2];
    (void)get(&x, 1);
    x.src[f->compressed_offset + f->compressed_size - 1] ^= 1; /* its checksum */
    assert_int_equal(pf_frame_cache_get(&x.cache, &x.frames, x.dctx, NULL, 2, &data, &err),
                     PF_ERR_CORRUPT);
    assert_null(pf_frame_cache_find(&x.cache, 2));
    x.src[f->compressed_offset] ^= 1; /* its magic: refused before decompressing */
    assert_int_equal(pf_frame_cache_get(&x.cache, &x.frames, x.dctx, NULL, 2, &data, &err),
                     PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "not a zstd frame"));
    assert_non_null(pf_frame_cache_find(&x.cache, 1));
    (void)get(&x, 3);
    teardown_fixture(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_least_recently_used),
        cmocka_unit_test(test_past_walk_end_share_a_slot),
        cmocka_unit_test(test_read_frames_dropped),
        cmocka_unit_test(test_pinned_bytes_held),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_damaged_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
