/* test_package_rules.c - the package rules (resolve/package_rules.py via
 * package_rules.c): the TOML format and its errors, the built-in file,
 * PyInstaller hooks read as literals only, six's lazy-name table, data
 * directories. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "package_rules.h"

/* call: str(rules.method(*args)) for a Py_BuildValue tuple, malloc'd. */
static char *call(PyObject *rules, const char *method, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PyObject *args = Py_VaBuildValue(fmt, ap);
    va_end(ap);
    assert_non_null(args);
    PyObject *fn = PyObject_GetAttrString(rules, method);
    PyObject *res = fn != NULL ? PyObject_Call(fn, args, NULL) : NULL;
    if (res == NULL) {
        PyErr_Print();
    }
    assert_non_null(res);
    PyObject *text = PyObject_Str(res);
    char *out = strdup(PyUnicode_AsUTF8(text));
    Py_DECREF(text);
    Py_DECREF(res);
    Py_DECREF(fn);
    Py_DECREF(args);
    return out;
}

static void expect_call(PyObject *rules, const char *want, const char *method, const char *fmt,
                        const char *a, const char *b, const char *c)
{
    char *got = call(rules, method, fmt, a, b, c); /* fmt takes what it names */
    assert_string_equal(got, want);
    free(got);
}

static const char GOOD[] =
    "format = 1\n"
    "[tools]\ndevelopment = [\"doctest\"]\nbuild = [\"setuptools\"]\n"
    "[standalone]\nleft_out = [\"test\"]\n"
    "[modules.alpha]\nwhy = \"a test\"\nhidden_imports = [\"alpha._c\", \"a1b2__mypyc\"]\n"
    "hidden_imports_at_use = [\"alpha._idna\", \"alpha._c\", \"alpha._idna\"]\n"
    "excluded_imports = [\"beta\"]\nplugin_groups = [\"alpha.plugins\"]\n"
    "data = [{ from = \"../share/alpha\", to = \"data\" }]\n"
    "target_libraries = [\"libalpha.so.1\", \"libshared*.so.*\"]\n"
    "[modules.\"alpha.extern\"]\nsubmodules_from = \"alpha._vendor\"\n"
    "[modules.gamma]\ntarget_libraries = [\"libshared.so.2\", \"libgamma.so.3\"]\n";

static void test_good_file(void **state)
{
    (void)state;
    pf_error err = {0};
    PyObject *rules = pfz_rules_load(GOOD, "good.toml", &err);
    assert_non_null(rules);
    expect_call(rules, "['alpha._c', 'a1b2__mypyc']", "hidden_imports", "(sz)", "alpha", NULL,
                NULL);
    expect_call(rules, "[]", "hidden_imports", "(sz)", "gamma", NULL, NULL);
    /* at use: each once, and not those also imported as the module loads */
    expect_call(rules, "['alpha._idna']", "hidden_imports_at_use", "(sz)", "alpha", NULL, NULL);
    expect_call(rules, "[]", "hidden_imports_at_use", "(sz)", "gamma", NULL, NULL);
    expect_call(rules, "True", "excludes", "(ssz)", "alpha.sub", "beta.x", NULL);
    expect_call(rules, "False", "excludes", "(ssz)", "alpha", "betax", NULL);
    expect_call(rules, "False", "excludes", "(ssz)", "gamma", "beta", NULL);
    expect_call(rules, "['alpha.plugins']", "plugin_groups", "(s)", "alpha", NULL, NULL);
    /* the packed modules' libraries left to the target, each once, in
     * module-name order; a module not packed brings none */
    expect_call(rules,
                "[('libalpha.so.1', 'alpha'), ('libshared*.so.*', 'alpha'), "
                "('libshared.so.2', 'gamma'), ('libgamma.so.3', 'gamma')]",
                "target_libraries", "([sss])", "gamma", "alpha", "delta");
    expect_call(rules, "[('libshared.so.2', 'gamma'), ('libgamma.so.3', 'gamma')]",
                "target_libraries", "([s])", "gamma", NULL, NULL);
    expect_call(rules, "[]", "target_libraries", "([s])", "alpha.extern", NULL, NULL);
    /* a vendoring importer's names stand for its source package's */
    expect_call(rules, "['alpha._vendor.pk.mod']", "alias_targets", "(s)", "alpha.extern.pk.mod",
                NULL, NULL);
    expect_call(rules, "['alpha._vendor.pk']", "alias_targets", "(s)", "alpha.extern.pk", NULL,
                NULL);
    expect_call(rules, "None", "alias_targets", "(s)", "alpha.extern", NULL, NULL);
    expect_call(rules, "None", "alias_targets", "(s)", "alpha.externx.pk", NULL, NULL);
    PyObject *dev = PyObject_GetAttrString(rules, "development");
    PyObject *doctest = PyUnicode_FromString("doctest");
    assert_int_equal(PySet_Contains(dev, doctest), 1);
    Py_DECREF(doctest);
    Py_DECREF(dev);
    Py_DECREF(rules);
}

