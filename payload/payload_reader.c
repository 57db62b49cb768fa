/* payload_reader.c - opening a payload and reading members from it; contract
 * in payload_reader.h, format in payload.h.
 *
 * Open: seek table -> frame 0 decompressed -> tar header(s) of the index
 * member parsed -> index validated. Reads: the frame holding a member is
 * decompressed once and kept in a small LRU cache; frame 0 stays for the
 * payload's life. One ZSTD_DCtx serves every frame read here; the prefetch
 * thread (payload_prefetch.c) has its own, and a frame it decompressed is
 * moved into the cache instead of being decompressed again. */
#include "payload_reader.h"

#include <stdlib.h>
#include <string.h>

/* ZSTD_createDCtx_advanced (pf_payload_new_dctx); ZSTD_d_forceIgnoreChecksum
 * in fuzzing builds */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "payload.h"
#include "big_block.h"
#include "payload_internal.h"
#include "pf_le.h"

/* zstd frame header (RFC 8878 section 3.1.1): u32 magic, then the
 * Frame_Header_Descriptor whose bit 2 is Content_Checksum_flag. */
#define ZSTD_FRAME_MAGIC 0xFD2FB528u
#define ZSTD_DESCRIPTOR_CHECKSUM 0x04u
/* Each zstd block is at least 4 bytes (3-byte header + 1 byte of RLE) and
 * yields at most 128 KiB, so no frame expands more than 32768 times. A size
 * claiming more is damage, refused before allocating for it. */
#define ZSTD_MAX_EXPANSION 32768u
/* Frames are at most PF_MAX_FRAME_SIZE (2^30) bytes; a single-segment frame's
 * window is its content size, so allow windows that large. */
#define PF_ZSTD_WINDOW_LOG_MAX 30

/* POSIX ustar header (pax spec, "ustar Interchange Format"): field offsets. */
#define TAR_BLOCK 512u
#define TAR_NAME 0u
#define TAR_NAME_SIZE 100u
#define TAR_SIZE 124u
#define TAR_SIZE_SIZE 12u
#define TAR_CHKSUM 148u
#define TAR_CHKSUM_SIZE 8u
#define TAR_TYPEFLAG 156u
#define TAR_MAGIC 257u /* "ustar\0" then version "00" */
#define TAR_PREFIX 345u
#define TAR_PREFIX_SIZE 155u
/* A pax extended header for one short member name is well under this; the
 * cap bounds parsing work (libarchive caps such headers at 1 MiB). */
#define TAR_MAX_PAX_SIZE (64u * 1024u)

void pf_payload_set_release(pf_payload *payload, pf_payload_release release, size_t sweepBytes)
{
    payload->release = release;
    payload->sweep_bytes = sweepBytes;
    payload->swept = 0;
}

void pf_payload_release_frame(const pf_payload *p, uint32_t i)
{
    if (p->release != NULL) {
        const pf_frame *f = &p->table.frames[i];
        p->release(p->src + f->compressed_offset, f->compressed_size);
    }
}

/* release_through: after a read of frame i (the reads' side), sweeps the
 * payload from its start through frame i if the frame ends sweep_bytes or
 * more past the last sweep (see pf_payload_set_release). Returns whether
 * it swept (frame i's pages included). */
static int release_through(pf_payload *p, uint32_t i)
{
    const pf_frame *f = &p->table.frames[i];
    size_t end = (size_t)f->compressed_offset + f->compressed_size;
    if (p->release == NULL || end < p->swept || end - p->swept < p->sweep_bytes) {
        return 0;
    }
    p->release(p->src, end);
    p->swept = end;
    return 1;
}

/* pf_payload_check_frame (payload_internal.h): magic, content checksum
 * flag, content size equal to the table's, exactly one frame in the table's
 * compressed bytes. */
