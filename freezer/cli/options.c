/* options.c - parsing the pyfreeze command line into a pfz_options; see
 * options.h. Every argument is checked before anything runs (as lua.c does)
 * and each mistake gets one message that names the option. */
#include "options.h"

#include <stdlib.h>
#include <string.h>

#include "glibc_floor.h"

/* The options, with the value each takes. A table rather than hand-counted
 * string comparisons, so a new option is one line. */
typedef enum option_id {
    OPT_OUTPUT,
    OPT_MODULE,
    OPT_PATH,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_STRICT,
    OPT_STUB,
    OPT_PIE,
    OPT_EXCLUDE_LIBRARY,
    OPT_INCLUDE_LIBRARY,
    OPT_OPTIMIZE,
    OPT_CACHE_DIR,
    OPT_NO_CACHE,
    OPT_INCLUDE_SOURCE,
    OPT_ALLOW_INTERACTIVE,
    OPT_PYTHON,
    OPT_FOLLOW_ALL_IMPORTS,
    OPT_HIDDEN_IMPORT,
    OPT_COLLECT,
    OPT_EXCLUDE_MODULE,
    OPT_ADD_DATA,
    OPT_VENV,
    OPT_MAX_GLIBC,
    OPT_ADD_BINARY,
    OPT_DEPFILE,
    OPT_HELP,
    OPT_VERSION,
} option_id;

typedef struct option_spec {
    option_id id;
    char short_name; /* '\0' when there is none */
    const char *long_name;
    int takes_value;
} option_spec;

static const option_spec option_table[] = {
    {OPT_OUTPUT, 'o', "output", 1},
    {OPT_MODULE, 'm', "module", 1},
    {OPT_PATH, 'p', "path", 1},
    {OPT_VERBOSE, 'v', "verbose", 0},
    {OPT_QUIET, 'q', "quiet", 0},
    {OPT_STRICT, '\0', "strict", 0},
    {OPT_STUB, '\0', "stub", 1},
    {OPT_PIE, '\0', "pie", 0},
    {OPT_HELP, 'h', "help", 0},
    {OPT_VERSION, '\0', "version", 0},
    {OPT_EXCLUDE_LIBRARY, '\0', "exclude-library", 1},
    {OPT_INCLUDE_LIBRARY, '\0', "include-library", 1},
    {OPT_OPTIMIZE, 'O', "optimize", 1},
    {OPT_CACHE_DIR, '\0', "cache-dir", 1},
    {OPT_NO_CACHE, '\0', "no-cache", 0},
    {OPT_INCLUDE_SOURCE, '\0', "include-source", 0},
    {OPT_ALLOW_INTERACTIVE, '\0', "allow-interactive", 0},
    {OPT_PYTHON, '\0', "python", 0},
    {OPT_FOLLOW_ALL_IMPORTS, '\0', "follow-all-imports", 0},
    {OPT_HIDDEN_IMPORT, '\0', "hidden-import", 1},
    {OPT_COLLECT, '\0', "collect", 1},
    {OPT_EXCLUDE_MODULE, '\0', "exclude-module", 1},
    {OPT_ADD_DATA, '\0', "add-data", 1},
    {OPT_VENV, '\0', "venv", 1},
    {OPT_MAX_GLIBC, '\0', "max-glibc", 1},
    {OPT_ADD_BINARY, '\0', "add-binary", 1},
    {OPT_DEPFILE, '\0', "depfile", 1},
};
#define OPTION_COUNT (sizeof option_table / sizeof option_table[0])

