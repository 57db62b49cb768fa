/* payload_verify.c - checking a whole frozen program, first damage wins;
 * contract in payload_verify.h, format in payload.h.
 *
 * The layers are checked bottom up with the readers the runtime uses (ELF,
 * seek table, frame 0, index), then every other frame is decompressed and
 * its tar members are matched with the index one by one. */
#include "payload_verify.h"

#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "elf_section.h"
#include "frame_decoder.h"
#include "payload_index.h"
#include "pf_le.h"
#include "tar_index.h"

/* A payload's last 4 bytes: the seek table's footer magic, little-endian. */
static const uint8_t seek_magic[4] = {PF_SEEK_MAGIC & 0xFF, (PF_SEEK_MAGIC >> 8) & 0xFF,
                                      (PF_SEEK_MAGIC >> 16) & 0xFF, PF_SEEK_MAGIC >> 24};

/* What the payload checks share. */
typedef struct verify_state {
    pf_verify_result *r;
    pf_frames frames;
    ZSTD_DCtx *dctx;
    uint8_t *frame0; /* decompressed frame 0 (owned) */
    pf_index index;  /* borrows frame0 */
    uint32_t *order; /* file entries sorted by (frame, offset) (owned) */
    uint32_t file_count;
    uint32_t *first;       /* per frame + 1: index into order of its first member (owned) */
    uint8_t *seen;         /* a bit per entry: its tar member was met (owned) */
    uint8_t *buffer;       /* a decompressed frame (owned) */
    size_t capacity;       /* bytes at buffer */
    pf_tar_member *member; /* the member walk_frame reads (owned; 4 KiB) */
    int archive_end;       /* the end-of-archive blocks were met */
} verify_state;

const char *pf_verify_part_name(pf_verify_part part)
{
    switch (part) {
    case PF_VERIFY_INTACT:
        return "nothing";
    case PF_VERIFY_NOT_PROGRAM:
        return "not a frozen program";
    case PF_VERIFY_ELF_HEADER:
        return "ELF header";
    case PF_VERIFY_SECTION_HEADERS:
        return "ELF section header table";
    case PF_VERIFY_SECTION_NAMES:
        return "ELF section name table";
    case PF_VERIFY_SEGMENTS:
        return "ELF program headers";
    case PF_VERIFY_SEEK_TABLE:
        return "seek table";
    case PF_VERIFY_FRAME:
        return "compressed frame";
    case PF_VERIFY_INDEX_HEADER:
        return "index member's tar header";
    case PF_VERIFY_INDEX:
        return "index";
    case PF_VERIFY_MEMBER_HEADER:
        return "member's tar header";
    case PF_VERIFY_MEMBER:
        return "member";
    case PF_VERIFY_ARCHIVE_END:
        return "end of the tar archive";
    }
    return "unknown part";
}

/* damage: records the first damage, part at frame (PF_NONE: none), taking
 * the status and message already in r->error. Returns the status. */
static int damage(pf_verify_result *r, pf_verify_part part, uint32_t frame)
{
    r->status = r->error.status;
    r->part = r->status == PF_ERR_NOMEM ? PF_VERIFY_INTACT : part;
    r->frame = frame;
    return r->status;
}

/* name_member: names index entry n (PF_NONE: none) as the damaged member. */
static void name_member(verify_state *v, uint32_t n)
{
    pf_entry e;
    if (n == PF_NONE || n >= v->index.entry_count) {
        return;
    }
    pf_index_entry(&v->index, n, &e);
    v->r->entry = n;
    v->r->member_size = e.name_size;
    memcpy(v->r->member, e.name, e.name_size);
    v->r->member[e.name_size] = '\0';
}

/* name_index_member: names the index member (it has no index entry). */
static void name_index_member(pf_verify_result *r)
{
    r->member_size = sizeof PF_INDEX_MEMBER_NAME - 1u;
    memcpy(r->member, PF_INDEX_MEMBER_NAME, sizeof PF_INDEX_MEMBER_NAME);
}

/* A file entry's place, for sorting (sort_members). */
typedef struct location {
    uint32_t frame, offset, entry;
} location;

