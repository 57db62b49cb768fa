/* fuzz_plain.c - libFuzzer target for the payload reader and the verifier
 * on decompressed contents: the input is a tar stream (the index member,
 * pax records, members' headers and data, the archive's end) cut into
 * frames, which this harness compresses into valid zstd frames with a seek
 * table, so every mutation reaches the tar, index and member checks
 * instead of dying at a checksum. Then: pf_verify_payload (full and
 * quick); the reader opens the payload and gives every file member both
 * streamed (pf_payload_copy, the frame not cached) and whole
 * (pf_payload_read), which must agree; and a payload verification passes
 * must read without error.
 *
 * Input: byte 0 = frames - 1 in bits 3..0 and how to read in bits 7..4
 * (READ_* below), then for each frame but the last its size in bytes (u32
 * little-endian), then the tar bytes; the last frame takes what is left.
 * Seeds: the sample payloads' tar streams (make_seed). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "payload.h"
#include "payload_reader.h"
#include "payload_verify.h"
#include "pf_le.h"

#define MAX_FRAMES 16u
/* How the reads go (byte 0, bits 7..4). */
#define READ_RELEASE 0x10u  /* a release function, sweeping at every read */
#define READ_PIN 0x20u      /* odd entries read while pinned */
#define READ_STOP 0x40u     /* every third member streamed to a sink that stops */
#define READ_PREFETCH 0x80u /* the prefetch thread on, from frame 1 */

typedef struct collected {
    uint8_t *data;
    size_t size;
} collected;

/* stop: a sink refusing the bytes. */
static int stop(void *context, const uint8_t *data, size_t size)
{
    (void)context;
    (void)data;
    (void)size;
    return -1;
}

/* release: a release function touching the first and last byte given. */
static void release(const uint8_t *data, size_t size)
{
    volatile uint8_t sink = 0;
    if (size > 0) {
        sink ^= data[0] ^ data[size - 1];
    }
    (void)sink;
}

static int collect(void *context, const uint8_t *data, size_t size)
{
    collected *c = context;
    uint8_t *grown = realloc(c->data, c->size + size + 1);
    if (grown == NULL) {
        return -1;
    }
    memcpy(grown + c->size, data, size);
    c->data = grown;
    c->size += size;
    return 0;
}

/* build: compresses the input's frames and appends the seek table into a
 * new buffer (*out, *outSize). Returns 0, or -1 for an input too short. */
