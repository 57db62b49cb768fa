/* test_payload_index.c - pf_index_open/find on indexes from the index
 * writer: every name found, misses, and each validation error reached on
 * its own (the test re-computes the CRC after damaging a field, so the
 * check behind it runs). The writer's own tests: test_index_writer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "index_writer.h"
#include "payload.h"
#include "payload_index.h"
#include "pf_le.h"

#define FILES 300
#define FRAMES 4

static pf_frame frames[FRAMES];
static const pf_seek_table table = {frames, FRAMES, 0};

typedef struct built {
    uint8_t *data;
    size_t size;
    char names[2 * FILES][64];
    uint32_t count;
} built;

/* build_walk: FILES file entries over FRAMES frames of 1000 bytes and a
 * module entry for each (every 10th a package, every 50th an extension, one
 * namespace package), main = the first module; walk_end as given to
 * pfz_index_set_walk_end (0: not called). */
static void build_walk(built *b, uint32_t walk_end)
{
    pfz_index_writer *w = pfz_index_writer_new();
    pf_error err;
    uint32_t n, file, main = 0;
    assert_non_null(w);
    for (uint32_t i = 0; i < FRAMES; i++) {
        frames[i].decompressed_size = 1000;
    }
    b->count = 0;
    for (uint32_t i = 0; i < FILES; i++) {
        int ext = i % 50 == 7;
        snprintf(b->names[b->count], 64, ext ? "lib/m%u.so" : "lib/pkg%u/m%u.pyc", i, i);
        assert_int_equal(pfz_index_add_file(w, b->names[b->count++],
                                            ext ? PF_KIND_NATIVE : PF_KIND_BYTECODE, &file, &err),
                         PF_OK);
        assert_int_equal(pfz_index_set_location(w, file, i % FRAMES, i, 1000 - i, &err), PF_OK);
        snprintf(b->names[b->count], 64, "pkg%u.m%u", i, i);
        uint32_t kind = ext ? PF_KIND_EXTENSION : i % 10 == 0 ? PF_KIND_PACKAGE : PF_KIND_MODULE;
        assert_int_equal(pfz_index_add_module(w, b->names[b->count++], kind, file, &n, &err),
                         PF_OK);
        if (i == 0) {
            main = n;
        }
    }
    assert_int_equal(pfz_index_add_module(w, "ns", PF_KIND_NAMESPACE, PF_NONE, &n, &err), PF_OK);
    assert_int_equal(pfz_index_set_main(w, main, PF_INDEX_FLAG_MAIN_IS_MODULE, &err), PF_OK);
    pfz_index_set_python_magic(w, (const uint8_t *)"\xa7\x0d\x0d\x0a");
    if (walk_end != 0) {
        pfz_index_set_walk_end(w, walk_end);
    }
    b->size = pfz_index_writer_size(w);
    b->data = malloc(b->size);
    assert_int_equal(pfz_index_serialize(w, FRAMES, b->data, b->size, &err), PF_OK);
    pfz_index_writer_free(w);
}

static void build(built *b)
{
    build_walk(b, 0);
}

static void test_hash_vectors(void **state)
{
    (void)state;
    /* FNV-1a 32 reference values (isthe.com FNV test suite). */
    assert_int_equal(pf_index_hash("", 0), 0x811c9dc5u);
    assert_int_equal(pf_index_hash("a", 1), 0xe40c292cu);
    assert_int_equal(pf_index_hash("foobar", 6), 0xbf9cf968u);
}

