/* boot_config.c - CPython's configuration for a frozen program, and its
 * start in two phases (core, then main initialisation once the importer is
 * on sys.meta_path); see boot_internal.h.
 *
 * A program is configured as `python3 -I` with the differences
 * configure_program lists; a python3 command line its children are given,
 * as python3.11 given that command line and environment (configure_program
 * too); a standalone Python as python3.11 with the payload for its stdlib
 * (configure_python). Rule sources: CPython 3.11's Python/initconfig.c,
 * Python/pylifecycle.c and Modules/main.c, named at each function. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include "cpython311.h"
#include "importer.h"
#include "payload.h"

/* check_status: on a PyStatus failure prints CPython's own message (as
 * python3 does) and returns -1. */
static int check_status(PyStatus status)
{
    if (PyStatus_Exception(status)) {
        if (PyStatus_IsExit(status)) {
            exit(status.exitcode);
        }
        fprintf(stderr, "Fatal Python error: %s: %s\n", status.func ? status.func : "init",
                status.err_msg ? status.err_msg : "unknown error");
        return -1;
    }
    return 0;
}

static PyObject *init_importer_module(void)
{
    return pf_importer_module_init();
}

/* pythonpath_entry: the PYTHONPATH entry p[0..n) made absolute as
 * python3.11 makes it (Modules/getpath.py: `abspath(p)`; Modules/getpath.c:
 * getpath_abspath normalises the entry with _Py_normpath, then joins a
 * relative one to the current directory, Python/fileutils.c: _Py_abspath,
 * so an empty entry or `.` is the current directory and `../x` stays
 * `CWD/../x`) and, with site, normalised once more as `site` does
 * (Lib/site.py: removeduppaths, makepath: os.path.abspath). Without a
 * current directory (cwd NULL: removed), a relative entry stays relative,
 * where python3.11 stops with "failed to make path absolute". Writes into
 * entry, room for cwdLength + 1 + n + 1 wide characters; returns a pointer
 * into it. */
static wchar_t *pythonpath_entry(wchar_t *entry, const wchar_t *cwd, size_t cwdLength,
                                 const wchar_t *p, size_t n, int site)
{
    /* room for "CWD/" first, so that the join needs no copy */
    wchar_t *own = entry + cwdLength + 1;
    wmemcpy(own, p, n);
    own[n] = L'\0';
    own = PF_PY_NORMPATH(own);
    if (cwd == NULL || own[0] == L'/') {
        return own; /* normalised already */
    }
    size_t ownLength = wcslen(own);
    int here = ownLength == 0 || wcscmp(own, L".") == 0;
    wmemcpy(entry, cwd, cwdLength);
    entry[cwdLength] = L'/';
    wmemmove(entry + cwdLength + 1, own, ownLength + 1);
    entry[here ? cwdLength : cwdLength + 1 + ownLength] = L'\0';
    return site ? PF_PY_NORMPATH(entry) : entry;
}

/* pf_boot_append_pythonpath: boot_internal.h. */
PyStatus pf_boot_append_pythonpath(PyConfig *config, int site)
{
    const wchar_t *p = config->pythonpath_env;
    if (p == NULL) {
        return PyStatus_Ok();
    }
    wchar_t *cwd = NULL;
    char buffer[PATH_MAX];
    if (getcwd(buffer, sizeof buffer) != NULL) {
        cwd = Py_DecodeLocale(buffer, NULL);
    }
    size_t cwdLength = cwd != NULL ? wcslen(cwd) : 0;
    PyStatus status = PyStatus_Ok();
    for (;;) {
        size_t n = wcscspn(p, L":");
        wchar_t *entry = PyMem_RawMalloc((cwdLength + 1 + n + 1) * sizeof *entry);
        if (entry == NULL) {
            status = PyStatus_NoMemory();
            break;
        }
        const wchar_t *path = pythonpath_entry(entry, cwd, cwdLength, p, n, site);
        PyWideStringList *list = &config->module_search_paths;
        Py_ssize_t seen = 0;
        while (site && seen < list->length && wcscmp(list->items[seen], path) != 0) {
            seen++;
        }
        if (!site || seen == list->length) {
            status = PyWideStringList_Append(list, path);
        }
        PyMem_RawFree(entry);
        if (PyStatus_Exception(status) || p[n] == L'\0') {
            break;
        }
        p += n + 1;
    }
    PyMem_RawFree(cwd);
    return status;
}

