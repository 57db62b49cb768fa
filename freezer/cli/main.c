/* main.c - the pyfreeze command: parse the whole command line, then run one
 * command over the freezer library. Exit status: 0 success; PFZ_EXIT_USAGE
 * for a command-line mistake; 1 for any other failure (one message on
 * stderr, or none after a Python error told in python3's own format). */
#include <stdio.h>

#include "freeze_command.h"
#include "inspect.h"
#include "option_docs.h"
#include "options.h"
#include "project_config.h"
#include "verify_command.h"
#include "version.h"

int main(int argc, char **argv)
{
    pfz_options opts;
    pf_error err;
    pf_error_clear(&err);
    /* with nothing to freeze named, the nearest pyproject.toml's
     * [tool.pyfreeze]; --config FILE's always */
    pfz_project_config project = {.path = NULL};
    pfz_options_defaults defaults = {pfz_project_config_defaults, &project};
    int rc = pfz_options_parse_with_defaults(&opts, argc, argv, &defaults, &err);
    int status = rc == PF_ERR_USAGE ? PFZ_EXIT_USAGE : 1;
    if (rc == PF_OK) {
        if (opts.command == PFZ_COMMAND_HELP && opts.help_command != NULL) {
            pfz_command_help(stdout, opts.help_command);
        } else if (opts.command == PFZ_COMMAND_HELP) {
            pfz_options_help(stdout);
        } else if (opts.command == PFZ_COMMAND_VERSION) {
            pfz_print_version(stdout);
        } else if (opts.command == PFZ_COMMAND_INSPECT) {
            rc = pfz_inspect_file(opts.output, stdout, &err);
        } else if (opts.command == PFZ_COMMAND_VERIFY) {
            rc = pfz_verify_file(opts.output, stdout, &err);
        } else {
            rc = pfz_command_freeze(&opts, stdout, stderr, &err);
        }
        status = 1;
    }
    pfz_options_free(&opts);
    pfz_project_config_free(&project);
    if (rc != PF_OK && err.message[0] != '\0') {
        fprintf(stderr, "pyfreeze: error: %s\n", err.message);
    }
    return rc == PF_OK ? 0 : status;
}
