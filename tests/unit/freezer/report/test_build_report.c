/* test_build_report.c - the build report and SBOM (build_report.h) of a
 * small graph packed for real, in the embedded interpreter, with a made-up
 * system root: dpkg's database names the Debian package and version of a
 * bundled library, its DEP-5 copyright file its licences, a copyright file
 * that is not machine-readable none; every member is listed with its
 * sizes and why it is there; left-out imports keep their line; the SBOM
 * has CycloneDX 1.5's fields and a deb purl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_report.h"
#include "graph_fixture.h"
#include "layout.h"
#include "payload.h"
#include "python_host.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-build-report")

/* write_at: tmpdir/rel with text, its directories made first. */
static void write_at(const char *rel, const char *text)
{
    char path[600], cmd[700];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(tu_write_file(path, text, strlen(text), 0644), 0);
}

/* A made-up root: libfoo1 owns /usr/lib/x86_64-linux-gnu/libfoo.so.1 (dpkg
 * lists it under /lib, as before merged /usr) with a DEP-5 copyright file;
 * libbar2 owns libbar.so.2 with a copyright file in free form. */
static void make_root(void)
{
    write_at("var/lib/dpkg/info/libfoo1:amd64.list",
             "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libfoo.so.1\n");
    write_at("var/lib/dpkg/info/libbar2.list", "/usr/lib/x86_64-linux-gnu/libbar.so.2\n");
    write_at("var/lib/dpkg/status",
             "Package: libbar2\nStatus: install ok installed\nArchitecture: amd64\n"
             "Version: 2.0-1\n\n"
             "Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\n"
             "Source: foo (1.2-3)\nVersion: 1.2-3+b1\nDescription: foo\n more text\n");
    write_at("usr/share/doc/libfoo1/copyright",
             "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
             "Upstream-Name: foo\n\nFiles: *\nCopyright: 2020 Someone\nLicense: MIT\n\n"
             "Files: contrib/*\nCopyright: 2021 Other\nLicense: BSD-3-Clause\n\n"
             "License: MIT\n Permission is hereby granted...\n");
    write_at("usr/share/doc/libbar2/copyright", "This is libbar, under some licence.\n");
}

/* make: the documents `which` asks for, over the fixture graph packed and
 * two bundled libraries, the program written to output. */
static void make(pfz_build_report *out, unsigned which, const char *output)
{
    graph_fixture f;
    fixture_init(&f);
    f.modules[1].via = "--hidden-import"; /* and still imported at line 3 */
    pfz_buffer payload = {0};
    pf_error err;
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &payload, &err), PF_OK);

    pfz_native_lib libs[2] = {
        {.soname = "libfoo.so.1", .path = "/usr/lib/x86_64-linux-gnu/libfoo.so.1", .size = 10},
        {.soname = "libbar.so.2", .path = "/usr/lib/x86_64-linux-gnu/libbar.so.2", .size = 20},
    };
    pfz_native_files native = {.deps = {.libs = libs, .lib_count = 2}};
    pfz_glibc_floor floor = {.need = {.version = {2, 17, 0}, .symbol = "memcpy"}, .file = "/stub"};
    pfz_report notes = {0};
    pfz_note left = {.kind = PFZ_NOTE_IMPORT_LEFT_OUT,
                     .module = "tomllib",
                     .importer = "__main__",
                     .line = 8,
                     .reason = "under `if TYPE_CHECKING:`, which never runs"};
    assert_int_equal(pfz_report_add(&notes, &left, &err), PF_OK);
    pfz_build_facts facts = {.output = output,
                             .script = "/src/app.py",
                             .stub = "/stub",
                             .graph = &f.g,
                             .native = &native,
                             .floor = &floor,
                             .notes = &notes,
                             .system_root = tmpdir,
                             .payload = payload.data,
                             .payload_size = payload.size};
    int rc = pfz_build_report_make(&facts, which, out, &err);
    if (rc != PF_OK) {
        fail_msg("pfz_build_report_make: %s", err.message);
    }
    pfz_report_free(&notes);
    pfz_buffer_free(&payload);
}

