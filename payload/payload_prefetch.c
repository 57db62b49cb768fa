/* payload_prefetch.c - the prefetcher's face to the reads (contract in
 * payload_prefetch.h): making and freeing it, starting its thread at the
 * first read past the start-up frames, and the reads' side of the
 * hand-over (take a buffer, copy from it, take a descriptor, give a buffer
 * back), waiting for the thread only on the frame it is doing. How the
 * thread and the reads share the frames: prefetch_internal.h. */
#include "prefetch_internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "big_block.h"
#include "payload.h"

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* start_thread: starts the thread (main thread; see pf_prefetch_new and
 * active for when). Plans the frames, then creates the thread with all
 * signals blocked (it inherits the mask: they go to the program's threads,
 * as without it). Frame i (PF_NONE: none), which a read needs now, is the
 * read's: the thread starts after it. Tried once; if it fails, the reads go
 * on without prefetch (pf->frames stays NULL). */
static void start_thread(pf_prefetch *pf, uint32_t i)
{
    pf->started = 1;
    pf_prefetch_registry_lock();
    if (pf->no_start || pf_prefetch_plan(pf, NULL) != PF_OK) {
        pf_prefetch_registry_unlock();
        free(pf->natives);
        free(pf->frames);
        pf->natives = NULL;
        pf->frames = NULL;
        return;
    }
    pthread_mutex_lock(&pf->lock);
    pf->running = 1;
    if (i != PF_NONE) {
        pf->frames[i].state = FRAME_READER;
        pf->stats.frames_by_reader++;
    }
    pthread_mutex_unlock(&pf->lock);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&pf->thread, NULL, pf_prefetch_main, pf);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0) {
        pf->joinable = 1;
        (void)pthread_setname_np(pf->thread, "pyfreeze-fetch");
    } else {
        pthread_mutex_lock(&pf->lock);
        pf->running = 0;
        pthread_mutex_unlock(&pf->lock);
        free(pf->natives);
        free(pf->frames);
        pf->natives = NULL;
        pf->frames = NULL;
    }
    pf_prefetch_registry_unlock();
}

/* active: whether the reads go through the prefetcher for frame i (main
 * thread): with start_on_read, starts the thread at the first read past the
 * start-up frames and before the walk's end (a read past it, a lazy import,
 * would start a thread with no walk to do). */
static int active(pf_prefetch *pf, uint32_t i)
{
    if (pf == NULL) {
        return 0;
    }
    if (!pf->started && i >= pf->opt.first_frame && i < pf->opt.walk_end) {
        start_thread(pf, i);
    }
    if (pf->frames == NULL) {
        return 0;
    }
    atomic_store_explicit(&pf->reader_cpu, sched_getcpu(), memory_order_relaxed);
    return 1;
}

/* ---- the reads' side (main thread) ---- */

/* consumed: the reads consumed something new (lock held): the clock
 * ticks, old work is dropped (but frame i's), and the waiting thread is
 * woken once half its room ahead is free, so that it does a few frames
 * per wake-up rather than one (it also wakes by itself after idle_ms). */
static void consumed(pf_prefetch *pf, uint32_t i)
{
    pf->clock++;
    pf_prefetch_drop_old(pf, i, 0);
    if (pf->idle && pf_prefetch_held_by(pf, JOB_WALK) <= pf->opt.ahead_frames / 2u) {
        pthread_cond_broadcast(&pf->changed);
    }
}

/* wait_working: waits while the thread works on frame i (lock held). */
static void wait_working(pf_prefetch *pf, uint32_t i)
{
    prefetch_frame *f = &pf->frames[i];
    if (f->state == FRAME_WORKING) {
        uint64_t start = now_ns();
        pf->stats.waits++;
        pf_prefetch_widen(pf);
        while (f->state == FRAME_WORKING) {
            pthread_cond_wait(&pf->changed, &pf->lock);
        }
        pf->stats.wait_ns += now_ns() - start;
    }
}

/* claim: a read needs frame i (lock held): waits while the thread works on
 * it, and takes it over if the thread has not started it. Returns the
 * frame's state afterwards: DONE or READER. */
static int claim(pf_prefetch *pf, uint32_t i)
{
    prefetch_frame *f = &pf->frames[i];
    wait_working(pf, i);
    if (f->state == FRAME_IDLE) {
        f->state = FRAME_READER;
        pf->stats.frames_by_reader++;
        consumed(pf, i);
    }
    return f->state;
}

