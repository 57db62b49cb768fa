/* payload_prefetch.c - the prefetch thread: decompresses frames ahead of the
 * reads (contract in payload_reader.h, "prefetch").
 *
 * Every frame has a state, changed only under pf->lock:
 *
 *   IDLE --thread takes it--> WORKING --done or failed--> DONE
 *                                     --early job done--> IDLE (below)
 *   IDLE --a read needs it first--> READER
 *
 * The thread works only on IDLE frames and owns a WORKING frame's buffer and
 * the descriptors it is filling; once the job ends they belong to the reads
 * (the main thread), which take them or drop them. A read that finds its
 * frame WORKING waits; one that finds it IDLE marks it READER and
 * decompresses it itself; one that finds it DONE without a buffer (failed,
 * already taken or dropped) decompresses it itself. So a read and the
 * thread never decompress a frame at the same time, and the thread does a
 * frame at most twice: an early job (next_job) places only the native code
 * of a frame that also holds other members and leaves it IDLE, and the walk
 * may later buffer the rest. A descriptor, once placed, can be taken in
 * any state of its frame (a read waits while the frame is WORKING: the
 * job may be filling it).
 *
 * Fork (pthread_atfork): fork_prepare asks the thread to pause and waits
 * until it is parked at a safe point, where pf->job, pf->job_data and the
 * job's native descriptors record everything it holds, then keeps its lock
 * through the fork; fork_parent resumes it; fork_child, in a child where
 * the thread does not exist, frees what those records name, returns the
 * frame to IDLE, makes what the thread finished age (the child's reads drop
 * it as they go on), and leaves the prefetcher stopped: the reads do the
 * rest.
 *
 * How far ahead: the thread stops walking while it holds ahead_frames
 * walked frames whose buffer or descriptors the reads have not taken; it
 * may then place the native code of extension modules a little further
 * on, early (next_job), and their libraries once the walk comes near. Once the walk has passed a
 * frame (or, for a pulled library frame, the frame of the object that needs it), the frame ages,
 * and what it holds is dropped when the reads have consumed behind_frames frames since (pf->clock
 * counts what they consume: a frame they decompress themselves, a buffer or a descriptor they
 * take); a pulled library frame's descriptors only when the thread ends (drop_old). Counting what
 * is held rather than measuring distances in frame numbers keeps the thread useful when a read
 * jumps far (an import that the freezer's order put late, or a lazy import): the walk goes on in
 * order, which is where the reads come back to.
 *
 * The end: the thread ends when stopped, when it has nothing left to do or
 * to hand over, or when the reads have been still for idle_ms, and frees
 * what the reads have not taken as it goes (the clock, which ages that work,
 * stops with the reads). A buffer that pf_prefetch_copy_member is giving a
 * sink at that moment is lent (pf->lent): the thread leaves it, and the copy
 * frees it once done. */
#include "payload_prefetch.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "big_block.h"
#include "elf_needed.h"
#include "payload.h"
#include "pf_io.h"

enum { FRAME_IDLE, FRAME_WORKING, FRAME_DONE, FRAME_READER };

/* What the thread does with a frame, decided when it starts. */
enum {
    PLAN_SKIP,   /* nothing: before first_frame, no members, or nothing it can hold */
    PLAN_BUFFER, /* decompress into a buffer; native members from it into descriptors */
    PLAN_STREAM, /* stream; native members into descriptors, the rest discarded */
};

/* Why the thread does a frame. */
enum {
    JOB_WALK,  /* its turn in the walk */
    JOB_PULL,  /* a bundled library an extension or library it placed needs */
    JOB_EARLY, /* an extension module's, ahead of the walk (see next_job) */
};

/* How far past the walk the thread looks for extension modules. */
#define PF_PREFETCH_NATIVE_LOOKAHEAD 16u

/* Buffers kept for reuse (see pf_prefetch.spare). */
#define PF_PREFETCH_SPARES 2u

