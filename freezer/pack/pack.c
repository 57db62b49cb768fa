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
 * frame. The stream is never whole in memory: each frame is written into a
 * buffer of its own and handed to the frame queue (seek_table_writer.h) as
 * soon as it is complete, so a helper thread compresses it while the next
 * ones are written, and frees it. Frame 0 is kept until the end, when the
 * serialized index is written over its reserved zeros. Native code of
 * at least stored_min_size bytes is not in the tar: it goes, page-aligned,
 * into the stored frame put last, before the seek table (payload.h). */
#include "pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "frame_levels.h"
#include "index_writer.h"
#include "payload.h"
#include "pf_le.h"

/* Bytes a member adds to the stream besides its data: a pax header
 * block with its extended header when the path needs one, the ustar
 * header and the padding; a guess to size frame buffers, not a limit. */
#define PF_PACK_MEMBER_OVERHEAD 4096u

/* A single file must fit a frame with room to spare, and frames must stay
 * under PF_MAX_FRAME_SIZE: a frame holds at most frame_target bytes plus one
 * member (its headers are far below PF_PACK_HEADER_ROOM). */
#define PF_PACK_MAX_FILE_SIZE (PF_MAX_FRAME_SIZE / 2u)
#define PF_PACK_MAX_FRAME_TARGET (PF_MAX_FRAME_SIZE / 4u)
/* ustar's 11 octal digits; later times would need a pax header per member. */
#define PF_PACK_MAX_MTIME 077777777777LL

/* The tar stream being written: the current frame's bytes, where it starts
 * in the stream, and the native data whose headers are in it. */
typedef struct tar_sink {
    pfz_buffer frame;     /* the current frame's bytes */
    size_t start;         /* stream offset of frame.data[0] */
    uint64_t native;      /* bytes of native members' data in this frame (frame_levels.h) */
    uint64_t code;        /* of them, in code-heavy objects (pfz_native_is_code) */
    pfz_buffer index;     /* frame 0, the index member, kept until the index is known */
    pfz_frame_queue *out; /* the frames made so far */
} tar_sink;

/* sink_offset: the stream offset of the next byte written. */
static size_t sink_offset(const tar_sink *s)
{
    return s->start + s->frame.size;
}

