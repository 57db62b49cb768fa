/* frame_levels.c - the zstd level of a payload frame from the kinds of the
 * members it holds; see frame_levels.h. */
#include "frame_levels.h"

int pfz_frame_level(const pfz_pack_input *in, uint64_t nativeBytes, size_t frameSize)
{
    if (in->native_level == 0) {
        return in->level;
    }
    return 2u * nativeBytes >= (uint64_t)frameSize ? in->native_level : in->level;
}
