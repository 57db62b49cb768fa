/* tar_index.h - finding the index member's data in frame 0, the one tar
 * parsing the runtime does (format: payload.h; rule source: POSIX pax,
 * "ustar Interchange Format" and "pax Extended Header"). */
#ifndef PF_TAR_INDEX_H
#define PF_TAR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* pf_tar_find_index: parses the tar header(s) at the start of the
 * decompressed frame 0, frame[0..frameSize): an optional pax 'x' header
 * (at most 64 KiB of records; its "path" and "size" records override the
 * ustar fields), then the ustar header of PF_INDEX_MEMBER_NAME, a regular
 * file of at most PF_MAX_INDEX_SIZE bytes whose data, padded to 512 bytes,
 * ends exactly at the frame's end. Tar header checksums are checked
 * (except in fuzzing builds). On PF_OK, *dataOffset (from the frame's
 * start) and *dataSize (bytes) give the index's place, inside the frame.
 * Errors: PF_ERR_TRUNCATED (the frame ends inside the headers or the
 * data), PF_ERR_CORRUPT (anything else malformed). */
int pf_tar_find_index(const uint8_t *frame, size_t frameSize, size_t *dataOffset, size_t *dataSize,
                      pf_error *err);

#endif
