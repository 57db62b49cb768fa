/* test_bytecode_cache.c - the build cache of compiled modules
 * (bytecode_cache.c): its entries directly, then through the module graph
 * and the packer, checking that a warm cache gives exactly the bytes a cold
 * one (and no cache) gives. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cache/cache_test_util.h"

#include <fcntl.h>

#include "bytecode_cache.h"
#include "frame_store.h"
#include "freeze.h"
#include "module_graph.h"
#include "payload.h"
#include "python_host.h"
#include "seek_table_writer.h"

static const uint8_t HASH_A[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t HASH_B[8] = {1, 2, 3, 4, 5, 6, 7, 9};

/* fake_pyc: a .pyc-shaped buffer (magic, hash-based flags, hash, body). */
static size_t fake_pyc(uint8_t *out, uint32_t magic, const uint8_t hash[8], const char *body)
{
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(magic >> (8 * i));
        out[4 + i] = (uint8_t)(PF_PYC_FLAG_HASH_BASED >> (8 * i));
    }
    memcpy(out + 8, hash, 8);
    size_t n = strlen(body);
    memcpy(out + 16, body, n);
    return 16 + n;
}

/* ---- entries ---- */

static void test_pyc_hit_and_miss(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    uint8_t pyc[64], *got = NULL;
    size_t got_size = 0;
    size_t n = fake_pyc(pyc, 0x0a0d0da7u, HASH_A, "marshal-data");
    pfz_pyc_key key = {"/src/app.py", "app.py", 0x0a0d0da7u, 0};

    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_A, &got, &got_size), 0);
    assert_null(got);
    pfz_cache_pyc_put(c, &key, 100, pyc, n);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_A, &got, &got_size), 1);
    assert_int_equal(got_size, n);
    assert_memory_equal(got, pyc, n);
    free(got);

    /* the source changed: other content (hash) or other size */
    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_B, &got, &got_size), 0);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 101, HASH_A, &got, &got_size), 0);
    /* another python (magic), level, co_filename or source path */
    pfz_pyc_key other = key;
    other.magic = 0x0a0d0da8u;
    assert_int_equal(pfz_cache_pyc_get(c, &other, 100, HASH_A, &got, &got_size), 0);
    other = key;
    other.optimize = 1;
    assert_int_equal(pfz_cache_pyc_get(c, &other, 100, HASH_A, &got, &got_size), 0);
    other = key;
    other.code_filename = "pkg/app.py";
    assert_int_equal(pfz_cache_pyc_get(c, &other, 100, HASH_A, &got, &got_size), 0);
    other = key;
    other.source_path = "/elsewhere/app.py";
    assert_int_equal(pfz_cache_pyc_get(c, &other, 100, HASH_A, &got, &got_size), 0);
    assert_null(got);

    /* levels are kept side by side */
    other = key;
    other.optimize = 2;
    pfz_cache_pyc_put(c, &other, 100, pyc, n);
    assert_int_equal(pfz_cache_pyc_get(c, &other, 100, HASH_A, &got, &got_size), 1);
    free(got);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_A, &got, &got_size), 1);
    free(got);

    /* a source changed under the entry: the new bytecode replaces it */
    uint8_t pyc2[64];
    size_t n2 = fake_pyc(pyc2, 0x0a0d0da7u, HASH_B, "new-marshal-data");
    pfz_cache_pyc_put(c, &key, 100, pyc2, n2);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_A, &got, &got_size), 0);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 100, HASH_B, &got, &got_size), 1);
    assert_memory_equal(got, pyc2, n2);
    free(got);

    pfz_cache_stats st = pfz_cache_stats_get(c);
    assert_int_equal(st.pyc_hits, 4);
    assert_int_equal(st.rejected, 0);
    pfz_cache_close(c);
}

static void test_null_cache(void **state)
{
    (void)state;
    uint8_t pyc[64], *got = (uint8_t *)1;
    size_t got_size = 1;
    size_t n = fake_pyc(pyc, 1, HASH_A, "x");
    pfz_pyc_key key = {"/a.py", "a.py", 1, 0};
    pfz_cache_pyc_put(NULL, &key, 1, pyc, n);
    assert_int_equal(pfz_cache_pyc_get(NULL, &key, 1, HASH_A, &got, &got_size), 0);
    assert_null(got);
    pfz_cache_stats st = pfz_cache_stats_get(NULL);
    assert_int_equal(st.pyc_hits + st.pyc_misses, 0);
    pfz_cache_close(NULL);
}

