/* payload_index.c - validating the payload index and looking names up in it,
 * in place; contract in payload_index.h, layout in payload.h.
 *
 * Two levels of checks. pf_index_open, on every start, checks what a read
 * out of bounds would follow from: the header, the table sizes and each
 * entry's fields against the string table, the other entries and the seek
 * table (a few comparisons per entry), so that lookups afterwards need no
 * bounds checks of their own. pf_index_verify (pyfreeze verify) adds what
 * only decides whether a lookup finds a name: the CRC-32, each name's hash
 * and '/' rule, the hash table's slots. At run time zstd's XXH64 of frame 0
 * already covers every byte the CRC covers, and those checks cost most of
 * the open, in proportion to the payload's size (docs/performance.md). */
#include "payload_index.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "payload.h"
#include "pf_le.h"

/* Raw field offsets inside an entry record (payload.h). */
enum {
    ENTRY_NAME_OFFSET = 0,
    ENTRY_NAME_SIZE = 4,
    ENTRY_KIND = 8,
    ENTRY_MEMBER = 12,
    ENTRY_FRAME = 16,
    ENTRY_OFFSET = 20,
    ENTRY_SIZE = 24,
    ENTRY_NAME_HASH = 28,
};

/* The bitmap of pf_index_open's slot check is calloc'ed, one bit per entry. */
#define BITS_PER_WORD 64u

uint32_t pf_index_hash(const char *name, size_t nameSize)
{
    /* FNV-1a, 32-bit: offset basis 2166136261, prime 16777619
     * (http://www.isthe.com/chongo/tech/comp/fnv/). */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < nameSize; i++) {
        h ^= (uint8_t)name[i];
        h *= 16777619u;
    }
    return h;
}

/* field: the u32 at byte offset off of entry number n. */
static uint32_t field(const pf_index *index, uint32_t n, unsigned off)
{
    return pf_le32_load(index->entries + (size_t)n * PF_INDEX_ENTRY_SIZE + off);
}

/* slot_value: hash slot number s (0 = empty, else entry number + 1). */
static uint32_t slot_value(const pf_index *index, uint32_t s)
{
    return pf_le32_load(index->slots + (size_t)s * 4u);
}

/* index_checksum: CRC-32 of data[0..size) with the checksum field as zero. */
static uint32_t index_checksum(const uint8_t *data, size_t size)
{
    static const uint8_t zero[4];
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32_z(crc, data, PF_INDEX_CHECKSUM_OFFSET);
    crc = crc32_z(crc, zero, sizeof zero);
    crc = crc32_z(crc, data + PF_INDEX_CHECKSUM_OFFSET + 4, size - PF_INDEX_CHECKSUM_OFFSET - 4);
    return (uint32_t)crc;
}

/* check_stored: validates file entry n, kind, placed in the stored frame
 * (payload.h: native or library code only, at a multiple of
 * PF_STORED_ALIGN from the frame's data start, inside the frame). Returns
 * PF_OK or PF_ERR_CORRUPT. */
static int check_stored(uint32_t n, uint32_t kind, uint32_t frame, uint32_t offset, uint32_t size,
                        const pf_seek_table *table, pf_error *err)
{
    const pf_frame *f = &table->frames[frame];
    uint64_t start = PF_STORED_DATA_START(f->compressed_offset);
    uint64_t end = f->compressed_offset + f->compressed_size;
    if ((kind != PF_KIND_NATIVE && kind != PF_KIND_LIBRARY) || offset % PF_STORED_ALIGN != 0 ||
        start + offset + size > end) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index entry %u: stored data of kind %u at offset %u size %u is not "
                            "native code on a page inside the stored frame %u",
                            n, kind, offset, size, frame);
    }
    return PF_OK;
}

/* check_entry: validates entry n's fields against the string table, the
 * other entries and the seek table: everything a lookup or a read of the
 * entry relies on. The name's hash and '/' rule are check_names'. Returns
 * PF_OK or PF_ERR_CORRUPT. */
