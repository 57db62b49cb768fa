/* payload_prefetch.h - the prefetch thread, which decompresses frames
 * ahead of the reads: its options and statistics (public: the payload
 * reader's pf_payload_prefetch_* functions take and give them), and the
 * prefetcher's side of the hand-over between the thread and the reads,
 * which the reader (payload_reader.c, frame_cache.c) calls. It sits below
 * the reader: it reads the frames (frame_decoder.h) and the index, never
 * the reader's state. */
#ifndef PF_PAYLOAD_PREFETCH_H
#define PF_PAYLOAD_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "frame_decoder.h"
#include "payload_index.h"
#include "pf_error.h"

/* ---- prefetch: decompressing ahead of the reads, on a second thread ----
 *
 * The freezer lays frames out in first-import order (frame 1: what every
 * start imports; then the modules in discovery order, those the program's
 * modules import as they load first, up to the index's walk_end; bundled
 * libraries last). Once started, the prefetch thread walks the frames in
 * that order from first_frame to walk_end, not further: what lies past it is
 * imported, if ever, from functions or exception handlers, late and in an
 * order nobody knows, and decompressing it ahead would only hold memory. A
 * frame holding any member that is not native code is
 * decompressed whole into a buffer; native code (extension modules and
 * bundled libraries) goes straight into descriptors made by open_native,
 * one per member (a frame of native code only is streamed: no buffer).
 * After placing an extension module or library it reads its DT_NEEDED
 * entries and does the frames of the bundled libraries named there next,
 * so they are ready when the loader asks (library-only frames are done only
 * so, never walked).
 *
 * The thread starts with the prefetcher when the walk holds frames at or
 * past first_frame (start_on_read: at the first read of such a frame
 * instead): a program that needs nothing past its start-up frame (hello
 * world) never has one. It stops walking while it holds
 * ahead_frames walked frames whose buffer or descriptors the reads have not taken, and at most
 * max_buffered bytes of buffers; it may then place the native code of extension modules in the next
 * 16 frames early, the costly part of an import (the libraries they need follow once the walk is
 * within ahead_frames of them). What it did for a frame is freed once the walk has passed it and
 * the reads have consumed behind_frames other frames (decompressed or taken) without taking it;
 * but a bundled library's descriptors stay until the thread ends (objects of frames far apart may
 * need it, and a memfd not mapped is not in the resident set).
 * Counting what is held, not distances between frame numbers, keeps it useful when the reads jump
 * (an import the freezer placed late, a lazy import): the walk goes on in order, where the reads
 * come back to. It ends when stopped, when the walk is over and the reads have taken or passed all
 * it did, or once the reads have not consumed anything for idle_ms: the start-up is over. What the
 * reads have not taken is freed then (buffers freed, descriptors closed), not kept to the end of
 * the process; later reads decompress as without prefetch. It runs as SCHED_BATCH: it never
 * preempts the reads' thread, but takes a CPU like any thread where none is idle.
 *
 * Reads give the same results as without it: pf_payload_read takes the
 * thread's buffer when it has the frame (pf_payload_copy copies from it,
 * and pf_payload_take_native takes its descriptor), they wait when it is
 * working on that frame, and otherwise decompress the frame
 * themselves (the thread then leaves it alone): no frame is decompressed by
 * both, and neither waits for the other except for that one frame.
 * Damage the thread finds is not reported by it: the frame is left to the
 * reads, which report it as without prefetch.
 *
 * fork: a process may fork at any time. Before the fork (pthread_atfork)
 * the thread is brought to a point where everything it holds is recorded,
 * and waits there; the parent resumes it; in the child, where the thread
 * does not exist, what it had not finished is dropped (its half-filled
 * buffer freed, the frame left to the reads), what it had finished stays
 * usable until the child's reads have consumed behind_frames frames
 * without taking it (no walk passes it there), and no thread is started
 * there, then or later. The thread's descriptors were in its own table,
 * which a child does not inherit: the child has none of them and places
 * native code itself. The thread blocks all signals, so
 * they reach the program's own threads as before. */

