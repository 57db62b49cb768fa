/* test_index_writer.c - the index writer (payload/index_writer.c): each
 * usage error, and the bytes it writes checked field by field against the
 * layout of payload.h (header, entries in the order added, strings, hash
 * slots by linear probing, CRC-32), independently of the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "index_writer.h"
#include "payload.h"
#include "payload_index.h"
#include "pf_le.h"

static void test_writer_usage(void **state)
{
    (void)state;
    pfz_index_writer *w = pfz_index_writer_new();
    pf_error err;
    uint32_t f, m;
    uint8_t room[4096];
    char big[PF_MAX_NAME_SIZE + 2];

    assert_int_equal(pfz_index_add_file(w, "lib/a.pyc", PF_KIND_BYTECODE, &f, &err), PF_OK);
    assert_int_equal(pfz_index_add_file(w, "lib/a.pyc", PF_KIND_DATA, &m, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "twice"));
    assert_int_equal(pfz_index_add_file(w, "a.pyc", PF_KIND_BYTECODE, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_file(w, "lib/b", PF_KIND_MODULE, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_file(w, "", PF_KIND_DATA, &m, &err), PF_ERR_USAGE);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[1] = '/';
    assert_int_equal(pfz_index_add_file(w, big, PF_KIND_DATA, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a/b", PF_KIND_MODULE, f, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_DATA, f, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_EXTENSION, f, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_NAMESPACE, f, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_MODULE, 7, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_MODULE, f, &m, &err), PF_OK);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_MODULE, f, &m, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_set_location(w, m, 0, 0, 1, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_set_main(w, f, 0, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_set_main(w, m, 0x80, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_set_glibc_floor(w, 2, PF_INDEX_MAX_GLIBC_PART + 1, 0, &err),
                     PF_ERR_USAGE);

    size_t size = pfz_index_writer_size(w);
    assert_true(size <= sizeof room);
    assert_int_equal(pfz_index_serialize(w, 1, room, sizeof room, &err), PF_ERR_USAGE); /* main */
    assert_int_equal(pfz_index_set_main(w, m, 0, &err), PF_OK);
    assert_int_equal(pfz_index_serialize(w, 1, room, sizeof room, &err), PF_ERR_USAGE); /* loc */
    assert_int_equal(pfz_index_set_location(w, f, 1, 0, 10, &err), PF_OK);
    assert_int_equal(pfz_index_serialize(w, 1, room, sizeof room, &err), PF_ERR_USAGE); /* frame */
    assert_int_equal(pfz_index_serialize(w, 2, room, size - 1, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_index_serialize(w, 2, room, size, &err), PF_OK);
    assert_int_equal(pfz_index_writer_size(w), size); /* locations do not change it */

    pf_frame two[2] = {{.decompressed_size = 10}, {.decompressed_size = 10}};
    pf_seek_table t = {two, 2, 0};
    pf_index index;
    pf_entry e;
    assert_int_equal(pf_index_open(&index, room, size, &t, &err), PF_OK);
    assert_int_equal(pf_index_find(&index, "a", 1, &e), 1);
    assert_int_equal(e.member, f);
    pfz_index_writer_free(w);
    pfz_index_writer_free(NULL);
}

/* slot_of: the slot of slots[0..count) (u32 values) holding entry n + 1,
 * or count when none does. */
static uint32_t slot_of(const uint8_t *slots, uint32_t count, uint32_t n)
{
    for (uint32_t s = 0; s < count; s++) {
        if (pf_le32_load(slots + (size_t)s * 4u) == n + 1u) {
            return s;
        }
    }
    return count;
}

/* A file, its module and a namespace package, written into 3 frames: every
 * header field, entry field, name and slot is where payload.h says. */
