/* tar_index.c - parsing the payload's tar headers, each checked before it
 * is trusted; contract in tar_index.h. The runtime parses only the index
 * member's (a pax 'x' header at most, then one ustar header): the index
 * says where every member's data lies. pf_tar_read_member reads any member
 * for whole-file verification (payload_verify.c). */
#include "tar_index.h"

#include <stdio.h>
#include <string.h>

#include "payload.h"

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
 * *dataSize when a "size" record is; which names the member in messages
 * ("index member"). Returns PF_OK or PF_ERR_CORRUPT. */
static int pax_scan(const uint8_t *rec, size_t size, const char *which, const uint8_t **path,
                    size_t *pathSize, uint64_t *dataSize, pf_error *err)
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
                                "%s's pax header has a malformed record at byte %zu", which, pos);
        }
        const uint8_t *key = rec + i + 1u;
        const uint8_t *end = rec + pos + len - 1u; /* the '\n' */
        const uint8_t *eq = memchr(key, '=', (size_t)(end - key));
        if (eq == NULL) {
            return pf_error_set(err, PF_ERR_CORRUPT,
                                "%s's pax header has a record without '=' at byte %zu", which, pos);
        }
        const uint8_t *value = eq + 1;
        size_t keySize = (size_t)(eq - key), valueSize = (size_t)(end - value);
        if (keySize == 4 && memcmp(key, "path", 4) == 0) {
            *path = value;
            *pathSize = valueSize;
        } else if (keySize == 4 && memcmp(key, "size", 4) == 0) {
            uint64_t v = 0;
            if (valueSize == 0 || valueSize > 19) {
                return pf_error_set(err, PF_ERR_CORRUPT, "%s's pax size is malformed", which);
            }
            for (size_t k = 0; k < valueSize; k++) {
                if (value[k] < '0' || value[k] > '9') {
                    return pf_error_set(err, PF_ERR_CORRUPT, "%s's pax size is malformed", which);
                }
                v = v * 10u + (uint64_t)(value[k] - '0');
            }
            *dataSize = v;
        }
        pos += len;
    }
    return PF_OK;
}

int pf_tar_find_index(const uint8_t *frame, size_t frameSize, size_t *dataOffset, size_t *dataSize,
                      pf_error *err)
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
        status =
            pax_scan(frame + TAR_BLOCK, (size_t)v, "index member", &path, &pathSize, &paxSize, err);
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

/* zero_block: whether the 512 bytes at b are all zero (an end-of-archive
 * block: POSIX ustar, "two consecutive 512-byte blocks of zeros"). */
static int zero_block(const uint8_t *b)
{
    for (unsigned i = 0; i < TAR_BLOCK; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* ustar_name: the member name of ustar header h, "prefix/name" when the
 * prefix field is used (POSIX ustar), into m. */
static void ustar_name(const uint8_t *h, pf_tar_member *m)
{
    size_t nameSize = strnlen((const char *)h + TAR_NAME, TAR_NAME_SIZE);
    size_t prefixSize = strnlen((const char *)h + TAR_PREFIX, TAR_PREFIX_SIZE);
    size_t n = 0;
    if (prefixSize > 0) {
        memcpy(m->name, h + TAR_PREFIX, prefixSize);
        n = prefixSize;
        m->name[n++] = '/';
    }
    memcpy(m->name + n, h + TAR_NAME, nameSize);
    m->name_size = n + nameSize;
    m->name[m->name_size] = '\0';
}

/* read_pax: the pax 'x' header at buf[pos..] (its 512-byte block known to
 * be there): checks it, scans its records into *path and *paxSize and sets
 * *next to the block after its records. which names it in messages.
 * Returns PF_OK, PF_ERR_TRUNCATED or PF_ERR_CORRUPT. */
static int read_pax(const uint8_t *buf, size_t bufSize, size_t pos, const char *which,
                    const uint8_t **path, size_t *pathSize, uint64_t *paxSize, size_t *next,
                    pf_error *err)
{
    uint64_t v;
    int status = tar_header_check(buf + pos, which, err);
    if (status != PF_OK) {
        return status;
    }
    if (!tar_octal(buf + pos + TAR_SIZE, TAR_SIZE_SIZE, &v) || v > TAR_MAX_PAX_SIZE) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "%s's pax header size is malformed or over %u bytes", which,
                            TAR_MAX_PAX_SIZE);
    }
    size_t padded = ((size_t)v + TAR_BLOCK - 1u) / TAR_BLOCK * TAR_BLOCK;
    if (bufSize - pos - TAR_BLOCK < padded + TAR_BLOCK) {
        return pf_error_set(err, PF_ERR_TRUNCATED, "the data ends inside %s's headers", which);
    }
    status = pax_scan(buf + pos + TAR_BLOCK, (size_t)v, which, path, pathSize, paxSize, err);
    *next = pos + TAR_BLOCK + padded;
    return status;
}

