/* test_thirdparty_resolve.c - the resolver's third-party rules
 * (third_party_collect.c, third_party.c) over a temporary site
 * directory: a distribution the program imports is packed whole with its
 * metadata and data, a package without metadata is tree-shaken but keeps
 * its data, --exclude-module, --hidden-import, --collect, --add-data, and
 * build tools reached only from collected modules are not followed, and a
 * wheel's data installed under the site directory's prefix, and the
 * distributions' metadata in the order python3.11 finds them. */
#include "resolve_test_util.h"
#include "graph_probe.h"
#include "render_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_graph.h"

static const struct {
    const char *rel, *text;
} TREE[] = {
    {"app.py", "import plugpkg\nimport localpkg\ndef later():\n    import thirddist\n"},
    {"site/plugpkg/__init__.py", "from . import core\n"},
    {"site/plugpkg/core.py", "X = 1\ndef f():\n    import otherdist\n    import json\n"},
    {"site/plugpkg/plugins/__init__.py", ""},
    {"site/plugpkg/plugins/alpha.py", "import csv\n"},       /* never imported by name */
    {"site/plugpkg/plugins/beta.py", "import setuptools\n"}, /* a build tool */
    /* never imported by name: its optional imports are held back */
    {"site/plugpkg/plugins/gamma.py", "try:\n    import sndhdr\nexcept ImportError:\n    sndhdr = "
                                      "None\ndef f():\n    import wave\n"},
    {"site/plugpkg/tests/__init__.py", ""},
    {"site/plugpkg/tests/test_core.py", "import pytest\n"},
    {"site/plugpkg/data/table.json", "{}\n"},
    {"site/plugpkg/data/deep/more.txt", "more\n"},
    {"site/plugpkg/py.typed", ""},
    {"site/plugpkg-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: plugpkg\nVersion: 2.0\n"},
    {"site/plugpkg-2.0.dist-info/top_level.txt", "plugpkg\n"},
    {"site/localpkg/__init__.py", "from . import used\n"},
    {"site/localpkg/used.py", ""},
    {"site/localpkg/unused.py", ""},
    {"site/localpkg/res/icon.txt", "icon\n"},
    {"extra/notes/a.txt", "a\n"},
    {"site/otherdist/__init__.py", ""},
    {"site/otherdist-1.0.dist-info/METADATA",
     "Metadata-Version: 2.1\nName: otherdist\nVersion: 1.0\n"},
    {"site/otherdist-1.0.dist-info/top_level.txt", "otherdist\n"},
    {"site/thirddist/__init__.py", ""},
    {"site/thirddist-1.0.dist-info/METADATA",
     "Metadata-Version: 2.1\nName: thirddist\nVersion: 1.0\n"},
    {"site/thirddist-1.0.dist-info/top_level.txt", "thirddist\n"},
    /* a data directory holding a script but no __init__.py (test_zoneinfo/data) */
    {"site/localpkg/fixtures/data.json", "{}\n"},
    {"site/localpkg/fixtures/regen.py", ""},
};

typedef struct fixture {
    char *dir;
    char script[4096], site[4096], add[4200];
    pfz_graph g;
    pfz_report report; /* the records the build returns */
    char *diag;        /* what the command prints for them without -v */
    pfz_resolve_options opts;
    const char *paths[1];
    const char *list[1];
} fixture;

static void begin(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->dir = rt_mkdtemp();
    for (size_t i = 0; i < sizeof TREE / sizeof TREE[0]; i++) {
        rt_write(f->dir, TREE[i].rel, TREE[i].text, (size_t)-1);
    }
    snprintf(f->script, sizeof f->script, "%s/app.py", f->dir);
    snprintf(f->site, sizeof f->site, "%s/site", f->dir);
    f->paths[0] = f->site;
    f->opts = (pfz_resolve_options){
        .script = f->script, .paths = f->paths, .path_count = 1, .report = &f->report};
}

static void end(fixture *f)
{
    pfz_graph_free(&f->g);
    pfz_report_free(&f->report);
    free(f->diag);
    rt_rmtree(f->dir);
}

static const pfz_data_file *data_file(const pfz_graph *g, const char *member)
{
    for (size_t i = 0; i < g->data_count; i++) {
        if (strcmp(g->data[i].member_path, member) == 0) {
            return &g->data[i];
        }
    }
    return NULL;
}

