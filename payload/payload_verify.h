/* payload_verify.h - checking a whole frozen program at once: its ELF
 * structure, the payload section, the seek table, every frame (decompressed,
 * its content checksum verified), the index, and every member's tar headers
 * and bounds, stopping at the first damage. The reads of a running program
 * check a frame only when they need it (payload_reader.h), so damage in a
 * frame never read goes unnoticed there; this finds it before the program
 * runs. Built on the same readers (elf_section.h, frame_decoder.h,
 * tar_index.h, payload_index.h); returns a record, prints nothing: `pyfreeze
 * verify` (freezer/cli/verify_command.c) words it. Format: payload.h and
 * docs/payload-format.md. */
#ifndef PF_PAYLOAD_VERIFY_H
#define PF_PAYLOAD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "pf_error.h"

/* Where the first damage is (pf_verify_result.part), in the order checked. */
typedef enum pf_verify_part {
    PF_VERIFY_INTACT = 0,          /* nothing wrong */
    PF_VERIFY_NOT_PROGRAM = 1,     /* not a frozen program at all: not ELF and no sign of a
                                      payload, or an ELF file without one (the stub itself,
                                      any other program) */
    PF_VERIFY_ELF_HEADER = 2,      /* the ELF header */
    PF_VERIFY_SECTION_HEADERS = 3, /* the ELF section header table, or a section it places
                                      outside the file (or two called .pyfreeze) */
    PF_VERIFY_SECTION_NAMES = 4,   /* the ELF section name table */
    PF_VERIFY_SEGMENTS = 5,        /* the ELF program header table or a segment's place */
    PF_VERIFY_SEEK_TABLE = 6,      /* the payload's seek table */
    PF_VERIFY_FRAME = 7,           /* a frame: its zstd header, compressed bytes, checksum */
    PF_VERIFY_INDEX_HEADER = 8,    /* the tar header(s) of the index member in frame 0 */
    PF_VERIFY_INDEX = 9,           /* the index */
    PF_VERIFY_MEMBER_HEADER = 10,  /* a member's tar header(s) */
    PF_VERIFY_MEMBER = 11,         /* a member's place: the index and the tar disagree on its
                                      frame, offset or size, or it is missing or there twice */
    PF_VERIFY_ARCHIVE_END = 12,    /* the tar's end-of-archive blocks */
} pf_verify_part;

/* What to check (pf_verify_image's flags). */
enum {
    PF_VERIFY_FULL = 0, /* everything: every frame decompressed */
    /* everything that needs no frame but frame 0 decompressed: the ELF
     * structure, the seek table, every frame's zstd header against the
     * seek table, the index member and the index (about the cost of
     * opening the payload) */
    PF_VERIFY_QUICK = 1,
};

/* The outcome: the first damage found, or what was checked. */
typedef struct pf_verify_result {
    int status;          /* PF_OK (intact), else the pf_status of the damage (PF_ERR_CORRUPT,
                            PF_ERR_TRUNCATED, PF_ERR_VERSION, PF_ERR_NOT_FOUND for
                            PF_VERIFY_NOT_PROGRAM) or PF_ERR_NOMEM (not a verdict) */
    pf_verify_part part; /* where; PF_VERIFY_INTACT when status is PF_OK or PF_ERR_NOMEM */
    uint32_t frame;      /* the frame the damage is in, or PF_NONE (ELF, seek table) */
    uint32_t entry;      /* the index entry of the damaged member, or PF_NONE */
    size_t member_size;  /* bytes of member; 0: no member is named */
    char member[PF_MAX_NAME_SIZE + 1]; /* the damaged member's name as the index (or, for the
                                          index member, the format) gives it, NUL-terminated;
                                          raw bytes from the file: escape before printing */
    pf_error error;                    /* what is wrong, one line without the file's name */
    /* what was checked (complete only when status is PF_OK) */
    uint32_t frame_count;  /* frames in the seek table */
    uint32_t entry_count;  /* index entries */
    uint32_t member_count; /* file members matched between the index and the tar */
    uint64_t payload_size; /* bytes of the payload section */
    uint64_t checked_size; /* decompressed bytes checked */
} pf_verify_result;

/* pf_verify_image: checks the frozen program file[0..fileSize) (borrowed,
 * read only) as flags say (PF_VERIFY_FULL or PF_VERIFY_QUICK) and fills
 * *result. Order, stopping at the first damage: the ELF structure
 * (pf_elf_check_layout), the .pyfreeze section (exactly one, with bytes in
 * the file), then the payload as pf_verify_payload checks it. A file that
 * is not ELF, or an ELF file without a .pyfreeze section, is
 * PF_VERIFY_NOT_PROGRAM (PF_ERR_NOT_FOUND) unless it bears a payload's
 * marks (the section name and a seek table's footer magic, or a section
 * ending in that magic): then it is damage in the ELF part that hides it.
 * Returns result->status. Memory: one decompressed frame at a time, at
 * most PF_MAX_FRAME_SIZE bytes, and a bit per index entry. */
int pf_verify_image(const uint8_t *file, size_t fileSize, unsigned flags, pf_verify_result *result);

/* pf_verify_payload: checks the payload payload[0..payloadSize) (the
 * section's bytes) and fills *result: the seek table, frame 0 and the
 * index member's tar header(s), the index (pf_index_open: every entry's
 * bounds in its frame; pf_index_verify: its checksum, names and hash
 * table), then every later frame in order, decompressed
 * (pf_frame_check, pf_frame_decompress: zstd verifies its content
 * checksum), walking its tar members (pf_tar_read_member): each a regular
 * file whose name, frame, data offset and size are those of its file entry
 * in the index; the end-of-archive blocks in the last frame and nothing but zeros after
 * them; every file entry met exactly once. PF_VERIFY_QUICK stops before
 * decompressing frames 1 and up, checking their zstd headers only. A
 * damaged frame names its first member by offset; a damaged tar header the
 * member the index places after it. Returns result->status. */
int pf_verify_payload(const uint8_t *payload, size_t payloadSize, unsigned flags,
                      pf_verify_result *result);

/* pf_verify_part_name: a short English name of part ("seek table"), for
 * messages; never NULL. */
const char *pf_verify_part_name(pf_verify_part part);

#endif