void pfz_options_help(FILE *out)
{
    fputs("usage: pyfreeze SCRIPT.py -o OUT [options]\n"
          "       pyfreeze -m MODULE -o OUT [options]\n"
          "       pyfreeze --python -o OUT [options]\n"
          "       pyfreeze inspect FILE\n"
          "       pyfreeze verify FILE\n"
          "\n"
          "Packs a Python 3.11 program and every module it imports into one\n"
          "executable that runs where no Python is installed.\n"
          "\n"
          "options:\n"
          "  -o, --output OUT   write the executable to OUT (replaced atomically)\n"
          "  -m, --module NAME  freeze module or package NAME (run as python3 -m NAME)\n"
          "  -p, --path DIR     search DIR for imports before the standard library\n"
          "                     (repeatable; default: the script's directory)\n"
          "  -v, --verbose      list each included module and the import that pulled it in,\n"
          "                     and every import that cannot be found or is left out\n"
          "  -q, --quiet        print only errors\n"
          "      --strict       an import in the program's own code that cannot be found\n"
          "                     (outside a try that handles it) is an error: nothing\n"
          "                     is written\n"
          "      --stub PATH    use the stub executable at PATH\n"
          "      --pie          use the position-independent stub: the program's own\n"
          "                     code is address-randomized too, start-up about 4-5%\n"
          "                     slower; recommended for programs that parse untrusted\n"
          "                     input with native extensions (default: a stub whose\n"
          "                     code sits at a fixed address, as python3.11's does)\n"
          "  -O, --optimize LEVEL\n"
          "                     compile with optimisation LEVEL: 0 (default), 1 (as\n"
          "                     python -O: asserts removed) or 2 (as python -OO:\n"
          "                     docstrings removed too)\n"
          "      --cache-dir DIR\n"
          "                     keep compiled modules and compressed frames in DIR\n"
          "                     (default: $XDG_CACHE_HOME/pyfreeze or ~/.cache/pyfreeze)\n"
          "      --no-cache     neither use nor fill the cache\n"
          "      --include-source\n"
          "                     pack each module's source too: tracebacks show the\n"
          "                     offending lines and inspect.getsource works (bigger)\n"
          "      --allow-interactive\n"
          "                     let `OUT -i ARGS...` enter the interactive session\n"
          "                     after the program's main module, as python3 -i does\n"
          "      --python       build a standalone Python 3.11 (the whole standard\n"
          "                     library; OUT takes python3.11's command line)\n"
          "      --exclude-library NAME\n"
          "                     never bundle the shared library NAME (a SONAME such as\n"
          "                     libfoo.so.1, or a glob such as 'libfoo*'): the target\n"
          "                     machine must have it (repeatable)\n"
          "      --include-library NAME\n"
          "                     bundle NAME even though the base-system policy leaves it\n"
          "                     to the target (e.g. libstdc++.so.6); a SONAME is\n"
          "                     bundled even when nothing needs it (for ctypes);\n"
          "                     glibc's own libraries cannot be bundled (repeatable)\n"
          "      --hidden-import MODULE\n"
          "                     pack MODULE (and what it imports) though no import\n"
          "                     statement names it (repeatable)\n"
          "      --collect PACKAGE\n"
          "                     pack PACKAGE whole: every submodule (tests too), its\n"
          "                     data files and its distribution metadata (repeatable)\n"
          "      --exclude-module MODULE\n"
          "                     never pack MODULE or its submodules; importing them\n"
          "                     raises ImportError (repeatable)\n"
          "      --add-data SRC:DEST\n"
          "                     pack file or directory SRC into directory DEST of the\n"
          "                     program (seen at EXE/DEST/..., read with open() or\n"
          "                     importlib.resources) (repeatable)\n"
          "      --add-binary SRC:DEST\n"
          "                     pack the shared library SRC, which the program loads\n"
          "                     itself: ctypes.CDLL and ctypes.util.find_library find\n"
          "                     it in the program by its SONAME (or at EXE/DEST/NAME)\n"
          "                     with its own libraries (repeatable)\n"
          "      --follow-all-imports\n"
          "                     follow every import statement: also those under\n"
          "                     `if TYPE_CHECKING:` or a test for another OS, fallbacks\n"
          "                     of packed modules, and another distribution's imports in\n"
          "                     functions (bigger; -v lists what is left out otherwise)\n"
          "      --venv DIR     search the virtual environment DIR for packages\n"
          "                     (default: $VIRTUAL_ENV when set)\n"
          "      --max-glibc VERSION\n"
          "                     fail, writing nothing, if the program needs a glibc\n"
          "                     newer than VERSION (e.g. 2.31: Debian 11, Ubuntu 20.04)\n"
          "      --depfile FILE\n"
          "                     also write FILE, a Makefile rule (make, ninja) listing\n"
          "                     every file the freeze read, for build systems\n"
          "  -h, --help         show this help and exit\n"
          "      --version      show the version and exit\n"
          "\n"
          "commands:\n"
          "  inspect FILE       list what a frozen program contains and how big it is\n"
          "  verify FILE        check a whole frozen program (every frame's checksum,\n"
          "                     the index, every member's place): exit 0 only when it\n"
          "                     is intact, else name the first damaged part\n",
          out);
}