/* compare_location: qsort order of places by frame, then offset. */
static int compare_location(const void *a, const void *b)
{
    const location *x = a, *y = b;
    if (x->frame != y->frame) {
        return x->frame < y->frame ? -1 : 1;
    }
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* sort_members: v->order, v->first and v->seen for a validated index.
 * Returns PF_OK or PF_ERR_NOMEM. */
static int sort_members(verify_state *v)
{
    uint32_t frameCount = v->frames.table.frame_count;
    location *places = malloc((size_t)v->index.entry_count * sizeof *places);
    v->order = malloc((size_t)v->index.entry_count * sizeof *v->order);
    v->first = calloc((size_t)frameCount + 1u, sizeof *v->first);
    v->seen = calloc(v->index.entry_count / 8u + 1u, 1);
    v->member = malloc(sizeof *v->member);
    if (places == NULL || v->order == NULL || v->first == NULL || v->seen == NULL ||
        v->member == NULL) {
        free(places);
        return pf_error_set(&v->r->error, PF_ERR_NOMEM, "out of memory verifying the index");
    }
    for (uint32_t n = 0; n < v->index.entry_count; n++) {
        pf_entry e;
        pf_index_entry(&v->index, n, &e);
        if (PF_KIND_IS_FILE(e.kind)) {
            places[v->file_count++] = (location){e.frame, e.offset, n};
        }
    }
    qsort(places, v->file_count, sizeof *places, compare_location);
    /* first[f]: the first member at or past frame f; first[frameCount] = file_count */
    uint32_t k = 0;
    for (uint32_t f = 0; f <= frameCount; f++) {
        while (k < v->file_count && places[k].frame < f) {
            k++;
        }
        v->first[f] = k;
    }
    for (k = 0; k < v->file_count; k++) {
        v->order[k] = places[k].entry;
    }
    free(places);
    return PF_OK;
}

/* member_after: the entry number of frame i's first member whose data
 * starts after byte pos of the frame, or PF_NONE. */
static uint32_t member_after(const verify_state *v, uint32_t i, size_t pos)
{
    for (uint32_t k = v->first[i]; k < v->first[i + 1u]; k++) {
        pf_entry e;
        pf_index_entry(&v->index, v->order[k], &e);
        if (e.offset > pos) {
            return e.number;
        }
    }
    return PF_NONE;
}

/* open_frames: the seek table, frame 0, the index member and the index.
 * Returns PF_OK or the damage's status. */
static int open_frames(verify_state *v, const uint8_t *payload, size_t payloadSize)
{
    pf_verify_result *r = v->r;
    size_t dataOffset = 0, dataSize = 0;
    if (pf_frames_open(&v->frames, payload, payloadSize, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_SEEK_TABLE, PF_NONE);
    }
    r->frame_count = v->frames.table.frame_count;
    if (pf_decoder_new(&v->dctx, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_INTACT, PF_NONE);
    }
    name_index_member(r);
    if (pf_frame_check(&v->frames, 0, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_FRAME, 0);
    }
    uint32_t size0 = v->frames.table.frames[0].decompressed_size;
    if ((v->frame0 = malloc((size_t)size0 + 1u)) == NULL) {
        pf_error_set(&r->error, PF_ERR_NOMEM, "out of memory for frame 0 (%u bytes)", size0);
        return damage(r, PF_VERIFY_INTACT, PF_NONE);
    }
    if (pf_frame_decompress(&v->frames, v->dctx, 0, v->frame0, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_FRAME, 0);
    }
    r->checked_size = size0;
    if (pf_tar_find_index(v->frame0, size0, &dataOffset, &dataSize, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_INDEX_HEADER, 0);
    }
    /* the whole index, not only what a start checks (payload_index.h) */
    if (pf_index_open(&v->index, v->frame0 + dataOffset, dataSize, &v->frames.table, &r->error) !=
            PF_OK ||
        pf_index_verify(&v->index, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_INDEX, 0);
    }
    r->entry_count = v->index.entry_count;
    r->member_size = 0;
    r->member[0] = '\0';
    if (sort_members(v) != PF_OK) {
        return damage(r, PF_VERIFY_INTACT, PF_NONE);
    }
    return PF_OK;
}

/* match_member: checks tar member m, met in frame i, against the index.
 * Returns PF_OK or the damage's status. */
static int match_member(verify_state *v, uint32_t i, const pf_tar_member *m)
{
    pf_verify_result *r = v->r;
    pf_entry e;
    if (m->typeflag != '0' && m->typeflag != '\0') {
        name_member(v, member_after(v, i, m->header_offset));
        pf_error_set(&r->error, PF_ERR_CORRUPT,
                     "the tar member at byte %zu of frame %u has type '%c', not a regular file",
                     m->header_offset, i, m->typeflag);
        return damage(r, PF_VERIFY_MEMBER_HEADER, i);
    }
    if (!pf_index_find(&v->index, m->name, m->name_size, &e) || !PF_KIND_IS_FILE(e.kind)) {
        name_member(v, member_after(v, i, m->header_offset));
        pf_error_set(&r->error, PF_ERR_CORRUPT,
                     "the tar member at byte %zu of frame %u has a name no file entry of the "
                     "index has",
                     m->header_offset, i);
        return damage(r, PF_VERIFY_MEMBER_HEADER, i);
    }
    name_member(v, e.number);
    if (e.frame != i || e.offset != m->data_offset || e.size != m->size) {
        pf_error_set(&r->error, PF_ERR_CORRUPT,
                     "the index places it in frame %u at byte %u, %u bytes; the tar in frame %u "
                     "at byte %zu, %llu bytes",
                     e.frame, e.offset, e.size, i, m->data_offset, (unsigned long long)m->size);
        return damage(r, PF_VERIFY_MEMBER, i);
    }
    uint8_t bit = (uint8_t)(1u << (e.number % 8u));
    if (v->seen[e.number / 8u] & bit) {
        pf_error_set(&r->error, PF_ERR_CORRUPT, "the tar holds it twice");
        return damage(r, PF_VERIFY_MEMBER, i);
    }
    v->seen[e.number / 8u] |= bit;
    r->member_count++;
    r->member_size = 0;
    r->member[0] = '\0';
    r->entry = PF_NONE;
    return PF_OK;
}

/* archive_end: checks the end-of-archive block at byte pos of frame i
 * (size bytes): the last frame, two blocks or more, nothing but zeros to
 * the frame's end. Returns PF_OK or the damage's status. */
static int archive_end(verify_state *v, uint32_t i, size_t pos, size_t size)
{
    pf_verify_result *r = v->r;
    uint32_t tarFrames = v->frames.table.frame_count;
    tarFrames -= pf_frame_is_stored(&v->frames.table, tarFrames - 1u); /* payload.h */
    if (i + 1u != tarFrames) {
        pf_error_set(&r->error, PF_ERR_CORRUPT,
                     "frame %u has a zero block at byte %zu, but only the last frame may end "
                     "the archive",
                     i, pos);
        name_member(v, member_after(v, i, pos));
        return damage(r, PF_VERIFY_MEMBER_HEADER, i);
    }
    if (size - pos < 1024u) {
        pf_error_set(&r->error, PF_ERR_CORRUPT,
                     "the archive ends with %zu zero bytes, not two "
                     "blocks",
                     size - pos);
        return damage(r, PF_VERIFY_ARCHIVE_END, i);
    }
    for (size_t k = pos; k < size; k++) {
        if (v->buffer[k] != 0) {
            pf_error_set(&r->error, PF_ERR_CORRUPT,
                         "byte %zu of the last frame, after the end-of-archive blocks, is not "
                         "zero",
                         k);
            return damage(r, PF_VERIFY_ARCHIVE_END, i);
        }
    }
    v->archive_end = 1;
    return PF_OK;
}

/* walk_frame: the tar members of frame i, decompressed in v->buffer (size
 * bytes). Returns PF_OK or the damage's status. */
static int walk_frame(verify_state *v, uint32_t i, size_t size)
{
    pf_verify_result *r = v->r;
    size_t pos = 0;
    while (pos < size) {
        int status = pf_tar_read_member(v->buffer, size, pos, v->member, &r->error);
        if (status == PF_ERR_NOT_FOUND) {
            return archive_end(v, i, pos, size);
        }
        if (status != PF_OK) {
            name_member(v, member_after(v, i, pos));
            return damage(r, PF_VERIFY_MEMBER_HEADER, i);
        }
        status = match_member(v, i, v->member);
        if (status != PF_OK) {
            return status;
        }
        pos = v->member->next_offset;
    }
    return PF_OK;
}

/* check_frame: decompresses frame i (>= 1) into v->buffer and walks it.
 * Returns PF_OK or the damage's status. */
static int check_frame(verify_state *v, uint32_t i)
{
    pf_verify_result *r = v->r;
    const pf_frame *f = &v->frames.table.frames[i];
    name_member(v, v->first[i] < v->first[i + 1u] ? v->order[v->first[i]] : PF_NONE);
    if (pf_frame_check(&v->frames, i, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_FRAME, i);
    }
    if (f->decompressed_size > v->capacity) {
        free(v->buffer);
        v->capacity = 0;
        if ((v->buffer = malloc(f->decompressed_size)) == NULL) {
            pf_error_set(&r->error, PF_ERR_NOMEM, "out of memory for frame %u (%u bytes)", i,
                         f->decompressed_size);
            return damage(r, PF_VERIFY_INTACT, PF_NONE);
        }
        v->capacity = f->decompressed_size;
    }
    if (pf_frame_decompress(&v->frames, v->dctx, i, v->buffer, &r->error) != PF_OK) {
        return damage(r, PF_VERIFY_FRAME, i);
    }
    r->checked_size += f->decompressed_size;
    r->member_size = 0;
    r->member[0] = '\0';
    r->entry = PF_NONE;
    return walk_frame(v, i, f->decompressed_size);
}

/* check_stored_frame: the members of stored frame i (payload.h): each
 * one's ELF structure (pf_elf_check_layout; one without section headers
 * passes) and the zeros from its end to the next page, which the runtime
 * maps with it. Returns PF_OK or the damage's status. */
static int check_stored_frame(verify_state *v, uint32_t i)
{
    pf_verify_result *r = v->r;
    const pf_frame *f = &v->frames.table.frames[i];
    const uint8_t *data = v->frames.src + PF_STORED_DATA_START(f->compressed_offset);
    const uint8_t *frameEnd = v->frames.src + f->compressed_offset + f->compressed_size;
    for (uint32_t k = v->first[i]; k < v->first[i + 1u]; k++) {
        pf_entry e;
        pf_index_entry(&v->index, v->order[k], &e);
        name_member(v, e.number);
        const uint8_t *bytes = data + e.offset;
        pf_elf_part part;
        int status = pf_elf_check_layout(bytes, e.size, &part, &r->error);
        if (status != PF_OK && status != PF_ERR_NOT_FOUND) {
            return damage(r, PF_VERIFY_MEMBER, i);
        }
        const uint8_t *pageEnd = data + ((e.offset + (uint64_t)e.size + PF_STORED_ALIGN - 1u) &
                                         ~(uint64_t)(PF_STORED_ALIGN - 1u));
        for (const uint8_t *p = bytes + e.size; p < pageEnd && p < frameEnd; p++) {
            if (*p != 0) {
                pf_error_set(&r->error, PF_ERR_CORRUPT,
                             "byte %zu after its stored data, on its last page, is not zero",
                             (size_t)(p - bytes - e.size));
                return damage(r, PF_VERIFY_MEMBER, i);
            }
        }
        v->seen[e.number / 8u] |= (uint8_t)(1u << (e.number % 8u));
        r->member_count++;
        r->checked_size += e.size;
    }
    r->member_size = 0;
    r->member[0] = '\0';
    r->entry = PF_NONE;
    return PF_OK;
}

/* check_all_met: every file entry's tar member was met, and the archive's
 * end. Returns PF_OK or the damage's status. */
static int check_all_met(verify_state *v)
{
    pf_verify_result *r = v->r;
    for (uint32_t k = 0; k < v->file_count; k++) {
        uint32_t n = v->order[k];
        if (!(v->seen[n / 8u] & (1u << (n % 8u)))) {
            pf_entry e;
            pf_index_entry(&v->index, n, &e);
            name_member(v, n);
            pf_error_set(&r->error, PF_ERR_CORRUPT,
                         "the index places it in frame %u at byte %u, but no tar member is there",
                         e.frame, e.offset);
            return damage(r, PF_VERIFY_MEMBER, e.frame);
        }
    }
    if (!v->archive_end) {
        pf_error_set(&r->error, PF_ERR_CORRUPT, "the last frame has no end-of-archive blocks");
        return damage(r, PF_VERIFY_ARCHIVE_END, v->frames.table.frame_count - 1u);
    }
    return PF_OK;
}

/* result_init: an intact result with nothing checked. */
static void result_init(pf_verify_result *r)
{
    memset(r, 0, sizeof *r);
    r->frame = PF_NONE;
    r->entry = PF_NONE;
    pf_error_clear(&r->error);
}

int pf_verify_payload(const uint8_t *payload, size_t payloadSize, unsigned flags,
                      pf_verify_result *result)
{
    verify_state v = {.r = result};
    result_init(result);
    result->payload_size = payloadSize;
    int status = open_frames(&v, payload, payloadSize);
    for (uint32_t i = 1; status == PF_OK && i < v.frames.table.frame_count; i++) {
        if (pf_frame_is_stored(&v.frames.table, i)) {
            status = flags & PF_VERIFY_QUICK ? PF_OK : check_stored_frame(&v, i);
        } else if (flags & PF_VERIFY_QUICK) {
            name_member(&v, v.first[i] < v.first[i + 1u] ? v.order[v.first[i]] : PF_NONE);
            status = pf_frame_check(&v.frames, i, &result->error) == PF_OK
                         ? PF_OK
                         : damage(result, PF_VERIFY_FRAME, i);
        } else {
            status = check_frame(&v, i);
        }
    }
    if (status == PF_OK && !(flags & PF_VERIFY_QUICK)) {
        status = check_all_met(&v);
    }
    if (status == PF_OK) {
        result->member_size = 0;
        result->member[0] = '\0';
        result->entry = PF_NONE;
    }
    free(v.buffer);
    free(v.member);
    free(v.seen);
    free(v.first);
    free(v.order);
    free(v.frame0);
    ZSTD_freeDCtx(v.dctx);
    pf_frames_close(&v.frames);
    return result->status;
}

/* has_payload_marks: whether file[0..fileSize), not readable as a frozen
 * program, still holds a payload: a seek table's footer magic whose footer
 * and skippable frame header agree (payload.h). The magic alone would not
 * do: the code of every stub compares with it. */
static int has_payload_marks(const uint8_t *file, size_t fileSize)
{
    const uint8_t *p = file, *end = file + fileSize;
    while ((p = memmem(p, (size_t)(end - p), seek_magic, sizeof seek_magic)) != NULL) {
        size_t tableEnd = (size_t)(p - file) + sizeof seek_magic;
        if (tableEnd >= PF_SEEK_FOOTER_SIZE + 8u) {
            uint32_t frames = pf_le32_load(p - 5);
            uint8_t descriptor = p[-1];
            uint64_t entry = (descriptor & PF_SEEK_DESCRIPTOR_CHECKSUM) ? 12u : 8u;
            uint64_t frameSize = frames * entry + PF_SEEK_FOOTER_SIZE;
            if (frames >= 1 && frames <= PF_MAX_FRAMES && frameSize + 8u <= tableEnd &&
                pf_le32_load(file + tableEnd - frameSize - 8u) == PF_SEEK_SKIPPABLE_MAGIC &&
                pf_le32_load(file + tableEnd - frameSize - 4u) == frameSize) {
                return 1;
            }
        }
        p++;
    }
    return 0;
}

/* not_program: records that file is no frozen program (why: the reason). */
static int not_program(pf_verify_result *r, const char *why)
{
    pf_error_set(&r->error, PF_ERR_NOT_FOUND, "%s", why);
    return damage(r, PF_VERIFY_NOT_PROGRAM, PF_NONE);
}

static pf_verify_part elf_part(pf_elf_part part)
{
    switch (part) {
    case PF_ELF_PART_PROGRAM_HEADERS:
        return PF_VERIFY_SEGMENTS;
    case PF_ELF_PART_SECTION_HEADERS:
    case PF_ELF_PART_SECTIONS:
        return PF_VERIFY_SECTION_HEADERS;
    case PF_ELF_PART_SECTION_NAMES:
        return PF_VERIFY_SECTION_NAMES;
    default:
        return PF_VERIFY_ELF_HEADER;
    }
}

int pf_verify_image(const uint8_t *file, size_t fileSize, unsigned flags, pf_verify_result *result)
{
    pf_elf_part part = PF_ELF_PART_NONE;
    uint64_t offset = 0, size = 0;
    result_init(result);
    int isElf = fileSize >= 4 && memcmp(file, "\177ELF", 4) == 0;
    if (!isElf && !has_payload_marks(file, fileSize)) {
        return not_program(result, "not an ELF file");
    }
    int status = pf_elf_check_layout(file, fileSize, &part, &result->error);
    if (status == PF_ERR_NOT_FOUND && !has_payload_marks(file, fileSize)) {
        return not_program(result, "an ELF file without sections, so without a payload");
    }
    if (status != PF_OK) {
        result->error.status = status == PF_ERR_NOT_FOUND ? PF_ERR_CORRUPT : status;
        return damage(result, elf_part(part), PF_NONE);
    }
    status = pf_elf_find_section(file, fileSize, PF_SECTION_NAME, &offset, &size, &result->error);
    if (status == PF_ERR_NOT_FOUND) {
        if (!has_payload_marks(file, fileSize)) {
            return not_program(result, "an ELF file without a " PF_SECTION_NAME
                                       " section (the pyfreeze stub itself, or another program)");
        }
        pf_error_set(&result->error, PF_ERR_CORRUPT,
                     "no section is named " PF_SECTION_NAME ", but the file holds a payload: "
                     "the section names are damaged");
        return damage(result, PF_VERIFY_SECTION_NAMES, PF_NONE);
    }
    if (status != PF_OK) {
        return damage(result, PF_VERIFY_SECTION_HEADERS, PF_NONE);
    }
    /* pf_elf_find_section checked offset + size <= fileSize */
    return pf_verify_payload(file + offset, (size_t)size, flags, result);
}