/* pf_payload_native_open: makes an empty, writable descriptor to hold
 * native member `file`, which the prefetch thread fills with write(2) from
 * offset 0 and then seals (F_ADD_SEALS: it must be a memfd made with
 * MFD_ALLOW_SEALING for the reads to take it). Returns the descriptor, or
 * -1: the thread then makes no more and leaves native members to the
 * loader. Called on the prefetch thread, whose descriptor table is its own
 * (the program never sees, closes nor reuses these descriptors; a kernel
 * without close_range(CLOSE_RANGE_UNSHARE), before Linux 5.9, or a seccomp
 * policy refusing it: the thread never calls it). */
typedef int (*pf_payload_native_open)(void *context, const pf_entry *file);

typedef struct pf_prefetch_options {
    uint32_t first_frame;               /* first frame walked; 0: PF_PREFETCH_FIRST_FRAME */
    uint32_t walk_end;                  /* the walk stops before it; 0: the index's walk_end */
    uint32_t ahead_frames;              /* frames held; 0: PF_PREFETCH_AHEAD_FRAMES */
    uint32_t behind_frames;             /* frames consumed; 0: PF_PREFETCH_BEHIND_FRAMES */
    size_t max_buffered;                /* bytes; 0: PF_PREFETCH_MAX_BUFFERED */
    uint32_t idle_ms;                   /* milliseconds; 0: PF_PREFETCH_IDLE_MS */
    pf_payload_native_open open_native; /* NULL: native code only in buffers */
    void *native_context;               /* given to open_native */
    int start_on_read;                  /* 0: the thread starts with the prefetcher (when
                                           there is a walk); else at the first read of a
                                           frame in [first_frame, walk_end) */
} pf_prefetch_options;

/* Defaults. Frame 0 is the index and frame 1 the start-up frame (the main
 * module and the codecs initialisation imports), which the main thread
 * reads at once. A start-up spends 1-3 ms running the modules of each
 * 64-256 KiB frame, which takes about 0.2 ms to decompress: a few frames
 * ahead keep the reads supplied, and leave time for the native code of an
 * extension module met on the way (libcrypto: 5-10 ms). */
#define PF_PREFETCH_FIRST_FRAME 2u
#define PF_PREFETCH_AHEAD_FRAMES 4u
#define PF_PREFETCH_BEHIND_FRAMES 8u
#define PF_PREFETCH_MAX_BUFFERED (4u * 1024u * 1024u)
/* idle_ms: how long the imports of a start-up may pause (a program reading
 * its configuration or the network between two imports) before the thread
 * takes the start-up to be over. Only the reads can tell: nothing marks the
 * end of a Python program's start-up. */
#define PF_PREFETCH_IDLE_MS 1000u

/* What the prefetch thread did, for tests and measurements. */
typedef struct pf_prefetch_stats {
    uint32_t frames_done;      /* frames it decompressed completely */
    uint32_t frames_failed;    /* frames it gave up (damage, memory, stop) */
    uint32_t buffers_taken;    /* of its buffers, those the reads took */
    uint32_t buffers_dropped;  /* freed untaken (passed by, or at stop) */
    uint32_t natives_done;     /* native members it placed in descriptors */
    uint32_t natives_taken;    /* of those, taken by pf_payload_take_native */
    uint32_t frames_by_reader; /* frames the reads decompressed themselves */
    uint32_t waits;            /* reads that waited for the thread */
    uint64_t wait_ns;          /* nanoseconds they waited in all */
    int running;               /* the thread has not ended */
} pf_prefetch_stats;

/* pf_payload_sink: receives a member's bytes in order, in pieces; returns 0
 * to go on, non-zero to stop (pf_payload_copy then fails with PF_ERR_IO). */
