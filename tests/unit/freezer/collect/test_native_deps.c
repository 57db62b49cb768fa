/* test_native_deps.c - resolving DT_NEEDED as ld.so does: against this
 * machine's real extension modules (_ssl, _json, numpy's when installed)
 * and against tiny shared objects built here with the C compiler to
 * exercise $ORIGIN, DT_RUNPATH, inherited DT_RPATH, ld.so.conf directories,
 * DF_1_NODEFLIB, wrong-class and non-ELF candidates, symlinks, missing
 * libraries, cycles and dependency order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "freezer/test_util.h"
#include "listing.h"
#include "messages.h"
#include "native_deps.h"

#define LIB_DYNLOAD "/usr/lib/python3.11/lib-dynload/"
#define SSL_SO LIB_DYNLOAD "_ssl.cpython-311-x86_64-linux-gnu.so"
#define JSON_SO LIB_DYNLOAD "_json.cpython-311-x86_64-linux-gnu.so"
#define NUMPY_DIR "/usr/lib/python3/dist-packages/numpy"

TU_TMPDIR_FIXTURE("pf-test-native-deps")

/* tmp: tmpdir/rel in a static buffer (one of four, so a call can use a few). */
static const char *tmp(const char *rel)
{
    static char bufs[4][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, PATH_MAX, "%s/%s", tmpdir, rel);
    return b;
}

/* mkdirs: mkdir -p tmpdir/rel. */
static void mkdirs(const char *rel)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp(rel));
    assert_int_equal(system(cmd), 0);
}

/* build_so: compiles a shared object at tmpdir/out from C source code,
 * with extra linker arguments (run through sh, where $D is tmpdir: quote
 * '$ORIGIN' there).
 * Every DT_NEEDED asked for is kept (--no-as-needed). */
static void build_so(const char *out, const char *code, const char *extra)
{
    char src[PATH_MAX], cmd[4 * PATH_MAX];
    snprintf(src, sizeof src, "%s/src.c", tmpdir);
    assert_int_equal(tu_write_file(src, code, strlen(code), 0644), 0);
    snprintf(cmd, sizeof cmd, "D='%s'; %s -shared -fPIC -o \"$D/%s\" '%s' -Wl,--no-as-needed %s",
             tmpdir, NATIVE_TEST_CC, out, src, extra);
    if (system(cmd) != 0) {
        fail_msg("could not build a fixture: %s", cmd);
    }
}

/* resolve_one: pfz_native_resolve on one object with cfg; the warnings it
 * records, as the command prints them (if diag_text is not NULL), are
 * returned malloc'd. */
static int resolve_one(const char *object, const pfz_native_config *cfg_in, pfz_native_result *out,
                       pf_error *err, char **diag_text)
{
    pfz_native_config cfg = cfg_in != NULL ? *cfg_in : (pfz_native_config){0};
    size_t diag_size = 0;
    char *text = NULL;
    FILE *diag = open_memstream(&text, &diag_size);
    assert_non_null(diag);
    pfz_report report = {0};
    cfg.report = &report;
    int rc = pfz_native_resolve(&object, 1, &cfg, out, err);
    size_t printed = 0;
    pfz_print_notes(&report, &printed, 0, diag, diag);
    pfz_report_free(&report);
    fclose(diag);
    if (diag_text != NULL) {
        *diag_text = text;
    } else {
        free(text);
    }
    return rc;
}

/* assert_dependency_order: each library comes after every library it needs
 * (a cycle excepted when allow_cycle is set). */
static void assert_dependency_order(const pfz_native_result *r, int allow_cycle)
{
    size_t violations = 0;
    for (size_t i = 0; i < r->lib_count; i++) {
        for (size_t k = 0; k < r->libs[i].need_count; k++) {
            assert_true(r->libs[i].needs[k] < r->lib_count);
            if (r->libs[i].needs[k] >= i) {
                violations++;
            }
        }
    }
    if (allow_cycle) {
        assert_true(violations <= 1);
    } else {
        assert_int_equal(violations, 0);
    }
}

/* lib_index: the index of soname in r, failing the test if absent. */
static size_t lib_index(const pfz_native_result *r, const char *soname)
{
    size_t i = pfz_native_find_lib(r, soname);
    if (i == SIZE_MAX) {
        fail_msg("%s is not bundled", soname);
    }
    return i;
}

