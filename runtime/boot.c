/* boot.c - the frozen program's boot; see boot.h.
 *
 * The steps read top to bottom in pf_boot_main: locate self -> map the
 * payload -> validate it -> configure CPython -> core init -> install the
 * importer -> main init -> run __main__ -> finalise. Each live resource has a
 * field in struct boot, so a failure part-way releases only what exists.
 *
 * CPython 3.11 specifics (rule source: Python/pylifecycle.c, Modules/main.c,
 * Python/pythonrun.c of 3.11) are gathered here: two-phase initialisation
 * (PyConfig._init_main = 0, then _Py_InitializeMain) puts the importer on
 * sys.meta_path before `encodings` is imported; exit statuses mirror
 * Py_RunMain's (pymain_run_python, exit_sigint). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_section.h"
#include "importer.h"
#include "payload.h"
#include "payload_reader.h"

struct boot {
    char executable[PATH_MAX]; /* real path of this program */
    char directory[PATH_MAX];  /* its directory */
    const uint8_t *image;      /* the whole executable file, mapped read-only */
    size_t image_size;         /* bytes */
    pf_payload *payload;       /* reader over the .pyfreeze section */
    int python_started;        /* Py_InitializeFromConfig succeeded */
    PyObject *importer;        /* the meta path finder (owned) */
    int mode;                  /* BOOT_* below: what this process runs */
};

/* What a process of a frozen program runs (see choose_mode). */
enum {
    BOOT_PROGRAM = 0,     /* the program's main module with the user's arguments */
    BOOT_INTERPRETER = 1, /* a python3 command line: [flags] -c CODE | -m MODULE */
    BOOT_SPAWNED = 2,     /* a multiprocessing spawn child: --multiprocessing-fork k=v... */
};

/* report_damaged: the one line a user sees when the executable is unusable. */
static int report_damaged(const struct boot *b, const char *what)
{
    fflush(stdout);
    fprintf(stderr, "%s: this frozen program is damaged: %s; rebuild it with pyfreeze\n",
            b->executable[0] ? b->executable : "pyfreeze program", what);
    return PF_BOOT_EXIT_DAMAGED;
}

/* locate_self: the real path of the running executable (not argv[0], which
 * the caller chooses) and its directory. */
static int locate_self(struct boot *b)
{
    ssize_t n = readlink("/proc/self/exe", b->executable, sizeof b->executable - 1);
    if (n <= 0 || (size_t)n >= sizeof b->executable - 1) {
        fprintf(stderr, "pyfreeze program: cannot find its own executable through "
                        "/proc/self/exe (is /proc mounted?)\n");
        b->executable[0] = '\0';
        return -1;
    }
    b->executable[n] = '\0';
    memcpy(b->directory, b->executable, (size_t)n + 1);
    char *slash = strrchr(b->directory, '/');
    if (slash == b->directory) {
        slash[1] = '\0';
    } else if (slash != NULL) {
        *slash = '\0';
    }
    return 0;
}

/* map_image: maps the executable file read-only. Mapping is lazy: only the
 * pages read (ELF headers, the frames a run needs) are ever loaded. */
static int map_image(struct boot *b)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char what[256];
        snprintf(what, sizeof what, "cannot open it (%s)", strerror(errno));
        return report_damaged(b, what), -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return report_damaged(b, "cannot read its size"), -1;
    }
    void *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (image == MAP_FAILED) {
        char what[256];
        snprintf(what, sizeof what, "cannot map it (%s)", strerror(errno));
        return report_damaged(b, what), -1;
    }
    b->image = image;
    b->image_size = (size_t)st.st_size;
    return 0;
}

/* open_payload: finds the .pyfreeze section and validates its seek table
 * and index. */
static int open_payload(struct boot *b)
{
    uint64_t offset, size;
    pf_error err;
    int rc = pf_elf_find_section(b->image, b->image_size, PF_SECTION_NAME, &offset, &size, &err);
    if (rc == PF_ERR_NOT_FOUND) {
        fflush(stdout);
        fprintf(stderr,
                "%s: no program inside: this is the pyfreeze stub; make a program with "
                "`pyfreeze app.py -o app`\n",
                b->executable);
        return -1;
    }
    if (rc != PF_OK) {
        return report_damaged(b, err.message), -1;
    }
    if (pf_payload_open(&b->payload, b->image + offset, (size_t)size, &err) != PF_OK) {
        return report_damaged(b, err.message), -1;
    }
    return 0;
}

