/* index_writer.h - building the payload index (layout: payload.h).
 * The freezer adds entries, then serialises; the size of the result is known
 * before frames are assigned (pf_index_writer_size), so the packer can reserve
 * the index member's room in frame 0 and fill it in afterwards. */
#ifndef PFZ_INDEX_WRITER_H
#define PFZ_INDEX_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

typedef struct pfz_index_writer pfz_index_writer;

/* pfz_index_writer_new: an empty writer, or NULL when out of memory. */
pfz_index_writer *pfz_index_writer_new(void);
/* pfz_index_writer_free: accepts NULL. */
void pfz_index_writer_free(pfz_index_writer *w);

/* pfz_index_add_file: adds a file entry named path (a tar path containing
 * '/'), kind PF_KIND_BYTECODE..PF_KIND_DATA, with frame/offset/size filled
 * later by pfz_index_set_location. On PF_OK *number is the entry number.
 * Errors: PF_ERR_USAGE (duplicate name, bad kind, name without '/', empty or
 * longer than PF_MAX_NAME_SIZE), PF_ERR_NOMEM. */
int pfz_index_add_file(pfz_index_writer *w, const char *path, uint32_t kind, uint32_t *number,
                       pf_error *err);

/* pfz_index_add_module: adds a module entry (dotted name, no '/'), kind
 * PF_KIND_MODULE..PF_KIND_EXTENSION, whose data is file entry member
 * (PF_NONE only for PF_KIND_NAMESPACE). member must already be added and be
 * a PF_KIND_BYTECODE entry (PF_KIND_NATIVE for PF_KIND_EXTENSION): the
 * reader refuses other pairings. Errors as pfz_index_add_file. */
int pfz_index_add_module(pfz_index_writer *w, const char *name, uint32_t kind, uint32_t member,
                         uint32_t *number, pf_error *err);

/* pfz_index_add_left_out: adds the name (dotted, no '/') of a module the
 * freezer knew of and did not pack, kind PF_KIND_NOT_FOLLOWED or
 * PF_KIND_EXCLUDED (payload.h). It must not be the name of a module entry:
 * names are unique. Errors as pfz_index_add_file. */
int pfz_index_add_left_out(pfz_index_writer *w, const char *name, uint32_t kind, uint32_t *number,
                           pf_error *err);

/* pfz_index_set_location: sets where file entry number's data lies: frame
 * number, offset from the frame's decompressed start, size (bytes). */
int pfz_index_set_location(pfz_index_writer *w, uint32_t number, uint32_t frame, uint32_t offset,
                           uint32_t size, pf_error *err);

/* pfz_index_set_main: the main module entry and PF_INDEX_FLAG_* flags. */
int pfz_index_set_main(pfz_index_writer *w, uint32_t module_number, uint32_t flags, pf_error *err);

/* pfz_index_set_walk_end: the header's walk_end (payload.h), a
 * frame number; 0 or one at or past the frame count given to
 * pfz_index_serialize stands for that count (no frame left out). */
void pfz_index_set_walk_end(pfz_index_writer *w, uint32_t frame);

/* pfz_index_set_python_magic: the 4-byte .pyc magic of the compiling CPython. */
void pfz_index_set_python_magic(pfz_index_writer *w, const uint8_t magic[4]);

/* pfz_index_set_glibc_floor: the header's glibc floor (payload.h:
 * glibc_floor), e.g. 2, 31, 0 for glibc 2.31; unset, it is 0.0.0 (needs no
 * versioned glibc symbol). Errors: PF_ERR_USAGE (a part over
 * PF_INDEX_MAX_GLIBC_PART; nothing is changed). */
int pfz_index_set_glibc_floor(pfz_index_writer *w, uint32_t major, uint32_t minor, uint32_t patch,
                              pf_error *err);

/* pfz_index_writer_size: bytes pfz_index_serialize will produce; fixed once
 * all entries are added (locations do not change it). */
size_t pfz_index_writer_size(const pfz_index_writer *w);

/* pfz_index_serialize: writes the index, with frame_count frames, into
 * dst[0..dstCapacity); dstCapacity must be >= pfz_index_writer_size. Entries
 * are written in the order added; hash slots and checksum are computed here.
 * Errors: PF_ERR_USAGE (room too small, a file entry without location,
 * no main entry). */
int pfz_index_serialize(const pfz_index_writer *w, uint32_t frame_count, uint8_t *dst,
                        size_t dstCapacity, pf_error *err);

#endif
