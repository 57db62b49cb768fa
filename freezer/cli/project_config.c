/* project_config.c - pyproject.toml's [tool.pyfreeze] as command-line
 * arguments, and console scripts' object references from [project.scripts]
 * or installed metadata; see project_config.h. TOML is read by CPython's
 * tomllib and entry points by importlib.metadata, never by our own parser. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "project_config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "option_docs.h"
#include "option_table.h"
#include "py_error.h"
#include "python_host.h"

/* The Python side: reading the file and looking entry points up. A
 * ValueError's text becomes the usage error's message. */
static const char helpers_source[] =
    "import os, sys, tomllib\n"
    "def load(path):\n"
    "    try:\n"
    "        with open(path, 'rb') as f:\n"
    "            return tomllib.load(f)\n"
    "    except FileNotFoundError:\n"
    "        return None\n"
    "    except tomllib.TOMLDecodeError as e:\n"
    "        raise ValueError(f'{path} is not valid TOML ({e}): fix it') from None\n"
    "    except (OSError, UnicodeDecodeError) as e:\n"
    "        raise ValueError(f'cannot read {path}: {e}') from None\n"
    "def tool_table(path):\n"
    "    data = load(path)\n"
    "    tool = data.get('tool') if data is not None else None\n"
    "    table = tool.get('pyfreeze') if isinstance(tool, dict) else None\n"
    "    if table is None:\n"
    "        return None\n"
    "    if not isinstance(table, dict):\n"
    "        raise ValueError(f'{path}: tool.pyfreeze must be a table ([tool.pyfreeze])')\n"
    "    return list(table.items())\n"
    "def reference(value, where):\n"
    "    from importlib.metadata import EntryPoint\n"
    "    ep = EntryPoint(None, value, None)\n"
    "    try:\n"
    "        mod, attr = ep.module, ep.attr\n"
    "    except AttributeError:\n"
    "        mod = attr = None\n"
    "    if not mod or not attr:\n"
    "        raise ValueError(f'{where}: {value!r} is not MODULE:FUNCTION (e.g. pkg.cli:main)')\n"
    "    return f'{mod}:{attr}'\n"
    "def project_script(path, name):\n"
    "    data = load(path) if path else None\n"
    "    project = data.get('project') if data is not None else None\n"
    "    scripts = project.get('scripts') if isinstance(project, dict) else None\n"
    "    if not isinstance(scripts, dict) or name not in scripts:\n"
    "        return None\n"
    "    where = f'{path} [project.scripts] {name}'\n"
    "    if not isinstance(scripts[name], str):\n"
    "        raise ValueError(f'{where}: give a string such as \"pkg.cli:main\"')\n"
    "    return reference(scripts[name], where), f'{path} [project.scripts]'\n"
    "def installed_script(name, paths, venv):\n"
    "    import glob, importlib.metadata as md\n"
    "    search = list(paths)\n"
    "    if venv:\n"
    "        search += glob.glob(os.path.join(venv, 'lib', 'python3.11', 'site-packages'))\n"
    "    for dist in md.distributions(path=search + sys.path):\n"
    "        for ep in dist.entry_points:\n"
    "            if ep.group == 'console_scripts' and ep.name == name:\n"
    "                found = f\"{dist.metadata['Name']} {dist.version}\"\n"
    "                return reference(ep.value, f'console script {name} of {found}'), found\n"
    "    return None\n";

/* call_helper: helpers_source's function fn called with args (a new tuple,
 * stolen; NULL when building it failed). Sets *res to a new reference.
 * Returns PF_OK, or PF_ERR_USAGE with a ValueError's text, or what failed.
 * The interpreter must be started. */
static int call_helper(const char *fn, PyObject *args, PyObject **res, pf_error *err)
{
    *res = NULL;
    if (args == NULL) {
        return pfz_py_fail(err, "cannot read pyproject.toml");
    }
    PyObject *ns = PyDict_New();
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    PyObject *code =
        ns != NULL ? Py_CompileString(helpers_source, "<pyfreeze project_config>", Py_file_input)
                   : NULL;
    PyObject *done = code != NULL && PyDict_SetItemString(ns, "__builtins__", builtins) == 0
                         ? PyEval_EvalCode(code, ns, ns)
                         : NULL;
    PyObject *f = done != NULL ? PyDict_GetItemString(ns, fn) : NULL; /* borrowed */
    *res = f != NULL ? PyObject_CallObject(f, args) : NULL;
    int rc = *res != NULL ? PF_OK
                          : pfz_py_usage_error(err, "", "invalid pyproject.toml",
                                               "cannot read pyproject.toml");
    Py_XDECREF(done);
    Py_XDECREF(code);
    Py_XDECREF(ns);
    Py_DECREF(args);
    return rc;
}