static void test_data(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "share/alpha/a.txt", "a", (size_t)-1);
    rt_write(dir, "share/alpha/sub/b.txt", "b", (size_t)-1);
    char pkg[1024];
    snprintf(pkg, sizeof pkg, "%s/alpha", dir);
    rt_write(dir, "alpha/__init__.py", "", (size_t)-1);
    pf_error err = {0};
    PyObject *rules = pfz_rules_load(GOOD, "good.toml", &err);
    assert_non_null(rules);
    char *got = call(rules, "data", "(ss)", "alpha", pkg);
    char want[16384];
    snprintf(want, sizeof want,
             "[('%s/../share/alpha/a.txt', 'data/a.txt'), ('%s/../share/alpha/sub/b.txt', "
             "'data/sub/b.txt')]",
             pkg, pkg);
    assert_string_equal(got, want);
    free(got);
    got = call(rules, "data", "(ss)", "gamma", pkg);
    assert_string_equal(got, "[]");
    free(got);
    /* a missing `from` is skipped: another installation keeps it inside */
    rt_rmtree(dir);
    got = call(rules, "data", "(ss)", "alpha", "/nonexistent/alpha");
    assert_string_equal(got, "[]");
    free(got);
    Py_DECREF(rules);
}

/* Data outside the package (package_rules.py DpkgData) over a fake dpkg
 * database: a directory the package's module names by absolute path and by
 * basename, listed for a Debian package of the module's source package, is
 * packed beside the package; /usr/share/doc, another source package's
 * directory, a path without its basename and a package outside a
 * dist-packages directory are not. */
