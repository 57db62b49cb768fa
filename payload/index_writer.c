/* index_writer.c - building the payload index; contract in index_writer.h,
 * layout in payload.h, read back by payload_index.c.
 *
 * The hash table is filled in the order entries were added, so the same
 * entries always give the same bytes. Its size is the smallest power of two
 * at least twice the entry count: probes stay short (load <= 0.5) and an
 * empty slot always exists, which ends every failed lookup. */
#include "index_writer.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "payload.h"
#include "payload_index.h"
#include "pf_le.h"

typedef struct pfz_index_record {
    char *name; /* owned copy, not NUL-terminated in the output */
    uint32_t name_size;
    uint32_t name_offset; /* in the string table */
    uint32_t hash;        /* pf_index_hash(name) */
    uint32_t kind;
    uint32_t member;
    uint32_t frame;
    uint32_t offset;
    uint32_t size;
    int located; /* file entries: pfz_index_set_location was called */
} pfz_index_record;

struct pfz_index_writer {
    pfz_index_record *records;
    uint32_t count;
    uint32_t capacity;
    uint64_t strings_size; /* bytes of all names */
    uint32_t main_entry;   /* PF_NONE until pfz_index_set_main */
    uint32_t walk_end;     /* 0 until pfz_index_set_walk_end: the frame count */
    uint32_t flags;
    uint8_t python_magic[4];
    uint32_t glibc_floor[3]; /* major, minor, patch */
    uint32_t *lookup;        /* duplicate check: entry number + 1 per slot, 0 = empty */
    uint32_t lookup_slots;
};

/* slot_count: hash slots for n entries: a power of two >= 2n, at least 2. */
static uint32_t slot_count(uint32_t n)
{
    uint32_t s = 2;
    while (s < 2u * (uint64_t)n) {
        s *= 2u;
    }
    return s;
}

/* probe: the slot of table[0..slots) holding name, or the empty slot where
 * it would go (linear probing, as the reader does). */
static uint32_t probe(const pfz_index_writer *w, const uint32_t *table, uint32_t slots,
                      const char *name, uint32_t nameSize, uint32_t hash)
{
    uint32_t mask = slots - 1u;
    uint32_t s = hash & mask;
    while (table[s] != 0) {
        const pfz_index_record *r = &w->records[table[s] - 1u];
        if (r->hash == hash && r->name_size == nameSize && memcmp(r->name, name, nameSize) == 0) {
            break;
        }
        s = (s + 1u) & mask;
    }
    return s;
}

pfz_index_writer *pfz_index_writer_new(void)
{
    pfz_index_writer *w = calloc(1, sizeof *w);
    if (w != NULL) {
        w->main_entry = PF_NONE;
    }
    return w;
}

void pfz_index_writer_free(pfz_index_writer *w)
{
    if (w == NULL) {
        return;
    }
    for (uint32_t i = 0; i < w->count; i++) {
        free(w->records[i].name);
    }
    free(w->records);
    free(w->lookup);
    free(w);
}

/* add_entry: checks name and adds a record; shared by files and modules. */
static int add_entry(pfz_index_writer *w, const char *name, int isFile, uint32_t kind,
                     uint32_t member, uint32_t *number, pf_error *err)
{
    size_t nameSize = strlen(name);
    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE) {
        return pf_error_set(err, PF_ERR_USAGE, "index name \"%.64s\" is empty or over %u bytes",
                            name, PF_MAX_NAME_SIZE);
    }
    if ((memchr(name, '/', nameSize) != NULL) != isFile) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "index name \"%s\": file paths must contain '/', module names not",
                            name);
    }
    if (w->count >= PF_MAX_ENTRIES ||
        w->strings_size + nameSize + PF_INDEX_ENTRY_SIZE * ((uint64_t)w->count + 1u) +
                4u * (uint64_t)slot_count(w->count + 1u) + PF_INDEX_HEADER_SIZE >
            PF_MAX_INDEX_SIZE) {
        return pf_error_set(err, PF_ERR_USAGE, "index is full: at most %u entries and %u bytes",
                            PF_MAX_ENTRIES, PF_MAX_INDEX_SIZE);
    }
    uint32_t hash = pf_index_hash(name, nameSize);
    if (w->lookup != NULL &&
        w->lookup[probe(w, w->lookup, w->lookup_slots, name, (uint32_t)nameSize, hash)] != 0) {
        return pf_error_set(err, PF_ERR_USAGE, "index name \"%s\" added twice", name);
    }

    /* Grow the records and the duplicate-check table before changing anything. */
    if (w->count == w->capacity) {
        uint32_t capacity = w->capacity ? w->capacity * 2u : 64u;
        pfz_index_record *records = realloc(w->records, capacity * sizeof *records);
        if (records == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory adding to the index");
        }
        w->records = records;
        w->capacity = capacity;
    }
    char *copy = malloc(nameSize);
    if (copy == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory adding to the index");
    }
    memcpy(copy, name, nameSize);
    if (slot_count(w->count + 1u) > w->lookup_slots) {
        uint32_t slots = slot_count(w->count + 1u);
        uint32_t *table = calloc(slots, sizeof *table);
        if (table == NULL) {
            free(copy);
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory adding to the index");
        }
        for (uint32_t i = 0; i < w->count; i++) {
            const pfz_index_record *r = &w->records[i];
            table[probe(w, table, slots, r->name, r->name_size, r->hash)] = i + 1u;
        }
        free(w->lookup);
        w->lookup = table;
        w->lookup_slots = slots;
    }

    pfz_index_record *r = &w->records[w->count];
    memset(r, 0, sizeof *r);
    r->name = copy;
    r->name_size = (uint32_t)nameSize;
    r->name_offset = (uint32_t)w->strings_size;
    r->hash = hash;
    r->kind = kind;
    r->member = member;
    r->frame = PF_NONE;
    w->lookup[probe(w, w->lookup, w->lookup_slots, copy, r->name_size, hash)] = w->count + 1u;
    w->strings_size += nameSize;
    *number = w->count++;
    return PF_OK;
}