int pf_payload_check_frame(const pf_payload *p, uint32_t i, pf_error *err)
{
    const pf_frame *f = &p->table.frames[i];
    const uint8_t *src = p->src + f->compressed_offset;

    if (f->compressed_size < 5u || pf_le32_load(src) != ZSTD_FRAME_MAGIC) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u is not a zstd frame", i);
    }
    if (!(src[4] & ZSTD_DESCRIPTOR_CHECKSUM)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u has no content checksum", i);
    }
    unsigned long long contentSize = ZSTD_getFrameContentSize(src, f->compressed_size);
    if (contentSize == ZSTD_CONTENTSIZE_ERROR || contentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u has a bad or no content size", i);
    }
    if (contentSize != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "frame %u holds %llu bytes, the seek table says %u", i, contentSize,
                            f->decompressed_size);
    }
    if ((uint64_t)f->decompressed_size > (uint64_t)f->compressed_size * ZSTD_MAX_EXPANSION) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "frame %u claims %u bytes from %u compressed: impossible for zstd", i,
                            f->decompressed_size, f->compressed_size);
    }
    size_t frameSize = ZSTD_findFrameCompressedSize(src, f->compressed_size);
    if (ZSTD_isError(frameSize) || frameSize != f->compressed_size) {
        return pf_error_set(
            err, PF_ERR_CORRUPT, "frame %u does not fill its %u bytes in the seek table (%s)", i,
            f->compressed_size, ZSTD_isError(frameSize) ? ZSTD_getErrorName(frameSize) : "size");
    }
    return PF_OK;
}

/* pf_payload_decompress_frame (payload_internal.h): zstd verifies the
 * content checksum. */
int pf_payload_decompress_frame(const pf_payload *p, ZSTD_DCtx *dctx, uint32_t i, uint8_t *dst,
                                pf_error *err)
{
    const pf_frame *f = &p->table.frames[i];
    size_t r = ZSTD_decompressDCtx(dctx, dst, f->decompressed_size, p->src + f->compressed_offset,
                                   f->compressed_size);
    pf_payload_release_frame(p, i);
    if (ZSTD_isError(r)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u does not decompress: %s", i,
                            ZSTD_getErrorName(r));
    }
    if (r != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u gave %zu bytes, the seek table says %u",
                            i, r, f->decompressed_size);
    }
    return PF_OK;
}

/* tar_octal: parses a ustar numeric field field[0..fieldSize): optional
 * leading spaces, octal digits, then only spaces or NULs. Returns 1 and sets
 * *out, or 0 when malformed (including base-256 values, never needed for
 * sizes under PF_MAX_INDEX_SIZE). */
static int tar_octal(const uint8_t *field, size_t fieldSize, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    int digits = 0;

    while (i < fieldSize && field[i] == ' ') {
        i++;
    }
    for (; i < fieldSize && field[i] >= '0' && field[i] <= '7'; i++, digits++) {
        if (v > (UINT64_MAX >> 3)) {
            return 0;
        }
        v = v << 3 | (uint64_t)(field[i] - '0');
    }
    for (; i < fieldSize; i++) {
        if (field[i] != ' ' && field[i] != '\0') {
            return 0;
        }
    }
    *out = v;
    return digits > 0;
}

/* tar_header_check: verifies the ustar magic and header checksum of the
 * 512-byte block h (checksum = unsigned sum of the block's bytes with the
 * checksum field read as spaces; POSIX ustar). which names it in messages.
 * Returns PF_OK or PF_ERR_CORRUPT. */
static int tar_header_check(const uint8_t *h, const char *which, pf_error *err)
{
    uint64_t stored;
    uint64_t sum = 0;

    if (memcmp(h + TAR_MAGIC,
               "ustar\0"
               "00",
               8) != 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "%s is not a ustar header", which);
    }
    for (unsigned i = 0; i < TAR_BLOCK; i++) {
        sum += (i >= TAR_CHKSUM && i < TAR_CHKSUM + TAR_CHKSUM_SIZE) ? (uint8_t)' ' : h[i];
    }
    if (!tar_octal(h + TAR_CHKSUM, TAR_CHKSUM_SIZE, &stored)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "%s has a malformed checksum field", which);
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    sum = stored; /* fuzzing builds: see payload_index.c */
#endif
    if (stored != sum) {
        return pf_error_set(err, PF_ERR_CORRUPT, "%s checksum is %llu, computed %llu", which,
                            (unsigned long long)stored, (unsigned long long)sum);
    }
    return PF_OK;
}

