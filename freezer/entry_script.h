/* entry_script.h - the main module of a program frozen from a console
 * script's entry point (-m MODULE:FUNCTION, --entry-point NAME): a small
 * script that calls the function as the wrapper pip installs does
 * (pip's distlib ScriptMaker template: `from MODULE import NAME`,
 * `sys.exit(FUNCTION())`), written to a private temporary directory so the
 * resolver freezes it as any script. Library code: the command passes the
 * temporary directory in (TMPDIR). */
#ifndef PFZ_ENTRY_SCRIPT_H
#define PFZ_ENTRY_SCRIPT_H

#include "pf_error.h"

typedef struct pfz_entry_script {
    char *dir;    /* the private directory made for it (mkdtemp, 0700), malloc'd */
    char *path;   /* dir + "/__main__.py", malloc'd: packed as lib/__main__.pyc */
    char *module; /* the module part of the reference, e.g. "greeter.cli", malloc'd */
} pfz_entry_script;

/* pfz_entry_script_is_reference: 1 when module (an -m value) is an entry
 * point's object reference MODULE:ATTR (PyPA entry points specification),
 * 0 for a plain module name. */
int pfz_entry_script_is_reference(const char *module);

/* pfz_entry_script_write: writes the wrapper for reference "MODULE:ATTR"
 * (ATTR dotted; options.c checked both parts) into a new directory under
 * tmpdir (NULL or "": /tmp). *s must be zeroed; on PF_OK it holds the
 * paths, which the caller removes with pfz_entry_script_remove. Errors:
 * PF_ERR_USAGE (no ':' in reference), PF_ERR_IO (the directory or file
 * cannot be made: the message names it), PF_ERR_NOMEM; on error nothing is
 * left on disk. */
int pfz_entry_script_write(const char *reference, const char *tmpdir, pfz_entry_script *s,
                           pf_error *err);

/* pfz_entry_script_remove: deletes the file and directory and frees and
 * zeroes *s; accepts a zeroed or NULL s. */
void pfz_entry_script_remove(pfz_entry_script *s);

#endif
