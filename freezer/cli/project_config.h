/* project_config.h - what the user's Python project says, read with
 * CPython's own tomllib (the freezer embeds CPython, python_host.h):
 * pyproject.toml's [tool.pyfreeze] table as command-line arguments, and a
 * console script's object reference from [project.scripts] (PEP 621) or
 * an installed distribution's metadata (the console_scripts group of the
 * PyPA entry points specification, read with importlib.metadata).
 *
 * [tool.pyfreeze] keys are the long options' names ("output",
 * "hidden-import", ...) plus "script"; a flag takes true or false, an
 * option with one value a string (or an integer, for "optimize"), a
 * repeatable option a string or an array of strings. The table becomes
 * arguments ("--output=dist/app", ..., "--", SCRIPT) that options.c parses
 * as it parses the command line, so every option is supported by
 * construction and checked by the same code. Relative paths in it are
 * relative to the file's directory: the file is the nearest pyproject.toml
 * in the working directory or a parent (as black and ruff find theirs) or
 * --config's FILE, and a path value of a key whose option takes a file or
 * directory (the option table's value kind) is prefixed with that
 * directory ("../src"). */
#ifndef PFZ_PROJECT_CONFIG_H
#define PFZ_PROJECT_CONFIG_H

#include "options.h"
#include "pf_error.h"

/* The file read and the arguments made from it. */
typedef struct pfz_project_config {
    const char *path; /* a file to read instead of looking for one (borrowed; a missing
                         one gives nothing), or NULL: the nearest pyproject.toml */
    char *found;      /* the pyproject.toml found, or NULL (owned) */
    char *dir;        /* the file's directory as a prefix: "", "../", "/tmp/p/" (owned) */
    char *origin;     /* "pyproject.toml [tool.pyfreeze]", for messages (owned) */
    char **argv;      /* the arguments (each owned), argc of them */
    int argc;
} pfz_project_config;

/* pfz_project_config_defaults: the pfz_options_defaults read function;
 * ctx is a pfz_project_config. Reads r->config (--config FILE) if given,
 * else cfg->path if set, else the nearest pyproject.toml in the working
 * directory or a parent (the search stops at a directory with .git or .hg,
 * and at /). No file, or a found one without [tool.pyfreeze], gives no
 * arguments (r->argc 0); otherwise the table's arguments, owned by cfg
 * (free with pfz_project_config_free), relative paths prefixed with the
 * file's directory. r->file, r->dir and r->origin name the file read.
 * Errors, each naming the file (and the key): PF_ERR_USAGE (--config's
 * FILE missing, unreadable or without [tool.pyfreeze]; not valid TOML,
 * with tomllib's line and column; [tool.pyfreeze] not a table; an unknown
 * key, with the option meant when the key is a near miss such as
 * "hidden_import" or "hidden-imports"; "config"; a value of the wrong type;
 * both "script" and "module", or "entry-point" with either), PF_ERR_PYTHON
 * (the embedded interpreter failed), PF_ERR_NOMEM. */
int pfz_project_config_defaults(void *ctx, pfz_defaults_read *r, pf_error *err);

/* pfz_project_config_free: frees what cfg owns (not path); accepts NULL. */
void pfz_project_config_free(pfz_project_config *cfg);

/* pfz_project_entry_point: the object reference "MODULE:ATTR" of console
 * script name: from pyproject's [project.scripts] (pyproject may be NULL or
 * a missing file), else from the console_scripts entry points of the
 * distributions installed in paths[0..path_count) (-p directories), venv's
 * site-packages (venv may be NULL) and the embedded python3.11's sys.path
 * (importlib.metadata.distributions). On PF_OK *reference and *found_in
 * (where it was found: the file and table, or "DIST VERSION") are
 * malloc'd (the caller frees them). Errors: PF_ERR_NOT_FOUND (no such
 * console script: the message says where it looked), PF_ERR_USAGE (the
 * file is not valid TOML, or the value is not MODULE:FUNCTION),
 * PF_ERR_PYTHON, PF_ERR_NOMEM. */
int pfz_project_entry_point(const char *name, const char *pyproject, const char *const *paths,
                            size_t path_count, const char *venv, char **reference, char **found_in,
                            pf_error *err);

#endif
