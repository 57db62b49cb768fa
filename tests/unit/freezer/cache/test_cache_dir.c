/* test_cache_dir.c - the build cache's directory (cache_dir.c): where it
 * is by default, the checks that it is private, entries put and got by
 * area and name through the background writer, damage counted, and a NULL
 * cache accepted. */
#include "cache/cache_test_util.h"

#include "cache_dir.h"

static const pfz_cache_entry_header HEADER = {
    .kind = PFZ_CACHE_ENTRY_FRAME, .size = 3, .p1 = 1, .p2 = 2, .p3 = 3, .key_size = 0};
static const uint8_t BODY[] = "entry body";

/* area_dir: cache_dir/v1/<name>. */
static void area_dir(char *out, size_t outCapacity, const char *name)
{
    snprintf(out, outCapacity, "%s/v1/%s", cache_dir, name);
}

static void test_put_and_get(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    uint8_t *entry = NULL;
    const uint8_t *body = NULL;
    size_t body_size = 0;
    assert_int_equal(
        pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, &entry, &body, &body_size), 0);
    assert_null(entry);
    pfz_cache_put(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, NULL, 0, BODY, sizeof BODY);
    /* a get right after a put waits for the writer */
    assert_int_equal(
        pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, &entry, &body, &body_size), 1);
    assert_int_equal(body_size, sizeof BODY);
    assert_memory_equal(body, BODY, sizeof BODY);
    free(entry);
    /* areas are apart; other header fields are stale, not damaged */
    assert_int_equal(pfz_cache_get(c, PFZ_CACHE_AREA_PYC, "e1", &HEADER, &entry, &body, &body_size),
                     0);
    pfz_cache_entry_header other = HEADER;
    other.p2++;
    assert_int_equal(
        pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, "e1", &other, &entry, &body, &body_size), 0);
    assert_int_equal(pfz_cache_stats_get(c).rejected, 0);
    /* a name too long for a job is not written */
    char long_name[100];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    pfz_cache_put(c, PFZ_CACHE_AREA_FRAMES, long_name, &HEADER, NULL, 0, BODY, sizeof BODY);
    pfz_cache_flush(c);
    char dir[700];
    size_t temps;
    area_dir(dir, sizeof dir, "frames");
    assert_int_equal(count_files(dir, &temps), 1);
    pfz_cache_close(c);
}

/* A damaged entry is a miss and counts as rejected; the next put repairs it. */
static void test_damage_counted(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    pfz_cache_put(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, NULL, 0, BODY, sizeof BODY);
    pfz_cache_flush(c);
    char dir[700], entry_path[1000];
    area_dir(dir, sizeof dir, "frames");
    only_file(dir, entry_path, sizeof entry_path);
    size_t size;
    uint8_t *good = read_file(entry_path, &size);
    good[size - 1] ^= 1;
    write_file(entry_path, good, size);
    uint8_t *entry = NULL;
    const uint8_t *body = NULL;
    size_t body_size = 0;
    assert_int_equal(
        pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, &entry, &body, &body_size), 0);
    assert_int_equal(pfz_cache_stats_get(c).rejected, 1);
    pfz_cache_put(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, NULL, 0, BODY, sizeof BODY);
    assert_int_equal(
        pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, "e1", &HEADER, &entry, &body, &body_size), 1);
    free(entry);
    free(good);
    pfz_cache_close(c);
}

static void test_counters(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    pfz_cache_count(c, PFZ_CACHE_PYC_HIT);
    pfz_cache_count(c, PFZ_CACHE_PYC_MISS);
    pfz_cache_count(c, PFZ_CACHE_PYC_MISS);
    pfz_cache_count(c, PFZ_CACHE_FRAME_HIT);
    pfz_cache_count(c, PFZ_CACHE_FRAME_MISS);
    pfz_cache_count(c, PFZ_CACHE_REJECTED);
    pfz_cache_stats st = pfz_cache_stats_get(c);
    assert_int_equal(st.pyc_hits, 1);
    assert_int_equal(st.pyc_misses, 2);
    assert_int_equal(st.frame_hits, 1);
    assert_int_equal(st.frame_misses, 1);
    assert_int_equal(st.rejected, 1);
    pfz_cache_close(c);
    st = pfz_cache_stats_get(NULL);
    assert_int_equal(st.pyc_hits + st.pyc_misses + st.frame_hits + st.rejected, 0);
    pfz_cache_flush(NULL);
    pfz_cache_close(NULL);
}

