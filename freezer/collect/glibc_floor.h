/* glibc_floor.h - the oldest glibc an ELF object can run on: the highest
 * GLIBC_x.y[.z] version among the symbol versions it needs (its
 * SHT_GNU_verneed section, ".gnu.version_r"), and one symbol that needs it
 * (from SHT_GNU_versym, ".gnu.version"). Rule source: the LSB Core
 * specification, "Symbol Versioning" (Elfxx_Verneed, Elfxx_Vernaux,
 * versym indices), as glibc's ld.so checks it before running a program:
 * "version `GLIBC_2.34' not found". */
#ifndef PFZ_GLIBC_FLOOR_H
#define PFZ_GLIBC_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* A glibc version, 2.31 as {2, 31, 0}; all zero for "needs no versioned
 * glibc symbol". Ordered by pfz_glibc_version_cmp. */
typedef struct pfz_glibc_version {
    unsigned major, minor, patch;
} pfz_glibc_version;

/* What one object needs: the highest version and a symbol that needs it
 * ("" when the object has no versioned symbol of that version, e.g. a bare
 * version dependency). */
typedef struct pfz_glibc_need {
    pfz_glibc_version version;
    char symbol[128]; /* NUL-terminated; cut at 127 bytes */
} pfz_glibc_need;

/* pfz_glibc_version_cmp: <0, 0 or >0 as a is older than, equal to or newer
 * than b. */
int pfz_glibc_version_cmp(pfz_glibc_version a, pfz_glibc_version b);

/* pfz_glibc_version_parse: reads "2.31" or "2.2.5" (optionally prefixed
 * "GLIBC_") into *out. Returns PF_OK, or PF_ERR_USAGE when text is not of
 * that form (each part 0..9999). */
int pfz_glibc_version_parse(const char *text, pfz_glibc_version *out, pf_error *err);

/* pfz_glibc_version_format: writes "2.31" (or "2.2.5") into dst, at most
 * dstCapacity bytes with the NUL. Returns dst. */
char *pfz_glibc_version_format(pfz_glibc_version v, char *dst, size_t dstCapacity);

/* pfz_glibc_need_of_image: the glibc need of the ELF object in image (size
 * bytes; not modified, owned by the caller). Version needs of every file
 * count (libc.so.6, libm.so.6, ld-linux, libpthread.so.0, ...), since all
 * come with glibc; GLIBC_PRIVATE and non-"GLIBC_" names (GCC_3.0, OPENSSL_3.0.0)
 * are not glibc release versions and are skipped. An object without a
 * .gnu.version_r section (a static executable, a library needing no
 * versioned symbol) needs {0,0,0}. Errors (the message does not name the
 * file): PF_ERR_CORRUPT (not an ELF object, or a verneed chain or name out of
 * its section), PF_ERR_VERSION (not ELFCLASS64), PF_ERR_NOMEM. */
int pfz_glibc_need_of_image(const uint8_t *image, size_t size, pfz_glibc_need *out, pf_error *err);

/* pfz_glibc_need_of_file: pfz_glibc_need_of_image for the file at path,
 * which libelf reads itself (elf_begin). Errors: those of
 * pfz_glibc_need_of_image, and PF_ERR_IO when path cannot be opened (errno
 * text in the message) or read. */
int pfz_glibc_need_of_file(const char *path, pfz_glibc_need *out, pf_error *err);

#endif
