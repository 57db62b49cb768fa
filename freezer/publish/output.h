/* output.h - publishing the executable atomically: it is written to a
 * temporary file beside OUT (same directory, so rename(2) is atomic, and
 * created with O_EXCL under an unpredictable name, so nothing planted there
 * is followed or reused), flushed with fsync, made 0755 and renamed over
 * OUT. On any failure the temporary file is removed: OUT is either the old
 * file or the complete new one, never a half-written executable. */
#ifndef PFZ_OUTPUT_H
#define PFZ_OUTPUT_H

#include <stddef.h>

#include "pf_error.h"

typedef struct pfz_output {
    char *path;      /* OUT as given (owned copy) */
    char *temp_path; /* the temporary file, NULL when none exists */
    int fd;          /* open on temp_path, -1 when closed */
} pfz_output;

/* pfz_output_check: checks, before any work is done, that path can be
 * published and is not one of the inputs. inputs[0..input_count) are the
 * files read (script, stub); NULL entries are skipped. Errors: PF_ERR_USAGE
 * with one line naming the file and what to do: the output directory is
 * missing or not a directory or not writable, path is a directory or an
 * existing non-regular file (a device, a FIFO), or path is the same file
 * (st_dev and st_ino) as an input. */
int pfz_output_check(const char *path, const char *const *inputs, size_t input_count,
                     pf_error *err);

/* pfz_output_begin: creates the temporary file beside path, mode 0600, and
 * fills *out (its fd is open read-write, empty). Errors: PF_ERR_USAGE as
 * pfz_output_check for the directory, PF_ERR_IO (creation failed; errno text
 * in the message), PF_ERR_NOMEM. On error nothing is left on disk. */
int pfz_output_begin(pfz_output *out, const char *path, pf_error *err);

/* pfz_output_commit: fsyncs, makes the file 0755, closes it and renames it
 * over the output path, then fsyncs the directory so the rename survives a
 * crash. When the output path already is a regular 0755 file of this user
 * with exactly the temporary file's bytes (the same program frozen again),
 * it is kept (same inode) and only its modification time set to now; the
 * temporary file is removed. Errors: PF_ERR_IO naming the output and the
 * failing call (e.g. a full disk reported by fsync or close). On error the
 * temporary file is removed. Either way *out is released afterwards. */
int pfz_output_commit(pfz_output *out, pf_error *err);

/* pfz_output_abort: closes and removes the temporary file and releases
 * *out; accepts a zeroed or already-released pfz_output. */
void pfz_output_abort(pfz_output *out);

#endif
