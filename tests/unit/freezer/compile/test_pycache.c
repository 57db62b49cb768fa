/* test_resolve_pycache.c - taking an installed module's bytecode from the
 * .pyc CPython wrote for it (freezer/compile/pycache.c) instead of compiling:
 * where the entry is, when it is still good (the rules of
 * importlib._bootstrap_external), when it is not trusted, and, through the
 * resolver, that an installed module's packed code comes from a valid entry
 * while the program's own modules are always compiled. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <marshal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module_graph.h"
#include "pycache.h"

#define MAGIC 0x0a0d0da7u /* 3.11's .pyc magic number, read little-endian */
#define TAG "cpython-311"

static const uint8_t HASH[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* put_pyc: writes a .pyc (16-byte header then body) to path. */
static void put_pyc(const char *path, uint32_t magic, uint32_t flags, uint32_t w2, uint32_t w3,
                    const void *body, size_t bodySize)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint32_t words[4] = {magic, flags, w2, w3};
    for (int i = 0; i < 4; i++) {
        uint8_t le[4] = {(uint8_t)words[i], (uint8_t)(words[i] >> 8), (uint8_t)(words[i] >> 16),
                         (uint8_t)(words[i] >> 24)};
        assert_int_equal(fwrite(le, 1, 4, f), 4);
    }
    assert_int_equal(fwrite(body, 1, bodySize, f), bodySize);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0644), 0);
}

static void test_path(void **state)
{
    (void)state;
    char p[256];
    assert_int_equal(pfz_pycache_path(p, sizeof p, "/usr/lib/python3.11/json/__init__.py", TAG, 0),
                     0);
    assert_string_equal(p, "/usr/lib/python3.11/json/__pycache__/__init__.cpython-311.pyc");
    assert_int_equal(pfz_pycache_path(p, sizeof p, "/a/m.py", TAG, 2), 0);
    assert_string_equal(p, "/a/__pycache__/m.cpython-311.opt-2.pyc");
    assert_int_equal(pfz_pycache_path(p, sizeof p, "m.py", TAG, 1), 0);
    assert_string_equal(p, "__pycache__/m.cpython-311.opt-1.pyc");
    assert_int_equal(pfz_pycache_path(p, sizeof p, "/a/data.txt", TAG, 0), -1);
    assert_int_equal(pfz_pycache_path(p, 20, "/a/m.py", TAG, 0), -1); /* does not fit */
}

/* read_case: what pfz_pycache_read says for src with the entry as it is. */
static int read_case(const pfz_pycache_source *src, int optimize)
{
    uint8_t *data = NULL;
    size_t size = 0;
    int hit = pfz_pycache_read(src, MAGIC, TAG, optimize, &data, &size);
    if (hit) {
        assert_int_equal(size, 4);
        assert_memory_equal(data, "BODY", 4);
    } else {
        assert_null(data);
    }
    free(data);
    return hit;
}