static void test_find_every_name(void **state)
{
    (void)state;
    built b;
    pf_index index;
    pf_entry e;
    pf_error err;
    build(&b);
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(index.entry_count, 2 * FILES + 1);
    assert_int_equal(index.flags, PF_INDEX_FLAG_MAIN_IS_MODULE);
    assert_int_equal(index.main_entry, 1);
    assert_int_equal(index.walk_end, FRAMES); /* none set: every frame */
    assert_true(index.hash_slot_count >= 2 * index.entry_count);
    assert_memory_equal(index.python_magic, "\xa7\x0d\x0d\x0a", 4);
    for (uint32_t i = 0; i < b.count; i++) {
        size_t len = strlen(b.names[i]);
        assert_int_equal(pf_index_find(&index, b.names[i], len, &e), 1);
        assert_int_equal(e.number, i); /* entries are in the order added */
        assert_int_equal(e.name_size, len);
        assert_memory_equal(e.name, b.names[i], len);
        uint32_t k = i / 2;
        if (i % 2 == 0) {
            assert_int_equal(e.frame, k % FRAMES);
            assert_int_equal(e.offset, k);
            assert_int_equal(e.size, 1000 - k);
            assert_int_equal(e.member, PF_NONE);
        } else {
            assert_int_equal(e.member, i - 1);
            assert_int_equal(e.frame, PF_NONE);
            assert_int_equal(e.kind, k % 50 == 7   ? PF_KIND_EXTENSION
                                     : k % 10 == 0 ? PF_KIND_PACKAGE
                                                   : PF_KIND_MODULE);
        }
    }
    assert_int_equal(pf_index_find(&index, "ns", 2, &e), 1);
    assert_int_equal(e.kind, PF_KIND_NAMESPACE);
    assert_int_equal(pf_index_find(&index, "pkg1.m", 6, &e), 0);
    assert_int_equal(pf_index_find(&index, "pkg1.m10", 8, &e), 0);
    assert_int_equal(pf_index_find(&index, "pkg1.m1x", 8, &e), 0);
    assert_int_equal(pf_index_find(&index, "", 0, &e), 0);
    free(b.data);
}

/* The walk end the writer was given is the one read back; one at or past
 * the frame count is written as the frame count. */
static void test_walk_end(void **state)
{
    (void)state;
    const uint32_t given[] = {1, 2, FRAMES, FRAMES + 7};
    const uint32_t read[] = {1, 2, FRAMES, FRAMES};
    for (size_t k = 0; k < sizeof given / sizeof *given; k++) {
        built b;
        pf_index index;
        pf_error err;
        build_walk(&b, given[k]);
        assert_int_equal(pf_le32_load(b.data + 48), read[k]);
        assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
        assert_int_equal(index.walk_end, read[k]);
        free(b.data);
    }
}

/* fix_crc: recomputes the index checksum after a test changed a field. */
static void fix_crc(uint8_t *d, size_t size)
{
    pf_le32_store(d + PF_INDEX_CHECKSUM_OFFSET, 0);
    pf_le32_store(d + PF_INDEX_CHECKSUM_OFFSET, (uint32_t)crc32_z(crc32(0, Z_NULL, 0), d, size));
}

/* open_verify: pf_index_open, then pf_index_verify when it opened: the
 * whole check pyfreeze verify makes. */
static int open_verify(pf_index *index, const uint8_t *d, size_t size, pf_error *err)
{
    int status = pf_index_open(index, d, size, &table, err);
    return status == PF_OK ? pf_index_verify(index, err) : status;
}

/* expect_with: opens and verifies a copy of b with the u32 at off set to
 * value (CRC fixed) and checks the status and a piece of the message. */
static void expect_with(const built *b, size_t off, uint32_t value, int status, const char *text)
{
    uint8_t *d = malloc(b->size);
    pf_index index;
    pf_error err;
    memcpy(d, b->data, b->size);
    pf_le32_store(d + off, value);
    fix_crc(d, b->size);
    pf_error_clear(&err);
    assert_int_equal(open_verify(&index, d, b->size, &err), status);
    if (strstr(err.message, text) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err.message, text);
    }
    free(d);
}

