/* pycache.h - the bytecode CPython itself wrote for a source file, when it is
 * still good for that source as it is now.
 *
 * Compiling is most of a cold freeze (CPython's parser and compiler, about
 * 1 ms per stdlib module on this kind of machine); loading a .pyc is about a
 * tenth of that. Debian byte-compiles the stdlib and every packaged module
 * at install time (py3compile), and pip does the same for what it installs,
 * so the freezer can take their bytecode instead of compiling.
 *
 * Where the entry is and when it is still good follow CPython exactly
 * (rule source: Lib/importlib/_bootstrap_external.py of 3.11,
 * cache_from_source, _classify_pyc, _validate_timestamp_pyc,
 * _validate_hash_pyc; PEP 3147 and PEP 552):
 *   location   DIR/__pycache__/NAME.TAG.pyc for DIR/NAME.py, TAG being
 *              sys.implementation.cache_tag ("cpython-311"); with
 *              optimisation level L > 0, NAME.TAG.opt-L.pyc.
 *   header     16 bytes: magic number, flags (bit 0: hash-based, bit 1:
 *              check_source; other bits make the entry invalid), then either
 *              the source's modification time and size (each as 32 bits,
 *              little-endian) or its 8-byte _imp.source_hash.
 *   validity   the magic is this CPython's; a timestamp entry's time and
 *              size are the source's; a hash-based entry's hash is the
 *              source's, checked even when the entry says "unchecked" (the
 *              freezer is stricter than importlib's default there).
 * One more rule of our own, because the bytes become code in someone else's
 * program: the entry must be a regular file owned by root or by the user
 * running the freezer and writable by nobody else (not by group or others).
 * Any failure — no entry, unreadable, short, stale, foreign — is a miss: the
 * caller compiles the source as before. */
#ifndef PFZ_PYCACHE_H
#define PFZ_PYCACHE_H

#include <stddef.h>
#include <stdint.h>

/* The source file as the freezer read it. */
typedef struct pfz_pycache_source {
    const char *path;    /* path of the .py file, ending in ".py" */
    uint64_t size;       /* bytes read */
    int64_t mtime;       /* modification time, whole seconds (int(os.stat().st_mtime)) */
    const uint8_t *hash; /* its _imp.source_hash: 8 bytes */
} pfz_pycache_source;

/* pfz_pycache_path: the __pycache__ path for a source path, as
 * importlib.util.cache_from_source(path, optimization=L or '') gives it,
 * into dst (dstCapacity bytes). cache_tag is sys.implementation.cache_tag;
 * optimize is 0, 1 or 2. Returns 0, or -1 when path does not end in ".py"
 * or the result does not fit. */
int pfz_pycache_path(char *dst, size_t dstCapacity, const char *path, const char *cache_tag,
                     int optimize);

/* pfz_pycache_read: looks for the valid __pycache__ entry of src (rules
 * above) for magic (the 32-bit .pyc magic number as PyImport_GetMagicNumber
 * gives it, i.e. the first 4 bytes read little-endian), cache_tag and
 * optimize (0-2). Returns 1 on a hit with *data (malloc'd, the caller
 * frees) and *dataSize (bytes) set to the entry's marshal data, the part
 * after the 16-byte header; 0 on a miss, *data then NULL. The caller must
 * still check that the data unmarshals to a code object. */
int pfz_pycache_read(const pfz_pycache_source *src, uint32_t magic, const char *cache_tag,
                     int optimize, uint8_t **data, size_t *dataSize);

#endif
