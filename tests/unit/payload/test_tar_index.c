/* test_tar_index.c - pf_tar_find_index (payload/tar_index.c) on frames
 * built here by hand: a plain ustar header and one behind a pax 'x' header
 * give the index's place; each check fails on its own with its status and
 * message; every truncation is an error and no read leaves the frame (it
 * is copied at its exact size: ASan sees any). pf_tar_read_member walks
 * members (prefix names, pax paths and sizes, the end-of-archive block)
 * and refuses truncations. libarchive's real output is read in
 * test_payload_reader.c and test_payload_verify.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"
#include "tar_index.h"

#define BLOCK 512u

/* set_checksum: the ustar checksum of block h, written as tar writes it
 * ("%06o", NUL, space). */
static void set_checksum(uint8_t *h)
{
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (unsigned i = 0; i < BLOCK; i++) {
        sum += h[i];
    }
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

/* header: a ustar header block at h: name, size (octal), typeflag. */
static void header(uint8_t *h, const char *name, unsigned long size, char type)
{
    memset(h, 0, BLOCK);
    memcpy(h, name, strlen(name));
    memcpy(h + 100, "0000644", 7);
    snprintf((char *)h + 124, 12, "%011lo", size);
    h[156] = (uint8_t)type;
    memcpy(h + 257,
           "ustar\0"
           "00",
           8);
    set_checksum(h);
}

typedef struct frame {
    uint8_t data[8 * BLOCK];
    size_t size;
} frame;

/* plain: frame 0 as the freezer writes it without pax: the index
 * member's header, then dataSize bytes of data padded to 512. */
static void plain(frame *f, unsigned long dataSize)
{
    memset(f->data, 0, sizeof f->data);
    header(f->data, PF_INDEX_MEMBER_NAME, dataSize, '0');
    memset(f->data + BLOCK, 'i', dataSize);
    f->size = BLOCK + (dataSize + BLOCK - 1) / BLOCK * BLOCK;
}

/* with_pax: a pax 'x' header holding `records` (recordsSize bytes), then
 * the member's ustar header named `name` with size field ustarSize, then
 * dataSize bytes of data, padded. */
static void with_pax(frame *f, const char *records, size_t recordsSize, const char *name,
                     unsigned long ustarSize, unsigned long dataSize)
{
    memset(f->data, 0, sizeof f->data);
    header(f->data, "PaxHeader/x", recordsSize, 'x');
    memcpy(f->data + BLOCK, records, recordsSize);
    size_t at = BLOCK + (recordsSize + BLOCK - 1) / BLOCK * BLOCK;
    header(f->data + at, name, ustarSize, '0');
    f->size = at + BLOCK + (dataSize + BLOCK - 1) / BLOCK * BLOCK;
}

/* find: pf_tar_find_index on an exact-size copy of f->data[0..size). */
static int find(const frame *f, size_t size, size_t *offset, size_t *dataSize, pf_error *err)
{
    uint8_t *copy = malloc(size ? size : 1);
    assert_non_null(copy);
    memcpy(copy, f->data, size);
    *offset = *dataSize = 12345;
    pf_error_clear(err);
    int status = pf_tar_find_index(copy, size, offset, dataSize, err);
    free(copy);
    return status;
}

/* expect: the status and a piece of the message. */
static void expect(const frame *f, int status, const char *text)
{
    size_t offset, size;
    pf_error err;
    assert_int_equal(find(f, f->size, &offset, &size, &err), status);
    if (strstr(err.message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err.message, text);
    }
}

static void test_plain_header(void **state)
{
    (void)state;
    static const unsigned long sizes[] = {0, 1, 52, 511, 512, 513, 1500};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        frame f;
        size_t offset, size;
        pf_error err;
        plain(&f, sizes[k]);
        assert_int_equal(find(&f, f.size, &offset, &size, &err), PF_OK);
        assert_int_equal(offset, BLOCK);
        assert_int_equal(size, sizes[k]);
    }
}

/* The pax "path" and "size" records win over the ustar fields (the ustar
 * name may be anything then); other records are skipped. */
static void test_pax_header(void **state)
{
    (void)state;
    static const char records[] = "30 mtime=1700000000.123456789\n"
                                  "21 path=pyfreeze.idx\n"
                                  "12 size=700\n";
    frame f;
    size_t offset, size;
    pf_error err;
    with_pax(&f, records, sizeof records - 1, "other-name", 0, 700);
    assert_int_equal(find(&f, f.size, &offset, &size, &err), PF_OK);
    assert_int_equal(offset, 3 * BLOCK); /* pax header, its records, ustar header */
    assert_int_equal(size, 700);
    /* without records: the ustar fields */
    with_pax(&f, "", 0, PF_INDEX_MEMBER_NAME, 100, 100);
    assert_int_equal(find(&f, f.size, &offset, &size, &err), PF_OK);
    assert_int_equal(offset, 2 * BLOCK);
    assert_int_equal(size, 100);
}