static int check_entry(const pf_index *index, uint32_t n, const pf_seek_table *table, pf_error *err)
{
    uint32_t nameOffset = field(index, n, ENTRY_NAME_OFFSET);
    uint32_t nameSize = field(index, n, ENTRY_NAME_SIZE);
    uint32_t kind = field(index, n, ENTRY_KIND);
    uint32_t member = field(index, n, ENTRY_MEMBER);
    uint32_t frame = field(index, n, ENTRY_FRAME);
    uint32_t offset = field(index, n, ENTRY_OFFSET);
    uint32_t size = field(index, n, ENTRY_SIZE);

    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE ||
        (uint64_t)nameOffset + nameSize > index->string_table_size) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index entry %u: name at %u, %u bytes, is outside the %u-byte "
                            "string table (or not 1..%u bytes)",
                            n, nameOffset, nameSize, index->string_table_size, PF_MAX_NAME_SIZE);
    }
    if (PF_KIND_IS_MODULE(kind)) {
        uint32_t want = kind == PF_KIND_EXTENSION ? PF_KIND_NATIVE : PF_KIND_BYTECODE;
        if (frame != PF_NONE || offset != 0 || size != 0) {
            return pf_error_set(err, PF_ERR_CORRUPT, "index entry %u: module entry with a location",
                                n);
        }
        if (kind == PF_KIND_NAMESPACE
                ? member != PF_NONE
                : member >= index->entry_count || field(index, member, ENTRY_KIND) != want) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index entry %u: module of kind %u has member %u, not a file "
                                "entry of kind %u",
                                n, kind, member, want);
        }
    } else if (PF_KIND_IS_FILE(kind)) {
        if (member != PF_NONE) {
            return pf_error_set(err, PF_ERR_CORRUPT, "index entry %u: file entry with a member", n);
        }
        if (pf_frame_is_stored(table, frame)) {
            return check_stored(n, kind, frame, offset, size, table, err);
        }
        if (frame >= table->frame_count ||
            (uint64_t)offset + size > table->frames[frame].decompressed_size) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index entry %u: data at frame %u offset %u size %u lies outside "
                                "the frames",
                                n, frame, offset, size);
        }
    } else if (PF_KIND_IS_LEFT_OUT(kind)) {
        if (member != PF_NONE || frame != PF_NONE || offset != 0 || size != 0) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index entry %u: left-out module name with a member or a location",
                                n);
        }
    } else {
        return pf_error_set(err, PF_ERR_CORRUPT, "index entry %u: unknown kind %u", n, kind);
    }
    return PF_OK;
}

/* check_names: entry n's (checked by check_entry) name against its hash
 * and the '/' rule that lets one hash table hold module names and file
 * paths (payload.h). A lookup of a name failing either only misses; so
 * pf_index_verify checks them, not every start. Returns PF_OK or
 * PF_ERR_CORRUPT. */
static int check_names(const pf_index *index, uint32_t n, pf_error *err)
{
    uint32_t nameSize = field(index, n, ENTRY_NAME_SIZE);
    uint32_t kind = field(index, n, ENTRY_KIND);
    const char *name = (const char *)index->strings + field(index, n, ENTRY_NAME_OFFSET);
    if (field(index, n, ENTRY_NAME_HASH) != pf_index_hash(name, nameSize)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index entry %u: name hash does not match", n);
    }
    int hasSlash = memchr(name, '/', nameSize) != NULL;
    if (PF_KIND_IS_FILE(kind) ? !hasSlash : hasSlash) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            PF_KIND_IS_FILE(kind) ? "index entry %u: file entry without '/' in "
                                                    "its name"
                                                  : "index entry %u: module name with a '/'",
                            n);
    }
    return PF_OK;
}

/* in_cyclic_range: whether slot x lies on the cyclic walk from a to b. */
static int in_cyclic_range(uint32_t a, uint32_t b, uint32_t x, uint32_t mask)
{
    return ((x - a) & mask) <= ((b - a) & mask);
}

/* check_slots: checks that the hash table holds every entry exactly once
 * and each where linear probing from its home slot reaches it, i.e. that
 * pf_index_find finds every entry by its own name. Linear: each run of full
 * slots is walked once. Returns PF_OK, PF_ERR_CORRUPT or PF_ERR_NOMEM. */
