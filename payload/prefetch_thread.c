/* prefetch_thread.c - the prefetch thread's loop: which frame to do next
 * (the pulled libraries, the walk, extension modules early), publishing
 * what a job did, waiting for the reads to move, and ending when the
 * start-up is over (payload_prefetch.h). */
#include "prefetch_internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "big_block.h"
#include "payload.h"

/* start_aging: frames whose origin the walk has passed begin to age
 * (lock held); an early frame then counts as walked. */
static void start_aging(pf_prefetch *pf)
{
    for (uint32_t h = 0; h < pf->held_count; h++) {
        prefetch_frame *f = &pf->frames[pf->held[h]];
        if (!f->aging && f->origin < pf->next) {
            f->aging = 1;
            f->done_at = pf->clock;
            f->job = f->job == JOB_EARLY ? JOB_WALK : f->job;
        }
    }
}

/* publish: ends job j (lock held): DONE, with its buffer and descriptors
 * when it succeeded; the library frames it pulled (queued since
 * pullsBefore) get its origin. An early job on a frame with more than
 * native code leaves it IDLE, its native code placed, for the walk (or the
 * reads) to do the rest. */
static void publish(pf_prefetch *pf, uint32_t j, int ok, uint32_t pullsBefore)
{
    prefetch_frame *f = &pf->frames[j];
    int rest = f->job == JOB_EARLY && f->plan == PLAN_BUFFER;
    if (ok && f->plan == PLAN_BUFFER && !rest) {
        f->data = pf->job_data;
        f->capacity = pf->job_capacity;
        pf->buffered += pf->payload->table.frames[j].decompressed_size;
    } else {
        pf_big_free(pf->job_data);
    }
    pf->job_data = NULL;
    pf->job_capacity = 0;
    if (!ok) {
        pf_prefetch_close_natives(pf, j, 1);
    }
    int holds = f->data != NULL;
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->fd >= 0 && n->filling) {
            pf_prefetch_seal(n);
        }
        holds |= n->fd >= 0;
        pf->stats.natives_done += n->filling;
        n->filling = 0;
    }
    if (holds && pf_prefetch_hold(pf, j) != 0) {
        pf_prefetch_close_natives(pf, j, 0); /* cannot track it: let the reads do it */
        pf_big_free(pf_prefetch_untake_buffer(pf, j, NULL));
        ok = 0;
    }
    for (uint32_t k = pullsBefore; k < pf->pull_count; k++) {
        pf->frames[pf->pulls[k]].origin = f->origin;
    }
    f->state = rest ? FRAME_IDLE : FRAME_DONE;
    start_aging(pf);
    pf->job = PF_NONE;
    if (ok) {
        pf->stats.frames_done++;
    } else {
        pf->stats.frames_failed++;
    }
    pthread_cond_broadcast(&pf->changed);
}

/* fits: whether frame j's buffer, if it needs one, fits max_buffered
 * bytes of buffers nobody took (one always fits when none is held). */
static int fits(const pf_prefetch *pf, uint32_t j)
{
    size_t size = pf->payload->table.frames[j].decompressed_size;
    return pf->frames[j].plan != PLAN_BUFFER || pf->buffered == 0 ||
           pf->buffered + size <= pf->opt.max_buffered;
}

/* take_pull: removes queued library frame k from the queue (lock held) and
 * returns it if it is still IDLE, else PF_NONE. */
static uint32_t take_pull(pf_prefetch *pf, uint32_t k)
{
    uint32_t j = pf->pulls[k];
    pf->pull_count--;
    memmove(&pf->pulls[k], &pf->pulls[k + 1], (pf->pull_count - k) * sizeof *pf->pulls);
    return pf->frames[j].state == FRAME_IDLE ? j : PF_NONE;
}

/* next_job: the frame to do now (lock held) and *job, why: first the
 * queued library frames of objects within ahead_frames of the walk; then
 * the walk's next frame while fewer than ahead_frames walked frames are
 * held; else, while fewer than ahead_frames such are held, an extension
 * module's frame at most PF_PREFETCH_NATIVE_LOOKAHEAD past the walk, early
 * (native code is the costly part, and the libraries it pulls are the
 * largest: numpy's _umath_linalg needs 10 MB of liblapack and
 * libgfortran); else, rather than wait idle for the reads, the next queued
 * library frame however far on (libcrypto, 4.7 MB behind _ssl, was still
 * queued while the thread waited and the reads then waited for it:
 * docs/performance.md, "The prefetch thread's head start"). Returns PF_NONE
 * when nothing may start now; *more is then 0 if nothing is left at all. */
