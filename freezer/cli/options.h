/* options.h - the pyfreeze command line, parsed and checked into a config
 * before any stage runs (one message for one mistake, naming the option).
 *
 *   pyfreeze SCRIPT.py [-o OUT] [-p DIR]... [-v] [--stub PATH | --pie] [LIBRARY OPTIONS]
 *   pyfreeze -m MODULE[:FUNCTION] [-o OUT] [-p DIR]... [...]
 *   pyfreeze --entry-point NAME [-o OUT] [-p DIR]... [...]
 *   pyfreeze [-o OUT] [...]   (the rest from ./pyproject.toml's [tool.pyfreeze],
 *                              project_config.h)
 *   -o defaults to dist/NAME (pfz_options_parse says which NAME)
 *   LIBRARY OPTIONS: --exclude-library NAME, --include-library NAME (each
 *   repeatable; NAME a SONAME or an fnmatch glob; lib_policy.h)
 *   BUILD OPTIONS: -O/--optimize 0|1|2, --cache-dir DIR, --no-cache,
 *   --include-source, --allow-interactive
 *   PACKAGE OPTIONS: --hidden-import MODULE, --collect PACKAGE,
 *   --exclude-module MODULE, --add-data SRC:DEST (each repeatable), --venv DIR
 *   --add-binary SRC:DEST (repeatable), --depfile FILE
 *   PORTABILITY: --max-glibc VERSION (program_floor.h)
 *   pyfreeze --python -o OUT [BUILD OPTIONS]   (a standalone Python 3.11)
 *   pyfreeze inspect FILE
 *   pyfreeze verify FILE
 *   pyfreeze inspect --help, pyfreeze verify --help  (help_command)
 *   pyfreeze -h | --help | --version
 *
 * Long options also take their value as --opt=VALUE; "--" ends options.
 */
#ifndef PFZ_OPTIONS_H
#define PFZ_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "pf_error.h"

/* Exit status for a usage error, as getopt-based tools and python3 use. */
#define PFZ_EXIT_USAGE 2

typedef enum pfz_command {
    PFZ_COMMAND_FREEZE = 0,
    PFZ_COMMAND_INSPECT,
    PFZ_COMMAND_HELP,
    PFZ_COMMAND_VERSION,
    PFZ_COMMAND_VERIFY,
} pfz_command;