static void test_dpkg_data(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp(); /* rt_rmtree frees it */
    char text[8192], share[1100], info[1100], status[1100], pkg[1100];
    snprintf(share, sizeof share, "%s/usr/share/", dir);
    snprintf(info, sizeof info, "%s/info", dir);
    snprintf(status, sizeof status, "%s/status", dir);
    snprintf(pkg, sizeof pkg, "%s/dist-packages/alpha", dir);
    rt_write(dir, "usr/share/alpha/data/a.txt", "a", (size_t)-1);
    rt_write(dir, "usr/share/alpha/data/unlisted.txt", "u", (size_t)-1);
    rt_write(dir, "usr/share/doc/alpha/README", "r", (size_t)-1);
    rt_write(dir, "usr/share/zone/z", "z", (size_t)-1);
    rt_write(dir, "usr/share/beta/b", "b", (size_t)-1);
    snprintf(text, sizeof text,
             "D = '%s/usr/share/alpha/data'\nB = 'data'\nZ = ('%szone', 'zone')\n"
             "DOC = ('%sdoc/alpha', 'alpha')\nBETA = '%sbeta/'\n",
             dir, share, share, share);
    rt_write(dir, "dist-packages/alpha/__init__.py", text, (size_t)-1);
    /* (the site copy made below is listed too: only its place differs) */
    snprintf(text, sizeof text, "%s/dist-packages/alpha/__init__.py\n%s/site/alpha/__init__.py\n",
             dir, dir);
    rt_write(dir, "info/python3-alpha.list", text, (size_t)-1);
    snprintf(text, sizeof text,
             "%s/usr/share/alpha/data\n%s/usr/share/alpha/data/a.txt\n%s/usr/share/doc/alpha\n"
             "%s/usr/share/doc/alpha/README\n%s/usr/share/beta\n%s/usr/share/beta/b\n",
             dir, dir, dir, dir, dir, dir);
    rt_write(dir, "info/alpha-data.list", text, (size_t)-1);
    snprintf(text, sizeof text, "%s/usr/share/zone\n%s/usr/share/zone/z\n", dir, dir);
    rt_write(dir, "info/tzish:amd64.list", text, (size_t)-1);
    rt_write(dir, "status",
             "Package: python3-alpha\nSource: alpha\n\nPackage: alpha-data\nSource: alpha (1.0-1)\n"
             "\nPackage: tzish\nArchitecture: amd64\n",
             (size_t)-1);
    pf_error err = {0};
    PyObject *rules = pfz_rules_load(GOOD, "good.toml", &err);
    assert_non_null(rules);
    PyObject *old = PyObject_GetAttrString(rules, "_dpkg");
    assert_non_null(old);
    PyObject *fake = PyObject_CallFunction((PyObject *)Py_TYPE(old), "sss", share, info, status);
    assert_non_null(fake);
    assert_int_equal(PyObject_SetAttrString(rules, "_dpkg", fake), 0);
    char *got = call(rules, "data", "(ss)", "alpha", pkg);
    snprintf(text, sizeof text, "[('%s/usr/share/alpha/data/a.txt', 'data/a.txt')]", dir);
    assert_string_equal(got, text);
    free(got);
    /* only Debian's dist-packages are looked at (not the stdlib's packages) */
    snprintf(pkg, sizeof pkg, "%s/site/alpha", dir);
    snprintf(text, sizeof text, "%s/dist-packages/alpha/__init__.py", dir);
    char copy[1200];
    snprintf(copy, sizeof copy, "%s/site", dir);
    assert_int_equal(mkdir(copy, 0755), 0);
    assert_int_equal(mkdir(pkg, 0755), 0);
    snprintf(copy, sizeof copy, "%s/__init__.py", pkg);
    assert_int_equal(link(text, copy), 0);
    got = call(rules, "data", "(ss)", "alpha", pkg);
    assert_string_equal(got, "[]");
    free(got);
    Py_DECREF(fake);
    Py_DECREF(old);
    Py_DECREF(rules);
    rt_rmtree(dir);
}

/* bad: loading text fails with PF_ERR_USAGE and a message holding each
 * of the words. */
static void bad(const char *text, const char *word1, const char *word2)
{
    pf_error err = {0};
    PyObject *rules = pfz_rules_load(text, "bad.toml", &err);
    assert_null(rules);
    assert_int_equal(err.status, PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "bad.toml"));
    if (strstr(err.message, word1) == NULL || strstr(err.message, word2) == NULL) {
        fail_msg("'%s' lacks '%s' or '%s'", err.message, word1, word2);
    }
}

