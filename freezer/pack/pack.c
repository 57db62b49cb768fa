/* pack.c - writing the payload (format: payload/payload.h); see pack.h.
 *
 * libarchive writes the pax tar stream into memory. With bytes_per_block 0
 * it hands every write straight to our callback and with bytes_in_last_block
 * 1 it adds no padding after the end-of-archive blocks, so the size of the
 * buffer after each call is the exact offset of what comes next: that is how
 * member header and data offsets are known without parsing the tar again.
 *
 * Layout: the index member first, its data reserved as zeros because the
 * index holds every member's frame and offset, which are known only after
 * all members are written; then every file in input order. Frame 0 is the
 * index member alone; a new frame starts at a member header once the current
 * frame holds frame_target bytes, and at the start-up and walk boundaries
 * (pack.h: startup_files, walk_files); the end-of-archive blocks close the last
 * frame. Finally the serialized index is written over the reserved zeros and
 * the stream is cut into zstd frames (seek_table_writer.h). */
#include "pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "index_writer.h"
#include "payload.h"

/* A single file must fit a frame with room to spare, and frames must stay
 * under PF_MAX_FRAME_SIZE: a frame holds at most frame_target bytes plus one
 * member (its headers are far below PF_PACK_HEADER_ROOM). */
#define PF_PACK_MAX_FILE_SIZE (PF_MAX_FRAME_SIZE / 2u)
#define PF_PACK_MAX_FRAME_TARGET (PF_MAX_FRAME_SIZE / 4u)
/* ustar's 11 octal digits; later times would need a pax header per member. */
#define PF_PACK_MAX_MTIME 077777777777LL

/* The libarchive write callback: append to the pfz_buffer. */
static la_ssize_t tar_write(struct archive *a, void *client, const void *buf, size_t size)
{
    pfz_buffer *out = client;
    pf_error err;
    if (pfz_buffer_append(out, buf, size, &err) != PF_OK) {
        archive_set_error(a, ENOMEM, "out of memory building the tar stream");
        return -1;
    }
    return (la_ssize_t)size;
}

/* archive_fail: turns libarchive's error on a into a pf_error naming what
 * was being written. */
static int archive_fail(struct archive *a, const char *what, pf_error *err)
{
    const char *why = archive_error_string(a);
    return pf_error_set(err, PF_ERR_IO, "libarchive failed writing %s: %s", what,
                        why != NULL ? why : "unknown error");
}

/* write_member: writes one regular-file member (header, data, padding) with
 * fixed owner and time so output depends only on the input. data may be
 * NULL to write size zero bytes (the reserved index). On PF_OK *data_offset
 * is the offset of the member's data in the tar stream. */
static int write_member(struct archive *a, struct archive_entry *e, const pfz_buffer *tar,
                        const char *path, const uint8_t *data, size_t size, uint32_t mode,
                        int64_t mtime, size_t *data_offset, pf_error *err)
{
    archive_entry_clear(e);
    archive_entry_set_pathname_utf8(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, (mode_t)(mode & 07777));
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) {
        return archive_fail(a, path, err);
    }
    *data_offset = tar->size;

    static const uint8_t zeros[4096];
    size_t done = 0;
    while (done < size) {
        const uint8_t *chunk = data != NULL ? data + done : zeros;
        size_t want = size - done;
        if (data == NULL && want > sizeof zeros) {
            want = sizeof zeros;
        }
        la_ssize_t n = archive_write_data(a, chunk, want);
        if (n <= 0) {
            return archive_fail(a, path, err);
        }
        done += (size_t)n;
    }
    if (archive_write_finish_entry(a) != ARCHIVE_OK) {
        return archive_fail(a, path, err);
    }
    return PF_OK;
}

/* check_input: rejects input that cannot make a valid payload, before any
 * work is done. Duplicate names are caught by the index writer. */