static int check_slots(const pf_index *index, pf_error *err)
{
    uint32_t mask = index->hash_slot_count - 1u;
    uint32_t empty = UINT32_MAX;
    int status = PF_OK;

    for (uint32_t s = 0; s < index->hash_slot_count; s++) {
        uint32_t v = slot_value(index, s);
        if (v > index->entry_count) {
            return pf_error_set(err, PF_ERR_CORRUPT, "index hash slot %u holds %u, past %u entries",
                                s, v, index->entry_count);
        }
        if (v == 0 && empty == UINT32_MAX) {
            empty = s;
        }
    }
    if (empty == UINT32_MAX) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index hash table has no empty slot");
    }

    uint64_t *seen = calloc(index->entry_count / BITS_PER_WORD + 1u, sizeof *seen);
    if (seen == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory checking the index hash table");
    }
    /* Walk once around the table starting after an empty slot, so each run
     * of full slots is seen from its first slot. */
    uint32_t runStart = (empty + 1u) & mask;
    uint32_t filled = 0;
    for (uint32_t i = 1; i <= index->hash_slot_count; i++) {
        uint32_t s = (empty + i) & mask;
        uint32_t v = slot_value(index, s);
        if (v == 0) {
            runStart = (s + 1u) & mask;
            continue;
        }
        uint32_t n = v - 1u;
        uint32_t home = field(index, n, ENTRY_NAME_HASH) & mask;
        if (seen[n / BITS_PER_WORD] & (UINT64_C(1) << (n % BITS_PER_WORD))) {
            status = pf_error_set(err, PF_ERR_CORRUPT, "index entry %u is in two hash slots", n);
            break;
        }
        seen[n / BITS_PER_WORD] |= UINT64_C(1) << (n % BITS_PER_WORD);
        filled++;
        if (!in_cyclic_range(runStart, s, home, mask)) {
            status = pf_error_set(err, PF_ERR_CORRUPT,
                                  "index entry %u sits in hash slot %u, unreachable from its "
                                  "home slot %u",
                                  n, s, home);
            break;
        }
    }
    free(seen);
    if (status == PF_OK && filled != index->entry_count) {
        status = pf_error_set(err, PF_ERR_CORRUPT, "index hash table holds %u of %u entries",
                              filled, index->entry_count);
    }
    return status;
}

/* The header's fields (payload.h: "Header"), as read. */
typedef struct index_header {
    uint32_t version, header_size, flags, frame_count, entry_count, slot_count, strings_size,
        main_entry, walk_end;
} index_header;

/* read_header: the fields every version has, from data (at least
 * PF_INDEX_V2_HEADER_SIZE bytes). */
static void read_header(const uint8_t *data, index_header *h)
{
    h->version = pf_le32_load(data + 8);
    h->header_size = pf_le32_load(data + 12);
    h->flags = pf_le32_load(data + 20);
    h->frame_count = pf_le32_load(data + 24);
    h->entry_count = pf_le32_load(data + 28);
    h->slot_count = pf_le32_load(data + 32);
    h->strings_size = pf_le32_load(data + 36);
    h->main_entry = pf_le32_load(data + 40);
    h->walk_end = pf_le32_load(data + 48);
}

/* check_identity: the magic, the format version and the header size.
 * Returns PF_OK, PF_ERR_CORRUPT or PF_ERR_VERSION. */
static int check_identity(const uint8_t *data, const index_header *h, pf_error *err)
{
    if (memcmp(data, PF_INDEX_MAGIC, PF_INDEX_MAGIC_SIZE) != 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index magic is wrong (expected \"%s\")",
                            PF_INDEX_MAGIC);
    }
    if (h->version != PF_INDEX_VERSION && h->version != PF_INDEX_V2_VERSION) {
        return pf_error_set(err, PF_ERR_VERSION,
                            "index format version %u; this pyfreeze reads versions %u and %u: "
                            "freeze the program again with this pyfreeze",
                            h->version, PF_INDEX_V2_VERSION, PF_INDEX_VERSION);
    }
    /* Version 3 headers may grow (payload.h "Versions and growth"). */
    int ok = h->version == PF_INDEX_V2_VERSION
                 ? h->header_size == PF_INDEX_V2_HEADER_SIZE
                 : h->header_size >= PF_INDEX_HEADER_SIZE &&
                       h->header_size <= PF_MAX_INDEX_HEADER_SIZE && h->header_size % 4u == 0;
    if (!ok) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index header size is %u, not what format version %u allows",
                            h->header_size, h->version);
    }
    return PF_OK;
}

