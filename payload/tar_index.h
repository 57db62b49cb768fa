/* tar_index.h - parsing the payload's tar headers: the index member's in
 * frame 0 (the one tar parsing the runtime does) and, for verification
 * (payload_verify.h), any member's (format: payload.h; rule source: POSIX
 * pax, "ustar Interchange Format" and "pax Extended Header"). */
#ifndef PF_TAR_INDEX_H
#define PF_TAR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"
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

/* The longest member name pf_tar_read_member keeps (bytes): the index's
 * own limit on names. */
#define PF_TAR_NAME_MAX PF_MAX_NAME_SIZE

/* One tar member as its header(s) describe it. Offsets are from the start
 * of the buffer given to pf_tar_read_member. */
typedef struct pf_tar_member {
    size_t header_offset; /* its first header block (a pax 'x' one when present) */
    size_t data_offset;   /* its data, right after its ustar header */
    uint64_t size;        /* data bytes: the pax "size" record, else the ustar size field */
    size_t next_offset;   /* data_offset + size rounded up to 512: where the next header is */
    char typeflag;        /* the ustar typeflag: '0' or NUL for a regular file */
    size_t name_size;     /* bytes of name */
    char name[PF_TAR_NAME_MAX + 1]; /* pax "path", else ustar prefix "/" name; NUL-terminated
                                       (a pax path may hold NULs before it: use name_size) */
} pf_tar_member;

/* pf_tar_read_member: parses the member whose headers start at byte pos (a
 * multiple of 512, <= bufSize) of the tar data buf[0..bufSize): an
 * optional pax 'x' header (at most 64 KiB of records; "path" and "size"
 * override the ustar fields), then a ustar header (magic "ustar\0" "00",
 * checksum, except in fuzzing builds), and checks that its data, padded to
 * 512 bytes, lies inside buf. Any typeflag is accepted: the caller judges
 * m->typeflag. On PF_OK *m describes the member. Errors:
 * PF_ERR_NOT_FOUND (the block at pos is all zeros: an end-of-archive
 * block), PF_ERR_TRUNCATED (buf ends inside the headers or the padded
 * data), PF_ERR_CORRUPT (a malformed header, pax record or field, a pax path
 * over PF_TAR_NAME_MAX), PF_ERR_USAGE (pos not a block inside buf). */
int pf_tar_read_member(const uint8_t *buf, size_t bufSize, size_t pos, pf_tar_member *m,
                       pf_error *err);

#endif