static int check_input(const pfz_pack_input *in, pf_error *err)
{
    if (in->file_count > PF_MAX_ENTRIES || in->module_count > PF_MAX_ENTRIES - in->file_count) {
        return pf_error_set(err, PF_ERR_USAGE, "too many entries (%zu files, %zu modules)",
                            in->file_count, in->module_count);
    }
    if (in->module_count == 0 || in->main_module >= in->module_count) {
        return pf_error_set(err, PF_ERR_USAGE, "no main module to pack");
    }
    if (in->frame_target == 0 || in->frame_target > PF_PACK_MAX_FRAME_TARGET ||
        in->late_frame_target > PF_PACK_MAX_FRAME_TARGET) {
        return pf_error_set(err, PF_ERR_USAGE, "frame target %zu or %zu bytes is out of range",
                            in->frame_target, in->late_frame_target);
    }
    if (in->walk_files != 0 &&
        (in->walk_files < in->startup_files || in->walk_files > in->file_count)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "walk_files %zu is not between startup_files %zu and the %zu files",
                            in->walk_files, in->startup_files, in->file_count);
    }
    if (in->mtime < 0 || in->mtime > PF_PACK_MAX_MTIME) {
        return pf_error_set(err, PF_ERR_USAGE, "time %lld is out of tar's range",
                            (long long)in->mtime);
    }
    for (size_t i = 0; i < in->file_count; i++) {
        const pfz_pack_file *f = &in->files[i];
        if (f->path == NULL || (f->data == NULL && f->size != 0)) {
            return pf_error_set(err, PF_ERR_USAGE, "file %zu has no path or data", i);
        }
        if (f->size > PF_PACK_MAX_FILE_SIZE) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "'%s' is too large to pack (%zu bytes; the limit is %u)", f->path,
                                f->size, PF_PACK_MAX_FILE_SIZE);
        }
    }
    for (size_t i = 0; i < in->module_count; i++) {
        const pfz_pack_module *m = &in->modules[i];
        if (m->name == NULL) {
            return pf_error_set(err, PF_ERR_USAGE, "module %zu has no name", i);
        }
        if (m->kind == PF_KIND_NAMESPACE ? m->file != SIZE_MAX : m->file >= in->file_count) {
            return pf_error_set(err, PF_ERR_USAGE, "module '%s' points at a missing file", m->name);
        }
    }
    return PF_OK;
}

/* build_index: adds every file (entry numbers 0..file_count-1, in order)
 * and module to w, and sets the main module, flags and magic. */