typedef struct prefetch_frame {
    uint8_t *data;         /* DONE: the decompressed frame until taken or dropped (owned) */
    size_t capacity;       /* bytes allocated at data (> decompressed_size) */
    uint64_t done_at;      /* pf->clock when it started to age (see drop_old) */
    uint32_t origin;       /* the walk frame it belongs to: itself, or for a library frame
                              pulled by an object the frame of that object's origin */
    uint32_t native_first; /* its native members: natives[native_first .. + native_count) */
    uint32_t native_count;
    uint8_t state;        /* FRAME_* */
    uint8_t plan;         /* PLAN_* */
    uint8_t library_only; /* only bundled libraries: done when pulled, never walked */
    uint8_t queued;       /* in the pull queue (thread only) */
    uint8_t extension;    /* holds an extension module (PF_KIND_NATIVE) */
    uint8_t job;          /* JOB_*: why the thread did it */
    uint8_t aging;        /* the walk has passed its origin: drop_old may drop it */
    uint8_t held;         /* in pf->held */
    uint8_t early_tried;  /* an early job was started on it */
} prefetch_frame;

typedef struct prefetch_native {
    uint32_t entry;  /* index entry number */
    uint32_t kind;   /* PF_KIND_NATIVE or PF_KIND_LIBRARY */
    uint32_t offset; /* data offset in the decompressed frame */
    uint32_t size;   /* bytes */
    int fd;          /* descriptor holding exactly its bytes, or -1 */
    uint8_t filling; /* fd was made by the job in progress, which fills it */
} prefetch_native;

struct pf_prefetch {
    const pf_frames *payload; /* the payload's frames (borrowed from the reader) */
    const pf_index *index;    /* its index (borrowed from the reader) */
    pf_prefetch_options opt;  /* defaults applied */
    pthread_mutex_t lock;
    pthread_cond_t changed; /* broadcast whenever a state either side waits for changes */
    pthread_t thread;
    int started;      /* start_thread was tried (main thread only) */
    int no_start;     /* never start: this is a fork child (under registry_lock) */
    int joinable;     /* the thread was created in this process and not joined yet */
    int running;      /* the thread has not left its loop (it clears this under lock) */
    int parked;       /* the thread waits at a safe point for a fork to pass */
    int idle;         /* the thread waits for the reads to move */
    int finished;     /* the thread ended and freed what the reads had not taken */
    uint32_t lent;    /* frame whose buffer a read's sink is reading, or PF_NONE */
    atomic_int stop;  /* pf_prefetch_free: end now */
    atomic_int pause; /* fork_prepare: park at the next safe point */
    /* Sharing a CPU (see step_aside): the CPU the reads last ran on (-1 if
     * unknown); whether the thread keeps off one of its CPUs (under lock);
     * the thread's id and the CPUs it may use (written by the thread when it
     * starts, before it can set narrowed). */
    atomic_int reader_cpu;
    int narrowed;
    pid_t tid;
    cpu_set_t cpus;
    uint64_t clock;  /* counts what the reads consumed (see above) */
    size_t buffered; /* bytes in DONE buffers not taken */
    /* thread only (and fork_child) */
    uint32_t next;   /* next walk frame to look at */
    uint32_t *pulls; /* queue of library frames to do before the walk goes on */
    uint32_t pull_count, pull_capacity;
    ZSTD_DCtx *dctx;  /* the thread's decoder */
    uint8_t *scratch; /* ZSTD_DStreamOutSize() bytes */
    size_t scratch_size;
    int native_off;      /* open_native failed once */
    uint32_t job;        /* frame in WORKING, or PF_NONE */
    uint8_t *job_data;   /* its buffer while being filled */
    size_t job_capacity; /* bytes allocated at job_data */
    /* buffers the reads gave back from their cache, for the thread to fill
     * again (under lock): no allocation nor page faults per frame */
    uint8_t *spare[PF_PREFETCH_SPARES];
    size_t spare_capacity[PF_PREFETCH_SPARES];
    uint32_t spare_count;
    /* frames whose DONE buffer or descriptors nobody took yet (under lock) */
    uint32_t *held;
    uint32_t held_count, held_capacity;
    prefetch_frame *frames;
    prefetch_native *natives;
    uint32_t native_count;
    pf_prefetch_stats stats;
    struct pf_prefetch *next_started; /* the registry of started prefetchers */
};