/* skipped_as: the decision recorded for a skipped name, -1 when absent. */
static int skipped_as(const pfz_native_result *r, const char *soname)
{
    for (size_t i = 0; i < r->skipped_count; i++) {
        if (strcmp(r->skipped[i].soname, soname) == 0) {
            return (int)r->skipped[i].decision;
        }
    }
    return -1;
}

/* ---- real system objects ---- */

static void test_ssl(void **state)
{
    (void)state;
    pfz_native_result r;
    pf_error err;
    if (resolve_one(SSL_SO, NULL, &r, &err, NULL) != PF_OK) {
        fail_msg("%s", err.message);
    }
    size_t ssl = lib_index(&r, "libssl.so.3"), crypto = lib_index(&r, "libcrypto.so.3");
    assert_int_equal(r.lib_count, 2);
    assert_true(crypto < ssl); /* libssl needs libcrypto: libcrypto first */
    assert_dependency_order(&r, 0);
    /* real files, symlinks followed */
    char *real = realpath("/usr/lib/x86_64-linux-gnu/libssl.so.3", NULL);
    assert_non_null(real);
    assert_string_equal(r.libs[ssl].path, real);
    free(real);
    struct stat st;
    assert_int_equal(stat(r.libs[crypto].path, &st), 0);
    assert_int_equal(r.libs[crypto].size, (uint64_t)st.st_size);
    /* _ssl needs both directly, in DT_NEEDED order; libssl needs libcrypto */
    assert_int_equal(r.object_count, 1);
    assert_string_equal(r.objects[0].path, SSL_SO);
    assert_int_equal(r.objects[0].need_count, 2);
    assert_int_equal(r.objects[0].needs[0], ssl);
    assert_int_equal(r.objects[0].needs[1], crypto);
    assert_int_equal(r.libs[ssl].need_count, 1);
    assert_int_equal(r.libs[ssl].needs[0], crypto);
    assert_int_equal(r.libs[crypto].need_count, 0);
    assert_int_equal(skipped_as(&r, "libc.so.6"), PFZ_LIB_GLIBC);
    pfz_native_result_free(&r);
    assert_int_equal(r.lib_count, 0);
    pfz_native_result_free(NULL);

    /* --exclude-library libcrypto.so.3: libssl alone, needing no bundled library */
    const char *excl[] = {"libcrypto.so.3"};
    pfz_lib_policy policy = {.excludes = excl, .exclude_count = 1};
    pfz_native_config cfg = {.policy = &policy};
    assert_int_equal(resolve_one(SSL_SO, &cfg, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 1);
    assert_string_equal(r.libs[0].soname, "libssl.so.3");
    assert_int_equal(r.libs[0].need_count, 0);
    assert_int_equal(r.objects[0].need_count, 1);
    assert_int_equal(skipped_as(&r, "libcrypto.so.3"), PFZ_LIB_EXCLUDED);
    for (size_t i = 0; i < r.skipped_count; i++) {
        assert_null(r.skipped[i].rule_module); /* no rule said so */
    }
    pfz_native_result_free(&r);

    /* the rules' target_libraries leave it out the same way, naming the
     * module whose entry does */
    const char *rule_names[] = {"libcrypto.so.*"};
    const char *rule_modules[] = {"ssl"};
    policy =
        (pfz_lib_policy){.rule_names = rule_names, .rule_modules = rule_modules, .rule_count = 1};
    assert_int_equal(resolve_one(SSL_SO, &cfg, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 1);
    assert_string_equal(r.libs[0].soname, "libssl.so.3");
    assert_int_equal(skipped_as(&r, "libcrypto.so.3"), PFZ_LIB_RULE);
    for (size_t i = 0; i < r.skipped_count; i++) {
        int is_crypto = strcmp(r.skipped[i].soname, "libcrypto.so.3") == 0;
        if (is_crypto) {
            assert_string_equal(r.skipped[i].rule_module, "ssl");
        } else {
            assert_null(r.skipped[i].rule_module);
        }
    }
    pfz_native_result_free(&r);
}

static void test_json_needs_only_glibc(void **state)
{
    (void)state;
    pfz_native_result r;
    pf_error err;
    assert_int_equal(resolve_one(JSON_SO, NULL, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 0);
    assert_int_equal(r.object_count, 1);
    assert_int_equal(r.objects[0].need_count, 0);
    pfz_native_result_free(&r);

    /* several inputs: shared libraries once, each input with its own needs */
    const char *both[] = {JSON_SO, SSL_SO, LIB_DYNLOAD "_hashlib.cpython-311-x86_64-linux-gnu.so"};
    assert_int_equal(pfz_native_resolve(both, 3, NULL, &r, &err), PF_OK);
    assert_int_equal(r.lib_count, 2);
    assert_int_equal(r.object_count, 3);
    assert_int_equal(r.objects[0].need_count, 0);
    assert_int_equal(r.objects[1].need_count, 2);
    assert_int_equal(r.objects[2].need_count, 1);
    assert_int_equal(r.objects[2].needs[0], lib_index(&r, "libcrypto.so.3"));
    pfz_native_result_free(&r);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    pfz_native_result r;
    pf_error err;
    assert_int_equal(resolve_one(tmp("absent.so"), NULL, &r, &err, NULL), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "absent.so"));
    assert_int_equal(r.lib_count, 0);
    assert_int_equal(tu_write_file(tmp("text.so"), "hello", 5, 0644), 0);
    assert_int_equal(resolve_one(tmp("text.so"), NULL, &r, &err, NULL), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "text.so"));
    assert_non_null(strstr(err.message, "not an ELF file"));
    /* a relocatable object is not a shared object */
    char cmd[2 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "echo 'int f(void){return 0;}' | %s -x c -c -o '%s' -",
             NATIVE_TEST_CC, tmp("rel.o"));
    assert_int_equal(system(cmd), 0);
    assert_int_equal(resolve_one(tmp("rel.o"), NULL, &r, &err, NULL), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "not a shared object"));
    /* another machine: e_machine patched to EM_AARCH64 */
    size_t size;
    uint8_t *bytes = tu_read_file(JSON_SO, &size);
    assert_non_null(bytes);
    bytes[18] = 183;
    bytes[19] = 0;
    assert_int_equal(tu_write_file(tmp("arm.so"), bytes, size, 0644), 0);
    free(bytes);
    assert_int_equal(resolve_one(tmp("arm.so"), NULL, &r, &err, NULL), PF_ERR_VERSION);
    assert_non_null(strstr(err.message, "not x86-64"));
    /* a bad --include-library is refused before any work */
    const char *inc[] = {"libc.so.6"};
    pfz_lib_policy policy = {.includes = inc, .include_count = 1};
    pfz_native_config cfg = {.policy = &policy};
    assert_int_equal(resolve_one(JSON_SO, &cfg, &r, &err, NULL), PF_ERR_USAGE);
    /* nothing to resolve */
    assert_int_equal(pfz_native_resolve(NULL, 0, NULL, &r, &err), PF_OK);
    assert_int_equal(r.lib_count + r.object_count, 0);
    pfz_native_result_free(&r);
}

