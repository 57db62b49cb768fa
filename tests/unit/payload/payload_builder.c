/* payload_builder.c - see payload_builder.h. */
#include "payload_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "index_writer.h"
#include "payload.h"
#include "pf_le.h"

static la_ssize_t tar_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
    (void)a;
    return pfz_buffer_append(ctx, buf, n, NULL) == PF_OK ? (la_ssize_t)n : -1;
}

/* write_member: one tar member; *dataStart is where its data begins. */
static int write_member(struct archive *a, const pfz_buffer *tar, const char *path,
                        const uint8_t *data, size_t size, int pax, size_t *dataStart)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 0, 0);
    if (pax) {
        /* ustar's uname holds 32 bytes: a longer one needs a pax record. */
        archive_entry_set_uname(e, "a-user-name-longer-than-ustar-allows-0123456789");
    }
    int ok = archive_write_header(a, e) == ARCHIVE_OK;
    *dataStart = tar->size;
    if (ok && size > 0) {
        ok = archive_write_data(a, data, size) == (la_ssize_t)size;
    }
    ok = ok && archive_write_finish_entry(a) == ARCHIVE_OK;
    archive_entry_free(e);
    if (!ok) {
        fprintf(stderr, "libarchive: %s\n", archive_error_string(a));
    }
    return ok ? 0 : -1;
}

int tb_build_tar(const tb_file *files, size_t fileCount, const tb_module *modules,
                 size_t moduleCount, const tb_options *opt, tb_tar *out)
{
    pf_error err;
    uint32_t *numbers = calloc(fileCount + 1, sizeof *numbers);
    pfz_index_writer *w = pfz_index_writer_new();
    struct archive *a = archive_write_new();
    size_t indexStart = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (numbers == NULL || w == NULL || a == NULL || fileCount == 0) {
        goto done;
    }
    for (size_t i = 0; i < fileCount; i++) {
        if (pfz_index_add_file(w, files[i].path, files[i].kind, &numbers[i], &err) != PF_OK) {
            fprintf(stderr, "%s\n", err.message);
            goto done;
        }
    }
    for (size_t i = 0; i < moduleCount; i++) {
        uint32_t number;
        uint32_t member = modules[i].file < 0 ? PF_NONE : numbers[modules[i].file];
        if (pfz_index_add_module(w, modules[i].name, modules[i].kind, member, &number, &err) !=
                PF_OK ||
            (i == 0 && pfz_index_set_main(w, number, 0, &err) != PF_OK)) {
            fprintf(stderr, "%s\n", err.message);
            goto done;
        }
    }
    static const uint8_t magic[4] = {0xa7, 0x0d, 0x0d, 0x0a}; /* CPython 3.11 */
    pfz_index_set_python_magic(w, magic);
    pfz_index_set_walk_end(w, opt->walk_end);

    /* Unbuffered, as the packer writes: every byte reaches tar_write at
     * once, so out->tar.size is the stream offset between calls. */
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open(a, &out->tar, NULL, tar_write, NULL) != ARCHIVE_OK) {
        fprintf(stderr, "libarchive: %s\n", archive_error_string(a));
        goto done;
    }
    size_t indexSize = pfz_index_writer_size(w);
    uint8_t *zeros = calloc(1, indexSize);
    if (zeros == NULL || write_member(a, &out->tar, PF_INDEX_MEMBER_NAME, zeros, indexSize,
                                      opt->pax_index, &indexStart) != 0) {
        free(zeros);
        goto done;
    }
    free(zeros);
    out->bounds[0] = 0;
    out->frame_count = 1;
    size_t frameStart = out->tar.size;
    for (size_t i = 0; i < fileCount; i++) {
        size_t dataStart;
        if (i % opt->files_per_frame == 0) {
            if (out->frame_count == TB_MAX_FRAMES) {
                goto done;
            }
            frameStart = out->tar.size;
            out->bounds[out->frame_count++] = frameStart;
        }
        if (write_member(a, &out->tar, files[i].path, files[i].data, files[i].size, 0,
                         &dataStart) != 0 ||
            pfz_index_set_location(w, numbers[i], out->frame_count - 1,
                                   (uint32_t)(dataStart - frameStart), (uint32_t)files[i].size,
                                   &err) != PF_OK) {
            goto done;
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        goto done;
    }
    out->bounds[out->frame_count] = out->tar.size;
    if (pfz_index_serialize(w, out->frame_count + opt->stored_frame, out->tar.data + indexStart,
                            indexSize, &err) != PF_OK) {
        fprintf(stderr, "%s\n", err.message);
        goto done;
    }
    rc = 0;
done:
    archive_write_free(a);
    pfz_index_writer_free(w);
    free(numbers);
    if (rc != 0) {
        pfz_buffer_free(&out->tar);
    }
    return rc;
}

