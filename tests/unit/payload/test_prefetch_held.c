/* test_prefetch_held.c - what the prefetch thread did and the reads did
 * not take (prefetch_held.c): a frame the thread works on is never dropped
 * under it, and what nobody took is freed when the thread ends. Run under
 * ASan and UBSan, and TSan (tests/run-all.sh). */
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

/* open_failing_once: the tests' memfds, but for the first call for
 * "lib/ext.so" a descriptor that refuses writes (read-only /dev/null), as
 * a memfd refuses them when memory runs out. */
static int open_failing_once(void *context, const pf_entry *file)
{
    int *extCalls = context;
    if (file->name_size == 10 && memcmp(file->name, "lib/ext.so", 10) == 0 && (*extCalls)++ == 0) {
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    return memfd_create(TEST_MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

/* A frame the thread is working on is not the reads' to drop, even when
 * its time is up: here frame 5 (an extension module, a bundled library, a
 * module) has its native code placed early, but the extension's write
 * fails; frame 4's libzstd then pulls frame 5's library, so frame 5 ages
 * with frame 4, and the thread does frame 5 again, opening a new descriptor
 * for the extension. While it decompresses, the reads consume two more
 * frames (behind_frames 1): frame 4 is dropped, but frame 5's descriptors,
 * one of which the thread is about to fill, must stay (before: closed under
 * the thread, which then wrote to a closed, possibly reused, descriptor). */
static void test_working_frame_not_dropped(void **state)
{
    (void)state;
    const char *zstdPath = library_path();
    size_t zstdSize = 0;
    uint8_t *zstd = zstdPath != NULL ? read_file(zstdPath, &zstdSize) : NULL;
    if (zstd == NULL || strstr(zstdPath, "libzstd.so.1") == NULL) {
        free(zstd);
        skip();
    }
    sample();
    /* 3 members a frame: frame 1 holds f[0..2], frame k f[3k-3 .. 3k-1] */
    enum { COUNT = 24 };
    static char paths[COUNT][32];
    tb_file f[COUNT];
    for (size_t i = 0; i < COUNT; i++) {
        snprintf(paths[i], sizeof paths[i], i == 0 ? "lib/app.pyc" : "lib/p%zu.pyc", i);
        f[i] = (tb_file){paths[i], PF_KIND_BYTECODE, files[i].data, files[i].size};
    }
    f[9] = (tb_file){"libs/libzstd.so.1", PF_KIND_LIBRARY, zstd, zstdSize};
    f[12] = (tb_file){"lib/ext.so", PF_KIND_NATIVE, files[12].data, files[12].size};
    f[13] = (tb_file){"libs/libc.so.6", PF_KIND_LIBRARY, files[13].data, files[13].size};
    pfz_buffer b = {0};
    build_grouped(f, COUNT, 3, &b);
    pf_payload *p;
    pf_error err;
    int extCalls = 0;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .ahead_frames = 1,
                                   .behind_frames = 1,
                                   .idle_ms = 60000,
                                   .open_native = open_failing_once,
                                   .native_context = &extCalls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    pf_payload_set_release(p, hold_release, 0);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    hold.reads = pthread_self();
    hold.go = 0;
    uint8_t *got;
    size_t size;
    /* frame 1, then frame 2: starts the thread, which does frame 3 and
     * places frame 5's native code early (the library only) */
    assert_int_equal(fetch(p, f[0].path, &got, &size, NULL), PF_OK);
    free(got);
    assert_int_equal(fetch(p, f[3].path, &got, &size, NULL), PF_OK);
    free(got);
    uint32_t want = 1;
    assert_true(wait_for(p, natives_at_least, &want));
    /* taking frame 3 lets the thread do frame 4 (libzstd, which pulls
     * frame 5), then frame 5 again: hold it there */
    pthread_mutex_lock(&hold.lock);
    hold.at = b.data + pf_payload_seek_table(p)->frames[5].compressed_offset;
    pthread_mutex_unlock(&hold.lock);
    assert_int_equal(fetch(p, f[6].path, &got, &size, NULL), PF_OK);
    free(got);
    pthread_mutex_lock(&hold.lock);
    for (int k = 0; k < 1000 && !hold.holding; k++) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 10 * 1000 * 1000;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&hold.changed, &hold.lock, &t);
    }
    int held = hold.holding;
    pthread_mutex_unlock(&hold.lock);
    assert_true(held);
    /* two frames the reads decompress themselves: frames 4 and 5 are due */
    for (size_t i = 15; i <= 18; i += 3) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        free(got);
    }
    pthread_mutex_lock(&hold.lock);
    hold.go = 1;
    pthread_cond_broadcast(&hold.changed);
    pthread_mutex_unlock(&hold.lock);
    want = 4; /* frame 3, frame 5 early, frame 4, frame 5 */
    assert_true(wait_for(p, frames_at_least, &want));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 3); /* libc early, libzstd, the extension */
    int fromFd = 0;
    assert_int_equal(fetch(p, "lib/ext.so", &got, &size, &fromFd), PF_OK);
    assert_int_equal(fromFd, 1);
    assert_int_equal(size, f[12].size);
    assert_memory_equal(got, f[12].data, size);
    free(got);
    for (size_t i = 0; i < COUNT; i++) {
        assert_int_equal(fetch(p, f[i].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, f[i].size);
        if (size > 0) {
            assert_memory_equal(got, f[i].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
    free(zstd);
}

/* When the thread ends, what the reads did not take goes with it: held back
 * by its window (the reads stop after frame 2, and it has done frames 3
 * and 4 and placed the extension modules of frames 6 and 13 early), or at
 * the end of its walk (ahead_frames 64), it waits for the reads, and once
 * they have been still for idle_ms frees its buffers and closes its
 * descriptors, rather than keeping them to the end of the process. Reads
 * then go on as without prefetch. */
static void test_end_frees_what_was_not_taken(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    int before = open_test_memfds();
    assert_true(before >= 0);
    static const uint32_t aheads[] = {2, 64};
    for (size_t a = 0; a < sizeof aheads / sizeof *aheads; a++) {
        pf_payload *p;
        pf_prefetch_options options = {.start_on_read = 1,
                                       .ahead_frames = aheads[a],
                                       .idle_ms = 50,
                                       .open_native = open_memfd};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        assert_int_equal(check_one(p, 0, NULL), 0);
        assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
        assert_true(wait_for(p, ended, NULL));
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        assert_true(st.natives_done >= 2);
        assert_int_equal(st.natives_taken, 0);
        assert_int_equal(st.buffers_taken, 0);
        assert_int_equal(open_test_memfds(), before);
        assert_true(st.buffers_dropped >= 2);
        /* nothing is left to take */
        size_t order[FILES];
        make_order(order, SHUFFLED, 3);
        int fromFd = 0;
        assert_int_equal(check_order(p, order, FILES, &fromFd), 0);
        assert_int_equal(fromFd, 0);
        pf_payload_prefetch_stats(p, &st);
        assert_int_equal(st.buffers_taken, 0);
        pf_payload_close(p);
    }
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_frame_not_dropped),
        cmocka_unit_test(test_end_frees_what_was_not_taken),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