typedef struct pfz_options {
    pfz_command command;
    const char *script;      /* entry script (borrowed from argv), or NULL with -m */
    const char *module;      /* -m MODULE or MODULE:FUNCTION (a console script's object
                                reference, PyPA entry points spec), or NULL */
    const char *entry_point; /* --entry-point NAME: a console script the command looks up
                                (entry_point.h) and turns into module "MODULE:FUNCTION" */
    const char *output;      /* -o OUT; for inspect and verify, the FILE to read */
    int output_is_default;   /* 1: -o was not given and output is dist/NAME (the command
                                creates dist/) */
    char *output_default;    /* owned storage of that dist/NAME, or NULL */
    const char *stub;        /* --stub PATH, or NULL to locate the installed stub */
    int pie;                 /* --pie: locate the position-independent stub (PFZ_STUB_PIE_NAME) */
    const char **paths;      /* -p/--path directories in order (array owned, strings borrowed) */
    size_t path_count;
    const char **exclude_libraries; /* --exclude-library names (array owned, strings borrowed) */
    size_t exclude_library_count;
    const char **include_libraries; /* --include-library names (array owned, strings borrowed) */
    size_t include_library_count;
    /* third-party packages (docs/third-party.md); arrays owned, strings borrowed */
    const char **hidden_imports; /* --hidden-import MODULE */
    size_t hidden_import_count;
    const char **collects; /* --collect PACKAGE */
    size_t collect_count;
    const char **exclude_modules; /* --exclude-module MODULE */
    size_t exclude_module_count;
    const char **add_data; /* --add-data SRC:DEST, as given */
    size_t add_data_count;
    const char **add_binaries; /* --add-binary SRC:DEST, as given (array owned, strings
                                  borrowed) */
    size_t add_binary_count;
    const char *depfile;    /* --depfile FILE: the files read, as a Makefile rule; or NULL */
    const char *venv;       /* --venv DIR, or NULL (pfz_freeze then uses $VIRTUAL_ENV) */
    int verbose;            /* -v/--verbose given */
    int quiet;              /* -q/--quiet: print only errors */
    int strict;             /* --strict: an unresolved import in the program's own code
                               (not guarded by a try) fails the freeze */
    const char *cache_dir;  /* --cache-dir DIR, or NULL for the default (bytecode_cache.h) */
    int no_cache;           /* --no-cache given: neither read nor write the cache */
    int optimize;           /* -O/--optimize LEVEL: 0 (default), 1 or 2, as python -O/-OO */
    int optimize_given;     /* -O/--optimize was given (it may be given once) */
    int include_source;     /* --include-source: pack each module's .py beside its .pyc */
    int follow_all_imports; /* --follow-all-imports: leave no import statement out */
    int store_native_code;  /* --store-native-code: large native code stored, not compressed */
    int allow_interactive;  /* --allow-interactive: `./app -i ...` enters the REPL after main */
    int python;             /* --python: build a standalone python3.11 (no SCRIPT, no -m) */
    const char *max_glibc;  /* --max-glibc VERSION ("2.31"; checked by pfz_glibc_version_parse),
                               or NULL: no limit on the glibc the program needs */
    const char *report;     /* --report FILE: the build report, HTML when FILE ends in .html,
                               else JSON (docs/report-format.md); NULL: none */
    const char *sbom;       /* --sbom FILE: a CycloneDX 1.5 JSON SBOM; NULL: none */

    const char *config;       /* --config FILE: the pyproject.toml to read, or NULL */
    const char *project_file; /* the pyproject.toml read for defaults, or NULL */
    const char *project_dir;  /* its directory as a prefix ("../"), or NULL: here */

    /* HELP of one command ("inspect" for `pyfreeze inspect --help`, borrowed
     * from argv), or NULL: pyfreeze's own --help */
    const char *help_command;
} pfz_options;

/* Where an option is listed in --help and the man page, in this order. */
typedef enum pfz_option_section {
    PFZ_SECTION_GENERAL = 0, /* -h, --version; also a row that names no section */
    PFZ_SECTION_INPUT,       /* what to freeze and where its modules are */
    PFZ_SECTION_OUTPUT,      /* what is written and for which systems */
    PFZ_SECTION_IMPORTS,     /* modules and data packed or left out */
    PFZ_SECTION_LIBRARIES,   /* shared libraries bundled or left out */
    PFZ_SECTION_BUILD,       /* how modules are compiled and cached */
    PFZ_SECTION_MESSAGES,    /* what is printed */
    PFZ_SECTION_COUNT
} pfz_option_section;

/* One command-line option: the single table the parser, --help, the man
 * page, the bash completion and the docs test read (options.c). A row
 * with only {id, short, long, takes_value} is valid: the other fields
 * default to a value name "VALUE", PFZ_SECTION_GENERAL and no help (which
 * the docs test reports). */
typedef struct pfz_option_spec {
    int id;                     /* options.c's OPT_ constant */
    char short_name;            /* 'o' for -o, or '\0' when there is none */
    const char *long_name;      /* "output" for --output */
    int takes_value;            /* 1: --name VALUE or --name=VALUE; 0: a flag */
    const char *value_name;     /* "OUT" as shown in help, or NULL */
    pfz_option_section section; /* where help lists it */
    const char *help;           /* one paragraph, unwrapped; "(repeatable)" at the end
                                   when it may be given more than once */
} pfz_option_spec;

/* pfz_option_table: the options, in the order help lists them within a
 * section; sets *count to their number. Static storage, never NULL. */
const pfz_option_spec *pfz_option_table(size_t *count);

/* A command: argv[1] naming something other than a freeze. */
typedef struct pfz_command_spec {
    const char *name; /* "inspect" */
    const char *args; /* "FILE" */
    const char *help; /* one paragraph, unwrapped */
    /* what args are, one paragraph, for `pyfreeze inspect --help` */
    const char *args_help;
} pfz_command_spec;

/* pfz_command_table: the commands (inspect, verify); sets *count. Static
 * storage. */
const pfz_command_spec *pfz_command_table(size_t *count);

