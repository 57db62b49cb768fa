/* inject.h - stage 5 of the freezer: a copy of the stub executable with the
 * payload added as the non-allocated ELF section PF_SECTION_NAME
 * (payload/payload.h); libelf reads the stub and translates the headers.
 *
 * Rule source: the System V ABI / ELF-64 Object File Format. The section is
 * SHT_PROGBITS without SHF_ALLOC, so no segment maps it and the loader never
 * sees it, yet strip, objcopy and readelf keep and show it. Nothing the
 * loader uses moves: the stub's bytes up to the end of its last section or
 * segment stay where they were, wherever its program header table is (post-
 * link tools such as BOLT and patchelf move it to the end); the grown
 * section name table, the payload and a new section header table follow,
 * and the ELF header points at the new table.
 */
#ifndef PFZ_INJECT_H
#define PFZ_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* Largest stub accepted, bytes; a real stub is about 8 MB. */
#define PFZ_INJECT_MAX_STUB_SIZE (1024u * 1024u * 1024u)

/* pfz_inject: writes into fd (an empty regular file opened read-write) the
 * stub at stub_path with payload[0..payloadSize) added as section
 * PF_SECTION_NAME. out_name is fd's file name, for messages only. Messages
 * name the file concerned (stub_path or out_name) and what to do.
 * Errors: PF_ERR_IO (the stub cannot be read, a write to fd failed, e.g. the
 * disk is full), PF_ERR_USAGE (the stub is not an ELF64 little-endian x86-64
 * executable with program and section headers, or already has a
 * PF_SECTION_NAME section, i.e. it is a frozen program), PF_ERR_NOMEM. On
 * error fd's contents are undefined; the caller discards the file. */
int pfz_inject(const char *stub_path, const uint8_t *payload, size_t payloadSize, int fd,
               const char *out_name, pf_error *err);

#endif