static void test_each_header_error(void **state)
{
    (void)state;
    built b;
    pf_index index;
    pf_error err;
    build(&b);
    uint32_t entries = 2 * FILES + 1;
    uint32_t slots = pf_le32_load(b.data + 32);

    for (size_t n = 0; n < PF_INDEX_HEADER_SIZE; n++) {
        assert_int_equal(pf_index_open(&index, b.data, n, &table, &err), PF_ERR_TRUNCATED);
    }
    for (size_t n = PF_INDEX_HEADER_SIZE; n < b.size; n++) {
        assert_int_equal(pf_index_open(&index, b.data, n, &table, &err), PF_ERR_TRUNCATED);
    }
    expect_with(&b, 0, 0x5A465951, PF_ERR_CORRUPT, "magic"); /* "QYFZ" */
    expect_with(&b, 8, PF_INDEX_VERSION + 1, PF_ERR_VERSION, "freeze the program again");
    expect_with(&b, 8, 1, PF_ERR_VERSION, "version 1");
    expect_with(&b, 12, PF_INDEX_HEADER_SIZE - 4, PF_ERR_CORRUPT, "header size");
    expect_with(&b, 12, PF_INDEX_HEADER_SIZE + 2, PF_ERR_CORRUPT, "header size");
    expect_with(&b, 12, PF_MAX_INDEX_HEADER_SIZE + 4, PF_ERR_CORRUPT, "header size");
    /* a longer header than the bytes hold: its tables are cut short */
    expect_with(&b, 12, PF_INDEX_HEADER_SIZE + 4, PF_ERR_TRUNCATED, "index truncated");
    expect_with(&b, 8, PF_INDEX_V2_VERSION, PF_ERR_CORRUPT, "header size"); /* 64 bytes */
    expect_with(&b, 52, PF_INDEX_MAX_GLIBC_PART + 1, PF_ERR_CORRUPT, "glibc floor part 0");
    expect_with(&b, 60, 0xFFFFFFFFu, PF_ERR_CORRUPT, "glibc floor part 2");
    expect_with(&b, 20, 0x40, PF_ERR_VERSION, "unknown flags");
    expect_with(&b, 24, FRAMES + 1, PF_ERR_CORRUPT, "the seek table has 4");
    expect_with(&b, 28, 0, PF_ERR_CORRUPT, "entry count 0");
    expect_with(&b, 28, PF_MAX_ENTRIES + 1, PF_ERR_CORRUPT, "entry count");
    expect_with(&b, 28, entries - 1, PF_ERR_CORRUPT, "tables account for");
    expect_with(&b, 32, slots - 1, PF_ERR_CORRUPT, "power of two");
    expect_with(&b, 32, entries, PF_ERR_CORRUPT, "power of two");
    expect_with(&b, 32, 1u << 31, PF_ERR_CORRUPT, "over the");
    expect_with(&b, 36, 0xFFFFFFFFu, PF_ERR_CORRUPT, "over the");
    expect_with(&b, 36, pf_le32_load(b.data + 36) + 1, PF_ERR_TRUNCATED, "index truncated");
    expect_with(&b, 40, entries, PF_ERR_CORRUPT, "main entry");
    expect_with(&b, 40, 0, PF_ERR_CORRUPT, "main entry"); /* entry 0 is a file */
    expect_with(&b, 48, 0, PF_ERR_CORRUPT, "walk end 0 is not in 1..4");
    expect_with(&b, 48, FRAMES + 1, PF_ERR_CORRUPT, "walk end 5");

    /* Checksum: one flipped name byte without fixing the CRC. */
    b.data[b.size - 1] ^= 1;
    assert_int_equal(open_verify(&index, b.data, b.size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "checksum"));
    b.data[b.size - 1] ^= 1;
    /* Trailing bytes after the tables. */
    uint8_t *longer = calloc(1, b.size + 1);
    memcpy(longer, b.data, b.size);
    assert_int_equal(pf_index_open(&index, longer, b.size + 1, &table, &err), PF_ERR_CORRUPT);
    free(longer);
    free(b.data);
}

/* reheader: a copy of b (version 3, PF_INDEX_HEADER_SIZE bytes of header)
 * with the header cut to keep bytes (as version 2 wrote it when keep is
 * PF_INDEX_V2_HEADER_SIZE) or grown by extra bytes of
 * value 0xA5 (a later version's fields), version and header_size set,
 * CRC fixed. *size is the new size. */
