/* frame_levels.h - the zstd level of each payload frame: native code at a
 * faster level than bytecode (pack.h: native_level). */
#ifndef PFZ_FRAME_LEVELS_H
#define PFZ_FRAME_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"
#include "pf_error.h"

/* pfz_frame_levels: for the tar stream tar[0..tarSize) that pfz_pack wrote
 * for in (the index member first, then in->files in order less those with
 * stored[i] set; stored may be NULL), cut into frame_count frames at
 * bounds[0..frame_count] (byte offsets into tar), sets *levels to a
 * malloc'd array (the caller frees it) of frame_count zstd levels:
 * in->native_level for a frame at least half of whose bytes are the data of
 * native members (PF_KIND_NATIVE, PF_KIND_LIBRARY), in->level for the
 * others. *levels is NULL, and every frame takes in->level, when
 * in->native_level is 0 or in->level, or when the stream's members are not
 * in->files in that order. Members are found by reading the stream back
 * with libarchive (each header's position), so the writer keeps no record
 * for this. Why: native code is most of a scientific program's payload,
 * and zstd's level 3 compresses it about 2.7 times faster than level 6 for
 * about 3 % more bytes, where bytecode loses more (docs/performance.md).
 * Returns PF_OK or PF_ERR_NOMEM. */
int pfz_frame_levels(const pfz_pack_input *in, const uint8_t *stored, const uint8_t *tar,
                     size_t tarSize, const size_t *bounds, uint32_t frame_count, int **levels,
                     pf_error *err);

#endif
