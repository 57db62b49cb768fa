/* test_seek_table_writer.c - the frame compressor and seek table writer
 * (payload/seek_table_writer.c): usage errors leave the output as it was;
 * the bytes are the same every time, whichever thread compresses a frame,
 * and laid out as the seekable format says (checked here by hand, not by
 * the reader); a frame store is consulted and fed without changing a byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_frameHeaderSize */
#include <zstd.h>

#include "payload.h"
#include "pf_le.h"
#include "seek_table_writer.h"

#define SRC_SIZE 3000

/* source: 3000 bytes that compress, the same every call. */
static const uint8_t *source(void)
{
    static uint8_t src[SRC_SIZE];
    for (size_t i = 0; i < sizeof src; i++) {
        src[i] = (uint8_t)(i * 7 % 251);
    }
    return src;
}

/* written: a 3-frame payload from pfz_frames_compress over source(). */
static void written(pfz_buffer *out)
{
    const size_t bounds[] = {0, 512, 2048, SRC_SIZE};
    pf_error err;
    out->size = 0;
    assert_int_equal(pfz_frames_compress(source(), SRC_SIZE, bounds, 3, 3, out, &err), PF_OK);
}

static void test_writer_usage(void **state)
{
    (void)state;
    uint8_t src[100] = {0};
    pfz_buffer b = {0};
    pf_error err;
    const size_t notZero[] = {1, 100};
    const size_t shortEnd[] = {0, 99};
    const size_t empty[] = {0, 50, 50, 100};
    const size_t reversed[] = {0, 60, 50, 100};
    assert_int_equal(pfz_frames_compress(src, 100, notZero, 1, 3, &b, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frames_compress(src, 100, shortEnd, 1, 3, &b, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frames_compress(src, 100, empty, 3, 3, &b, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frames_compress(src, 100, reversed, 3, 3, &b, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frames_compress(src, 100, notZero, 0, 3, &b, &err), PF_ERR_USAGE);
    assert_int_equal(b.size, 0);
    pfz_buffer_free(&b);
    pfz_buffer_free(NULL);
}

static void test_writer_deterministic(void **state)
{
    (void)state;
    pfz_buffer a = {0}, b = {0};
    written(&a);
    written(&b);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size);
    /* Appends after what is there. */
    uint8_t x = 7;
    pfz_buffer c = {0};
    pfz_buffer_append(&c, &x, 1, NULL);
    const size_t bounds[] = {0, a.size};
    assert_int_equal(pfz_frames_compress(a.data, a.size, bounds, 1, 1, &c, NULL), PF_OK);
    assert_int_equal(c.data[0], 7);
    assert_int_equal(pf_le32_load(c.data + 1), 0xFD2FB528u);
    pfz_buffer_free(&a);
    pfz_buffer_free(&b);
    pfz_buffer_free(&c);
}

/* The frames, then the seek table: skippable magic, its size, one
 * (compressed, decompressed) pair per frame, footer with the frame count, a
 * zero descriptor and the seekable magic. Each frame is one zstd frame with
 * a content size and checksum, and decompresses to its part of the input. */
static void test_layout(void **state)
{
    (void)state;
    const size_t bounds[] = {0, 512, 2048, SRC_SIZE};
    pfz_buffer b = {0};
    written(&b);
    size_t tableSize = 8 + 3 * 8 + PF_SEEK_FOOTER_SIZE;
    assert_true(b.size > tableSize);
    size_t at = 0;
    const uint8_t *table = b.data + b.size - tableSize;
    assert_int_equal(pf_le32_load(table), PF_SEEK_SKIPPABLE_MAGIC);
    assert_int_equal(pf_le32_load(table + 4), 3 * 8 + PF_SEEK_FOOTER_SIZE);
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t compressed = pf_le32_load(table + 8 + 8 * i);
        uint32_t decompressed = pf_le32_load(table + 12 + 8 * i);
        assert_int_equal(decompressed, bounds[i + 1] - bounds[i]);
        assert_int_equal(ZSTD_findFrameCompressedSize(b.data + at, b.size - at), compressed);
        assert_int_equal(ZSTD_getFrameContentSize(b.data + at, compressed), decompressed);
        assert_true(b.data[at + 4] & 0x04); /* Content_Checksum_flag */
        uint8_t out[SRC_SIZE];
        assert_int_equal(ZSTD_decompress(out, sizeof out, b.data + at, compressed), decompressed);
        assert_memory_equal(out, source() + bounds[i], decompressed);
        at += compressed;
    }
    assert_int_equal(at, b.size - tableSize); /* frames, then the table */
    const uint8_t *footer = b.data + b.size - PF_SEEK_FOOTER_SIZE;
    assert_int_equal(pf_le32_load(footer), 3);
    assert_int_equal(footer[4], 0);
    assert_int_equal(pf_le32_load(footer + 5), PF_SEEK_MAGIC);
    pfz_buffer_free(&b);
}

/* Many frames (two threads compress them where there are two CPUs) give
 * the bytes each frame gives compressed alone. */
static void test_threads_same_bytes(void **state)
{
    (void)state;
    enum { N = 12 };
    size_t bounds[N + 1];
    for (uint32_t i = 0; i <= N; i++) {
        bounds[i] = (size_t)i * SRC_SIZE / N;
    }
    pfz_buffer all = {0}, one = {0};
    assert_int_equal(pfz_frames_compress(source(), SRC_SIZE, bounds, N, 5, &all, NULL), PF_OK);
    size_t at = 0;
    for (uint32_t i = 0; i < N; i++) {
        const size_t alone[] = {0, bounds[i + 1] - bounds[i]};
        one.size = 0;
        assert_int_equal(
            pfz_frames_compress(source() + bounds[i], alone[1], alone, 1, 5, &one, NULL), PF_OK);
        size_t frameSize = one.size - (8 + 8 + PF_SEEK_FOOTER_SIZE);
        assert_true(at + frameSize <= all.size);
        assert_memory_equal(all.data + at, one.data, frameSize);
        at += frameSize;
    }
    pfz_buffer_free(&all);
    pfz_buffer_free(&one);
}

/* A frame store over memory: keeps what it is offered, keyed by the
 * source bytes and level; counts the calls. Thread-safe, as the writer
 * calls it from its compressing threads. */
typedef struct memory_store {
    pthread_mutex_t lock;
    struct {
        const uint8_t *src; /* the source bytes (static in these tests) */
        size_t srcSize;
        int level;
        uint8_t *frame;
        size_t frameSize;
    } kept[16];
    int count;
    int gets, hits, puts;
    int broken; /* get claims a hit but gives no frame */
} memory_store;

static int store_get(void *ctx, const uint8_t *src, size_t srcSize, int level, uint8_t **frame,
                     size_t *frameSize)
{
    memory_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->gets++;
    if (s->broken) {
        pthread_mutex_unlock(&s->lock);
        *frame = NULL;
        return 1;
    }
    for (int k = 0; k < s->count; k++) {
        if (s->kept[k].src == src && s->kept[k].srcSize == srcSize && s->kept[k].level == level) {
            *frame = malloc(s->kept[k].frameSize);
            assert_non_null(*frame);
            memcpy(*frame, s->kept[k].frame, s->kept[k].frameSize);
            *frameSize = s->kept[k].frameSize;
            s->hits++;
            pthread_mutex_unlock(&s->lock);
            return 1;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static void store_put(void *ctx, const uint8_t *src, size_t srcSize, int level,
                      const uint8_t *frame, size_t frameSize)
{
    memory_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->puts++;
    assert_true(s->count < 16);
    s->kept[s->count].src = src;
    s->kept[s->count].srcSize = srcSize;
    s->kept[s->count].level = level;
    s->kept[s->count].frame = malloc(frameSize);
    assert_non_null(s->kept[s->count].frame);
    memcpy(s->kept[s->count].frame, frame, frameSize);
    s->kept[s->count].frameSize = frameSize;
    s->count++;
    pthread_mutex_unlock(&s->lock);
}

/* The store is offered each frame compressed, then gives them all back:
 * the output is byte for byte the uncached one each time. A store whose
 * hit has no frame counts as a miss. */
static void test_frame_store(void **state)
{
    (void)state;
    const size_t bounds[] = {0, 512, 2048, SRC_SIZE};
    memory_store mem = {.lock = PTHREAD_MUTEX_INITIALIZER};
    const pfz_frame_store store = {&mem, store_get, store_put};
    pfz_buffer plain = {0}, first = {0}, second = {0}, broken = {0};
    written(&plain);

    assert_int_equal(
        pfz_frames_compress_cached(source(), SRC_SIZE, bounds, 3, 3, &store, &first, NULL), PF_OK);
    assert_int_equal(mem.gets, 3);
    assert_int_equal(mem.hits, 0);
    assert_int_equal(mem.puts, 3);
    assert_int_equal(first.size, plain.size);
    assert_memory_equal(first.data, plain.data, plain.size);

    assert_int_equal(
        pfz_frames_compress_cached(source(), SRC_SIZE, bounds, 3, 3, &store, &second, NULL), PF_OK);
    assert_int_equal(mem.gets, 6);
    assert_int_equal(mem.hits, 3);
    assert_int_equal(mem.puts, 3); /* frames from the store are not offered again */
    assert_int_equal(second.size, plain.size);
    assert_memory_equal(second.data, plain.data, plain.size);

    /* another level: other frames, all compressed */
    pfz_buffer other = {0};
    assert_int_equal(
        pfz_frames_compress_cached(source(), SRC_SIZE, bounds, 3, 9, &store, &other, NULL), PF_OK);
    assert_int_equal(mem.hits, 3);
    assert_int_equal(mem.puts, 6);
    pfz_buffer_free(&other);

    mem.broken = 1;
    assert_int_equal(
        pfz_frames_compress_cached(source(), SRC_SIZE, bounds, 3, 3, &store, &broken, NULL), PF_OK);
    assert_int_equal(broken.size, plain.size);
    assert_memory_equal(broken.data, plain.data, plain.size);

    /* a store without get is not consulted; NULL put is fine */
    const pfz_frame_store quiet = {&mem, NULL, NULL};
    int gets = mem.gets;
    pfz_buffer none = {0};
    assert_int_equal(
        pfz_frames_compress_cached(source(), SRC_SIZE, bounds, 3, 3, &quiet, &none, NULL), PF_OK);
    assert_int_equal(mem.gets, gets);
    assert_memory_equal(none.data, plain.data, plain.size);

    for (int k = 0; k < mem.count; k++) {
        free(mem.kept[k].frame);
    }
    pfz_buffer_free(&none);
    pfz_buffer_free(&plain);
    pfz_buffer_free(&first);
    pfz_buffer_free(&second);
    pfz_buffer_free(&broken);
}

/* Per-frame levels: each frame is the bytes a one-frame compress at its own
 * level gives, whichever thread made it and whatever level that thread's
 * context had before; the store is asked and fed with each frame's level;
 * NULL levels is one level for all. */
static void test_frame_levels(void **state)
{
    (void)state;
    enum { N = 12 };
    size_t bounds[N + 1];
    int levels[N];
    for (uint32_t i = 0; i <= N; i++) {
        bounds[i] = (size_t)i * SRC_SIZE / N;
    }
    for (uint32_t i = 0; i < N; i++) {
        levels[i] = i % 3 == 0 ? 1 : i % 3 == 1 ? 6 : 19;
    }
    memory_store mem = {.lock = PTHREAD_MUTEX_INITIALIZER};
    const pfz_frame_store store = {&mem, store_get, store_put};
    pfz_buffer all = {0}, one = {0}, again = {0};
    pf_error err;
    assert_int_equal(
        pfz_frames_compress_levels(source(), SRC_SIZE, bounds, N, 6, levels, &store, &all, &err),
        PF_OK);
    assert_int_equal(mem.puts, N);
    size_t at = 0;
    for (int k = 0; k < mem.count; k++) { /* offered in any order */
        assert_int_equal(mem.kept[k].level, levels[(mem.kept[k].src - source()) * N / SRC_SIZE]);
    }
    for (uint32_t i = 0; i < N; i++) {
        const size_t alone[] = {0, bounds[i + 1] - bounds[i]};
        one.size = 0;
        assert_int_equal(
            pfz_frames_compress(source() + bounds[i], alone[1], alone, 1, levels[i], &one, NULL),
            PF_OK);
        size_t frameSize = one.size - (8 + 8 + PF_SEEK_FOOTER_SIZE);
        assert_true(at + frameSize <= all.size);
        assert_memory_equal(all.data + at, one.data, frameSize);
        at += frameSize;
    }
    /* from the store: the same bytes, nothing compressed */
    assert_int_equal(
        pfz_frames_compress_levels(source(), SRC_SIZE, bounds, N, 6, levels, &store, &again, &err),
        PF_OK);
    assert_int_equal(mem.hits, N);
    assert_int_equal(again.size, all.size);
    assert_memory_equal(again.data, all.data, all.size);
    /* NULL levels: every frame at level, as pfz_frames_compress */
    pfz_buffer plain = {0}, uniform = {0};
    written(&plain);
    const size_t three[] = {0, 512, 2048, SRC_SIZE};
    assert_int_equal(
        pfz_frames_compress_levels(source(), SRC_SIZE, three, 3, 3, NULL, NULL, &uniform, &err),
        PF_OK);
    assert_int_equal(uniform.size, plain.size);
    assert_memory_equal(uniform.data, plain.data, plain.size);
    for (int k = 0; k < mem.count; k++) {
        free(mem.kept[k].frame);
    }
    pfz_buffer_free(&all);
    pfz_buffer_free(&one);
    pfz_buffer_free(&again);
    pfz_buffer_free(&plain);
    pfz_buffer_free(&uniform);
}

/* A buffer grown past 1 MiB has its pages faulted in ahead of the writes
 * (only speed depends on it): the bytes are those appended, and the mark
 * of what is faulted in stays within the allocation; freeing resets it. */
/* literals_type: the literals section type (RFC 8878 3.1.1.3.1.1: 0 raw,
 * 1 RLE, 2 Huffman-coded, 3 treeless) of the first block of the frame at
 * data, which must be a compressed block. */
static int literals_type(const uint8_t *data, size_t size)
{
    size_t header = ZSTD_frameHeaderSize(data, size);
    assert_false(ZSTD_isError(header));
    assert_true(header + 4 <= size);
    assert_int_equal((data[header] >> 1) & 3, 2); /* Compressed_Block */
    return data[header + 3] & 3;
}

/* PFZ_LEVEL_RAW_LITERALS: the frame's literals are stored raw, where the
 * same level without it Huffman-codes them, and both give back the bytes. */
static void test_raw_literals(void **state)
{
    (void)state;
    enum { SIZE = 65536 };
    static uint8_t text[SIZE];
    uint32_t x = 12345;
    for (size_t i = 0; i < SIZE; i++) { /* skewed letters: literals worth coding */
        x = x * 1103515245u + 12345u;
        text[i] = (uint8_t)("eeeeettttaaoinshrdlu"[(x >> 16) % 20]);
    }
    const size_t bounds[] = {0, SIZE};
    pf_error err;
    int type[2];
    for (int raw = 0; raw < 2; raw++) {
        pfz_buffer out = {0};
        int level = raw ? 4 | PFZ_LEVEL_RAW_LITERALS : 4;
        assert_int_equal(pfz_frames_compress(text, SIZE, bounds, 1, level, &out, &err), PF_OK);
        uint8_t *back = malloc(SIZE);
        assert_non_null(back);
        size_t frame = ZSTD_findFrameCompressedSize(out.data, out.size);
        assert_false(ZSTD_isError(frame));
        assert_int_equal(ZSTD_decompress(back, SIZE, out.data, frame), SIZE);
        assert_memory_equal(back, text, SIZE);
        type[raw] = literals_type(out.data, frame);
        free(back);
        pfz_buffer_free(&out);
    }
    assert_int_equal(type[0], 2);
    assert_int_equal(type[1], 0);
}

static void test_buffer_prefault(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    uint8_t chunk[4096];
    for (uint32_t i = 0; i < 1500; i++) {
        memset(chunk, (int)(i & 0xff), sizeof chunk);
        assert_int_equal(pfz_buffer_append(&b, chunk, sizeof chunk, &err), PF_OK);
        assert_true(b.populated <= b.capacity);
    }
    assert_int_equal(b.size, 1500u * 4096u);
    assert_true(b.populated >= b.size);
    for (uint32_t i = 0; i < 1500; i++) {
        assert_int_equal(b.data[i * 4096u], (uint8_t)(i & 0xff));
        assert_int_equal(b.data[i * 4096u + 4095u], (uint8_t)(i & 0xff));
    }
    pfz_buffer_free(&b);
    assert_int_equal(b.populated, 0);
    assert_null(b.data);
}

/* owned_copy: a malloc'd copy of src[0..size), as a queue's owned frame. */
static uint8_t *owned_copy(const uint8_t *src, size_t size)
{
    uint8_t *p = malloc(size);
    assert_non_null(p);
    memcpy(p, src, size);
    return p;
}

/* A frame queue given frames out of order, some owned, gives the bytes of
 * pfz_frames_compress_levels over the same frames after what out held;
 * frames missing, added twice or out of range are usage errors that leave
 * out as it was; a queue freed unfinished frees what it owns (ASan would
 * say otherwise) and takes back what it appended. */
static void test_frame_queue(void **state)
{
    (void)state;
    const uint8_t *src = source();
    const size_t bounds[] = {0, 512, 2048, SRC_SIZE};
    const int levels[] = {5, 1, 3};
    pfz_buffer ref = {0}, out = {0};
    pf_error err;
    assert_int_equal(
        pfz_frames_compress_levels(src, SRC_SIZE, bounds, 3, 9, levels, NULL, &ref, &err), PF_OK);
    pfz_frame_queue *q = NULL;
    uint8_t x = 7;
    pfz_buffer_append(&out, &x, 1, NULL);
    assert_int_equal(pfz_frame_queue_new(NULL, &out, &q, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_add(q, 2, owned_copy(src + 2048, 952), 952, 3, 1, &err),
                     PF_OK);
    assert_int_equal(pfz_frame_queue_add(q, 1, src + 512, 1536, 1, 0, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_add(q, 1, src + 512, 1536, 1, 0, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frame_queue_add(q, 3, owned_copy(src, 1), 0, 1, 1, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frame_queue_add(q, PF_MAX_FRAMES, src, 1, 1, 0, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frame_queue_add(q, 0, owned_copy(src, 512), 512, 5, 1, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_finish(q, 3, &err), PF_OK);
    pfz_frame_queue_free(q);
    assert_int_equal(out.size, ref.size + 1);
    assert_memory_equal(out.data + 1, ref.data, ref.size);

    /* frame 1 never added: refused, out unchanged */
    assert_int_equal(pfz_frame_queue_new(NULL, &out, &q, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_add(q, 0, owned_copy(src, 512), 512, 5, 1, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_add(q, 2, src + 2048, 952, 3, 0, &err), PF_OK);
    assert_int_equal(pfz_frame_queue_finish(q, 3, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_frame_queue_finish(q, 2, &err), PF_ERR_USAGE);
    assert_int_equal(out.size, ref.size + 1);
    pfz_frame_queue_free(q);

    /* freed unfinished, owned frames queued */
    assert_int_equal(pfz_frame_queue_new(NULL, &out, &q, &err), PF_OK);
    for (uint32_t i = 0; i < 40; i++) {
        assert_int_equal(
            pfz_frame_queue_add(q, i, owned_copy(src, SRC_SIZE), SRC_SIZE, 19, 1, &err), PF_OK);
    }
    pfz_frame_queue_free(q);
    assert_int_equal(out.size, ref.size + 1); /* what the queue appended is taken back */
    assert_memory_equal(out.data + 1, ref.data, ref.size);
    pfz_frame_queue_free(NULL);
    pfz_buffer_free(&ref);
    pfz_buffer_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_usage),    cmocka_unit_test(test_writer_deterministic),
        cmocka_unit_test(test_layout),          cmocka_unit_test(test_threads_same_bytes),
        cmocka_unit_test(test_frame_store),     cmocka_unit_test(test_frame_levels),
        cmocka_unit_test(test_buffer_prefault), cmocka_unit_test(test_frame_queue),
        cmocka_unit_test(test_raw_literals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