/* Every truncation and every single-byte change of an entry is a miss
 * (never a crash or a wrong answer), and the next put repairs it. */
static void test_damaged_entry_ignored_and_rewritten(void **state)
{
    (void)state;
    pfz_cache *c = fresh_cache();
    uint8_t pyc[64], *got = NULL;
    size_t got_size = 0;
    size_t n = fake_pyc(pyc, 7, HASH_A, "code");
    pfz_pyc_key key = {"/src/m.py", "m.py", 7, 0};
    pfz_cache_pyc_put(c, &key, 10, pyc, n);
    pfz_cache_flush(c);
    char pyc_dir[700], entry[1000];
    snprintf(pyc_dir, sizeof pyc_dir, "%s/v1/pyc", cache_dir);
    only_file(pyc_dir, entry, sizeof entry);
    size_t size;
    uint8_t *good = read_file(entry, &size);

    for (size_t cut = 0; cut < size; cut++) {
        write_file(entry, good, cut);
        assert_int_equal(pfz_cache_pyc_get(c, &key, 10, HASH_A, &got, &got_size), 0);
    }
    uint8_t *bad = malloc(size + 1);
    assert_non_null(bad);
    for (size_t i = 0; i < size; i++) {
        memcpy(bad, good, size);
        bad[i] ^= 0x20;
        write_file(entry, bad, size);
        assert_int_equal(pfz_cache_pyc_get(c, &key, 10, HASH_A, &got, &got_size), 0);
    }
    memcpy(bad, good, size);
    bad[size] = 0;
    write_file(entry, bad, size + 1); /* one byte too long */
    assert_int_equal(pfz_cache_pyc_get(c, &key, 10, HASH_A, &got, &got_size), 0);
    assert_null(got);
    assert_true(pfz_cache_stats_get(c).rejected >= size);

    /* not a regular file: a symlink to a good entry is not followed */
    write_file(entry, good, size);
    char elsewhere[1100];
    snprintf(elsewhere, sizeof elsewhere, "%s/good-entry", root);
    assert_int_equal(rename(entry, elsewhere), 0);
    assert_int_equal(symlink(elsewhere, entry), 0);
    assert_int_equal(pfz_cache_pyc_get(c, &key, 10, HASH_A, &got, &got_size), 0);

    pfz_cache_pyc_put(c, &key, 10, pyc, n); /* rebuilt: replaces the link */
    assert_int_equal(pfz_cache_pyc_get(c, &key, 10, HASH_A, &got, &got_size), 1);
    assert_memory_equal(got, pyc, n);
    free(got);
    struct stat st;
    assert_int_equal(lstat(entry, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    free(bad);
    free(good);
    pfz_cache_close(c);
}

/* ---- through the module graph, with the embedded interpreter ---- */

static char prog[700];   /* the program's directory */
static char script[800]; /* prog/app.py */

static const char APP[] = "import helper\n"
                          "import json\n"
                          "assert helper.X == 1, 'helper'\n"
                          "print(helper.__doc__)\n";
static const char HELPER[] = "'''helper docs'''\nX = 1\n";

static void write_program(void)
{
    char path[900];
    snprintf(prog, sizeof prog, "%s/prog", root);
    mkdir(prog, 0755);
    snprintf(script, sizeof script, "%s/app.py", prog);
    write_file(script, APP, sizeof APP - 1);
    snprintf(path, sizeof path, "%s/helper.py", prog);
    write_file(path, HELPER, sizeof HELPER - 1);
}

static int py_setup(void **state)
{
    (void)state;
    if (setup(state) != 0) {
        return -1;
    }
    pf_error err;
    return pfz_python_start(&err) == PF_OK ? 0 : -1;
}

static int py_teardown(void **state)
{
    pfz_python_stop();
    return teardown(state);
}

static void build(pfz_graph *g, pfz_cache *c, int optimize)
{
    pf_error err;
    memset(g, 0, sizeof *g);
    pfz_resolve_options o = {.script = script, .optimize = optimize, .cache = c};
    assert_int_equal(pfz_graph_build(g, &o, &err), PF_OK);
}

static const pfz_module *module_named(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++) {
        if (strcmp(g->modules[i].name, name) == 0) {
            return &g->modules[i];
        }
    }
    fail_msg("module %s not in the graph", name);
    return NULL;
}

/* same_bytecode: every module of a and b has the same .pyc bytes. */
static void same_bytecode(const pfz_graph *a, const pfz_graph *b)
{
    assert_int_equal(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        assert_string_equal(a->modules[i].name, b->modules[i].name);
        assert_int_equal(a->modules[i].pyc_size, b->modules[i].pyc_size);
        if (a->modules[i].pyc_size > 0) {
            assert_memory_equal(a->modules[i].pyc, b->modules[i].pyc, a->modules[i].pyc_size);
        }
    }
}

/* compiled_count: the modules that go through the freezer's cache: all
 * with bytecode but the installed ones read from their __pycache__. */
static size_t compiled_count(const pfz_graph *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->count; i++) {
        n += g->modules[i].pyc != NULL;
    }
    return n - g->from_pycache;
}