/* check_sizes: the counts against the limits, and the size the tables
 * need against dataSize (exactly). Returns PF_OK, PF_ERR_CORRUPT or
 * PF_ERR_TRUNCATED. */
static int check_sizes(const index_header *h, size_t dataSize, pf_error *err)
{
    if (h->entry_count == 0 || h->entry_count > PF_MAX_ENTRIES) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index entry count %u is not in 1..%u",
                            h->entry_count, PF_MAX_ENTRIES);
    }
    if (h->slot_count <= h->entry_count || (h->slot_count & (h->slot_count - 1u)) != 0) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index hash slot count %u is not a power of two above the entry "
                            "count %u",
                            h->slot_count, h->entry_count);
    }
    /* Each term is below 2^32 * 32, so the sum cannot overflow 64 bits. */
    uint64_t wantSize = (uint64_t)h->header_size + (uint64_t)h->entry_count * PF_INDEX_ENTRY_SIZE +
                        (uint64_t)h->slot_count * 4u + h->strings_size;
    if (wantSize > PF_MAX_INDEX_SIZE) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index would be %llu bytes, over the %u limit",
                            (unsigned long long)wantSize, PF_MAX_INDEX_SIZE);
    }
    if (dataSize < wantSize) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "index truncated: its tables need %llu bytes, %zu present",
                            (unsigned long long)wantSize, dataSize);
    }
    if (dataSize > wantSize) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index is %zu bytes, but its tables account for %llu", dataSize,
                            (unsigned long long)wantSize);
    }
    return PF_OK;
}

/* check_contents: the flags, and the frame count and walk end against the
 * seek table. Returns PF_OK, PF_ERR_CORRUPT or PF_ERR_VERSION (unknown
 * flags). */
static int check_contents(const index_header *h, const pf_seek_table *table, pf_error *err)
{
    if (h->flags & ~PF_INDEX_FLAGS_KNOWN) {
        return pf_error_set(err, PF_ERR_VERSION,
                            "index has unknown flags 0x%X: freeze the program again with this "
                            "pyfreeze",
                            h->flags & ~PF_INDEX_FLAGS_KNOWN);
    }
    if (h->frame_count != table->frame_count) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index says %u frames, the seek table has %u",
                            h->frame_count, table->frame_count);
    }
    if (h->walk_end == 0 || h->walk_end > h->frame_count) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index walk end %u is not in 1..%u", h->walk_end,
                            h->frame_count);
    }
    return PF_OK;
}

/* read_glibc_floor: the glibc floor of a version 3 header (data holds its
 * header_size bytes) into index. Returns PF_OK or PF_ERR_CORRUPT (a part
 * over PF_INDEX_MAX_GLIBC_PART). */
static int read_glibc_floor(pf_index *index, const uint8_t *data, pf_error *err)
{
    if (index->format_version == PF_INDEX_V2_VERSION) {
        return PF_OK; /* not recorded */
    }
    for (unsigned i = 0; i < 3; i++) {
        index->glibc_floor[i] = pf_le32_load(data + PF_INDEX_GLIBC_FLOOR_OFFSET + 4u * i);
        if (index->glibc_floor[i] > PF_INDEX_MAX_GLIBC_PART) {
            return pf_error_set(err, PF_ERR_CORRUPT, "index glibc floor part %u is %u, over %u", i,
                                index->glibc_floor[i], PF_INDEX_MAX_GLIBC_PART);
        }
    }
    index->has_glibc_floor = 1;
    return PF_OK;
}

/* check_tables: every entry and the main entry of an index whose header
 * passed. Returns PF_OK or PF_ERR_CORRUPT. */
static int check_tables(const pf_index *index, const pf_seek_table *table, pf_error *err)
{
    int status = PF_OK;
    for (uint32_t n = 0; n < index->entry_count && status == PF_OK; n++) {
        status = check_entry(index, n, table, err);
    }
    if (status == PF_OK && (index->main_entry >= index->entry_count ||
                            !PF_KIND_IS_MODULE(field(index, index->main_entry, ENTRY_KIND)))) {
        status = pf_error_set(err, PF_ERR_CORRUPT, "index main entry %u is not a module entry",
                              index->main_entry);
    }
    return status;
}