int pf_prefetch_take_frame(pf_prefetch *pf, uint32_t i, uint8_t **data, size_t *capacity)
{
    if (!active(pf, i)) {
        return 0;
    }
    pthread_mutex_lock(&pf->lock);
    prefetch_frame *f = &pf->frames[i];
    int taken = claim(pf, i) == FRAME_DONE && f->data != NULL;
    if (taken) {
        *data = pf_prefetch_untake_buffer(pf, i, capacity);
        pf->stats.buffers_taken++;
        consumed(pf, i);
    }
    pthread_mutex_unlock(&pf->lock);
    return taken;
}

void pf_prefetch_give_back(pf_prefetch *pf, uint8_t *data, size_t capacity)
{
    if (pf != NULL && pf->joinable && data != NULL) {
        pthread_mutex_lock(&pf->lock);
        if (pf->running && pf->spare_count < PF_PREFETCH_SPARES) {
            pf->spare[pf->spare_count] = data;
            pf->spare_capacity[pf->spare_count++] = capacity;
            data = NULL;
        }
        pthread_mutex_unlock(&pf->lock);
    }
    pf_big_free(data);
}

int pf_prefetch_copy_member(pf_prefetch *pf, uint32_t i, uint32_t offset, uint32_t size,
                            pf_payload_sink sink, void *context, int *sinkResult)
{
    if (!active(pf, i)) {
        return 0;
    }
    /* The buffer is lent to the sink, outside the lock: the thread, if it
     * ends meanwhile, leaves it (pf_prefetch_main), and it is freed here. */
    pthread_mutex_lock(&pf->lock);
    const uint8_t *data = claim(pf, i) == FRAME_DONE ? pf->frames[i].data : NULL;
    pf->lent = data != NULL ? i : PF_NONE;
    pthread_mutex_unlock(&pf->lock);
    if (data == NULL) {
        return 0;
    }
    *sinkResult = sink(context, data + offset, size);
    pthread_mutex_lock(&pf->lock);
    pf->lent = PF_NONE;
    if (pf->finished) {
        pf_prefetch_drop_old(pf, PF_NONE, 1);
    }
    pthread_mutex_unlock(&pf->lock);
    return 1;
}

/* reopen: a descriptor of this thread's table (never 0-2) for the memfd
 * native n's descriptor names in the prefetch thread's own table, opened
 * read-only through /proc (lock held: the thread, which closes its
 * descriptors under it, is alive while n->fd >= 0). It must be the very file
 * the thread made (n->dev, n->ino) and sealed against writes. Returns the
 * descriptor, or -1 (then the member is placed as if not prefetched). */
static int reopen(const pf_prefetch *pf, const prefetch_native *n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/fd/%d", (long)pf->tid, n->fd);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd < 3) {
        int above = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        fd = above;
    }
    struct stat st;
    int seals = fd >= 0 ? fcntl(fd, F_GET_SEALS) : -1;
    if (fd >= 0 &&
        (fstat(fd, &st) != 0 || (uint64_t)st.st_dev != n->dev || (uint64_t)st.st_ino != n->ino ||
         (uint64_t)st.st_size != n->size || seals < 0 || !(seals & F_SEAL_WRITE))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int pf_prefetch_take_native(pf_prefetch *pf, const pf_entry *e, int *fd, pf_error *err)
{
    if (!active(pf, e->frame)) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "no prefetch");
    }
    pthread_mutex_lock(&pf->lock);
    int status = PF_ERR_NOT_FOUND;
    const prefetch_frame *f = &pf->frames[e->frame];
    /* taken in any state: an early job leaves the frame IDLE for the walk
     * (its other members); else the reader copies it, so claims it */
    wait_working(pf, e->frame);
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->entry == e->number && n->fd >= 0) {
            int mine = reopen(pf, n);
            pf_prefetch_let_go(pf, n);
            if (mine >= 0) {
                *fd = mine;
                pf->stats.natives_taken++;
                status = PF_OK;
                consumed(pf, e->frame);
            }
        }
    }
    if (status != PF_OK) {
        (void)claim(pf, e->frame);
    }
    pthread_mutex_unlock(&pf->lock);
    return status == PF_OK ? PF_OK
                           : pf_error_set(err, status, "member %u was not prefetched", e->number);
}

/* ---- start and stop ---- */

