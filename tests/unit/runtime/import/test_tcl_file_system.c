/* test_tcl_file_system.c - the Tcl file system over a payload
 * (runtime/import/tcl_file_system.c): an in-memory payload served under a
 * made-up executable path to the host's libtcl8.6 (the tests are skipped
 * where it is not installed), checked through a Tcl interpreter's own
 * commands (file, glob, open, source) as Tcl's script library uses them;
 * TCL_LIBRARY set to the packed library, a TK_LIBRARY already set kept. An
 * embedded CPython gives the GIL the file system takes to read members. */
#include <Python.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "payload_builder.h"
#include "payload_reader.h"
#include "tcl_file_system.h"

#define EXE "/opt/app/app"
#define LIB EXE "/tkinter/tcl8.6"

typedef struct tcl_interp tcl_interp;
static struct {
    tcl_interp *(*CreateInterp)(void);
    int (*Eval)(tcl_interp *interp, const char *script);
    const char *(*GetStringResult)(tcl_interp *interp);
} tcl;
static tcl_interp *interp;
static pf_payload *payload;
static pfz_buffer bytes;

static const uint8_t init_tcl[] = "set loaded init\n";
static const uint8_t small[] = "x";
static const tb_file files[] = {
    {"lib/tkinter/__init__.pyc", PF_KIND_BYTECODE, small, 1},
    {"lib/tkinter/tcl8.6/init.tcl", PF_KIND_DATA, init_tcl, sizeof init_tcl - 1},
    {"lib/tkinter/tcl8.6/encoding/koi8-r.enc", PF_KIND_DATA, small, 1},
    {"lib/tkinter/tcl8.6/encoding/ascii.enc", PF_KIND_DATA, small, 1},
    {"lib/tkinter/tcl8.6/msgs/fr.msg", PF_KIND_DATA, small, 1},
    {"lib/tkinter/tcl8.6/.hidden", PF_KIND_DATA, small, 1},
    {"lib/tkinter/tk8.6/tk.tcl", PF_KIND_DATA, small, 1},
};
static const tb_module modules[] = {{"tkinter", PF_KIND_PACKAGE, 0}};

/* setup: loads libtcl8.6 (RTLD_GLOBAL, as the native loader loads bundled
 * libraries), starts CPython, builds and opens the payload, serves it and
 * makes an interpreter. Returns 0; the tests skip when libtcl is missing. */
static int setup(void **state)
{
    (void)state;
    void *handle = dlopen("libtcl8.6.so", RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        return 0;
    }
    *(void **)&tcl.CreateInterp = dlsym(handle, "Tcl_CreateInterp");
    *(void **)&tcl.Eval = dlsym(handle, "Tcl_Eval");
    *(void **)&tcl.GetStringResult = dlsym(handle, "Tcl_GetStringResult");
    assert_non_null(tcl.GetStringResult);
    Py_InitializeEx(0);
    tb_options options = {.files_per_frame = 2, .level = 3};
    assert_int_equal(
        tb_build_payload(files, sizeof files / sizeof *files, modules, 1, &options, &bytes), 0);
    pf_error err;
    assert_int_equal(pf_payload_open(&payload, bytes.data, bytes.size, &err), PF_OK);
    unsetenv("TCL_LIBRARY");
    setenv("TK_LIBRARY", "/set/by/the/program", 1);
    pf_tcl_serve(payload, EXE);
    pf_tcl_serve(payload, EXE); /* once only: a second call changes nothing */
    interp = tcl.CreateInterp();
    /* _tkinter releases the GIL around Tcl calls; the reads take it back */
    PyEval_SaveThread();
    return 0;
}

/* eval: the result of script, prefixed "error: " when it failed. */
static const char *eval(const char *script)
{
    static char out[1024];
    int status = tcl.Eval(interp, script);
    snprintf(out, sizeof out, "%s%s", status == 0 ? "" : "error: ", tcl.GetStringResult(interp));
    return out;
}

