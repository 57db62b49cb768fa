/* options.c - parsing the pyfreeze command line into a pfz_options; see
 * options.h. Every argument is checked before anything runs (as lua.c does)
 * and each mistake gets one message that names the option. */
#include "options.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "default_output.h"
#include "option_table.h"
#include "glibc_floor.h"
#include "suggest.h"

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

/* is_entry_reference: 1 when s is MODULE or MODULE:ATTR, each a dotted
 * name: the object reference of the PyPA entry points specification
 * (packaging.python.org, "Entry points specification"), without extras. */
static int is_entry_reference(const char *s)
{
    const char *colon = strchr(s, ':');
    if (colon == NULL) {
        return is_module_name(s);
    }
    char module[512];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof module) {
        return 0;
    }
    memcpy(module, s, n);
    module[n] = '\0';
    return is_module_name(module) && is_module_name(colon + 1);
}

/* unknown_option: PF_ERR_USAGE for arg (shown up to shown_len bytes, without
 * any "=value"), an option the table lacks, with the long option it most
 * likely meant: "unknown option '--ouput'; did you mean '--output'?". A
 * long name after one dash ("-verbose") is matched against the long names
 * too. */
static int unknown_option(const char *arg, size_t shown_len, pf_error *err)
{
    size_t n;
    const pfz_option_spec *table = pfz_option_table(&n);
    const char *names[OPTION_ID_COUNT]; /* a row per id at most */
    for (size_t i = 0; i < n; i++) {
        names[i] = table[i].long_name;
    }
    const char *name = arg + (arg[1] == '-' ? 2 : 1);
    size_t name_len = shown_len - (size_t)(name - arg);
    const char *s = name_len >= 2 ? pfz_suggest(name, name_len, names, n) : NULL;
    if (s != NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "unknown option '%.*s'; did you mean '--%s'?",
                            (int)shown_len, arg, s);
    }
    return pf_error_set(err, PF_ERR_USAGE, "unknown option '%.*s'", (int)shown_len, arg);
}

/* unknown_command: PF_ERR_USAGE when word (argv[1], not an option) is no
 * file and looks like a mistyped command ("inspcet"): a name without '.' or
 * '/' close to a command's; PF_OK otherwise (it is a SCRIPT). */
static int unknown_command(const char *word, pf_error *err)
{
    size_t n;
    const pfz_command_spec *table = pfz_command_table(&n);
    const char *names[8];
    for (size_t i = 0; i < n && i < sizeof names / sizeof names[0]; i++) {
        names[i] = table[i].name;
    }
    if (strpbrk(word, "./") != NULL || access(word, F_OK) == 0) {
        return PF_OK;
    }
    const char *s = pfz_suggest(word, strlen(word), names, n < 8 ? n : 8);
    if (s == NULL) {
        return PF_OK;
    }
    return pf_error_set(err, PF_ERR_USAGE,
                        "unknown command '%s'; did you mean '%s'? (a SCRIPT named '%s' does "
                        "not exist)",
                        word, s, word);
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
    case OPT_STORE_NATIVE_CODE:
        opts->store_native_code = 1;
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

/* add_data: --add-data or --add-binary (id) SRC:DEST, DEST a relative
 * directory (--add-binary's SRC: a library, packed as libs/SONAME). */
static int add_data(pfz_options *opts, option_id id, const char *value, const char *shown,
                    pf_error *err)
{
    const char *colon = strrchr(value, ':');
    if (colon == NULL || colon == value || colon[1] == '\0') {
        return pf_error_set(err, PF_ERR_USAGE, "option %s '%s': give SRC:DEST, e.g. %s", shown,
                            value,
                            id == OPT_ADD_BINARY ? "/usr/lib/libfoo.so.1:."
                                                 : "assets:mypkg/assets or config.json:.");
    }
    if (colon[1] == '/') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "option %s '%s': DEST is a directory inside the program, "
                            "relative (e.g. mypkg/data or .)",
                            shown, value);
    }
    size_t *count = id == OPT_ADD_BINARY ? &opts->add_binary_count : &opts->add_data_count;
    (id == OPT_ADD_BINARY ? opts->add_binaries : opts->add_data)[(*count)++] = value;
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

/* set_report: --report FILE, given once, FILE.json or FILE.html (which
 * document it is follows the name, docs/report-format.md). */
static int set_report(pfz_options *opts, const char *value, const char *shown, pf_error *err)
{
    int rc = set_once(&opts->report, value, shown, err);
    const char *dot = strrchr(value, '.');
    if (rc == PF_OK && (dot == NULL || strchr(dot, '/') != NULL ||
                        (strcmp(dot, ".json") != 0 && strcmp(dot, ".html") != 0))) {
        rc = pf_error_set(err, PF_ERR_USAGE,
                          "option %s '%s': give FILE.json (the JSON report) or FILE.html (the "
                          "page with a size map)",
                          shown, value);
    }
    return rc;
}

