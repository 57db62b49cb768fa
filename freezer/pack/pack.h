/* pack.h - stage 4 of the freezer: writing the payload (payload/payload.h)
 * from files and module records: a pax tar stream written by libarchive,
 * cut into independent zstd frames at member boundaries, with the index in
 * frame 0 and the seek table at the end. */
#ifndef PFZ_PACK_H
#define PFZ_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"
#include "seek_table_writer.h"

typedef struct pfz_pack_file {
    const char *path;    /* tar path ("lib/json/__init__.pyc"), contains '/' */
    uint32_t kind;       /* PF_KIND_BYTECODE .. PF_KIND_DATA */
    const uint8_t *data; /* borrowed */
    size_t size;         /* bytes */
    uint32_t mode;       /* permission bits for the tar header, e.g. 0644 */
} pfz_pack_file;

typedef struct pfz_pack_module {
    const char *name; /* dotted module name */
    uint32_t kind;    /* PF_KIND_MODULE .. PF_KIND_EXTENSION (left_out: PF_KIND_IS_LEFT_OUT) */
    size_t file;      /* index into files, or SIZE_MAX for a namespace package */
} pfz_pack_module;

typedef struct pfz_pack_input {
    const pfz_pack_file *files; /* written in this order (import locality) */
    size_t file_count;
    const pfz_pack_module *modules;
    size_t module_count;
    size_t main_module; /* index into modules */
    uint32_t flags;     /* PF_INDEX_FLAG_* */
    uint8_t python_magic[4];
    uint32_t glibc_floor[3];            /* the glibc the program needs: major, minor, patch
                                           (payload.h: glibc_floor); all 0: none */
    int level;                          /* zstd compression level */
    int native_level;                   /* zstd level of a frame mostly of native code
                                           (frame_levels.h); 0: level */
    int native_code_level;              /* zstd level (PFZ_LEVEL_RAW_LITERALS allowed) of
                                           such a frame whose native bytes are mostly in
                                           code-heavy objects (frame_levels.h:
                                           pfz_native_is_code); 0: native_level */
    size_t frame_target;                /* bytes of tar stream per frame before cutting */
    size_t startup_files;               /* when > 0: files[0 .. startup_files) (what every run
                                           imports) get frame 1 to themselves, so a start
                                           decompresses only what it needs */
    size_t walk_files;                  /* 0, or startup_files..file_count; when > 0 and
                                           < file_count:
                                           files[startup_files .. walk_files) are what the
                                           program's modules import as they load
                                           (module_graph.h: walk_count); files[walk_files]
                                           starts a new frame, the index's walk_end, past
                                           which the prefetch thread does not walk. Else
                                           walk_end is the frame count. */
    size_t late_frame_target;           /* bytes of tar stream per frame from walk_files
                                           on; 0: frame_target */
    int64_t mtime;                      /* seconds since the epoch for every tar header */
    const pfz_frame_store *frame_store; /* compressed frames to reuse, or NULL */

    /* names the freezer knew of and did not pack, kind PF_KIND_NOT_FOLLOWED or
     * PF_KIND_EXCLUDED (file unused), none a module's name; or NULL */
    const pfz_pack_module *left_out;
    size_t left_out_count;
    /* native code (PF_KIND_NATIVE, PF_KIND_LIBRARY) of at least this many
     * bytes goes uncompressed and page-aligned into the stored frame
     * (payload.h), whose read-only segments the runtime maps from the
     * executable file; 0: none is stored, every member is compressed */
    size_t stored_min_size;
    /* native code (PF_KIND_NATIVE, PF_KIND_LIBRARY) not stored and of at
     * least this many bytes gets a frame of its own (pack.c: own_frame):
     * a start that imports a module packed beside it does not decompress
     * it, and one that loads it decompresses nothing else; 0: none does */
    size_t own_frame_min;
} pfz_pack_input;

/* pfz_pack: appends the payload for in to out. The same input always gives
 * the same bytes, with or without a frame_store. Errors: PF_ERR_USAGE (bad input: duplicate path,
 * module pointing at a missing file), PF_ERR_NOMEM, PF_ERR_IO (libarchive or zstd failed; message
 * says which). */
int pfz_pack(const pfz_pack_input *in, pfz_buffer *out, pf_error *err);

#endif