static void test_bad_files(void **state)
{
    (void)state;
    bad("format = \n", "not valid TOML", "");
    bad("format = 2\n", "format", "1");
    bad("format = 1\nextra = 3\n", "unknown key", "extra");
    bad("format = 1\n[tools]\nbuild = [\"a b\"]\n", "tools.build", "module names");
    bad("format = 1\n[modules.alpha]\nhidden_imports = \"x\"\n", "modules.alpha", "hidden_imports");
    bad("format = 1\n[modules.alpha]\nhidden_imports_at_use = [\"a b\"]\n", "modules.alpha",
        "hidden_imports_at_use");
    bad("format = 1\n[modules.alpha]\nsurprise = 1\n", "modules.alpha.surprise", "unknown");
    bad("format = 1\n[modules.alpha]\ndata = [{ from = \"x\", to = \"../y\" }]\n",
        "modules.alpha.data", "RELATIVE");
    bad("format = 1\n[modules.alpha]\ndata = [{ from = \"x\" }]\n", "modules.alpha.data", "from");
    bad("format = 1\n[modules.\"a b\"]\n", "modules.a b", "module name");
    /* target_libraries: library names (SONAMEs or globs), never paths */
    bad("format = 1\n[modules.alpha]\ntarget_libraries = \"libx.so.1\"\n",
        "modules.alpha.target_libraries", "wrong type");
    bad("format = 1\n[modules.alpha]\ntarget_libraries = [\"/usr/lib/libx.so.1\"]\n",
        "modules.alpha.target_libraries", "SONAMEs");
    bad("format = 1\n[modules.alpha]\ntarget_libraries = [\"fontconfig\"]\n",
        "modules.alpha.target_libraries", "SONAMEs");
    bad("format = 1\n[modules.alpha]\ntarget_libraries = [3]\n", "modules.alpha.target_libraries",
        "SONAMEs");
    bad("format = 1\n[modules.alpha]\ntarget_libraries = [\"\"]\n",
        "modules.alpha.target_libraries", "SONAMEs");
    bad("format = 1\n[modules.alpha]\nsubmodules_from = \"a-b\"\n", "modules.alpha.submodules_from",
        "module name");
    bad("format = 1\n[codecs]\non_demand = [\"shift_jis\"]\n", "codecs.on_demand", "encodings");
    bad("format = 1\n[codecs]\non_demand = [\"encodings.a.b\"]\n", "codecs.on_demand", "encodings");
    bad("format = 1\n[codecs]\nnames_ignored_in = [\"a b\"]\n", "codecs.names_ignored_in",
        "module names");
    bad("format = 1\n[codecs]\nsurprise = 1\n", "codecs", "on_demand");
    bad("format = 1\n[gated_imports.\"a.b\"]\nhmac = []\n", "gated_imports.a.b.hmac",
        "list of names");
    bad("format = 1\n[gated_imports.\"a.b\"]\nhmac = [\"not a name\"]\n", "gated_imports.a.b.hmac",
        "list of names");
}

/* The file the freezer is built with loads and holds the tool lists. */
static void test_builtin_file(void **state)
{
    (void)state;
    FILE *f = fopen(PFZ_RULES_TOML, "rb");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    pf_error err = {0};
    PyObject *rules = pfz_rules_load(text, PFZ_RULES_TOML, &err);
    if (rules == NULL) {
        fail_msg("%s", err.message);
    }
    expect_call(rules, "True", "excludes", "(ssz)", "numpy.typing.mypy_plugin", "mypy.nodes", NULL);
    expect_call(rules, "['Manager']", "gate", "(ss)", "multiprocessing.context",
                "multiprocessing.managers", NULL);
    expect_call(rules, "None", "gate", "(ss)", "multiprocessing.context", "multiprocessing.pool",
                NULL);
    /* a packed tkinter leaves fontconfig and freetype to the target */
    expect_call(rules, "[('libfontconfig.so.1', 'tkinter'), ('libfreetype.so.6', 'tkinter')]",
                "target_libraries", "([ss])", "tkinter", "tkinter.ttk", NULL);
    /* the codecs packed on demand are modules of encodings that exist */
    PyObject *on_demand = PyObject_GetAttrString(rules, "codecs_on_demand");
    PyObject *shift_jis = PyUnicode_FromString("encodings.shift_jis");
    assert_int_equal(PySet_Contains(on_demand, shift_jis), 1);
    Py_DECREF(shift_jis);
    PyObject *it = PyObject_GetIter(on_demand);
    for (PyObject *name; (name = PyIter_Next(it)) != NULL; Py_DECREF(name)) {
        PyObject *spec = PyImport_ImportModule(PyUnicode_AsUTF8(name));
        if (spec == NULL) {
            fail_msg("codecs.on_demand: %s cannot be imported", PyUnicode_AsUTF8(name));
        }
        Py_DECREF(spec);
    }
    Py_DECREF(it);
    Py_DECREF(on_demand);
    Py_DECREF(rules);
}