void pfz_options_version(FILE *out)
{
    fprintf(out, "pyfreeze %s (CPython 3.11)\n", PYFREEZE_VERSION);
}

/* is_module_name: 1 when s is a dotted name CPython can import ("a.b_c.d"):
 * non-empty parts of letters, digits and '_'. A digit may come first: the
 * import system takes any name a file has (importlib.import_module, and
 * mypyc's runtime modules are named <hex hash>__mypyc), though no import
 * statement can spell it. Bytes >= 0x80 are accepted as identifier
 * characters (PEP 3131 names in UTF-8); CPython's import checks them fully. */
static int is_module_name(const char *s)
{
    int at_part_start = 1;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        unsigned char c = *p;
        if (c == '\0' || c == '.') {
            if (at_part_start) {
                return 0; /* empty name or empty part */
            }
            if (c == '\0') {
                return 1;
            }
            at_part_start = 1;
            continue;
        }
        int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        int digit = c >= '0' && c <= '9';
        if (!letter && !digit) {
            return 0;
        }
        at_part_start = 0;
    }
}

/* find_option: the spec for "-x" (short) or "--name" (long, without any
 * "=value"); NULL when unknown. */
static const option_spec *find_option(const char *arg, size_t name_len, int is_long)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const option_spec *o = &option_table[i];
        if (is_long) {
            if (strlen(o->long_name) == name_len && strncmp(o->long_name, arg, name_len) == 0) {
                return o;
            }
        } else if (o->short_name != '\0' && o->short_name == arg[0]) {
            return o;
        }
    }
    return NULL;
}

/* set_once: stores value in *slot unless the option was given already or the
 * value is empty. Returns PF_OK or PF_ERR_USAGE naming the option. */
static int set_once(const char **slot, const char *value, const char *shown, pf_error *err)
{
    if (value[0] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "option %s needs a non-empty value", shown);
    }
    if (*slot != NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "option %s given more than once", shown);
    }
    *slot = value;
    return PF_OK;
}

/* apply_flag: records flag option id (one that takes no value). */
static void apply_flag(pfz_options *opts, option_id id)
{
    switch (id) {
    case OPT_PIE:
        opts->pie = 1;
        break;
    case OPT_VERBOSE:
        opts->verbose = 1;
        break;
    case OPT_QUIET:
        opts->quiet = 1;
        break;
    case OPT_STRICT:
        opts->strict = 1;
        break;
    case OPT_NO_CACHE:
        opts->no_cache = 1;
        break;
    case OPT_INCLUDE_SOURCE:
        opts->include_source = 1;
        break;
    case OPT_ALLOW_INTERACTIVE:
        opts->allow_interactive = 1;
        break;
    case OPT_PYTHON:
        opts->python = 1;
        break;
    case OPT_FOLLOW_ALL_IMPORTS:
        opts->follow_all_imports = 1;
        break;
    case OPT_HELP:
        opts->command = PFZ_COMMAND_HELP;
        break;
    case OPT_VERSION:
        opts->command = PFZ_COMMAND_VERSION;
        break;
    default:
        break; /* options with a value: apply_option */
    }
}

/* add_library: --exclude-library / --include-library NAME, a SONAME or a
 * glob, never a path. */
