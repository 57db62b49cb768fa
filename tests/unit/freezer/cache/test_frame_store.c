/* test_frame_store.c - the build cache of compressed frames
 * (frame_store.c): frames reused through pfz_frames_compress_cached give
 * exactly the bytes of compressing without a cache, and an entry is reused
 * only when it decompresses to the frame wanted. */
#include "cache/cache_test_util.h"

#include "frame_store.h"
#include "payload.h"
#include "seek_table_writer.h"

static void make_stream(uint8_t *src, size_t size, unsigned seed)
{
    for (size_t i = 0; i < size; i++) {
        src[i] = (uint8_t)("pyfreeze frames "[i % 16] + (i / 97 + seed) % 5);
    }
}

static void test_frames_reused_and_identical(void **state)
{
    (void)state;
    enum { SIZE = 300000 };
    uint8_t *src = malloc(SIZE);
    assert_non_null(src);
    make_stream(src, SIZE, 0);
    size_t bounds[] = {0, 1000, 100000, 200000, SIZE};
    pf_error err;
    pfz_buffer plain = {0}, cold = {0}, warm = {0}, edited = {0}, edited_plain = {0};
    assert_int_equal(pfz_frames_compress(src, SIZE, bounds, 4, 3, &plain, &err), PF_OK);

    pfz_cache *c = fresh_cache();
    pfz_frame_store store = pfz_cache_frame_store(c);
    assert_int_equal(pfz_frames_compress_cached(src, SIZE, bounds, 4, 3, &store, &cold, &err),
                     PF_OK);
    assert_int_equal(pfz_cache_stats_get(c).frame_misses, 4);
    assert_int_equal(pfz_frames_compress_cached(src, SIZE, bounds, 4, 3, &store, &warm, &err),
                     PF_OK);
    assert_int_equal(pfz_cache_stats_get(c).frame_hits, 4);
    assert_int_equal(cold.size, plain.size);
    assert_memory_equal(cold.data, plain.data, plain.size);
    assert_int_equal(warm.size, plain.size);
    assert_memory_equal(warm.data, plain.data, plain.size);

    /* one frame edited: only it is compressed again; same bytes as no cache */
    src[150000] ^= 1;
    assert_int_equal(pfz_frames_compress_cached(src, SIZE, bounds, 4, 3, &store, &edited, &err),
                     PF_OK);
    assert_int_equal(pfz_cache_stats_get(c).frame_hits, 7);
    assert_int_equal(pfz_frames_compress(src, SIZE, bounds, 4, 3, &edited_plain, &err), PF_OK);
    assert_int_equal(edited.size, edited_plain.size);
    assert_memory_equal(edited.data, edited_plain.data, edited.size);

    /* another level is another entry */
    pfz_buffer level9 = {0};
    size_t hits = pfz_cache_stats_get(c).frame_hits;
    assert_int_equal(pfz_frames_compress_cached(src, SIZE, bounds, 4, 9, &store, &level9, &err),
                     PF_OK);
    assert_int_equal(pfz_cache_stats_get(c).frame_hits, hits);

    pfz_buffer_free(&plain);
    pfz_buffer_free(&cold);
    pfz_buffer_free(&warm);
    pfz_buffer_free(&edited);
    pfz_buffer_free(&edited_plain);
    pfz_buffer_free(&level9);
    pfz_cache_close(c);
    free(src);
}

/* A frame entry is reused only if it decompresses to the very bytes
 * wanted: an entry moved under another frame's name (same size, so the
 * header agrees) is a miss, and so is a damaged one. */
static void test_frame_entry_verified(void **state)
{
    (void)state;
    enum { SIZE = 5000 };
    uint8_t a[SIZE], b[SIZE];
    make_stream(a, SIZE, 1);
    make_stream(b, SIZE, 2);
    size_t bounds[] = {0, SIZE};
    pf_error err;
    pfz_buffer out = {0};
    pfz_cache *c = fresh_cache();
    pfz_frame_store store = pfz_cache_frame_store(c);
    assert_int_equal(pfz_frames_compress_cached(a, SIZE, bounds, 1, 3, &store, &out, &err), PF_OK);
    char dir[700], entry_a[1000];
    pfz_cache_flush(c);
    snprintf(dir, sizeof dir, "%s/v1/frames", cache_dir);
    only_file(dir, entry_a, sizeof entry_a);
    size_t size;
    uint8_t *good = read_file(entry_a, &size);
    out.size = 0;
    assert_int_equal(pfz_frames_compress_cached(b, SIZE, bounds, 1, 3, &store, &out, &err), PF_OK);
    /* b's entry replaced by a's bytes */
    pfz_cache_flush(c);
    size_t temps;
    assert_int_equal(count_files(dir, &temps), 2);
    DIR *d = opendir(dir);
    struct dirent *e;
    char entry_b[1000] = "";
    while ((e = readdir(d)) != NULL) {
        snprintf(entry_b, sizeof entry_b, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && strcmp(entry_b, entry_a) != 0) {
            break;
        }
    }
    closedir(d);
    write_file(entry_b, good, size);
    uint8_t *frame = NULL;
    size_t frame_size = 0;
    size_t rejected = pfz_cache_stats_get(c).rejected;
    assert_int_equal(store.get(store.ctx, b, SIZE, 3, &frame, &frame_size), 0);
    assert_null(frame);
    assert_int_equal(pfz_cache_stats_get(c).rejected, rejected + 1);
    /* damaged a: every flipped byte is a miss */
    for (size_t i = 0; i < size; i += 7) {
        good[i] ^= 0x10;
        write_file(entry_a, good, size);
        assert_int_equal(store.get(store.ctx, a, SIZE, 3, &frame, &frame_size), 0);
        good[i] ^= 0x10;
    }
    write_file(entry_a, good, size);
    assert_int_equal(store.get(store.ctx, a, SIZE, 3, &frame, &frame_size), 1);
    free(frame);
    free(good);
    pfz_buffer_free(&out);
    pfz_cache_close(c);
}

/* A store over no cache never hits and stores nothing. */
static void test_null_store(void **state)
{
    (void)state;
    pfz_frame_store store = pfz_cache_frame_store(NULL);
    assert_null(store.ctx);
    uint8_t src[100], *frame = (uint8_t *)1;
    size_t frame_size = 1;
    make_stream(src, sizeof src, 3);
    store.put(store.ctx, src, sizeof src, 3, src, sizeof src);
    assert_int_equal(store.get(store.ctx, src, sizeof src, 3, &frame, &frame_size), 0);
    assert_null(frame);
    assert_int_equal(frame_size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_reused_and_identical),
        cmocka_unit_test(test_frame_entry_verified),
        cmocka_unit_test(test_null_store),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