/* put_many: n entries named <prefix><i> in the pyc area. */
static void put_many(pfz_cache *c, const char *prefix, int n)
{
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s%d", prefix, i);
        pfz_cache_put(c, PFZ_CACHE_AREA_PYC, name, &HEADER, NULL, 0, BODY, sizeof BODY);
        pfz_cache_put(c, PFZ_CACHE_AREA_PYC, name, &HEADER, NULL, 0, BODY, sizeof BODY);
    }
}

static void test_atomic_writes_leave_no_temp_files(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    put_many(c, "m", 50); /* each name twice: the second replaces the first */
    char dir[700];
    size_t temps;
    pfz_cache_flush(c);
    area_dir(dir, sizeof dir, "pyc");
    assert_int_equal(count_files(dir, &temps), 50);
    assert_int_equal(temps, 0);
    struct stat st;
    char entry[1000];
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(entry, sizeof entry, "%s/%s", dir, e->d_name);
        assert_int_equal(stat(entry, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
    }
    closedir(d);
    pfz_cache_close(c);

    /* closing writes what is still queued */
    pf_error err;
    assert_int_equal(pfz_cache_open(&c, cache_dir, NULL, NULL, &err), PF_OK);
    put_many(c, "late", 10);
    pfz_cache_close(c);
    assert_int_equal(count_files(dir, &temps), 60);
    assert_int_equal(temps, 0);
}

static void test_open_checks_the_directory(void **state)
{
    (void)state;
    pfz_cache *c = NULL;
    pf_error err;
    char dir[700];
    /* created 0700 with its parents */
    snprintf(dir, sizeof dir, "%s/deep/er/cache", root);
    assert_int_equal(pfz_cache_open(&c, dir, NULL, NULL, &err), PF_OK);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    pfz_cache_close(c);
    /* writable by others: refused */
    snprintf(dir, sizeof dir, "%s/open", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(pfz_cache_open(&c, dir, NULL, NULL, &err), PF_ERR_USAGE);
    assert_null(c);
    assert_non_null(strstr(err.message, dir));
    /* a file, and a symlink to a good directory: refused */
    snprintf(dir, sizeof dir, "%s/file", root);
    write_file(dir, "x", 1);
    assert_int_not_equal(pfz_cache_open(&c, dir, NULL, NULL, &err), PF_OK);
    char link[700], target[700];
    snprintf(target, sizeof target, "%s/deep/er/cache", root);
    snprintf(link, sizeof link, "%s/link", root);
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(pfz_cache_open(&c, link, NULL, NULL, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_cache_open(&c, "", NULL, NULL, &err), PF_ERR_USAGE);
}

static void test_default_dir(void **state)
{
    (void)state;
    char dir[700];
    pf_error err;
    assert_int_equal(pfz_cache_default_dir(dir, sizeof dir, "/x/cache", "/home/u", &err), PF_OK);
    assert_string_equal(dir, "/x/cache/pyfreeze");
    /* a relative XDG_CACHE_HOME is ignored, as the XDG spec says */
    assert_int_equal(pfz_cache_default_dir(dir, sizeof dir, "relative", "/home/u", &err), PF_OK);
    assert_string_equal(dir, "/home/u/.cache/pyfreeze");
    assert_int_equal(pfz_cache_default_dir(dir, sizeof dir, NULL, "/home/u", &err), PF_OK);
    assert_string_equal(dir, "/home/u/.cache/pyfreeze");
    assert_int_equal(pfz_cache_default_dir(dir, sizeof dir, "/", NULL, &err), PF_OK);
    assert_string_equal(dir, "/pyfreeze");
    assert_int_equal(pfz_cache_default_dir(dir, 5, NULL, "/home/u", &err), PF_ERR_USAGE);
    /* neither: the passwd entry's home, when the user has one */
    int rc = pfz_cache_default_dir(dir, sizeof dir, NULL, "relative", &err);
    if (rc == PF_OK) {
        assert_non_null(strstr(dir, "/.cache/pyfreeze"));
    } else {
        assert_int_equal(rc, PF_ERR_NOT_FOUND);
    }
    /* open with no directory given uses the default */
    char xdg[640];
    snprintf(xdg, sizeof xdg, "%s/xdg", root);
    pfz_cache *c = NULL;
    assert_int_equal(pfz_cache_open(&c, NULL, xdg, NULL, &err), PF_OK);
    pfz_cache_close(c);
    snprintf(dir, sizeof dir, "%s/pyfreeze/v1/pyc", xdg);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_and_get),
        cmocka_unit_test(test_damage_counted),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_atomic_writes_leave_no_temp_files),
        cmocka_unit_test(test_open_checks_the_directory),
        cmocka_unit_test(test_default_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
