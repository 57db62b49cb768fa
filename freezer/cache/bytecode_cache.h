/* bytecode_cache.h - the build cache of compiled modules: .pyc bytes
 * exactly as the freezer packs them, kept between runs (in the cache
 * directory, cache_dir.h) so a re-freeze compiles only what changed.
 *
 * It follows the rules of CPython's own __pycache__ (PEP 3147 for where
 * entries live, PEP 552 and Lib/importlib/_bootstrap_external.py for when an
 * entry is still good), with a source hash instead of a timestamp:
 *
 *   entry      named by a 64-bit FNV-1a hash of its key: the source's absolute
 *              path, the co_filename the freezer compiles with (e.g.
 *              "json/__init__.py"), the .pyc magic number, the optimisation
 *              level and the pyfreeze version. The full key is stored in the
 *              entry and compared, so two keys sharing a name never mix.
 *   fields     (cache_entry.h) kind PFZ_CACHE_ENTRY_PYC, size = the source's
 *              size in bytes, p1 = the .pyc magic, p2 = the optimisation
 *              level, p3 = 0; body = the key text ("<source path>\0
 *              <co_filename>\0<pyfreeze version>\0") then the .pyc bytes
 *              (16-byte PEP 552 header + marshal data).
 *   validity   an entry is reused only when its key matches and the source as
 *              it is now has the same size and the same _imp.source_hash as
 *              the hash in the entry's PEP 552 header: the check CPython makes
 *              for checked hash-based .pycs (SourceLoader.get_code). A changed
 *              modification time alone does not invalidate an entry (touch
 *              does not change the bytecode); a changed content with the old
 *              size and time does.
 *
 * Like the rest of the cache it never changes the freezer's output, and
 * every function accepts a NULL cache (every get misses, every put does
 * nothing). */
#ifndef PFZ_BYTECODE_CACHE_H
#define PFZ_BYTECODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "cache_dir.h"

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
 * 0 on a miss (absent, stale, damaged, an incomplete key or a level other
 * than 0-2, out of memory, or NULL cache), *pyc then NULL. Counts a hit or
 * a miss in c's stats. The caller must still check that the marshal data
 * loads as a code object and treat a failure as a miss. */
int pfz_cache_pyc_get(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                      const uint8_t source_hash[8], uint8_t **pyc, size_t *pycSize);

/* pfz_cache_pyc_put: stores pyc[0..pycSize) (bytes, at least the 16-byte
 * header; copied) for key and a source of source_size bytes, replacing any
 * entry for key atomically. A failure (disk full, read-only) is silent apart
 * from the entry not being written. */
void pfz_cache_pyc_put(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                       const uint8_t *pyc, size_t pycSize);

#endif