/* pfz_options_parse: parses argv[1..argc) into *opts (argv must outlive
 * opts). On PF_OK the config is complete and consistent: for FREEZE exactly
 * one of script/module/entry_point/python is set and output is set (-o, else
 * "dist/NAME" with output_is_default: NAME is the script's file name without
 * ".py", the module's last component (the one before a final "__main__"),
 * the entry point's name, or "python3.11" for --python); for INSPECT output is the
 * file. Errors: PF_ERR_USAGE with a message naming the option or argument
 * (unknown option, missing or empty value, an option given twice, two of
 * script, -m and --entry-point, nothing to freeze, an option after
 * inspect or verify other than -h/--help, -m value not a dotted
 * module name optionally followed by ":" and a dotted attribute name, an
 * --entry-point name with a '/',
 * an optimize level other than 0, 1 or 2, --cache-dir with --no-cache,
 * --python with SCRIPT or -m, --allow-interactive with --python,
 * --stub with --pie (--stub names the very stub to use; --pie picks the
 * installed position-independent one),
 * a --hidden-import/--collect/--exclude-module value not a dotted module
 * name, an --add-data or --add-binary value without SRC:DEST or with an
 * absolute DEST,
 * --venv given twice, a --max-glibc value not a glibc version such as 2.31,
 * a --report FILE not ending in .json or .html, --report or --sbom given
 * twice or naming the output itself,
 * extra arguments); PF_ERR_NOMEM. The library names are checked by
 * pfz_freeze (pfz_lib_policy_check), not here. Callers print the message
 * after "pyfreeze: error: " and exit with PFZ_EXIT_USAGE. Free with
 * pfz_options_free in every case. */
int pfz_options_parse(pfz_options *opts, int argc, char **argv, pf_error *err);

/* Arguments that stand in for options the command line does not give
 * (pyproject.toml's [tool.pyfreeze], project_config.h). */
/* What one read of the defaults takes and gives. */
typedef struct pfz_defaults_read {
    const char *config; /* in: --config FILE, or NULL: the read finds the file itself */
    int argc;           /* out: arguments parsed as the command line's are (no program
                           name), argc of them (0: none); they must outlive the options */
    char **argv;
    const char *origin; /* out: what messages name them by ("pyproject.toml
                           [tool.pyfreeze]"), or NULL */
    const char *file;   /* out: the file read (even one without the table), or NULL */
    const char *dir;    /* out: its directory as a prefix of relative paths ("",
                           "../"), or NULL: the working directory */
} pfz_defaults_read;

typedef struct pfz_options_defaults {
    /* read: called when the command line gives --config FILE, or names
     * nothing to freeze (no SCRIPT, -m, --entry-point or --python), and is
     * otherwise valid. Fills r's out fields. Returns PF_OK or an error in
     * err. */
    int (*read)(void *ctx, pfz_defaults_read *r, pf_error *err);
    void *ctx;
} pfz_options_defaults;

/* pfz_options_parse_with_defaults: pfz_options_parse, then, when the
 * command line names nothing to freeze or gives --config, defaults->read's
 * arguments parsed after it: an option the command line gave that takes one
 * value (or is a flag) keeps the command line's value; repeatable options
 * (-p, --hidden-import, ...) add the defaults' values after the command
 * line's; what to freeze (SCRIPT, -m, --entry-point) is the command line's
 * when it names one. opts->project_file and opts->project_dir are then the
 * read's file and dir (dist/NAME goes under that directory).
 * Errors: those of pfz_options_parse (one in the defaults' arguments
 * prefixed with their origin), and read's. defaults may be NULL. */
int pfz_options_parse_with_defaults(pfz_options *opts, int argc, char **argv,
                                    const pfz_options_defaults *defaults, pf_error *err);

/* pfz_option_kind: what --NAME (long_name without the dashes) is: -1 no
 * option of the command line (nor --help or --version: they are commands),
 * 0 a flag, 1 an option that takes one value, 2 a repeatable one (each
 * occurrence adds a value). For checking a configuration file's keys. */
int pfz_option_kind(const char *long_name);

/* pfz_options_free: frees what opts owns and zeroes it; accepts NULL. */
void pfz_options_free(pfz_options *opts);

#endif