static void build(fixture *f)
{
    pf_error err = {0};
    int rc = pfz_graph_build(&f->g, &f->opts, &err);
    free(f->diag);
    f->diag = rt_render_notes(&f->report, 0);
    if (rc != PF_OK) {
        fprintf(stderr, "build failed: %s\n%s", err.message, f->diag ? f->diag : "");
    }
    assert_int_equal(rc, PF_OK);
}

static void test_distribution_packed_whole(void **state)
{
    (void)state;
    fixture f;
    begin(&f);
    build(&f);
    /* packed whole: modules nothing imports, but not its tests */
    assert_true(rt_has_module(&f.g, "plugpkg.plugins.alpha"));
    assert_true(rt_has_module(&f.g, "plugpkg.plugins.beta"));
    assert_false(rt_has_module(&f.g, "plugpkg.tests"));
    assert_false(rt_has_module(&f.g, "plugpkg.tests.test_core"));
    /* a module only the rule packed pulls in the stdlib it imports
     * (alpha's csv: a plugin imported by name needs it) but no other
     * distribution; build tools from collected modules are not followed */
    assert_true(rt_has_module(&f.g, "csv"));
    assert_false(rt_has_module(&f.g, "setuptools"));
    /* a function of a module the program runs: the stdlib is followed,
     * another distribution is not; the program's own function-level
     * import of a distribution is */
    assert_true(rt_has_module(&f.g, "json"));
    assert_false(rt_has_module(&f.g, "otherdist"));
    assert_true(rt_has_module(&f.g, "thirddist"));
    int noted = 0;
    for (size_t i = 0; i < f.report.note_count; i++) {
        const pfz_note *n = &f.report.notes[i];
        if (n->kind == PFZ_NOTE_IMPORT_LEFT_OUT && n->verbose_only &&
            strcmp(n->module, "otherdist") == 0 && strcmp(n->importer, "plugpkg.core") == 0 &&
            n->line == 3 && strstr(n->reason, "distribution otherdist") != NULL) {
            noted++;
        }
        if (n->kind == PFZ_NOTE_IMPORT_LEFT_OUT && strcmp(n->module, "csv") == 0) {
            noted += 10; /* the stdlib is not left out */
        }
    }
    assert_int_equal(noted, 1);
    /* a module only the rule packed: its optional imports (a try body, a
     * function) are held back and recorded, since nothing that surely runs
     * reaches it */
    assert_false(rt_has_module(&f.g, "sndhdr"));
    assert_false(rt_has_module(&f.g, "wave"));
    int held = 0;
    for (size_t i = 0; i < f.report.note_count; i++) {
        const pfz_note *n = &f.report.notes[i];
        held += n->kind == PFZ_NOTE_IMPORT_LEFT_OUT && n->verbose_only &&
                strcmp(n->importer, "plugpkg.plugins.gamma") == 0 &&
                (strcmp(n->module, "sndhdr") == 0 || strcmp(n->module, "wave") == 0) &&
                strstr(n->reason, "which only modules packed whole") != NULL;
    }
    assert_int_equal(held, 2);
    /* metadata and data, at the installed tree's paths */
    const pfz_data_file *meta = data_file(&f.g, "lib/plugpkg-2.0.dist-info/METADATA");
    assert_non_null(meta);
    assert_int_equal(meta->size, strlen(TREE[12].text));
    assert_memory_equal(meta->data, TREE[12].text, meta->size);
    assert_non_null(data_file(&f.g, "lib/plugpkg/data/table.json"));
    assert_non_null(data_file(&f.g, "lib/plugpkg/data/deep/more.txt"));
    assert_non_null(data_file(&f.g, "lib/plugpkg/py.typed"));
    assert_null(data_file(&f.g, "lib/plugpkg/tests/test_core.py"));
    /* no distribution: tree-shaken, but its data files are packed */
    assert_true(rt_has_module(&f.g, "localpkg.used"));
    assert_false(rt_has_module(&f.g, "localpkg.unused"));
    assert_non_null(data_file(&f.g, "lib/localpkg/res/icon.txt"));
    assert_null(data_file(&f.g, "lib/localpkg/unused.py"));
    assert_non_null(data_file(&f.g, "lib/localpkg/fixtures/data.json"));
    assert_null(data_file(&f.g, "lib/localpkg/fixtures/regen.py"));
    /* no warning for the unimported plugin's missing imports */
    assert_null(f.diag != NULL ? strstr(f.diag, "pytest") : NULL);
    /* the -v record of the distribution packed whole */
    const pfz_note *dist = NULL;
    for (size_t i = 0; i < f.report.note_count; i++) {
        if (f.report.notes[i].kind == PFZ_NOTE_DISTRIBUTION_PACKED &&
            strcmp(f.report.notes[i].distribution, "thirddist") != 0) {
            dist = &f.report.notes[i];
        }
    }
    assert_non_null(dist);
    assert_true(dist->verbose_only);
    assert_string_equal(dist->distribution, "plugpkg");
    assert_string_equal(dist->version, "2.0");
    assert_string_equal(dist->file, "plugpkg-2.0.dist-info");
    assert_string_equal(dist->module, "plugpkg");
    assert_true(dist->count[0] > 0);
    end(&f);
}

