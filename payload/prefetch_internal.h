/* prefetch_internal.h - the prefetch thread's state, shared by the files
 * that make up the prefetcher (not for other files: the reader sees
 * payload_prefetch.h). Each file has one job and calls only the files
 * listed before it here (no cycle):
 *
 *   prefetch_held.c    what the thread did and the reads have not taken:
 *                      recording, counting, dropping it
 *   prefetch_cpu.c     keeping the thread off the reads' CPU
 *   prefetch_fork.c    the registry of prefetchers and the fork handlers
 *   prefetch_plan.c    what to do with each frame, from the index
 *   prefetch_job.c     doing one frame: buffer it, or stream its native code
 *                      into descriptors; queue the libraries it needs
 *   prefetch_thread.c  the thread: which frame next, publishing it, waiting
 *                      for the reads, ending
 *   payload_prefetch.c starting the thread, the reads' side of the
 *                      hand-over, stopping
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
 * the thread does not exist, frees what those records name (forgetting its
 * descriptors, numbers of the thread's own table: pf_prefetch_let_go),
 * returns the frame to IDLE, makes what the thread finished age (the child's reads drop
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
 * take); a pulled library frame's descriptors only when the thread ends (pf_prefetch_drop_old).
 * Counting what is held rather than measuring distances in frame numbers keeps the thread useful
 * when a read jumps far (an import that the freezer's order put late, or a lazy import): the walk
 * goes on in order, which is where the reads come back to.
 *
 * The end: the thread ends when stopped, when it has nothing left to do or
 * to hand over, or when the reads have been still for idle_ms, and frees
 * what the reads have not taken as it goes (the clock, which ages that work,
 * stops with the reads). A buffer that pf_prefetch_copy_member is giving a
 * sink at that moment is lent (pf->lent): the thread leaves it, and the copy
 * frees it once done. */
#ifndef PF_PREFETCH_INTERNAL_H
#define PF_PREFETCH_INTERNAL_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "payload_prefetch.h"

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
    uint64_t done_at;      /* pf->clock when it started to age (see pf_prefetch_drop_old) */
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
    uint8_t aging;        /* the walk has passed its origin: pf_prefetch_drop_old may drop it */
    uint8_t held;         /* in pf->held */
    uint8_t early_tried;  /* an early job was started on it */
} prefetch_frame;

typedef struct prefetch_native {
    uint32_t entry;  /* index entry number */
    uint32_t kind;   /* PF_KIND_NATIVE or PF_KIND_LIBRARY */
    uint32_t offset; /* data offset in the decompressed frame */
    uint32_t size;   /* bytes */
    int fd;          /* descriptor holding exactly its bytes, or -1: a number in the
                        thread's own descriptor table (pf_prefetch_own_descriptors) */
    uint64_t dev;    /* fd's identity (fstat when it was made): the take checks the */
    uint64_t ino;    /* file it reopens is that one */
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
    /* Sharing a CPU (see pf_prefetch_step_aside): the CPU the reads last ran on (-1 if
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
    int native_off;      /* open_native failed once, or the thread has no descriptor
                            table of its own: native code only in buffers */
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
    /* the thread's descriptors another thread let go (taken, dropped): only
     * the thread can close them, in its own table (under lock) */
    int *closing;
    uint32_t closing_count, closing_capacity;
    prefetch_frame *frames;
    prefetch_native *natives;
    uint32_t native_count;
    pf_prefetch_stats stats;
    struct pf_prefetch *next_started; /* the registry of started prefetchers */
};

/* ---- prefetch_held.c (lock held unless said) ---- */

/* pf_prefetch_own_descriptors: called by the thread as it starts, lock not
 * held: gives it a descriptor table of its own, empty but for /dev/null on
 * 0-2 (close_range(2) with CLOSE_RANGE_UNSHARE, Linux 5.9). The program
 * never sees the descriptors the thread makes then: it cannot close, reuse,
 * dup2 over or write them, and they never take its 0-2; the reads reopen a
 * placed member through /proc/self/task/TID/fd/N (pf_prefetch_take_native).
 * Returns 0, or -1 when the kernel or a seccomp policy refuses (then the
 * thread places no native code: native_off). */
int pf_prefetch_own_descriptors(pf_prefetch *pf);

/* PF_OWN_FD_BEGIN, PF_OWN_FD_END: around the thread's calls on descriptors
 * of its own table. ThreadSanitizer follows descriptors by number for the
 * whole process and cannot know that the thread's table is its own, so it
 * would report the thread's write(2) to its descriptor 3 and the program's
 * close(2) of its own descriptor 3 as a race: in a ThreadSanitizer build
 * these calls are not recorded (the dynamic annotations libtsan exports);
 * elsewhere they are nothing. */
#if defined(__SANITIZE_THREAD__)
#define PF_PREFETCH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PF_PREFETCH_TSAN 1
#endif
#endif
#ifdef PF_PREFETCH_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
#define PF_OWN_FD_BEGIN()                                                                          \
    (AnnotateIgnoreReadsBegin(__FILE__, __LINE__), AnnotateIgnoreWritesBegin(__FILE__, __LINE__))
#define PF_OWN_FD_END()                                                                            \
    (AnnotateIgnoreWritesEnd(__FILE__, __LINE__), AnnotateIgnoreReadsEnd(__FILE__, __LINE__))
#else
#define PF_OWN_FD_BEGIN() ((void)0)
#define PF_OWN_FD_END() ((void)0)
#endif

/* pf_prefetch_close_own: the thread closes fd, a number of its own table.
 * A raw system call, as for the thread's other changes to its table
 * (pf_prefetch_own_descriptors): see PF_OWN_FD_BEGIN. */
