/* verify_command.h - `pyfreeze verify FILE`: checks a whole frozen program
 * with the payload library's verifier (payload/payload_verify.h) and says,
 * in one line, that it is intact or what is damaged first. */
#ifndef PFZ_VERIFY_COMMAND_H
#define PFZ_VERIFY_COMMAND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "payload_verify.h"
#include "pf_error.h"

/* pfz_verify_describe: words the damage in r (status not PF_OK) of the
 * file called name as one line in *err: "'NAME' is damaged: PART, frame
 * N, member M: WHAT; ..." (member names escaped), or "'NAME' is not a
 * frozen program: WHY". Returns r->status. */
int pfz_verify_describe(const pf_verify_result *r, const char *name, pf_error *err);

/* pfz_verify_file: maps the file at path read-only and checks all of it
 * (pf_verify_image, PF_VERIFY_FULL). Intact: writes one line to out
 * ("PATH: intact: N frames, M members, ...") and returns PF_OK. Else
 * returns the status with the one-line message of pfz_verify_describe in
 * *err: PF_ERR_CORRUPT / PF_ERR_TRUNCATED / PF_ERR_VERSION (damaged, or of
 * another pyfreeze version), PF_ERR_NOT_FOUND (not a frozen program),
 * PF_ERR_IO (cannot open or map it, not a regular file, writing out),
 * PF_ERR_NOMEM. */
int pfz_verify_file(const char *path, FILE *out, pf_error *err);

#endif
