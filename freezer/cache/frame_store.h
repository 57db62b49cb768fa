/* frame_store.h - the build cache of compressed payload frames: a
 * pfz_frame_store (seek_table_writer.h) over the cache directory
 * (cache_dir.h), so a re-freeze compresses only the frames whose bytes
 * changed.
 *
 *   entry      named "<crc32>-<size>-l<level>": zlib's crc32 of the frame's
 *              uncompressed bytes (8 hex digits), their size (decimal bytes)
 *              and the zstd level.
 *   fields     (cache_entry.h) kind PFZ_CACHE_ENTRY_FRAME, size = the
 *              uncompressed size in bytes, p1 = ZSTD_versionNumber(), p2 =
 *              the zstd level (two's complement), p3 = PFZ_FRAME_FORMAT_TAG;
 *              no key; body = one zstd frame.
 *   validity   the name only finds a candidate: a hit is decompressed and
 *              compared byte for byte with the frame wanted, so a crc32
 *              collision or a damaged entry is a miss, never a wrong
 *              payload. Another zstd version or frame format misses.
 *
 * Like the rest of the cache it never changes the freezer's output. */
#ifndef PFZ_FRAME_STORE_H
#define PFZ_FRAME_STORE_H

#include "cache_dir.h"
#include "seek_table_writer.h"

/* pfz_cache_frame_store: a pfz_frame_store backed by c, for
 * pfz_pack_input.frame_store; c must outlive its use (the store borrows
 * it). Its get returns 1 with a malloc'd frame the caller frees, 0 on a
 * miss; its put copies what it stores. Hits and misses count in c's
 * stats. With c NULL the store's ctx is NULL and it never hits. */
pfz_frame_store pfz_cache_frame_store(pfz_cache *c);

#endif