static uint8_t *reheader(const built *b, uint32_t version, size_t keep, size_t extra, size_t *size)
{
    *size = b->size - PF_INDEX_HEADER_SIZE + keep + extra;
    uint8_t *d = malloc(*size);
    assert_non_null(d);
    memcpy(d, b->data, keep);
    memset(d + keep, 0xA5, extra);
    memcpy(d + keep + extra, b->data + PF_INDEX_HEADER_SIZE, b->size - PF_INDEX_HEADER_SIZE);
    pf_le32_store(d + 8, version);
    pf_le32_store(d + 12, (uint32_t)(keep + extra));
    fix_crc(d, *size);
    return d;
}

/* every_name_found: each name of b is found in index, in its place. */
static void every_name_found(const built *b, const pf_index *index)
{
    for (uint32_t i = 0; i < b->count; i++) {
        pf_entry e;
        assert_int_equal(pf_index_find(index, b->names[i], strlen(b->names[i]), &e), 1);
        assert_int_equal(e.number, i);
    }
}

/* The glibc floor (payload.h: glibc_floor): written and read back; a
 * version 2 index (no floor) still opens, without one; a version 3 header
 * grown by fields this reader does not know opens, the fields ignored. */
static void test_glibc_floor_and_versions(void **state)
{
    (void)state;
    built b;
    pf_index index;
    pf_error err = {0};
    build(&b);
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(index.format_version, PF_INDEX_VERSION);
    assert_int_equal(index.has_glibc_floor, 1);
    assert_int_equal(index.glibc_floor[0], 0); /* not set: needs none */
    for (uint32_t i = 0; i < 3; i++) {
        pf_le32_store(b.data + PF_INDEX_GLIBC_FLOOR_OFFSET + 4 * i, (uint32_t[]){2, 2, 5}[i]);
    }
    fix_crc(b.data, b.size);
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(index.glibc_floor[0], 2);
    assert_int_equal(index.glibc_floor[1], 2);
    assert_int_equal(index.glibc_floor[2], 5);

    size_t size;
    uint8_t *v2 = reheader(&b, PF_INDEX_V2_VERSION, PF_INDEX_V2_HEADER_SIZE, 0, &size);
    assert_int_equal(pf_index_open(&index, v2, size, &table, &err), PF_OK);
    assert_int_equal(index.format_version, PF_INDEX_V2_VERSION);
    assert_int_equal(index.has_glibc_floor, 0);
    assert_int_equal(index.glibc_floor[0], 0);
    assert_int_equal(index.glibc_floor[1], 0);
    every_name_found(&b, &index);
    free(v2);
    /* version 3 cannot have version 2's short header */
    uint8_t *short3 = reheader(&b, PF_INDEX_VERSION, PF_INDEX_V2_HEADER_SIZE, 0, &size);
    assert_int_equal(pf_index_open(&index, short3, size, &table, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "header size"));
    free(short3);

    uint8_t *grown = reheader(&b, PF_INDEX_VERSION, PF_INDEX_HEADER_SIZE, 12, &size);
    assert_int_equal(pf_index_open(&index, grown, size, &table, &err), PF_OK);
    assert_int_equal(index.glibc_floor[2], 5);
    every_name_found(&b, &index);
    free(grown);
    free(b.data);
}

