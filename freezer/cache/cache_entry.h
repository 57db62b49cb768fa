/* cache_entry.h - one file of the build cache: its format, the checks that
 * decide whether its bytes can be trusted, and reading and writing it.
 *
 * Every entry is one file: a fixed 56-byte header, then its body (the key
 * text, then the payload bytes). All integers little-endian.
 *
 *   offset size  field
 *   0      8     "PFZCACHE"
 *   8      4     PFZ_CACHE_FORMAT_VERSION
 *   12     4     kind (pfz_cache_entry_header.kind)
 *   16     8     size (the kind's own size, in bytes)
 *   24     4     p1 \
 *   28     4     p2  > the kind's own parameters
 *   32     4     p3 /
 *   36     4     key size in bytes (the start of the body)
 *   40     8     body size in bytes (everything after the header)
 *   48     4     crc32 of the body (zlib)
 *   52     4     crc32 of bytes 0..52 of this header
 *
 * bytecode_cache.h and frame_store.h say what each kind puts in the fields.
 * crc32 guards against damage (a torn or bit-flipped file), not against an
 * attacker: the directory's ownership check (cache_dir.h) is what keeps
 * other users out. */
#ifndef PFZ_CACHE_ENTRY_H
#define PFZ_CACHE_ENTRY_H

#include <stddef.h>
#include <stdint.h>

/* Bump when the way the freezer compiles changes without the pyfreeze
 * version changing (flags, filenames, header layout): old entries then miss. */
#define PFZ_CACHE_FORMAT_VERSION 1u

/* Bytes of an entry's header. */
#define PFZ_CACHE_ENTRY_HEADER_SIZE 56u

/* The largest entry read or written, bytes: a .pyc of the largest source the
 * freezer reads (64 MiB) compiles to far less than this; a frame is at most
 * PF_MAX_FRAME_SIZE before compression. Anything larger is not ours. */
#define PFZ_CACHE_ENTRY_MAX_SIZE (256u * 1024u * 1024u)

/* The kinds of entry (field kind). */
#define PFZ_CACHE_ENTRY_PYC 1u
#define PFZ_CACHE_ENTRY_FRAME 2u

/* What an entry's header says besides its own format and checksums: what
 * the entry is for. A reader fills one with what it wants and gets the
 * entry only when every field matches. */
typedef struct pfz_cache_entry_header {
    uint32_t kind;     /* PFZ_CACHE_ENTRY_PYC or PFZ_CACHE_ENTRY_FRAME */
    uint64_t size;     /* pyc: source size; frame: uncompressed size (bytes) */
    uint32_t p1;       /* pyc: .pyc magic; frame: ZSTD_versionNumber() */
    uint32_t p2;       /* pyc: optimisation level; frame: zstd level */
    uint32_t p3;       /* pyc: 0; frame: PFZ_FRAME_FORMAT_TAG */
    uint32_t key_size; /* bytes of key text at the start of the body */
} pfz_cache_entry_header;

/* What pfz_cache_entry_check found. */
typedef enum pfz_cache_entry_status {
    PFZ_CACHE_ENTRY_OK = 0,      /* whole, undamaged, and the header wanted */
    PFZ_CACHE_ENTRY_STALE = 1,   /* sound, but for other inputs or another format version */
    PFZ_CACHE_ENTRY_DAMAGED = 2, /* short, long, or a checksum or magic is wrong */
} pfz_cache_entry_status;

/* pfz_cache_entry_encode: the whole entry file for h with key[0..keySize)
 * then body[0..bodySize) as its body (bytes; key may be NULL when keySize is
 * 0). h->key_size should equal keySize. Returns the bytes, malloc'd (the
 * caller frees), and their count in *entrySize; NULL when out of memory or
 * when the entry would exceed PFZ_CACHE_ENTRY_MAX_SIZE. */
uint8_t *pfz_cache_entry_encode(const pfz_cache_entry_header *h, const uint8_t *key, size_t keySize,
                                const uint8_t *body, size_t bodySize, size_t *entrySize);

/* pfz_cache_entry_check: looks at entry[0..entrySize) (bytes, e.g. from
 * pfz_cache_entry_read) and compares its header with want. On
 * PFZ_CACHE_ENTRY_OK *body points into entry just past the header (the key
 * text first) and *bodySize gives its bytes; on any other result they are
 * untouched. Never fails otherwise: every byte is distrusted. */
pfz_cache_entry_status pfz_cache_entry_check(const uint8_t *entry, size_t entrySize,
                                             const pfz_cache_entry_header *want,
                                             const uint8_t **body, size_t *bodySize);

/* pfz_cache_entry_read: reads the entry file at path. Returns 1 with *entry
 * (malloc'd, the caller frees) and *entrySize (bytes) set; 0 with *entry
 * NULL when the file is absent, not a regular file (a symlink is not
 * followed), shorter than a header, larger than PFZ_CACHE_ENTRY_MAX_SIZE,
 * cannot be read, or memory runs out: for a cache, all of those are a miss. */
int pfz_cache_entry_read(const char *path, uint8_t **entry, size_t *entrySize);

/* pfz_cache_entry_write: writes bytes[0..size) as dir/name atomically: into
 * a temporary file ".tmp-<name>-XXXXXX" in dir (mkstemp: mode 0600, a name
 * no one else uses), then rename(2) over name, so a reader sees a whole
 * entry or none, also with concurrent freezes. No fsync: an entry torn by a
 * crash fails its crc and is rebuilt, so durability is not worth a disk
 * flush per module. Returns 1 when written; 0 on any failure (path too
 * long, disk full, read-only), the temporary file then removed: a cache
 * write that fails only costs time later. */
int pfz_cache_entry_write(const char *dir, const char *name, const uint8_t *bytes, size_t size);

#endif
