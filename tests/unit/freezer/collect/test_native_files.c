/* test_native_files.c - extension modules and their shared libraries in the
 * payload: member paths, kinds, bytes and tar modes, read back with the
 * runtime's reader and with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include "freeze.h"
#include "listing.h"
#include "freezer/test_util.h"
#include "native_files.h"
#include "option_docs.h"
#include "payload.h"
#include "payload_reader.h"

#define LIB_DYNLOAD "/usr/lib/python3.11/lib-dynload/"
#define SSL_NAME "_ssl.cpython-311-x86_64-linux-gnu.so"
#define JSON_NAME "_json.cpython-311-x86_64-linux-gnu.so"
#define BZ2_NAME "_bz2.cpython-311-x86_64-linux-gnu.so"

static const uint8_t magic[4] = {0xa7, 0x0d, 0x0d, 0x0a};

static void test_member_path(void **state)
{
    (void)state;
    char *p = NULL;
    pf_error err;
    assert_int_equal(pfz_extension_member_path("_json", LIB_DYNLOAD JSON_NAME, &p, &err), PF_OK);
    assert_string_equal(p, "lib/" JSON_NAME);
    free(p);
    assert_int_equal(pfz_extension_member_path("numpy.core._multiarray_umath",
                                               "/x/numpy/core/_multiarray_umath.cpython-311-"
                                               "x86_64-linux-gnu.so",
                                               &p, &err),
                     PF_OK);
    assert_string_equal(p, "lib/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so");
    free(p);
    assert_int_equal(
        pfz_extension_member_path("pkg.fast", "/x/pkg/fast/__init__.abi3.so", &p, &err), PF_OK);
    assert_string_equal(p, "lib/pkg/fast/__init__.abi3.so");
    free(p);
    assert_int_equal(pfz_extension_member_path("m", "/x/", &p, &err), PF_ERR_USAGE);
    assert_null(p);
}

/* A graph as the resolver gives it: a script importing _ssl, _json and an
 * extension module inside a package, and a builtin. */
typedef struct fixture {
    pfz_module modules[5];
    uint8_t pyc[40];
    pfz_graph g;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    memset(f->pyc, 'm', sizeof f->pyc);
    memcpy(f->pyc, magic, 4);
    f->modules[0] = (pfz_module){.name = "__main__",
                                 .kind = PFZ_MODULE_SOURCE,
                                 .origin = "/src/app.py",
                                 .member_path = "lib/app.pyc",
                                 .pyc = f->pyc,
                                 .pyc_size = sizeof f->pyc,
                                 .importer = PFZ_NO_IMPORTER};
    f->modules[1] = (pfz_module){.name = "_ssl",
                                 .kind = PFZ_MODULE_EXTENSION,
                                 .origin = LIB_DYNLOAD SSL_NAME,
                                 .importer = 0,
                                 .import_line = 1,
                                 .is_stdlib = 1};
    f->modules[2] = (pfz_module){.name = "_json",
                                 .kind = PFZ_MODULE_EXTENSION,
                                 .origin = LIB_DYNLOAD JSON_NAME,
                                 .importer = 0,
                                 .import_line = 2,
                                 .is_stdlib = 1};
    f->modules[3] = (pfz_module){.name = "pkg.sub._bz2",
                                 .kind = PFZ_MODULE_EXTENSION,
                                 .origin = LIB_DYNLOAD BZ2_NAME,
                                 .importer = 0,
                                 .import_line = 3};
    f->modules[4] = (pfz_module){.name = "sys", .kind = PFZ_MODULE_BUILTIN, .importer = 0};
    f->g = (pfz_graph){.modules = f->modules, .count = 5, .capacity = 5};
}

/* assert_member: the file entry `path` has kind and exactly the bytes of
 * the file at disk_path. */
static void assert_member(pf_payload *p, const char *path, uint32_t kind, const char *disk_path)
{
    pf_entry e;
    pf_error err;
    if (!pf_index_find(pf_payload_index(p), path, strlen(path), &e)) {
        fail_msg("no member %s", path);
    }
    assert_int_equal(e.kind, kind);
    const uint8_t *data;
    size_t size, disk_size;
    assert_int_equal(pf_payload_read(p, &e, &data, &size, &err), PF_OK);
    uint8_t *disk = tu_read_file(disk_path, &disk_size);
    assert_non_null(disk);
    assert_int_equal(size, disk_size);
    assert_memory_equal(data, disk, size);
    free(disk);
}

/* tar_modes: decompresses payload (all frames; the seek table is a
 * skippable frame) and checks every tar member's permission bits: 0755 for
 * native code, 0644 for the rest. Returns the number of members. */
