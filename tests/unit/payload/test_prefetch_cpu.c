/* test_prefetch_cpu.c - the prefetch thread keeping off the reads' CPU
 * and getting its CPUs back when a read waits for it (prefetch_cpu.c). Run
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
#include <sched.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "payload.h"
#include "prefetch_sample.h"

/* fetch_tid: the prefetch thread's thread id, or 0 when there is none. */
static pid_t fetch_tid(void)
{
    pid_t tid = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;) {
        char path[320], name[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%.255s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            continue;
        }
        if (fgets(name, sizeof name, f) != NULL && strncmp(name, "pyfreeze-fetch", 14) == 0) {
            tid = (pid_t)atoi(de->d_name);
        }
        fclose(f);
    }
    if (d != NULL) {
        closedir(d);
    }
    return tid;
}

/* widen_watch: run beside a read that waits for a frame the thread is held
 * in (hold_release): notes whether the thread got all its CPUs back within
 * 2 s, then lets it go. */
static struct {
    pid_t tid;
    cpu_set_t all;
    int widened;
} watch;

static void *widen_watch(void *arg)
{
    (void)arg;
    for (int k = 0; k < 400 && !watch.widened; k++) {
        cpu_set_t now;
        watch.widened =
            sched_getaffinity(watch.tid, sizeof now, &now) == 0 && CPU_EQUAL(&now, &watch.all);
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    pthread_mutex_lock(&hold.lock);
    hold.go = 1;
    pthread_cond_broadcast(&hold.changed);
    pthread_mutex_unlock(&hold.lock);
    return NULL;
}

/* A thread the scheduler put on the CPU the reads run on keeps off that CPU
 * from its next piece of work on (the two would otherwise share it until
 * the thread's time slice ends), and only the thread changes: the reads'
 * thread keeps its CPUs. The test puts both on one CPU, a, by hand. A read
 * that must wait for the thread gives it all its CPUs back first (the CPU
 * the read leaves idle may be the one free). */
static void test_steps_aside_from_the_reads_cpu(void **state)
{
    (void)state;
    cpu_set_t all, onlyA, want, now;
    assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
    if (CPU_COUNT(&all) < 2) {
        skip(); /* nowhere to step aside to */
    }
    int a = 0;
    while (!CPU_ISSET(a, &all)) {
        a++;
    }
    CPU_ZERO(&onlyA);
    CPU_SET(a, &onlyA);
    want = all;
    CPU_CLR(a, &want);
    pfz_buffer b = {0};
    pf_error err;
    sample();
    build(files, FILES, &b);
    pf_payload *p;
    pf_prefetch_options options = {.start_on_read = 1, .ahead_frames = 1, .idle_ms = 10000};
    assert_int_equal(pf_payload_open(&p, b.data, b.size, &err), PF_OK);
    hold.reads = pthread_self();
    hold.at = NULL;
    hold.go = 0;
    pf_payload_set_release(p, hold_release, 0);
    assert_int_equal(pf_payload_prefetch_start(p, &options, &err), PF_OK);
    assert_int_equal(check_one(p, 0, NULL), 0);
    assert_int_equal(check_one(p, 1, NULL), 0); /* frame 2: starts the thread */
    uint32_t done = 1;                          /* frame 3, ahead */
    assert_true(wait_for(p, frames_at_least, &done));
    pid_t tid = fetch_tid();
    assert_true(tid > 0);
    assert_int_equal(sched_setaffinity(0, sizeof onlyA, &onlyA), 0);
    assert_int_equal(sched_setaffinity(tid, sizeof onlyA, &onlyA), 0);
    /* each read takes a finished frame (no read waits for the thread, which
     * would give it all its CPUs back) and lets it start the next one */
    int apart = 0;
    size_t i = 2;
    for (; i < 12 && !apart; i++) {
        /* member i is frame i + 1, done by the thread as its (i - 1)th */
        assert_int_equal(check_one(p, i, NULL), 0);
        done = (uint32_t)i;
        assert_true(wait_for(p, frames_at_least, &done));
        assert_int_equal(sched_getaffinity(tid, sizeof now, &now), 0);
        apart = CPU_EQUAL(&now, &want);
    }
    assert_true(apart);
    assert_int_equal(sched_getaffinity(0, sizeof now, &now), 0);
    assert_true(CPU_EQUAL(&now, &onlyA));
    /* the thread has done member i's frame (i + 1); reading it lets the
     * thread start frame i + 2, where it is held; the read of member i + 1
     * waits for it */
    const pf_seek_table *table = pf_payload_seek_table(p);
    pthread_mutex_lock(&hold.lock);
    hold.at = b.data + table->frames[i + 2].compressed_offset;
    pthread_mutex_unlock(&hold.lock);
    assert_int_equal(check_one(p, i, NULL), 0);
    pthread_mutex_lock(&hold.lock);
    while (!hold.holding) {
        pthread_cond_wait(&hold.changed, &hold.lock);
    }
    pthread_mutex_unlock(&hold.lock);
    watch.tid = tid;
    watch.all = all;
    watch.widened = 0;
    pthread_t watcher;
    assert_int_equal(pthread_create(&watcher, NULL, widen_watch, NULL), 0);
    assert_int_equal(check_one(p, i + 1, NULL), 0);
    pthread_join(watcher, NULL);
    assert_true(watch.widened);
    assert_int_equal(sched_setaffinity(0, sizeof all, &all), 0);
    size_t order[FILES];
    make_order(order, SHUFFLED, 11);
    assert_int_equal(check_order(p, order, FILES, NULL), 0);
    pf_payload_close(p);
    pfz_buffer_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_aside_from_the_reads_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