/* configure_python: a standalone Python's configuration, on top of
 * PyConfig_InitPythonConfig: python3.11 parses the command line
 * (config.parse_argv) and reads PYTHON* variables as python3.11 does,
 * except:
 *  - the stdlib is the payload: sys.path holds no stdlib directory, only
 *    what python3 puts first (the script's directory, or '' for -c, -m and
 *    the interactive session), the PYTHONPATH entries (unless -E/-I;
 *    pf_boot_append_pythonpath) and what `site` adds (Lib/site.py, as in
 *    python3: the user's site-packages, site-packages under the
 *    executable's directory, which is sys.prefix; not with -S/-s/-I);
 *  - getpath's search for a stdlib or a ._pth file does not run (home and
 *    sys.path are given), so PYTHONHOME is not read.
 * The command line is parsed here (PyConfig_Read) so -E and -I are known
 * before PYTHONPATH is read. */
static PyStatus configure_python(PyConfig *config)
{
    config->parse_argv = 1;
    config->install_signal_handlers = 1;
    config->pathconfig_warnings = 0;
    config->module_search_paths_set = 1;
    PF_PY_CONFIG_STOP_AFTER_CORE(config);
    PyStatus status = PyConfig_Read(config);
    return PyStatus_Exception(status) ? status : pf_boot_append_pythonpath(config, 0);
}

/* preinitialize: CPython's pre-initialisation (the allocator, the locale;
 * a standalone Python and a python3 command line of a child parse their
 * command line and, unless it has -I or -E, read the PYTHON* variables of
 * this stage as python3.11 does: PYTHONUTF8, PYTHONDEVMODE, PYTHONMALLOC,
 * PYTHONCOERCECLOCALE, PYTHONWARNDEFAULTENCODING; a program does neither.
 * -X dev, -X utf8 and those variables are read here, and only here, since
 * the configuration copies dev_mode from the pre-configuration
 * (Python/preconfig.c: precmdline_get_preconfig) and the locale is set
 * now) and the importer's built-in module, which must be registered before
 * the interpreter exists. Returns 0, or -1 after printing why. */
static int preinitialize(const struct boot *b, int argc, char **argv)
{
    int parse = b->mode.run == PF_BOOT_PYTHON || b->mode.run == PF_BOOT_INTERPRETER;
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    preconfig.isolated = !parse;
    preconfig.use_environment = parse;
    preconfig.parse_argv = parse;
    PyStatus status = parse ? Py_PreInitializeFromBytesArgs(&preconfig, argc, argv)
                            : Py_PreInitialize(&preconfig);
    if (check_status(status) < 0) {
        return -1;
    }
    if (PyImport_AppendInittab(PF_IMPORTER_MODULE_NAME, init_importer_module) < 0) {
        fprintf(stderr, "%s: cannot register the importer module\n", b->executable);
        return -1;
    }
    return 0;
}

