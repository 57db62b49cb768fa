/* boot_config.c - CPython's configuration for a frozen program, and its
 * start in two phases (core, then main initialisation once the importer is
 * on sys.meta_path); see boot_internal.h.
 *
 * A program (and each python3 command line its children are given) is
 * configured as `python3 -I` with the differences configure_program lists;
 * a standalone Python as python3.11 with the payload for its stdlib
 * (configure_python). Rule sources: CPython 3.11's Python/initconfig.c,
 * Python/pylifecycle.c and Modules/main.c, named at each function. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot_internal.h"

#include <stdio.h>
#include <stdlib.h>
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

/* configure_python: a standalone Python's configuration, on top of
 * PyConfig_InitPythonConfig: python3.11 parses the command line
 * (config.parse_argv) and reads PYTHON* variables as python3.11 does,
 * except:
 *  - the stdlib is the payload: sys.path holds no stdlib directory, only
 *    what python3 puts first (the script's directory, or '' for -c, -m and
 *    the interactive session), the PYTHONPATH entries (unless -E/-I) and
 *    what `site` adds (Lib/site.py, as in python3: the user's
 *    site-packages, site-packages under the executable's directory, which
 *    is sys.prefix; not with -S/-s/-I);
 *  - getpath's search for a stdlib or a ._pth file does not run (home and
 *    sys.path are given).
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
    if (PyStatus_Exception(status)) {
        return status;
    }
    if (config->use_environment && config->pythonpath_env != NULL) {
        /* PYTHONPATH: entries separated by ':' (Modules/getpath.py) */
        const wchar_t *p = config->pythonpath_env;
        while (!PyStatus_Exception(status) && *p != L'\0') {
            size_t n = wcscspn(p, L":");
            if (n > 0) {
                wchar_t *entry = malloc((n + 1) * sizeof *entry);
                if (entry == NULL) {
                    return PyStatus_NoMemory();
                }
                wmemcpy(entry, p, n);
                entry[n] = L'\0';
                status = PyWideStringList_Append(&config->module_search_paths, entry);
                free(entry);
            }
            p += n + (p[n] == L':');
        }
    }
    return status;
}

/* preinitialize: CPython's pre-initialisation (the allocator, the locale;
 * a standalone Python parses its command line and reads PYTHON* variables
 * for them, a program does neither, a python3 command line of a child
 * parses its own: -X dev and -X utf8 are read here, and only here, since
 * the configuration copies dev_mode from the pre-configuration
 * (Python/preconfig.c: precmdline_get_preconfig) and the locale is set
 * now) and the importer's built-in module, which must be registered before
 * the interpreter exists. Returns 0, or -1 after printing why. */
static int preinitialize(const struct boot *b, int argc, char **argv)
{
    int python = b->mode.run == PF_BOOT_PYTHON;
    int parse = python || b->mode.run == PF_BOOT_INTERPRETER;
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    preconfig.isolated = !python;
    preconfig.use_environment = python;
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
 *  - sys.path is [executable] (after a script child's directory, see
 *    below): the path entry the payload's modules are seen under, as
 *    zipimport shows an archive's (`python3 app.pyz` has 'app.pyz'), in
 *    the place of python3's stdlib and site directories; the importer's
 *    path hook serves it (docs/third-party.md, "At run time"). `site` is
 *    not imported: every module comes from the payload, and nothing
 *    beside the executable (.pth files, a pyvenv.cfg, sitecustomize) can
 *    run code in it;
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
 *    (but for the `-i` of a --allow-interactive build, which is removed;
 *    a child's python3 command line is CPython's to parse);
 *  - no bytecode is written anywhere (the payload's modules have none to
 *    write; a script child's neighbour modules, read from disk, leave no
 *    __pycache__ behind either);
 *  - sys.flags.optimize is the level the payload was compiled with, so
 *    __debug__, compile() and the packed bytecode agree (python3 -O/-OO).
 * Signal handlers are installed (SIGINT raises KeyboardInterrupt, SIGPIPE is
 * ignored) as python3 installs them. Initialisation stops after the core
 * (PF_PY_CONFIG_STOP_AFTER_CORE, cpython311.h) so the importer can be
 * installed first. */
static void configure_program(PyConfig *config, const struct boot *b)
{
    /* A child given a python3 command line without -I or -P gets what
     * python3 puts first on sys.path: the script's directory for
     * `SCRIPT.py`, the current directory ('') for -c, -m and `-`, so
     * it imports its neighbour modules from disk (the payload's finder
     * still comes first, so the stdlib stays the payload's). CPython
     * computes it (Modules/main.c: pymain_run_python) only when
     * safe_path is 0, which isolated forces to 1: such a child is not
     * isolated (sys.flags.isolated 0, as for python3) but is still cut
     * off from the environment and the user site below, like every
     * other process of the program, and writes no __pycache__ beside
     * those modules. The program's own children are given -I
     * (subprocess._args_from_interpreter_flags, sys.flags.isolated). */
    config->isolated = !b->mode.path0;
    config->use_environment = 0;
    config->user_site_directory = 0;
    PF_PY_CONFIG_SET_SAFE_PATH(config, !b->mode.path0);
    config->write_bytecode = !b->mode.path0;
    config->site_import = 0;
    /* A python3 command line from this program's own child processes is
     * parsed by CPython itself; isolation set above stays (no flag of it
     * turns environment variables, site or the user site back on). */
    config->parse_argv = b->mode.run == PF_BOOT_INTERPRETER;
    config->install_signal_handlers = 1;
    config->pathconfig_warnings = 0;
    PF_PY_CONFIG_USE_FROZEN_MODULES(config);
    config->module_search_paths_set = 1; /* [executable]: set_names_and_argv */
    PF_PY_CONFIG_STOP_AFTER_CORE(config);
    /* The payload's level; a child's own -O/-OO count on top of it (as
     * Modules/main.c counts them), never below it. */
    int level = (int)PF_INDEX_FLAG_OPTIMIZE_LEVEL(b->flags);
    if (b->mode.run == PF_BOOT_INTERPRETER) {
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
 * program's arguments, argv[0] replaced, which changes argv) and sys.path
 * ([executable], configure_program). Returns
 * CPython's status. */
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
        wchar_t *entry = Py_DecodeLocale(b->executable, NULL);
        status = entry != NULL ? PyWideStringList_Append(&config->module_search_paths, entry)
                               : PyStatus_NoMemory();
        PyMem_RawFree(entry);
        if (PyStatus_Exception(status)) {
            return status;
        }
        if (b->mode.inspect) {
            argv[1] = argv[0];
        }
        status = PyConfig_SetBytesArgv(config, argc - b->mode.inspect, argv + b->mode.inspect);
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
