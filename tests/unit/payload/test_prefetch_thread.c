/* test_prefetch_thread.c - the prefetch thread's loop
 * (prefetch_thread.c): extension modules' native code placed early, the
 * walk stopping at walk_end, signals blocked and the end once the reads
 * stay still. Run under ASan and UBSan, and TSan (tests/run-all.sh). */
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
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "prefetch_sample.h"

/* sig_blocked: the SigBlk mask of thread tid of this process. */
static unsigned long long sig_blocked(const char *tid)
{
    char path[320], line[256];
    unsigned long long mask = 0;
    snprintf(path, sizeof path, "/proc/self/task/%.255s/status", tid);
    FILE *f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "SigBlk:", 7) == 0) {
            mask = strtoull(line + 7, NULL, 16);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return mask;
}

/* An extension module sharing its frame with other members, past the walk
 * (held back by ahead_frames = 1): the thread places its native code early
 * and leaves the frame's other members for later; everything reads right.
 * The sample (tb_sample) packs 2 files per frame: frame 3 holds
 * lib/json/scanner.py and lib/_json...so. */
static void test_early_native_code(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    const tb_file *sf;
    const tb_module *sm;
    size_t sfCount, smCount;
    assert_int_equal(tb_sample_payload(0, &b), 0);
    tb_sample(&sf, &sfCount, &sm, &smCount);
    pf_payload *p;
    int calls = 0;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .first_frame = 1,
                                   .ahead_frames = 1,
                                   .idle_ms = 60000, /* its work waits for the reads */
                                   .open_native = open_memfd,
                                   .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    pf_entry e;
    const uint8_t *data;
    size_t size;
    assert_int_equal(pf_index_find(pf_payload_index(p), sf[0].path, strlen(sf[0].path), &e), 1);
    assert_int_equal(e.frame, 1);
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK); /* starts it */
    uint32_t one = 1;
    assert_true(wait_for(p, natives_at_least, &one));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.natives_done, 1);
    /* the native code first, then the source in the same frame */
    for (size_t k = 5; k >= 4; k--) {
        uint8_t *got;
        int fromFd = 0;
        assert_int_equal(fetch(p, sf[k].path, &got, &size, &fromFd), PF_OK);
        assert_int_equal(fromFd, k == 5);
        assert_int_equal(size, sf[k].size);
        assert_memory_equal(got, sf[k].data, size);
        free(got);
    }
    for (size_t k = 0; k < sfCount; k++) {
        uint8_t *got;
        assert_int_equal(fetch(p, sf[k].path, &got, &size, NULL), PF_OK);
        assert_int_equal(size, sf[k].size);
        if (size > 0) {
            assert_memory_equal(got, sf[k].data, size);
        }
        free(got);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* The thread blocks the signals a program handles, is named, and ends by
 * itself once the reads stay still for idle_ms. */
static void test_thread_signals_and_idle_end(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *p;
    pf_prefetch_options options = {.start_on_read = 1, .ahead_frames = 2, .idle_ms = 50};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    /* no thread until a read past the start-up frame (frame 1) */
    assert_int_equal(check_one(p, 0, NULL), 0);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
    int found = 0;
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        char path[320], name[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%.255s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        if (fgets(name, sizeof name, f) != NULL && strncmp(name, "pyfreeze-fetch", 14) == 0) {
            unsigned long long mask = sig_blocked(de->d_name);
            for (int sig = 1; sig < 32; sig++) {
                if (sig != SIGKILL && sig != SIGSTOP && sig != 32 && sig != 33) {
                    assert_true(mask >> (sig - 1) & 1u);
                }
            }
            found = 1;
        }
        fclose(f);
    }
    closedir(d);
    pf_payload_prefetch_stats(p, &st);
    assert_true(found || !st.running);
    assert_true(wait_for(p, ended, NULL));
    pf_payload_prefetch_stats(p, &st);
    /* frames 3 and 4 (2 ahead; the read took frame 2), no more; their
     * buffers went with the thread */
    assert_int_equal(st.frames_done, 2);
    assert_int_equal(st.frames_by_reader, 1);
    assert_int_equal(st.buffers_dropped, 2);
    size_t order[FILES];
    make_order(order, SHUFFLED, 7);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* The walk stops before the index's walk_end: with room for every frame
 * ahead, the thread does frames 3 to 11 of a payload whose walk ends at 12
 * and leaves frame 21 to the reads, which it does ahead without a walk end.
 * With nothing to walk (walk_end 2), reads past the walk start no thread. */
static void test_walk_stops_at_walk_end(void **state)
{
    (void)state;
    sample();
    static const tb_module modules[] = {{"app", PF_KIND_MODULE, 0}};
    for (int limited = 0; limited < 2; limited++) {
        pfz_buffer b = {0};
        pf_error err;
        pf_payload *p;
        tb_options opt = {.files_per_frame = 1, .level = 3, .walk_end = limited ? 12 : 0};
        assert_int_equal(tb_build_payload(files, FILES, modules, 1, &opt, &b), 0);
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_index(p)->walk_end, limited ? 12 : FILES + 1);
        assert_int_equal(pf_payload_prefetch_start(p, &all_ahead, &err), PF_OK);
        assert_int_equal(check_one(p, 0, NULL), 0);
        assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
        uint32_t want = limited ? 9 : 20;
        assert_true(wait_for(p, frames_at_least, &want));
        struct timespec pause = {0, 100 * 1000 * 1000}; /* time to go further, if it would */
        nanosleep(&pause, NULL);
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        if (limited) {
            assert_int_equal(st.frames_done, 9);
        }
        uint32_t byReader = st.frames_by_reader, taken = st.buffers_taken;
        assert_int_equal(check_one(p, 20, NULL), 0); /* frame 21 */
        pf_payload_prefetch_stats(p, &st);
        assert_int_equal(st.frames_by_reader, byReader + (limited ? 1 : 0));
        assert_int_equal(st.buffers_taken, taken + (limited ? 0 : 1));
        pf_payload_close(p);
        pfz_buffer_free(&b);
    }
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    tb_options opt = {.files_per_frame = 1, .level = 3, .walk_end = 2};
    assert_int_equal(tb_build_payload(files, FILES, modules, 1, &opt, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, NULL, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 6, NULL), 0); /* frame 7 */
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 3 */
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.frames_by_reader, 0); /* counted only once a thread started */
    assert_int_equal(st.running, 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* By default the thread starts with the prefetcher, before any read, when
 * there is a walk: it does frame 2 and on while the reads are still at the
 * start-up frame, and the reads then take its work, with the same bytes. */
static void test_starts_before_the_reads(void **state)
{
    (void)state;
    sample();
    static const tb_module modules[] = {{"app", PF_KIND_MODULE, 0}};
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    tb_options opt = {.files_per_frame = 1, .level = 3, .walk_end = 12};
    assert_int_equal(tb_build_payload(files, FILES, modules, 1, &opt, &b), 0);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    pf_prefetch_options options = {.ahead_frames = 64, .max_buffered = 64u << 20, .idle_ms = 5000};
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 1); /* no read yet */
    uint32_t want = 9;               /* frames 2 to 11 less frame 5 (file 4 is empty) */
    assert_true(wait_for(p, frames_at_least, &want));
    assert_int_equal(check_one(p, 0, NULL), 0); /* frame 1, the reads' */
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2, the thread's */
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.frames_by_reader, 1);
    assert_int_equal(st.buffers_taken, 1);
    for (size_t i = 2; i < FILES; i++) {
        assert_int_equal(check_one(p, i, NULL), 0);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_early_native_code),
        cmocka_unit_test(test_thread_signals_and_idle_end),
        cmocka_unit_test(test_walk_stops_at_walk_end),
        cmocka_unit_test(test_starts_before_the_reads),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
