/* payload_index.h - validating and searching the payload index in place
 * (layout: payload.h). Lookups allocate nothing and copy nothing. */
#ifndef PF_PAYLOAD_INDEX_H
#define PF_PAYLOAD_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"
#include "seek_table.h"

/* A decoded entry; name points into the index bytes (not NUL-terminated). */
typedef struct pf_entry {
    uint32_t number; /* position in the entry table */
    uint32_t kind;   /* PF_KIND_* */
    uint32_t member; /* module entries: file entry number or PF_NONE */
    uint32_t frame;  /* file entries: frame number; else PF_NONE */
    uint32_t offset; /* file entries: data offset in the decompressed frame */
    uint32_t size;   /* file entries: uncompressed bytes */
    const char *name;
    uint32_t name_size;
} pf_entry;

typedef struct pf_index {
    const uint8_t *base; /* the index bytes (borrowed; must outlive the index) */
    size_t size;
    uint32_t flags;
    uint32_t entry_count;
    uint32_t hash_slot_count;
    uint32_t main_entry;
    uint32_t walk_end;       /* frame number (payload.h: walk_end) */
    uint32_t format_version; /* PF_INDEX_V2_VERSION or PF_INDEX_VERSION */
    /* the glibc the program needs (payload.h: glibc_floor): major, minor,
     * patch, each 0..PF_INDEX_MAX_GLIBC_PART; all zero when
     * has_glibc_floor is 0 (a version 2 index does not record it) */
    int has_glibc_floor;
    uint32_t glibc_floor[3];
    uint8_t python_magic[4];
    const uint8_t *entries; /* base + header */
    const uint8_t *slots;
    const uint8_t *strings;
    uint32_t string_table_size;
} pf_index;

/* pf_index_hash: FNV-1a, 32-bit, over name[0..nameSize). */
uint32_t pf_index_hash(const char *name, size_t nameSize);

/* pf_index_open: validates data[0..dataSize) as an index and fills *index
 * (which borrows data). Checks magic, version (PF_INDEX_VERSION, or
 * PF_INDEX_V2_VERSION: payload.h "Versions and growth"), header size
 * (exactly PF_INDEX_V2_HEADER_SIZE for version 2; from PF_INDEX_HEADER_SIZE
 * to PF_MAX_INDEX_HEADER_SIZE, a multiple of 4, for version 3; bytes past
 * the known fields are ignored), flags, the glibc floor's parts, counts
 * against PF_MAX_*, walk_end in 1..frame_count, table sizes against dataSize
 * without overflow, every entry (name inside the string table and 1..
 * PF_MAX_NAME_SIZE bytes, kind known, module entries' member a file entry
 * of the right kind, file entries' frame < table->frame_count and offset +
 * size <= that frame's decompressed_size, or inside the stored frame) and
 * main_entry a module entry: after PF_OK no later lookup can read out of
 * bounds. It does not check the checksum, the names' hashes and '/' rule,
 * nor the hash slots (pf_index_verify): a lookup of a damaged one misses,
 * and at run time frame 0's XXH64 (frame_decoder.h) has checked the same
 * bytes. A few comparisons per entry. Errors: PF_ERR_TRUNCATED,
 * PF_ERR_CORRUPT, PF_ERR_VERSION. */
int pf_index_open(pf_index *index, const uint8_t *data, size_t dataSize, const pf_seek_table *table,
                  pf_error *err);

/* pf_index_verify: the checks pf_index_open leaves out, for an index it
 * opened: the CRC-32 of the whole index (payload.h: checksum), every
 * entry's name hash and '/' rule (module names have none, file paths
 * have one), and that the hash table holds every entry exactly once where
 * linear probing from its home slot reaches it, with an empty slot: after
 * PF_OK pf_index_find finds every entry by its name. Linear in the index's
 * size; for pyfreeze verify and tests, not for every start. Errors:
 * PF_ERR_CORRUPT, PF_ERR_NOMEM. */
int pf_index_verify(const pf_index *index, pf_error *err);

/* pf_index_entry: decodes entry number n (< entry_count) into *out. */
void pf_index_entry(const pf_index *index, uint32_t n, pf_entry *out);

/* pf_index_find: looks name[0..nameSize) up through the hash table. Returns 1
 * and fills *out when found, 0 when not (also when the table is damaged in
 * a way pf_index_verify reports: a slot past the entries, no empty slot).
 * Allocates nothing. */
int pf_index_find(const pf_index *index, const char *name, size_t nameSize, pf_entry *out);

#endif
