/* frame_levels.c - the zstd level of each payload frame from the kinds of
 * the members it holds; see frame_levels.h. */
#include "frame_levels.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

/* frame_of: the frame holding tar offset pos: the last i with
 * bounds[i] <= pos (bounds ascending, bounds[0] == 0). */
static uint32_t frame_of(const size_t *bounds, uint32_t frame_count, size_t pos)
{
    uint32_t lo = 0, hi = frame_count; /* bounds[lo] <= pos < bounds[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (bounds[mid] <= pos) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* native_bytes: adds each native member's size to native[its frame].
 * Returns 1 when the stream's members are the index and then in->files (less
 * the stored ones) in order, else 0. */
static int native_bytes(const pfz_pack_input *in, const uint8_t *stored, const uint8_t *tar,
                        size_t tarSize, const size_t *bounds, uint32_t frame_count,
                        uint64_t *native)
{
    struct archive *a = archive_read_new();
    if (a == NULL || archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_open_memory(a, tar, tarSize) != ARCHIVE_OK) {
        archive_read_free(a);
        return 0;
    }
    struct archive_entry *e;
    size_t next = 0; /* the file the next member after the index must be */
    int first = 1, ok = 1;
    while (ok && archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *path = archive_entry_pathname(e);
        la_int64_t at = archive_read_header_position(a);
        if (first) {
            ok = path != NULL && strcmp(path, PF_INDEX_MEMBER_NAME) == 0;
            first = 0;
            continue;
        }
        while (next < in->file_count && stored != NULL && stored[next]) {
            next++;
        }
        const pfz_pack_file *f = next < in->file_count ? &in->files[next++] : NULL;
        ok = f != NULL && path != NULL && at >= 0 && (size_t)at < tarSize &&
             strcmp(path, f->path) == 0;
        if (ok && (f->kind == PF_KIND_NATIVE || f->kind == PF_KIND_LIBRARY)) {
            native[frame_of(bounds, frame_count, (size_t)at)] += f->size;
        }
    }
    while (ok && next < in->file_count && stored != NULL && stored[next]) {
        next++;
    }
    ok = ok && !first && next == in->file_count;
    archive_read_free(a);
    return ok;
}

int pfz_frame_levels(const pfz_pack_input *in, const uint8_t *stored, const uint8_t *tar,
                     size_t tarSize, const size_t *bounds, uint32_t frame_count, int **levels,
                     pf_error *err)
{
    *levels = NULL;
    if (in->native_level == 0 || in->native_level == in->level || frame_count == 0) {
        return PF_OK;
    }
    uint64_t *native = calloc(frame_count, sizeof *native);
    int *out = calloc(frame_count, sizeof *out);
    if (native == NULL || out == NULL) {
        free(native);
        free(out);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory choosing compression levels");
    }
    if (native_bytes(in, stored, tar, tarSize, bounds, frame_count, native)) {
        for (uint32_t i = 0; i < frame_count; i++) {
            out[i] = 2 * native[i] >= bounds[i + 1] - bounds[i] ? in->native_level : in->level;
        }
        *levels = out;
        out = NULL;
    }
    free(native);
    free(out);
    return PF_OK;
}