/* configure_program: a program's configuration, on top of
 * PyConfig_InitPythonConfig: as `python3 -I` is configured (isolated: no
 * PYTHON* variables, no user site, no current directory or script directory
 * on sys.path), with these differences, each for a reason:
 *  - sys.path is [executable]: the path entry the payload's modules are
 *    seen under, as zipimport shows an archive's (`python3 app.pyz` has
 *    'app.pyz'), in the place of python3's stdlib and site directories;
 *    the importer's path hook serves it (docs/third-party.md, "At run
 *    time"). `site` is not imported: every module comes from the payload,
 *    and nothing beside the executable (.pth files, a pyvenv.cfg,
 *    sitecustomize) can run code in it;
 *  - home, prefix and executable are set explicitly (set_names_and_argv),
 *    which also stops getpath from honouring an `<exe>._pth` or
 *    `pyvenv.cfg` file. sys.prefix and sys.exec_prefix are the executable
 *    itself (`<exe>`, the root of the payload's paths, as sys._stdlib_dir),
 *    sys.base_prefix and sys.base_exec_prefix its directory: a frozen
 *    program is its own prefix, so sysconfig takes the posix_prefix scheme
 *    (as in a virtual environment, Lib/sysconfig.py
 *    _get_preferred_schemes) and get_path('data') is sys.prefix too; the
 *    files a distribution installed under its prefix (`<prefix>/share/...`,
 *    its RECORD) are packed at those paths (docs/third-party.md, "Data
 *    outside the package");
 *  - sys.argv is exactly [executable, user arguments...]: nothing parsed
 *    (but for the `-i` of a --allow-interactive build, which is removed);
 *  - sys.flags.optimize is the level the payload was compiled with, so
 *    __debug__, compile() and the packed bytecode agree (python3 -O/-OO).
 * A child given a python3 command line (PF_BOOT_INTERPRETER) is configured
 * as python3.11 given that command line, with the differences above but
 * the first and the third: CPython parses the command line and, unless it
 * holds -I or -E (use_environment, Python/initconfig.c: config_read_env_vars
 * and the functions it calls), reads the PYTHON* variables as python3.11
 * does; sys.path is what python3 puts first (the script's directory, or ''
 * for -c, -m and `-`, unless safe_path: -I, -P, PYTHONSAFEPATH; CPython
 * computes it, Modules/main.c: pymain_run_python), the PYTHONPATH entries
 * (set_names_and_argv), then the executable; the payload's finder still
 * comes first on sys.meta_path, so the stdlib stays the payload's. Its
 * sys.flags (isolated, no_user_site, dont_write_bytecode, safe_path...)
 * are python3's for the same command line and environment, so
 * subprocess._args_from_interpreter_flags() passes its own children what
 * python3's would; the program's own children are given -I
 * (sys.flags.isolated).
 * Signal handlers are installed (SIGINT raises KeyboardInterrupt, SIGPIPE is
 * ignored) as python3 installs them. Initialisation stops after the core
 * (PF_PY_CONFIG_STOP_AFTER_CORE, cpython311.h) so the importer can be
 * installed first. */
static void configure_program(PyConfig *config, const struct boot *b)
{
    int child = b->mode.run == PF_BOOT_INTERPRETER;
    if (!child) {
        config->isolated = 1;
        config->use_environment = 0;
        config->user_site_directory = 0;
        PF_PY_CONFIG_SET_SAFE_PATH(config, 1);
    }
    config->site_import = 0;
    config->parse_argv = child;
    config->install_signal_handlers = 1;
    config->pathconfig_warnings = 0;
    PF_PY_CONFIG_USE_FROZEN_MODULES(config);
    config->module_search_paths_set = 1; /* set_names_and_argv */
    PF_PY_CONFIG_STOP_AFTER_CORE(config);
    /* The payload's level; a child's own -O/-OO count on top of it (as
     * Modules/main.c counts them), never below it; PYTHONOPTIMIZE raises
     * it further (Python/initconfig.c: _Py_get_env_flag keeps the larger). */
    int level = (int)PF_INDEX_FLAG_OPTIMIZE_LEVEL(b->flags);
    if (child) {
        level = level > b->mode.child_optimize ? level - b->mode.child_optimize : 0;
    }
    config->optimization_level = level;
    /* python3 -i: sys.flags.inspect and .interactive, and PyErr_Print
     * does not exit on SystemExit (Python/pythonrun.c:
     * _Py_HandleSystemExit) until the session starts (pf_boot_run_interactive) */
    config->inspect = b->mode.inspect;
    config->interactive = b->mode.inspect;
}

