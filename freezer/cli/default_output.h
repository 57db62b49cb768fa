/* default_output.h - the executable's path when -o is not given:
 * "dist/NAME", the place PyInstaller writes to, so a user coming from it
 * finds the program where they expect. */
#ifndef PFZ_DEFAULT_OUTPUT_H
#define PFZ_DEFAULT_OUTPUT_H

#include "options.h"
#include "pf_error.h"

/* pfz_default_output: sets opts->output to "dist/NAME", under
 * opts->project_dir when set ("../dist/NAME": the project's dist/, as
 * cargo's target/ is the workspace's) (opts->output_default,
 * owned by opts, freed by pfz_options_free) and opts->output_is_default.
 * NAME is the script's file name without ".py"; the -m module's last
 * component (the one before a final "__main__", and before any
 * ":FUNCTION"); the --entry-point name; "python3.11" for --python. Errors:
 * PF_ERR_USAGE (no usable NAME, e.g. a script named ".py": the message asks
 * for -o), PF_ERR_NOMEM. The directory is not created here (the command
 * creates it when it freezes). */
int pfz_default_output(pfz_options *opts, pf_error *err);

#endif