/* Each check of the ustar header, failing on its own. */
static void test_header_errors(void **state)
{
    (void)state;
    frame f;
    plain(&f, 52);
    f.data[257] = 'U'; /* magic */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "not a ustar header");

    plain(&f, 52);
    f.data[0] ^= 1; /* checksum no longer matches */
    expect(&f, PF_ERR_CORRUPT, "checksum is");

    plain(&f, 52);
    memcpy(f.data + 148, "12x4567", 7); /* not octal */
    expect(&f, PF_ERR_CORRUPT, "malformed checksum field");
    memset(f.data + 148, ' ', 8); /* no digits at all */
    expect(&f, PF_ERR_CORRUPT, "malformed checksum field");

    plain(&f, 52);
    f.data[156] = '5'; /* a directory */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "not a regular file");
    f.data[156] = '\0'; /* the old regular-file flag is accepted */
    set_checksum(f.data);
    expect(&f, PF_OK, "");

    plain(&f, 52);
    f.data[0] = 'q'; /* another name */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "first tar member is not");
    plain(&f, 52);
    f.data[345] = 'd'; /* a prefix makes it d/pyfreeze.idx */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "first tar member is not");

    plain(&f, 52);
    memcpy(f.data + 124, "0000000009x", 11); /* size not octal */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "tar size field is malformed");

    plain(&f, 52);
    snprintf((char *)f.data + 124, 12, "%011o", PF_MAX_INDEX_SIZE + 1u);
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "over the");
}

/* The data must end, padded, exactly at the frame's end. */
static void test_data_bounds(void **state)
{
    (void)state;
    frame f;
    plain(&f, 1500); /* three blocks of data */
    f.size -= BLOCK;
    expect(&f, PF_ERR_TRUNCATED, "index member needs");
    f.size += 2 * BLOCK;
    expect(&f, PF_ERR_CORRUPT, "past the index member");
    f.size = BLOCK - 1;
    expect(&f, PF_ERR_TRUNCATED, "too short for a tar header");
    f.size = 0;
    expect(&f, PF_ERR_TRUNCATED, "too short for a tar header");
}

/* Each check of the pax header and its records. */
static void test_pax_errors(void **state)
{
    (void)state;
    frame f;
    /* records that are not "<len> <key>=<value>\n" with len the whole */
    static const char *const malformed[] = {
        "x",                 /* no length */
        "12size=700\n",      /* no space */
        "13 size=700\n",     /* length past the end */
        "11 size=700\n",     /* length short of the newline */
        "12 size=700x",      /* no newline at the end */
        "3 \n",              /* shorter than a record can be */
        "99999999999 a=b\n", /* length past any pax header */
    };
    for (size_t k = 0; k < sizeof malformed / sizeof *malformed; k++) {
        with_pax(&f, malformed[k], strlen(malformed[k]), PF_INDEX_MEMBER_NAME, 10, 10);
        expect(&f, PF_ERR_CORRUPT, "malformed record");
    }
    with_pax(&f, "12 size:700\n", 12, PF_INDEX_MEMBER_NAME, 10, 10);
    expect(&f, PF_ERR_CORRUPT, "without '='");
    static const char *const badSizes[] = {"8 size=\n", "12 size=7x0\n",
                                           "29 size=12345678901234567890\n"};
    for (size_t k = 0; k < sizeof badSizes / sizeof *badSizes; k++) {
        with_pax(&f, badSizes[k], strlen(badSizes[k]), PF_INDEX_MEMBER_NAME, 10, 10);
        expect(&f, PF_ERR_CORRUPT, "pax size is malformed");
    }
    with_pax(&f, "18 size=300000000\n", 18, PF_INDEX_MEMBER_NAME, 10, 10);
    expect(&f, PF_ERR_CORRUPT, "over the");
    with_pax(&f, "16 path=another\n", 16, PF_INDEX_MEMBER_NAME, 10, 10);
    expect(&f, PF_ERR_CORRUPT, "first tar member is not");

    /* the pax header's own checks */
    with_pax(&f, "12 size=700\n", 12, PF_INDEX_MEMBER_NAME, 700, 700);
    f.data[1] ^= 1;
    expect(&f, PF_ERR_CORRUPT, "pax header checksum");
    with_pax(&f, "12 size=700\n", 12, PF_INDEX_MEMBER_NAME, 700, 700);
    snprintf((char *)f.data + 124, 12, "%011o", 64u * 1024u + 1u); /* over 64 KiB */
    set_checksum(f.data);
    expect(&f, PF_ERR_CORRUPT, "pax header size is malformed or over");
    with_pax(&f, "12 size=700\n", 12, PF_INDEX_MEMBER_NAME, 700, 700);
    f.size = 2 * BLOCK; /* ends before the member's ustar header */
    expect(&f, PF_ERR_TRUNCATED, "ends inside the index member's headers");
}

