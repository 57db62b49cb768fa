/* test_depfile.c - the --depfile rule (freezer/cli/depfile.c): the files
 * of a graph and of the bundled libraries, make's escapes, a path with a
 * newline refused, a file that cannot be written, no temporary left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depfile.h"
#include "freezer/test_util.h"

TU_TMPDIR_FIXTURE("pf-test-depfile")

/* entries: the number of entries in tmpdir (not . or ..). */
static int entries(void)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

/* read_text: the file's bytes as a malloc'd string. */
static char *read_text(const char *path)
{
    size_t size;
    uint8_t *bytes = tu_read_file(path, &size);
    assert_non_null(bytes);
    char *text = realloc(bytes, size + 1);
    assert_non_null(text);
    text[size] = '\0';
    return text;
}

static void test_graph_libraries_and_escapes(void **state)
{
    (void)state;
    pfz_module modules[3];
    memset(modules, 0, sizeof modules);
    modules[0].origin = "/src/my app.py";
    modules[1].origin = NULL; /* a built-in module: no file */
    modules[2].origin = "/src/pkg/#odd$name.py";
    pfz_data_file data = {.origin = "/src/data/x.json"};
    pfz_graph g;
    memset(&g, 0, sizeof g);
    g.modules = modules;
    g.count = 3;
    g.data = &data;
    g.data_count = 1;
    pfz_native_lib lib = {.soname = "libz.so.1", .path = "/usr/lib/libz.so.1.2"};
    pfz_native_files native;
    memset(&native, 0, sizeof native);
    native.deps.libs = &lib;
    native.deps.lib_count = 1;

    pfz_strlist deps = {0};
    pf_error err;
    assert_int_equal(pfz_depfile_add_graph(&deps, &g, &err), PF_OK);
    assert_int_equal(pfz_depfile_add_native(&deps, &native, &err), PF_OK);
    assert_int_equal(deps.count, 4);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/app.d", tmpdir);
    assert_int_equal(pfz_depfile_write(path, "out dir/app", &deps, &err), PF_OK);
    char *text = read_text(path);
    assert_string_equal(text, "out\\ dir/app: \\\n"
                              "  /src/my\\ app.py \\\n"
                              "  /src/pkg/\\#odd$$name.py \\\n"
                              "  /src/data/x.json \\\n"
                              "  /usr/lib/libz.so.1.2\n");
    free(text);
    assert_int_equal(entries(), 1); /* no temporary file left */

    /* a newline cannot be written in a rule: refused, the old file kept */
    assert_int_equal(pfz_strlist_push(&deps, "/src/a\nb.py", 11, &err), PF_OK);
    assert_int_equal(pfz_depfile_write(path, "app", &deps, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "newline"));
    text = read_text(path);
    assert_non_null(strstr(text, "out\\ dir/app:"));
    free(text);

    /* a directory that does not exist: PF_ERR_IO naming the file */
    snprintf(path, sizeof path, "%s/missing/app.d", tmpdir);
    free(deps.items[--deps.count]); /* drop the path with a newline */
    assert_int_equal(pfz_depfile_write(path, "app", &deps, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(entries(), 1);
    pfz_strlist_free(&deps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_libraries_and_escapes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
