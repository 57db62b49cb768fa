/* payload_reader.h - opening a payload and reading members out of it,
 * decompressing only the frames that hold them. Used by the stub at run time
 * and by `pyfreeze inspect` and the tests, so all read payloads with one code.
 *
 * Threads: one thread at a time calls these functions on a payload (the
 * runtime calls them with the GIL held; the pointers they return are valid
 * as each function says, in that thread). Optionally (opt-in, with
 * pf_payload_prefetch_start: the boot uses it, `pyfreeze inspect` and the
 * tests' plain reads do not) the payload runs a prefetch thread of its own,
 * which decompresses frames ahead of the reads with its own zstd decoder
 * and is synchronised inside the reader: callers see the same results, only
 * sooner. */
#ifndef PF_PAYLOAD_READER_H
#define PF_PAYLOAD_READER_H

#include <stddef.h>
#include <stdint.h>

#include "payload_index.h"
#include "pf_error.h"
#include "seek_table.h"

/* Number of decompressed frames kept besides frame 0 (which holds the index
 * and stays for the payload's life). */
#define PF_FRAME_CACHE_SLOTS 4

typedef struct pf_payload pf_payload;

/* pf_payload_open: reads the seek table, decompresses frame 0, finds the
 * index member's data in it (parsing at most a pax 'x' header and one ustar
 * header, with tar header checksums checked) and validates the index.
 * src[0..srcSize) is borrowed and must stay mapped until pf_payload_close.
 * On PF_OK *out is a new reader. Errors: PF_ERR_TRUNCATED, PF_ERR_CORRUPT,
 * PF_ERR_VERSION, PF_ERR_NOMEM; *out is NULL then. */
int pf_payload_open(pf_payload **out, const uint8_t *src, size_t srcSize, pf_error *err);

/* pf_payload_close: frees the reader and its frame cache; accepts NULL. */
void pf_payload_close(pf_payload *payload);

/* pf_payload_index: the validated index (owned by the payload). */
const pf_index *pf_payload_index(const pf_payload *payload);

/* pf_payload_seek_table: the frames (owned by the payload). */
const pf_seek_table *pf_payload_seek_table(const pf_payload *payload);

/* pf_payload_read: gives the data of a file entry. On PF_OK, *data and
 * *dataSize (bytes) point into a decompressed frame owned by the payload,
 * valid until the next pf_payload_read, the last pf_payload_unpin or
 * pf_payload_close. The frame is
 * decompressed (checksum verified, size checked against the seek table) on
 * first use and kept in a small LRU cache (PF_FRAME_CACHE_SLOTS; frames at
 * or past the index's walk_end share one slot) until all its members are
 * read. Errors: PF_ERR_USAGE (not a file
 * entry), PF_ERR_CORRUPT (frame does not decompress, checksum mismatch, size
 * differs from the seek table), PF_ERR_NOMEM. */
int pf_payload_read(pf_payload *payload, const pf_entry *file, const uint8_t **data,
                    size_t *dataSize, pf_error *err);

/* pf_payload_pin, pf_payload_unpin: between a pin and its unpin, the bytes
 * pf_payload_read gives stay valid whatever other reads happen meanwhile
 * (no cached frame is freed or reused). For a caller whose use of the bytes
 * can run code that reads again: unmarshalling can run the garbage
 * collector, whose finalizers may import. Pins nest; the frames put aside
 * are freed at the last unpin, and so may be the frames of the bytes read
 * while pinned (once all their members are read): those bytes are not to be
 * used after it. pf_payload_unpin without a pin does nothing. */
void pf_payload_pin(pf_payload *payload);
void pf_payload_unpin(pf_payload *payload);

/* pf_payload_release: told of a range of the buffer given to
 * pf_payload_open whose compressed bytes have been decompressed: a frame's
 * (either thread), or, now and then, everything from the start to the end
 * of the frame the reads just used (a sweep, on the reads' side; see
 * pf_payload_set_release), so an owner that mapped the buffer from a file
 * can drop those pages from its resident set (madvise MADV_DONTNEED); they
 * are read again from the file if a frame there is needed again. */
typedef void (*pf_payload_release)(const uint8_t *data, size_t size);

