/* frame_levels.h - the zstd level of each payload frame: native code at a
 * faster level than bytecode (pack.h: native_level). */
#ifndef PFZ_FRAME_LEVELS_H
#define PFZ_FRAME_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* pfz_frame_level: the zstd level of a frame of frameSize bytes of tar
 * stream in which native members (PF_KIND_NATIVE, PF_KIND_LIBRARY) whose
 * headers are in the frame hold nativeBytes bytes of data:
 * in->native_level when that is at least half the frame, else in->level;
 * always in->level when in->native_level is 0. pfz_pack counts the bytes
 * as it writes the members. Why: native code is most of a scientific
 * program's payload, and zstd's level 4 compresses it about twice as fast
 * as level 6 for about 5 % more bytes, where bytecode loses more
 * (docs/performance.md, "Freeze time"). */
int pfz_frame_level(const pfz_pack_input *in, uint64_t nativeBytes, size_t frameSize);

#endif