/* started_by_self: whether the parent process runs this same executable
 * (same file: device and inode of /proc/PID/exe). Unreadable means no: a
 * parent of another user cannot make us interpret its command line. */
static int started_by_self(void)
{
    char parent[64];
    struct stat mine, theirs;
    snprintf(parent, sizeof parent, "/proc/%ld/exe", (long)getppid());
    return stat("/proc/self/exe", &mine) == 0 && stat(parent, &theirs) == 0 &&
           mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

/* is_interpreter_flag: a python3 option that takes no argument and that
 * subprocess._args_from_interpreter_flags() may pass a child (-I -E -s -S
 * -B -b -bb -d -O -OO -q -u -v -P -R), or -X/-W (which take one). Returns
 * the number of arguments it uses (1 or 2), or 0 when it is not one. */
static int is_interpreter_flag(int argc, char **argv, int i)
{
    static const char *const flags[] = {"-I", "-E",  "-s", "-S", "-B", "-b", "-bb", "-d",
                                        "-O", "-OO", "-q", "-u", "-v", "-P", "-R"};
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++) {
        if (strcmp(argv[i], flags[k]) == 0) {
            return 1;
        }
    }
    if ((strcmp(argv[i], "-X") == 0 || strcmp(argv[i], "-W") == 0) && i + 1 < argc) {
        return 2;
    }
    return 0;
}

/* choose_mode: the rule that tells a python3 command line, which
 * multiprocessing, concurrent.futures and subprocess give a child they start
 * with sys.executable, from the program's own arguments: the process must
 * have been started by this same executable AND its arguments must be
 * exactly `--multiprocessing-fork ...` or `[python flags] -c CODE ...` or
 * `[python flags] -m MODULE ...`. Anything else, including `./app -c x` typed
 * in a shell, goes to the program untouched (docs/user-guide.md). */
static int choose_mode(int argc, char **argv)
{
    if (argc < 2) {
        return BOOT_PROGRAM;
    }
    int spawned = strcmp(argv[1], "--multiprocessing-fork") == 0;
    int i = 1;
    while (!spawned && i < argc) {
        int used = is_interpreter_flag(argc, argv, i);
        if (used == 0) {
            break;
        }
        i += used;
    }
    int command =
        !spawned && i + 1 < argc && (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "-m") == 0);
    if ((spawned || command) && started_by_self()) {
        return spawned ? BOOT_SPAWNED : BOOT_INTERPRETER;
    }
    return BOOT_PROGRAM;
}

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

/* start_core: configures CPython as `python3 -I` is configured (isolated: no
 * PYTHON* variables, no user site, no current directory or script directory
 * on sys.path), with these differences, each for a reason:
 *  - sys.path is empty and `site` is not imported: every module comes from
 *    the payload, and nothing beside the executable (.pth files, a
 *    pyvenv.cfg, sitecustomize) can run code in it;
 *  - home, prefix and executable are set explicitly, which also stops
 *    getpath from honouring an `<exe>._pth` or `pyvenv.cfg` file;
 *  - sys.argv is exactly [executable, user arguments...]: nothing parsed;
 *  - no bytecode is written anywhere.
 * Signal handlers are installed (SIGINT raises KeyboardInterrupt, SIGPIPE is
 * ignored) as python3 installs them. Initialisation stops after the core
 * (_init_main = 0) so the importer can be installed first. */