static void payload_of(const pfz_graph *g, pfz_cache *c, pfz_buffer *out)
{
    uint8_t magic[4];
    unsigned long v = (unsigned long)PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++) {
        magic[i] = (uint8_t)(v >> (8 * i));
    }
    pfz_frame_store store = pfz_cache_frame_store(c);
    pf_error err;
    memset(out, 0, sizeof *out);
    assert_int_equal(
        pfz_payload_from_graph_cached(g, NULL, magic, 0, c != NULL ? &store : NULL, 0, out, &err),
        PF_OK);
}

static void test_graph_warm_equals_cold(void **state)
{
    (void)state;
    write_program();
    pfz_graph none, cold, warm;
    build(&none, NULL, 0);
    pfz_cache *c = fresh_cache();
    build(&cold, c, 0);
    size_t compiled = compiled_count(&cold);
    assert_true(compiled >= 2); /* app.py and helper.py at least */
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, 0);
    assert_int_equal(pfz_cache_stats_get(c).pyc_misses, compiled);
    build(&warm, c, 0);
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, compiled);
    same_bytecode(&none, &cold);
    same_bytecode(&none, &warm);

    /* the packed payloads: no cache, cold cache, warm cache */
    pfz_buffer p_none, p_cold, p_warm;
    payload_of(&none, NULL, &p_none);
    payload_of(&cold, c, &p_cold);
    payload_of(&warm, c, &p_warm);
    assert_true(pfz_cache_stats_get(c).frame_hits > 0);
    assert_int_equal(pfz_cache_stats_get(c).frame_misses, pfz_cache_stats_get(c).frame_hits);
    assert_int_equal(p_cold.size, p_none.size);
    assert_memory_equal(p_cold.data, p_none.data, p_none.size);
    assert_int_equal(p_warm.size, p_none.size);
    assert_memory_equal(p_warm.data, p_none.data, p_none.size);
    pfz_buffer_free(&p_none);
    pfz_buffer_free(&p_cold);
    pfz_buffer_free(&p_warm);
    pfz_graph_free(&none);
    pfz_graph_free(&cold);
    pfz_graph_free(&warm);
    pfz_cache_close(c);
}

static void test_graph_source_changes(void **state)
{
    (void)state;
    write_program();
    pfz_cache *c = fresh_cache();
    pfz_graph g0, g1, g2, ref;
    build(&g0, c, 0);
    size_t compiled = compiled_count(&g0);
    char helper[900];
    snprintf(helper, sizeof helper, "%s/helper.py", prog);
    struct stat before;
    assert_int_equal(stat(helper, &before), 0);

    /* the modification time alone changes: still a hit (same bytes) */
    struct timespec later[2] = {{.tv_sec = before.st_mtime + 100},
                                {.tv_sec = before.st_mtime + 100}};
    assert_int_equal(utimensat(AT_FDCWD, helper, later, 0), 0);
    size_t hits = pfz_cache_stats_get(c).pyc_hits;
    build(&g1, c, 0);
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, hits + compiled);
    same_bytecode(&g0, &g1);

    /* the content changes, size and time kept: recompiled, as without a cache */
    char edited[sizeof HELPER];
    memcpy(edited, HELPER, sizeof HELPER);
    edited[sizeof HELPER - 3] = '2'; /* X = 2 */
    write_file(helper, edited, sizeof HELPER - 1);
    struct timespec same[2] = {before.st_atim, before.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, helper, same, 0), 0);
    hits = pfz_cache_stats_get(c).pyc_hits;
    build(&g2, c, 0);
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, hits + compiled - 1);
    build(&ref, NULL, 0);
    same_bytecode(&g2, &ref);
    const pfz_module *h0 = module_named(&g0, "helper"), *h2 = module_named(&g2, "helper");
    assert_true(h0->pyc_size != h2->pyc_size || memcmp(h0->pyc, h2->pyc, h0->pyc_size) != 0);
    pfz_graph_free(&g0);
    pfz_graph_free(&g1);
    pfz_graph_free(&g2);
    pfz_graph_free(&ref);
    pfz_cache_close(c);
    write_program();
}