int pf_tar_read_member(const uint8_t *buf, size_t bufSize, size_t pos, pf_tar_member *m,
                       pf_error *err)
{
    const uint8_t *path = NULL;
    size_t pathSize = 0;
    uint64_t paxSize = UINT64_MAX, v; /* UINT64_MAX: no pax "size" record */
    char which[64];
    int status;

    memset(m, 0, sizeof *m);
    m->header_offset = pos;
    if (pos > bufSize || pos % TAR_BLOCK != 0) {
        return pf_error_set(err, PF_ERR_USAGE, "tar position %zu is not a block inside the data",
                            pos);
    }
    if (bufSize - pos < TAR_BLOCK) {
        return pf_error_set(err, PF_ERR_TRUNCATED,
                            "the data ends %zu bytes into the tar header at byte %zu",
                            bufSize - pos, pos);
    }
    if (zero_block(buf + pos)) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "end-of-archive block at byte %zu", pos);
    }
    snprintf(which, sizeof which, "the tar member at byte %zu", pos);
    if (buf[pos + TAR_TYPEFLAG] == 'x') {
        status = read_pax(buf, bufSize, pos, which, &path, &pathSize, &paxSize, &pos, err);
        if (status != PF_OK) {
            return status;
        }
    }
    const uint8_t *h = buf + pos;
    status = tar_header_check(h, which, err);
    if (status != PF_OK) {
        return status;
    }
    m->typeflag = (char)h[TAR_TYPEFLAG];
    if (path != NULL) {
        if (pathSize > PF_TAR_NAME_MAX) {
            return pf_error_set(err, PF_ERR_CORRUPT, "%s has a pax path of %zu bytes, over %u",
                                which, pathSize, PF_TAR_NAME_MAX);
        }
        memcpy(m->name, path, pathSize);
        m->name[pathSize] = '\0';
        m->name_size = pathSize;
    } else {
        ustar_name(h, m);
    }
    if (!tar_octal(h + TAR_SIZE, TAR_SIZE_SIZE, &v)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "%s has a malformed size field", which);
    }
    m->size = paxSize != UINT64_MAX ? paxSize : v;
    m->data_offset = pos + TAR_BLOCK;
    if (m->size > bufSize - m->data_offset) {
        return pf_error_set(err, PF_ERR_TRUNCATED, "%s needs %llu bytes of data, %zu are left",
                            which, (unsigned long long)m->size, bufSize - m->data_offset);
    }
    /* size <= bufSize: the padded size cannot overflow. */
    size_t padded = ((size_t)m->size + TAR_BLOCK - 1u) / TAR_BLOCK * TAR_BLOCK;
    if (padded > bufSize - m->data_offset) {
        return pf_error_set(err, PF_ERR_TRUNCATED, "%s's data is not padded to a whole block",
                            which);
    }
    m->next_offset = m->data_offset + padded;
    return PF_OK;
}