static int start_core(struct boot *b, int argc, char **argv)
{
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    preconfig.isolated = 1;
    preconfig.use_environment = 0;
    preconfig.parse_argv = 0;
    if (check_status(Py_PreInitialize(&preconfig)) < 0) {
        return -1;
    }
    if (PyImport_AppendInittab(PF_IMPORTER_MODULE_NAME, init_importer_module) < 0) {
        fprintf(stderr, "%s: cannot register the importer module\n", b->executable);
        return -1;
    }

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.isolated = 1;
    config.use_environment = 0;
    config.user_site_directory = 0;
    config.safe_path = 1;
    config.site_import = 0;
    /* A python3 command line from this program's own child processes is
     * parsed by CPython itself; isolation set above stays (no flag of it
     * turns environment variables, site or the user site back on). */
    config.parse_argv = b->mode == BOOT_INTERPRETER;
    config.install_signal_handlers = 1;
    config.pathconfig_warnings = 0;
    config.write_bytecode = 0;
    config.use_frozen_modules = 1;
    config.module_search_paths_set = 1; /* and empty: see above */
    config._init_main = 0;

    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, b->executable);
    wchar_t **fields[] = {&config.executable, &config.base_executable};
    for (size_t i = 0; !PyStatus_Exception(status) && i < sizeof fields / sizeof *fields; i++) {
        status = PyConfig_SetBytesString(&config, fields[i], b->executable);
    }
    wchar_t **dirs[] = {&config.home, &config.prefix, &config.base_prefix, &config.exec_prefix,
                        &config.base_exec_prefix};
    for (size_t i = 0; !PyStatus_Exception(status) && i < sizeof dirs / sizeof *dirs; i++) {
        status = PyConfig_SetBytesString(&config, dirs[i], b->directory);
    }
    if (!PyStatus_Exception(status) && b->mode == BOOT_SPAWNED) {
        /* what multiprocessing.freeze_support() does in a frozen child */
        status = PyConfig_SetString(&config, &config.run_command,
                                    L"from multiprocessing.spawn import freeze_support; "
                                    L"freeze_support()\n");
    }
    if (!PyStatus_Exception(status)) {
        /* argv[0] is replaced by the real path, as sys.executable */
        argv[0] = b->executable;
        status = PyConfig_SetBytesArgv(&config, argc, argv);
    }
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

/* check_magic: the payload's bytecode must come from this CPython's
 * compiler (same .pyc magic number). PyImport_GetMagicNumber needs main
 * initialisation; until then the importer checks each module's own .pyc
 * header, so no foreign bytecode ever reaches the PVM. */
static int check_magic(struct boot *b)
{
    long magic = PyImport_GetMagicNumber();
    const uint8_t *have = pf_payload_index(b->payload)->python_magic;
    uint8_t want[4] = {(uint8_t)magic, (uint8_t)(magic >> 8), (uint8_t)(magic >> 16),
                       (uint8_t)(magic >> 24)};
    if (magic == -1 || memcmp(have, want, sizeof want) != 0) {
        PyErr_Clear();
        return report_damaged(b, "its bytecode was compiled by another Python version"), -1;
    }
    return 0;
}

/* install_importer: the payload's finder goes on sys.meta_path after the
 * builtin and frozen importers, before the path-based finder that main
 * initialisation appends. */