/* --follow-all-imports: nothing is left out */
static void test_follow_all_imports(void **state)
{
    (void)state;
    fixture f;
    begin(&f);
    f.opts.follow_all_imports = 1;
    build(&f);
    assert_true(rt_has_module(&f.g, "otherdist"));
    assert_true(rt_has_module(&f.g, "csv"));
    assert_true(rt_has_module(&f.g, "sndhdr"));
    assert_true(rt_has_module(&f.g, "wave"));
    for (size_t i = 0; i < f.report.note_count; i++) {
        assert_int_not_equal(f.report.notes[i].kind, PFZ_NOTE_IMPORT_LEFT_OUT);
    }
    end(&f);
}

static void test_options(void **state)
{
    (void)state;
    fixture f;
    begin(&f);
    const char *excludes[] = {"plugpkg.plugins"};
    const char *hidden[] = {"localpkg.unused"};
    const char *collects[] = {"plugpkg"};
    snprintf(f.add, sizeof f.add, "%s/extra/notes:docs/notes", f.dir);
    const char *add[] = {f.add};
    f.opts.excludes = excludes;
    f.opts.exclude_count = 1;
    f.opts.hidden_imports = hidden;
    f.opts.hidden_import_count = 1;
    f.opts.add_data = add;
    f.opts.add_data_count = 1;
    build(&f);
    assert_false(rt_has_module(&f.g, "plugpkg.plugins"));
    assert_false(rt_has_module(&f.g, "plugpkg.plugins.alpha"));
    assert_true(rt_has_module(&f.g, "localpkg.unused"));
    const pfz_data_file *note = data_file(&f.g, "lib/docs/notes/a.txt");
    assert_non_null(note);
    assert_int_equal(note->size, 2);
    end(&f);

    begin(&f);
    f.opts.collects = collects;
    f.opts.collect_count = 1;
    build(&f);
    assert_true(rt_has_module(&f.g, "plugpkg.tests.test_core")); /* --collect: tests too */
    end(&f);
}

/* test_metadata_order: the metadata of the packed distributions comes in
 * the order python3.11 finds them (the site directory's readdir order, as
 * os.listdir gives it), not in the order the resolver reached them. */
static void test_metadata_order(void **state)
{
    (void)state;
    fixture f;
    begin(&f);
    const char *hidden[] = {"otherdist", "thirddist"};
    f.opts.hidden_imports = hidden;
    f.opts.hidden_import_count = 2;
    build(&f);
    char packed[3][NAME_MAX + 1], listed[3][NAME_MAX + 1];
    size_t npacked = 0, nlisted = 0;
    for (size_t i = 0; i < f.g.data_count && npacked < 3; i++) {
        const char *m = f.g.data[i].member_path + strlen("lib/");
        const char *slash = strchr(m, '/');
        size_t len = slash != NULL ? (size_t)(slash - m) : strlen(m);
        if (len > 10 && memcmp(m + len - 10, ".dist-info", 10) == 0 &&
            (npacked == 0 || strncmp(packed[npacked - 1], m, len) != 0 ||
             packed[npacked - 1][len] != '\0')) {
            snprintf(packed[npacked++], sizeof packed[0], "%.*s", (int)len, m);
        }
    }
    DIR *d = opendir(f.site);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL && nlisted < 3;) {
        size_t len = strlen(e->d_name);
        if (len > 10 && strcmp(e->d_name + len - 10, ".dist-info") == 0) {
            snprintf(listed[nlisted++], sizeof listed[0], "%s", e->d_name);
        }
    }
    closedir(d);
    assert_int_equal(npacked, 3);
    assert_int_equal(nlisted, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(packed[i], listed[i]);
    }
    end(&f);
}