int pfz_index_add_file(pfz_index_writer *w, const char *path, uint32_t kind, uint32_t *number,
                       pf_error *err)
{
    if (!PF_KIND_IS_FILE(kind)) {
        return pf_error_set(err, PF_ERR_USAGE, "index file \"%s\": kind %u is not a file kind",
                            path, kind);
    }
    return add_entry(w, path, 1, kind, PF_NONE, number, err);
}

int pfz_index_add_module(pfz_index_writer *w, const char *name, uint32_t kind, uint32_t member,
                         uint32_t *number, pf_error *err)
{
    if (!PF_KIND_IS_MODULE(kind)) {
        return pf_error_set(err, PF_ERR_USAGE, "index module %s: kind %u is not a module kind",
                            name, kind);
    }
    /* The reader requires these pairings (payload_index.c check_entry). */
    if (kind == PF_KIND_NAMESPACE
            ? member != PF_NONE
            : member >= w->count ||
                  w->records[member].kind !=
                      (kind == PF_KIND_EXTENSION ? PF_KIND_NATIVE : PF_KIND_BYTECODE)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "index module %s: member %u must be a .pyc file entry (.so for an "
                            "extension, none for a namespace package)",
                            name, member);
    }
    return add_entry(w, name, 0, kind, member, number, err);
}

int pfz_index_add_left_out(pfz_index_writer *w, const char *name, uint32_t kind, uint32_t *number,
                           pf_error *err)
{
    if (!PF_KIND_IS_LEFT_OUT(kind)) {
        return pf_error_set(err, PF_ERR_USAGE, "index name %s: kind %u is not a left-out kind",
                            name, kind);
    }
    return add_entry(w, name, 0, kind, PF_NONE, number, err);
}

int pfz_index_set_location(pfz_index_writer *w, uint32_t number, uint32_t frame, uint32_t offset,
                           uint32_t size, pf_error *err)
{
    if (number >= w->count || !PF_KIND_IS_FILE(w->records[number].kind) || frame == PF_NONE ||
        (uint64_t)offset + size > PF_MAX_FRAME_SIZE) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "index entry %u: not a file entry, or location beyond a frame", number);
    }
    pfz_index_record *r = &w->records[number];
    r->frame = frame;
    r->offset = offset;
    r->size = size;
    r->located = 1;
    return PF_OK;
}

int pfz_index_set_main(pfz_index_writer *w, uint32_t module_number, uint32_t flags, pf_error *err)
{
    if (module_number >= w->count || !PF_KIND_IS_MODULE(w->records[module_number].kind) ||
        (flags & ~PF_INDEX_FLAGS_KNOWN) != 0) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "index main entry %u is not a module entry, or flags 0x%X unknown",
                            module_number, flags);
    }
    w->main_entry = module_number;
    w->flags = flags;
    return PF_OK;
}

void pfz_index_set_walk_end(pfz_index_writer *w, uint32_t frame)
{
    w->walk_end = frame;
}

void pfz_index_set_python_magic(pfz_index_writer *w, const uint8_t magic[4])
{
    memcpy(w->python_magic, magic, 4);
}