static uint32_t next_job(pf_prefetch *pf, int *job, int *more)
{
    *more = 1;
    uint32_t was = pf->next;
    for (; pf->next < pf->opt.walk_end; pf->next++) {
        const prefetch_frame *f = &pf->frames[pf->next];
        if (f->state == FRAME_IDLE && f->plan != PLAN_SKIP && !f->library_only) {
            break;
        }
    }
    if (pf->next != was) {
        start_aging(pf);
    }
    /* the queued libraries, in order, of objects within ahead_frames of
     * the walk (one further on, placed early, waits: a big library done
     * too soon keeps the thread from the walk while the reads catch up) */
    int ended = pf->next >= pf->opt.walk_end;
    uint64_t reach = (uint64_t)pf->next + pf->opt.ahead_frames;
    for (uint32_t k = 0; k < pf->pull_count;) {
        uint32_t j = pf->pulls[k];
        int idle = pf->frames[j].state == FRAME_IDLE;
        if (!idle || ((ended || pf->frames[j].origin <= reach) && fits(pf, j))) {
            if (take_pull(pf, k) != PF_NONE) {
                *job = JOB_PULL;
                return j;
            }
            continue; /* done otherwise */
        }
        k++;
    }
    if (ended) {
        *more = pf->pull_count > 0;
        return PF_NONE;
    }
    if (pf_prefetch_held_by(pf, JOB_WALK) < pf->opt.ahead_frames) {
        *job = JOB_WALK;
        return fits(pf, pf->next) ? pf->next : PF_NONE;
    }
    if (pf->opt.open_native != NULL && !pf->native_off &&
        pf_prefetch_held_by(pf, JOB_EARLY) < pf->opt.ahead_frames) {
        uint32_t end = pf->opt.walk_end - pf->next > PF_PREFETCH_NATIVE_LOOKAHEAD
                           ? pf->next + PF_PREFETCH_NATIVE_LOOKAHEAD
                           : pf->opt.walk_end - 1u;
        for (uint32_t j = pf->next; j <= end; j++) {
            prefetch_frame *f = &pf->frames[j];
            if (f->state == FRAME_IDLE && f->plan != PLAN_SKIP && f->extension && !f->early_tried) {
                f->early_tried = 1;
                *job = JOB_EARLY;
                return j;
            }
        }
    }
    for (uint32_t k = 0; k < pf->pull_count;) {
        if (!fits(pf, pf->pulls[k])) {
            k++;
            continue;
        }
        uint32_t j = take_pull(pf, k); /* the queue moves down */
        if (j != PF_NONE) {
            *job = JOB_PULL;
            return j;
        }
    }
    return PF_NONE;
}

/* wait_for_reads: waits (lock held) until the reads move, a fork or a stop
 * asks, or the deadline *idleEnd (set at the first wait since the reads
 * last moved). Returns non-zero when the reads have been still past it. */
static int wait_for_reads(pf_prefetch *pf, uint64_t *seen, struct timespec *idleEnd)
{
    if (*seen != pf->clock || idleEnd->tv_sec == 0) {
        *seen = pf->clock;
        clock_gettime(CLOCK_MONOTONIC, idleEnd);
        idleEnd->tv_sec += (time_t)(pf->opt.idle_ms / 1000u);
        idleEnd->tv_nsec += (long)(pf->opt.idle_ms % 1000u) * 1000000L;
        if (idleEnd->tv_nsec >= 1000000000L) {
            idleEnd->tv_sec++;
            idleEnd->tv_nsec -= 1000000000L;
        }
    }
    pf->idle = 1;
    int rc = pthread_cond_timedwait(&pf->changed, &pf->lock, idleEnd);
    pf->idle = 0;
    return rc == ETIMEDOUT && *seen == pf->clock;
}

/* take_spare: makes a spare buffer the job's (lock held): the smallest
 * that holds need bytes, else the largest (run_buffer grows it). */
