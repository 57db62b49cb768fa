/* cache_dir.h - the freezer's build cache as a directory: where it is,
 * whether it can be trusted, and the entry files (cache_entry.h) in it,
 * read on demand and written by a background thread. What is kept there is
 * bytecode_cache.h's (compiled modules) and frame_store.h's (compressed
 * payload frames) business; both go through this file.
 *
 *   directory  $XDG_CACHE_HOME/pyfreeze, else $HOME/.cache/pyfreeze (XDG Base
 *              Directory spec: a relative XDG_CACHE_HOME is ignored), or the
 *              --cache-dir DIR given; entries under DIR/v1/pyc and
 *              DIR/v1/frames (a new layout gets a new v<N>).
 *   trust      the cache holds code the frozen program will run, so it is used
 *              only when the directory is a real directory owned by the
 *              current user and not writable by group or others; otherwise
 *              the caller goes on without it (and says why).
 *   integrity  an entry that is short, long or damaged is ignored (and
 *              rewritten by the next put); entries are renamed into place
 *              whole (cache_entry.h).
 *
 * A cache never changes the freezer's output: what it returns is what the
 * freezer would have computed. Every failure to read or write the cache is a
 * miss or a skipped write, never an error of the freeze. All functions
 * accept a NULL cache (no cache: every get misses, every put does nothing).
 * Entries are written by a background thread that pfz_cache_close waits
 * for; pfz_cache_get, pfz_cache_put and pfz_cache_count may be called
 * from several threads at once (the frame store's are, from the threads
 * that compress frames); the rest is used from one thread at a time.
 *
 * This file reads no environment: the caller (freezer/cli/) passes the
 * values of XDG_CACHE_HOME and HOME. */
#ifndef PFZ_CACHE_DIR_H
#define PFZ_CACHE_DIR_H

#include <stddef.h>
#include <stdint.h>

#include "cache_entry.h"
#include "pf_error.h"

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
 * bytes), following the XDG Base Directory specification:
 * xdg_cache_home + "/pyfreeze" when xdg_cache_home (the value of
 * XDG_CACHE_HOME, or NULL when unset) is an absolute path; else home +
 * "/.cache/pyfreeze" when home (the value of HOME, or NULL) is absolute;
 * else the passwd entry's home directory (getpwuid(geteuid())) +
 * "/.cache/pyfreeze". The strings are only read. Returns PF_OK,
 * PF_ERR_NOT_FOUND (no usable home: the message suggests --cache-dir or
 * --no-cache), PF_ERR_USAGE (the path does not fit dst). */
int pfz_cache_default_dir(char *dst, size_t dstCapacity, const char *xdg_cache_home,
                          const char *home, pf_error *err);

/* pfz_cache_open: opens (creating with mode 0700 where missing, parents
 * included) the cache at dir, or at pfz_cache_default_dir(xdg_cache_home,
 * home) when dir is NULL (xdg_cache_home and home are then the values of
 * those variables, or NULL when unset; they are unused when dir is given).
 * On PF_OK *out is a cache to free with pfz_cache_close. Errors (*out NULL;
 * the freeze should go on without a cache): PF_ERR_IO (cannot create or
 * stat a directory), PF_ERR_USAGE (dir is empty or too long, not a
 * directory, owned by another user, or writable by group or others: the
 * message names the directory), PF_ERR_NOT_FOUND (no default directory),
 * PF_ERR_NOMEM. */
int pfz_cache_open(pfz_cache **out, const char *dir, const char *xdg_cache_home, const char *home,
                   pf_error *err);

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

/* ---- for the kinds of entry (bytecode_cache.c, frame_store.c) ---- */

/* The subdirectories of the cache, one per kind of entry. */
typedef enum pfz_cache_area {
    PFZ_CACHE_AREA_PYC = 0,    /* <dir>/v1/pyc */
    PFZ_CACHE_AREA_FRAMES = 1, /* <dir>/v1/frames */
} pfz_cache_area;

/* What a kind of entry counts (pfz_cache_stats). */
typedef enum pfz_cache_event {
    PFZ_CACHE_PYC_HIT,
    PFZ_CACHE_PYC_MISS,
    PFZ_CACHE_FRAME_HIT,
    PFZ_CACHE_FRAME_MISS,
    PFZ_CACHE_REJECTED, /* an entry damaged, or one that failed its kind's own check */
} pfz_cache_event;

/* pfz_cache_count: adds one to c's counter for event; c must not be NULL. */
void pfz_cache_count(pfz_cache *c, pfz_cache_event event);

/* pfz_cache_get: the entry name (a file name, at most 63 bytes) in area,
 * when it is whole, undamaged and its header equals want
 * (pfz_cache_entry_check). A put of that name still queued is waited for
 * first. Returns 1 with *entry (malloc'd, the caller frees), *body and
 * *bodySize (the part past the header, inside *entry; bytes) set; 0 on a
 * miss, *entry then NULL. A damaged entry counts PFZ_CACHE_REJECTED. c must
 * not be NULL. */
int pfz_cache_get(pfz_cache *c, pfz_cache_area area, const char *name,
                  const pfz_cache_entry_header *want, uint8_t **entry, const uint8_t **body,
                  size_t *bodySize);

/* pfz_cache_put: queues the entry h with key[0..keySize) and
 * body[0..bodySize) (bytes; copied, the caller's may go) as name in area,
 * replacing any entry of that name atomically once written. Written by the
 * writer thread (started on first use; when it cannot start, the entry is
 * written at once). A failure (name too long, entry too large, disk full,
 * read-only, out of memory) only leaves the entry unwritten. c must not be
 * NULL. */
void pfz_cache_put(pfz_cache *c, pfz_cache_area area, const char *name,
                   const pfz_cache_entry_header *h, const uint8_t *key, size_t keySize,
                   const uint8_t *body, size_t bodySize);

#endif