static int add_library(pfz_options *opts, option_id id, const char *value, const char *shown,
                       pf_error *err)
{
    if (value[0] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "option %s needs a non-empty value", shown);
    }
    if (strchr(value, '/') != NULL) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': give a library's SONAME (e.g. libfoo.so.1), not "
                            "a path",
                            shown, value);
    }
    if (id == OPT_EXCLUDE_LIBRARY) {
        opts->exclude_libraries[opts->exclude_library_count++] = value;
    } else {
        opts->include_libraries[opts->include_library_count++] = value;
    }
    return PF_OK;
}

/* add_module_option: --hidden-import, --collect, --exclude-module MODULE,
 * a dotted module name. */
static int add_module_option(pfz_options *opts, option_id id, const char *value, const char *shown,
                             pf_error *err)
{
    if (!is_module_name(value)) {
        return pf_error_set(err, PF_ERR_USAGE, "option %s: '%s' is not a module name", shown,
                            value);
    }
    if (id == OPT_HIDDEN_IMPORT) {
        opts->hidden_imports[opts->hidden_import_count++] = value;
    } else if (id == OPT_COLLECT) {
        opts->collects[opts->collect_count++] = value;
    } else {
        opts->exclude_modules[opts->exclude_module_count++] = value;
    }
    return PF_OK;
}

/* add_data: --add-data SRC:DEST, DEST a relative directory. */
static int add_data(pfz_options *opts, const char *value, const char *shown, pf_error *err)
{
    const char *colon = strrchr(value, ':');
    if (colon == NULL || colon == value || colon[1] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': give SRC:DEST, e.g. assets:mypkg/assets or "
                            "config.json:.",
                            shown, value);
    }
    if (colon[1] == '/') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': DEST is a directory inside the program, "
                            "relative (e.g. mypkg/data or .)",
                            shown, value);
    }
    opts->add_data[opts->add_data_count++] = value;
    return PF_OK;
}

/* add_binary: --add-binary SRC:DEST, SRC a file, DEST a relative
 * directory (as PyInstaller's option; the library is packed under its
 * SONAME, native_files.h). */
static int add_binary(pfz_options *opts, const char *value, const char *shown, pf_error *err)
{
    const char *colon = strrchr(value, ':');
    if (colon == NULL || colon == value || colon[1] == '\0' || colon[1] == '/') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': give SRC:DEST, a shared library and a directory "
                            "inside the program, e.g. /usr/lib/libfoo.so.1:.",
                            shown, value);
    }
    opts->add_binaries[opts->add_binary_count++] = value;
    return PF_OK;
}

/* set_optimize: -O/--optimize LEVEL, given once. python -O is -O1 here and
 * -OO is -O2: the level is always given. */
static int set_optimize(pfz_options *opts, const char *value, const char *shown, pf_error *err)
{
    if (opts->optimize_given) {
        return pf_error_set(err, PF_ERR_USAGE, "option %s given more than once", shown);
    }
    if (value[0] < '0' || value[0] > '2' || value[1] != '\0') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': the level is 0, 1 (as python -O: no asserts) or "
                            "2 (as python -OO: no asserts, no docstrings)",
                            shown, value);
    }
    opts->optimize = value[0] - '0';
    opts->optimize_given = 1;
    return PF_OK;
}

/* set_max_glibc: --max-glibc VERSION, given once, a glibc version. */
static int set_max_glibc(pfz_options *opts, const char *value, const char *shown, pf_error *err)
{
    pfz_glibc_version v;
    int rc = set_once(&opts->max_glibc, value, shown, err);
    if (rc == PF_OK && pfz_glibc_version_parse(value, &v, NULL) != PF_OK) {
        rc = pf_error_set(err, PF_ERR_USAGE,
                          "option %s '%s': give a glibc version such as 2.31 (Debian 11, Ubuntu "
                          "20.04) or 2.34 (RHEL 9)",
                          shown, value);
    }
    return rc;
}

/* apply_option: records option o with value (NULL for flags). shown is the
 * spelling the user typed, for messages. */
