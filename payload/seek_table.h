/* seek_table.h - reading the zstd seekable-format seek table at the end of a
 * payload (format: payload.h; rule source: zstd's
 * contrib/seekable_format/zstd_seekable_compression_format.md). */
#ifndef PF_SEEK_TABLE_H
#define PF_SEEK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

typedef struct pf_frame {
    uint64_t compressed_offset;   /* from the start of the payload */
    uint32_t compressed_size;     /* bytes of the zstd frame */
    uint32_t decompressed_size;   /* bytes once decompressed */
    uint64_t decompressed_offset; /* from the start of the tar stream */
} pf_frame;

typedef struct pf_seek_table {
    pf_frame *frames; /* frame_count records, owned; free with pf_seek_table_free */
    uint32_t frame_count;
    uint64_t frames_size; /* compressed bytes of all frames = start of the seek table */
} pf_seek_table;

/* pf_seek_table_read: parses the seek table at the end of
 * payload[0..payloadSize) into *table. Checks: footer magic, reserved
 * descriptor bits, skippable-frame magic and size, 1 <= frame_count <=
 * PF_MAX_FRAMES, each decompressed_size <= PF_MAX_FRAME_SIZE, and that the
 * frames exactly tile the bytes before the seek table (no gap, no overlap,
 * no overflow). Does not decompress anything.
 * Errors: PF_ERR_TRUNCATED, PF_ERR_CORRUPT, PF_ERR_NOMEM. On error *table is
 * left empty (safe to free). */
int pf_seek_table_read(const uint8_t *payload, size_t payloadSize, pf_seek_table *table,
                       pf_error *err);

/* pf_frame_is_stored: whether frame i of table is the stored frame
 * (payload.h: decompressed_size 0, only ever the last frame, its header
 * checked by pf_seek_table_read); 0 for i out of range. */
static inline int pf_frame_is_stored(const pf_seek_table *table, uint32_t i)
{
    return i < table->frame_count && table->frames[i].decompressed_size == 0;
}

/* pf_seek_table_free: releases table->frames; accepts NULL and empty tables. */
void pf_seek_table_free(pf_seek_table *table);

#endif