/* ---- the registry, for the fork handlers ---- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pf_prefetch *registry;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* init_changed: the condition, on CLOCK_MONOTONIC (for the idle timeout).
 * Also used in a fork child over the parent's copy. Returns 0 or -1. */
static int init_changed(pf_prefetch *pf)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) {
        return -1;
    }
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
                     pthread_cond_init(&pf->changed, &attr) == 0
                 ? 0
                 : -1;
    pthread_condattr_destroy(&attr);
    return rc;
}

/* close_natives: closes frame i's descriptors nobody took (only those
 * the job in progress is filling, when fillingOnly). */
static void close_natives(pf_prefetch *pf, uint32_t i, int fillingOnly)
{
    prefetch_frame *f = &pf->frames[i];
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->fd >= 0 && (n->filling || !fillingOnly)) {
            close(n->fd);
            n->fd = -1;
        }
        n->filling = 0;
    }
}

/* fork_prepare: every running thread parked at a safe point, every lock
 * held, so the child gets consistent records. */
static void fork_prepare(void)
{
    pthread_mutex_lock(&registry_lock);
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        pthread_mutex_lock(&pf->lock);
        atomic_store(&pf->pause, 1);
        pthread_cond_broadcast(&pf->changed);
        while (pf->running && !pf->parked) {
            pthread_cond_wait(&pf->changed, &pf->lock);
        }
    }
}

