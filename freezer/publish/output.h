/* output.h - publishing the executable atomically, leaving nothing else
 * behind: OUT is either the old file or the complete new one, never a
 * half-written executable, and a freeze killed at any moment (SIGKILL, a
 * crash, a power cut) leaves no temporary file for good.
 *
 * How: the executable is written into an anonymous file (O_TMPFILE) in OUT's
 * directory, which the kernel frees if the process dies; only when it is
 * complete, fsynced and 0755 is it given a name (linkat through
 * /proc/self/fd) and renamed over OUT (same directory, so rename(2) is
 * atomic). Where O_TMPFILE is not supported (some file systems) or /proc is
 * missing, the file is created with a name from the start, with O_EXCL and
 * O_NOFOLLOW under an unpredictable name, so nothing planted there is
 * followed or reused. Either way the name is ".NAME.pyfreeze-PID-RANDOM"
 * (PID: the creating process), and every publication first removes, in its
 * directory, the files of that pattern whose process is gone and that no
 * process holds locked: what a freeze killed between naming and renaming
 * (a window of two system calls), or killed while writing a named file,
 * left. */
#ifndef PFZ_OUTPUT_H
#define PFZ_OUTPUT_H

#include <stddef.h>

#include "pf_error.h"

typedef struct pfz_output {
    char *path;      /* OUT as given (owned copy); NULL when released */
    char *temp_name; /* the temporary file's name in dir_fd (owned); NULL
                        while it has none (anonymous) or after it is gone */
    int fd;          /* the temporary file, read-write; -1 when closed */
    int dir_fd;      /* OUT's directory; -1 when closed */
    int anonymous;   /* 1: fd is an O_TMPFILE file, named only at commit */
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

/* pfz_output_begin: removes the stale temporary files of dead freezes in
 * path's directory (see the top; best effort, never an error), then creates
 * the temporary file, mode 0600, anonymous where possible, and fills *out
 * (its fd is open read-write, empty, locked with flock(2) so that no other
 * freeze removes it). Errors: PF_ERR_USAGE as pfz_output_check for the
 * directory, PF_ERR_IO (creation failed; errno text in the message),
 * PF_ERR_NOMEM. On error nothing is left on disk and *out is released. */
int pfz_output_begin(pfz_output *out, const char *path, pf_error *err);

/* pfz_output_commit: fsyncs, makes the file 0755, names it (an anonymous
 * file), closes it and renames it over the output path, then fsyncs the
 * directory so the rename survives a crash. When the output path already is a regular 0755 file of
 * this user with exactly the temporary file's bytes (the same program frozen again), it is kept
 * (same inode) and only its modification time set to now; the temporary file is removed. Errors:
 * PF_ERR_IO naming the output and the failing call (e.g. a full disk reported by fsync or close).
 * On error the temporary file is removed. Either way *out is released afterwards. */
int pfz_output_commit(pfz_output *out, pf_error *err);

/* pfz_output_abort: closes and removes the temporary file and releases
 * *out; accepts a zeroed or already-released pfz_output (path NULL: nothing
 * is closed, not even descriptor 0). */
void pfz_output_abort(pfz_output *out);

#endif
