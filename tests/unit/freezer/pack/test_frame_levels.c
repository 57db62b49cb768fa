/* test_frame_levels.c - pfz_frame_levels (pack/frame_levels.c): over a tar
 * stream written as pfz_pack writes it, a frame at least half native code
 * gets native_level, others level; stored files are not in the stream; a
 * stream whose members are not the files in order, or no native_level,
 * gives no levels (one level for all). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "frame_levels.h"
#include "payload.h"

/* A tar being written into memory, as pack.c writes it (pax, no blocking). */
typedef struct tar_buf {
    uint8_t data[1 << 20];
    size_t size;
} tar_buf;

static la_ssize_t tar_write(struct archive *a, void *client, const void *buf, size_t size)
{
    (void)a;
    tar_buf *t = client;
    assert_true(t->size + size <= sizeof t->data);
    memcpy(t->data + t->size, buf, size);
    t->size += size;
    return (la_ssize_t)size;
}

static void add_member(struct archive *a, const char *path, size_t size)
{
    static const uint8_t zeros[70000];
    assert_true(size <= sizeof zeros);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    if (size > 0) {
        assert_int_equal(archive_write_data(a, zeros, size), (la_ssize_t)size);
    }
    archive_entry_free(e);
}

/* write_stream: the index member, then files[k] for each k in order[] (-1
 * ends it); a frame starts before the members whose k is in cuts[]. */
static size_t write_stream(tar_buf *t, const pfz_pack_file *files, const int *order,
                           const int *cuts, size_t *bounds)
{
    struct archive *a = archive_write_new();
    t->size = 0;
    assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
    assert_int_equal(archive_write_set_bytes_per_block(a, 0), ARCHIVE_OK);
    assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
    assert_int_equal(archive_write_open2(a, t, NULL, tar_write, NULL, NULL), ARCHIVE_OK);
    size_t frames = 0;
    bounds[frames++] = 0;
    add_member(a, PF_INDEX_MEMBER_NAME, 100);
    for (int i = 0; order[i] >= 0; i++) {
        for (int c = 0; cuts[c] >= 0; c++) {
            if (cuts[c] == order[i]) {
                bounds[frames++] = t->size;
            }
        }
        add_member(a, files[order[i]].path, files[order[i]].size);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    bounds[frames] = t->size;
    return frames;
}

static void test_levels(void **state)
{
    (void)state;
    static tar_buf t;
    const pfz_pack_file files[] = {
        {"lib/a.pyc", PF_KIND_BYTECODE, NULL, 3000, 0644},
        {"lib/_b.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, NULL, 60000, 0755},
        {"lib/c.pyc", PF_KIND_BYTECODE, NULL, 2000, 0644},
        {"libs/libd.so.1", PF_KIND_LIBRARY, NULL, 20000, 0755},
        {"lib/e.pyc", PF_KIND_BYTECODE, NULL, 40000, 0644},
        {"libs/libf.so.2", PF_KIND_LIBRARY, NULL, 50000, 0755},
    };
    pfz_pack_input in = {.files = files, .file_count = 6, .level = 6, .native_level = 4};
    /* frames: [index] [a, b] [c, d, e] [f] */
    const int order[] = {0, 1, 2, 3, 4, 5, -1}, cuts[] = {0, 2, 5, -1};
    size_t bounds[8];
    uint32_t count = (uint32_t)write_stream(&t, files, order, cuts, bounds);
    assert_int_equal(count, 4);
    int *levels = NULL;
    pf_error err;
    assert_int_equal(pfz_frame_levels(&in, NULL, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_non_null(levels);
    assert_int_equal(levels[0], 6); /* the index */
    assert_int_equal(levels[1], 4); /* 60000 of 63000 bytes native */
    assert_int_equal(levels[2], 6); /* 20000 of 62000 */
    assert_int_equal(levels[3], 4);
    free(levels);

    /* a stored file (stored[k]) is not in the stream: the rest still match */
    const uint8_t stored[] = {0, 0, 0, 0, 0, 1};
    const int order2[] = {0, 1, 2, 3, 4, -1}, cuts2[] = {0, 2, -1};
    count = (uint32_t)write_stream(&t, files, order2, cuts2, bounds);
    assert_int_equal(pfz_frame_levels(&in, stored, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_non_null(levels);
    assert_int_equal(levels[1], 4);
    assert_int_equal(levels[2], 6);
    free(levels);

    /* members not the files in order: no levels */
    const int swapped[] = {1, 0, 2, 3, 4, 5, -1};
    count = (uint32_t)write_stream(&t, files, swapped, cuts, bounds);
    assert_int_equal(pfz_frame_levels(&in, NULL, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_null(levels);
    /* a file missing from the stream: no levels */
    const int shorter[] = {0, 1, 2, 3, 4, -1};
    count = (uint32_t)write_stream(&t, files, shorter, cuts, bounds);
    assert_int_equal(pfz_frame_levels(&in, NULL, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_null(levels);

    /* no native level, or the same as level: no levels */
    count = (uint32_t)write_stream(&t, files, order, cuts, bounds);
    in.native_level = 0;
    assert_int_equal(pfz_frame_levels(&in, NULL, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_null(levels);
    in.native_level = 6;
    assert_int_equal(pfz_frame_levels(&in, NULL, t.data, t.size, bounds, count, &levels, &err),
                     PF_OK);
    assert_null(levels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