/* pax_scan: reads the pax extended header records rec[0..size) ("<len>
 * <key>=<value>\n", len counting the whole record; POSIX pax "pax Extended
 * Header"). Sets *path and *pathSize when a "path" record is present and
 * *dataSize when a "size" record is. Returns PF_OK or PF_ERR_CORRUPT. */
static int pax_scan(const uint8_t *rec, size_t size, const uint8_t **path, size_t *pathSize,
                    uint64_t *dataSize, pf_error *err)
{
    size_t pos = 0;
    while (pos < size) {
        size_t len = 0, i = pos;
        while (i < size && rec[i] >= '0' && rec[i] <= '9' && len <= TAR_MAX_PAX_SIZE) {
            len = len * 10u + (size_t)(rec[i] - '0');
            i++;
        }
        if (i == pos || i >= size || rec[i] != ' ' || len > size - pos || len < i - pos + 4u ||
            rec[pos + len - 1u] != '\n') {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index member's pax header has a malformed record at byte %zu",
                                pos);
        }
        const uint8_t *key = rec + i + 1u;
        const uint8_t *end = rec + pos + len - 1u; /* the '\n' */
        const uint8_t *eq = memchr(key, '=', (size_t)(end - key));
        if (eq == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index member's pax header has a record without '=' at byte %zu",
                                pos);
        }
        const uint8_t *value = eq + 1;
        size_t keySize = (size_t)(eq - key), valueSize = (size_t)(end - value);
        if (keySize == 4 && memcmp(key, "path", 4) == 0) {
            *path = value;
            *pathSize = valueSize;
        } else if (keySize == 4 && memcmp(key, "size", 4) == 0) {
            uint64_t v = 0;
            if (valueSize == 0 || valueSize > 19) {
                return pf_error_set(err, PF_ERR_CORRUPT, "index member's pax size is malformed");
            }
            for (size_t k = 0; k < valueSize; k++) {
                if (value[k] < '0' || value[k] > '9') {
                    return pf_error_set(err, PF_ERR_CORRUPT,
                                        "index member's pax size is malformed");
                }
                v = v * 10u + (uint64_t)(value[k] - '0');
            }
            *dataSize = v;
        }
        pos += len;
    }
    return PF_OK;
}

/* find_index_data: parses the tar header(s) at the start of frame 0
 * (frame[0..frameSize)): an optional pax 'x' header, then the ustar header
 * of PF_INDEX_MEMBER_NAME, whose data must end, padded to 512 bytes, exactly
 * at the frame's end. Sets *dataOffset (from the frame's start) and
 * *dataSize (bytes). Returns PF_OK, PF_ERR_TRUNCATED or PF_ERR_CORRUPT. */
