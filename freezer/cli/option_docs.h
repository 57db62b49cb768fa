/* option_docs.h - the texts made from the option table (options.h
 * pfz_option_table, pfz_command_table): --help, the man page and the bash
 * completion. Each writes to out and cannot fail but for out's own
 * errors (the caller checks ferror). */
#ifndef PFZ_OPTION_DOCS_H
#define PFZ_OPTION_DOCS_H

#include <stdio.h>

#include "options.h"
#include "pf_error.h"

/* What an option's value is, for completion. */
typedef enum pfz_value_kind {
    PFZ_VALUE_NONE = 0, /* a flag */
    PFZ_VALUE_DIR,      /* value name DIR: a directory */
    PFZ_VALUE_FILE,     /* a value name with FILE, PATH, OUT, SRC or a '.': a file */
    PFZ_VALUE_WORD,     /* anything else (a module, a SONAME, a version): not completed */
} pfz_value_kind;

/* pfz_option_value_name: o's value name as shown ("OUT"), "VALUE" for a
 * row that gives none. Static storage. */
const char *pfz_option_value_name(const pfz_option_spec *o);

/* pfz_option_value_kind: what o's value is, from its value name. */
pfz_value_kind pfz_option_value_kind(const pfz_option_spec *o);

/* pfz_options_help: writes --help: the usage lines, then every option by
 * section (help wrapped at 79 columns), then the commands. */
void pfz_options_help(FILE *out);

/* pfz_command_help: writes `pyfreeze NAME --help` for command name
 * ("inspect"): its usage, what it does, its argument and its one option,
 * from pfz_command_table's row. Returns PF_OK, or PF_ERR_NOT_FOUND (nothing
 * written) when no command has that name. */
int pfz_command_help(FILE *out, const char *name);

/* pfz_options_man_page: writes the man page pyfreeze.1 in man(7) roff
 * (groff_man(7)): NAME, SYNOPSIS, DESCRIPTION, OPTIONS by section,
 * COMMANDS, EXIT STATUS, ENVIRONMENT, EXAMPLES, SEE ALSO. version goes in
 * the title line's footer. */
void pfz_options_man_page(FILE *out, const char *version);

/* pfz_options_bash_completion: writes a bash script defining _pyfreeze
 * and `complete -F _pyfreeze pyfreeze`: options after '-', the commands
 * or a file as the first word, directories or files after an option whose
 * value is one (pfz_option_value_kind), nothing after other options. It
 * needs only bash, not the bash-completion package. */
void pfz_options_bash_completion(FILE *out);

#endif
