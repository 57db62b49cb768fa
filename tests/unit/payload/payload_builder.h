/* payload_builder.h - builds real payloads in memory for the reader's tests
 * and the fuzzer's seed: a pax tar written by libarchive (index member
 * first), cut into frames at member boundaries, the index written by the
 * freezer's index writer, compressed by its seek table writer or, for
 * error tests, by tb_compress with chosen zstd flags. */
#ifndef PF_TEST_PAYLOAD_BUILDER_H
#define PF_TEST_PAYLOAD_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "seek_table_writer.h"

#define TB_MAX_FRAMES 64

typedef struct tb_file {
    const char *path; /* tar path with '/' */
    uint32_t kind;    /* PF_KIND_BYTECODE .. PF_KIND_DATA */
    const uint8_t *data;
    size_t size;
} tb_file;

typedef struct tb_module {
    const char *name;
    uint32_t kind; /* PF_KIND_MODULE .. PF_KIND_EXTENSION */
    int file;      /* index into the files, -1 for a namespace package */
} tb_module;

typedef struct tb_options {
    size_t files_per_frame; /* members per frame after frame 0, >= 1 */
    int pax_index;          /* give the index member a pax 'x' header */
    int level;              /* zstd level */
    uint32_t walk_end;      /* the index's walk_end; 0: the frame count */
    uint32_t stored_frame;  /* 1: the index counts one frame more, a stored frame the caller
                               adds before the seek table (payload.h); else 0 */
} tb_options;

/* The uncompressed result: tar stream and where frames start. */
typedef struct tb_tar {
    pfz_buffer tar;
    size_t bounds[TB_MAX_FRAMES + 1];
    uint32_t frame_count;
} tb_tar;

/* tb_build_tar: writes files and modules (main = modules[0]) as a tar with
 * its index into *out. Returns 0, or -1 after printing why. */
int tb_build_tar(const tb_file *files, size_t fileCount, const tb_module *modules,
                 size_t moduleCount, const tb_options *opt, tb_tar *out);

/* tb_compress: compresses t's frames with the given zstd frame flags and
 * appends a seek table (descriptor byte as given, 12-byte entries with a
 * zero checksum when bit 7 is set). Returns 0 or -1. */
int tb_compress(const tb_tar *t, int checksumFlag, int contentSizeFlag, uint8_t descriptor,
                pfz_buffer *out);

/* tb_build_payload: tb_build_tar then pfz_frames_compress. Returns 0 or -1. */
int tb_build_payload(const tb_file *files, size_t fileCount, const tb_module *modules,
                     size_t moduleCount, const tb_options *opt, pfz_buffer *out);

/* tb_sample: a fixed set of a dozen files (sizes 0 to 30 KB) and their
 * modules; 2 files per frame gives more frames than the reader caches. */
void tb_sample(const tb_file **files, size_t *fileCount, const tb_module **modules,
               size_t *moduleCount);

/* tb_sample_payload: tb_sample built with 2 files per frame at level 3. */
int tb_sample_payload(int paxIndex, pfz_buffer *out);

/* What tb_collect has gathered: data (malloc'd, the caller frees; one
 * spare byte past size) and size (bytes). Start from {NULL, 0}. */
typedef struct tb_collected {
    uint8_t *data;
    size_t size;
} tb_collected;

/* tb_collect: a pf_payload_sink (payload_prefetch.h) appending to the
 * tb_collected *context. Returns 0, or -1 when out of memory. */
int tb_collect(void *context, const uint8_t *data, size_t size);

#endif