#define REQUIRE_TCL()                                                                              \
    do {                                                                                           \
        if (interp == NULL) {                                                                      \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

static void test_library_variables(void **state)
{
    (void)state;
    REQUIRE_TCL();
    assert_string_equal(getenv("TCL_LIBRARY"), LIB);
    assert_string_equal(getenv("TK_LIBRARY"), "/set/by/the/program");
}

static void test_file_queries(void **state)
{
    (void)state;
    REQUIRE_TCL();
    assert_string_equal(eval("file exists " LIB "/init.tcl"), "1");
    assert_string_equal(eval("file isfile " LIB "/init.tcl"), "1");
    assert_string_equal(eval("file size " LIB "/init.tcl"), "16");
    assert_string_equal(eval("file isdirectory " LIB "/encoding"), "1");
    assert_string_equal(eval("file isfile " LIB "/encoding"), "0");
    assert_string_equal(eval("file exists " LIB "/nosuch.tcl"), "0");
    assert_string_equal(eval("file exists " LIB "/init.tcl/x"), "0");
    assert_string_equal(eval("file readable " LIB "/init.tcl"), "1");
    assert_string_equal(eval("file writable " LIB "/init.tcl"), "0");
    assert_string_equal(eval("file executable " LIB "/init.tcl"), "0");
    /* normalised as Tcl normalises: ".." and "." resolved */
    assert_string_equal(eval("file exists " EXE "/../app/tkinter/./tcl8.6/init.tcl"), "1");
    /* the executable itself and other paths stay Tcl's own file system's */
    assert_string_equal(eval("file exists " EXE), "0");
    assert_string_equal(eval("file isdirectory /"), "1");
}

static void test_read(void **state)
{
    (void)state;
    REQUIRE_TCL();
    assert_string_equal(eval("source " LIB "/init.tcl; set loaded"), "init");
    assert_string_equal(eval("set f [open " LIB "/init.tcl]; set t [read $f]; close $f; set t"),
                        "set loaded init\n");
    assert_string_equal(
        eval("set f [open " LIB "/init.tcl]; seek $f 4; set t [gets $f]; close $f; set t"),
        "loaded init");
}

static void test_errors(void **state)
{
    (void)state;
    REQUIRE_TCL();
    assert_string_equal(eval("open " LIB "/nosuch.tcl"),
                        "error: couldn't open \"" LIB "/nosuch.tcl\": no such file or directory");
    assert_string_equal(eval("open " LIB "/init.tcl w"),
                        "error: couldn't open \"" LIB "/init.tcl\": read-only file system");
    assert_string_equal(eval("open " LIB "/new.tcl {WRONLY CREAT}"),
                        "error: couldn't open \"" LIB "/new.tcl\": no such file or directory");
    assert_string_equal(eval("open " LIB "/encoding"),
                        "error: couldn't open \"" LIB "/encoding\": illegal operation on a "
                        "directory");
    assert_string_equal(eval("source " LIB "/nosuch.tcl"),
                        "error: couldn't read file \"" LIB
                        "/nosuch.tcl\": no such file or directory");
}

static void test_glob(void **state)
{
    (void)state;
    REQUIRE_TCL();
    assert_string_equal(eval("lsort [glob -directory " LIB " -tails *]"), "encoding init.tcl msgs");
    assert_string_equal(eval("lsort [glob -directory " LIB " -tails -types d *]"), "encoding msgs");
    assert_string_equal(eval("lsort [glob -directory " LIB " -tails -types f *]"), "init.tcl");
    assert_string_equal(eval("glob -directory " LIB " -tails .h*"), ".hidden");
    assert_string_equal(eval("lsort [glob -directory " LIB " -tails -types hidden *]"), ".hidden");
    assert_string_equal(eval("lsort [glob -directory " LIB "/encoding -tails {[a-k]*.enc}]"),
                        "ascii.enc koi8-r.enc");
    assert_string_equal(eval("glob -directory " LIB " {*/fr.msg}"), LIB "/msgs/fr.msg");
    assert_string_equal(eval("glob -nocomplain -directory " LIB " -types w *"), "");
    assert_string_equal(eval("glob -nocomplain -directory " LIB "/nosuch *"), "");
    assert_string_equal(eval("lsort [glob -directory " EXE "/tkinter -tails *]"), "__init__.pyc "
                                                                                  "tcl8.6 tk8.6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_variables),
        cmocka_unit_test(test_file_queries),
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_glob),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