static void test_each_entry_error(void **state)
{
    (void)state;
    built b;
    build(&b);
    size_t e0 = PF_INDEX_HEADER_SIZE;           /* a file entry (bytecode) */
    size_t e1 = e0 + PF_INDEX_ENTRY_SIZE;       /* its module */
    size_t e14 = e0 + 14 * PF_INDEX_ENTRY_SIZE; /* lib/m7.so: native file */
    size_t eNs = e0 + 2 * FILES * PF_INDEX_ENTRY_SIZE;
    uint32_t strings = pf_le32_load(b.data + 36);

    expect_with(&b, e0 + 0, strings, PF_ERR_CORRUPT, "outside");
    expect_with(&b, e0 + 4, 0, PF_ERR_CORRUPT, "outside");
    expect_with(&b, e0 + 4, PF_MAX_NAME_SIZE + 1, PF_ERR_CORRUPT, "outside");
    expect_with(&b, e0 + 4, pf_le32_load(b.data + e0 + 4) - 1, PF_ERR_CORRUPT, "hash");
    expect_with(&b, e0 + 28, 12345, PF_ERR_CORRUPT, "hash");
    expect_with(&b, e0 + 8, 99, PF_ERR_CORRUPT, "unknown kind");
    expect_with(&b, e0 + 8, PF_KIND_MODULE, PF_ERR_CORRUPT, "module entry");
    expect_with(&b, e0 + 12, 3, PF_ERR_CORRUPT, "file entry");
    expect_with(&b, e0 + 16, FRAMES, PF_ERR_CORRUPT, "outside the frames");
    expect_with(&b, e0 + 20, 1, PF_ERR_CORRUPT, "outside the frames");
    expect_with(&b, e0 + 24, 0xFFFFFFFFu, PF_ERR_CORRUPT, "outside the frames");
    expect_with(&b, e1 + 8, PF_KIND_BYTECODE, PF_ERR_CORRUPT, "file entry with a member");
    expect_with(&b, e0 + 8, PF_KIND_NOT_FOLLOWED, PF_ERR_CORRUPT, "member or a location");
    expect_with(&b, e1 + 8, PF_KIND_EXTENSION, PF_ERR_CORRUPT, "not a file entry of kind 18");
    expect_with(&b, e1 + 12, 2 * FILES + 1, PF_ERR_CORRUPT, "has member");
    expect_with(&b, e1 + 12, 3, PF_ERR_CORRUPT, "has member");  /* a module */
    expect_with(&b, e1 + 12, 14, PF_ERR_CORRUPT, "has member"); /* a .so for a .pyc */
    expect_with(&b, e1 + 16, 0, PF_ERR_CORRUPT, "location");
    expect_with(&b, e1 + 24, 5, PF_ERR_CORRUPT, "location");
    expect_with(&b, e14 + 8, PF_KIND_BYTECODE, PF_ERR_CORRUPT, "not a file entry of kind 18");
    expect_with(&b, eNs + 12, 0, PF_ERR_CORRUPT, "has member");
    free(b.data);
}

static void test_each_slot_error(void **state)
{
    (void)state;
    built b;
    build(&b);
    uint32_t entries = 2 * FILES + 1;
    uint32_t slots = pf_le32_load(b.data + 32);
    size_t table0 = PF_INDEX_HEADER_SIZE + (size_t)entries * PF_INDEX_ENTRY_SIZE;
    size_t full = 0, empty = 0, moved = 0;
    for (uint32_t s = 0; s < slots; s++) {
        uint32_t v = pf_le32_load(b.data + table0 + 4 * s);
        uint32_t next = pf_le32_load(b.data + table0 + 4 * ((s + 1) % slots));
        if (v != 0 && full == 0) {
            full = table0 + 4 * s;
        }
        if (v == 0 && empty == 0) {
            empty = table0 + 4 * s;
        }
        /* a full slot followed by an empty one: moving its entry forward
         * leaves the empty home slot between, so probing cannot reach it */
        if (v != 0 && next == 0 && moved == 0 &&
            (pf_le32_load(b.data + PF_INDEX_HEADER_SIZE + (v - 1) * 32 + 28) & (slots - 1)) == s) {
            moved = table0 + 4 * s;
        }
    }
    assert_true(full != 0 && empty != 0 && moved != 0);
    size_t next = moved + 4 == table0 + 4u * slots ? table0 : moved + 4;
    expect_with(&b, full, entries + 1, PF_ERR_CORRUPT, "past");
    /* The entry at the end of a run, alone: dropping it loses only it. */
    expect_with(&b, moved, 0, PF_ERR_CORRUPT, "holds 600 of 601 entries");
    expect_with(&b, next, pf_le32_load(b.data + moved), PF_ERR_CORRUPT, "in two hash slots");
    (void)empty;

    /* Move an entry one slot past its home with an empty slot between. */
    uint8_t *d = malloc(b.size);
    pf_index index;
    pf_error err;
    memcpy(d, b.data, b.size);
    pf_le32_store(d + next, pf_le32_load(d + moved));
    pf_le32_store(d + moved, 0);
    fix_crc(d, b.size);
    assert_int_equal(open_verify(&index, d, b.size, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "unreachable"));
    free(d);
    free(b.data);
}