static int apply_option(pfz_options *opts, const option_spec *o, const char *value,
                        const char *shown, pf_error *err)
{
    if (!o->takes_value) {
        apply_flag(opts, o->id);
        return PF_OK;
    }
    switch (o->id) {
    case OPT_OUTPUT:
        return set_once(&opts->output, value, shown, err);
    case OPT_MODULE: {
        int rc = set_once(&opts->module, value, shown, err);
        if (rc != PF_OK) {
            return rc;
        }
        if (!is_module_name(value)) {
            return pf_error_set(err, PF_ERR_USAGE, "option %s: '%s' is not a module name", shown,
                                value);
        }
        return PF_OK;
    }
    case OPT_PATH:
        if (value[0] == '\0') {
            return pf_error_set(err, PF_ERR_USAGE, "option %s needs a non-empty value", shown);
        }
        opts->paths[opts->path_count++] = value; /* room for argc entries was reserved */
        return PF_OK;
    case OPT_STUB:
        return set_once(&opts->stub, value, shown, err);
    case OPT_EXCLUDE_LIBRARY:
    case OPT_INCLUDE_LIBRARY:
        return add_library(opts, o->id, value, shown, err);
    case OPT_HIDDEN_IMPORT:
    case OPT_COLLECT:
    case OPT_EXCLUDE_MODULE:
        return add_module_option(opts, o->id, value, shown, err);
    case OPT_ADD_DATA:
        return add_data(opts, value, shown, err);
    case OPT_ADD_BINARY:
        return add_binary(opts, value, shown, err);
    case OPT_DEPFILE:
        return set_once(&opts->depfile, value, shown, err);
    case OPT_VENV:
        return set_once(&opts->venv, value, shown, err);
    case OPT_MAX_GLIBC:
        return set_max_glibc(opts, value, shown, err);
    case OPT_OPTIMIZE:
        return set_optimize(opts, value, shown, err);
    case OPT_CACHE_DIR:
        return set_once(&opts->cache_dir, value, shown, err);
    default:
        break;
    }
    return pf_error_set(err, PF_ERR_USAGE, "unknown option '%s'", shown);
}

/* parse_file_command: "inspect FILE" or "verify FILE" (argv[1], the
 * command `command`) with nothing else. */
static int parse_file_command(pfz_options *opts, pfz_command command, int argc, char **argv,
                              pf_error *err)
{
    const char *word = argv[1];
    opts->command = command;
    int i = 2;
    if (i < argc && strcmp(argv[i], "--") == 0) {
        i++;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "%s takes no option '%s'", word, argv[i]);
    }
    if (i >= argc) {
        return pf_error_set(err, PF_ERR_USAGE, "%s needs a FILE: pyfreeze %s FILE", word, word);
    }
    if (argv[i][0] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "%s needs a non-empty FILE", word);
    }
    opts->output = argv[i];
    if (i + 1 < argc) {
        return pf_error_set(err, PF_ERR_USAGE, "unexpected argument '%s' after %s FILE",
                            argv[i + 1], word);
    }
    return PF_OK;
}

/* check_combination: the options given make one consistent command: one
 * of SCRIPT, -m and --python, an output, and no two options that exclude
 * each other. */
static int check_combination(const pfz_options *opts, pf_error *err)
{
    if (opts->command == PFZ_COMMAND_HELP || opts->command == PFZ_COMMAND_VERSION) {
        return PF_OK;
    }
    if (opts->python && (opts->script != NULL || opts->module != NULL)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "--python builds a standalone Python: give no SCRIPT ('%s') or -m",
                            opts->script != NULL ? opts->script : opts->module);
    }
    if (opts->python && opts->allow_interactive) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "--allow-interactive is for programs: a --python build takes -i "
                            "as python3.11 does");
    }
    if (opts->script != NULL && opts->module != NULL) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "give either SCRIPT ('%s') or -m MODULE ('%s'), not both", opts->script,
                            opts->module);
    }
    if (opts->script == NULL && opts->module == NULL && !opts->python) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "nothing to freeze: give SCRIPT.py or -m MODULE (see --help)");
    }
    if (opts->output == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "missing -o OUT: where to write the executable");
    }
    if (opts->pie && opts->stub != NULL) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "give --stub PATH or --pie, not both: --stub uses the stub at PATH "
                            "('%s') as it is, --pie picks the installed position-independent one",
                            opts->stub);
    }
    if (opts->no_cache && opts->cache_dir != NULL) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "give --cache-dir DIR or --no-cache, not both ('%s')", opts->cache_dir);
    }
    return PF_OK;
}