static int find_index_data(const uint8_t *frame, size_t frameSize, size_t *dataOffset,
                           size_t *dataSize, pf_error *err)
{
    const uint8_t *path = NULL;
    size_t pathSize = 0;
    uint64_t paxSize = UINT64_MAX; /* UINT64_MAX: no pax "size" record */
    size_t pos = 0;
    uint64_t v;
    int status;

    if (frameSize < TAR_BLOCK) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "frame 0 is %zu bytes, too short for a tar header", frameSize);
    }
    if (frame[TAR_TYPEFLAG] == 'x') {
        status = tar_header_check(frame, "index member's pax header", err);
        if (status != PF_OK) {
            return status;
        }
        if (!tar_octal(frame + TAR_SIZE, TAR_SIZE_SIZE, &v) || v > TAR_MAX_PAX_SIZE) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "index member's pax header size is malformed or over %u bytes",
                                TAR_MAX_PAX_SIZE);
        }
        /* v <= 64 KiB: the padded size cannot overflow. */
        size_t padded = ((size_t)v + TAR_BLOCK - 1u) / TAR_BLOCK * TAR_BLOCK;
        if (frameSize - TAR_BLOCK < padded + TAR_BLOCK) {
            return pf_error_set(err, PF_ERR_TRUNCATED,
                                "frame 0 ends inside the index member's headers");
        }
        status = pax_scan(frame + TAR_BLOCK, (size_t)v, &path, &pathSize, &paxSize, err);
        if (status != PF_OK) {
            return status;
        }
        pos = TAR_BLOCK + padded;
    }

    const uint8_t *h = frame + pos;
    status = tar_header_check(h, "index member's tar header", err);
    if (status != PF_OK) {
        return status;
    }
    if (h[TAR_TYPEFLAG] != '0' && h[TAR_TYPEFLAG] != '\0') {
        return pf_error_set(err, PF_ERR_CORRUPT, "first tar member is not a regular file");
    }
    size_t nameLen = strnlen((const char *)h + TAR_NAME, TAR_NAME_SIZE);
    if (path == NULL) {
        path = h + TAR_NAME;
        pathSize = nameLen;
        if (h[TAR_PREFIX] != '\0') {
            pathSize = 0; /* a prefix makes it another name */
        }
    }
    if (pathSize != sizeof PF_INDEX_MEMBER_NAME - 1u ||
        memcmp(path, PF_INDEX_MEMBER_NAME, pathSize) != 0) {
        return pf_error_set(err, PF_ERR_CORRUPT, "first tar member is not %s",
                            PF_INDEX_MEMBER_NAME);
    }
    if (!tar_octal(h + TAR_SIZE, TAR_SIZE_SIZE, &v)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index member's tar size field is malformed");
    }
    if (paxSize != UINT64_MAX) {
        v = paxSize;
    }
    if (v > PF_MAX_INDEX_SIZE) {
        return pf_error_set(err, PF_ERR_CORRUPT, "index member is %llu bytes, over the %u limit",
                            (unsigned long long)v, PF_MAX_INDEX_SIZE);
    }
    size_t start = pos + TAR_BLOCK;
    size_t padded = ((size_t)v + TAR_BLOCK - 1u) / TAR_BLOCK * TAR_BLOCK;
    if (frameSize - start < padded) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "index member needs %zu bytes, frame 0 has %zu after its header",
                            padded, frameSize - start);
    }
    if (frameSize - start != padded) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame 0 holds %zu bytes past the index member",
                            frameSize - start);
    }
    *dataOffset = start;
    *dataSize = (size_t)v;
    return PF_OK;
}

int pf_payload_setup_dctx(ZSTD_DCtx *dctx, pf_error *err)
{
    if (dctx == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd decoder");
    }
    if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, PF_ZSTD_WINDOW_LOG_MAX))) {
        return pf_error_set(err, PF_ERR_NOMEM, "zstd refused a window log of %d",
                            PF_ZSTD_WINDOW_LOG_MAX);
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Lets mutated frames reach the tar and index checks. */
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
#endif
    return PF_OK;
}

static void *decoder_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return pf_big_alloc(size);
}

static void decoder_free(void *opaque, void *address)
{
    (void)opaque;
    pf_big_free(address);
}

int pf_payload_new_dctx(ZSTD_DCtx **out, pf_error *err)
{
    static const ZSTD_customMem mem = {decoder_alloc, decoder_free, NULL};
    *out = ZSTD_createDCtx_advanced(mem);
    int status = pf_payload_setup_dctx(*out, err);
    if (status != PF_OK) {
        ZSTD_freeDCtx(*out);
        *out = NULL;
    }
    return status;
}

void pf_payload_shrink_dctx(ZSTD_DCtx **dctx)
{
    ZSTD_DCtx *fresh;
    if (ZSTD_sizeof_DCtx(*dctx) > PF_DECODER_KEEP && pf_payload_new_dctx(&fresh, NULL) == PF_OK) {
        ZSTD_freeDCtx(*dctx);
        *dctx = fresh;
    }
}

/* count_members: fills p->unread with each frame's number of file members
 * and makes p->read, all clear. Returns PF_OK or PF_ERR_NOMEM. */
static int count_members(pf_payload *p, pf_error *err)
{
    p->unread = calloc(p->table.frame_count, sizeof *p->unread);
    p->read = calloc(p->index.entry_count / 8u + 1u, 1);
    if (p->unread == NULL || p->read == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the payload");
    }
    for (uint32_t n = 0; n < p->index.entry_count; n++) {
        pf_entry e;
        pf_index_entry(&p->index, n, &e);
        if (PF_KIND_IS_FILE(e.kind)) {
            p->unread[e.frame]++;
        }
    }
    return PF_OK;
}