/* add_arg: appends s (malloc'd, taken; NULL means out of memory). */
static int add_arg(pfz_project_config *cfg, char *s, pf_error *err)
{
    char **grown = s != NULL ? realloc(cfg->argv, (size_t)(cfg->argc + 1) * sizeof *grown) : NULL;
    if (grown == NULL) {
        free(s);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading pyproject.toml");
    }
    cfg->argv = grown;
    cfg->argv[cfg->argc++] = s;
    return PF_OK;
}

/* key_error: PF_ERR_USAGE "ORIGIN KEY: message". */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
key_error(const pfz_project_config *cfg, const char *key, pf_error *err, const char *fmt, ...)
{
    char message[PF_ERROR_MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return pf_error_set(err, PF_ERR_USAGE, "%s %s: %s", cfg->origin, key, message);
}

/* toml_type: how TOML names the type of v, for messages. */
static const char *toml_type(PyObject *v)
{
    return PyBool_Check(v)      ? "a boolean"
           : PyLong_Check(v)    ? "an integer"
           : PyFloat_Check(v)   ? "a float"
           : PyUnicode_Check(v) ? "a string"
           : PyList_Check(v)    ? "an array"
           : PyDict_Check(v)    ? "a table"
                                : "a date or time";
}

/* unknown_key: the error for a key that names no option, with the option
 * meant when the key is a near miss ('_' for '-', a plural). */
static int unknown_key(const pfz_project_config *cfg, const char *key, pf_error *err)
{
    char guess[128];
    snprintf(guess, sizeof guess, "%s", key);
    for (char *p = guess; *p != '\0'; p++) {
        *p = *p == '_' ? '-' : *p;
    }
    size_t n = strlen(guess);
    int known = pfz_option_kind(guess) >= 0 || strcmp(guess, "script") == 0;
    if (!known && n > 1 && guess[n - 1] == 's') {
        guess[n - 1] = '\0';
        known = pfz_option_kind(guess) >= 0;
    }
    if (strcmp(key, "config") == 0) {
        return key_error(cfg, key, err, "a [tool.pyfreeze] table cannot name another file");
    }
    if (known && strcmp(guess, key) != 0) {
        return key_error(cfg, key, err, "unknown key; did you mean '%s'?", guess);
    }
    return key_error(cfg, key, err,
                     "unknown key: keys are the long options' names (see pyfreeze --help) "
                     "and 'script'");
}

/* rebase: what goes before the value s of key so that a relative path in
 * the file is relative to the file's directory: cfg->dir for the options
 * whose value is a file or directory (the option table's value kind: -p
 * DIR, -o OUT, --add-data SRC:DEST's SRC, ...) and "script", "" for others
 * and for absolute paths. */
static const char *rebase(const pfz_project_config *cfg, const char *key, const char *s)
{
    if (cfg->dir == NULL || s[0] == '/') {
        return "";
    }
    if (strcmp(key, "script") == 0) {
        return cfg->dir;
    }
    const pfz_option_spec *o = pfz_option_find(key, strlen(key), 1);
    pfz_value_kind k = o != NULL ? pfz_option_value_kind(o) : PFZ_VALUE_NONE;
    return k == PFZ_VALUE_DIR || k == PFZ_VALUE_FILE ? cfg->dir : "";
}

/* option_arg: "--KEY=VALUE" for one value v (a string, or an integer
 * when integers are allowed), added to cfg. */
static int option_arg(pfz_project_config *cfg, const char *key, PyObject *v, int allow_int,
                      const char *expected, pf_error *err)
{
    char *arg = NULL;
    if (PyUnicode_Check(v)) {
        const char *s = PyUnicode_AsUTF8(v);
        if (s == NULL) {
            PyErr_Clear();
            return key_error(cfg, key, err, "the value is not valid UTF-8 text");
        }
        if (asprintf(&arg, "--%s=%s%s", key, rebase(cfg, key, s), s) < 0) {
            arg = NULL;
        }
    } else if (allow_int && PyLong_Check(v) && !PyBool_Check(v)) {
        if (asprintf(&arg, "--%s=%ld", key, PyLong_AsLong(v)) < 0) {
            arg = NULL;
        }
        PyErr_Clear(); /* an overflow shows as -1, which the option refuses */
    } else {
        return key_error(cfg, key, err, "expected %s, not %s", expected, toml_type(v));
    }
    return add_arg(cfg, arg, err);
}

/* add_key: the arguments for one key of the table. */
static int add_key(pfz_project_config *cfg, const char *key, PyObject *v, pf_error *err)
{
    int kind = pfz_option_kind(key);
    if (kind < 0) {
        return unknown_key(cfg, key, err);
    }
    if (kind == 0) {
        if (!PyBool_Check(v)) {
            return key_error(cfg, key, err, "expected true or false, not %s", toml_type(v));
        }
        char *arg = NULL;
        if (v == Py_False) {
            return PF_OK;
        }
        return add_arg(cfg, asprintf(&arg, "--%s", key) < 0 ? NULL : arg, err);
    }
    if (kind == 1) {
        return option_arg(cfg, key, v, 1, "a string", err);
    }
    if (!PyList_Check(v)) {
        return option_arg(cfg, key, v, 0, "a string or an array of strings", err);
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
        int rc = option_arg(cfg, key, PyList_GET_ITEM(v, i), 0, "an array of strings", err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    return PF_OK;
}

/* add_table: the arguments for items, the table's (key, value) list; the
 * script last, after "--". */
static int add_table(pfz_project_config *cfg, PyObject *items, pf_error *err)
{
    PyObject *script = NULL; /* borrowed */
    int entries = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        const char *key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(item, 0));
        PyObject *v = PyTuple_GET_ITEM(item, 1);
        if (key == NULL) {
            PyErr_Clear();
            return pf_error_set(err, PF_ERR_USAGE, "%s: a key is not valid UTF-8", cfg->origin);
        }
        entries += strcmp(key, "script") == 0 || strcmp(key, "module") == 0 ||
                   strcmp(key, "entry-point") == 0;
        if (entries > 1) {
            return key_error(cfg, key, err,
                             "give one of 'script', 'module' and 'entry-point', not two");
        }
        if (strcmp(key, "script") == 0) {
            if (!PyUnicode_Check(v)) {
                return key_error(cfg, key, err, "expected a string, not %s", toml_type(v));
            }
            script = v;
            continue;
        }
        int rc = add_key(cfg, key, v, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    if (script == NULL) {
        return PF_OK;
    }
    const char *s = PyUnicode_AsUTF8(script);
    if (s == NULL) {
        PyErr_Clear();
        return key_error(cfg, "script", err, "the value is not valid UTF-8 text");
    }
    char *script_arg = NULL;
    if (asprintf(&script_arg, "%s%s", rebase(cfg, "script", s), s) < 0) {
        script_arg = NULL;
    }
    int rc = add_arg(cfg, strdup("--"), err);
    if (rc != PF_OK) {
        free(script_arg);
        return rc;
    }
    return add_arg(cfg, script_arg, err);
}

/* find_pyproject: sets cfg->found to the nearest pyproject.toml, in the
 * working directory or a parent ("../../pyproject.toml"), as black and ruff
 * look for their settings; the search stops at a repository's root (a
 * directory with .git or .hg, checked itself) and at /. None found: found
 * stays NULL. */
static int find_pyproject(pfz_project_config *cfg, pf_error *err)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        return PF_OK; /* a removed working directory: nothing to read */
    }
    size_t len = strlen(cwd);
    char prefix[3 * 40 + 1] = "";
    char candidate[sizeof prefix + 32];
    for (int up = 0; up < 40; up++) {
        snprintf(candidate, sizeof candidate, "%spyproject.toml", prefix);
        if (access(candidate, F_OK) == 0) {
            cfg->found = strdup(candidate);
            return cfg->found != NULL ? PF_OK : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        snprintf(candidate, sizeof candidate, "%s.git", prefix);
        int repo_root = access(candidate, F_OK) == 0;
        snprintf(candidate, sizeof candidate, "%s.hg", prefix);
        if (repo_root || access(candidate, F_OK) == 0 || len <= 1) {
            return PF_OK;
        }
        while (len > 1 && cwd[len - 1] != '/') {
            len--; /* the parent of cwd[0..len) */
        }
        len = len > 1 ? len - 1 : 1;
        strcat(prefix, "../");
    }
    return PF_OK;
}

/* locate: which file cfg reads: config (--config FILE, which must exist),
 * else cfg->path (a test's), else the nearest pyproject.toml; cfg->dir is
 * its directory as a prefix ("", "../", "/tmp/p/"). *path NULL: none. */
static int locate(pfz_project_config *cfg, const char *config, const char **path, pf_error *err)
{
    *path = NULL;
    if (config != NULL && access(config, R_OK) != 0) {
        return pf_error_set(err, PF_ERR_USAGE, "--config '%s': cannot read it (%s)", config,
                            strerror(errno));
    }
    int rc = config == NULL && cfg->path == NULL ? find_pyproject(cfg, err) : PF_OK;
    *path = config != NULL ? config : cfg->path != NULL ? cfg->path : cfg->found;
    if (rc != PF_OK || *path == NULL) {
        return rc;
    }
    const char *slash = strrchr(*path, '/');
    size_t n = slash != NULL ? (size_t)(slash - *path) + 1 : 0;
    cfg->dir = strndup(*path, n);
    if (cfg->dir == NULL || asprintf(&cfg->origin, "%s [tool.pyfreeze]", *path) < 0) {
        cfg->origin = NULL;
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    return PF_OK;
}

int pfz_project_config_defaults(void *ctx, pfz_defaults_read *r, pf_error *err)
{
    pfz_project_config *cfg = ctx;
    const char *path = NULL;
    int rc = locate(cfg, r->config, &path, err);
    if (rc != PF_OK || path == NULL) {
        return rc;
    }
    r->origin = cfg->origin;
    r->file = path;
    r->dir = cfg->dir;
    PyObject *items = NULL;
    rc = pfz_python_start(err);
    if (rc == PF_OK) {
        rc = call_helper("tool_table", Py_BuildValue("(s)", path), &items, err);
    }
    if (rc != PF_OK) {
        return rc;
    }
    if (items == Py_None && r->config != NULL) {
        rc = pf_error_set(err, PF_ERR_USAGE,
                          "--config '%s': the file has no [tool.pyfreeze] table: add one, or "
                          "give another file",
                          path);
    } else if (items != Py_None) {
        rc = add_table(cfg, items, err);
    }
    Py_DECREF(items);
    if (rc == PF_OK) {
        r->argc = cfg->argc;
        r->argv = cfg->argv;
    }
    return rc;
}

void pfz_project_config_free(pfz_project_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    for (int i = 0; i < cfg->argc; i++) {
        free(cfg->argv[i]);
    }
    free(cfg->argv);
    free(cfg->origin);
    free(cfg->found);
    free(cfg->dir);
    cfg->argv = NULL;
    cfg->argc = 0;
    cfg->origin = NULL;
    cfg->found = NULL;
    cfg->dir = NULL;
}

/* take_pair: the (reference, found_in) tuple res as two malloc'd strings. */
static int take_pair(PyObject *res, char **reference, char **found_in, pf_error *err)
{
    const char *a = PyUnicode_AsUTF8(PyTuple_GetItem(res, 0));
    const char *b = a != NULL ? PyUnicode_AsUTF8(PyTuple_GetItem(res, 1)) : NULL;
    if (b == NULL) {
        return pfz_py_fail(err, "cannot read an entry point");
    }
    *reference = strdup(a);
    *found_in = strdup(b);
    if (*reference == NULL || *found_in == NULL) {
        free(*reference);
        free(*found_in);
        *reference = *found_in = NULL;
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    return PF_OK;
}

int pfz_project_entry_point(const char *name, const char *pyproject, const char *const *paths,
                            size_t path_count, const char *venv, char **reference, char **found_in,
                            pf_error *err)
{
    *reference = *found_in = NULL;
    PyObject *res = NULL;
    int rc = pfz_python_start(err);
    if (rc == PF_OK) {
        rc = call_helper("project_script", Py_BuildValue("(zs)", pyproject, name), &res, err);
    }
    if (rc == PF_OK && res == Py_None) {
        Py_DECREF(res);
        PyObject *list = PyList_New(0);
        for (size_t i = 0; list != NULL && i < path_count; i++) {
            PyObject *s = PyUnicode_DecodeFSDefault(paths[i]);
            if (s == NULL || PyList_Append(list, s) < 0) {
                Py_CLEAR(list);
            }
            Py_XDECREF(s);
        }
        rc = call_helper("installed_script",
                         list != NULL ? Py_BuildValue("(sNz)", name, list, venv) : NULL, &res, err);
    }
    if (rc != PF_OK) {
        return rc;
    }
    rc = res != Py_None
             ? take_pair(res, reference, found_in, err)
             : pf_error_set(err, PF_ERR_NOT_FOUND,
                            "--entry-point %s: no console script of that name in %s "
                            "[project.scripts] nor in the installed distributions' metadata "
                            "(the -p directories, the virtual environment, python3.11's "
                            "sys.path); check the name, or give -m MODULE:FUNCTION",
                            name, pyproject != NULL ? pyproject : "pyproject.toml");
    Py_DECREF(res);
    return rc;
}
