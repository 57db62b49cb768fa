/* test_prefetch_job.c - the prefetch thread doing a frame
 * (prefetch_job.c): native code placed in descriptors, and the bundled
 * libraries named by DT_NEEDED done before they are asked for, and kept.
 * Run under ASan and UBSan, and TSan (tests/run-all.sh). */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "prefetch_sample.h"

/* An extension module's bundled libraries (its DT_NEEDED, and theirs) are
 * done right after it, before anything asks, although they sit at the
 * payload's end; frames past the window are not. The "extension" is this
 * test program (it needs libzstd.so.1 and libc.so.6), libzstd.so.1 is the
 * real one (it needs libc.so.6), libc.so.6 is any bytes. */
static void test_bundled_libraries_pulled(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t exeSize = 0, zstdSize = 0;
    uint8_t *exe = read_file("/proc/self/exe", &exeSize);
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (exe == NULL || zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(exe);
        free(zstd);
        skip();
    }
    sample();
    /* frames 1..16 hold f[0..15]: code and data, the extension in frame 7,
     * more code, then the libraries */
    static char paths[16][32];
    tb_file f[16];
    for (size_t i = 0; i < 13; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[6] = (tb_file){"lib/ext.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, exe, exeSize};
    f[13] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[14] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[BIG].data, files[BIG].size};
    f[15] = (tb_file){"libs/libunused.so.1", PF_KIND_LIBRARY, files[3].data, files[3].size};
    pfz_buffer b = {0};
    build(f, 16, &b);
    pf_payload *p;
    pf_error err;
    int calls = 0;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .ahead_frames = 1,
                                   .behind_frames = 64,
                                   .idle_ms = 60000, /* its work waits for the reads */
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    /* frames 1..6 read: the window (1 ahead) lets the thread do frame 7,
     * the extension, and then the frames of the libraries it needs
     * (libzstd, and libc for both), not libunused nor frames 8.. */
    pf_entry e;
    const uint8_t *data;
    size_t size;
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(pf_index_find(pf_payload_index(p), f[i].path, strlen(f[i].path), &e), 1);
        assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
    }
    uint32_t want = 3; /* ext, libzstd, libc */
    assert_true(wait_for(p, natives_at_least, &want));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 3); /* not libunused */
    /* at most frames 2..6 (if the thread was ahead of the reads), 7, 14
     * and 15 */
    assert_true(st.frames_done <= 8);
    int fromFd = 0;
    uint8_t *got;
    assert_int_equal(fetch(p, "libs/libzstd.so.1", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    assert_int_equal(size, zstdSize);
    assert_memory_equal(got, zstd, size);
    free(got);
    assert_int_equal(fetch(p, "libs/libc.so.6", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 2);
    assert_int_equal(size, files[BIG].size);
    assert_memory_equal(got, files[BIG].data, size);
    free(got);
    assert_int_equal(fetch(p, "lib/ext.cpython-311-x86_64-linux-gnu.so", &got, &size, &fromFd),
                     PF_OK);
    assert_int_equal(fromFd, 3);
    assert_int_equal(size, exeSize);
    assert_memory_equal(got, exe, size);
    free(got);
    /* a second take finds nothing: the loader copies it itself */
    assert_int_equal(pf_index_find(pf_payload_index(p), "libs/libc.so.6", 14, &e), 1);
    int fd;
    assert_int_equal(pf_payload_take_native(p, &e, &fd, &err), PF_ERR_NOT_FOUND);
    assert_int_equal(pf_index_find(pf_payload_index(p), "lib/p1.pyc", 10, &e), 1);
    assert_int_equal(pf_payload_take_native(p, &e, &fd, &err), PF_ERR_USAGE);
    /* the rest reads right */
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, f[i].size);
        if (size > 0) {
            assert_memory_equal(got, f[i].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(exe);
    free(zstd);
}

/* A bundled library pulled for an extension module stays placed however
 * long the reads take to ask for it: objects of frames far apart can need
 * one library frame (the stdlib-heavy benchmark program's _bz2, _lzma and
 * _sqlite3 pull one frame of libbz2, liblzma and libsqlite3; lzma and
 * sqlite3 are imported long after bz2), and an unmapped memfd costs no
 * resident memory. Before, the libraries aged with the extension's frame
 * and were dropped once the reads had consumed behind_frames frames, and
 * the loader placed them again itself. */
static void test_pulled_library_kept(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t exeSize = 0, zstdSize = 0;
    uint8_t *exe = read_file("/proc/self/exe", &exeSize);
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (exe == NULL || zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(exe);
        free(zstd);
        skip();
    }
    sample();
    /* frames 1..15 hold f[0..14]: the extension in frame 4, code, then
     * the libraries it needs */
    enum { COUNT = 15 };
    static char paths[COUNT][32];
    tb_file f[COUNT];
    for (size_t i = 0; i < COUNT - 2; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[3] = (tb_file){"lib/ext.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, exe, exeSize};
    f[13] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[14] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[BIG].data, files[BIG].size};
    pfz_buffer b = {0};
    build(f, COUNT, &b);
    pf_payload *p;
    pf_error err;
    int calls = 0;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .ahead_frames = 1,
                                   .behind_frames = 2,
                                   .idle_ms = 60000,
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    uint8_t *got;
    size_t size;
    int fromFd = 0;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    uint32_t want = 3; /* ext, libzstd, libc */
    assert_true(wait_for(p, natives_at_least, &want));
    assert_int_equal(fetch(p, f[3].path, &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    free(got);
    /* the reads go on far past behind_frames before asking for the
     * libraries */
    for (size_t i = 4; i < COUNT - 2; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    for (size_t i = COUNT - 2; i < COUNT; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, &fromFd), PF_OK);
        assert_int_equal(size, f[i].size);
        assert_memory_equal(got, f[i].data, size);
        free(got);
    }
    assert_int_equal(fromFd, 3);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_taken, 3);
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(exe);
    free(zstd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_libraries_pulled),
        cmocka_unit_test(test_pulled_library_kept),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