/* ---- built fixtures ---- */

static const char *const leaf_c = "int leaf(void) { return 1; }\n";

static void test_origin_and_runpath(void **state)
{
    (void)state;
    /* ext.so -RUNPATH $ORIGIN/mid-> libmid.so.1 -RUNPATH $ORIGIN/../sub-> libleaf.so.1 */
    mkdirs("o/sub");
    mkdirs("o/mid");
    build_so("o/sub/libleaf.so.1", leaf_c, "-Wl,-soname,libleaf.so.1");
    build_so("o/mid/libmid.so.1", "int leaf(void); int mid(void) { return leaf(); }\n",
             "-Wl,-soname,libmid.so.1 -L\"$D/o/sub\" -l:libleaf.so.1 -Wl,--enable-new-dtags "
             "-Wl,-rpath,'$ORIGIN/../sub'");
    build_so("o/ext.so", "int mid(void); int ext(void) { return mid(); }\n",
             "-L\"$D/o/mid\" -l:libmid.so.1 -Wl,-rpath-link,\"$D/o/sub\" -Wl,--enable-new-dtags "
             "-Wl,-rpath,'$ORIGIN/mid'");
    pfz_native_result r;
    pf_error err;
    if (resolve_one(tmp("o/ext.so"), NULL, &r, &err, NULL) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_int_equal(r.lib_count, 2);
    assert_string_equal(r.libs[0].soname, "libleaf.so.1");
    assert_string_equal(r.libs[1].soname, "libmid.so.1");
    char *real = realpath(tmp("o/sub/libleaf.so.1"), NULL);
    assert_string_equal(r.libs[0].path, real);
    free(real);
    assert_int_equal(r.objects[0].need_count, 1);
    assert_int_equal(r.objects[0].needs[0], 1);
    assert_int_equal(r.libs[1].need_count, 1);
    assert_int_equal(r.libs[1].needs[0], 0);
    pfz_native_result_free(&r);

    /* a relative input path: $ORIGIN is still its directory */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmp("o")), 0);
    int rc = resolve_one("ext.so", NULL, &r, &err, NULL);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, PF_OK);
    assert_int_equal(r.lib_count, 2);
    pfz_native_result_free(&r);
}