static int check_tar_modes(const pfz_buffer *payload)
{
    ZSTD_DStream *ds = ZSTD_createDStream();
    assert_non_null(ds);
    size_t cap = 1 << 20, used = 0;
    uint8_t *tar = malloc(cap);
    assert_non_null(tar);
    ZSTD_inBuffer in = {payload->data, payload->size, 0};
    while (in.pos < in.size) {
        if (cap - used < (1 << 16)) {
            cap *= 2;
            tar = realloc(tar, cap);
            assert_non_null(tar);
        }
        ZSTD_outBuffer out = {tar + used, cap - used, 0};
        size_t rc = ZSTD_decompressStream(ds, &out, &in);
        assert_false(ZSTD_isError(rc));
        used += out.pos;
    }
    ZSTD_freeDStream(ds);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    assert_int_equal(archive_read_open_memory(a, tar, used), ARCHIVE_OK);
    struct archive_entry *entry;
    int members = 0;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(entry);
        size_t n = strlen(name);
        int native = strncmp(name, "libs/", 5) == 0 || (n > 3 && strcmp(name + n - 3, ".so") == 0);
        if ((int)archive_entry_perm(entry) != (native ? 0755 : 0644)) {
            fail_msg("%s has mode %o", name, (unsigned)archive_entry_perm(entry));
        }
        members++;
    }
    archive_read_free(a);
    free(tar);
    return members;
}