/* apply_option: records option o with value (NULL for flags). shown is the
 * spelling the user typed, for messages. */
static int apply_option(pfz_options *opts, const pfz_option_spec *o, const char *value,
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
        if (!is_entry_reference(value)) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "option %s: '%s' is not a module name (or MODULE:FUNCTION, e.g. "
                                "mypkg.cli:main)",
                                shown, value);
        }
        return PF_OK;
    }
    case OPT_ENTRY_POINT: {
        int rc = set_once(&opts->entry_point, value, shown, err);
        if (rc == PF_OK &&
            (strchr(value, '/') != NULL || strcmp(value, ".") == 0 || strcmp(value, "..") == 0)) {
            rc = pf_error_set(err, PF_ERR_USAGE,
                              "option %s '%s': give a console script's name (e.g. mytool), not "
                              "a path",
                              shown, value);
        }
        return rc;
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
    case OPT_ADD_BINARY:
        return add_data(opts, o->id, value, shown, err);
    case OPT_DEPFILE:
        return set_once(&opts->depfile, value, shown, err);
    case OPT_VENV:
        return set_once(&opts->venv, value, shown, err);
    case OPT_MAX_GLIBC:
        return set_max_glibc(opts, value, shown, err);
    case OPT_REPORT:
        return set_report(opts, value, shown, err);
    case OPT_SBOM:
        return set_once(&opts->sbom, value, shown, err);
    case OPT_OPTIMIZE:
        return set_optimize(opts, value, shown, err);
    case OPT_CACHE_DIR:
        return set_once(&opts->cache_dir, value, shown, err);
    case OPT_CONFIG:
        return set_once(&opts->config, value, shown, err);
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
    for (int j = 2; j < argc && strcmp(argv[j], "--") != 0; j++) {
        if (strcmp(argv[j], "-h") == 0 || strcmp(argv[j], "--help") == 0) {
            opts->command = PFZ_COMMAND_HELP; /* `pyfreeze inspect --help`, as git does */
            opts->help_command = word;
            return PF_OK;
        }
    }
    if (i < argc && strcmp(argv[i], "--") == 0) {
        i++;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
        return pf_error_set(err, PF_ERR_USAGE,
                            "%s takes no option '%s' (only -h/--help: pyfreeze %s --help)", word,
                            argv[i], word);
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
 * of SCRIPT, -m, --entry-point and --python, an output (dist/NAME when -o
 * is not given), and no two options that exclude each other. */
static int check_combination(pfz_options *opts, pf_error *err)
{
    if (opts->command == PFZ_COMMAND_HELP || opts->command == PFZ_COMMAND_VERSION) {
        return PF_OK;
    }
    const char *entry = opts->script != NULL ? opts->script : opts->module;
    if (opts->python && (entry != NULL || opts->entry_point != NULL)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "--python builds a standalone Python: give no SCRIPT ('%s'), -m or "
                            "--entry-point",
                            entry != NULL ? entry : opts->entry_point);
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
    if (entry != NULL && opts->entry_point != NULL) {
        return pf_error_set(
            err, PF_ERR_USAGE, "give either --entry-point NAME ('%s') or %s ('%s'), not both",
            opts->entry_point, opts->script != NULL ? "SCRIPT" : "-m MODULE", entry);
    }
    if (entry == NULL && opts->entry_point == NULL && !opts->python) {
        if (opts->project_file != NULL) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "nothing to freeze: give SCRIPT.py, -m MODULE or --entry-point "
                                "NAME, or name one in %s's [tool.pyfreeze] table (script, "
                                "module or entry-point)",
                                opts->project_file);
        }
        return pf_error_set(err, PF_ERR_USAGE,
                            "nothing to freeze: give SCRIPT.py, -m MODULE or --entry-point NAME, "
                            "or run where a pyproject.toml (here or in a parent directory) has a "
                            "[tool.pyfreeze] table (see --help)");
    }
    if (opts->output == NULL) {
        int rc = pfz_default_output(opts, err);
        if (rc != PF_OK) {
            return rc;
        }
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
    /* the output may be unset here once it has a default: compare only a given one */
    const char *out = opts->output != NULL ? opts->output : "";
    const char *doc = opts->report != NULL && strcmp(opts->report, out) == 0 ? opts->report
                      : opts->sbom != NULL && strcmp(opts->sbom, out) == 0   ? opts->sbom
                                                                             : NULL;
    if (doc != NULL) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "'%s' is both the output (-o) and the %s file: give another name", doc,
                            doc == opts->report ? "--report" : "--sbom");
    }
    return PF_OK;
}

/* What one parse keeps besides opts: which options the command line gave
 * (so the defaults' arguments do not override them), and whether the
 * arguments being parsed are the defaults'. */
typedef struct parse_ctx {
    unsigned char given[OPTION_ID_COUNT];
    int defaults;
    int named; /* the command line named what to freeze: the defaults' choice is dropped */
} parse_ctx;

