/* docgen.c - pyfreeze-docgen, run by the build (not installed): writes one
 * text made from the option table to stdout, so the man page and the bash
 * completion are made at build time from the very table pyfreeze parses
 * with.
 *
 *   pyfreeze-docgen man VERSION   the man page pyfreeze.1
 *   pyfreeze-docgen bash          the bash completion script
 *   pyfreeze-docgen options       every option spelling, one a line
 *                                 (-o, --output, ...), for the docs tests
 *   pyfreeze-docgen commands      every command name, one a line
 *
 * Exit status 0, or 2 for a wrong argument, 1 when stdout fails. */
#include <stdio.h>
#include <string.h>

#include "option_docs.h"

/* print_spellings: every option as it may be typed, one a line. */
static void print_spellings(FILE *out)
{
    size_t n;
    const pfz_option_spec *opts = pfz_option_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (opts[i].short_name != '\0') {
            fprintf(out, "-%c\n", opts[i].short_name);
        }
        fprintf(out, "--%s\n", opts[i].long_name);
    }
}

int main(int argc, char **argv)
{
    const char *what = argc >= 2 ? argv[1] : "";
    if (strcmp(what, "man") == 0 && argc == 3) {
        pfz_options_man_page(stdout, argv[2]);
    } else if (strcmp(what, "bash") == 0 && argc == 2) {
        pfz_options_bash_completion(stdout);
    } else if (strcmp(what, "options") == 0 && argc == 2) {
        print_spellings(stdout);
    } else if (strcmp(what, "commands") == 0 && argc == 2) {
        size_t n;
        const pfz_command_spec *cmds = pfz_command_table(&n);
        for (size_t i = 0; i < n; i++) {
            printf("%s\n", cmds[i].name);
        }
    } else {
        fputs("usage: pyfreeze-docgen man VERSION | bash | options | commands\n", stderr);
        return 2;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
