/* options.h - the pyfreeze command line, parsed and checked into a config
 * before any stage runs (one message for one mistake, naming the option).
 *
 *   pyfreeze SCRIPT.py -o OUT [-p DIR]... [-v] [--stub PATH | --pie] [LIBRARY OPTIONS]
 *   pyfreeze -m MODULE -o OUT [-p DIR]... [-v] [--stub PATH | --pie] [LIBRARY OPTIONS]
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
    const char *script; /* entry script (borrowed from argv), or NULL with -m */
    const char *module; /* -m MODULE, or NULL */
    const char *output; /* -o OUT; for inspect and verify, the FILE to read */
    const char *stub;   /* --stub PATH, or NULL to locate the installed stub */
    int pie;            /* --pie: locate the position-independent stub (PFZ_STUB_PIE_NAME) */
    const char **paths; /* -p/--path directories in order (array owned, strings borrowed) */
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
    int allow_interactive;  /* --allow-interactive: `./app -i ...` enters the REPL after main */
    int python;             /* --python: build a standalone python3.11 (no SCRIPT, no -m) */
    const char *max_glibc;  /* --max-glibc VERSION ("2.31"; checked by pfz_glibc_version_parse),
                               or NULL: no limit on the glibc the program needs */
} pfz_options;

/* pfz_options_parse: parses argv[1..argc) into *opts (argv must outlive
 * opts). On PF_OK the config is complete and consistent: for FREEZE exactly
 * one of script/module/python is set and output is set; for INSPECT output is the
 * file. Errors: PF_ERR_USAGE with a message naming the option or argument
 * (unknown option, missing or empty value, an option given twice, script and
 * -m together, nothing to freeze, no -o, -m value not a dotted module name,
 * an optimize level other than 0, 1 or 2, --cache-dir with --no-cache,
 * --python with SCRIPT or -m, --allow-interactive with --python,
 * --stub with --pie (--stub names the very stub to use; --pie picks the
 * installed position-independent one),
 * a --hidden-import/--collect/--exclude-module value not a dotted module
 * name, an --add-data or --add-binary value without SRC:DEST or with an
 * absolute DEST,
 * --venv given twice, a --max-glibc value not a glibc version such as 2.31,
 * extra arguments); PF_ERR_NOMEM. The library names are checked by
 * pfz_freeze (pfz_lib_policy_check), not here. Callers print the message
 * after "pyfreeze: error: " and exit with PFZ_EXIT_USAGE. Free with
 * pfz_options_free in every case. */
int pfz_options_parse(pfz_options *opts, int argc, char **argv, pf_error *err);

/* pfz_options_free: frees what opts owns and zeroes it; accepts NULL. */
void pfz_options_free(pfz_options *opts);

/* pfz_options_help: writes the usage text (--help) to out. */
void pfz_options_help(FILE *out);

/* pfz_options_version: writes the --version line to out. */
void pfz_options_version(FILE *out);

#endif