/* free_all: frees a prefetcher whose thread is not running. */
static void free_all(pf_prefetch *pf)
{
    for (uint32_t i = 0; pf->frames != NULL && i < pf->payload->table.frame_count; i++) {
        if (pf->frames[i].data != NULL) {
            pf->stats.buffers_dropped++;
        }
        pf_big_free(pf->frames[i].data);
        pf_prefetch_close_natives(pf, i, 0);
    }
    pf_big_free(pf->job_data);
    pf_prefetch_free_spares(pf);
    ZSTD_freeDCtx(pf->dctx);
    pf_big_free(pf->scratch);
    free(pf->pulls);
    free(pf->held);
    free(pf->closing);
    free(pf->natives);
    free(pf->frames);
    free(pf);
}

int pf_prefetch_new(pf_prefetch **out, const pf_frames *frames, const pf_index *index,
                    const pf_prefetch_options *options, pf_error *err)
{
    *out = NULL;
    pf_prefetch *pf = calloc(1, sizeof *pf);
    if (pf == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for prefetch");
    }
    pf->payload = frames;
    pf->index = index;
    pf->job = PF_NONE;
    pf->lent = PF_NONE;
    atomic_init(&pf->reader_cpu, -1);
    if (options != NULL) {
        pf->opt = *options;
    }
    pf->opt.first_frame = pf->opt.first_frame ? pf->opt.first_frame : PF_PREFETCH_FIRST_FRAME;
    pf->opt.ahead_frames = pf->opt.ahead_frames ? pf->opt.ahead_frames : PF_PREFETCH_AHEAD_FRAMES;
    pf->opt.behind_frames =
        pf->opt.behind_frames ? pf->opt.behind_frames : PF_PREFETCH_BEHIND_FRAMES;
    pf->opt.max_buffered = pf->opt.max_buffered ? pf->opt.max_buffered : PF_PREFETCH_MAX_BUFFERED;
    pf->opt.idle_ms = pf->opt.idle_ms ? pf->opt.idle_ms : PF_PREFETCH_IDLE_MS;
    pf->next = pf->opt.first_frame;
    pf->opt.walk_end = pf->opt.walk_end ? pf->opt.walk_end : index->walk_end;
    if (pf->opt.walk_end > frames->table.frame_count) {
        pf->opt.walk_end = frames->table.frame_count;
    }
    if (pf_prefetch_init_changed(pf) != 0) {
        free(pf);
        return pf_error_set(err, PF_ERR_NOMEM, "cannot make the prefetch condition");
    }
    if (pthread_mutex_init(&pf->lock, NULL) != 0) {
        pthread_cond_destroy(&pf->changed);
        free(pf);
        return pf_error_set(err, PF_ERR_NOMEM, "cannot make the prefetch lock");
    }
    /* Registered now, so that a child forked before the thread starts
     * never starts one (fork_child). */
    pf_prefetch_register(pf);
    /* Started now, while the program's own start (CPython's initialisation,
     * the start-up frame) runs on the reads' thread: the walk's native code
     * (libcrypto, numpy's libraries: tens of milliseconds to decompress) is
     * the start-up's critical path, and a thread started at the first read
     * past frame 1 began it about 10 ms late (docs/performance.md, "The
     * prefetch thread's head start"). Only when there is a walk: a program
     * that needs nothing past its start-up frame (hello world) never has a
     * thread. */
    if (!pf->opt.start_on_read && pf->opt.first_frame < pf->opt.walk_end) {
        start_thread(pf, PF_NONE);
    }
    *out = pf;
    return PF_OK;
}

void pf_prefetch_free(pf_prefetch *pf)
{
    if (pf == NULL) {
        return;
    }
    if (pf->joinable) {
        /* Still registered: a fork meanwhile parks the thread as usual. */
        pthread_mutex_lock(&pf->lock);
        atomic_store(&pf->stop, 1);
        pthread_cond_broadcast(&pf->changed);
        pthread_mutex_unlock(&pf->lock);
        pthread_join(pf->thread, NULL);
        pf->joinable = 0;
    }
    pf_prefetch_unregister(pf);
    pthread_mutex_destroy(&pf->lock);
    pthread_cond_destroy(&pf->changed);
    free_all(pf);
}

void pf_prefetch_get_stats(pf_prefetch *pf, pf_prefetch_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (pf != NULL) {
        pthread_mutex_lock(&pf->lock);
        *stats = pf->stats;
        stats->running = pf->running;
        pthread_mutex_unlock(&pf->lock);
    }
}
