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
 * sooner (payload_prefetch.h).
 *
 * Layers under the reader: frame_decoder.h (checking and decompressing a
 * frame), tar_index.h (the index member in frame 0), payload_index.h,
 * frame_cache.h (the decompressed frames kept), payload_prefetch.h. */
#ifndef PF_PAYLOAD_READER_H
#define PF_PAYLOAD_READER_H

#include <stddef.h>
#include <stdint.h>

#include "frame_decoder.h"
#include "payload_index.h"
#include "payload_prefetch.h"
#include "pf_error.h"
#include "seek_table.h"

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
 * first use and kept in a small LRU cache (frame_cache.h: PF_FRAME_CACHE_SLOTS; frames at
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

/* pf_payload_trim: frees the decompressed frames the reads keep (frame_cache.h), all but the
 * keepFrames most recently read, unless pinned, and the buffer of a streamed member. For the
 * end of an import: the frames' remaining members (modules imported, if ever, in a function, a
 * codec looked up by name) would otherwise keep their frames, 50-400 KB each, to the end of the
 * process. A member read later decompresses its frame again. */
void pf_payload_trim(pf_payload *payload, unsigned keepFrames);

/* pf_payload_set_release: installs release (frame_decoder.h; NULL: none, the default). Only
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

/* pf_payload_copy: gives the data of a file entry, in order and in pieces
 * of at most ZSTD_DStreamOutSize() bytes, to sink (payload_prefetch.h). Meant for large members
 * read once (native code going into a memfd): a frame already in the cache
 * is given from there; otherwise the frame is stream-decompressed through a
 * small buffer (its content checksum verified to the end) without entering
 * the cache, so no frame-sized buffer is allocated and the cached bytecode
 * frames stay. Errors: PF_ERR_USAGE (not a file entry), PF_ERR_CORRUPT (the
 * frame does not decompress, checksum or size wrong), PF_ERR_IO (the sink
 * stopped), PF_ERR_NOMEM. */
int pf_payload_copy(pf_payload *payload, const pf_entry *file, pf_payload_sink sink, void *context,
                    pf_error *err);

/* pf_payload_stored: for a file entry in the stored frame (payload.h:
 * native code kept uncompressed and page-aligned), sets *payloadOffset to
 * the offset (bytes) of its data from the start of the payload and returns
 * PF_OK; PF_ERR_NOT_FOUND when the entry is in a compressed frame;
 * PF_ERR_USAGE when it is no file entry. pf_payload_read and
 * pf_payload_copy read stored members too (from the payload's bytes). */
int pf_payload_stored(const pf_payload *payload, const pf_entry *file, uint64_t *payloadOffset,
                      pf_error *err);

/* pf_payload_frame_cached: whether frame i's decompressed bytes are in the
 * reads' frame cache (frame 0 always is), for tests and measurements. */
int pf_payload_frame_cached(const pf_payload *payload, uint32_t i);

/* ---- prefetch (what it does and when: payload_prefetch.h) ---- */

/* pf_payload_prefetch_start: turns prefetch on (options NULL: the
 * defaults); the thread itself starts now when the walk holds frames at or
 * past first_frame, or with options->start_on_read at the first read of one
 * (frames before first_frame are never prefetched; no walk: no thread). If it
 * cannot be started (no memory, RLIMIT_NPROC), the payload reads as without
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
 * descriptor, waiting if the thread is on that frame, returns PF_OK with
 * *fd a new read-only, close-on-exec descriptor of it, never 0-2, checked
 * to be the file the thread made and sealed (pf_prefetch_take_native; the
 * caller owns it; its offset is 0). PF_ERR_NOT_FOUND: there is none (no
 * prefetch, not reached, taken, failed, or not the checked file); the
 * caller copies the member itself (pf_payload_copy).
 * PF_ERR_USAGE: not a native or library file entry. */
int pf_payload_take_native(pf_payload *payload, const pf_entry *file, int *fd, pf_error *err);

/* pf_payload_prefetch_stats: fills *stats (all zero without prefetch). */
void pf_payload_prefetch_stats(pf_payload *payload, pf_prefetch_stats *stats);

#endif