int pf_index_open(pf_index *index, const uint8_t *data, size_t dataSize, const pf_seek_table *table,
                  pf_error *err)
{
    index_header h;
    memset(index, 0, sizeof *index);
    if (dataSize < PF_INDEX_V2_HEADER_SIZE) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "index truncated: header needs %u bytes, %zu present",
                            PF_INDEX_V2_HEADER_SIZE, dataSize);
    }
    read_header(data, &h);
    int status = check_identity(data, &h, err);
    if (status != PF_OK) {
        return status;
    }
    memcpy(index->python_magic, data + 16, 4);
    status = check_sizes(&h, dataSize, err);
    if (status != PF_OK) {
        return status;
    }
    status = check_contents(&h, table, err);
    if (status != PF_OK) {
        return status;
    }

    index->base = data;
    index->size = dataSize;
    index->flags = h.flags;
    index->entry_count = h.entry_count;
    index->hash_slot_count = h.slot_count;
    index->main_entry = h.main_entry;
    index->walk_end = h.walk_end;
    index->format_version = h.version;
    index->entries = data + h.header_size;
    index->slots = index->entries + (size_t)h.entry_count * PF_INDEX_ENTRY_SIZE;
    index->strings = index->slots + (size_t)h.slot_count * 4u;
    index->string_table_size = h.strings_size;

    status = read_glibc_floor(index, data, err);
    if (status == PF_OK) {
        status = check_tables(index, table, err);
    }
    if (status != PF_OK) {
        memset(index, 0, sizeof *index);
    }
    return status;
}

int pf_index_verify(const pf_index *index, pf_error *err)
{
    uint32_t stored = pf_le32_load(index->base + PF_INDEX_CHECKSUM_OFFSET);
    uint32_t computed = index_checksum(index->base, index->size);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Fuzzing builds (tests/fuzz) skip checksum comparisons so that mutated
     * inputs reach the checks behind them; every other check stays. */
    computed = stored;
#endif
    if (stored != computed) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "index checksum is 0x%08X, computed 0x%08X: the payload is damaged",
                            stored, computed);
    }
    int status = PF_OK;
    for (uint32_t n = 0; n < index->entry_count && status == PF_OK; n++) {
        status = check_names(index, n, err);
    }
    return status == PF_OK ? check_slots(index, err) : status;
}

void pf_index_entry(const pf_index *index, uint32_t n, pf_entry *out)
{
    out->number = n;
    out->kind = field(index, n, ENTRY_KIND);
    out->member = field(index, n, ENTRY_MEMBER);
    out->frame = field(index, n, ENTRY_FRAME);
    out->offset = field(index, n, ENTRY_OFFSET);
    out->size = field(index, n, ENTRY_SIZE);
    out->name = (const char *)index->strings + field(index, n, ENTRY_NAME_OFFSET);
    out->name_size = field(index, n, ENTRY_NAME_SIZE);
}

int pf_index_find(const pf_index *index, const char *name, size_t nameSize, pf_entry *out)
{
    if (index->entry_count == 0 || nameSize == 0 || nameSize > PF_MAX_NAME_SIZE) {
        return 0;
    }
    uint32_t hash = pf_index_hash(name, nameSize);
    uint32_t mask = index->hash_slot_count - 1u;
    /* Bounded by the slot count: only pf_index_verify proves an empty slot. */
    for (uint32_t i = 0, s = hash & mask; i < index->hash_slot_count; i++, s = (s + 1u) & mask) {
        uint32_t v = slot_value(index, s);
        if (v == 0) {
            return 0;
        }
        if (v > index->entry_count) {
            return 0; /* damage pf_index_verify reports; not followed */
        }
        uint32_t n = v - 1u;
        if (field(index, n, ENTRY_NAME_HASH) == hash &&
            field(index, n, ENTRY_NAME_SIZE) == nameSize &&
            memcmp(index->strings + field(index, n, ENTRY_NAME_OFFSET), name, nameSize) == 0) {
            pf_index_entry(index, n, out);
            return 1;
        }
    }
    return 0;
}
