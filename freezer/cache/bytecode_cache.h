/* bytecode_cache.h - the freezer's build cache: compiled modules (.pyc
 * bytes exactly as the freezer packs them) and compressed payload frames,
 * kept between runs so a re-freeze does only the work its changes need.
 *
 * It follows the rules of CPython's own __pycache__ (PEP 3147 for where
 * entries live, PEP 552 and Lib/importlib/_bootstrap_external.py for when an
 * entry is still good), with a source hash instead of a timestamp:
 *
 *   directory  $XDG_CACHE_HOME/pyfreeze, else $HOME/.cache/pyfreeze (XDG Base
 *              Directory spec: a relative XDG_CACHE_HOME is ignored), or the
 *              --cache-dir DIR given; entries under DIR/v1/pyc and DIR/v1/frames.
 *   pyc entry  named by a 64-bit FNV-1a hash of its key: the source's absolute
 *              path, the co_filename the freezer compiles with (e.g.
 *              "json/__init__.py"), the .pyc magic number, the optimisation
 *              level and the pyfreeze version. The full key is stored in the
 *              entry and compared, so two keys sharing a name never mix.
 *   validity   an entry is reused only when its key matches and the source as
 *              it is now has the same size and the same _imp.source_hash as
 *              the hash in the entry's PEP 552 header: the check CPython makes
 *              for checked hash-based .pycs (SourceLoader.get_code). A changed
 *              modification time alone does not invalidate an entry (touch
 *              does not change the bytecode); a changed content with the old
 *              size and time does.
 *   frames     a compressed zstd frame is named by zlib's crc32 of its
 *              uncompressed bytes, their size, the zstd level, the zstd
 *              library version and PFZ_FRAME_FORMAT_TAG. The name only finds
 *              a candidate: a hit is decompressed and compared byte for byte
 *              with the frame wanted, so a crc32 collision or a damaged
 *              entry is a miss, never a wrong payload.
 *   integrity  every entry has a header with its format, sizes and a crc32 of
 *              everything after the header; a short, long or damaged entry is
 *              ignored (and rewritten by the next put). Entries are written to
 *              a temporary file in the same directory and renamed into place,
 *              so a reader sees a whole entry or none, also with concurrent
 *              freezes.
 *   trust      the cache holds code the frozen program will run, so it is used
 *              only when the directory is a real directory owned by the
 *              current user and not writable by group or others; otherwise
 *              it is bypassed with a warning.
 *
 * A cache never changes the freezer's output: what it returns is what the
 * freezer would have computed. Every failure to read or write the cache is a
 * miss or a skipped write, never an error of the freeze. All functions
 * accept a NULL cache (no cache: every get misses, every put does nothing).
 * Entries are written by a background thread that pfz_cache_close waits
 * for; apart from that a pfz_cache is used from one thread at a time. */
#ifndef PFZ_BYTECODE_CACHE_H
#define PFZ_BYTECODE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pf_error.h"
#include "seek_table_writer.h"

/* Bump when the way the freezer compiles changes without the pyfreeze
 * version changing (flags, filenames, header layout): old entries then miss. */
#define PFZ_CACHE_FORMAT_VERSION 1u

typedef struct pfz_cache pfz_cache;

/* Counters for -v and the tests. */
typedef struct pfz_cache_stats {
    size_t pyc_hits;     /* modules whose bytecode came from the cache */
    size_t pyc_misses;   /* modules compiled (then stored) */
    size_t frame_hits;   /* compressed frames reused */
    size_t frame_misses; /* frames compressed (then stored) */
    size_t rejected;     /* entries found damaged, truncated or foreign */
} pfz_cache_stats;

/* pfz_cache_default_dir: the default cache directory, into dst (dstCapacity
 * bytes): $XDG_CACHE_HOME/pyfreeze when XDG_CACHE_HOME is set to an absolute
 * path, else $HOME/.cache/pyfreeze (HOME absolute), else the passwd entry's
 * home + /.cache/pyfreeze. Returns PF_OK, PF_ERR_NOT_FOUND (no usable home),
 * PF_ERR_USAGE (the path does not fit dst). */
int pfz_cache_default_dir(char *dst, size_t dstCapacity, pf_error *err);

/* pfz_cache_open: opens (creating with mode 0700 where missing, parents
 * included) the cache at dir, or at pfz_cache_default_dir when dir is NULL.
 * On PF_OK *out is a cache to free with pfz_cache_close. Errors (*out NULL;
 * the freeze should go on without a cache): PF_ERR_IO (cannot create or
 * stat a directory), PF_ERR_USAGE (not a directory, owned by another user,
 * or writable by group or others: message names the directory),
 * PF_ERR_NOT_FOUND (no default directory), PF_ERR_NOMEM. */
int pfz_cache_open(pfz_cache **out, const char *dir, pf_error *err);

/* pfz_cache_close: writes every entry still queued, then frees c;
 * accepts NULL. */
void pfz_cache_close(pfz_cache *c);

/* pfz_cache_flush: returns once every entry put so far is on disk (or its
 * write failed). Puts are written by a background thread; a get of an entry
 * still queued waits for it by itself, so only code that looks at the
 * directory needs this. Accepts NULL. */
void pfz_cache_flush(pfz_cache *c);

/* pfz_cache_stats_get: the counters since pfz_cache_open (zeros for NULL). */
pfz_cache_stats pfz_cache_stats_get(const pfz_cache *c);

/* What a compiled module's bytecode depends on besides its source text. */
typedef struct pfz_pyc_key {
    const char *source_path;   /* absolute path of the .py read */
    const char *code_filename; /* co_filename compiled in, e.g. "json/__init__.py" */
    uint32_t magic;            /* .pyc magic as PyImport_GetMagicNumber gives it */
    int optimize;              /* 0, 1 or 2, as python -O/-OO */
} pfz_pyc_key;

/* pfz_cache_pyc_get: looks up the bytecode for key whose source is now
 * source_size bytes with _imp.source_hash source_hash (8 bytes). Returns 1
 * on a hit with *pyc (malloc'd, the caller frees) and *pycSize (bytes,
 * >= 16: PEP 552 header with flags = hash-based, then marshal data) set;
 * 0 on a miss (absent, stale, damaged, or NULL cache), *pyc then NULL. The
 * caller must still check that the marshal data loads as a code object and
 * treat a failure as a miss. */
int pfz_cache_pyc_get(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                      const uint8_t source_hash[8], uint8_t **pyc, size_t *pycSize);

/* pfz_cache_pyc_put: stores pyc[0..pycSize) (bytes) for key and a source of
 * source_size bytes, replacing any entry for key atomically. A failure
 * (disk full, read-only) is silent apart from the entry not being written. */
void pfz_cache_pyc_put(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                       const uint8_t *pyc, size_t pycSize);

/* pfz_cache_frame_store: a pfz_frame_store (seek_table_writer.h) backed by
 * c, for pfz_pack_input.frame_store; c must outlive its use. With c NULL
 * the store's ctx is NULL and it never hits. */
pfz_frame_store pfz_cache_frame_store(pfz_cache *c);

#endif