void pf_payload_note_read(pf_payload *p, const pf_entry *e)
{
    uint8_t bit = (uint8_t)(1u << (e->number % 8u));
    if ((p->read[e->number / 8u] & bit) == 0) {
        p->read[e->number / 8u] |= bit;
        p->unread[e->frame]--;
    }
}

/* drop_read_frames: frees the cache slots of frames whose members have all
 * been read. A program imports each module once, so once a frame's last
 * member is read its bytes are unlikely to be needed again; keeping them
 * would keep up to PF_FRAME_CACHE_SLOTS frames (about 1 MB for the
 * benchmark's stdlib-heavy program) for the life of the process. A member
 * read again decompresses its frame again. */
static void drop_read_frames(pf_payload *p)
{
    if (p->pins > 0) {
        return; /* pinned bytes may be in these frames */
    }
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &p->cache[s];
        if (c->frame != PF_NONE && p->unread[c->frame] == 0) {
            pf_big_free(c->data);
            c->data = NULL;
            c->capacity = 0;
            c->frame = PF_NONE;
        }
    }
}

int pf_payload_open(pf_payload **out, const uint8_t *src, size_t srcSize, pf_error *err)
{
    size_t dataOffset = 0, dataSize = 0;
    int status;

    *out = NULL;
    pf_payload *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the payload");
    }
    p->src = src;
    p->src_size = srcSize;
    for (unsigned i = 0; i < PF_FRAME_CACHE_SLOTS; i++) {
        p->cache[i].frame = PF_NONE;
    }

    status = pf_seek_table_read(src, srcSize, &p->table, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_payload_new_dctx(&p->dctx, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_payload_check_frame(p, 0, err);
    if (status != PF_OK) {
        goto fail;
    }
    p->frame0 = malloc(p->table.frames[0].decompressed_size + 1u);
    if (p->frame0 == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for frame 0 (%u bytes)",
                              p->table.frames[0].decompressed_size);
        goto fail;
    }
    status = pf_payload_decompress_frame(p, p->dctx, 0, p->frame0, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = find_index_data(p->frame0, p->table.frames[0].decompressed_size, &dataOffset,
                             &dataSize, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_index_open(&p->index, p->frame0 + dataOffset, dataSize, &p->table, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = count_members(p, err);
    if (status != PF_OK) {
        goto fail;
    }
    *out = p;
    return PF_OK;

fail:
    pf_payload_close(p);
    return status;
}

void pf_payload_close(pf_payload *payload)
{
    if (payload == NULL) {
        return;
    }
    pf_prefetch_free(payload->prefetch); /* the thread reads src: stop it first */
    for (unsigned i = 0; i < PF_FRAME_CACHE_SLOTS; i++) {
        pf_big_free(payload->cache[i].data);
    }
    for (size_t k = 0; k < payload->held_count; k++) {
        pf_big_free(payload->held[k]);
    }
    free(payload->held);
    free(payload->unread);
    free(payload->read);
    free(payload->frame0);
    pf_big_free(payload->scratch);
    ZSTD_freeDCtx(payload->dctx);
    pf_seek_table_free(&payload->table);
    free(payload);
}

const pf_index *pf_payload_index(const pf_payload *payload)
{
    return &payload->index;
}

const pf_seek_table *pf_payload_seek_table(const pf_payload *payload)
{
    return &payload->table;
}

/* hold: puts slot c's buffer aside until the last unpin, leaving the slot
 * empty. Returns PF_OK or PF_ERR_NOMEM. */
static int hold(pf_payload *p, pf_cached_frame *c, pf_error *err)
{
    if (p->held_count == p->held_capacity) {
        size_t capacity = p->held_capacity ? 2 * p->held_capacity : 4;
        uint8_t **grown = realloc(p->held, capacity * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory keeping a frame");
        }
        p->held = grown;
        p->held_capacity = capacity;
    }
    p->held[p->held_count++] = c->data;
    c->data = NULL;
    c->capacity = 0;
    c->frame = PF_NONE;
    return PF_OK;
}

void pf_payload_pin(pf_payload *payload)
{
    payload->pins++;
}

void pf_payload_unpin(pf_payload *payload)
{
    if (payload->pins == 0 || --payload->pins > 0) {
        return;
    }
    for (size_t k = 0; k < payload->held_count; k++) {
        pf_big_free(payload->held[k]);
    }
    payload->held_count = 0;
    drop_read_frames(payload); /* the last frame read may be done with */
}

/* frame_data: the decompressed bytes of frame i: frame 0 directly, others
 * from the cache; on a miss the least recently used slot takes the
 * prefetch thread's buffer of the frame if it has one, else the frame is
 * decompressed into the slot's buffer (reused, grown only when too small).
 * Returns PF_OK, PF_ERR_CORRUPT or PF_ERR_NOMEM. */
static int frame_data(pf_payload *p, uint32_t i, const uint8_t **data, pf_error *err)
{
    if (i == 0) {
        *data = p->frame0;
        return PF_OK;
    }
    pf_cached_frame *victim = &p->cache[0];
    p->clock++;
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &p->cache[s];
        if (c->frame == i) {
            c->last_use = p->clock;
            *data = c->data;
            return PF_OK;
        }
        /* Prefer an empty slot, else the least recently used. */
        if (victim->frame != PF_NONE && (c->frame == PF_NONE || c->last_use < victim->last_use)) {
            victim = c;
        }
    }
    /* Past the walk's end (payload.h: walk_end) lie modules imported, if
     * ever, from functions, late and one by one: such frames share one
     * slot, so those a long-running program read once do not stay. */
    for (unsigned s = 0; i >= p->index.walk_end && s < PF_FRAME_CACHE_SLOTS; s++) {
        if (p->cache[s].frame != PF_NONE && p->cache[s].frame >= p->index.walk_end) {
            victim = &p->cache[s];
        }
    }
    size_t need =
        (size_t)p->table.frames[i].decompressed_size + 1u; /* +1: never a block of 0 bytes */
    if (p->pins > 0 && victim->data != NULL) {
        int status = hold(p, victim, err);
        if (status != PF_OK) {
            return status;
        }
    }
    uint8_t *ready = NULL;
    size_t readyCapacity = 0;
    if (pf_prefetch_take_frame(p->prefetch, i, &ready, &readyCapacity)) {
        /* the prefetch thread's buffer takes the slot; the slot's own goes
         * back to the thread */
        pf_prefetch_give_back(p->prefetch, victim->data, victim->capacity);
        victim->data = ready;
        victim->capacity = readyCapacity;
        victim->frame = i;
        victim->last_use = p->clock;
        *data = ready;
        release_through(p, i);
        return PF_OK;
    }
    int status = pf_payload_check_frame(p, i, err);
    if (status != PF_OK) {
        return status;
    }
    victim->frame = PF_NONE;
    if (victim->capacity < need) {
        pf_big_free(victim->data);
        victim->data = pf_big_alloc(need);
        victim->capacity = victim->data != NULL ? need : 0;
        if (victim->data == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory for frame %u (%zu bytes)", i,
                                need - 1u);
        }
    }
    status = pf_payload_decompress_frame(p, p->dctx, i, victim->data, err);
    if (status != PF_OK) {
        return status;
    }
    victim->frame = i;
    victim->last_use = p->clock;
    *data = victim->data;
    release_through(p, i);
    return PF_OK;
}

/* file_entry: re-decodes a caller's file entry from the validated index (a
 * caller's copy is not trusted). Returns PF_OK or PF_ERR_USAGE. */
static int file_entry(const pf_payload *payload, const pf_entry *file, pf_entry *e, pf_error *err)
{
    if (file == NULL || file->number >= payload->index.entry_count) {
        return pf_error_set(err, PF_ERR_USAGE, "no such index entry");
    }
    pf_index_entry(&payload->index, file->number, e);
    if (!PF_KIND_IS_FILE(e->kind)) {
        return pf_error_set(err, PF_ERR_USAGE, "index entry %u is not a file entry", e->number);
    }
    return PF_OK;
}

/* cached_frame: frame i's bytes if they are at hand (frame 0 or a cache
 * slot), else NULL. Does not change the LRU order. */
static const uint8_t *cached_frame(const pf_payload *p, uint32_t i)
{
    if (i == 0) {
        return p->frame0;
    }
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        if (p->cache[s].frame == i) {
            return p->cache[s].data;
        }
    }
    return NULL;
}

