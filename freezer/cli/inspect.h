/* inspect.h - `pyfreeze inspect FILE`: what a frozen program contains and
 * how big each part is, read with the runtime's own payload reader
 * (payload/payload_reader.h), so inspect sees exactly what the stub sees. */
#ifndef PFZ_INSPECT_H
#define PFZ_INSPECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pf_error.h"

/* pfz_inspect_image: prints to out the table for the frozen program
 * file[0..fileSize) (borrowed) called name: a first line saying whether the
 * executable is position-independent (ET_DYN, a --pie stub) or at a fixed
 * address (ET_EXEC, the default stub), one row per index entry (kind,
 * compressed and uncompressed bytes, name), then totals (entries, modules,
 * files, frames, payload bytes, uncompressed bytes, stub bytes), with a
 * second line saying which glibc the program needs (as the index records
 * it, payload.h: glibc_floor). Then every frame is decompressed and its
 * checksum checked (not only those a run would read). A file's
 * compressed size is its share of its frame's compressed size in proportion
 * to its uncompressed size; a module row shows its file's sizes.
 * Errors (message names the file and says what to do):
 * PF_ERR_NOT_FOUND (an ELF file without a .pyfreeze section: not a frozen
 * program), PF_ERR_CORRUPT / PF_ERR_TRUNCATED / PF_ERR_VERSION (not ELF, or
 * a damaged or foreign payload; PF_ERR_CORRUPT also when a frame is
 * damaged, after the listing: the message names the first damaged frame,
 * the first member it holds and how many frames are damaged),
 * PF_ERR_NOMEM, PF_ERR_IO (writing out). */
int pfz_inspect_image(const uint8_t *file, size_t fileSize, const char *name, FILE *out,
                      pf_error *err);

/* pfz_inspect_file: maps the file at path read-only and inspects it as
 * pfz_inspect_image does. Errors: those of pfz_inspect_image, and PF_ERR_IO
 * (cannot open or map it, it is a directory), PF_ERR_CORRUPT (empty). */
int pfz_inspect_file(const char *path, FILE *out, pf_error *err);

#endif