static int install_importer(struct boot *b)
{
    PyObject *executable = PyUnicode_DecodeFSDefault(b->executable);
    if (executable == NULL) {
        PyErr_Print();
        return -1;
    }
    b->importer = pf_importer_install(b->payload, executable);
    Py_DECREF(executable);
    if (b->importer == NULL) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

/* frozen_module_file: root + origname as a path + ".py" (or
 * "/__init__.py" for a package): the __file__ FrozenImporter gives a frozen
 * stdlib module (Lib/importlib/_bootstrap.py: _resolve_filename). */
static PyObject *frozen_module_file(PyObject *root, PyObject *origname, int is_package)
{
    PyObject *dot = PyUnicode_FromString(".");
    PyObject *slash = PyUnicode_FromString("/");
    PyObject *rel = dot && slash ? PyUnicode_Replace(origname, dot, slash, -1) : NULL;
    PyObject *file =
        rel ? PyUnicode_FromFormat("%U/%U%s", root, rel, is_package ? "/__init__.py" : ".py")
            : NULL;
    Py_XDECREF(dot);
    Py_XDECREF(slash);
    Py_XDECREF(rel);
    return file;
}

/* set_stdlib_dir: modules CPython carries frozen (os, codecs, io, ...) get a
 * __file__ under sys._stdlib_dir, which python3 has and some programs use
 * (os.path.dirname(os.__file__)). The frozen program's stdlib directory is
 * the executable, as for the payload's modules. Main initialisation sets
 * sys._stdlib_dir from the path configuration (empty here), so this runs
 * after it, and gives the frozen modules imported during initialisation the
 * __file__ python3 gives them. */
static int set_stdlib_dir(struct boot *b)
{
    PyObject *root = PyUnicode_DecodeFSDefault(b->executable);
    if (root == NULL || PySys_SetObject("_stdlib_dir", root) < 0) {
        Py_XDECREF(root);
        return -1;
    }
    PyObject *items = PyDict_Items(PyImport_GetModuleDict());
    int rc = items != NULL ? 0 : -1;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(items); i++) {
        PyObject *name = PyTuple_GET_ITEM(PyList_GET_ITEM(items, i), 0);
        PyObject *module = PyTuple_GET_ITEM(PyList_GET_ITEM(items, i), 1);
        if (!PyModule_Check(module) || PyObject_HasAttrString(module, "__file__") ||
            PyUnicode_CompareWithASCIIString(name, "_frozen_importlib") == 0) {
            continue;
        }
        PyObject *spec = PyObject_GetAttrString(module, "__spec__");
        PyObject *origin = spec ? PyObject_GetAttrString(spec, "origin") : NULL;
        PyObject *state = origin && PyUnicode_Check(origin) &&
                                  PyUnicode_CompareWithASCIIString(origin, "frozen") == 0
                              ? PyObject_GetAttrString(spec, "loader_state")
                              : NULL;
        PyObject *origname = state ? PyObject_GetAttrString(state, "origname") : NULL;
        PyErr_Clear(); /* a module without these attributes is simply skipped */
        if (origname != NULL && PyUnicode_Check(origname)) {
            PyObject *file =
                frozen_module_file(root, origname, PyObject_HasAttrString(module, "__path__"));
            if (file == NULL || PyObject_SetAttrString(module, "__file__", file) < 0) {
                rc = -1;
            }
            Py_XDECREF(file);
        }
        Py_XDECREF(origname);
        Py_XDECREF(state);
        Py_XDECREF(origin);
        Py_XDECREF(spec);
    }
    Py_XDECREF(items);
    Py_DECREF(root);
    return rc;
}

/* new_printer: a _sitebuiltins._Printer(name, data) made without running
 * its __init__, which imports os only to build file names for license();
 * the frozen program has no such files. The attributes are the ones
 * _Printer.__init__ sets in CPython 3.11 (Lib/_sitebuiltins.py). */
static PyObject *new_printer(PyObject *printer_type, const char *name, PyObject *data)
{
    PyObject *self = PyObject_CallMethod(printer_type, "__new__", "O", printer_type);
    PyObject *files = self ? PyList_New(0) : NULL;
    PyObject *text = data ? Py_NewRef(data) : NULL;
    if (files == NULL || text == NULL ||
        PyObject_SetAttrString(self, "_Printer__name", PyUnicode_FromString(name)) < 0 ||
        PyObject_SetAttrString(self, "_Printer__data", text) < 0 ||
        PyObject_SetAttrString(self, "_Printer__lines", Py_None) < 0 ||
        PyObject_SetAttrString(self, "_Printer__filenames", files) < 0) {
        Py_CLEAR(self);
    }
    Py_XDECREF(files);
    Py_XDECREF(text);
    return self;
}

/* add_site_builtins: the builtins python3's `site` adds (Lib/site.py:
 * setquit, setcopyright, sethelper) — exit, quit, help, copyright, credits,
 * license — made from the frozen _sitebuiltins module directly. Importing
 * site itself would also run site.main()'s search of the disk for .pth
 * files, which a frozen program must not do, and costs a fifth of the
 * start-up time of a small program. */