/* set_names_and_argv: the configuration's strings: the program name,
 * sys.executable (the real path), home and the prefixes (the executable's
 * directory), a spawned child's command, and sys.argv (a standalone
 * Python's whole command line, which configure_python then parses; a
 * program's arguments, argv[0] replaced, which changes argv; a child's
 * python3 command line, parsed here) and sys.path ([executable] after a
 * child's PYTHONPATH entries, configure_program). Returns CPython's
 * status. */
static PyStatus set_names_and_argv(PyConfig *config, struct boot *b, int argc, char **argv)
{
    int python = b->mode.run == PF_BOOT_PYTHON;
    PyStatus status = PyConfig_SetBytesString(config, &config->program_name,
                                              python && argc > 0 ? argv[0] : b->executable);
    wchar_t **fields[] = {&config->executable, &config->base_executable};
    for (size_t i = 0; !PyStatus_Exception(status) && i < sizeof fields / sizeof *fields; i++) {
        status = PyConfig_SetBytesString(config, fields[i], b->executable);
    }
    /* a frozen program's sys.prefix is the payload's root, so that data a
     * distribution installed under its prefix (sys.prefix/share,
     * sysconfig.get_path('data'), packed there) is found; getpath takes
     * prefix and exec_prefix from home (Modules/getpath.py); see
     * configure_program */
    wchar_t **dirs[] = {&config->base_prefix, &config->base_exec_prefix, &config->home,
                        &config->prefix, &config->exec_prefix};
    for (size_t i = 0; !PyStatus_Exception(status) && i < sizeof dirs / sizeof *dirs; i++) {
        status = PyConfig_SetBytesString(config, dirs[i],
                                         i >= 2 && !python ? b->executable : b->directory);
    }
    if (!PyStatus_Exception(status) && b->mode.run == PF_BOOT_SPAWNED) {
        /* what multiprocessing.freeze_support() does in a frozen child */
        status = PyConfig_SetString(config, &config->run_command,
                                    L"from multiprocessing.spawn import freeze_support; "
                                    L"freeze_support()\n");
    }
    if (!PyStatus_Exception(status) && python) {
        status = PyConfig_SetBytesArgv(config, argc, argv);
        if (!PyStatus_Exception(status)) {
            status = configure_python(config);
        }
    } else if (!PyStatus_Exception(status)) {
        /* argv[0] is replaced by the real path, as sys.executable; the -i
         * that asked for the interactive session is not the program's */
        argv[0] = b->executable;
        if (b->mode.inspect) {
            argv[1] = argv[0];
        }
        status = PyConfig_SetBytesArgv(config, argc - b->mode.inspect, argv + b->mode.inspect);
        if (!PyStatus_Exception(status) && b->mode.run == PF_BOOT_INTERPRETER) {
            /* a child's command line is read now, so that -E and -I are
             * known before PYTHONPATH is (configure_program) */
            status = PyConfig_Read(config);
            if (!PyStatus_Exception(status)) {
                status = pf_boot_append_pythonpath(config, !b->mode.no_site);
            }
        }
        if (!PyStatus_Exception(status)) {
            wchar_t *entry = Py_DecodeLocale(b->executable, NULL);
            status = entry != NULL ? PyWideStringList_Append(&config->module_search_paths, entry)
                                   : PyStatus_NoMemory();
            PyMem_RawFree(entry);
        }
    }
    return status;
}

int pf_boot_start_core(struct boot *b, int argc, char **argv)
{
    if (preinitialize(b, argc, argv) < 0) {
        return -1;
    }
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    if (b->mode.run != PF_BOOT_PYTHON) {
        configure_program(&config, b);
    }
    PyStatus status = set_names_and_argv(&config, b, argc, argv);
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (check_status(status) < 0) {
        return -1;
    }
    b->python_started = 1;
    return 0;
}

int pf_boot_init_main(void)
{
    return check_status(PF_PY_INITIALIZE_MAIN());
}