/* pf_payload_set_release: installs release (NULL: none, the default). Only
 * for buffers whose pages can be dropped and read back unchanged: a
 * read-only file mapping, never heap memory. Install it before
 * pf_payload_prefetch_start: the prefetch thread calls it too, so it must be
 * safe to call from any thread.
 *
 * Sweeps: releasing each frame as it is decompressed leaves pages behind,
 * as a page fault maps the kernel's whole fault-around window of page-cache
 * pages (64 KiB): reading a frame, or checking its header, maps back the
 * tail and head of neighbours released before, and with the prefetch thread
 * working ahead and the reads jumping (an import the freezer's order put
 * elsewhere) 0.5-1 MB of the numpy program's payload stayed resident to its
 * end. So a read whose frame ends sweepBytes (bytes) or more past the end
 * of the last sweep sweeps from the start through its frame (0: every
 * read not behind the last sweep). Each sweep costs a page-table walk and a TLB flush on every CPU
 * the process runs on: sweeping at every read made the stdlib-heavy
 * benchmark program start 2% later. */
void pf_payload_set_release(pf_payload *payload, pf_payload_release release, size_t sweepBytes);

/* pf_payload_sink: receives a member's bytes in order, in pieces; returns 0
 * to go on, non-zero to stop (pf_payload_copy then fails with PF_ERR_IO). */
typedef int (*pf_payload_sink)(void *context, const uint8_t *data, size_t size);

/* pf_payload_copy: gives the data of a file entry, in order and in pieces
 * of at most ZSTD_DStreamOutSize() bytes, to sink. Meant for large members
 * read once (native code going into a memfd): a frame already in the cache
 * is given from there; otherwise the frame is stream-decompressed through a
 * small buffer (its content checksum verified to the end) without entering
 * the cache, so no frame-sized buffer is allocated and the cached bytecode
 * frames stay. Errors: PF_ERR_USAGE (not a file entry), PF_ERR_CORRUPT (the
 * frame does not decompress, checksum or size wrong), PF_ERR_IO (the sink
 * stopped), PF_ERR_NOMEM. */
int pf_payload_copy(pf_payload *payload, const pf_entry *file, pf_payload_sink sink, void *context,
                    pf_error *err);

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
 * The thread starts at the first read of a frame at or past first_frame
 * and before walk_end: a program that needs nothing past its start-up frame
 * (hello world), or only frames past the walk, never has one. It stops walking while it holds
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
 * buffer freed, its descriptors closed, the frame left to the reads), what
 * it had finished stays usable until the child's reads have consumed
 * behind_frames frames without taking it (no walk passes it there), and no
 * thread is started there, then or later (the descriptors the child keeps
 * share their files with the parent's). The thread blocks all signals, so
 * they reach the program's own threads as before. */

/* pf_payload_native_open: makes an empty, writable descriptor to hold
 * native member `file`, which the prefetch thread fills with write(2) from
 * offset 0. Returns the descriptor, or -1: the thread then makes no more
 * and leaves native members to the loader. Called on the prefetch thread. */
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

/* pf_payload_prefetch_start: turns prefetch on (options NULL: the
 * defaults); the thread itself starts at the first read of a frame at or
 * past first_frame (frames before it are never prefetched). If it cannot
 * be started then (no memory, RLIMIT_NPROC), the payload reads as without
 * prefetch. Errors: PF_ERR_USAGE (already on), PF_ERR_NOMEM. */
int pf_payload_prefetch_start(pf_payload *payload, const pf_prefetch_options *options,
                              pf_error *err);

/* pf_payload_prefetch_stop: turns prefetch off: stops the thread and
 * waits for it (it stops within one piece of work: one buffered frame, or
 * ZSTD_DStreamOutSize() bytes of native code), closes and frees what nobody
 * took. Reads go on without prefetch. pf_payload_close does it too.
 * Accepts a payload without prefetch. */
void pf_payload_prefetch_stop(pf_payload *payload);

/* pf_payload_take_native: for a native or library file entry: when the
 * prefetch thread has placed its exact bytes (checksum verified) in a
 * descriptor, waiting if the thread is on that frame, returns PF_OK and
 * moves the descriptor to *fd (the caller owns it; its offset is at the
 * end). PF_ERR_NOT_FOUND: there is none (no prefetch, not reached, taken,
 * or failed); the caller copies the member itself (pf_payload_copy).
 * PF_ERR_USAGE: not a native or library file entry. */
int pf_payload_take_native(pf_payload *payload, const pf_entry *file, int *fd, pf_error *err);

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

/* pf_payload_prefetch_stats: fills *stats (all zero without prefetch). */
void pf_payload_prefetch_stats(pf_payload *payload, pf_prefetch_stats *stats);

#endif