static int add_site_builtins(void)
{
    static const char credits[] =
        "    Thanks to CWI, CNRI, BeOpen.com, Zope Corporation and a cast of thousands\n"
        "    for supporting Python development.  See www.python.org for more information.";
    PyObject *sb = PyImport_ImportModule("_sitebuiltins");
    PyObject *builtins = PyImport_ImportModule("builtins");
    PyObject *printer = sb ? PyObject_GetAttrString(sb, "_Printer") : NULL;
    PyObject *copyright = PySys_GetObject("copyright"); /* borrowed */
    PyObject *credits_text = PyUnicode_FromString(credits);
    PyObject *license_text = PyUnicode_FromString("See https://www.python.org/psf/license/");
    int rc = -1;
    if (printer != NULL && builtins != NULL && copyright != NULL && credits_text != NULL &&
        license_text != NULL) {
        struct {
            const char *name;
            PyObject *value;
        } items[] = {
            {"quit", PyObject_CallMethod(sb, "Quitter", "ss", "quit", "Ctrl-D (i.e. EOF)")},
            {"exit", PyObject_CallMethod(sb, "Quitter", "ss", "exit", "Ctrl-D (i.e. EOF)")},
            {"copyright", new_printer(printer, "copyright", copyright)},
            {"credits", new_printer(printer, "credits", credits_text)},
            {"license", new_printer(printer, "license", license_text)},
            {"help", PyObject_CallMethod(sb, "_Helper", NULL)},
        };
        rc = 0;
        for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
            if (rc == 0 && (items[i].value == NULL ||
                            PyObject_SetAttrString(builtins, items[i].name, items[i].value) < 0)) {
                rc = -1;
            }
            Py_XDECREF(items[i].value);
        }
    }
    Py_XDECREF(credits_text);
    Py_XDECREF(license_text);
    Py_XDECREF(printer);
    Py_XDECREF(sb);
    Py_XDECREF(builtins);
    return rc;
}

/* finish_init: main initialisation (encodings, sys.std*, signal handlers,
 * __main__), then what a frozen program adds: sys.frozen = True (the
 * convention programs test for), and the builtins `site` would add. */
