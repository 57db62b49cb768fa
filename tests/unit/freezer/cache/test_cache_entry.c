/* test_cache_entry.c - one cache entry file (cache_entry.c): encoding and
 * checking it (every truncation and every flipped byte is damage, another
 * format version or other inputs are stale), reading it without following
 * links, and writing it atomically. */
#include "cache/cache_test_util.h"

#include <zlib.h>

#include "cache_entry.h"

static const pfz_cache_entry_header HEADER = {
    .kind = PFZ_CACHE_ENTRY_PYC, .size = 1234, .p1 = 7, .p2 = 2, .p3 = 0, .key_size = 4};
static const uint8_t KEY[4] = {'k', 'e', 'y', 0};
static const uint8_t BODY[] = "body bytes";

/* encoded: HEADER with KEY and BODY as an entry, malloc'd. */
static uint8_t *encoded(size_t *size)
{
    uint8_t *e = pfz_cache_entry_encode(&HEADER, KEY, sizeof KEY, BODY, sizeof BODY, size);
    assert_non_null(e);
    return e;
}

static void test_round_trip(void **state)
{
    (void)state;
    size_t size;
    uint8_t *e = encoded(&size);
    assert_int_equal(size, PFZ_CACHE_ENTRY_HEADER_SIZE + sizeof KEY + sizeof BODY);
    assert_memory_equal(e, "PFZCACHE", 8);
    const uint8_t *body = NULL;
    size_t body_size = 0;
    assert_int_equal(pfz_cache_entry_check(e, size, &HEADER, &body, &body_size),
                     PFZ_CACHE_ENTRY_OK);
    assert_ptr_equal(body, e + PFZ_CACHE_ENTRY_HEADER_SIZE);
    assert_int_equal(body_size, sizeof KEY + sizeof BODY);
    assert_memory_equal(body, KEY, sizeof KEY);
    assert_memory_equal(body + sizeof KEY, BODY, sizeof BODY);
    free(e);

    /* no key, empty body */
    pfz_cache_entry_header h = HEADER;
    h.key_size = 0;
    e = pfz_cache_entry_encode(&h, NULL, 0, BODY, 0, &size);
    assert_non_null(e);
    assert_int_equal(size, PFZ_CACHE_ENTRY_HEADER_SIZE);
    assert_int_equal(pfz_cache_entry_check(e, size, &h, &body, &body_size), PFZ_CACHE_ENTRY_OK);
    assert_int_equal(body_size, 0);
    free(e);

    /* too large to be ours: not encoded */
    e = pfz_cache_entry_encode(&HEADER, KEY, sizeof KEY, BODY, PFZ_CACHE_ENTRY_MAX_SIZE, &size);
    assert_null(e);
    assert_int_equal(size, 0);
}

/* Every truncation, one byte too many and every flipped byte is damage. */
static void test_damage(void **state)
{
    (void)state;
    size_t size;
    uint8_t *good = encoded(&size);
    const uint8_t *body = NULL;
    size_t body_size = 0;
    for (size_t cut = 0; cut < size; cut++) {
        assert_int_equal(pfz_cache_entry_check(good, cut, &HEADER, &body, &body_size),
                         PFZ_CACHE_ENTRY_DAMAGED);
    }
    uint8_t *bad = malloc(size + 1);
    assert_non_null(bad);
    memcpy(bad, good, size);
    bad[size] = 0;
    assert_int_equal(pfz_cache_entry_check(bad, size + 1, &HEADER, &body, &body_size),
                     PFZ_CACHE_ENTRY_DAMAGED);
    for (size_t i = 0; i < size; i++) {
        memcpy(bad, good, size);
        bad[i] ^= 0x20;
        pfz_cache_entry_status s = pfz_cache_entry_check(bad, size, &HEADER, &body, &body_size);
        /* a flip in the version field is caught by the header crc first */
        assert_int_equal(s, PFZ_CACHE_ENTRY_DAMAGED);
    }
    assert_null(body);
    free(bad);
    free(good);
}

/* An entry for other inputs, or of another format version, is stale. */
static void test_stale(void **state)
{
    (void)state;
    size_t size;
    uint8_t *e = encoded(&size);
    const uint8_t *body = NULL;
    size_t body_size = 0;
    pfz_cache_entry_header want[6];
    for (int i = 0; i < 6; i++) {
        want[i] = HEADER;
    }
    want[0].kind = PFZ_CACHE_ENTRY_FRAME;
    want[1].size++;
    want[2].p1++;
    want[3].p2++;
    want[4].p3++;
    want[5].key_size--;
    for (int i = 0; i < 6; i++) {
        assert_int_equal(pfz_cache_entry_check(e, size, &want[i], &body, &body_size),
                         PFZ_CACHE_ENTRY_STALE);
    }
    assert_null(body);

    /* another format version, with its header crc made right */
    e[8] ^= 0x40;
    uLong crc = crc32_z(crc32_z(0L, Z_NULL, 0), e, 52);
    for (int i = 0; i < 4; i++) {
        e[52 + i] = (uint8_t)(crc >> (8 * i));
    }
    assert_int_equal(pfz_cache_entry_check(e, size, &HEADER, &body, &body_size),
                     PFZ_CACHE_ENTRY_STALE);
    free(e);
}

static void test_read_and_write(void **state)
{
    (void)state;
    size_t size;
    uint8_t *e = encoded(&size);
    char dir[700], path[800], link[800];
    snprintf(dir, sizeof dir, "%s/entries", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(pfz_cache_entry_write(dir, "one", e, size), 1);
    assert_int_equal(pfz_cache_entry_write(dir, "one", e, size), 1); /* replaces it */
    size_t temps;
    assert_int_equal(count_files(dir, &temps), 1);
    assert_int_equal(temps, 0);
    snprintf(path, sizeof path, "%s/one", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    uint8_t *got = NULL;
    size_t got_size = 0;
    assert_int_equal(pfz_cache_entry_read(path, &got, &got_size), 1);
    assert_int_equal(got_size, size);
    assert_memory_equal(got, e, size);
    free(got);

    /* a symlink is not followed; a missing file, a directory or a file
     * shorter than a header is no entry */
    snprintf(link, sizeof link, "%s/link", dir);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(pfz_cache_entry_read(link, &got, &got_size), 0);
    assert_null(got);
    snprintf(link, sizeof link, "%s/missing", dir);
    assert_int_equal(pfz_cache_entry_read(link, &got, &got_size), 0);
    assert_int_equal(pfz_cache_entry_read(dir, &got, &got_size), 0);
    write_file(path, e, PFZ_CACHE_ENTRY_HEADER_SIZE - 1);
    assert_int_equal(pfz_cache_entry_read(path, &got, &got_size), 0);
    assert_null(got);

    /* a directory that does not exist: nothing written, no error */
    snprintf(link, sizeof link, "%s/none", dir);
    assert_int_equal(pfz_cache_entry_write(link, "one", e, size), 0);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_stale),
        cmocka_unit_test(test_read_and_write),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