int pfz_index_set_glibc_floor(pfz_index_writer *w, uint32_t major, uint32_t minor, uint32_t patch,
                              pf_error *err)
{
    if (major > PF_INDEX_MAX_GLIBC_PART || minor > PF_INDEX_MAX_GLIBC_PART ||
        patch > PF_INDEX_MAX_GLIBC_PART) {
        return pf_error_set(err, PF_ERR_USAGE, "glibc floor %u.%u.%u: each part is 0..%u", major,
                            minor, patch, PF_INDEX_MAX_GLIBC_PART);
    }
    w->glibc_floor[0] = major;
    w->glibc_floor[1] = minor;
    w->glibc_floor[2] = patch;
    return PF_OK;
}

size_t pfz_index_writer_size(const pfz_index_writer *w)
{
    /* add_entry keeps this under PF_MAX_INDEX_SIZE. */
    return PF_INDEX_HEADER_SIZE + (size_t)w->count * PF_INDEX_ENTRY_SIZE +
           (size_t)slot_count(w->count) * 4u + (size_t)w->strings_size;
}

int pfz_index_serialize(const pfz_index_writer *w, uint32_t frame_count, uint8_t *dst,
                        size_t dstCapacity, pf_error *err)
{
    size_t size = pfz_index_writer_size(w);
    uint32_t slots = slot_count(w->count);

    if (dstCapacity < size) {
        return pf_error_set(err, PF_ERR_USAGE, "index needs %zu bytes, room for %zu", size,
                            dstCapacity);
    }
    if (w->main_entry == PF_NONE) {
        return pf_error_set(err, PF_ERR_USAGE, "index has no main module");
    }
    for (uint32_t i = 0; i < w->count; i++) {
        const pfz_index_record *r = &w->records[i];
        if (PF_KIND_IS_FILE(r->kind) && (!r->located || r->frame >= frame_count)) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "index file %.*s has no location in the %u frames",
                                (int)r->name_size, r->name, frame_count);
        }
    }

    memset(dst, 0, size);
    memcpy(dst, PF_INDEX_MAGIC, PF_INDEX_MAGIC_SIZE);
    pf_le32_store(dst + 8, PF_INDEX_VERSION);
    pf_le32_store(dst + 12, PF_INDEX_HEADER_SIZE);
    memcpy(dst + 16, w->python_magic, 4);
    pf_le32_store(dst + 20, w->flags);
    pf_le32_store(dst + 24, frame_count);
    pf_le32_store(dst + 28, w->count);
    pf_le32_store(dst + 32, slots);
    pf_le32_store(dst + 36, (uint32_t)w->strings_size);
    pf_le32_store(dst + 40, w->main_entry);
    pf_le32_store(dst + 48,
                  w->walk_end != 0 && w->walk_end < frame_count ? w->walk_end : frame_count);
    for (unsigned i = 0; i < 3; i++) {
        pf_le32_store(dst + PF_INDEX_GLIBC_FLOOR_OFFSET + 4u * i, w->glibc_floor[i]);
    }

    uint8_t *entries = dst + PF_INDEX_HEADER_SIZE;
    uint8_t *slotTable = entries + (size_t)w->count * PF_INDEX_ENTRY_SIZE;
    uint8_t *strings = slotTable + (size_t)slots * 4u;
    uint32_t mask = slots - 1u;
    for (uint32_t i = 0; i < w->count; i++) {
        const pfz_index_record *r = &w->records[i];
        uint8_t *e = entries + (size_t)i * PF_INDEX_ENTRY_SIZE;
        int isFile = PF_KIND_IS_FILE(r->kind);
        pf_le32_store(e + 0, r->name_offset);
        pf_le32_store(e + 4, r->name_size);
        pf_le32_store(e + 8, r->kind);
        pf_le32_store(e + 12, isFile ? PF_NONE : r->member);
        pf_le32_store(e + 16, isFile ? r->frame : PF_NONE);
        pf_le32_store(e + 20, isFile ? r->offset : 0);
        pf_le32_store(e + 24, isFile ? r->size : 0);
        pf_le32_store(e + 28, r->hash);
        memcpy(strings + r->name_offset, r->name, r->name_size);
        uint32_t s = r->hash & mask;
        while (pf_le32_load(slotTable + (size_t)s * 4u) != 0) {
            s = (s + 1u) & mask;
        }
        pf_le32_store(slotTable + (size_t)s * 4u, i + 1u);
    }
    /* CRC-32 of the whole index with the checksum field still zero. */
    uLong crc = crc32_z(crc32(0L, Z_NULL, 0), dst, size);
    pf_le32_store(dst + PF_INDEX_CHECKSUM_OFFSET, (uint32_t)crc);
    return PF_OK;
}