static int finish_init(struct boot *b)
{
    if (check_status(_Py_InitializeMain()) < 0) {
        return -1;
    }
    if (set_stdlib_dir(b) < 0 || PySys_SetObject("frozen", Py_True) < 0) {
        PyErr_Print();
        return -1;
    }
    if (add_site_builtins() < 0) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

/* script_spec: the module spec of the script under its own module name
 * ("app" for app.py), which the freezer also packs, or None. */
static PyObject *script_spec(struct boot *b)
{
    const pf_index *index = pf_payload_index(b->payload);
    pf_entry main_entry, file;
    pf_index_entry(index, index->main_entry, &main_entry);
    if (main_entry.member == PF_NONE) {
        Py_RETURN_NONE;
    }
    pf_index_entry(index, main_entry.member, &file);
    const char prefix[] = "lib/", suffix[] = ".pyc";
    size_t prefixSize = sizeof prefix - 1, suffixSize = sizeof suffix - 1;
    if (file.name_size <= prefixSize + suffixSize || memcmp(file.name, prefix, prefixSize) != 0 ||
        memcmp(file.name + file.name_size - suffixSize, suffix, suffixSize) != 0 ||
        memchr(file.name + prefixSize, '/', file.name_size - prefixSize) != NULL) {
        Py_RETURN_NONE;
    }
    return PyObject_CallMethod(b->importer, "find_spec", "s#", file.name + prefixSize,
                               (Py_ssize_t)(file.name_size - prefixSize - suffixSize));
}

/* run_script: runs the __main__ module's code in __main__'s namespace, with
 * __file__ and __loader__ set, as python3 runs a script
 * (Python/pythonrun.c: _PyRun_SimpleFileObject). One difference: __spec__
 * is the script's module spec under its own name (as with `python3 -m app`)
 * rather than None, so that multiprocessing's spawned children import the
 * main module from the payload by name instead of reading app.py from a
 * path that exists only inside the executable. */
static PyObject *run_script(struct boot *b)
{
    PyObject *main_module = PyImport_AddModule("__main__"); /* borrowed */
    PyObject *dict = main_module != NULL ? PyModule_GetDict(main_module) : NULL;
    if (dict == NULL) {
        return NULL;
    }
    PyObject *name = PyUnicode_FromString("__main__");
    PyObject *code = name ? PyObject_CallMethod(b->importer, "get_code", "O", name) : NULL;
    PyObject *file = code ? PyObject_CallMethod(b->importer, "get_filename", "O", name) : NULL;
    Py_XDECREF(name);
    PyObject *spec = file ? script_spec(b) : NULL;
    PyObject *result = NULL;
    if (spec != NULL && PyDict_SetItemString(dict, "__spec__", spec) == 0 &&
        PyDict_SetItemString(dict, "__file__", file) == 0 &&
        PyDict_SetItemString(dict, "__cached__", Py_None) == 0 &&
        PyDict_SetItemString(dict, "__loader__", b->importer) == 0) {
        result = PyEval_EvalCode(code, dict, dict);
    }
    Py_XDECREF(spec);
    Py_XDECREF(code);
    Py_XDECREF(file);
    /* python3 removes these once the script has run; the script's own
     * exception, if any, is kept */
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    if (PyDict_DelItemString(dict, "__file__") < 0 ||
        PyDict_DelItemString(dict, "__cached__") < 0) {
        PyErr_Clear();
    }
    PyErr_Restore(type, value, traceback);
    return result;
}

/* run_module: runs a module as `python3 -m` does (runpy._run_module_as_main),
 * but leaves sys.argv[0] as the executable's path. */
static PyObject *run_module(struct boot *b)
{
    pf_entry entry;
    pf_index_entry(pf_payload_index(b->payload), pf_payload_index(b->payload)->main_entry, &entry);
    PyObject *runpy = PyImport_ImportModule("runpy");
    if (runpy == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallMethod(runpy, "_run_module_as_main", "s#i", entry.name,
                                           (Py_ssize_t)entry.name_size, 0);
    Py_DECREF(runpy);
    return result;
}

/* run_main: runs the program and returns python3's exit status for it:
 * 0, or 1 after printing an uncaught exception. SystemExit does not return:
 * PyErr_Print exits the process as python3 does (handle_system_exit). */
static int run_main(struct boot *b, int *keyboard_interrupt)
{
    int is_module = (pf_payload_index(b->payload)->flags & PF_INDEX_FLAG_MAIN_IS_MODULE) != 0;
    PyObject *result = is_module ? run_module(b) : run_script(b);
    if (result == NULL) {
        *keyboard_interrupt = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
        PyErr_Print();
        return 1;
    }
    Py_DECREF(result);
    return 0;
}

/* exit_sigint: ends the process by SIGINT so the parent (a shell) sees the
 * program was interrupted, as python3 does after an unhandled
 * KeyboardInterrupt (Modules/main.c: exit_sigint). */
static int exit_sigint(void)
{
    if (signal(SIGINT, SIG_DFL) != SIG_ERR) {
        kill(getpid(), SIGINT);
    }
    return 128 + SIGINT; /* if the signal did not end the process */
}

int pf_boot_main(int argc, char **argv)
{
    struct boot b;
    memset(&b, 0, sizeof b);
    int status = PF_BOOT_EXIT_DAMAGED;
    int keyboard_interrupt = 0;

    b.mode = choose_mode(argc, argv);
    if (locate_self(&b) < 0 || map_image(&b) < 0 || open_payload(&b) < 0 ||
        start_core(&b, argc, argv) < 0 || install_importer(&b) < 0 || finish_init(&b) < 0 ||
        check_magic(&b) < 0) {
        goto done;
    }
    if (b.mode != BOOT_PROGRAM) {
        /* CPython runs the command as python3 would, with its exit status
         * rules, and finalises. */
        b.python_started = 0;
        Py_CLEAR(b.importer);
        status = Py_RunMain();
        goto done;
    }
    status = run_main(&b, &keyboard_interrupt);

done:
    Py_CLEAR(b.importer);
    if (b.python_started && Py_FinalizeEx() < 0) {
        status = 120; /* flushing stdout failed: python3's status (Py_RunMain) */
    }
    pf_payload_close(b.payload);
    if (b.image != NULL) {
        munmap((void *)b.image, b.image_size);
    }
    if (keyboard_interrupt) {
        status = exit_sigint();
    }
    return status;
}