static void test_validity(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "m.py", "X = 1\n", (size_t)-1);
    rt_write(dir, "__pycache__/keep", "", 0);
    char py[4096], pyc[4200], opt[4200];
    snprintf(py, sizeof py, "%s/m.py", dir);
    snprintf(pyc, sizeof pyc, "%s/__pycache__/m." TAG ".pyc", dir);
    snprintf(opt, sizeof opt, "%s/__pycache__/m." TAG ".opt-1.pyc", dir);
    pfz_pycache_source src = {py, 6, 1700000000, HASH};

    assert_false(read_case(&src, 0)); /* no entry */
    put_pyc(pyc, MAGIC, 0, 1700000000u, 6, "BODY", 4);
    assert_true(read_case(&src, 0));
    assert_false(read_case(&src, 1)); /* -O looks for the .opt-1 entry */
    put_pyc(opt, MAGIC, 0, 1700000000u, 6, "BODY", 4);
    assert_true(read_case(&src, 1));

    /* timestamp entries: time and size are the source's, mod 2**32 */
    put_pyc(pyc, MAGIC, 0, 1700000001u, 6, "BODY", 4);
    assert_false(read_case(&src, 0));
    put_pyc(pyc, MAGIC, 0, 1700000000u, 7, "BODY", 4);
    assert_false(read_case(&src, 0));
    pfz_pycache_source big = {py, 6 + (1ull << 32), 1700000000 + (1ll << 32), HASH};
    put_pyc(pyc, MAGIC, 0, 1700000000u, 6, "BODY", 4);
    assert_true(read_case(&big, 0));
    /* another Python's bytecode, or flags CPython does not know */
    put_pyc(pyc, MAGIC + 1, 0, 1700000000u, 6, "BODY", 4);
    assert_false(read_case(&src, 0));
    put_pyc(pyc, MAGIC, 4, 1700000000u, 6, "BODY", 4);
    assert_false(read_case(&src, 0));

    /* hash-based entries: the hash must match, checked or not (PEP 552) */
    uint32_t h0 = 0x04030201u, h1 = 0x08070605u;
    put_pyc(pyc, MAGIC, 3, h0, h1, "BODY", 4);
    assert_true(read_case(&src, 0));
    put_pyc(pyc, MAGIC, 1, h0, h1, "BODY", 4);
    assert_true(read_case(&src, 0));
    put_pyc(pyc, MAGIC, 1, h0, h1 + 1, "BODY", 4);
    assert_false(read_case(&src, 0));
    put_pyc(pyc, MAGIC, 3, h0 + 1, h1, "BODY", 4);
    assert_false(read_case(&src, 0));

    /* not trusted: writable by others, or a symbolic link; short */
    put_pyc(pyc, MAGIC, 0, 1700000000u, 6, "BODY", 4);
    assert_int_equal(chmod(pyc, 0664), 0);
    assert_false(read_case(&src, 0));
    assert_int_equal(chmod(pyc, 0646), 0);
    assert_false(read_case(&src, 0));
    assert_int_equal(chmod(pyc, 0644), 0);
    char moved[4300];
    snprintf(moved, sizeof moved, "%s.real", pyc);
    assert_int_equal(rename(pyc, moved), 0);
    assert_int_equal(symlink(moved, pyc), 0);
    assert_false(read_case(&src, 0));
    assert_int_equal(unlink(pyc), 0);
    rt_write(dir, "__pycache__/m." TAG ".pyc", "short", (size_t)-1);
    assert_int_equal(chmod(pyc, 0644), 0);
    assert_false(read_case(&src, 0));
    rt_rmtree(dir);
}

/* A graph over a program whose module `inst` is installed (under a
 * site-packages directory) and whose module `own` sits beside it. Both .py
 * files say X = 'AAAA'; the .pyc written for each says X = 'BBBB' with a
 * header that matches the source, which python3 would trust too. */
typedef struct fixture {
    char *dir;
    char script[4096], app[4096], site[4096];
    pfz_graph g;
} fixture;

static void forge_pyc(const char *dir, const char *rel_py, const char *rel_pyc, mode_t mode,
                      int stale)
{
    char py[4096], pyc[4200];
    snprintf(py, sizeof py, "%s/%s", dir, rel_py);
    snprintf(pyc, sizeof pyc, "%s/%s", dir, rel_pyc);
    struct stat st;
    assert_int_equal(stat(py, &st), 0);
    PyObject *code = rt_compile("X = 'BBBB'\n", "forged.py");
    PyObject *data = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
    assert_non_null(data);
    put_pyc(pyc, (uint32_t)PyImport_GetMagicNumber(), 0, (uint32_t)st.st_mtime + (stale != 0),
            (uint32_t)st.st_size, PyBytes_AS_STRING(data), (size_t)PyBytes_GET_SIZE(data));
    assert_int_equal(chmod(pyc, mode), 0);
    Py_DECREF(data);
    Py_DECREF(code);
}