static void test_hooks(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "top/__init__.py", "", (size_t)-1);
    rt_write(dir, "top/_pyinstaller/hook-top.py",
             "from PyInstaller.utils.hooks import collect_submodules\n"
             "raise SystemExit('a hook is never executed')\n"
             "hiddenimports = ['top._speedups', 'top.a1']\n"
             "hiddenimports += ['top.more']\n"
             "if is_conda:\n    hiddenimports.append('six')\n"
             "excludedimports = ('pytest', 'top.testing')\n"
             "datas = collect_submodules('top')\n",
             (size_t)-1);
    rt_write(dir, "top/_pyinstaller/hook-top.sub.py",
             "hiddenimports = collect_submodules('top.sub')\n", (size_t)-1);
    rt_write(dir, "top/_pyinstaller/hook-broken.py", "hiddenimports = [\n", (size_t)-1);
    rt_write(dir, "top/hooks/hook-top.other.py", "hiddenimports = ['no']\n", (size_t)-1);
    char top[4096];
    snprintf(top, sizeof top, "%s/top", dir);
    pf_error err = {0};
    PyObject *rules = pfz_rules_load("format = 1\n", "empty.toml", &err);
    assert_non_null(rules);
    expect_call(rules, "['top._speedups', 'top.a1', 'top.more']", "hidden_imports", "(ss)", "top",
                top, NULL);
    expect_call(rules, "[]", "hidden_imports", "(ss)", "top.sub", top, NULL);
    expect_call(rules, "[]", "hidden_imports", "(ss)", "top.other", top, NULL);
    expect_call(rules, "True", "excludes", "(sss)", "top.core", "top.testing.x", top);
    expect_call(rules, "True", "excludes", "(sss)", "top", "pytest", top);
    expect_call(rules, "False", "excludes", "(sss)", "top", "six", top);
    expect_call(rules, "False", "excludes", "(ssz)", "top", "pytest", NULL);
    Py_DECREF(rules);
    rt_rmtree(dir);
}

static void test_six_table(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "six.py",
             "class _SixMetaPathImporter: pass\n"
             "class MovedModule:\n    def __init__(self, name, old, new=None): pass\n"
             "class MovedAttribute:\n    def __init__(self, *a): pass\n"
             "_moved_attributes = [\n"
             "    MovedAttribute('reduce', '__builtin__', 'functools'),\n"
             "    MovedModule('queue', 'Queue'),\n"
             "    MovedModule('http_client', 'httplib', 'http.client'),\n"
             "    MovedModule('urllib', __name__ + '.moves.urllib', __name__ + '.moves.urllib'),\n"
             "]\n"
             "_moved_attributes += [MovedModule('winreg', '_winreg')]\n"
             "_urllib_parse_moved_attributes = [\n"
             "    MovedAttribute('urljoin', 'urlparse', 'urllib.parse'),\n"
             "]\n",
             (size_t)-1);
    rt_write(dir, "notsix.py", "MovedModule = 1\n", (size_t)-1);
    char six[4096], notsix[4096];
    snprintf(six, sizeof six, "%s/six.py", dir);
    snprintf(notsix, sizeof notsix, "%s/notsix.py", dir);
    pf_error err = {0};
    PyObject *rules = pfz_rules_load("format = 1\n", "empty.toml", &err);
    assert_non_null(rules);
    expect_call(rules, "[]", "lazy_targets", "(ss)", six, "moves", NULL);
    expect_call(rules, "['queue']", "lazy_targets", "(ss)", six, "moves.queue", NULL);
    expect_call(rules, "['http.client']", "lazy_targets", "(ss)", six, "moves.http_client", NULL);
    expect_call(rules, "['functools']", "lazy_targets", "(ss)", six, "moves.reduce", NULL);
    expect_call(rules, "['urllib.parse']", "lazy_targets", "(ss)", six, "moves.urllib.parse", NULL);
    expect_call(rules, "['urllib', 'urllib.parse']", "lazy_targets", "(ss)", six, "moves.urllib",
                NULL);
    expect_call(rules, "None", "lazy_targets", "(ss)", six, "moves.winreg", NULL);
    expect_call(rules, "None", "lazy_targets", "(ss)", six, "other", NULL);
    expect_call(rules, "None", "lazy_targets", "(ss)", notsix, "moves", NULL);
    Py_DECREF(rules);
    rt_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file), cmocka_unit_test(test_data),
        cmocka_unit_test(test_bad_files), cmocka_unit_test(test_builtin_file),
        cmocka_unit_test(test_hooks),     cmocka_unit_test(test_six_table),
        cmocka_unit_test(test_dpkg_data),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