static void test_rpath_inherited_runpath_not(void **state)
{
    (void)state;
    /* libx.so.1 (in a/, no search path of its own) needs liby.so.1 (in b/) */
    mkdirs("r/a");
    mkdirs("r/b");
    build_so("r/b/liby.so.1", leaf_c, "-Wl,-soname,liby.so.1");
    build_so("r/a/libx.so.1", "int leaf(void); int x(void) { return leaf(); }\n",
             "-Wl,-soname,libx.so.1 -L\"$D/r/b\" -l:liby.so.1");
    const char *link = "-L\"$D/r/a\" -l:libx.so.1 -Wl,-rpath-link,\"$D/r/b\" "
                       "-Wl,-rpath,'$ORIGIN/a:$ORIGIN/b'";
    char flags[512];
    /* DT_RPATH: searched for the object's needs and for those of what it loads */
    snprintf(flags, sizeof flags, "%s -Wl,--disable-new-dtags", link);
    build_so("r/ext_rpath.so", "int x(void); int e(void) { return x(); }\n", flags);
    /* DT_RUNPATH: only for the object's own needs */
    snprintf(flags, sizeof flags, "%s -Wl,--enable-new-dtags", link);
    build_so("r/ext_runpath.so", "int x(void); int e(void) { return x(); }\n", flags);

    pfz_native_result r;
    pf_error err;
    if (resolve_one(tmp("r/ext_rpath.so"), NULL, &r, &err, NULL) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_int_equal(r.lib_count, 2);
    assert_string_equal(r.libs[0].soname, "liby.so.1");
    assert_string_equal(r.libs[1].soname, "libx.so.1");
    pfz_native_result_free(&r);

    assert_int_equal(resolve_one(tmp("r/ext_runpath.so"), NULL, &r, &err, NULL), PF_ERR_NOT_FOUND);
    char *libx = realpath(tmp("r/a/libx.so.1"), NULL);
    char want[PATH_MAX + 200];
    snprintf(want, sizeof want,
             "%s needs liby.so.1, which is not installed on this machine: install it or "
             "--exclude-library liby.so.1",
             libx);
    free(libx);
    assert_string_equal(err.message, want);
    assert_int_equal(r.lib_count, 0);

    /* --exclude-library makes the missing library the target's business */
    const char *excl[] = {"liby.so.*"};
    pfz_lib_policy policy = {.excludes = excl, .exclude_count = 1};
    pfz_native_config cfg = {.policy = &policy};
    assert_int_equal(resolve_one(tmp("r/ext_runpath.so"), &cfg, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 1);
    assert_string_equal(r.libs[0].soname, "libx.so.1");
    assert_int_equal(skipped_as(&r, "liby.so.1"), PFZ_LIB_EXCLUDED);
    pfz_native_result_free(&r);
}

static void test_conf_dirs_wrong_class_and_nodeflib(void **state)
{
    (void)state;
    /* libw.so.1 is only in directories that a private ld.so.conf names:
     * c/d1 holds an ARM build of it (skipped), c/d2 the real one */
    mkdirs("c/d1");
    mkdirs("c/d2");
    build_so("c/d2/libw.so.1", leaf_c, "-Wl,-soname,libw.so.1");
    size_t size;
    uint8_t *bytes = tu_read_file(tmp("c/d2/libw.so.1"), &size);
    assert_non_null(bytes);
    bytes[18] = 183; /* EM_AARCH64 */
    bytes[19] = 0;
    assert_int_equal(tu_write_file(tmp("c/d1/libw.so.1"), bytes, size, 0755), 0);
    free(bytes);
    build_so("c/ext.so", "int leaf(void); int e(void) { return leaf(); }\n",
             "-L\"$D/c/d2\" -l:libw.so.1");
    build_so("c/ext_nodeflib.so", "int leaf(void); int e(void) { return leaf(); }\n",
             "-L\"$D/c/d2\" -l:libw.so.1 -Wl,-z,nodefaultlib");
    char conf[2 * PATH_MAX];
    snprintf(conf, sizeof conf, "%s/c/d1\n%s/c/d2\n", tmpdir, tmpdir);
    assert_int_equal(tu_write_file(tmp("c/ld.so.conf"), conf, strlen(conf), 0644), 0);

    char conf_path[PATH_MAX], absent_path[PATH_MAX]; /* tmp()'s buffers are reused */
    snprintf(conf_path, sizeof conf_path, "%s", tmp("c/ld.so.conf"));
    snprintf(absent_path, sizeof absent_path, "%s", tmp("c/absent.conf"));
    pfz_native_config cfg = {.ld_so_conf = conf_path};
    pfz_native_result r;
    pf_error err;
    if (resolve_one(tmp("c/ext.so"), &cfg, &r, &err, NULL) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_int_equal(r.lib_count, 1);
    char *real = realpath(tmp("c/d2/libw.so.1"), NULL);
    assert_string_equal(r.libs[0].path, real);
    free(real);
    pfz_native_result_free(&r);

    /* without that configuration the library is nowhere */
    pfz_native_config plain = {.ld_so_conf = absent_path};
    assert_int_equal(resolve_one(tmp("c/ext.so"), &plain, &r, &err, NULL), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "needs libw.so.1, which is not installed"));

    /* DF_1_NODEFLIB: ld.so.conf and default directories are not searched */
    assert_int_equal(resolve_one(tmp("c/ext_nodeflib.so"), &cfg, &r, &err, NULL), PF_ERR_NOT_FOUND);

    /* a candidate that is not ELF stops the search, as it stops ld.so */
    assert_int_equal(tu_write_file(tmp("c/d1/libw.so.1"), "INPUT(-lw)\n", 11, 0644), 0);
    int rc = resolve_one(tmp("c/ext.so"), &cfg, &r, &err, NULL);
    if (rc != PF_ERR_CORRUPT) {
        fail_msg("%d %s", rc, err.message);
    }
    assert_non_null(strstr(err.message, "c/d1/libw.so.1"));
    assert_non_null(strstr(err.message, "not an ELF file"));
    /* a directory of that name is passed over */
    assert_int_equal(unlink(tmp("c/d1/libw.so.1")), 0);
    mkdirs("c/d1/libw.so.1");
    assert_int_equal(resolve_one(tmp("c/ext.so"), &cfg, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 1);
    pfz_native_result_free(&r);
}

static void test_symlinks_and_no_soname(void **state)
{
    (void)state;
    mkdirs("s");
    build_so("s/libq.so.1.2.3", leaf_c, "-Wl,-soname,libq.so.1");
    assert_int_equal(symlink("libq.so.1.2.3", tmp("s/libq.so.1")), 0);
    build_so("s/libnos.so", "int nos(void) { return 2; }\n", "");
    build_so("s/ext.so", "int leaf(void); int nos(void); int e(void) { return leaf() + nos(); }\n",
             "-L\"$D/s\" -l:libq.so.1 -l:libnos.so -Wl,-rpath,'$ORIGIN'");
    pfz_native_result r;
    pf_error err;
    if (resolve_one(tmp("s/ext.so"), NULL, &r, &err, NULL) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_int_equal(r.lib_count, 2);
    size_t q = lib_index(&r, "libq.so.1"), nos = lib_index(&r, "libnos.so");
    char *real = realpath(tmp("s/libq.so.1.2.3"), NULL);
    assert_string_equal(r.libs[q].path, real); /* the real file, named by its SONAME */
    free(real);
    assert_non_null(strstr(r.libs[nos].path, "/s/libnos.so")); /* no SONAME: its file name */
    pfz_native_result_free(&r);

    /* the -v listing names each library, its size, file and who needs it */
    assert_int_equal(resolve_one(tmp("s/ext.so"), NULL, &r, &err, NULL), PF_OK);
    char *text = NULL;
    size_t text_size;
    FILE *out = open_memstream(&text, &text_size);
    pfz_native_print(&r, out);
    fclose(out);
    assert_non_null(strstr(text, "libs/libq.so.1 "));
    assert_non_null(strstr(text, "libq.so.1.2.3) <- ext.so\n"));
    assert_non_null(strstr(text, "2 shared libraries bundled"));
    assert_non_null(strstr(text, "left to the target: libc.so.6 (part of glibc)"));
    free(text);
    pfz_native_result_free(&r);
}

static void test_needed_by_path(void **state)
{
    (void)state;
    mkdirs("p");
    build_so("p/libnos.so", "int nos(void) { return 2; }\n", "");
    /* linked by path against a library without SONAME: DT_NEEDED is the path */
    build_so("p/ext.so", "int nos(void); int e(void) { return nos(); }\n", "\"$D/p/libnos.so\"");
    pfz_native_result r;
    pf_error err;
    assert_int_equal(resolve_one(tmp("p/ext.so"), NULL, &r, &err, NULL), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "by its path"));
    assert_non_null(strstr(err.message, "/p/libnos.so"));
}

static void test_cycle(void **state)
{
    (void)state;
    mkdirs("y");
    /* libcb first without its need, so libca can link against it; then
     * libcb again, needing libca */
    build_so("y/libcb.so.1", "int b(void) { return 1; }\n", "-Wl,-soname,libcb.so.1");
    build_so("y/libca.so.1", "int b(void); int a(void) { return b(); }\n",
             "-Wl,-soname,libca.so.1 -L\"$D/y\" -l:libcb.so.1 -Wl,-rpath,'$ORIGIN'");
    build_so("y/libcb.so.1", "int a(void); int b(void) { return 1; } int c(void) { return a(); }\n",
             "-Wl,-soname,libcb.so.1 -L\"$D/y\" -l:libca.so.1 -Wl,-rpath,'$ORIGIN'");
    build_so("y/ext.so", "int a(void); int e(void) { return a(); }\n",
             "-L\"$D/y\" -l:libca.so.1 -Wl,-rpath,'$ORIGIN'");
    pfz_native_result r;
    pf_error err;
    char *diag = NULL;
    if (resolve_one(tmp("y/ext.so"), NULL, &r, &err, &diag) != PF_OK) {
        fail_msg("%s", err.message);
    }
    /* both bundled once; the loop is reported and broken where it closes */
    assert_int_equal(r.lib_count, 2);
    assert_string_equal(r.libs[0].soname, "libcb.so.1");
    assert_string_equal(r.libs[1].soname, "libca.so.1");
    assert_dependency_order(&r, 1);
    assert_non_null(strstr(diag, "libca.so.1 and libcb.so.1 need each other"));
    free(diag);
    pfz_native_result_free(&r);
}

static void test_diamond_order(void **state)
{
    (void)state;
    mkdirs("d");
    const char *rp = "-L\"$D/d\" -Wl,-rpath,'$ORIGIN'";
    char flags[512];
    build_so("d/libbase.so.1", leaf_c, "-Wl,-soname,libbase.so.1");
    snprintf(flags, sizeof flags, "-Wl,-soname,libm1.so.1 %s -l:libbase.so.1", rp);
    build_so("d/libm1.so.1", "int leaf(void); int m1(void) { return leaf(); }\n", flags);
    snprintf(flags, sizeof flags, "-Wl,-soname,libm2.so.1 %s -l:libbase.so.1", rp);
    build_so("d/libm2.so.1", "int leaf(void); int m2(void) { return leaf(); }\n", flags);
    snprintf(flags, sizeof flags, "-Wl,-soname,libtop.so.1 %s -l:libm1.so.1 -l:libm2.so.1", rp);
    build_so("d/libtop.so.1", "int m1(void); int m2(void); int t(void) { return m1() + m2(); }\n",
             flags);
    snprintf(flags, sizeof flags, "%s -l:libtop.so.1 -l:libbase.so.1", rp);
    build_so("d/ext.so", "int t(void); int leaf(void); int e(void) { return t() + leaf(); }\n",
             flags);
    pfz_native_result r;
    pf_error err;
    char *diag = NULL;
    if (resolve_one(tmp("d/ext.so"), NULL, &r, &err, &diag) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_string_equal(diag, ""); /* no warnings */
    free(diag);
    assert_int_equal(r.lib_count, 4);
    assert_dependency_order(&r, 0);
    size_t base = lib_index(&r, "libbase.so.1"), top = lib_index(&r, "libtop.so.1");
    assert_int_equal(base, 0);
    assert_int_equal(top, 3);
    assert_int_equal(r.libs[top].need_count, 2);
    assert_int_equal(r.objects[0].need_count, 2);
    assert_int_equal(r.objects[0].needs[0], top);
    assert_int_equal(r.objects[0].needs[1], base);
    pfz_native_result_free(&r);
}

static void test_same_soname_twice(void **state)
{
    (void)state;
    mkdirs("t");
    build_so("t/libdup.so.1", leaf_c, "-Wl,-soname,libdup.so.1");
    build_so("t/libother.so.1", "int other(void) { return 3; }\n", "-Wl,-soname,libother.so.1");
    build_so("t/ext.so",
             "int leaf(void); int other(void); int e(void) { return leaf()+other(); }\n",
             "-L\"$D/t\" -l:libdup.so.1 -l:libother.so.1 -Wl,-rpath,'$ORIGIN'");
    /* replace libother.so.1 by a different library whose SONAME is libdup.so.1 */
    build_so("t/libother.so.1", "int other(void) { return 4; }\n", "-Wl,-soname,libdup.so.1");
    pfz_native_result r;
    pf_error err;
    char *diag = NULL;
    assert_int_equal(resolve_one(tmp("t/ext.so"), NULL, &r, &err, &diag), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "two different libraries are both named libdup.so.1"));
    assert_non_null(strstr(diag, "needs 'libother.so.1'"));
    assert_non_null(strstr(diag, "whose SONAME is 'libdup.so.1'"));
    free(diag);
}

/* Extra libraries (--add-binary files, --include-library names) are
 * bundled with what they need though no object needs them; a name is
 * searched in ld.so.conf's directories then the defaults; a missing name
 * and a glibc library are errors. */
static void test_extra_libraries(void **state)
{
    (void)state;
    mkdirs("x/lib");
    mkdirs("x/conf");
    mkdirs("x/empty");
    build_so("x/lib/libbase.so.1", leaf_c, "-Wl,-soname,libbase.so.1");
    build_so("x/lib/libextra.so.1.2", "int leaf(void); int x(void) { return leaf(); }\n",
             "-Wl,-soname,libextra.so.1 -L\"$D/x/lib\" -l:libbase.so.1 -Wl,-rpath,'$ORIGIN'");
    build_so("x/conf/libnamed.so.3", "int n(void) { return 3; }\n", "-Wl,-soname,libnamed.so.3");
    char conf[PATH_MAX + 2], conf_path[PATH_MAX], extra_path[PATH_MAX], empty[PATH_MAX];
    snprintf(conf, sizeof conf, "%s\n", tmp("x/conf"));
    assert_int_equal(tu_write_file(tmp("x/ld.so.conf"), conf, strlen(conf), 0644), 0);
    snprintf(conf_path, sizeof conf_path, "%s", tmp("x/ld.so.conf"));
    snprintf(extra_path, sizeof extra_path, "%s", tmp("x/lib/libextra.so.1.2"));
    snprintf(empty, sizeof empty, "%s", tmp("x/empty"));
    const char *defaults[] = {empty};
    const char *extras[] = {extra_path, "libnamed.so.3"};
    pfz_native_config cfg = {.ld_so_conf = conf_path,
                             .default_dirs = defaults,
                             .default_dir_count = 1,
                             .extra_libraries = extras,
                             .extra_library_count = 2};
    pfz_native_result r;
    pf_error err;
    if (pfz_native_resolve(NULL, 0, &cfg, &r, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_int_equal(r.lib_count, 3);
    assert_int_equal(r.object_count, 0);
    assert_dependency_order(&r, 0);
    size_t extra = lib_index(&r, "libextra.so.1"), base = lib_index(&r, "libbase.so.1");
    assert_true(base < extra);
    assert_int_equal(r.libs[extra].need_count, 1);
    assert_int_equal(r.libs[extra].needs[0], base);
    lib_index(&r, "libnamed.so.3");
    pfz_native_result_free(&r);

    /* a name in no directory (the defaults are empty here) */
    const char *missing[] = {"libnowhere.so.9"};
    cfg.extra_libraries = missing;
    cfg.extra_library_count = 1;
    assert_int_equal(pfz_native_resolve(NULL, 0, &cfg, &r, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "--include-library libnowhere.so.9"));
    /* a file that does not exist */
    const char *absent[] = {"/nonexistent/libfoo.so.1"};
    cfg.extra_libraries = absent;
    assert_int_equal(pfz_native_resolve(NULL, 0, &cfg, &r, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "--add-binary '/nonexistent/libfoo.so.1'"));
    /* glibc's own library: never bundled */
    const char *glibc[] = {"libc.so.6"};
    cfg.extra_libraries = glibc;
    cfg.default_dirs = NULL;
    cfg.default_dir_count = 0;
    assert_int_equal(pfz_native_resolve(NULL, 0, &cfg, &r, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "part of glibc"));
}

static void test_include_manylinux_library(void **state)
{
    (void)state;
    build_so("cxx.so", "int e(void) { return 0; }\n", "-lstdc++");
    pfz_native_result r;
    pf_error err;
    assert_int_equal(resolve_one(tmp("cxx.so"), NULL, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 0);
    assert_int_equal(skipped_as(&r, "libstdc++.so.6"), PFZ_LIB_MANYLINUX);
    pfz_native_result_free(&r);

    const char *inc[] = {"libstdc++.so.6"};
    pfz_lib_policy policy = {.includes = inc, .include_count = 1};
    pfz_native_config cfg = {.policy = &policy};
    assert_int_equal(resolve_one(tmp("cxx.so"), &cfg, &r, &err, NULL), PF_OK);
    assert_int_equal(r.lib_count, 1);
    assert_string_equal(r.libs[0].soname, "libstdc++.so.6");
    /* its own needs follow the policy: libgcc_s stays the target's */
    assert_int_equal(r.libs[0].need_count, 0);
    assert_int_equal(skipped_as(&r, "libgcc_s.so.1"), PFZ_LIB_MANYLINUX);
    assert_int_equal(skipped_as(&r, "libm.so.6"), PFZ_LIB_GLIBC);
    pfz_native_result_free(&r);
}

/* numpy's extension modules, when python3-numpy is installed: collected
 * with nftw. */
static char *numpy_paths[256];
static size_t numpy_count;

static int collect_so(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && n > 3 && strcmp(path + n - 3, ".so") == 0 && numpy_count < 256) {
        numpy_paths[numpy_count++] = strdup(path);
    }
    return 0;
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_numpy(void **state)
{
    (void)state;
    struct stat st;
    if (stat(NUMPY_DIR, &st) != 0) {
        skip(); /* apt-get install python3-numpy */
        return;
    }
    assert_int_equal(nftw(NUMPY_DIR, collect_so, 16, FTW_PHYS), 0);
    assert_true(numpy_count > 0);
    qsort(numpy_paths, numpy_count, sizeof numpy_paths[0], compare_str);
    pfz_native_result r;
    pf_error err;
    int rc = pfz_native_resolve((const char *const *)numpy_paths, numpy_count, NULL, &r, &err);
    if (rc != PF_OK) {
        fail_msg("%s", err.message);
    }
    assert_dependency_order(&r, 0);
    lib_index(&r, "libblas.so.3");
    lib_index(&r, "liblapack.so.3");
    uint64_t total = 0;
    for (size_t i = 0; i < r.lib_count; i++) {
        assert_int_equal(pfz_lib_policy_decide(NULL, r.libs[i].soname), PFZ_LIB_BUNDLE);
        total += r.libs[i].size;
    }
    print_message("numpy: %zu extension modules need %zu bundled libraries, %llu bytes\n",
                  numpy_count, r.lib_count, (unsigned long long)total);
    pfz_native_print(&r, stdout);
    pfz_native_result_free(&r);
    for (size_t i = 0; i < numpy_count; i++) {
        free(numpy_paths[i]);
    }
    numpy_count = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssl),
        cmocka_unit_test(test_json_needs_only_glibc),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_origin_and_runpath),
        cmocka_unit_test(test_rpath_inherited_runpath_not),
        cmocka_unit_test(test_conf_dirs_wrong_class_and_nodeflib),
        cmocka_unit_test(test_symlinks_and_no_soname),
        cmocka_unit_test(test_needed_by_path),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_diamond_order),
        cmocka_unit_test(test_same_soname_twice),
        cmocka_unit_test(test_extra_libraries),
        cmocka_unit_test(test_include_manylinux_library),
        cmocka_unit_test(test_numpy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
