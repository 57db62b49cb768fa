/* test_payload_prefetch.c - the prefetcher's face to the reads
 * (payload_prefetch.c): every member read with prefetch on, in order,
 * backwards and shuffled, under several windows and budgets, gives exactly
 * what it gives with prefetch off, native code coming out of the thread's
 * descriptors; stop on request; damage reported as without prefetch; a
 * taken descriptor counts as a read; the thread ending during a copy. Run
 * under ASan and UBSan, and TSan (tests/run-all.sh). */
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

struct collect_after_end {
    pf_payload *payload;
    int running; /* the thread ran when the sink was called */
    int ended;   /* and had ended when it collected */
    tb_collected collected;
};

static int collect_after_end(void *context, const uint8_t *data, size_t size)
{
    struct collect_after_end *c = context;
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(c->payload, &st);
    c->running = st.running;
    c->ended = wait_for(c->payload, ended, NULL);
    return tb_collect(&c->collected, data, size);
}

/* Every member, every order, several windows and budgets: same bytes as
 * with prefetch off, and native code taken from the thread's descriptors. */
static void test_reads_match_without_prefetch(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    sample();
    build(files, FILES, &b);
    /* idle_ms: long, so that the thread's work waits for the reads however
     * slowly they come (a loaded machine) */
    static const pf_prefetch_options windows[] = {
        {.start_on_read = 1, .ahead_frames = 1, .behind_frames = 1, .idle_ms = 60000},
        {.start_on_read = 1, .first_frame = 1, .ahead_frames = 4, .idle_ms = 60000},
        {.start_on_read = 1, .ahead_frames = 64, .behind_frames = 64, .idle_ms = 60000},
        {.start_on_read = 1,
         .ahead_frames = 3,
         .max_buffered = 160000,
         .idle_ms = 60000}, /* about one buffer */
    };
    pf_payload *off;
    pf_error err;
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
        for (int how = IN_ORDER; how <= SHUFFLED; how++) {
            size_t order[FILES];
            make_order(order, how, (uint32_t)(w * 3 + (size_t)how));
            pf_payload *on;
            int calls = 0, fromFd = 0;
            pf_prefetch_options options = windows[w];
            options.open_native = open_memfd;
            options.native_context = &calls;
            assert_int_equal(pf_payload_open(&on, b.data, b.size, &err), PF_OK);
            assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_OK);
            assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_ERR_USAGE);
            uint32_t one = 1;
            if (how == IN_ORDER) {
                /* the first read past the start-up frame starts the thread;
                 * let it get ahead, so the reads find its work */
                assert_int_equal(check_order(on, order, 2, &fromFd), 0);
                assert_true(wait_for(on, frames_at_least, &one));
            }
            assert_int_equal(check_order(on, order, FILES, &fromFd), 0);
            assert_int_equal(check_order(off, order, FILES, NULL), 0);
            /* and again: frames left the cache, buffers were taken */
            assert_int_equal(check_order(on, order, FILES, &fromFd), 0);
            pf_prefetch_stats st;
            pf_payload_prefetch_stats(on, &st);
            assert_true(st.frames_done + st.frames_by_reader > 0);
            assert_true(st.natives_taken <= st.natives_done);
            assert_int_equal(st.natives_taken, (uint32_t)fromFd);
            if (how == IN_ORDER) {
                assert_true(st.buffers_taken + st.natives_taken >= 1);
            }
            pf_payload_close(on);
        }
    }
    pf_payload_close(off);
    pfz_buffer_free(&b);
}

/* A stopped prefetch, and one whose descriptors cannot be made: reads go
 * on unchanged. */
static void test_stop_and_no_descriptors(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    size_t order[FILES];
    make_order(order, IN_ORDER, 0);

    pf_payload *p;
    int calls = -1; /* open_memfd fails */
    pf_prefetch_options options = {
        .start_on_read = 1, .open_native = open_memfd, .native_context = &calls};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    int fromFd = 0;
    assert_int_equal(check_order(p, order, FILES, &fromFd), 0);
    assert_int_equal(fromFd, 0);
    pf_payload_close(p);

    calls = 0;
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_order(p, order, FILES / 2, NULL), 0);
    pf_payload_prefetch_stop(p);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.running, 0);
    assert_int_equal(st.frames_done, 0); /* zeros: no prefetch any more */
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_prefetch_stop(p); /* twice is fine */
    /* and it can start again */
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* A damaged frame: the thread gives it up silently; reads report the same
 * status as without prefetch, and every other member reads right. */