static void build(fixture *f, mode_t inst_mode, int stale)
{
    memset(f, 0, sizeof *f);
    f->dir = rt_mkdtemp();
    rt_write(f->dir, "app/app.py", "import inst\nimport own\n", (size_t)-1);
    rt_write(f->dir, "app/own.py", "X = 'AAAA'\n", (size_t)-1);
    rt_write(f->dir, "app/__pycache__/keep", "", 0);
    rt_write(f->dir, "lib/site-packages/inst.py", "X = 'AAAA'\n", (size_t)-1);
    rt_write(f->dir, "lib/site-packages/__pycache__/keep", "", 0);
    forge_pyc(f->dir, "app/own.py", "app/__pycache__/own." TAG ".pyc", 0644, 0);
    forge_pyc(f->dir, "lib/site-packages/inst.py", "lib/site-packages/__pycache__/inst." TAG ".pyc",
              inst_mode, stale);
    snprintf(f->script, sizeof f->script, "%s/app/app.py", f->dir);
    snprintf(f->app, sizeof f->app, "%s/app", f->dir);
    snprintf(f->site, sizeof f->site, "%s/lib/site-packages", f->dir);
    const char *paths[2] = {f->app, f->site};
    pfz_resolve_options opts = {.script = f->script, .paths = paths, .path_count = 2};
    pf_error err = {0};
    int rc = pfz_graph_build(&f->g, &opts, &err);
    if (rc != PF_OK) {
        fprintf(stderr, "build failed: %s\n", err.message);
    }
    assert_int_equal(rc, PF_OK);
}

static void done(fixture *f)
{
    pfz_graph_free(&f->g);
    rt_rmtree(f->dir);
}

/* packed_x: the string module `name`'s packed code assigns to X, with the
 * co_filename it carries checked: the payload name, never the .pyc's. */
static const char *packed_x(const fixture *f, const char *name, const char *filename)
{
    for (size_t i = 0; i < f->g.count; i++) {
        const pfz_module *m = &f->g.modules[i];
        if (strcmp(m->name, name) != 0) {
            continue;
        }
        assert_non_null(m->pyc);
        PyObject *code =
            PyMarshal_ReadObjectFromString((const char *)m->pyc + 16, (Py_ssize_t)m->pyc_size - 16);
        assert_non_null(code);
        PyObject *fn = PyObject_GetAttrString(code, "co_filename");
        assert_string_equal(PyUnicode_AsUTF8(fn), filename);
        Py_DECREF(fn);
        PyObject *consts = PyObject_GetAttrString(code, "co_consts");
        const char *x = NULL;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(consts); k++) {
            PyObject *c = PyTuple_GET_ITEM(consts, k);
            if (PyUnicode_Check(c) && PyUnicode_GET_LENGTH(c) == 4) {
                x = strcmp(PyUnicode_AsUTF8(c), "AAAA") == 0 ? "AAAA" : "BBBB";
            }
        }
        Py_DECREF(consts);
        Py_DECREF(code);
        return x;
    }
    fail_msg("module %s not in the graph", name);
    return NULL;
}

static void test_graph_takes_installed_pyc(void **state)
{
    (void)state;
    fixture f;
    build(&f, 0644, 0);
    assert_string_equal(packed_x(&f, "inst", "inst.py"), "BBBB"); /* the valid entry */
    assert_string_equal(packed_x(&f, "own", "own.py"), "AAAA");   /* the program's: compiled */
    done(&f);
}

static void test_graph_ignores_stale_or_untrusted_pyc(void **state)
{
    (void)state;
    fixture f;
    build(&f, 0644, 1);
    assert_string_equal(packed_x(&f, "inst", "inst.py"), "AAAA");
    done(&f);
    build(&f, 0666, 0);
    assert_string_equal(packed_x(&f, "inst", "inst.py"), "AAAA");
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_graph_takes_installed_pyc),
        cmocka_unit_test(test_graph_ignores_stale_or_untrusted_pyc),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