static void take_spare(pf_prefetch *pf, size_t need)
{
    uint32_t best = PF_NONE;
    for (uint32_t k = 0; k < pf->spare_count; k++) {
        size_t c = pf->spare_capacity[k];
        int fits = c >= need, bestFits = best != PF_NONE && pf->spare_capacity[best] >= need;
        if (best == PF_NONE || (fits && (!bestFits || c < pf->spare_capacity[best])) ||
            (!fits && !bestFits && c > pf->spare_capacity[best])) {
            best = k;
        }
    }
    if (best != PF_NONE) {
        pf->job_data = pf->spare[best];
        pf->job_capacity = pf->spare_capacity[best];
        pf->spare_count--;
        pf->spare[best] = pf->spare[pf->spare_count];
        pf->spare_capacity[best] = pf->spare_capacity[pf->spare_count];
    }
}

void *pf_prefetch_main(void *arg)
{
    pf_prefetch *pf = arg;
    pf_big_map_all(); /* no malloc arena for this thread (big_block.h) */
    uint64_t seen = 0;
    struct timespec idleEnd = {0, 0};
    /* Background work: as SCHED_BATCH the thread never preempts the
     * thread that wakes it (the reads' thread, which would otherwise lose
     * its CPU at every frame it consumes when both share one); it still
     * runs at once on an idle CPU. */
    struct sched_param batch = {0};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
    pthread_mutex_lock(&pf->lock); /* the reads read it (pf_prefetch_let_go) */
    pf->tid = gettid();
    pthread_mutex_unlock(&pf->lock);
    if (pf->opt.open_native != NULL && pf_prefetch_own_descriptors(pf) != 0) {
        pf->native_off = 1; /* its descriptors would be the program's */
    }
    if (sched_getaffinity(0, sizeof pf->cpus, &pf->cpus) != 0) {
        CPU_ZERO(&pf->cpus); /* unknown: never step aside */
    }
    pf->scratch_size = ZSTD_DStreamOutSize();
    pf->scratch = pf_big_alloc(pf->scratch_size);
    int ready = pf->scratch != NULL && pf_decoder_new(&pf->dctx, NULL) == PF_OK;
    pthread_mutex_lock(&pf->lock);
    while (ready && !atomic_load(&pf->stop)) {
        pf_prefetch_close_let_go(pf);
        if (atomic_load(&pf->pause)) {
            pf_prefetch_park(pf);
            continue;
        }
        int job = JOB_WALK, more = 0;
        uint32_t j = next_job(pf, &job, &more);
        if (j == PF_NONE) {
            /* nothing to start now: the end when nothing is left to do nor
             * to take, else wait for the reads (the end too once they have
             * been still for idle_ms) */
            if ((!more && pf->held_count == 0) || wait_for_reads(pf, &seen, &idleEnd)) {
                break;
            }
            continue;
        }
        if (job == JOB_WALK) {
            pf->next = j + 1;
        }
        pf->frames[j].state = FRAME_WORKING;
        pf->frames[j].job = (uint8_t)job;
        uint32_t pullsBefore = pf->pull_count;
        pf->job = j;
        if (pf->frames[j].plan == PLAN_BUFFER) {
            take_spare(pf, (size_t)pf->payload->table.frames[j].decompressed_size + 1u);
        }
        pthread_mutex_unlock(&pf->lock);
        pf_prefetch_step_aside(pf);
        int ok = pf_prefetch_run_job(pf, j, job) == 0;
        pthread_mutex_lock(&pf->lock);
        publish(pf, j, ok, pullsBefore);
    }
    /* The start-up this was for is over: what the reads have not taken
     * goes now rather than at pf_payload_close (but a buffer a read is
     * copying from: that read frees it, pf_prefetch_copy_member), and
     * reads go on as without prefetch. The decoder may hold a window as big
     * as the largest frame streamed. */
    pf_prefetch_drop_old(pf, pf->lent, 1);
    pf_prefetch_close_let_go(pf);
    pf_prefetch_free_spares(pf);
    ZSTD_freeDCtx(pf->dctx);
    pf->dctx = NULL;
    pf_big_free(pf->scratch);
    pf->scratch = NULL;
    pf->finished = 1;
    pf->running = 0;
    pthread_cond_broadcast(&pf->changed);
    pthread_mutex_unlock(&pf->lock);
    return NULL;
}