static void test_layout(void **state)
{
    (void)state;
    pfz_index_writer *w = pfz_index_writer_new();
    pf_error err;
    uint32_t f, m, ns;
    assert_non_null(w);
    assert_int_equal(pfz_index_add_file(w, "lib/a.pyc", PF_KIND_BYTECODE, &f, &err), PF_OK);
    assert_int_equal(pfz_index_add_module(w, "a", PF_KIND_MODULE, f, &m, &err), PF_OK);
    assert_int_equal(pfz_index_add_module(w, "ns", PF_KIND_NAMESPACE, PF_NONE, &ns, &err), PF_OK);
    assert_int_equal(f, 0);
    assert_int_equal(m, 1);
    assert_int_equal(ns, 2);
    assert_int_equal(pfz_index_set_location(w, f, 2, 1536, 700, &err), PF_OK);
    uint32_t flags = PF_INDEX_FLAG_MAIN_IS_MODULE | PF_INDEX_FLAG_OPTIMIZE(2);
    assert_int_equal(pfz_index_set_main(w, m, flags, &err), PF_OK);
    pfz_index_set_python_magic(w, (const uint8_t *)"\xa7\x0d\x0d\x0a");
    pfz_index_set_walk_end(w, 2);
    assert_int_equal(pfz_index_set_glibc_floor(w, 2, 31, 7, &err), PF_OK);

    /* 3 entries: 8 slots (a power of two, at least twice the entries);
     * strings "lib/a.pyc" "a" "ns" = 12 bytes. */
    size_t size = pfz_index_writer_size(w);
    assert_int_equal(size, PF_INDEX_HEADER_SIZE + 3 * PF_INDEX_ENTRY_SIZE + 8 * 4 + 12);
    uint8_t *d = malloc(size);
    assert_non_null(d);
    assert_int_equal(pfz_index_serialize(w, 3, d, size, &err), PF_OK);

    assert_memory_equal(d, PF_INDEX_MAGIC, PF_INDEX_MAGIC_SIZE);
    assert_int_equal(pf_le32_load(d + 8), PF_INDEX_VERSION);
    assert_int_equal(pf_le32_load(d + 12), PF_INDEX_HEADER_SIZE);
    assert_memory_equal(d + 16, "\xa7\x0d\x0d\x0a", 4);
    assert_int_equal(pf_le32_load(d + 20), flags);
    assert_int_equal(pf_le32_load(d + 24), 3);  /* frames */
    assert_int_equal(pf_le32_load(d + 28), 3);  /* entries */
    assert_int_equal(pf_le32_load(d + 32), 8);  /* slots */
    assert_int_equal(pf_le32_load(d + 36), 12); /* string bytes */
    assert_int_equal(pf_le32_load(d + 40), m);  /* main entry */
    assert_int_equal(pf_le32_load(d + 48), 2);  /* walk_end */
    assert_int_equal(pf_le32_load(d + 52), 2);  /* glibc floor: 2.31.7 */
    assert_int_equal(pf_le32_load(d + 56), 31);
    assert_int_equal(pf_le32_load(d + 60), 7);

    const uint8_t *entries = d + PF_INDEX_HEADER_SIZE;
    const uint8_t *slots = entries + 3 * PF_INDEX_ENTRY_SIZE;
    const char *strings = (const char *)slots + 8 * 4;
    static const struct {
        const char *name;
        uint32_t kind, member, frame, offset, size;
    } want[] = {
        {"lib/a.pyc", PF_KIND_BYTECODE, PF_NONE, 2, 1536, 700},
        {"a", PF_KIND_MODULE, 0, PF_NONE, 0, 0},
        {"ns", PF_KIND_NAMESPACE, PF_NONE, PF_NONE, 0, 0},
    };
    uint32_t nameOffset = 0;
    for (uint32_t n = 0; n < 3; n++) {
        const uint8_t *e = entries + (size_t)n * PF_INDEX_ENTRY_SIZE;
        uint32_t nameSize = (uint32_t)strlen(want[n].name);
        assert_int_equal(pf_le32_load(e + 0), nameOffset); /* names in the order added */
        assert_int_equal(pf_le32_load(e + 4), nameSize);
        assert_int_equal(pf_le32_load(e + 8), want[n].kind);
        assert_int_equal(pf_le32_load(e + 12), want[n].member);
        assert_int_equal(pf_le32_load(e + 16), want[n].frame);
        assert_int_equal(pf_le32_load(e + 20), want[n].offset);
        assert_int_equal(pf_le32_load(e + 24), want[n].size);
        uint32_t hash = pf_index_hash(want[n].name, nameSize);
        assert_int_equal(pf_le32_load(e + 28), hash);
        assert_memory_equal(strings + nameOffset, want[n].name, nameSize);
        nameOffset += nameSize;
        /* in its home slot or, probing linearly, after it with no gap */
        uint32_t s = slot_of(slots, 8, n);
        assert_true(s < 8);
        for (uint32_t k = hash & 7u; k != s; k = (k + 1u) & 7u) {
            assert_int_not_equal(pf_le32_load(slots + (size_t)k * 4u), 0);
        }
    }
    uint32_t filled = 0;
    for (uint32_t s = 0; s < 8; s++) {
        filled += pf_le32_load(slots + (size_t)s * 4u) != 0;
    }
    assert_int_equal(filled, 3);

    /* CRC-32 of the whole index with its own field taken as zero */
    uint32_t stored = pf_le32_load(d + PF_INDEX_CHECKSUM_OFFSET);
    pf_le32_store(d + PF_INDEX_CHECKSUM_OFFSET, 0);
    assert_int_equal(stored, (uint32_t)crc32_z(crc32(0, Z_NULL, 0), d, size));

    /* the same calls give the same bytes */
    pf_le32_store(d + PF_INDEX_CHECKSUM_OFFSET, stored);
    uint8_t *again = malloc(size);
    assert_non_null(again);
    assert_int_equal(pfz_index_serialize(w, 3, again, size, &err), PF_OK);
    assert_memory_equal(again, d, size);
    free(again);
    free(d);
    pfz_index_writer_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_usage),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