void pf_prefetch_close_own(int fd);

/* pf_prefetch_let_go: native n's descriptor is no longer the records': the
 * thread closes it at once; another thread (the reads, a fork child) must
 * not touch the thread's table, so it queues it on pf->closing for the
 * thread (or forgets it when the thread is gone: its table went with it).
 * Sets n->fd to -1. */
void pf_prefetch_let_go(pf_prefetch *pf, prefetch_native *n);

/* pf_prefetch_close_let_go: the thread closes what pf->closing holds. */
void pf_prefetch_close_let_go(pf_prefetch *pf);

/* pf_prefetch_seal: seals native n's filled memfd (no write, growth,
 * shrinking or further seals): from then on nobody can change its bytes,
 * through any descriptor. Errors are ignored: the loader checks the seals
 * of what it takes. Thread only. */
void pf_prefetch_seal(const prefetch_native *n);

/* pf_prefetch_close_natives: closes frame i's descriptors nobody took (only those
 * the job in progress is filling, when fillingOnly). */
void pf_prefetch_close_natives(pf_prefetch *pf, uint32_t i, int fillingOnly);

/* pf_prefetch_untake_buffer: frame j's DONE buffer (or NULL) and, if capacity is not
 * NULL, its size in *capacity, no longer counted as held: the caller owns
 * it (lock held). */
uint8_t *pf_prefetch_untake_buffer(pf_prefetch *pf, uint32_t j, size_t *capacity);

/* pf_prefetch_hold: records that frame j has something to take. Returns 0 or -1. */
int pf_prefetch_hold(pf_prefetch *pf, uint32_t j);

/* pf_prefetch_held_by: how many frames done as `job` hold something the reads have
 * not taken (lock held). */
uint32_t pf_prefetch_held_by(const pf_prefetch *pf, int job);

/* pf_prefetch_drop_old: frees what the thread did for frames (but frame `keep`, and a
 * frame the thread is working on: an early job's, done again, whose
 * descriptors it may be filling) that the reads have not taken: all of them
 * when `all`, else the aging ones whose time is up (the reads consumed
 * behind_frames others since they began to age); forgets frames with
 * nothing left to take (lock held). */
void pf_prefetch_drop_old(pf_prefetch *pf, uint32_t keep, int all);

/* pf_prefetch_free_spares: frees the buffers kept for reuse (lock held). */
void pf_prefetch_free_spares(pf_prefetch *pf);

/* ---- prefetch_cpu.c ---- */

/* pf_prefetch_step_aside: called by the thread before each job and between pieces of
 * one, lock not held. When it runs on the CPU the reads last ran on, the
 * scheduler has made it share that CPU with the main thread (a wake-up
 * placed it there while the other CPU was briefly busy), and it can take
 * the CPU from the main thread for a whole time slice (about 4 ms,
 * measured: 1.2 times per start of the stdlib-heavy benchmark program)
 * while another CPU would do. It then keeps off that CPU
 * (sched_setaffinity(2) on itself moves it at once). The reads give it all
 * its CPUs back before they wait for it (pf_prefetch_widen). Nothing changes for the
 * program: affinity is per thread, and the main thread's (which its
 * children inherit) is untouched. */
void pf_prefetch_step_aside(pf_prefetch *pf);

/* pf_prefetch_widen: gives the thread all its CPUs back (a read about to wait for it,
 * lock held): the CPU the read leaves idle may be the nearest one free. */
void pf_prefetch_widen(pf_prefetch *pf);

/* ---- prefetch_fork.c ---- */

/* pf_prefetch_init_changed: the condition, on CLOCK_MONOTONIC (for the idle timeout).
 * Also used in a fork child over the parent's copy. Returns 0 or -1. */
int pf_prefetch_init_changed(pf_prefetch *pf);

/* pf_prefetch_park: waits (lock held) while a fork is prepared. */
void pf_prefetch_park(pf_prefetch *pf);

/* pf_prefetch_register: adds pf to the registry the fork handlers walk,
 * installing them at the first call (pthread_atfork). */
void pf_prefetch_register(pf_prefetch *pf);

/* pf_prefetch_unregister: removes pf from the registry, if there. */
void pf_prefetch_unregister(pf_prefetch *pf);

/* pf_prefetch_registry_lock, pf_prefetch_registry_unlock: no fork handler
 * runs between the two (they take the same lock), so a decision to start a
 * thread and its creation fall on one side of a fork. */
void pf_prefetch_registry_lock(void);
void pf_prefetch_registry_unlock(void);

/* ---- prefetch_plan.c ---- */

/* pf_prefetch_plan: the frames' and native members' tables, from the index. Returns
 * PF_OK or PF_ERR_NOMEM. */
int pf_prefetch_plan(pf_prefetch *pf, pf_error *err);

/* ---- prefetch_job.c (lock not held) ---- */

/* pf_prefetch_run_job: does frame j (WORKING, lock not held): buffered, unless the
 * plan says stream or the job is early (then only its native code is
 * placed). Returns 0 when done, -1 when it gave up (then the caller drops
 * what the job holds). */
int pf_prefetch_run_job(pf_prefetch *pf, uint32_t j, int job);

/* ---- prefetch_thread.c ---- */

/* pf_prefetch_main: the thread (a pthread start routine; arg is the
 * pf_prefetch, whose frames are planned): does frames until stopped, done
 * or idle for idle_ms, then frees what the reads have not taken but a lent
 * buffer, marks itself finished and returns NULL. */
void *pf_prefetch_main(void *arg);

#endif