/* names_from: a copy of b whose entry `to` has entry `from`'s name (its
 * offset, size and hash), CRC fixed. */
static uint8_t *names_from(const built *b, uint32_t to, uint32_t from)
{
    uint8_t *d = malloc(b->size);
    memcpy(d, b->data, b->size);
    size_t t = PF_INDEX_HEADER_SIZE + (size_t)to * PF_INDEX_ENTRY_SIZE;
    size_t f = PF_INDEX_HEADER_SIZE + (size_t)from * PF_INDEX_ENTRY_SIZE;
    memcpy(d + t, d + f, 8);           /* name_offset, name_size */
    memcpy(d + t + 28, d + f + 28, 4); /* name_hash */
    fix_crc(d, b->size);
    return d;
}

/* The '/' rule (payload.h): a file entry named like a module, and a module
 * named like a file, pass the start's checks and fail pyfreeze verify's. */
static void test_slash_rule(void **state)
{
    (void)state;
    built b;
    pf_index index;
    pf_error err;
    build(&b);
    uint8_t *d = names_from(&b, 0, 1); /* file entry 0 named as module 1 */
    assert_int_equal(pf_index_open(&index, d, b.size, &table, &err), PF_OK);
    assert_int_equal(pf_index_verify(&index, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "file entry without '/'"));
    free(d);
    d = names_from(&b, 1, 0); /* module 1 named as file entry 0 */
    assert_int_equal(pf_index_open(&index, d, b.size, &table, &err), PF_OK);
    assert_int_equal(pf_index_verify(&index, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "module name with a '/'"));
    free(d);
    free(b.data);
}

/* What a start checks (pf_index_open) and what it leaves to pyfreeze
 * verify: an index with a wrong checksum, a wrong name hash or a damaged
 * hash table opens, every lookup stays in bounds and a damaged name only
 * misses; pf_index_verify reports each. */
static void test_start_leaves_to_verify(void **state)
{
    (void)state;
    built b;
    pf_index index;
    pf_entry e;
    pf_error err;
    build(&b);
    uint32_t entries = 2 * FILES + 1;
    uint32_t slots = pf_le32_load(b.data + 32);
    size_t table0 = PF_INDEX_HEADER_SIZE + (size_t)entries * PF_INDEX_ENTRY_SIZE;

    /* the checksum: the start does not compute it */
    pf_le32_store(b.data + PF_INDEX_CHECKSUM_OFFSET, pf_le32_load(b.data + 44) ^ 1u);
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    every_name_found(&b, &index);
    assert_int_equal(pf_index_verify(&index, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "checksum"));
    fix_crc(b.data, b.size);

    /* entry 3's hash: its lookup misses, the others are found */
    size_t h3 = PF_INDEX_HEADER_SIZE + 3 * PF_INDEX_ENTRY_SIZE + 28;
    uint32_t hash = pf_le32_load(b.data + h3);
    pf_le32_store(b.data + h3, hash ^ 0x10000u);
    fix_crc(b.data, b.size);
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(pf_index_find(&index, b.names[3], strlen(b.names[3]), &e), 0);
    assert_int_equal(pf_index_find(&index, b.names[4], strlen(b.names[4]), &e), 1);
    assert_int_equal(pf_index_verify(&index, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "hash does not match"));
    pf_le32_store(b.data + h3, hash);

    /* every slot past the entries, then every slot full: lookups end, miss */
    uint8_t *saved = malloc(4u * slots);
    memcpy(saved, b.data + table0, 4u * slots);
    for (uint32_t value = entries + 1; value >= entries; value--) {
        for (uint32_t s = 0; s < slots; s++) {
            pf_le32_store(b.data + table0 + 4u * s, value == entries ? 1u + s % entries : value);
        }
        fix_crc(b.data, b.size);
        assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
        assert_int_equal(pf_index_find(&index, "pkg1.nothing", 12, &e), 0);
        assert_int_equal(pf_index_verify(&index, &err), PF_ERR_CORRUPT);
    }
    memcpy(b.data + table0, saved, 4u * slots);
    free(saved);
    free(b.data);
}

