/* program_floor.h - the glibc a frozen program needs: the highest glibc
 * symbol version (glibc_floor.h) over its executable (the stub) and every
 * packed extension module and shared library (native_files.h), which file
 * and which symbol set it, and the check of a limit the user gave
 * (--max-glibc). ld.so refuses to start a program, or dlopen refuses an
 * object, whose verneed names a GLIBC_x.y the system's libc lacks
 * ("version `GLIBC_2.34' not found"), so the highest need over everything
 * a run may load is the oldest glibc the program runs on. */
#ifndef PFZ_PROGRAM_FLOOR_H
#define PFZ_PROGRAM_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include "glibc_floor.h"
#include "native_files.h"
#include "pf_error.h"

/* The floor of one program and where it comes from. */
typedef struct pfz_glibc_floor {
    pfz_glibc_need need; /* the highest version and a symbol needing it; all zero when
                            nothing needs a versioned glibc symbol */
    const char *file;    /* borrowed: the file with that need as users see it: the stub's
                            path, or a packed member's tar path ("libs/libcrypto.so.3");
                            NULL when need is all zero. Of equal needs, the first file in
                            the order stub, extension modules, libraries. */
    const char *source;  /* borrowed: the file on disk a member was read from; NULL for
                            the stub */
    uint32_t kind;       /* 0 for the stub, else the member's PF_KIND_NATIVE or
                            PF_KIND_LIBRARY */
    size_t over_limit;   /* how many files need more than the limit given (0 without one) */
} pfz_glibc_floor;

/* pfz_glibc_floor_of_program: the floor over the stub at path stub (read
 * with libelf) and each of native's files (their bytes in memory; native
 * may be NULL), counting in out->over_limit the files needing more than
 * *limit (limit may be NULL). out borrows names from stub and native, which
 * must outlive it. Errors (the message names the file): those of
 * pfz_glibc_need_of_file for the stub (PF_ERR_IO, PF_ERR_CORRUPT,
 * PF_ERR_VERSION, PF_ERR_NOMEM) and of pfz_glibc_need_of_image for a
 * member. */
int pfz_glibc_floor_of_program(const char *stub, const pfz_native_files *native,
                               const pfz_glibc_version *limit, pfz_glibc_floor *out, pf_error *err);

/* pfz_glibc_floor_check: PF_OK when floor needs at most *limit (limit NULL:
 * no limit). Else PF_ERR_VERSION with one line naming the file (and where a
 * member came from), the symbol@GLIBC_version, the limit as option names
 * it (the text of --max-glibc, e.g. "2.31"), how many other files are over
 * it, and what to do. */
int pfz_glibc_floor_check(const pfz_glibc_floor *floor, const pfz_glibc_version *limit,
                          const char *option, pf_error *err);

#endif