/* The libarchive write callback: append to the current frame. */
static la_ssize_t tar_write(struct archive *a, void *client, const void *buf, size_t size)
{
    tar_sink *s = client;
    pf_error err;
    if (pfz_buffer_append(&s->frame, buf, size, &err) != PF_OK) {
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
static int write_member(struct archive *a, struct archive_entry *e, tar_sink *tar, const char *path,
                        const uint8_t *data, size_t size, uint32_t mode, int64_t mtime,
                        size_t *data_offset, pf_error *err)
{
    archive_entry_clear(e);
    archive_entry_set_pathname_utf8(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, (mode_t)(mode & 07777));
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_mtime(e, (time_t)mtime, 0);
    /* room for the whole member at once: a large one is not copied as
     * its frame's buffer doubles */
    if (pfz_buffer_reserve(&tar->frame, size + PF_PACK_MEMBER_OVERHEAD, err) != PF_OK) {
        return PF_ERR_NOMEM;
    }
    if (archive_write_header(a, e) != ARCHIVE_OK) {
        return archive_fail(a, path, err);
    }
    *data_offset = sink_offset(tar);

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

/* cut: ends the current frame at the stream's current offset (it holds
 * something): frame 0 is kept for the index, any other goes to the queue at
 * its level (frame_levels.h), which frees it; the next frame starts empty.
 * *frames counts the frames ended so far. */
static int cut(const pfz_pack_input *in, tar_sink *s, uint32_t *frames, pf_error *err)
{
    if (*frames >= PF_MAX_FRAMES) {
        return pf_error_set(err, PF_ERR_USAGE, "too many frames (over %u)", PF_MAX_FRAMES);
    }
    pfz_buffer f = s->frame;
    s->start += f.size;
    s->frame = (pfz_buffer){0};
    int rc = PF_OK;
    if (*frames == 0) {
        s->index = f;
    } else {
        rc = pfz_frame_queue_add(s->out, *frames, f.data, f.size,
                                 pfz_frame_level(in, s->native, s->code, f.size), 1, err);
    }
    s->native = 0;
    s->code = 0;
    (*frames)++;
    return rc;
}

/* is_stored: whether file f goes into the stored frame (pack.h:
 * stored_min_size) at stored offset *cursor (bytes from the frame's data
 * start); if so, advances *cursor past its pages. The frame's offsets stay
 * within what an index entry can say (PF_MAX_FRAME_SIZE); past that, native
 * code is compressed as before. */
static int is_stored(const pfz_pack_input *in, const pfz_pack_file *f, uint64_t *cursor)
{
    uint64_t pages = ((uint64_t)f->size + PF_STORED_ALIGN - 1u) & ~(uint64_t)(PF_STORED_ALIGN - 1u);
    if (in->stored_min_size == 0 || f->size < in->stored_min_size || f->size == 0 ||
        (f->kind != PF_KIND_NATIVE && f->kind != PF_KIND_LIBRARY) ||
        *cursor + pages > PF_MAX_FRAME_SIZE) {
        return 0;
    }
    *cursor += pages;
    return 1;
}

/* own_frame: whether file i goes into the tar (not stored) and is native
 * code of at least in->own_frame_min bytes, which gets a frame of its own
 * (pack.h). Without it, an extension module of a megabyte (unicodedata)
 * shared a frame with the modules discovered before it, and a program
 * importing one of those decompressed the megabyte it never loads. */
static int own_frame(const pfz_pack_input *in, const uint8_t *stored, size_t i)
{
    const pfz_pack_file *f = &in->files[i];
    return in->own_frame_min > 0 && !stored[i] &&
           (f->kind == PF_KIND_NATIVE || f->kind == PF_KIND_LIBRARY) &&
           f->size >= in->own_frame_min;
}

/* starts_frame: whether file i (in->files order) starts a new frame, given
 * `inFrame` bytes of tar stream already in the current frame and `last`,
 * the file last written into the tar (SIZE_MAX: none). The caller cuts
 * only where the current frame holds something. Frame 0 is the index
 * alone; the start-up files and the walk's end start frames (pack.h);
 * native code of own_frame_min bytes or more is alone in its frame; any
 * other frame is cut at the first header boundary past its target. */
static int starts_frame(const pfz_pack_input *in, const uint8_t *stored, size_t i, size_t inFrame,
                        size_t last)
{
    size_t target = in->walk_files > 0 && i > in->walk_files && in->late_frame_target > 0
                        ? in->late_frame_target
                        : in->frame_target;
    return i == 0 || (in->startup_files > 0 && i == in->startup_files) ||
           (in->walk_files > 0 && i == in->walk_files) || inFrame >= target ||
           own_frame(in, stored, i) || (last != SIZE_MAX && own_frame(in, stored, last));
}

/* write_tar: writes the whole tar stream into s, frame by frame (cut),
 * records every file's location in w and sets *frame_count. *index_offset
 * is where the index data (index_size bytes) is reserved in frame 0. */
static int write_tar(const pfz_pack_input *in, const uint8_t *stored, pfz_index_writer *w,
                     size_t index_size, tar_sink *s, uint32_t *frame_count, size_t *index_offset,
                     pf_error *err)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    int rc = PF_OK;
    uint32_t frames = 0; /* ended so far; the current frame's number */
    if (a == NULL || e == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory starting libarchive");
        goto done;
    }
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_none(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
        archive_write_open2(a, s, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
        rc = archive_fail(a, "the tar stream", err);
        goto done;
    }

    rc = write_member(a, e, s, PF_INDEX_MEMBER_NAME, NULL, index_size, 0644, in->mtime,
                      index_offset, err);
    if (rc != PF_OK) {
        goto done;
    }

    size_t last = SIZE_MAX;
    for (size_t i = 0; i < in->file_count; i++) {
        const pfz_pack_file *f = &in->files[i];
        int walk_end = in->walk_files > 0 && i == in->walk_files;
        /* a stored file adds nothing to the tar: no empty frame after it */
        if (s->frame.size > 0 && starts_frame(in, stored, i, s->frame.size, last)) {
            rc = cut(in, s, &frames, err);
            if (rc != PF_OK) {
                goto done;
            }
        }
        if (walk_end) {
            pfz_index_set_walk_end(w, frames);
        }
        if (stored[i]) {
            continue; /* in the stored frame, located by locate_stored */
        }
        last = i;
        size_t data_offset;
        rc =
            write_member(a, e, s, f->path, f->data, f->size, f->mode, in->mtime, &data_offset, err);
        if (rc != PF_OK) {
            goto done;
        }
        if (f->kind == PF_KIND_NATIVE || f->kind == PF_KIND_LIBRARY) {
            s->native += f->size; /* its header is in this frame */
            s->code +=
                in->native_code_level != 0 && pfz_native_is_code(f->data, f->size) ? f->size : 0;
        }
        /* Bounded by check_input: the frame holds < PF_MAX_FRAME_SIZE bytes. */
        rc = pfz_index_set_location(w, (uint32_t)i, frames, (uint32_t)(data_offset - s->start),
                                    (uint32_t)f->size, err);
        if (rc != PF_OK) {
            goto done;
        }
    }
    /* With no files the end-of-archive blocks get a frame of their own, so
     * frame 0 still holds exactly the index member. */
    if (in->file_count == 0) {
        rc = cut(in, s, &frames, err);
        if (rc != PF_OK) {
            goto done;
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        rc = archive_fail(a, "the end of the tar stream", err);
        goto done;
    }
    rc = cut(in, s, &frames, err);
    *frame_count = frames;
done:
    archive_entry_free(e);
    archive_write_free(a);
    return rc;
}

/* locate_stored: gives each stored file (stored[i] set) its place in
 * stored frame number `frame` (offsets as is_stored assigned them). */
static int locate_stored(const pfz_pack_input *in, const uint8_t *stored, pfz_index_writer *w,
                         uint32_t frame, pf_error *err)
{
    uint64_t cursor = 0;
    for (size_t i = 0; i < in->file_count; i++) {
        if (stored[i]) {
            int rc = pfz_index_set_location(w, (uint32_t)i, frame, (uint32_t)cursor,
                                            (uint32_t)in->files[i].size, err);
            if (rc != PF_OK) {
                return rc;
            }
            cursor += ((uint64_t)in->files[i].size + PF_STORED_ALIGN - 1u) &
                      ~(uint64_t)(PF_STORED_ALIGN - 1u);
        }
    }
    return PF_OK;
}

/* append_stored: inserts the stored frame (payload.h) before the seek table
 * that ends out (the payload starts at out->data + payloadStart), with the
 * stored files' bytes at the offsets locate_stored gave, and rewrites the
 * seek table with its entry (decompressed size 0) added. */
static int append_stored(const pfz_pack_input *in, const uint8_t *stored, pfz_buffer *out,
                         size_t payloadStart, pf_error *err)
{
    const uint8_t *footer = out->data + out->size - PF_SEEK_FOOTER_SIZE;
    uint32_t count = pf_le32_load(footer);
    size_t tableSize = 8u + 8u * (size_t)count + PF_SEEK_FOOTER_SIZE;
    uint8_t *table = malloc(tableSize + 8u);
    if (table == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for the stored frame");
    }
    memcpy(table, out->data + out->size - tableSize, tableSize - PF_SEEK_FOOTER_SIZE);
    out->size -= tableSize;
    uint64_t frameOffset = out->size - payloadStart;
    uint64_t start = PF_STORED_DATA_START(frameOffset);
    static const uint8_t zeros[PF_STORED_ALIGN];
    uint8_t header[PF_STORED_HEADER_SIZE];
    pf_le32_store(header, PF_STORED_MAGIC);
    int rc = pfz_buffer_append(out, header, sizeof header, err);
    if (rc == PF_OK) {
        rc = pfz_buffer_append(out, zeros, (size_t)(start - frameOffset - sizeof header), err);
    }
    for (size_t i = 0; i < in->file_count && rc == PF_OK; i++) {
        if (stored[i]) {
            size_t size = in->files[i].size;
            rc = pfz_buffer_append(out, in->files[i].data, size, err);
            if (rc == PF_OK && size % PF_STORED_ALIGN != 0) {
                rc = pfz_buffer_append(out, zeros, PF_STORED_ALIGN - size % PF_STORED_ALIGN, err);
            }
        }
    }
    uint64_t frameSize = out->size - payloadStart - frameOffset;
    if (rc == PF_OK && frameSize > UINT32_MAX) {
        rc = pf_error_set(err, PF_ERR_USAGE, "the stored native code exceeds 4 GiB");
    }
    if (rc == PF_OK) {
        pf_le32_store(out->data + payloadStart + frameOffset + 4,
                      (uint32_t)(frameSize - PF_STORED_HEADER_SIZE));
        pf_le32_store(table + 4, (uint32_t)tableSize); /* (count + 1) * 8 + footer */
        pf_le32_store(table + tableSize - PF_SEEK_FOOTER_SIZE, (uint32_t)frameSize);
        pf_le32_store(table + tableSize - PF_SEEK_FOOTER_SIZE + 4, 0);
        uint8_t tail[PF_SEEK_FOOTER_SIZE];
        pf_le32_store(tail, count + 1u);
        tail[4] = 0; /* descriptor: no per-entry checksums */
        pf_le32_store(tail + 5, PF_SEEK_MAGIC);
        memcpy(table + tableSize + 8u - PF_SEEK_FOOTER_SIZE, tail, sizeof tail);
        rc = pfz_buffer_append(out, table, tableSize + 8u, err);
    }
    free(table);
    return rc;
}

/* finish: the index serialized over its reserved zeros in frame 0 (of
 * s, index_size bytes at index_offset) and frame 0 queued, then the
 * queue's output completed: frames frame_count, plus the stored frame when
 * any_stored, which append_stored adds, and the seek table. */
static int finish(const pfz_pack_input *in, pfz_index_writer *w, tar_sink *s, size_t index_offset,
                  size_t index_size, uint32_t frame_count, int any_stored, pf_error *err)
{
    if (index_offset > s->index.size || index_size > s->index.size - index_offset) {
        return pf_error_set(err, PF_ERR_USAGE, "the index is not inside frame 0");
    }
    int rc = pfz_index_serialize(w, frame_count + (uint32_t)any_stored,
                                 s->index.data + index_offset, index_size, err);
    if (rc != PF_OK) {
        return rc;
    }
    pfz_buffer index = s->index;
    s->index = (pfz_buffer){0}; /* the queue owns it now */
    rc = pfz_frame_queue_add(s->out, 0, index.data, index.size,
                             pfz_frame_level(in, 0, 0, index.size), 1, err);
    return rc == PF_OK ? pfz_frame_queue_finish(s->out, frame_count, err) : rc;
}

int pfz_pack(const pfz_pack_input *in, pfz_buffer *out, pf_error *err)
{
    int rc = check_input(in, err);
    if (rc != PF_OK) {
        return rc;
    }

    pfz_index_writer *w = pfz_index_writer_new();
    tar_sink sink = {0};
    size_t payloadStart = out->size;
    uint8_t *stored = calloc(in->file_count + 1u, 1);
    uint64_t storedCursor = 0;
    int anyStored = 0;
    for (size_t i = 0; stored != NULL && i < in->file_count; i++) {
        stored[i] = (uint8_t)is_stored(in, &in->files[i], &storedCursor);
        anyStored |= stored[i];
    }
    if (w == NULL || stored == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory building the index");
        goto done;
    }
    rc = build_index(w, in, err);
    if (rc == PF_OK) {
        rc = pfz_frame_queue_new(in->frame_store, out, &sink.out, err);
    }
    if (rc != PF_OK) {
        goto done;
    }

    size_t index_size = pfz_index_writer_size(w);
    size_t index_offset = 0;
    uint32_t frame_count = 0;
    rc = write_tar(in, stored, w, index_size, &sink, &frame_count, &index_offset, err);
    if (rc == PF_OK && anyStored) {
        rc = locate_stored(in, stored, w, frame_count, err);
    }
    if (rc == PF_OK) {
        rc = finish(in, w, &sink, index_offset, index_size, frame_count, anyStored, err);
    }
    if (rc == PF_OK && anyStored) {
        rc = append_stored(in, stored, out, payloadStart, err);
        if (rc != PF_OK) {
            out->size = payloadStart;
        }
    }
done:
    pfz_frame_queue_free(sink.out);
    free(stored);
    pfz_buffer_free(&sink.frame);
    pfz_buffer_free(&sink.index);
    pfz_index_writer_free(w);
    return rc;
}