typedef int (*pf_payload_sink)(void *context, const uint8_t *data, size_t size);

/* ---- the prefetcher's side of the hand-over (the reader's, not public) ----
 * Called by the reads' thread only. Every function but pf_prefetch_new
 * accepts a NULL prefetcher (prefetch off) and then does nothing the reads
 * must wait for. */

typedef struct pf_prefetch pf_prefetch;

/* pf_prefetch_new: a prefetcher for the payload whose frames and validated
 * index are given (borrowed: they must outlive it; frames' src, table and
 * release must not change meanwhile), with options (NULL: the defaults;
 * zero fields: theirs). The thread starts now when the walk holds frames
 * from first_frame on (one that cannot be created: the reads go on without
 * prefetch), or with start_on_read at the first read of such a frame
 * (pf_prefetch_take_frame, pf_prefetch_copy_member,
 * pf_prefetch_take_native). Returns PF_OK with *out owned by the caller
 * (pf_prefetch_free), or PF_ERR_NOMEM with *out NULL. */
int pf_prefetch_new(pf_prefetch **out, const pf_frames *frames, const pf_index *index,
                    const pf_prefetch_options *options, pf_error *err);

/* pf_prefetch_free: stops the thread, waits for it, frees everything it
 * left (buffers not taken, descriptors not taken are closed). Accepts
 * NULL. */
void pf_prefetch_free(pf_prefetch *pf);

/* pf_prefetch_get_stats: fills *stats (all zero when pf is NULL). */
void pf_prefetch_get_stats(pf_prefetch *pf, pf_prefetch_stats *stats);

/* pf_prefetch_take_frame: the reads need frame i and do not have it.
 * Waits while the prefetch thread decompresses it. Returns 1 and moves
 * the thread's buffer of frame i (from pf_big_alloc: free it with
 * pf_big_free; *capacity bytes, more than the frame's decompressed size)
 * to *data; else returns 0, and the caller decompresses the frame itself
 * (the thread will not start on it). */
int pf_prefetch_take_frame(pf_prefetch *pf, uint32_t i, uint8_t **data, size_t *capacity);

/* pf_prefetch_give_back: a pf_big_alloc buffer of capacity bytes the
 * caller no longer needs (one its cache evicted): kept for the thread to
 * fill again, or freed. Accepts NULL data, and a NULL pf (then it frees). */
void pf_prefetch_give_back(pf_prefetch *pf, uint8_t *data, size_t capacity);

/* pf_prefetch_copy_member: the reads need bytes [offset, offset + size)
 * of frame i (a member's data) for sink and do not have the frame. Waits
 * while the prefetch thread decompresses it. When the thread has the frame
 * in a buffer, gives those bytes to sink from there (the buffer stays the
 * prefetcher's) and returns 1 with *sinkResult the sink's return value;
 * else returns 0, and the caller decompresses the frame itself (the thread
 * will not start on it). */
int pf_prefetch_copy_member(pf_prefetch *pf, uint32_t i, uint32_t offset, uint32_t size,
                            pf_payload_sink sink, void *context, int *sinkResult);

/* pf_prefetch_take_native: for the native or library file entry e (the
 * caller checked its kind): when the thread has placed its bytes in a
 * descriptor, waiting if the thread is on that frame, returns PF_OK with
 * *fd a new read-only descriptor of that file in the caller's table
 * (close-on-exec, never 0-2; the caller owns it), reopened through
 * /proc/self/task/TID/fd/N and checked to be the very file the thread made
 * (device, inode), of the member's size and sealed against writes.
 * PF_ERR_NOT_FOUND otherwise (no prefetch, not reached, taken, failed, or
 * the check failed: /proc missing, a descriptor the thread could not
 * seal); the reads then count frame e->frame as theirs (the thread will not
 * start on it). */
int pf_prefetch_take_native(pf_prefetch *pf, const pf_entry *e, int *fd, pf_error *err);

#endif