static void fork_parent(void)
{
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        atomic_store(&pf->pause, 0);
        pthread_cond_broadcast(&pf->changed);
        pthread_mutex_unlock(&pf->lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

/* fork_child: the threads do not exist here. Their conditions are made
 * anew (the parked thread is a waiter the child must never wait for),
 * their locks (held since fork_prepare) released, their unfinished work
 * dropped, their finished work aging from now (no walk will pass it here:
 * the child's reads drop it as they go on, see drop_old), and they are
 * never started here. */
static void fork_child(void)
{
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        (void)init_changed(pf); /* glibc's init only writes: it cannot fail */
        pf->no_start = 1;
        pf->joinable = 0;
        pf->running = 0;
        pf->parked = 0;
        pf->idle = 0;
        pf->lent = PF_NONE; /* a sink of the parent's reading thread, not here */
        atomic_store(&pf->pause, 0);
        if (pf->job != PF_NONE) {
            close_natives(pf, pf->job, 1);
            pf->frames[pf->job].state = FRAME_IDLE;
            pf->job = PF_NONE;
        }
        pf_big_free(pf->job_data);
        pf->job_data = NULL;
        pf->job_capacity = 0;
        pf->pull_count = 0;
        for (uint32_t h = 0; h < pf->held_count; h++) {
            prefetch_frame *f = &pf->frames[pf->held[h]];
            if (!f->aging) {
                f->aging = 1;
                f->done_at = pf->clock;
            }
        }
        pthread_mutex_unlock(&pf->lock); /* held by this thread since fork_prepare */
    }
    registry = NULL;
    pthread_mutex_unlock(&registry_lock);
}

static void register_atfork(void)
{
    (void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* ---- the thread ---- */

/* park: waits (lock held) while a fork is prepared. */
static void park(pf_prefetch *pf)
{
    pf->parked = 1;
    pthread_cond_broadcast(&pf->changed);
    while (atomic_load(&pf->pause)) {
        pthread_cond_wait(&pf->changed, &pf->lock);
    }
    pf->parked = 0;
}

/* step_aside: called by the thread before each job and between pieces of
 * one, lock not held. When it runs on the CPU the reads last ran on, the
 * scheduler has made it share that CPU with the main thread (a wake-up
 * placed it there while the other CPU was briefly busy), and it can take
 * the CPU from the main thread for a whole time slice (about 4 ms,
 * measured: 1.2 times per start of the stdlib-heavy benchmark program)
 * while another CPU would do. It then keeps off that CPU
 * (sched_setaffinity(2) on itself moves it at once). The reads give it all
 * its CPUs back before they wait for it (widen). Nothing changes for the
 * program: affinity is per thread, and the main thread's (which its
 * children inherit) is untouched. */
static void step_aside(pf_prefetch *pf)
{
    int r = atomic_load_explicit(&pf->reader_cpu, memory_order_relaxed);
    if (r < 0 || r >= CPU_SETSIZE || sched_getcpu() != r) {
        return;
    }
    cpu_set_t other = pf->cpus;
    CPU_CLR(r, &other);
    if (CPU_COUNT(&other) > 0) {
        /* under the lock, as widen: a read's widen cannot fall between the
         * flag and the narrowing and be undone by it */
        pthread_mutex_lock(&pf->lock);
        if (sched_setaffinity(0, sizeof other, &other) == 0) {
            pf->narrowed = 1;
        }
        pthread_mutex_unlock(&pf->lock);
    }
}

/* widen: gives the thread all its CPUs back (a read about to wait for it,
 * lock held): the CPU the read leaves idle may be the nearest one free. */
static void widen(pf_prefetch *pf)
{
    if (pf->narrowed) {
        pf->narrowed = 0;
        (void)sched_setaffinity(pf->tid, sizeof pf->cpus, &pf->cpus);
    }
}

/* safe_point: called between pieces of a job, lock not held, with all the
 * job holds recorded. Parks while a fork is prepared. Returns non-zero when
 * the thread must stop. */
static int safe_point(pf_prefetch *pf)
{
    step_aside(pf);
    if (atomic_load(&pf->pause)) {
        pthread_mutex_lock(&pf->lock);
        park(pf);
        pthread_mutex_unlock(&pf->lock);
    }
    return atomic_load(&pf->stop);
}

/* open_natives: a descriptor to fill for each of frame j's native members
 * not placed yet (an early job may have), until open_native fails (then
 * none more, ever). Returns how many it made. */
static uint32_t open_natives(pf_prefetch *pf, uint32_t j)
{
    const prefetch_frame *f = &pf->frames[j];
    uint32_t made = 0;
    for (uint32_t k = 0; k < f->native_count && !pf->native_off; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->fd >= 0) {
            continue;
        }
        pf_entry e;
        pf_index_entry(pf->index, n->entry, &e);
        n->fd = pf->opt.open_native(pf->opt.native_context, &e);
        n->filling = n->fd >= 0;
        made += n->filling;
        pf->native_off = n->fd < 0;
    }
    return made;
}

struct pull_walk {
    pf_prefetch *pf;
};

/* pull_needed: the DT_NEEDED visitor: queues the frame of bundled library
 * "libs/<name>", as the native loader would look it up. */
static int pull_needed(const char *name, size_t nameSize, void *context)
{
    pf_prefetch *pf = ((struct pull_walk *)context)->pf;
    char member[PF_LIBS_DIR_SIZE + PF_MAX_NAME_SIZE];
    pf_entry e;
    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE - PF_LIBS_DIR_SIZE) {
        return 0;
    }
    memcpy(member, PF_LIBS_DIR, PF_LIBS_DIR_SIZE);
    memcpy(member + PF_LIBS_DIR_SIZE, name, nameSize);
    if (!pf_index_find(pf->index, member, PF_LIBS_DIR_SIZE + nameSize, &e) ||
        e.kind != PF_KIND_LIBRARY) {
        return 0;
    }
    prefetch_frame *f = &pf->frames[e.frame];
    if (f->queued || f->plan == PLAN_SKIP) {
        return 0;
    }
    if (pf->pull_count == pf->pull_capacity) {
        uint32_t capacity = pf->pull_capacity ? pf->pull_capacity * 2u : 16u;
        uint32_t *pulls = realloc(pf->pulls, capacity * sizeof *pulls);
        if (pulls == NULL) {
            return 0; /* the loader will do it */
        }
        pf->pulls = pulls;
        pf->pull_capacity = capacity;
    }
    f->queued = 1;
    pf->pulls[pf->pull_count++] = e.frame;
    return 0;
}

/* pull_libraries: queues the bundled libraries that native member n
 * (placed in n->fd; or in memory at bytes, when not NULL) needs. Damaged
 * ELF headers are the loader's to report: nothing is queued then. */
static void pull_libraries(pf_prefetch *pf, const prefetch_native *n, const uint8_t *bytes)
{
    struct pull_walk walk = {pf};
    if (bytes != NULL) {
        (void)pf_elf_for_each_needed(bytes, n->size, pull_needed, &walk, NULL);
        return;
    }
    void *map = mmap(NULL, n->size, PROT_READ, MAP_PRIVATE, n->fd, 0);
    if (map != MAP_FAILED) {
        (void)pf_elf_for_each_needed(map, n->size, pull_needed, &walk, NULL);
        munmap(map, n->size);
    }
}

/* run_buffer: frame j decompressed whole into pf->job_data (a spare buffer
 * when one was at hand, grown if too small), then its native members
 * written from there. Returns 0, or -1 (damage, memory). */
static int run_buffer(pf_prefetch *pf, uint32_t j)
{
    size_t need = (size_t)pf->payload->table.frames[j].decompressed_size + 1u;
    if (pf->job_capacity < need) {
        pf_big_free(pf->job_data);
        pf->job_data = pf_big_alloc(need);
        pf->job_capacity = pf->job_data != NULL ? need : 0;
    }
    if (pf->job_data == NULL ||
        pf_frame_decompress(pf->payload, pf->dctx, j, pf->job_data, NULL) != PF_OK) {
        return -1;
    }
    const prefetch_frame *f = &pf->frames[j];
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (!n->filling) {
            continue; /* placed by an early job, or no descriptor */
        }
        if (pf_write_all(n->fd, pf->job_data + n->offset, n->size) != 0) {
            close(n->fd);
            n->fd = -1;
            n->filling = 0;
        }
        pull_libraries(pf, n, pf->job_data + n->offset);
        if (safe_point(pf)) {
            return -1;
        }
    }
    return 0;
}