/* Every prefix of a frame with a pax header: an error, in bounds. */
static void test_every_truncation(void **state)
{
    (void)state;
    frame f;
    static const char records[] = "21 path=pyfreeze.idx\n12 size=700\n";
    with_pax(&f, records, sizeof records - 1, PF_INDEX_MEMBER_NAME, 700, 700);
    for (size_t size = 0; size < f.size; size++) {
        size_t offset, dataSize;
        pf_error err;
        int status = find(&f, size, &offset, &dataSize, &err);
        if (status == PF_OK) {
            fail_msg("a %zu-byte prefix of %zu was accepted", size, f.size);
        }
        assert_int_equal(status, PF_ERR_TRUNCATED);
    }
}

/* read_member: pf_tar_read_member on an exact-size copy of f->data[0..size). */
static int read_member(const frame *f, size_t size, size_t pos, pf_tar_member *m, pf_error *err)
{
    uint8_t *copy = malloc(size ? size : 1);
    assert_non_null(copy);
    memcpy(copy, f->data, size);
    pf_error_clear(err);
    int status = pf_tar_read_member(copy, size, pos, m, err);
    free(copy);
    return status;
}

static void test_read_member(void **state)
{
    (void)state;
    frame f;
    pf_tar_member m;
    pf_error err;
    /* a member with a prefix, a pax one, then the end-of-archive block */
    memset(f.data, 0, sizeof f.data);
    header(f.data, "mod.pyc", 600, '0');
    memcpy(f.data + 345, "lib/pkg", 7);
    set_checksum(f.data);
    static const char records[] = "29 path=lib/a-long-name.so.1\n12 size=100\n";
    header(f.data + 3 * BLOCK, "PaxHeader/x", sizeof records - 1, 'x');
    memcpy(f.data + 4 * BLOCK, records, sizeof records - 1);
    header(f.data + 5 * BLOCK, "lib/a-long-na", 7, '0');
    f.size = 8 * BLOCK;

    assert_int_equal(read_member(&f, f.size, 0, &m, &err), PF_OK);
    assert_string_equal(m.name, "lib/pkg/mod.pyc");
    assert_int_equal(m.name_size, 15);
    assert_int_equal(m.header_offset, 0);
    assert_int_equal(m.data_offset, BLOCK);
    assert_int_equal(m.size, 600);
    assert_int_equal(m.next_offset, 3 * BLOCK);
    assert_int_equal(m.typeflag, '0');
    assert_int_equal(read_member(&f, f.size, 3 * BLOCK, &m, &err), PF_OK);
    assert_string_equal(m.name, "lib/a-long-name.so.1");
    assert_int_equal(m.header_offset, 3 * BLOCK);
    assert_int_equal(m.data_offset, 6 * BLOCK);
    assert_int_equal(m.size, 100); /* the pax size, not the ustar field */
    assert_int_equal(m.next_offset, 7 * BLOCK);
    assert_int_equal(read_member(&f, f.size, 7 * BLOCK, &m, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "end-of-archive"));
    assert_int_equal(read_member(&f, f.size, 100, &m, &err), PF_ERR_USAGE);
    assert_int_equal(read_member(&f, f.size, f.size + BLOCK, &m, &err), PF_ERR_USAGE);

    /* every cut inside a member's headers or padded data */
    for (size_t size = 0; size < 3 * BLOCK; size++) {
        assert_int_equal(read_member(&f, size, 0, &m, &err), PF_ERR_TRUNCATED);
    }
    for (size_t size = 3 * BLOCK; size < 7 * BLOCK; size++) {
        assert_int_equal(read_member(&f, size, 3 * BLOCK, &m, &err), PF_ERR_TRUNCATED);
    }
    /* a damaged header and a malformed pax record are named by place */
    f.data[5 * BLOCK] ^= 1;
    assert_int_equal(read_member(&f, f.size, 3 * BLOCK, &m, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "the tar member at byte 1536 checksum"));
    f.data[5 * BLOCK] ^= 1;
    f.data[4 * BLOCK] = 'x';
    assert_int_equal(read_member(&f, f.size, 3 * BLOCK, &m, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "malformed record"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_header),  cmocka_unit_test(test_pax_header),
        cmocka_unit_test(test_header_errors), cmocka_unit_test(test_data_bounds),
        cmocka_unit_test(test_pax_errors),    cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_read_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
