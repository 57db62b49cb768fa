/* test_freeze.c - the pipeline driver's steps that need no interpreter:
 * locating the stub, SOURCE_DATE_EPOCH, turning a module graph into a
 * payload (read back with the runtime's reader) and the -v listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "freeze.h"
#include "payload.h"
#include "payload_reader.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-freeze")

static void test_locate_stub(void **state)
{
    (void)state;
    char self[512], beside[512], installed[600], dir[600];
    char *path = NULL;
    pf_error err;
    snprintf(self, sizeof self, "%s/bin/pyfreeze", tmpdir);
    snprintf(beside, sizeof beside, "%s/bin/" PFZ_STUB_NAME, tmpdir);
    snprintf(installed, sizeof installed, "%s/bin/%s/" PFZ_STUB_NAME, tmpdir,
             PYFREEZE_STUB_INSTALL_RELDIR);

    /* nothing anywhere: one message naming both places and the fixes */
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_null(path);
    assert_non_null(strstr(err.message, beside));
    assert_non_null(strstr(err.message, installed));
    assert_non_null(strstr(err.message, "--stub"));

    /* the installed location */
    snprintf(dir, sizeof dir, "%s/bin", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/bin/%s", tmpdir, PYFREEZE_STUB_INSTALL_RELDIR);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(tu_write_file(installed, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);

    /* beside pyfreeze wins over the installed one */
    assert_int_equal(tu_write_file(beside, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);

    /* --stub wins over both, and must exist as a regular file */
    assert_int_equal(pfz_locate_stub(installed, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);
    assert_int_equal(pfz_locate_stub("/nonexistent/stub", 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "/nonexistent/stub"));
    assert_int_equal(pfz_locate_stub(tmpdir, 0, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "not a regular file"));
    /* a directory called pyfreeze-stub beside pyfreeze is skipped */
    unlink(beside);
    assert_int_equal(mkdir(beside, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, installed);
    free(path);
}

/* pie: the position-independent stub is looked for by its own name in the
 * same two places, and the default stub never stands in for it. */
static void test_locate_stub_pie(void **state)
{
    (void)state;
    char self[512], beside[512], beside_pie[512], installed_pie[600], cmd[800];
    char *path = NULL;
    pf_error err;
    snprintf(self, sizeof self, "%s/pie/bin/pyfreeze", tmpdir);
    snprintf(beside, sizeof beside, "%s/pie/bin/" PFZ_STUB_NAME, tmpdir);
    snprintf(beside_pie, sizeof beside_pie, "%s/pie/bin/" PFZ_STUB_PIE_NAME, tmpdir);
    snprintf(installed_pie, sizeof installed_pie, "%s/pie/bin/%s/" PFZ_STUB_PIE_NAME, tmpdir,
             PYFREEZE_STUB_INSTALL_RELDIR);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/pie/bin/%s'", tmpdir, PYFREEZE_STUB_INSTALL_RELDIR);
    assert_int_equal(system(cmd), 0);

    /* only the default stub is there: --pie does not fall back to it */
    assert_int_equal(tu_write_file(beside, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_ERR_NOT_FOUND);
    assert_null(path);
    assert_non_null(strstr(err.message, "--pie"));
    assert_non_null(strstr(err.message, beside_pie));
    assert_non_null(strstr(err.message, installed_pie));
    assert_non_null(strstr(err.message, "build the " PFZ_STUB_PIE_NAME " target"));
    assert_non_null(strstr(err.message, "--stub PATH instead of --pie"));
    assert_null(strchr(err.message, '\n'));

    /* the installed one, then the one beside pyfreeze, which wins */
    assert_int_equal(tu_write_file(installed_pie, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, installed_pie);
    free(path);
    assert_int_equal(tu_write_file(beside_pie, "x", 1, 0755), 0);
    assert_int_equal(pfz_locate_stub(NULL, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, beside_pie);
    free(path);

    /* without pie the default stub is chosen though the PIE one is there */
    assert_int_equal(pfz_locate_stub(NULL, 0, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);

    /* a given stub is used as it is */
    assert_int_equal(pfz_locate_stub(beside, 1, self, &path, &err), PF_OK);
    assert_string_equal(path, beside);
    free(path);
}

static void test_source_date_epoch(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size;
    FILE *diag = open_memstream(&text, &size);
    assert_int_equal(pfz_source_date_epoch(NULL, diag), 0);
    assert_int_equal(pfz_source_date_epoch("", diag), 0);
    assert_int_equal(pfz_source_date_epoch("1700000000", diag), 1700000000);
    assert_int_equal(pfz_source_date_epoch("8589934591", diag), 8589934591LL);
    fflush(diag);
    assert_int_equal(size, 0); /* valid values are not reported */
    assert_int_equal(pfz_source_date_epoch("8589934592", diag), 0);
    assert_int_equal(pfz_source_date_epoch("99999999999999999999999", diag), 0);
    assert_int_equal(pfz_source_date_epoch("-5", diag), 0);
    assert_int_equal(pfz_source_date_epoch("12a", diag), 0);
    fclose(diag);
    assert_non_null(strstr(text, "ignoring SOURCE_DATE_EPOCH='12a'"));
    assert_non_null(strstr(text, "ignoring SOURCE_DATE_EPOCH='-5'"));
    free(text);
}

static const uint8_t magic[4] = {0xa7, 0x0d, 0x0d, 0x0a};

/* A graph as the resolver gives it: a script importing a package, a
 * namespace package, a builtin and a frozen module. */
typedef struct graph_fixture {
    pfz_module modules[5];
    uint8_t pyc_main[40], pyc_pkg[30];
    pfz_graph g;
} graph_fixture;

static void fixture_init(graph_fixture *f)
{
    memset(f, 0, sizeof *f);
    memset(f->pyc_main, 'm', sizeof f->pyc_main);
    memset(f->pyc_pkg, 'p', sizeof f->pyc_pkg);
    memcpy(f->pyc_main, magic, 4);
    memcpy(f->pyc_pkg, magic, 4);
    f->modules[0] = (pfz_module){"__main__",
                                 PFZ_MODULE_SOURCE,
                                 "/src/app.py",
                                 "lib/app.pyc",
                                 f->pyc_main,
                                 sizeof f->pyc_main,
                                 PFZ_NO_IMPORTER,
                                 0,
                                 0,
                                 NULL,
                                 0};
    f->modules[1] = (pfz_module){"pkg",
                                 PFZ_MODULE_PACKAGE,
                                 "/src/pkg/__init__.py",
                                 "lib/pkg/__init__.pyc",
                                 f->pyc_pkg,
                                 sizeof f->pyc_pkg,
                                 0,
                                 3,
                                 0,
                                 NULL,
                                 0};
    f->modules[2] =
        (pfz_module){"pkg.ns", PFZ_MODULE_NAMESPACE, NULL, NULL, NULL, 0, 1, 7, 0, NULL, 0};
    f->modules[3] = (pfz_module){"sys", PFZ_MODULE_BUILTIN, NULL, NULL, NULL, 0, 0, 1, 1, NULL, 0};
    f->modules[4] = (pfz_module){"os", PFZ_MODULE_FROZEN, NULL, NULL, NULL, 0, 0, 2, 1, NULL, 0};
    f->g = (pfz_graph){.modules = f->modules, .count = 5, .capacity = 5};
}

static void test_payload_from_graph(void **state)
{
    (void)state;
    graph_fixture f;
    fixture_init(&f);
    pfz_buffer out = {0};
    pf_error err;
    if (pfz_payload_from_graph(&f.g, magic, 0, &out, &err) != PF_OK)
        fail_msg("%s", err.message);
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    const pf_index *index = pf_payload_index(p);
    /* 2 files, 4 modules (__main__, its own name "app", pkg, pkg.ns): no sys, no os */
    assert_int_equal(index->entry_count, 6);
    assert_memory_equal(index->python_magic, magic, 4);
    assert_int_equal(index->flags, 0);
    pf_entry e;
    pf_index_entry(index, index->main_entry, &e);
    assert_int_equal(e.kind, PF_KIND_MODULE);
    assert_memory_equal(e.name, "__main__", e.name_size);
    uint32_t main_member = e.member;
    /* the script is importable as "app" too, from the same member */
    assert_true(pf_index_find(index, "app", 3, &e));
    assert_int_equal(e.kind, PF_KIND_MODULE);
    assert_int_equal(e.member, main_member);
    assert_true(pf_index_find(index, "pkg", 3, &e));
    assert_int_equal(e.kind, PF_KIND_PACKAGE);
    pf_entry file;
    pf_index_entry(index, e.member, &file);
    const uint8_t *data;
    size_t size;
    assert_int_equal(pf_payload_read(p, &file, &data, &size, &err), PF_OK);
    assert_int_equal(size, sizeof f.pyc_pkg);
    assert_memory_equal(data, f.pyc_pkg, size);
    assert_true(pf_index_find(index, "pkg.ns", 6, &e));
    assert_int_equal(e.kind, PF_KIND_NAMESPACE);
    assert_false(pf_index_find(index, "sys", 3, &e));
    assert_false(pf_index_find(index, "os", 2, &e));
    pf_payload_close(p);
    pfz_buffer_free(&out);

    /* -m: the flag reaches the index */
    f.g.main = 1;
    f.g.main_flags = PF_INDEX_FLAG_MAIN_IS_MODULE;
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_OK);
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    assert_int_equal(pf_payload_index(p)->flags, PF_INDEX_FLAG_MAIN_IS_MODULE);
    pf_payload_close(p);
    pfz_buffer_free(&out);
}

static void test_payload_from_graph_errors(void **state)
{
    (void)state;
    graph_fixture f;
    pfz_buffer out = {0};
    pf_error err;
    fixture_init(&f);
    f.g.main = 3; /* a builtin cannot be the program */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "'sys'"));
    f.g.main = 2; /* nor a namespace package */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    fixture_init(&f);
    f.pyc_pkg[0] ^= 1; /* bytecode of another python */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "'pkg'"));
    fixture_init(&f);
    f.modules[0].pyc_size = 8; /* shorter than a .pyc header */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_int_equal(out.size, 0);
}

static void test_print_graph(void **state)
{
    (void)state;
    graph_fixture f;
    fixture_init(&f);
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    pfz_print_graph(&f.g, "/src/app.py", out);
    fclose(out);
    assert_string_equal(text, "app                            (entry point)\n"
                              "pkg                            <- app (app.py:3)\n"
                              "pkg.ns                         <- pkg (pkg/__init__.py:7)\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate_stub),
        cmocka_unit_test(test_locate_stub_pie),
        cmocka_unit_test(test_source_date_epoch),
        cmocka_unit_test(test_payload_from_graph),
        cmocka_unit_test(test_payload_from_graph_errors),
        cmocka_unit_test(test_print_graph),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