/* release_stream_memory: frees what streaming a frame needed and reads do
 * not: the scratch buffer, and a decoder grown past PF_DECODER_KEEP. */
static void release_stream_memory(pf_payload *p)
{
    pf_big_free(p->scratch);
    p->scratch = NULL;
    pf_payload_shrink_dctx(&p->dctx);
}

/* stream_member: gives the member e's bytes to sink while streaming its
 * frame through the scratch buffer (no buffer for the whole frame). */
static int stream_member(pf_payload *payload, const pf_entry *e, pf_payload_sink sink,
                         void *context, pf_error *err)
{
    int status = pf_payload_check_frame(payload, e->frame, err);
    if (status != PF_OK) {
        return status;
    }
    size_t scratchSize = ZSTD_DStreamOutSize();
    if (payload->scratch == NULL && (payload->scratch = pf_big_alloc(scratchSize)) == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for a decompression buffer");
    }
    const pf_frame *f = &payload->table.frames[e->frame];
    ZSTD_inBuffer in = {payload->src + f->compressed_offset, f->compressed_size, 0};
    uint64_t produced = 0, begin = e->offset, end = (uint64_t)e->offset + e->size;
    size_t left;
    ZSTD_DCtx_reset(payload->dctx, ZSTD_reset_session_only);
    do {
        ZSTD_outBuffer out = {payload->scratch, scratchSize, 0};
        size_t before = in.pos;
        left = ZSTD_decompressStream(payload->dctx, &out, &in);
        if (ZSTD_isError(left)) {
            return pf_error_set(err, PF_ERR_CORRUPT, "frame %u does not decompress: %s", e->frame,
                                ZSTD_getErrorName(left));
        }
        if (out.pos == 0 && in.pos == before) {
            return pf_error_set(err, PF_ERR_CORRUPT, "frame %u ends before its content", e->frame);
        }
        /* the part of [produced, produced + out.pos) that is the member */
        uint64_t from = produced > begin ? produced : begin;
        uint64_t to = produced + out.pos < end ? produced + out.pos : end;
        if (from < to && sink(context, payload->scratch + (from - produced), to - from) != 0) {
            return pf_error_set(err, PF_ERR_IO, "the member's bytes could not be stored");
        }
        produced += out.pos;
        if (produced > f->decompressed_size) {
            break;
        }
    } while (left != 0);
    if (!release_through(payload, e->frame)) {
        pf_payload_release_frame(payload, e->frame);
    }
    if (produced != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u gave %llu bytes, the seek table says %u",
                            e->frame, (unsigned long long)produced, f->decompressed_size);
    }
    return PF_OK;
}