/* run_stream: frame j stream-decompressed through pf->scratch, the bytes
 * of each native member being filled appended to its descriptor, the rest
 * discarded; the content checksum is verified at the end before anything
 * is published. Returns 0, or -1 (damage, nothing to write to, stopped). */
static int run_stream(pf_prefetch *pf, uint32_t j)
{
    const pf_frame *fr = &pf->payload->table.frames[j];
    prefetch_frame *f = &pf->frames[j];
    ZSTD_inBuffer in = {pf->payload->src + fr->compressed_offset, fr->compressed_size, 0};
    uint64_t produced = 0;
    size_t left;
    ZSTD_DCtx_reset(pf->dctx, ZSTD_reset_session_only);
    do {
        ZSTD_outBuffer out = {pf->scratch, pf->scratch_size, 0};
        size_t before = in.pos;
        left = ZSTD_decompressStream(pf->dctx, &out, &in);
        if (ZSTD_isError(left) || (out.pos == 0 && in.pos == before)) {
            return -1;
        }
        int writing = 0;
        for (uint32_t k = 0; k < f->native_count; k++) {
            prefetch_native *n = &pf->natives[f->native_first + k];
            uint64_t from = produced > n->offset ? produced : n->offset;
            uint64_t end = (uint64_t)n->offset + n->size;
            uint64_t to = produced + out.pos < end ? produced + out.pos : end;
            if (n->filling && from < to &&
                pf_write_all(n->fd, pf->scratch + (from - produced), (size_t)(to - from)) != 0) {
                close(n->fd);
                n->fd = -1;
                n->filling = 0;
            }
            writing |= n->filling;
        }
        produced += out.pos;
        if (!writing || produced > fr->decompressed_size || safe_point(pf)) {
            return -1;
        }
    } while (left != 0);
    pf_frame_release(pf->payload, j);
    if (produced != fr->decompressed_size) {
        return -1;
    }
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->filling) {
            pull_libraries(pf, n, NULL);
        }
    }
    return 0;
}

/* run_job: does frame j (WORKING, lock not held): buffered, unless the
 * plan says stream or the job is early (then only its native code is
 * placed). Returns 0 when done, -1 when it gave up (then the caller drops
 * what the job holds). */
static int run_job(pf_prefetch *pf, uint32_t j, int job)
{
    if (pf_frame_check(pf->payload, j, NULL) != PF_OK) {
        return -1;
    }
    const prefetch_frame *f = &pf->frames[j];
    uint32_t placing = pf->opt.open_native != NULL ? open_natives(pf, j) : 0;
    if (f->plan == PLAN_BUFFER && job != JOB_EARLY) {
        return run_buffer(pf, j);
    }
    int rc = placing > 0 ? run_stream(pf, j) : -1;
    pf_decoder_shrink(&pf->dctx);
    return rc;
}