/* has: text holds needle (shown on failure). */
static void has(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        fail_msg("no '%s' in:\n%.3000s", needle, text);
    }
}

static void test_json(void **state)
{
    (void)state;
    pfz_build_report r;
    make(&r, PFZ_REPORT_JSON, "/out/app");
    assert_non_null(r.json);
    assert_null(r.html);
    assert_null(r.sbom);
    assert_int_equal(strlen(r.json), r.json_size);
    has(r.json, "\"schema\": \"pyfreeze-report/1\"");
    /* every packed file with its kind and size (the fixture's .pyc bytes) */
    has(r.json,
        "\"path\": \"lib/app.pyc\",\n   \"kind\": \"module\",\n   \"module\": \"__main__\"");
    has(r.json, "\"path\": \"lib/pkg/__init__.pyc\",\n   \"kind\": \"package\"");
    has(r.json, "\"size\": 40,");
    has(r.json, "\"size\": 30,");
    /* why: the entry point; an import statement with its line and rule */
    has(r.json, "\"pulled_in_by\": {\n    \"rule\": \"entry point\"\n   }");
    has(r.json, "\"import\": \"__main__\",\n    \"file\": \"/src/app.py\",\n    \"line\": 3");
    /* dpkg through /lib, its status with the source version, DEP-5 */
    has(r.json, "\"package\": \"libfoo1\",\n    \"architecture\": \"amd64\",\n"
                "    \"version\": \"1.2-3+b1\",\n    \"source\": \"foo\",\n"
                "    \"source_version\": \"1.2-3\"");
    has(r.json, "\"licence\": [\n    \"MIT\",\n    \"BSD-3-Clause\"\n   ]");
    has(r.json, "\"package\": \"libbar2\"");
    has(r.json, "\"version\": \"2.0-1\"");
    /* left out with its line; the floor */
    has(r.json, "\"name\": \"tomllib\",\n    \"reason\": \"under `if TYPE_CHECKING:`, which "
                "never runs\",\n    \"importer\": \"__main__\",\n    \"file\": \"/src/app.py\",\n"
                "    \"line\": 8");
    has(r.json, "\"version\": \"2.17\",\n  \"symbol\": \"memcpy\"");
    pfz_build_report_free(&r);
    pfz_build_report_free(&r); /* twice, and NULL: nothing */
    pfz_build_report_free(NULL);
}

static void test_sbom_and_html(void **state)
{
    (void)state;
    pfz_build_report r;
    make(&r, PFZ_REPORT_SBOM | PFZ_REPORT_HTML, "/out/app<b>");
    assert_null(r.json);
    assert_non_null(r.sbom);
    assert_non_null(r.html);
    has(r.sbom, "\"bomFormat\": \"CycloneDX\"");
    has(r.sbom, "\"specVersion\": \"1.5\"");
    has(r.sbom, "\"serialNumber\": \"urn:uuid:");
    has(r.sbom, "\"purl\": \"pkg:deb/debian/libfoo1@1.2-3%2Bb1?arch=amd64\"");
    has(r.sbom, "\"purl\": \"pkg:generic/cpython@3.11.2\"");
    has(r.sbom, "\"name\": \"app<b>\"");
    has(r.html, "<!DOCTYPE html>");
    has(r.html, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    has(r.html, "<td>libfoo1</td><td>1.2-3+b1</td><td>MIT, BSD-3-Clause</td>");
    /* names are escaped */
    has(r.html, "build report: app&lt;b&gt;</h1>");
    assert_null(strstr(r.html, "<b>"));
    pfz_build_report_free(&r);
}

static int group_setup(void **state)
{
    pf_error err;
    if (setup(state) != 0 || pfz_python_start(&err) != PF_OK) {
        return -1;
    }
    make_root();
    return 0;
}

static int group_teardown(void **state)
{
    pfz_python_stop();
    return teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_sbom_and_html),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
