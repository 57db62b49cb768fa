/* test_prefetch_plan.c - what the prefetch thread plans for each frame
 * (prefetch_plan.c), seen in what it then does over the prefetch sample
 * (one member per frame: bytecode, data and sources, six native-only
 * frames, two bundled libraries last): frames with other members are
 * buffered, native-only ones streamed only with open_native, library-only
 * ones never walked, frames over max_buffered or before first_frame never
 * done. Run under ASan and UBSan, and TSan (tests/run-all.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "payload.h"
#include "prefetch_sample.h"

/* The sample's native members (not libraries) are members 5, 12, 19, 25
 * (BIG), 26 and 33; members 38 and 39 are libraries; member i is in frame
 * i + 1. */
static int is_native(size_t i)
{
    return i % 7 == 5 || i == BIG;
}

/* walked: how many frames from member first to member 37 (the last before
 * the libraries) the walk does: all, or only those with a member other
 * than native code (no open_native). */
static uint32_t walked(size_t first, int withNative)
{
    uint32_t n = 0;
    for (size_t i = first; i < FILES - 2; i++) {
        n += withNative || !is_native(i);
    }
    return n;
}

/* run: a payload of the sample, prefetch with options, members 0..start
 * read (the read of member start, frame start + 1, may start the thread);
 * once the thread has done `want` frames and had 100 ms more, its stats. */
static void run(const pf_prefetch_options *options, size_t start, uint32_t want,
                pf_prefetch_stats *st)
{
    pfz_buffer b = {0};
    pf_payload *p;
    pf_error err;
    sample();
    build(files, FILES, &b);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, options, &err), PF_OK);
    for (size_t i = 0; i <= start; i++) {
        assert_int_equal(check_one(p, i, NULL), 0);
    }
    assert_true(wait_for(p, frames_at_least, &want));
    struct timespec pause = {0, 100 * 1000 * 1000}; /* time to do more, if it would */
    nanosleep(&pause, NULL);
    pf_payload_prefetch_stats(p, st);
    for (size_t i = start + 1; i < FILES; i++) { /* and everything reads right */
        assert_int_equal(check_one(p, i, NULL), 0);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* Without open_native: the frames with other members are buffered; the
 * native-only and library frames are never done. */
static void test_buffers_without_native(void **state)
{
    (void)state;
    pf_prefetch_options options = {
        .start_on_read = 1, .ahead_frames = 64, .max_buffered = 64u << 20, .idle_ms = 5000};
    pf_prefetch_stats st;
    run(&options, 1, walked(2, 0), &st); /* frame 2 starts it: the read's */
    assert_int_equal(st.frames_done, walked(2, 0));
    assert_int_equal(st.frames_done, 30);
    assert_int_equal(st.natives_done, 0);
}

/* With open_native: native-only frames are streamed into descriptors too;
 * library frames are still not walked (nothing here pulls them). */
static void test_streams_native_code(void **state)
{
    (void)state;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .ahead_frames = 64,
                                   .max_buffered = 64u << 20,
                                   .idle_ms = 5000,
                                   .open_native = open_memfd};
    pf_prefetch_stats st;
    run(&options, 1, walked(2, 1), &st);
    assert_int_equal(st.frames_done, walked(2, 1));
    assert_int_equal(st.frames_done, 36);
    assert_int_equal(st.natives_done, 6);
}

/* A budget smaller than any frame: nothing is buffered, only native code
 * streamed (it needs no buffer). */
static void test_nothing_over_max_buffered(void **state)
{
    (void)state;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .ahead_frames = 64,
                                   .max_buffered = 1,
                                   .idle_ms = 5000,
                                   .open_native = open_memfd};
    pf_prefetch_stats st;
    run(&options, 1, 6, &st);
    assert_int_equal(st.frames_done, 6);
    assert_int_equal(st.natives_done, 6);
    assert_int_equal(st.buffers_taken, 0);
}

/* Frames before first_frame are never the thread's, and reading them does
 * not start it; the first read at first_frame does. */
static void test_first_frame(void **state)
{
    (void)state;
    pf_prefetch_options options = {.start_on_read = 1,
                                   .first_frame = 10,
                                   .ahead_frames = 64,
                                   .max_buffered = 64u << 20,
                                   .idle_ms = 5000};
    pfz_buffer b = {0};
    pf_payload *p;
    pf_error err;
    pf_prefetch_stats st;
    sample();
    build(files, FILES, &b);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    for (size_t i = 0; i <= 7; i++) { /* frames 1 to 8 */
        assert_int_equal(check_one(p, i, NULL), 0);
    }
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    assert_int_equal(st.frames_by_reader, 0);
    assert_int_equal(check_one(p, 8, NULL), 0); /* frame 9: before first_frame still */
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);

    run(&options, 9, walked(10, 0), &st); /* member 9, frame 10: starts it */
    assert_int_equal(st.frames_done, walked(10, 0));
    assert_int_equal(st.frames_done, 23);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffers_without_native),
        cmocka_unit_test(test_streams_native_code),
        cmocka_unit_test(test_nothing_over_max_buffered),
        cmocka_unit_test(test_first_frame),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