static void test_damage_reported_as_without(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *off;
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    const pf_seek_table *t = pf_payload_seek_table(off);
    /* frames of: bytecode, an extension, the big extension, a library */
    uint32_t damaged[] = {3, 6, BIG + 1, FILES - 1};
    for (size_t d = 0; d < sizeof damaged / sizeof *damaged; d++) {
        const pf_frame *fr = &t->frames[damaged[d]];
        b.data[fr->compressed_offset + fr->compressed_size / 2] ^= 0x40;
    }
    pf_payload_close(off);
    assert_int_equal(pf_payload_open(&off, b.data, b.size, &err), PF_OK);
    pf_payload *on;
    pf_prefetch_options options = {
        .start_on_read = 1, .ahead_frames = 64, .open_native = open_memfd};
    assert_int_equal(pf_payload_open(&on, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(on, &options, &err), PF_OK);
    uint8_t *first;
    size_t firstSize;
    assert_int_equal(fetch(on, files[1].path, &first, &firstSize, NULL), PF_OK); /* starts it */
    free(first);
    assert_true(wait_for(on, ended, NULL));
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(on, &st);
    assert_true(st.frames_failed >= 3);
    for (size_t i = 0; i < FILES; i++) {
        uint8_t *a, *c;
        size_t aSize, cSize;
        int sa = fetch(off, files[i].path, &a, &aSize, NULL);
        int sc = fetch(on, files[i].path, &c, &cSize, NULL);
        assert_int_equal(sa, sc);
        int hit = 0;
        for (size_t d = 0; d < sizeof damaged / sizeof *damaged; d++) {
            hit |= i + 1 == damaged[d];
        }
        assert_int_equal(sa, hit ? PF_ERR_CORRUPT : PF_OK);
        if (sa == PF_OK) {
            assert_int_equal(aSize, cSize);
            if (aSize > 0) {
                assert_memory_equal(a, c, aSize);
            }
        }
        free(a);
        free(c);
    }
    pf_payload_close(on);
    pf_payload_close(off);
    pfz_buffer_free(&b);
}

/* A native member taken from the thread's descriptor counts as read: once
 * the other member of its frame is read too, the frame leaves the cache at
 * the next read (it stayed for good, all but one member read). */
static void test_taken_native_counts_as_read(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    sample();
    build_grouped(files, FILES, 2, &b); /* files 12 (native) and 13 share frame 7 */
    assert_int_equal(files[12].kind, PF_KIND_NATIVE);
    assert_int_equal(files[13].kind, PF_KIND_BYTECODE);
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &all_ahead, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 2: starts it */
    uint32_t want = 8;
    assert_true(wait_for(p, frames_at_least, &want));
    int fromFd = 0;
    assert_int_equal(check_one(p, 12, &fromFd), 0);
    assert_int_equal(fromFd, 1);
    assert_int_equal(check_one(p, 13, NULL), 0);
    assert_true(pf_payload_frame_cached(p, 7));
    assert_int_equal(check_one(p, 14, NULL), 0); /* frame 8: frame 7 goes now */
    assert_false(pf_payload_frame_cached(p, 7));
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* The thread's descriptors are out of the program's reach (issue 17): none
 * is in this process's table while the thread holds them, so closing every
 * descriptor >= 3 and opening files of our own on the freed numbers (as
 * daemons do), or running with stdin closed, changes nothing: the member
 * taken is a new descriptor, never 0-2, holding exactly its bytes, sealed
 * against writes; and our own files are never written. */
static void test_descriptors_out_of_reach(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    pf_payload *p;
    sample();
    build_grouped(files, FILES, 2, &b); /* file 12 (native) in frame 7 */
    int before = open_test_memfds();
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &all_ahead, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 2: starts it */
    uint32_t want = 8;
    assert_true(wait_for(p, frames_at_least, &want));
    assert_int_equal(open_test_memfds(), before); /* in the thread's own table */
    /* a daemon's start: every descriptor >= 3 closed, files of its own on
     * the numbers, stdin closed */
    for (int fd = 3; fd < 1024; fd++) {
        close(fd);
    }
    int mine[16];
    for (size_t k = 0; k < 16; k++) {
        char path[] = "/tmp/pf-test-mine.XXXXXX";
        mine[k] = mkstemp(path);
        assert_true(mine[k] >= 3);
        unlink(path);
    }
    int savedStdin = fcntl(0, F_DUPFD_CLOEXEC, 100);
    close(0);
    pf_entry e;
    assert_int_equal(pf_index_find(pf_payload_index(p), files[12].path, strlen(files[12].path), &e),
                     1);
    int fd = -1;
    assert_int_equal(pf_payload_take_native(p, &e, &fd, &err), PF_OK);
    assert_true(fd >= 3);
    assert_int_equal(fcntl(0, F_GETFD), -1); /* stdin stays closed */
    if (savedStdin >= 0) {
        assert_int_equal(dup2(savedStdin, 0), 0);
        close(savedStdin);
    }
    uint8_t *got = malloc(files[12].size + 1);
    assert_non_null(got);
    assert_int_equal(pread(fd, got, files[12].size + 1, 0), (ssize_t)files[12].size);
    assert_memory_equal(got, files[12].data, files[12].size);
    free(got);
    assert_true(fcntl(fd, F_GET_SEALS) & F_SEAL_WRITE);
    assert_true(write(fd, "x", 1) < 0);
    close(fd);
    for (size_t k = 0; k < 16; k++) {
        struct stat st;
        assert_int_equal(fstat(mine[k], &st), 0);
        assert_int_equal(st.st_size, 0);
        close(mine[k]);
    }
    /* and the rest reads as without prefetch */
    for (size_t i = 0; i < FILES; i++) {
        assert_int_equal(check_one(p, i, NULL), 0);
    }
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

/* pf_payload_copy gives a member from a buffer of the thread's: if the
 * thread ends meanwhile, that buffer stays until the copy is over (ASan
 * sees a use after free otherwise), and is freed then. */
static void test_end_during_copy(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build_grouped(files, FILES, 2, &b); /* member 5, native code, in frame 3 with member 4 */
    pf_payload *p;
    /* no open_native: native code stays in the buffers; idle_ms: the copy
     * below starts well within it */
    pf_prefetch_options options = {.start_on_read = 1, .ahead_frames = 64, .idle_ms = 300};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 2, NULL), 0); /* frame 2: starts it */
    uint32_t walked = 1;                        /* frame 3 */
    assert_true(wait_for(p, frames_at_least, &walked));
    pf_entry e;
    assert_int_equal(pf_index_find(pf_payload_index(p), files[5].path, strlen(files[5].path), &e),
                     1);
    assert_int_equal(e.kind, PF_KIND_NATIVE);
    struct collect_after_end c = {.payload = p};
    assert_int_equal(pf_payload_copy(p, &e, collect_after_end, &c, &err), PF_OK);
    assert_true(c.running);
    assert_true(c.ended);
    assert_int_equal(c.collected.size, files[5].size);
    assert_memory_equal(c.collected.data, files[5].data, c.collected.size);
    free(c.collected.data);
    pf_prefetch_stats st;
    pf_payload_prefetch_stats(p, &st);
    assert_int_equal(st.buffers_taken, 0);
    assert_int_equal(st.buffers_dropped, st.frames_done); /* frame 6's too, after the copy */
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_match_without_prefetch),
        cmocka_unit_test(test_stop_and_no_descriptors),
        cmocka_unit_test(test_damage_reported_as_without),
        cmocka_unit_test(test_taken_native_counts_as_read),
        cmocka_unit_test(test_end_during_copy),
        cmocka_unit_test(test_descriptors_out_of_reach),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
