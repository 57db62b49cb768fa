/* test_prefetch_fork.c - forks with the prefetch thread running
 * (prefetch_fork.c): at many points, the child reads everything right and
 * drops what the thread had done as it reads; the parent goes on. Run
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "prefetch_sample.h"

/* fork_and_check: forks; the child reads every member (order `how`) from
 * p and exits 0 when all are right; the parent reads them all too, then
 * checks the child's status. */
static void fork_and_check(pf_payload *p, int how, uint32_t seed)
{
    size_t order[FILES];
    make_order(order, how, seed);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int bad = check_order(p, order, FILES, NULL);
        /* the thread does not exist here: it is not running, and nothing
         * was left WORKING */
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        bad += st.running != 0;
        pf_payload_close(p);
        _exit(bad == 0 ? 0 : 1);
    }
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Forks at every few members read, and while the thread streams a big
 * native member: the child reads everything right, and so does the parent,
 * whose thread goes on. */
static void test_fork_in_the_middle(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    for (size_t cut = 0; cut <= FILES; cut += 4) {
        pf_payload *p;
        int calls = 0;
        pf_prefetch_options options = {.start_on_read = 1,
                                       .ahead_frames = 8,
                                       .open_native = open_memfd,
                                       .native_context = &calls};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        size_t order[FILES];
        make_order(order, IN_ORDER, 0);
        assert_int_equal(check_order(p, order, cut, NULL), 0);
        fork_and_check(p, (int)(cut % 3), (uint32_t)cut);
        pf_payload_close(p);
    }
    /* many forks in a row right after the read that lets the thread start
     * the big member: some land while it is being streamed */
    for (int round = 0; round < 3; round++) {
        pf_payload *p;
        pf_prefetch_options options = {
            .start_on_read = 1, .ahead_frames = 1, .open_native = open_memfd};
        assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
        assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
        size_t order[FILES];
        make_order(order, IN_ORDER, 0);
        assert_int_equal(check_order(p, order, BIG, NULL), 0);
        for (int k = 0; k < 8; k++) {
            fflush(NULL);
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                int bad = check_one(p, BIG, NULL) + check_order(p, order, FILES, NULL);
                pf_payload_close(p);
                _exit(bad == 0 ? 0 : 1);
            }
            int status;
            assert_int_equal(waitpid(pid, &status, 0), pid);
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 0);
        }
        assert_int_equal(check_order(p, order, FILES, NULL), 0);
        pf_payload_close(p);
    }
    pfz_buffer_free(&b);
}

/* In a fork child no thread walks on, so what it had done ages from the
 * fork: the child's reads drop it as they go on, as they drop what the walk
 * has passed. The memfds the thread placed are in its own descriptor table
 * (pf_prefetch_own_descriptors): the child has none of them, and never
 * closes a number of its own table in their name. */
static void test_fork_child_drops_as_it_reads(void **state)
{
    (void)state;
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    int before = open_test_memfds();
    pf_payload *p;
    pf_prefetch_options options = {
        .start_on_read = 1, .ahead_frames = 2, .idle_ms = 60000, .open_native = open_memfd};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts it */
    /* frames 3 and 4, and early the extension modules of frames 6 and 13 */
    uint32_t want = 2;
    assert_true(wait_for(p, natives_at_least, &want));
    assert_true(wait_for(p, frames_at_least, &want));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int inherited = open_test_memfds() - before;
        /* members 20..29 (frames 21..30), which the thread did not do:
         * more than behind_frames (8) frames consumed */
        int bad = 0;
        for (size_t i = 20; i < 30; i++) {
            bad += check_one(p, i, NULL);
        }
        pf_prefetch_stats st;
        pf_payload_prefetch_stats(p, &st);
        int left = open_test_memfds() - before;
        if (inherited != 0 || left != 0 || st.buffers_dropped < 2) {
            fprintf(stderr, "child: %d memfds inherited, %d left, %u buffers dropped\n", inherited,
                    left, st.buffers_dropped);
            bad++;
        }
        /* and the rest reads right */
        size_t order[FILES];
        make_order(order, SHUFFLED, 5);
        bad += check_order(p, order, FILES, NULL);
        pf_payload_close(p);
        _exit(bad == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_in_the_middle),
        cmocka_unit_test(test_fork_child_drops_as_it_reads),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