static int build(const uint8_t *data, size_t size, uint8_t **out, size_t *outSize)
{
    static ZSTD_CCtx *cctx;
    if (size < 1) {
        return -1;
    }
    uint32_t count = data[0] % MAX_FRAMES + 1u;
    size_t header = 1u + 4u * (count - 1u);
    if (size < header) {
        return -1;
    }
    size_t bounds[MAX_FRAMES + 1], pos = header;
    for (uint32_t i = 0; i < count; i++) {
        bounds[i] = pos;
        size_t want = i + 1u < count ? pf_le32_load(data + 1 + 4u * i) : size - pos;
        pos += want < size - pos ? want : size - pos;
    }
    bounds[count] = pos;
    if (cctx == NULL) {
        cctx = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    }
    /* per frame, zstd's bound adds at most 64 bytes to its share of the whole's */
    size_t room = ZSTD_compressBound(size) + count * 128u;
    uint8_t *p = malloc(room), *table = malloc(8u + 8u * count + PF_SEEK_FOOTER_SIZE);
    size_t used = 0, t = 8;
    for (uint32_t i = 0; p != NULL && table != NULL && i < count; i++) {
        size_t n = ZSTD_compress2(cctx, p + used, room - used, data + bounds[i],
                                  bounds[i + 1] - bounds[i]);
        if (ZSTD_isError(n)) {
            break;
        }
        pf_le32_store(table + t, (uint32_t)n);
        pf_le32_store(table + t + 4, (uint32_t)(bounds[i + 1] - bounds[i]));
        used += n;
        t += 8;
    }
    if (p == NULL || table == NULL || t != 8u + 8u * count) {
        free(p);
        free(table);
        return -1;
    }
    pf_le32_store(table, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(table + 4, (uint32_t)(t - 8u + PF_SEEK_FOOTER_SIZE));
    pf_le32_store(table + t, count);
    table[t + 4] = 0;
    pf_le32_store(table + t + 5, PF_SEEK_MAGIC);
    memcpy(p + used, table, t + PF_SEEK_FOOTER_SIZE);
    free(table);
    *out = p;
    *outSize = used + t + PF_SEEK_FOOTER_SIZE;
    return 0;
}

/* read_one: file entry e streamed then whole; the two must agree. Returns
 * 1 if both reads succeeded. */
static int read_one(pf_payload *p, const pf_entry *e, unsigned how)
{
    collected c = {NULL, 0};
    const uint8_t *bytes;
    size_t byteCount;
    if ((how & READ_STOP) && e->number % 3 == 0) {
        int status = pf_payload_copy(p, e, stop, NULL, NULL);
        if (status == PF_OK && e->size > 0) {
            __builtin_trap(); /* a sink that refuses bytes must fail the copy */
        }
    }
    if ((how & READ_PIN) && e->number % 2 == 1) {
        pf_payload_pin(p);
    }
    int copied = pf_payload_copy(p, e, collect, &c, NULL) == PF_OK;
    int read = pf_payload_read(p, e, &bytes, &byteCount, NULL) == PF_OK;
    if (copied && read &&
        (c.size != byteCount || (byteCount > 0 && memcmp(c.data, bytes, byteCount) != 0))) {
        __builtin_trap(); /* streamed and whole reads differ */
    }
    if ((how & READ_PIN) && e->number % 2 == 1) {
        pf_payload_unpin(p);
    }
    free(c.data);
    return copied && read;
}

/* read_all: every file member (read_one), and the reader's refusals of
 * entries that are not file entries. Returns 1 if every read succeeded. */
static int read_all(pf_payload *p, unsigned how)
{
    const pf_index *index = pf_payload_index(p);
    const uint8_t *bytes;
    size_t byteCount;
    pf_entry none = {.number = index->entry_count};
    if (pf_payload_read(p, &none, &bytes, &byteCount, NULL) != PF_ERR_USAGE) {
        __builtin_trap();
    }
    if (how & READ_RELEASE) {
        pf_payload_set_release(p, release, 0);
    }
    if (how & READ_PREFETCH) {
        pf_prefetch_options options = {.first_frame = 1};
        (void)pf_payload_prefetch_start(p, &options, NULL);
    }
    int all = 1;
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (PF_KIND_IS_FILE(e.kind)) {
            all = read_one(p, &e, how) && all;
        } else if (pf_payload_read(p, &e, &bytes, &byteCount, NULL) != PF_ERR_USAGE) {
            __builtin_trap();
        }
    }
    pf_payload_prefetch_stop(p);
    return all;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pf_verify_result result;
    uint8_t *payload;
    size_t payloadSize;
    if (build(data, size, &payload, &payloadSize) != 0) {
        return 0;
    }
    int intact = pf_verify_payload(payload, payloadSize, PF_VERIFY_FULL, &result) == PF_OK;
    (void)pf_verify_payload(payload, payloadSize, PF_VERIFY_QUICK, &result);
    pf_payload *p = NULL;
    int opened = pf_payload_open(&p, payload, payloadSize, NULL) == PF_OK;
    if (intact && (!opened || !read_all(p, data[0]))) {
        __builtin_trap(); /* verification passed a payload the reader cannot read */
    }
    if (opened && !intact) {
        (void)read_all(p, data[0]);
    }
    pf_payload_close(p);
    free(payload);
    return 0;
}