/* test_left_out: the names of modules the freezer left out (payload.h:
 * PF_KIND_NOT_FOLLOWED, PF_KIND_EXCLUDED): the writer's usage errors, each
 * found with its kind and none as a module, and the reader's checks of
 * their fields. */
static void test_left_out(void **state)
{
    (void)state;
    pfz_index_writer *w = pfz_index_writer_new();
    pf_error err;
    uint32_t file, module, n;
    assert_int_equal(pfz_index_add_file(w, "lib/app.pyc", PF_KIND_BYTECODE, &file, &err), PF_OK);
    assert_int_equal(pfz_index_set_location(w, file, 0, 0, 10, &err), PF_OK);
    assert_int_equal(pfz_index_add_module(w, "app", PF_KIND_MODULE, file, &module, &err), PF_OK);
    assert_int_equal(pfz_index_add_left_out(w, "pandas", PF_KIND_MODULE, &n, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "not a left-out kind"));
    assert_int_equal(pfz_index_add_left_out(w, "a/b", PF_KIND_NOT_FOLLOWED, &n, &err),
                     PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_left_out(w, "app", PF_KIND_NOT_FOLLOWED, &n, &err),
                     PF_ERR_USAGE); /* a module's name */
    assert_int_equal(pfz_index_add_left_out(w, "pandas", PF_KIND_NOT_FOLLOWED, &n, &err), PF_OK);
    assert_int_equal(pfz_index_add_left_out(w, "json", PF_KIND_EXCLUDED, &n, &err), PF_OK);
    assert_int_equal(pfz_index_add_left_out(w, "json", PF_KIND_NOT_FOLLOWED, &n, &err),
                     PF_ERR_USAGE); /* twice */
    assert_int_equal(pfz_index_set_main(w, module, 0, &err), PF_OK);
    built b = {.size = pfz_index_writer_size(w)};
    b.data = malloc(b.size);
    assert_int_equal(pfz_index_serialize(w, FRAMES, b.data, b.size, &err), PF_OK);
    pfz_index_writer_free(w);

    pf_index index;
    pf_entry e;
    assert_int_equal(pf_index_open(&index, b.data, b.size, &table, &err), PF_OK);
    assert_int_equal(index.entry_count, 4);
    assert_true(pf_index_find(&index, "pandas", 6, &e));
    assert_int_equal(e.kind, PF_KIND_NOT_FOLLOWED);
    assert_false(PF_KIND_IS_MODULE(e.kind) || PF_KIND_IS_FILE(e.kind));
    assert_int_equal(e.member, PF_NONE);
    assert_true(pf_index_find(&index, "json", 4, &e));
    assert_int_equal(e.kind, PF_KIND_EXCLUDED);
    assert_false(pf_index_find(&index, "numpy", 5, &e));

    size_t eLeft = PF_INDEX_HEADER_SIZE + 2 * PF_INDEX_ENTRY_SIZE; /* pandas */
    expect_with(&b, eLeft + 12, 0, PF_ERR_CORRUPT, "left-out module name");
    expect_with(&b, eLeft + 16, 0, PF_ERR_CORRUPT, "left-out module name");
    expect_with(&b, eLeft + 20, 1, PF_ERR_CORRUPT, "left-out module name");
    expect_with(&b, eLeft + 24, 1, PF_ERR_CORRUPT, "left-out module name");
    expect_with(&b, eLeft + 8, 7, PF_ERR_CORRUPT, "unknown kind");
    free(b.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_vectors),
        cmocka_unit_test(test_find_every_name),
        cmocka_unit_test(test_walk_end),
        cmocka_unit_test(test_each_header_error),
        cmocka_unit_test(test_glibc_floor_and_versions),
        cmocka_unit_test(test_each_entry_error),
        cmocka_unit_test(test_each_slot_error),
        cmocka_unit_test(test_slash_rule),
        cmocka_unit_test(test_start_leaves_to_verify),
        cmocka_unit_test(test_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