static int build_index(pfz_index_writer *w, const pfz_pack_input *in, pf_error *err)
{
    int rc;
    for (size_t i = 0; i < in->file_count; i++) {
        uint32_t number;
        rc = pfz_index_add_file(w, in->files[i].path, in->files[i].kind, &number, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    uint32_t main_number = PF_NONE;
    for (size_t i = 0; i < in->module_count; i++) {
        const pfz_pack_module *m = &in->modules[i];
        uint32_t member = m->file == SIZE_MAX ? PF_NONE : (uint32_t)m->file;
        uint32_t number;
        rc = pfz_index_add_module(w, m->name, m->kind, member, &number, err);
        if (rc != PF_OK) {
            return rc;
        }
        if (i == in->main_module) {
            main_number = number;
        }
    }
    for (size_t i = 0; i < in->left_out_count; i++) {
        uint32_t number;
        rc = pfz_index_add_left_out(w, in->left_out[i].name, in->left_out[i].kind, &number, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    rc = pfz_index_set_main(w, main_number, in->flags, err);
    if (rc != PF_OK) {
        return rc;
    }
    pfz_index_set_python_magic(w, in->python_magic);
    return pfz_index_set_glibc_floor(w, in->glibc_floor[0], in->glibc_floor[1], in->glibc_floor[2],
                                     err);
}

/* frame_bounds: a growable array of frame start offsets. */
typedef struct frame_bounds {
    size_t *at;
    size_t count;
    size_t capacity;
} frame_bounds;

static int bounds_push(frame_bounds *b, size_t offset, pf_error *err)
{
    if (b->count == b->capacity) {
        size_t cap = b->capacity != 0 ? b->capacity * 2 : 16;
        size_t *at = realloc(b->at, cap * sizeof *at);
        if (at == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory laying out frames");
        }
        b->at = at;
        b->capacity = cap;
    }
    b->at[b->count++] = offset;
    return PF_OK;
}

/* write_tar: writes the whole tar stream into tar, records frame bounds
 * (bounds->at[0] = 0, ..., last = tar->size) and every file's location in
 * w. *index_offset is where the index data (index_size bytes) is reserved. */
static int write_tar(const pfz_pack_input *in, pfz_index_writer *w, size_t index_size,
                     pfz_buffer *tar, frame_bounds *bounds, size_t *index_offset, pf_error *err)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    int rc = PF_OK;
    if (a == NULL || e == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory starting libarchive");
        goto done;
    }
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_none(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open2(a, tar, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
        rc = archive_fail(a, "the tar stream", err);
        goto done;
    }

    rc = bounds_push(bounds, 0, err);
    if (rc != PF_OK) {
        goto done;
    }
    rc = write_member(a, e, tar, PF_INDEX_MEMBER_NAME, NULL, index_size, 0644, in->mtime,
                      index_offset, err);
    if (rc != PF_OK) {
        goto done;
    }

    size_t frame_start = 0;
    for (size_t i = 0; i < in->file_count; i++) {
        const pfz_pack_file *f = &in->files[i];
        /* Frame 0 is the index alone; later frames are cut at the first
         * header boundary past frame_target. */
        int walk_end = in->walk_files > 0 && i == in->walk_files;
        size_t target = in->walk_files > 0 && i > in->walk_files && in->late_frame_target > 0
                            ? in->late_frame_target
                            : in->frame_target;
        if (i == 0 || (in->startup_files > 0 && i == in->startup_files) || walk_end ||
            tar->size - frame_start >= target) {
            frame_start = tar->size;
            rc = bounds_push(bounds, frame_start, err);
            if (rc != PF_OK) {
                goto done;
            }
        }
        if (walk_end) {
            pfz_index_set_walk_end(w, (uint32_t)(bounds->count - 1));
        }
        size_t data_offset;
        rc = write_member(a, e, tar, f->path, f->data, f->size, f->mode, in->mtime, &data_offset,
                          err);
        if (rc != PF_OK) {
            goto done;
        }
        /* Bounded by check_input: the frame holds < PF_MAX_FRAME_SIZE bytes. */
        rc = pfz_index_set_location(w, (uint32_t)i, (uint32_t)(bounds->count - 1),
                                    (uint32_t)(data_offset - frame_start), (uint32_t)f->size, err);
        if (rc != PF_OK) {
            goto done;
        }
    }
    /* With no files the end-of-archive blocks get a frame of their own, so
     * frame 0 still holds exactly the index member. */
    if (in->file_count == 0) {
        rc = bounds_push(bounds, tar->size, err);
        if (rc != PF_OK) {
            goto done;
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        rc = archive_fail(a, "the end of the tar stream", err);
        goto done;
    }
    rc = bounds_push(bounds, tar->size, err);
done:
    archive_entry_free(e);
    archive_write_free(a);
    return rc;
}

int pfz_pack(const pfz_pack_input *in, pfz_buffer *out, pf_error *err)
{
    int rc = check_input(in, err);
    if (rc != PF_OK) {
        return rc;
    }

    pfz_index_writer *w = pfz_index_writer_new();
    pfz_buffer tar = {0};
    frame_bounds bounds = {0};
    if (w == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory building the index");
        goto done;
    }
    rc = build_index(w, in, err);
    if (rc != PF_OK) {
        goto done;
    }

    size_t index_size = pfz_index_writer_size(w);
    size_t index_offset = 0;
    rc = write_tar(in, w, index_size, &tar, &bounds, &index_offset, err);
    if (rc != PF_OK) {
        goto done;
    }
    if (bounds.count - 1 > PF_MAX_FRAMES) {
        rc = pf_error_set(err, PF_ERR_USAGE, "too many frames (%zu)", bounds.count - 1);
        goto done;
    }
    uint32_t frame_count = (uint32_t)(bounds.count - 1);
    /* The index sits inside the tar written above: offset + size <= tar.size. */
    rc = pfz_index_serialize(w, frame_count, tar.data + index_offset, index_size, err);
    if (rc != PF_OK) {
        goto done;
    }
    rc = pfz_frames_compress_cached(tar.data, tar.size, bounds.at, frame_count, in->level,
                                    in->frame_store, out, err);
done:
    free(bounds.at);
    pfz_buffer_free(&tar);
    pfz_index_writer_free(w);
    return rc;
}