/* untake_buffer: frame j's DONE buffer (or NULL) and, if capacity is not
 * NULL, its size in *capacity, no longer counted as held: the caller owns
 * it (lock held). */
static uint8_t *untake_buffer(pf_prefetch *pf, uint32_t j, size_t *capacity)
{
    uint8_t *data = pf->frames[j].data;
    if (capacity != NULL) {
        *capacity = pf->frames[j].capacity;
    }
    if (data != NULL) {
        pf->frames[j].data = NULL;
        pf->buffered -= pf->payload->table.frames[j].decompressed_size;
    }
    return data;
}

/* hold: records that frame j has something to take. Returns 0 or -1. */
static int hold(pf_prefetch *pf, uint32_t j)
{
    if (pf->frames[j].held) {
        return 0;
    }
    if (pf->held_count == pf->held_capacity) {
        uint32_t capacity = pf->held_capacity ? pf->held_capacity * 2u : 16u;
        uint32_t *held = realloc(pf->held, capacity * sizeof *held);
        if (held == NULL) {
            return -1;
        }
        pf->held = held;
        pf->held_capacity = capacity;
    }
    pf->held[pf->held_count++] = j;
    pf->frames[j].held = 1;
    return 0;
}

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
        close_natives(pf, j, 1);
    }
    int holds = f->data != NULL;
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        holds |= n->fd >= 0;
        pf->stats.natives_done += n->filling;
        n->filling = 0;
    }
    if (holds && hold(pf, j) != 0) {
        close_natives(pf, j, 0); /* cannot track it: let the reads do it */
        pf_big_free(untake_buffer(pf, j, NULL));
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

/* held_by: how many frames done as `job` hold something the reads have
 * not taken (lock held). */
static uint32_t held_by(const pf_prefetch *pf, int job)
{
    uint32_t count = 0;
    for (uint32_t h = 0; h < pf->held_count; h++) {
        count += pf->frames[pf->held[h]].job == job;
    }
    return count;
}

/* fits: whether frame j's buffer, if it needs one, fits max_buffered
 * bytes of buffers nobody took (one always fits when none is held). */
static int fits(const pf_prefetch *pf, uint32_t j)
{
    size_t size = pf->payload->table.frames[j].decompressed_size;
    return pf->frames[j].plan != PLAN_BUFFER || pf->buffered == 0 ||
           pf->buffered + size <= pf->opt.max_buffered;
}

/* next_job: the frame to do now (lock held) and *job, why: first the
 * queued library frames; then the walk's next frame while fewer than
 * ahead_frames walked frames are held; else, while fewer than ahead_frames
 * such are held, an extension module's frame at most
 * PF_PREFETCH_NATIVE_LOOKAHEAD past the walk, early (native code is the
 * costly part, and the libraries it pulls are the largest: numpy's
 * _umath_linalg needs 10 MB of liblapack and libgfortran). Returns PF_NONE
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
            pf->pull_count--;
            memmove(&pf->pulls[k], &pf->pulls[k + 1], (pf->pull_count - k) * sizeof *pf->pulls);
            if (idle) {
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
    if (held_by(pf, JOB_WALK) < pf->opt.ahead_frames) {
        *job = JOB_WALK;
        return fits(pf, pf->next) ? pf->next : PF_NONE;
    }
    if (pf->opt.open_native != NULL && !pf->native_off &&
        held_by(pf, JOB_EARLY) < pf->opt.ahead_frames) {
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

/* drop_old: frees what the thread did for frames (but frame `keep`, and a
 * frame the thread is working on: an early job's, done again, whose
 * descriptors it may be filling) that the reads have not taken: all of them
 * when `all`, else the aging ones whose time is up (the reads consumed
 * behind_frames others since they began to age); forgets frames with
 * nothing left to take (lock held). */
static void drop_old(pf_prefetch *pf, uint32_t keep, int all)
{
    uint32_t kept = 0;
    for (uint32_t h = 0; h < pf->held_count; h++) {
        uint32_t j = pf->held[h];
        prefetch_frame *f = &pf->frames[j];
        int passed = j != keep && f->state != FRAME_WORKING &&
                     (all || (f->aging && pf->clock - f->done_at > pf->opt.behind_frames));
        if (passed && f->data != NULL) {
            pf_big_free(untake_buffer(pf, j, NULL));
            pf->stats.buffers_dropped++;
        }
        /* A pulled library's descriptors wait for the thread's end: objects
         * of frames far apart may need the same library frame, and an
         * unmapped memfd's pages are not in the resident set. */
        int passedNative = passed && (all || f->job != JOB_PULL);
        int holds = f->data != NULL;
        for (uint32_t k = 0; k < f->native_count; k++) {
            prefetch_native *n = &pf->natives[f->native_first + k];
            if (passedNative && n->fd >= 0) {
                close(n->fd);
                n->fd = -1;
            }
            holds |= n->fd >= 0;
        }
        if (holds) {
            pf->held[kept++] = j;
        } else {
            f->held = 0;
        }
    }
    pf->held_count = kept;
}

/* free_spares: frees the buffers kept for reuse (lock held). */
static void free_spares(pf_prefetch *pf)
{
    for (uint32_t k = 0; k < pf->spare_count; k++) {
        pf_big_free(pf->spare[k]);
    }
    pf->spare_count = 0;
}

static void *prefetch_main(void *arg)
{
    pf_prefetch *pf = arg;
    uint64_t seen = 0;
    struct timespec idleEnd = {0, 0};
    /* Background work: as SCHED_BATCH the thread never preempts the
     * thread that wakes it (the reads' thread, which would otherwise lose
     * its CPU at every frame it consumes when both share one); it still
     * runs at once on an idle CPU. */
    struct sched_param batch = {0};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
    pf->tid = gettid();
    if (sched_getaffinity(0, sizeof pf->cpus, &pf->cpus) != 0) {
        CPU_ZERO(&pf->cpus); /* unknown: never step aside */
    }
    pf->scratch_size = ZSTD_DStreamOutSize();
    pf->scratch = pf_big_alloc(pf->scratch_size);
    int ready = pf->scratch != NULL && pf_decoder_new(&pf->dctx, NULL) == PF_OK;
    pthread_mutex_lock(&pf->lock);
    while (ready && !atomic_load(&pf->stop)) {
        if (atomic_load(&pf->pause)) {
            park(pf);
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
        step_aside(pf);
        int ok = run_job(pf, j, job) == 0;
        pthread_mutex_lock(&pf->lock);
        publish(pf, j, ok, pullsBefore);
    }
    /* The start-up this was for is over: what the reads have not taken
     * goes now rather than at pf_payload_close (but a buffer a read is
     * copying from: that read frees it, pf_prefetch_copy_member), and
     * reads go on as without prefetch. The decoder may hold a window as big
     * as the largest frame streamed. */
    drop_old(pf, pf->lent, 1);
    free_spares(pf);
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

/* ---- starting the thread ---- */

/* plan: the frames' and native members' tables, from the index. Returns
 * PF_OK or PF_ERR_NOMEM. */
static int plan(pf_prefetch *pf, pf_error *err)
{
    uint32_t frameCount = pf->payload->table.frame_count;
    uint32_t *files = calloc(frameCount, sizeof *files);
    uint32_t *libraries = calloc(frameCount, sizeof *libraries);
    uint32_t *others = calloc(frameCount, sizeof *others);
    pf->frames = calloc(frameCount, sizeof *pf->frames);
    int status = PF_OK;
    if (files == NULL || libraries == NULL || others == NULL || pf->frames == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for prefetch");
        goto done;
    }
    for (uint32_t n = 0; n < pf->index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(pf->index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind)) {
            continue;
        }
        files[e.frame]++;
        if (e.kind == PF_KIND_NATIVE || e.kind == PF_KIND_LIBRARY) {
            pf->frames[e.frame].native_count++;
            pf->native_count++;
            libraries[e.frame] += e.kind == PF_KIND_LIBRARY;
            pf->frames[e.frame].extension |= e.kind == PF_KIND_NATIVE;
        } else {
            others[e.frame]++;
        }
    }
    pf->natives = calloc(pf->native_count + 1u, sizeof *pf->natives);
    if (pf->natives == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for prefetch");
        goto done;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < frameCount; i++) {
        prefetch_frame *f = &pf->frames[i];
        f->native_first = at;
        f->origin = i;
        at += f->native_count;
        f->native_count = 0; /* counted again as they are filled in */
        f->library_only = files[i] > 0 && libraries[i] == files[i];
        int buffer =
            others[i] > 0 && pf->payload->table.frames[i].decompressed_size <= pf->opt.max_buffered;
        int stream = files[i] > others[i] && pf->opt.open_native != NULL;
        f->plan = i < pf->opt.first_frame || i == 0 ? PLAN_SKIP
                  : buffer                          ? PLAN_BUFFER
                  : stream                          ? PLAN_STREAM
                                                    : PLAN_SKIP;
    }
    for (uint32_t n = 0; n < pf->index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(pf->index, n, &e);
        if (e.kind == PF_KIND_NATIVE || e.kind == PF_KIND_LIBRARY) {
            prefetch_frame *f = &pf->frames[e.frame];
            pf->natives[f->native_first + f->native_count++] =
                (prefetch_native){e.number, e.kind, e.offset, e.size, -1, 0};
        }
    }
done:
    free(files);
    free(libraries);
    free(others);
    return status;
}

/* start_thread: the first read of a frame at or past first_frame starts
 * the thread (main thread): a program that imports nothing past its
 * start-up frame (hello world) never pays for it. Plans the frames, then
 * creates the thread with all signals blocked (it inherits the mask: they
 * go to the program's threads, as without it). Frame i, which the read
 * needs now, is the read's: the thread starts after it. Tried once; if it
 * fails, the reads go on without prefetch (pf->frames stays NULL). */
static void start_thread(pf_prefetch *pf, uint32_t i)
{
    pf->started = 1;
    pthread_mutex_lock(&registry_lock);
    if (pf->no_start || plan(pf, NULL) != PF_OK) {
        pthread_mutex_unlock(&registry_lock);
        free(pf->natives);
        free(pf->frames);
        pf->natives = NULL;
        pf->frames = NULL;
        return;
    }
    pthread_mutex_lock(&pf->lock);
    pf->running = 1;
    pf->frames[i].state = FRAME_READER;
    pf->stats.frames_by_reader++;
    pthread_mutex_unlock(&pf->lock);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&pf->thread, NULL, prefetch_main, pf);
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
    pthread_mutex_unlock(&registry_lock);
}

/* active: whether the reads go through the prefetcher for frame i (main
 * thread): starts the thread at the first read past the start-up frames
 * and before the walk's end (a read past it, a lazy import, would start a
 * thread with no walk to do). */
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
    drop_old(pf, i, 0);
    if (pf->idle && held_by(pf, JOB_WALK) <= pf->opt.ahead_frames / 2u) {
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
        widen(pf);
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
        *data = untake_buffer(pf, i, capacity);
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
     * ends meanwhile, leaves it (prefetch_main), and it is freed here. */
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
        drop_old(pf, PF_NONE, 1);
    }
    pthread_mutex_unlock(&pf->lock);
    return 1;
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
            *fd = n->fd;
            n->fd = -1;
            pf->stats.natives_taken++;
            status = PF_OK;
            consumed(pf, e->frame);
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
        close_natives(pf, i, 0);
    }
    pf_big_free(pf->job_data);
    free_spares(pf);
    ZSTD_freeDCtx(pf->dctx);
    pf_big_free(pf->scratch);
    free(pf->pulls);
    free(pf->held);
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
    if (init_changed(pf) != 0) {
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
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&registry_lock);
    pf->next_started = registry;
    registry = pf;
    pthread_mutex_unlock(&registry_lock);
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
    pthread_mutex_lock(&registry_lock);
    for (pf_prefetch **at = &registry; *at != NULL; at = &(*at)->next_started) {
        if (*at == pf) {
            *at = pf->next_started;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
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
