/* verify_command.c - `pyfreeze verify FILE`; see verify_command.h. The
 * checks are the payload library's; this file maps the file and words the
 * result, escaping names from the file (it may be hostile, and the line
 * goes to a terminal). */
#include "verify_command.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest member name shown (escaped bytes), so the line fits a
 * pf_error message with the rest. */
#define SHOWN_NAME_MAX 160u

/* escape: name[0..size) into out (room for outSize bytes, NUL-terminated)
 * with bytes outside printable ASCII as \xNN, cut with "..." when long. */
static void escape(const char *name, size_t size, char *out, size_t outSize)
{
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)name[i];
        if (n + 8 >= outSize) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out[n++] = (char)c;
        } else {
            n += (size_t)snprintf(out + n, outSize - n, "\\x%02x", c);
        }
    }
    out[n] = '\0';
}

int pfz_verify_describe(const pf_verify_result *r, const char *name, pf_error *err)
{
    char where[64 + SHOWN_NAME_MAX] = "", member[SHOWN_NAME_MAX + 8];
    if (r->part == PF_VERIFY_NOT_PROGRAM) {
        return pf_error_set(err, (pf_status)r->status, "'%s' is not a frozen program: %s", name,
                            r->error.message);
    }
    if (r->part == PF_VERIFY_INTACT) { /* no verdict: out of memory */
        return pf_error_set(err, (pf_status)r->status, "cannot verify '%s': %s", name,
                            r->error.message);
    }
    size_t n = (size_t)snprintf(where, sizeof where, "%s", pf_verify_part_name(r->part));
    if (r->frame != PF_NONE && r->part != PF_VERIFY_FRAME) {
        n += (size_t)snprintf(where + n, sizeof where - n, ", frame %u", r->frame);
    } else if (r->frame != PF_NONE) {
        n += (size_t)snprintf(where + n, sizeof where - n, " %u", r->frame);
    }
    if (r->member_size > 0) {
        escape(r->member, r->member_size, member, sizeof member);
        snprintf(where + n, sizeof where - n, ", member %s", member);
    }
    if (r->status == PF_ERR_VERSION) {
        return pf_error_set(err, PF_ERR_VERSION,
                            "'%s' was made by another pyfreeze version (%s: %s): freeze the "
                            "program again with this one, or verify it with its own",
                            name, where, r->error.message);
    }
    return pf_error_set(err, (pf_status)r->status,
                        "'%s' is damaged: %s: %s; freeze the program again to replace it", name,
                        where, r->error.message);
}

/* map_file: maps the regular file at path read-only. Returns PF_OK with
 * *map and *size (bytes, > 0), or PF_ERR_IO / PF_ERR_NOT_FOUND (empty). */
static int map_file(const char *path, void **map, size_t *size, pf_error *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    }
    int rc = PF_OK;
    if (fstat(fd, &st) != 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = pf_error_set(err, PF_ERR_IO, "'%s' is not a regular file", path);
    } else if (st.st_size == 0) {
        rc = pf_error_set(err, PF_ERR_NOT_FOUND, "'%s' is not a frozen program: it is empty", path);
    } else if ((*map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) ==
               MAP_FAILED) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot map '%s': %s", path, strerror(errno));
    } else {
        *size = (size_t)st.st_size;
    }
    close(fd);
    return rc;
}

int pfz_verify_file(const char *path, FILE *out, pf_error *err)
{
    void *map = NULL;
    size_t size = 0;
    int rc = map_file(path, &map, &size, err);
    if (rc != PF_OK) {
        return rc;
    }
    pf_verify_result *r = malloc(sizeof *r);
    if (r == NULL) {
        munmap(map, size);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory verifying '%s'", path);
    }
    rc = pf_verify_image(map, size, PF_VERIFY_FULL, r);
    munmap(map, size);
    if (rc != PF_OK) {
        rc = pfz_verify_describe(r, path, err);
        free(r);
        return rc;
    }
    fprintf(out,
            "%s: intact: %u frames (every checksum verified), %u index entries, %u members in "
            "place; payload %llu bytes, %llu uncompressed\n",
            path, r->frame_count, r->entry_count, r->member_count,
            (unsigned long long)r->payload_size, (unsigned long long)r->checked_size);
    free(r);
    if (fflush(out) != 0 || ferror(out)) {
        return pf_error_set(err, PF_ERR_IO, "cannot write the result: %s", strerror(errno));
    }
    return PF_OK;
}