static void test_errors(void **state)
{
    (void)state;
    fixture f;
    begin(&f);
    const char *hidden[] = {"no_such_module_q"};
    f.opts.hidden_imports = hidden;
    f.opts.hidden_import_count = 1;
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "--hidden-import no_such_module_q"));
    end(&f);

    begin(&f);
    const char *add[] = {"/no/such/file:x"};
    f.opts.add_data = add;
    f.opts.add_data_count = 1;
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "/no/such/file is not a file or directory"));
    end(&f);

    begin(&f);
    f.opts.venv = f.site; /* no pyvenv.cfg */
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "is not a python3.11 virtual environment"));
    end(&f);
}

/* A wheel's <name>.data/data files, which pip installs under the prefix of
 * the site directory (<prefix>/lib/python3.11/site-packages), are packed at
 * their path from the prefix (seen at sys.prefix/... frozen); its scripts
 * (bin/), headers (include/) and anything outside the prefix are not; a
 * site directory of no install scheme's shape has no prefix, so nothing
 * outside it is packed. */
static void test_prefix_data(void **state)
{
    (void)state;
    static const struct {
        const char *rel, *text;
    } files[] = {
        {"app.py", "import probe\nimport plain\n"},
        {"pfx/lib/python3.11/site-packages/probe/__init__.py", ""},
        {"pfx/lib/python3.11/site-packages/probe-1.0.dist-info/METADATA",
         "Metadata-Version: 2.1\nName: probe\nVersion: 1.0\n"},
        {"pfx/lib/python3.11/site-packages/probe-1.0.dist-info/RECORD",
         "probe/__init__.py,,\nprobe-1.0.dist-info/METADATA,,\n"
         "../../../share/probe/a.txt,sha256=x,2\n\"../../../share/probe/b,c.txt\",,\n"
         "../../../etc/probe/c.conf,,\n../../../bin/probe-tool,,\n"
         "../../../include/site/python3.11/probe/p.h,,\n../../../../outside.txt,,\n"
         "../../../share/probe/gone.txt,,\n"},
        {"pfx/share/probe/a.txt", "a\n"},
        {"pfx/share/probe/b,c.txt", "b\n"},
        {"pfx/etc/probe/c.conf", "c\n"},
        {"pfx/bin/probe-tool", "#!/bin/sh\n"},
        {"pfx/include/site/python3.11/probe/p.h", "\n"},
        {"outside.txt", "o\n"},
        {"flat/plain/__init__.py", ""},
        {"flat/plain-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: plain\nVersion: 1.0\n"},
        {"flat/plain-1.0.dist-info/RECORD", "plain/__init__.py,,\n../share/plain/d.txt,,\n"},
        {"share/plain/d.txt", "d\n"},
    };
    fixture f;
    memset(&f, 0, sizeof f);
    f.dir = rt_mkdtemp();
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        rt_write(f.dir, files[i].rel, files[i].text, (size_t)-1);
    }
    char flat[4200];
    snprintf(f.script, sizeof f.script, "%s/app.py", f.dir);
    snprintf(f.site, sizeof f.site, "%s/pfx/lib/python3.11/site-packages", f.dir);
    snprintf(flat, sizeof flat, "%s/flat", f.dir);
    const char *paths[] = {f.site, flat};
    f.opts = (pfz_resolve_options){
        .script = f.script, .paths = paths, .path_count = 2, .report = &f.report};
    build(&f);
    const pfz_data_file *a = data_file(&f.g, "lib/share/probe/a.txt");
    assert_non_null(a);
    assert_int_equal(a->size, 2);
    assert_memory_equal(a->data, "a\n", 2);
    assert_non_null(data_file(&f.g, "lib/share/probe/b,c.txt")); /* a quoted CSV field */
    assert_non_null(data_file(&f.g, "lib/etc/probe/c.conf"));
    assert_non_null(data_file(&f.g, "lib/probe-1.0.dist-info/RECORD"));
    size_t outside = 0;
    for (size_t i = 0; i < f.g.data_count; i++) {
        const char *m = f.g.data[i].member_path;
        outside += strstr(m, "probe-tool") != NULL || strstr(m, "p.h") != NULL ||
                   strstr(m, "outside") != NULL || strstr(m, "gone") != NULL ||
                   strstr(m, "d.txt") != NULL;
    }
    assert_int_equal(outside, 0);
    end(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distribution_packed_whole),
        cmocka_unit_test(test_follow_all_imports),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_metadata_order),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prefix_data),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