/* is_repeatable: 1 for an option each occurrence of which adds a value. */
static int is_repeatable(option_id id)
{
    switch (id) {
    case OPT_PATH:
    case OPT_EXCLUDE_LIBRARY:
    case OPT_INCLUDE_LIBRARY:
    case OPT_HIDDEN_IMPORT:
    case OPT_COLLECT:
    case OPT_EXCLUDE_MODULE:
    case OPT_ADD_DATA:
    case OPT_ADD_BINARY:
        return 1;
    default:
        return 0;
    }
}

int pfz_option_kind(const char *long_name)
{
    const pfz_option_spec *o = pfz_option_find(long_name, strlen(long_name), 1);
    if (o == NULL || o->id == OPT_HELP || o->id == OPT_VERSION || o->id == OPT_CONFIG) {
        return -1;
    }
    return !o->takes_value ? 0 : is_repeatable(o->id) ? 2 : 1;
}

/* reserve_lists: room for n values in every repeatable option's array, so
 * parsing never grows them (an option occurs at most once per argument). */
static int reserve_lists(pfz_options *opts, size_t n, pf_error *err)
{
    const char ***lists[] = {
        &opts->paths,    &opts->exclude_libraries, &opts->include_libraries, &opts->hidden_imports,
        &opts->collects, &opts->exclude_modules,   &opts->add_data,          &opts->add_binaries};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const char **grown = realloc(*lists[i], (n > 0 ? n : 1) * sizeof **lists[i]);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory parsing arguments");
        }
        *lists[i] = grown;
    }
    return PF_OK;
}

/* parse_args: the options and SCRIPT of argv[first..argc) into opts. */
static int parse_args(pfz_options *opts, parse_ctx *ctx, int first, int argc, char **argv,
                      pf_error *err)
{
    int only_positional = 0;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (ctx->named) {
                continue; /* the command line's SCRIPT, -m or --entry-point wins */
            }
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
        const pfz_option_spec *o = pfz_option_find(name, name_len, is_long);
        if (o == NULL || (!is_long && name[1] != '\0' && !o->takes_value)) {
            return unknown_option(arg, eq != NULL ? (size_t)(eq - arg) : strlen(arg), err);
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
        if (ctx->defaults && ((ctx->given[o->id] && !is_repeatable(o->id)) ||
                              (ctx->named && (o->id == OPT_MODULE || o->id == OPT_ENTRY_POINT ||
                                              o->id == OPT_PYTHON)))) {
            continue; /* the command line's value wins */
        }
        ctx->given[o->id] = 1;
        int rc = apply_option(opts, o, value, shown, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    return PF_OK;
}

/* parse_defaults: the defaults' arguments after the command line's, an
 * error in them prefixed with where they come from. */
static int parse_defaults(pfz_options *opts, parse_ctx *ctx, int argc,
                          const pfz_options_defaults *defaults, pf_error *err)
{
    pfz_defaults_read r = {.config = opts->config};
    int rc = defaults->read(defaults->ctx, &r, err);
    opts->project_file = r.file;
    opts->project_dir = r.dir;
    if (rc != PF_OK || r.argc == 0) {
        return rc;
    }
    rc = reserve_lists(opts, (size_t)argc + (size_t)r.argc, err);
    if (rc != PF_OK) {
        return rc;
    }
    ctx->defaults = 1;
    ctx->named =
        opts->script != NULL || opts->module != NULL || opts->entry_point != NULL || opts->python;
    rc = parse_args(opts, ctx, 0, r.argc, r.argv, err);
    if (rc == PF_ERR_USAGE) {
        char message[sizeof err->message];
        snprintf(message, sizeof message, "%s", err->message);
        pf_error_set(err, rc, "%s: %s", r.origin != NULL ? r.origin : "defaults", message);
    }
    return rc;
}

int pfz_options_parse(pfz_options *opts, int argc, char **argv, pf_error *err)
{
    return pfz_options_parse_with_defaults(opts, argc, argv, NULL, err);
}

int pfz_options_parse_with_defaults(pfz_options *opts, int argc, char **argv,
                                    const pfz_options_defaults *defaults, pf_error *err)
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
    if (argc >= 2 && argv[1][0] != '-' && unknown_command(argv[1], err) != PF_OK) {
        return PF_ERR_USAGE;
    }
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    int rc = reserve_lists(opts, (size_t)argc, err);
    if (rc == PF_OK) {
        rc = parse_args(opts, &ctx, 1, argc, argv, err);
    }
    if (rc == PF_OK && defaults != NULL && opts->command == PFZ_COMMAND_FREEZE &&
        (opts->config != NULL || (opts->script == NULL && opts->module == NULL &&
                                  opts->entry_point == NULL && !opts->python))) {
        rc = parse_defaults(opts, &ctx, argc, defaults, err);
    }
    return rc == PF_OK ? check_combination(opts, err) : rc;
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
    free(opts->output_default);
    memset(opts, 0, sizeof *opts);
}