int tb_compress(const tb_tar *t, int checksumFlag, int contentSizeFlag, uint8_t descriptor,
                pfz_buffer *out)
{
    uint32_t sizes[TB_MAX_FRAMES];
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    int rc = -1;

    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksumFlag);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, contentSizeFlag);
    for (uint32_t i = 0; i < t->frame_count; i++) {
        size_t n = t->bounds[i + 1] - t->bounds[i];
        size_t bound = ZSTD_compressBound(n);
        uint8_t *tmp = malloc(bound);
        size_t r =
            tmp == NULL ? 0 : ZSTD_compress2(cctx, tmp, bound, t->tar.data + t->bounds[i], n);
        if (tmp == NULL || ZSTD_isError(r) || pfz_buffer_append(out, tmp, r, NULL) != PF_OK) {
            free(tmp);
            goto done;
        }
        free(tmp);
        sizes[i] = (uint32_t)r;
    }
    unsigned entrySize = (descriptor & PF_SEEK_DESCRIPTOR_CHECKSUM) ? 12 : 8;
    uint8_t b[12] = {0};
    pf_le32_store(b, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(b + 4, t->frame_count * entrySize + PF_SEEK_FOOTER_SIZE);
    pfz_buffer_append(out, b, 8, NULL);
    for (uint32_t i = 0; i < t->frame_count; i++) {
        memset(b, 0, sizeof b);
        pf_le32_store(b, sizes[i]);
        pf_le32_store(b + 4, (uint32_t)(t->bounds[i + 1] - t->bounds[i]));
        pfz_buffer_append(out, b, entrySize, NULL);
    }
    pf_le32_store(b, t->frame_count);
    b[4] = descriptor;
    pf_le32_store(b + 5, PF_SEEK_MAGIC);
    rc = pfz_buffer_append(out, b, PF_SEEK_FOOTER_SIZE, NULL) == PF_OK ? 0 : -1;
done:
    ZSTD_freeCCtx(cctx);
    return rc;
}

int tb_build_payload(const tb_file *files, size_t fileCount, const tb_module *modules,
                     size_t moduleCount, const tb_options *opt, pfz_buffer *out)
{
    tb_tar t;
    pf_error err;
    if (tb_build_tar(files, fileCount, modules, moduleCount, opt, &t) != 0) {
        return -1;
    }
    int status =
        pfz_frames_compress(t.tar.data, t.tar.size, t.bounds, t.frame_count, opt->level, out, &err);
    if (status != PF_OK) {
        fprintf(stderr, "%s\n", err.message);
    }
    pfz_buffer_free(&t.tar);
    return status == PF_OK ? 0 : -1;
}

/* ---- the sample ---- */

enum { SAMPLE_FILES = 12 };
static uint8_t sample_data[SAMPLE_FILES][30000];
static tb_file sample_files[SAMPLE_FILES] = {
    {"lib/json/__init__.pyc", PF_KIND_BYTECODE, NULL, 1200},
    {"lib/json/decoder.pyc", PF_KIND_BYTECODE, NULL, 511},
    {"lib/json/encoder.pyc", PF_KIND_BYTECODE, NULL, 512},
    {"lib/json/scanner.pyc", PF_KIND_BYTECODE, NULL, 513},
    {"lib/json/scanner.py", PF_KIND_SOURCE, NULL, 3000},
    {"lib/_json.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, NULL, 30000},
    {"libs/libfoo.so.1", PF_KIND_LIBRARY, NULL, 7000},
    {"lib/app.pyc", PF_KIND_BYTECODE, NULL, 1},
    {"lib/mypkg/data/empty.txt", PF_KIND_DATA, NULL, 0},
    {"lib/mypkg/data/logo.png", PF_KIND_DATA, NULL, 5000},
    {"lib/mypkg/__init__.pyc", PF_KIND_BYTECODE, NULL, 300},
    {"lib/mypkg/sub.pyc", PF_KIND_BYTECODE, NULL, 4096},
};
static const tb_module sample_modules[] = {
    {"app", PF_KIND_MODULE, 7},          {"json", PF_KIND_PACKAGE, 0},
    {"json.decoder", PF_KIND_MODULE, 1}, {"json.encoder", PF_KIND_MODULE, 2},
    {"json.scanner", PF_KIND_MODULE, 3}, {"_json", PF_KIND_EXTENSION, 5},
    {"mypkg", PF_KIND_PACKAGE, 10},      {"mypkg.sub", PF_KIND_MODULE, 11},
    {"nspkg", PF_KIND_NAMESPACE, -1},
};

void tb_sample(const tb_file **files, size_t *fileCount, const tb_module **modules,
               size_t *moduleCount)
{
    /* Half text-like, half noise: frames compress, and all bytes differ. */
    uint32_t x = 12345;
    for (size_t i = 0; i < SAMPLE_FILES; i++) {
        for (size_t k = 0; k < sample_files[i].size; k++) {
            x = x * 1103515245u + 12345u;
            sample_data[i][k] = (i % 2) ? (uint8_t)(x >> 24) : (uint8_t)("abcdefgh\n"[k % 9] + i);
        }
        sample_files[i].data = sample_data[i];
    }
    *files = sample_files;
    *fileCount = SAMPLE_FILES;
    *modules = sample_modules;
    *moduleCount = sizeof sample_modules / sizeof sample_modules[0];
}

int tb_sample_payload(int paxIndex, pfz_buffer *out)
{
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_options opt = {.files_per_frame = 2, .pax_index = paxIndex, .level = 3};
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    return tb_build_payload(files, fileCount, modules, moduleCount, &opt, out);
}

int tb_collect(void *context, const uint8_t *data, size_t size)
{
    tb_collected *c = context;
    uint8_t *grown = realloc(c->data, c->size + size + 1);
    if (grown == NULL) {
        return -1;
    }
    memcpy(grown + c->size, data, size);
    c->data = grown;
    c->size += size;
    return 0;
}