static void test_payload_with_native_code(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    pfz_native_files native;
    pf_error err;
    if (pfz_native_files_collect(&f.g, NULL, &native, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    /* three extension modules in graph order, then libcrypto before libssl
     * and libbz2 */
    assert_int_equal(native.count, 6);
    assert_string_equal(native.files[0].path, "lib/" SSL_NAME);
    assert_int_equal(native.files[0].kind, PF_KIND_NATIVE);
    assert_int_equal(native.files[0].module, 1);
    assert_string_equal(native.files[2].path, "lib/pkg/sub/" BZ2_NAME);
    assert_int_equal(pfz_native_files_for_module(&native, 3), 2);
    assert_int_equal(pfz_native_files_for_module(&native, 0), SIZE_MAX);
    assert_int_equal(pfz_native_files_for_module(NULL, 1), SIZE_MAX);
    size_t crypto = SIZE_MAX, ssl = SIZE_MAX;
    for (size_t i = 3; i < native.count; i++) {
        assert_int_equal(native.files[i].kind, PF_KIND_LIBRARY);
        assert_int_equal(native.files[i].module, SIZE_MAX);
        if (strcmp(native.files[i].path, "libs/libcrypto.so.3") == 0) {
            crypto = i;
        }
        if (strcmp(native.files[i].path, "libs/libssl.so.3") == 0) {
            ssl = i;
        }
    }
    assert_true(crypto < ssl && ssl < native.count);

    pfz_buffer payload = {0};
    if (pfz_payload_from_graph_native(&f.g, &native, magic, 0, &payload, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, payload.data, payload.size, &err), PF_OK);
    const pf_index *index = pf_payload_index(p);
    /* files: app.pyc, 3 .so, 3 libraries; modules: __main__, the script
     * under its own name, and 3 extensions */
    assert_int_equal(index->entry_count, 7 + 5);
    pf_entry e, member;
    assert_true(pf_index_find(index, "_ssl", 4, &e));
    assert_int_equal(e.kind, PF_KIND_EXTENSION);
    pf_index_entry(index, e.member, &member);
    assert_memory_equal(member.name, "lib/" SSL_NAME, member.name_size);
    assert_true(pf_index_find(index, "pkg.sub._bz2", 12, &e));
    assert_int_equal(e.kind, PF_KIND_EXTENSION);
    assert_false(pf_index_find(index, "sys", 3, &e));
    assert_member(p, "lib/" SSL_NAME, PF_KIND_NATIVE, LIB_DYNLOAD SSL_NAME);
    assert_member(p, "lib/" JSON_NAME, PF_KIND_NATIVE, LIB_DYNLOAD JSON_NAME);
    assert_member(p, "libs/libssl.so.3", PF_KIND_LIBRARY, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
    assert_member(p, "libs/libcrypto.so.3", PF_KIND_LIBRARY,
                  "/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
    assert_member(p, "libs/libbz2.so.1.0", PF_KIND_LIBRARY,
                  "/usr/lib/x86_64-linux-gnu/libbz2.so.1.0");
    pf_payload_close(p);
    assert_int_equal(check_tar_modes(&payload), 1 + 7); /* the index and the files */
    pfz_buffer_free(&payload);

    /* without native code the extension modules are simply not packed */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &payload, &err), PF_OK);
    assert_int_equal(pf_payload_open(&p, payload.data, payload.size, &err), PF_OK);
    /* app.pyc, __main__ and the script under its own name */
    assert_int_equal(pf_payload_index(p)->entry_count, 3);
    pf_payload_close(p);
    pfz_buffer_free(&payload);

    /* an extension module cannot be the program */
    f.g.main = 1;
    assert_int_equal(pfz_payload_from_graph_native(&f.g, &native, magic, 0, &payload, &err),
                     PF_ERR_USAGE);
    pfz_native_files_free(&native);
    assert_int_equal(native.count, 0);
    pfz_native_files_free(NULL);
}

static void test_collect_errors(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    pfz_native_files native;
    pf_error err;
    /* a missing extension module file names it */
    f.modules[2].origin = "/nonexistent/_json.so";
    assert_int_equal(pfz_native_files_collect(&f.g, NULL, &native, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "/nonexistent/_json.so"));
    assert_int_equal(native.count, 0);
    /* --exclude-library reaches the resolution */
    fixture_init(&f);
    const char *excl[] = {"libssl.so.3", "libcrypto.so.3", "libbz2.so.1.0"};
    pfz_lib_policy policy = {.excludes = excl, .exclude_count = 3};
    pfz_native_config cfg = {.policy = &policy};
    assert_int_equal(pfz_native_files_collect(&f.g, &cfg, &native, &err), PF_OK);
    assert_int_equal(native.count, 3);
    assert_int_equal(native.deps.lib_count, 0);
    pfz_native_files_free(&native);
    /* no extension modules: nothing */
    f.g.count = 1;
    assert_int_equal(pfz_native_files_collect(&f.g, NULL, &native, &err), PF_OK);
    assert_int_equal(native.count, 0);
    pfz_native_files_free(&native);
}

static void test_print_graph_lists_extensions(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    pfz_print_graph(&f.g, "/src/app.py", out);
    fclose(out);
    assert_non_null(strstr(text, "_ssl                           <- app (app.py:1)\n"));
    assert_non_null(strstr(text, "pkg.sub._bz2                   <- app (app.py:3)\n"));
    assert_null(strstr(text, "sys"));
    free(text);
}

static void test_library_options(void **state)
{
    (void)state;
    pfz_options opts;
    pf_error err;
    char *argv[] = {"pyfreeze",
                    "app.py",
                    "-o",
                    "app",
                    "--exclude-library",
                    "libssl*",
                    "--include-library=libstdc++.so.6",
                    "--exclude-library",
                    "libfoo.so.1",
                    NULL};
    assert_int_equal(pfz_options_parse(&opts, 9, argv, &err), PF_OK);
    assert_int_equal(opts.exclude_library_count, 2);
    assert_string_equal(opts.exclude_libraries[0], "libssl*");
    assert_string_equal(opts.exclude_libraries[1], "libfoo.so.1");
    assert_int_equal(opts.include_library_count, 1);
    assert_string_equal(opts.include_libraries[0], "libstdc++.so.6");
    pfz_options_free(&opts);

    char *slash[] = {"pyfreeze", "app.py", "-o", "app", "--include-library", "/lib/libz.so.1"};
    assert_int_equal(pfz_options_parse(&opts, 6, slash, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "--include-library '/lib/libz.so.1'"));
    pfz_options_free(&opts);
    char *empty[] = {"pyfreeze", "app.py", "-o", "app", "--exclude-library="};
    assert_int_equal(pfz_options_parse(&opts, 5, empty, &err), PF_ERR_USAGE);
    pfz_options_free(&opts);

    char *help = NULL;
    size_t size;
    FILE *out = open_memstream(&help, &size);
    pfz_options_help(out);
    fclose(out);
    assert_non_null(strstr(help, "--exclude-library NAME"));
    assert_non_null(strstr(help, "--include-library NAME"));
    free(help);

    /* pfz_freeze refuses to bundle glibc before any work (no interpreter,
     * no output) */
    char dir[] = "/tmp/pf-test-native-files-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[128], output[128];
    snprintf(script, sizeof script, "%s/app.py", dir);
    snprintf(output, sizeof output, "%s/app", dir);
    assert_int_equal(tu_write_file(script, "print(1)\n", 9, 0644), 0);
    char *glibc[] = {"pyfreeze", script, "-o", output, "--include-library", "libc.so.6"};
    assert_int_equal(pfz_options_parse(&opts, 6, glibc, &err), PF_OK);
    assert_int_equal(pfz_freeze(&opts, NULL, NULL, NULL, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "'libc.so.6'"));
    assert_non_null(strstr(err.message, "glibc"));
    assert_int_equal(access(output, F_OK), -1);
    pfz_options_free(&opts);
    tu_rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_member_path),     cmocka_unit_test(test_payload_with_native_code),
        cmocka_unit_test(test_collect_errors),  cmocka_unit_test(test_print_graph_lists_extensions),
        cmocka_unit_test(test_library_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