int pfz_options_parse(pfz_options *opts, int argc, char **argv, pf_error *err)
{
    memset(opts, 0, sizeof *opts);
    if (argc < 1 || argv == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "no arguments");
    }
    if (argc >= 2 && strcmp(argv[1], "inspect") == 0) {
        return parse_file_command(opts, PFZ_COMMAND_INSPECT, argc, argv, err);
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        return parse_file_command(opts, PFZ_COMMAND_VERIFY, argc, argv, err);
    }

    /* -p and the library options can occur at most argc times each: reserve
     * that, so parsing never grows. */
    opts->paths = calloc((size_t)argc, sizeof *opts->paths);
    opts->exclude_libraries = calloc((size_t)argc, sizeof *opts->exclude_libraries);
    opts->include_libraries = calloc((size_t)argc, sizeof *opts->include_libraries);
    opts->hidden_imports = calloc((size_t)argc, sizeof *opts->hidden_imports);
    opts->collects = calloc((size_t)argc, sizeof *opts->collects);
    opts->exclude_modules = calloc((size_t)argc, sizeof *opts->exclude_modules);
    opts->add_data = calloc((size_t)argc, sizeof *opts->add_data);
    opts->add_binaries = calloc((size_t)argc, sizeof *opts->add_binaries);
    if (opts->paths == NULL || opts->exclude_libraries == NULL || opts->include_libraries == NULL ||
        opts->hidden_imports == NULL || opts->collects == NULL || opts->exclude_modules == NULL ||
        opts->add_data == NULL || opts->add_binaries == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory parsing arguments");
    }

    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (opts->script != NULL) {
                return pf_error_set(err, PF_ERR_USAGE,
                                    "unexpected argument '%s': only one SCRIPT can be frozen", arg);
            }
            if (arg[0] == '\0') {
                return pf_error_set(err, PF_ERR_USAGE, "SCRIPT is an empty string");
            }
            opts->script = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        int is_long = arg[1] == '-';
        const char *name = arg + (is_long ? 2 : 1);
        const char *eq = is_long ? strchr(name, '=') : NULL;
        size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        const option_spec *o = find_option(name, name_len, is_long);
        if (o == NULL || (!is_long && name[1] != '\0' && !o->takes_value)) {
            if (eq != NULL) {
                return pf_error_set(err, PF_ERR_USAGE, "unknown option '%.*s'", (int)(eq - arg),
                                    arg);
            }
            return pf_error_set(err, PF_ERR_USAGE, "unknown option '%s'", arg);
        }
        /* shown: "-o" or "--output", what the user typed minus any value */
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", is_long ? (int)(name_len + 2) : 2, arg);
        const char *value = NULL;
        if (o->takes_value) {
            if (eq != NULL) {
                value = eq + 1;
            } else if (!is_long && name[1] != '\0') {
                value = name + 1; /* -oOUT */
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return pf_error_set(err, PF_ERR_USAGE, "option %s needs a value", shown);
            }
        } else if (eq != NULL) {
            return pf_error_set(err, PF_ERR_USAGE, "option %s takes no value", shown);
        }
        int rc = apply_option(opts, o, value, shown, err);
        if (rc != PF_OK) {
            return rc;
        }
    }

    return check_combination(opts, err);
}

void pfz_options_free(pfz_options *opts)
{
    if (opts == NULL) {
        return;
    }
    free(opts->paths);
    free(opts->exclude_libraries);
    free(opts->include_libraries);
    free(opts->hidden_imports);
    free(opts->collects);
    free(opts->exclude_modules);
    free(opts->add_data);
    free(opts->add_binaries);
    memset(opts, 0, sizeof *opts);
}
