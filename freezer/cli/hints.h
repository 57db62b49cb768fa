/* hints.h - what to do next when a freeze cannot find a module, from
 * where the module is on disk: a src-layout project's package under ./src
 * (add -p src), or a virtual environment in the working directory that was
 * neither activated nor named with --venv. Part of the command: it looks
 * at the working directory and prints. */
#ifndef PFZ_HINTS_H
#define PFZ_HINTS_H

#include <stdio.h>

#include "options.h"
#include "pf_error.h"
#include "report.h"

/* pfz_hint_src_layout: when err (a failed freeze's) says "no module named
 * 'NAME'" and NAME's top-level package or module is ./src/TOP (a
 * directory) or ./src/TOP.py while no -p names ./src, appends to err's
 * message that it is there and to add -p src. Otherwise leaves err as it
 * is. */
void pfz_hint_src_layout(const pfz_options *opts, pf_error *err);

/* pfz_hint_venv: when the freeze used no virtual environment (no --venv,
 * virtual_env NULL or empty), prints to diag, for each of ./.venv and
 * ./venv that is a python3.11 virtual environment (pyvenv.cfg, and
 * lib/python3.11/site-packages) whose site-packages holds the top-level
 * name of a module the freeze could not find (report's
 * PFZ_NOTE_MODULE_NOT_FOUND records that are not verbose_only, and the
 * "no module named 'NAME'" of err when the freeze failed; report and err
 * may be NULL), one line naming the module and saying to activate the
 * environment or pass --venv DIR. Prints nothing otherwise. */
void pfz_hint_venv(const pfz_options *opts, const char *virtual_env, const pfz_report *report,
                   const pf_error *err, FILE *diag);

#endif