int pf_payload_copy(pf_payload *payload, const pf_entry *file, pf_payload_sink sink, void *context,
                    pf_error *err)
{
    pf_entry e;
    int status = file_entry(payload, file, &e, err);
    if (status != PF_OK) {
        return status;
    }
    const uint8_t *frame = cached_frame(payload, e.frame);
    int sinkResult = 0;
    if (frame != NULL) {
        sinkResult = sink(context, frame + e.offset, e.size);
    }
    if (frame != NULL || pf_prefetch_copy_member(payload->prefetch, e.frame, e.offset, e.size, sink,
                                                 context, &sinkResult)) {
        if (sinkResult != 0) {
            return pf_error_set(err, PF_ERR_IO, "the member's bytes could not be stored");
        }
        pf_payload_note_read(payload, &e);
        release_through(payload, e.frame);
        return PF_OK;
    }
    status = stream_member(payload, &e, sink, context, err);
    release_stream_memory(payload);
    if (status == PF_OK) {
        pf_payload_note_read(payload, &e);
    }
    return status;
}

int pf_payload_read(pf_payload *payload, const pf_entry *file, const uint8_t **data,
                    size_t *dataSize, pf_error *err)
{
    pf_entry e;
    const uint8_t *frame = NULL;

    int status = file_entry(payload, file, &e, err);
    if (status != PF_OK) {
        return status;
    }
    drop_read_frames(payload); /* the previous read's bytes may go now */
    status = frame_data(payload, e.frame, &frame, err);
    if (status != PF_OK) {
        return status;
    }
    pf_payload_note_read(payload, &e);
    *data = frame + e.offset;
    *dataSize = e.size;
    return PF_OK;
}
