/* seek_table.c - reading the zstd seekable-format seek table; contract in
 * seek_table.h, layout in payload.h.
 *
 * Rule source: zstd contrib/seekable_format/zstd_seekable_compression_format.md
 * (skippable frame 0x184D2A5E, entries, 9-byte footer ending in 0x8F92EAB1).
 * The table is read from the end because the footer is the only thing at a
 * known place; everything before it is checked against the bytes present. */
#include "seek_table.h"

#include <stdlib.h>

#include "payload.h"
#include "pf_le.h"

/* skippable frame header: u32 magic, u32 frame_size */
#define SKIPPABLE_HEADER_SIZE 8u

/* stored_frame_ok: whether the compressedSize bytes at payload offset
 * `offset` can be the stored frame (payload.h): allowed there (isLast), in
 * the payload, its skippable-frame magic PF_STORED_MAGIC and size field
 * right, its data start inside it. */
static int stored_frame_ok(const uint8_t *payload, uint64_t offset, uint32_t compressedSize,
                           int allowed)
{
    uint64_t end = offset + compressedSize;
    return allowed && compressedSize >= PF_STORED_HEADER_SIZE &&
           pf_le32_load(payload + offset) == PF_STORED_MAGIC &&
           pf_le32_load(payload + offset + 4) == compressedSize - PF_STORED_HEADER_SIZE &&
           PF_STORED_DATA_START(offset) <= end;
}

/* read_entries: frames[0..frameCount) from the seek table's entries at
 * entry (entrySize bytes each), checked against the framesSize bytes of
 * frames that precede the table: each entry's sizes in range, the frames
 * inside those bytes and covering them exactly, a stored frame only last.
 * PF_OK or PF_ERR_CORRUPT naming the entry. */
static int read_entries(const uint8_t *payload, const uint8_t *entry, uint64_t entrySize,
                        uint32_t frameCount, uint64_t framesSize, pf_frame *frames, pf_error *err)
{
    uint64_t compressedOffset = 0, decompressedOffset = 0;
    for (uint32_t i = 0; i < frameCount; i++, entry += entrySize) {
        uint32_t compressedSize = pf_le32_load(entry);
        uint32_t decompressedSize = pf_le32_load(entry + 4);
        /* The per-entry checksum, when present, is not needed: each frame
         * carries its own content checksum, which zstd verifies. */
        if (compressedSize == 0 || decompressedSize > PF_MAX_FRAME_SIZE) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "seek table entry %u: compressed size %u, decompressed size %u "
                                "(must be 1.. and ..%u)",
                                i, compressedSize, decompressedSize, PF_MAX_FRAME_SIZE);
        }
        frames[i].compressed_size = compressedSize;
        frames[i].decompressed_size = decompressedSize;
        frames[i].compressed_offset = compressedOffset;
        frames[i].decompressed_offset = decompressedOffset;
        compressedOffset += compressedSize;
        decompressedOffset += decompressedSize;
        if (compressedOffset > framesSize) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "seek table entry %u: frames end at byte %llu, past the seek "
                                "table at %llu",
                                i, (unsigned long long)compressedOffset,
                                (unsigned long long)framesSize);
        }
        if (decompressedSize == 0 &&
            !stored_frame_ok(payload, frames[i].compressed_offset, compressedSize,
                             i + 1u == frameCount && i > 0)) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "seek table entry %u: a stored frame (decompressed size 0) that is "
                                "not the last frame, not after frame 0, or without its "
                                "skippable-frame header",
                                i);
        }
    }
    if (compressedOffset != framesSize) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "seek table frames cover %llu bytes, but %llu precede the table",
                            (unsigned long long)compressedOffset, (unsigned long long)framesSize);
    }
    return PF_OK;
}

int pf_seek_table_read(const uint8_t *payload, size_t payloadSize, pf_seek_table *table,
                       pf_error *err)
{
    table->frames = NULL;
    table->frame_count = 0;
    table->frames_size = 0;

    if (payloadSize < PF_SEEK_FOOTER_SIZE) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "payload truncated: seek table footer needs %u bytes, %zu present",
                            PF_SEEK_FOOTER_SIZE, payloadSize);
    }
    const uint8_t *footer = payload + payloadSize - PF_SEEK_FOOTER_SIZE;
    uint32_t frameCount = pf_le32_load(footer);
    uint8_t descriptor = footer[4];
    uint32_t magic = pf_le32_load(footer + 5);
    if (magic != PF_SEEK_MAGIC) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "no seek table: footer magic is 0x%08X, expected 0x%08X (not a "
                            "pyfreeze payload, or cut short)",
                            magic, PF_SEEK_MAGIC);
    }
    if (descriptor & PF_SEEK_DESCRIPTOR_RESERVED) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "seek table descriptor 0x%02X has reserved bits set", descriptor);
    }
    if (frameCount == 0 || frameCount > PF_MAX_FRAMES) {
        return pf_error_set(err, PF_ERR_CORRUPT, "seek table frame count %u is not in 1..%u",
                            frameCount, PF_MAX_FRAMES);
    }

    /* frameCount <= 2^20, so these sums fit easily in 64 bits. */
    uint64_t entrySize = (descriptor & PF_SEEK_DESCRIPTOR_CHECKSUM) ? 12u : 8u;
    uint64_t tableSize = SKIPPABLE_HEADER_SIZE + entrySize * frameCount + PF_SEEK_FOOTER_SIZE;
    if (tableSize > payloadSize) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "payload truncated: seek table of %u frames needs %llu bytes, %zu "
                            "present",
                            frameCount, (unsigned long long)tableSize, payloadSize);
    }
    const uint8_t *start = payload + (payloadSize - tableSize);
    if (pf_le32_load(start) != PF_SEEK_SKIPPABLE_MAGIC) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "seek table skippable frame magic is 0x%08X, expected 0x%08X",
                            pf_le32_load(start), PF_SEEK_SKIPPABLE_MAGIC);
    }
    if (pf_le32_load(start + 4) != tableSize - SKIPPABLE_HEADER_SIZE) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "seek table frame size is %u, but %u frames need %llu",
                            pf_le32_load(start + 4), frameCount,
                            (unsigned long long)(tableSize - SKIPPABLE_HEADER_SIZE));
    }

    pf_frame *frames = calloc(frameCount, sizeof *frames);
    if (frames == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for a seek table of %u frames",
                            frameCount);
    }
    uint64_t framesSize = payloadSize - tableSize;
    int rc = read_entries(payload, start + SKIPPABLE_HEADER_SIZE, entrySize, frameCount, framesSize,
                          frames, err);
    if (rc != PF_OK) {
        free(frames);
        return rc;
    }
    table->frames = frames;
    table->frame_count = frameCount;
    table->frames_size = framesSize;
    return PF_OK;
}

void pf_seek_table_free(pf_seek_table *table)
{
    if (table != NULL) {
        free(table->frames);
        table->frames = NULL;
        table->frame_count = 0;
        table->frames_size = 0;
    }
}
