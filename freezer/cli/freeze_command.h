/* freeze_command.h - the pyfreeze freeze command over the library: reads
 * what the pipeline needs from the environment, runs pfz_freeze (freeze.h)
 * and prints what it returns, in the order things happen. */
#ifndef PFZ_FREEZE_COMMAND_H
#define PFZ_FREEZE_COMMAND_H

#include <stdio.h>

#include "options.h"
#include "pf_error.h"

/* pfz_command_freeze: freezes opts (command PFZ_COMMAND_FREEZE), reading
 * /proc/self/exe, SOURCE_DATE_EPOCH, VIRTUAL_ENV, XDG_CACHE_HOME and HOME.
 * Warnings and notes go to diag, the -v listing to listing. Returns
 * pfz_freeze's status; on an error err's message is the one line still to
 * print ("pyfreeze: error: " + message), empty when everything was said
 * already (a Python error's text, printed here as python3 prints it). */
int pfz_command_freeze(const pfz_options *opts, FILE *listing, FILE *diag, pf_error *err);

#endif