static void test_graph_optimize_levels(void **state)
{
    (void)state;
    write_program();
    pfz_cache *c = fresh_cache();
    pfz_graph o0, o1, o2, o2_warm, ref2;
    build(&o0, c, 0);
    build(&o1, c, 1);
    build(&o2, c, 2);
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, 0); /* each level compiled apart */
    build(&o2_warm, c, 2);
    /* Debian ships no .opt-2 entries: the stdlib goes through the cache at -OO */
    assert_int_equal(pfz_cache_stats_get(c).pyc_hits, compiled_count(&o2));
    build(&ref2, NULL, 2);
    same_bytecode(&o2_warm, &ref2);

    /* -O drops the assert's message; -OO drops the docstring too */
    const pfz_module *m0 = module_named(&o0, "__main__"), *m1 = module_named(&o1, "__main__");
    assert_non_null(memmem(m0->pyc, m0->pyc_size, "helper", 6));
    assert_true(m1->pyc_size < m0->pyc_size);
    const pfz_module *h1 = module_named(&o1, "helper"), *h2 = module_named(&o2, "helper");
    assert_non_null(memmem(h1->pyc, h1->pyc_size, "helper docs", 11));
    assert_null(memmem(h2->pyc, h2->pyc_size, "helper docs", 11));
    pfz_graph_free(&o0);
    pfz_graph_free(&o1);
    pfz_graph_free(&o2);
    pfz_graph_free(&o2_warm);
    pfz_graph_free(&ref2);
    pfz_cache_close(c);
}

/* An entry with a good header and checksum whose marshal data is not a code
 * object is not trusted: the module is compiled and the entry replaced. */
static void test_graph_bad_marshal_rebuilt(void **state)
{
    (void)state;
    write_program();
    pfz_cache *c = fresh_cache();
    pfz_graph ref, g;
    build(&ref, NULL, 0);
    const pfz_module *h = module_named(&ref, "helper");
    uint8_t bad[64];
    uint8_t hash[8];
    memcpy(hash, h->pyc + 8, 8);
    size_t n = fake_pyc(bad, (uint32_t)PyImport_GetMagicNumber(), hash, "\xff not marshal");
    pfz_pyc_key key = {h->origin, "helper.py", (uint32_t)PyImport_GetMagicNumber(), 0};
    struct stat st;
    assert_int_equal(stat(h->origin, &st), 0);
    pfz_cache_pyc_put(c, &key, (uint64_t)st.st_size, bad, n);
    n = fake_pyc(bad, (uint32_t)PyImport_GetMagicNumber(), hash, "N"); /* marshal None */
    build(&g, c, 0);
    same_bytecode(&ref, &g);
    uint8_t *got = NULL;
    size_t got_size = 0;
    assert_int_equal(pfz_cache_pyc_get(c, &key, (uint64_t)st.st_size, hash, &got, &got_size), 1);
    assert_int_equal(got_size, h->pyc_size);
    assert_memory_equal(got, h->pyc, got_size);
    free(got);
    pfz_graph_free(&g);

    /* marshal data that loads, but not as a code object */
    pfz_cache_pyc_put(c, &key, (uint64_t)st.st_size, bad, n);
    build(&g, c, 0);
    same_bytecode(&ref, &g);
    pfz_graph_free(&g);
    pfz_graph_free(&ref);
    pfz_cache_close(c);
}

int main(void)
{
    const struct CMUnitTest entries[] = {
        cmocka_unit_test(test_pyc_hit_and_miss),
        cmocka_unit_test(test_null_cache),
        cmocka_unit_test(test_damaged_entry_ignored_and_rewritten),
    };
    const struct CMUnitTest graph[] = {
        cmocka_unit_test(test_graph_warm_equals_cold),
        cmocka_unit_test(test_graph_source_changes),
        cmocka_unit_test(test_graph_optimize_levels),
        cmocka_unit_test(test_graph_bad_marshal_rebuilt),
    };
    int failed = cmocka_run_group_tests_name("cache entries", entries, setup, teardown);
    failed += cmocka_run_group_tests_name("cache through the graph", graph, py_setup, py_teardown);
    return failed;
}
