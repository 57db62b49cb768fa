/* option_docs.c - the texts made from the option table (options.h): --help,
 * the man page pyfreeze.1 and the bash completion script, so none of them
 * can drift from what the parser accepts; see option_docs.h. */
#include "option_docs.h"

#include <string.h>

#include "options.h"

/* Help lists an option's text from this column, and wraps before this
 * one (an 80-column terminal, as argparse does). */
#define HELP_COLUMN 21
#define HELP_WIDTH 79

static const char *const section_titles[PFZ_SECTION_COUNT] = {
    [PFZ_SECTION_GENERAL] = "general",
    [PFZ_SECTION_INPUT] = "what to freeze",
    [PFZ_SECTION_OUTPUT] = "the executable",
    [PFZ_SECTION_IMPORTS] = "modules and data",
    [PFZ_SECTION_LIBRARIES] = "shared libraries",
    [PFZ_SECTION_BUILD] = "compiling",
    [PFZ_SECTION_MESSAGES] = "messages",
};

/* The order sections are listed in: general last, as --help and --version
 * are what a reader looks for least. */
static const pfz_option_section section_order[PFZ_SECTION_COUNT] = {
    PFZ_SECTION_INPUT, PFZ_SECTION_OUTPUT,   PFZ_SECTION_IMPORTS, PFZ_SECTION_LIBRARIES,
    PFZ_SECTION_BUILD, PFZ_SECTION_MESSAGES, PFZ_SECTION_GENERAL,
};

static const char *const usage_lines[] = {
    "SCRIPT.py [-o OUT] [options]",                                   /* a script */
    "-m MODULE[:FUNCTION] [-o OUT] [options]",                        /* a module, or a function */
    "--entry-point NAME [-o OUT] [options]",                          /* a console script */
    "[-o OUT] [options]   (the rest: pyproject.toml, here or above)", /* [tool.pyfreeze] */
    "--python [-o OUT] [options]",                                    /* a standalone Python */
};
#define USAGE_COUNT (sizeof usage_lines / sizeof usage_lines[0])

static const char description[] =
    "Packs a Python 3.11 program and every module it imports into one executable that runs "
    "where no Python is installed.";

const char *pfz_option_value_name(const pfz_option_spec *o)
{
    return o->value_name != NULL ? o->value_name : "VALUE";
}

pfz_value_kind pfz_option_value_kind(const pfz_option_spec *o)
{
    if (!o->takes_value) {
        return PFZ_VALUE_NONE;
    }
    const char *v = pfz_option_value_name(o);
    if (strcmp(v, "DIR") == 0) {
        return PFZ_VALUE_DIR;
    }
    if (strstr(v, "FILE") != NULL || strstr(v, "PATH") != NULL || strstr(v, "OUT") != NULL ||
        strstr(v, "SRC") != NULL || strchr(v, '.') != NULL) {
        return PFZ_VALUE_FILE;
    }
    return PFZ_VALUE_WORD;
}

/* wrap: writes text to out in lines of at most HELP_WIDTH columns, each
 * after indent spaces; the first line's indent is first_indent (the
 * caller has written that many columns already). Words longer than a line
 * go on a line of their own. */
static void wrap(FILE *out, const char *text, int first_indent, int indent)
{
    int col = first_indent;
    int at_line_start = 1;
    const char *p = text;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        size_t len = strcspn(p, " ");
        if (len == 0) {
            break;
        }
        if (!at_line_start && col + 1 + (int)len > HELP_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            at_line_start = 1;
        }
        if (!at_line_start) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, len, out);
        col += (int)len;
        at_line_start = 0;
        p += len;
    }
    fputc('\n', out);
}

/* help_option: one option's entry in --help. */
static void help_option(FILE *out, const pfz_option_spec *o)
{
    int col = 0;
    if (o->short_name != '\0') {
        col += fprintf(out, "  -%c, --%s", o->short_name, o->long_name);
    } else {
        col += fprintf(out, "      --%s", o->long_name);
    }
    if (o->takes_value) {
        col += fprintf(out, " %s", pfz_option_value_name(o));
    }
    if (col + 2 > HELP_COLUMN) {
        fprintf(out, "\n%*s", HELP_COLUMN, "");
    } else {
        fprintf(out, "%*s", HELP_COLUMN - col, "");
    }
    wrap(out, o->help != NULL ? o->help : "", HELP_COLUMN, HELP_COLUMN);
}

void pfz_options_help(FILE *out)
{
    size_t n_opt, n_cmd;
    const pfz_option_spec *opts = pfz_option_table(&n_opt);
    const pfz_command_spec *cmds = pfz_command_table(&n_cmd);
    for (size_t i = 0; i < USAGE_COUNT; i++) {
        fprintf(out, "%s pyfreeze %s\n", i == 0 ? "usage:" : "      ", usage_lines[i]);
    }
    for (size_t i = 0; i < n_cmd; i++) {
        fprintf(out, "       pyfreeze %s %s\n", cmds[i].name, cmds[i].args);
    }
    fputc('\n', out);
    wrap(out, description, 0, 0);
    for (size_t s = 0; s < PFZ_SECTION_COUNT; s++) {
        fprintf(out, "\n%s:\n", section_titles[section_order[s]]);
        for (size_t i = 0; i < n_opt; i++) {
            if (opts[i].section == section_order[s]) {
                help_option(out, &opts[i]);
            }
        }
    }
    fputs("\ncommands:\n", out);
    for (size_t i = 0; i < n_cmd; i++) {
        int col = fprintf(out, "  %s %s", cmds[i].name, cmds[i].args);
        fprintf(out, "%*s", col + 2 > HELP_COLUMN ? 2 : HELP_COLUMN - col, "");
        wrap(out, cmds[i].help, HELP_COLUMN, HELP_COLUMN);
    }
    fputc('\n', out);
    wrap(out,
         "pyfreeze COMMAND --help describes a command. The manual page pyfreeze(1) and "
         "docs/user-guide.md say more.",
         0, 0);
}

int pfz_command_help(FILE *out, const char *name)
{
    size_t n;
    const pfz_command_spec *cmds = pfz_command_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cmds[i].name, name) != 0) {
            continue;
        }
        fprintf(out, "usage: pyfreeze %s %s\n       pyfreeze %s --help\n\n", cmds[i].name,
                cmds[i].args, cmds[i].name);
        wrap(out, cmds[i].help, 0, 0);
        fputc('\n', out);
        wrap(out, cmds[i].args_help, 0, 0);
        fputs("\noptions:\n", out);
        int col = fprintf(out, "  -h, --help");
        fprintf(out, "%*s", HELP_COLUMN - col, "");
        wrap(out, "show this help and exit", HELP_COLUMN, HELP_COLUMN);
        return PF_OK;
    }
    return PF_ERR_NOT_FOUND;
}

/* roff: writes text with roff's special characters escaped (groff_man(7)):
 * a backslash as \e, every '-' as \- (an ASCII hyphen-minus, which options
 * must be so they can be copied), and a '.' or '\'' that would start a
 * line as a control line behind \&. */
static void roff(FILE *out, const char *text)
{
    if (text[0] == '.' || text[0] == '\'') {
        fputs("\\&", out);
    }
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\\') {
            fputs("\\e", out);
        } else if (*p == '-') {
            fputs("\\-", out);
        } else {
            fputc(*p, out);
        }
    }
}

/* man_option: one option as a tagged paragraph: bold names, italic value. */
static void man_option(FILE *out, const pfz_option_spec *o)
{
    fputs(".TP\n", out);
    if (o->short_name != '\0') {
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    }
    fputs("\\fB", out);
    roff(out, "--");
    roff(out, o->long_name);
    fputs("\\fR", out);
    if (o->takes_value) {
        fputs(" \\fI", out);
        roff(out, pfz_option_value_name(o));
        fputs("\\fR", out);
    }
    fputc('\n', out);
    roff(out, o->help != NULL ? o->help : "");
    fputc('\n', out);
}

/* man_text: the sections of the page that are prose, not the tables. */
static const char man_exit_and_more[] =
    ".SH \"EXIT STATUS\"\n"
    "0 on success; 2 for a usage error (an unknown option, a missing value); 1 for anything "
    "else (a script that is missing or does not compile, an output directory that does not "
    "exist).\n"
    ".SH ENVIRONMENT\n"
    ".TP\n.B VIRTUAL_ENV\nthe virtual environment searched for packages when \\fB\\-\\-venv\\fR "
    "is not given.\n"
    ".TP\n.B XDG_CACHE_HOME\nthe build cache is \\fI$XDG_CACHE_HOME/pyfreeze\\fR "
    "(default \\fI~/.cache/pyfreeze\\fR).\n"
    ".TP\n.B SOURCE_DATE_EPOCH\nthe timestamps recorded in the payload, for reproducible "
    "builds.\n"
    ".SH EXAMPLES\n"
    ".nf\n"
    "pyfreeze hello.py \\-o hello\n"
    "pyfreeze \\-m unitconv \\-p src \\-o unitconv\n"
    "pyfreeze inspect unitconv\n"
    ".fi\n"
    ".SH \"SEE ALSO\"\n"
    "\\fBpython3.11\\fR(1); the user guide, docs/user\\-guide.md in pyfreeze's sources.\n";

void pfz_options_man_page(FILE *out, const char *version)
{
    size_t n_opt, n_cmd;
    const pfz_option_spec *opts = pfz_option_table(&n_opt);
    const pfz_command_spec *cmds = pfz_command_table(&n_cmd);
    fprintf(out, ".TH PYFREEZE 1 \"\" \"pyfreeze %s\" \"User Commands\"\n", version);
    fputs(".nh\n", out); /* no hyphens inside option names */
    fputs(".SH NAME\npyfreeze \\- pack a Python 3.11 program into one standalone executable\n",
          out);
    fputs(".SH SYNOPSIS\n", out);
    for (size_t i = 0; i < USAGE_COUNT; i++) {
        fputs(".br\n\\fBpyfreeze\\fR ", out);
        roff(out, usage_lines[i]);
        fputc('\n', out);
    }
    for (size_t i = 0; i < n_cmd; i++) {
        fprintf(out, ".br\n\\fBpyfreeze %s\\fR \\fI%s\\fR\n", cmds[i].name, cmds[i].args);
    }
    fputs(".SH DESCRIPTION\n", out);
    roff(out, description);
    fputs("\n.SH OPTIONS\nLong options also take their value as \\fB\\-\\-name=\\fIVALUE\\fR; "
          "\\fB\\-\\-\\fR ends the options.\n",
          out);
    for (size_t s = 0; s < PFZ_SECTION_COUNT; s++) {
        fprintf(out, ".SS \"%s\"\n", section_titles[section_order[s]]);
        for (size_t i = 0; i < n_opt; i++) {
            if (opts[i].section == section_order[s]) {
                man_option(out, &opts[i]);
            }
        }
    }
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < n_cmd; i++) {
        fprintf(out, ".TP\n\\fBpyfreeze %s\\fR \\fI%s\\fR\n", cmds[i].name, cmds[i].args);
        roff(out, cmds[i].help);
        fputs(". ", out);
        roff(out, cmds[i].args_help);
        fputs(".\n", out);
    }
    fputs(man_exit_and_more, out);
}

/* complete_case: the "case $prev" arm completing the values of the
 * options whose value is of kind k; nothing when none is. */
static void complete_case(FILE *out, pfz_value_kind k, const char *action)
{
    size_t n;
    const pfz_option_spec *opts = pfz_option_table(&n);
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        if (pfz_option_value_kind(&opts[i]) != k) {
            continue;
        }
        fprintf(out, "%s", any ? "|" : "        ");
        if (opts[i].short_name != '\0') {
            fprintf(out, "-%c|", opts[i].short_name);
        }
        fprintf(out, "--%s", opts[i].long_name);
        any = 1;
    }
    if (any) {
        fprintf(out, ")\n            %s\n            return ;;\n", action);
    }
}

void pfz_options_bash_completion(FILE *out)
{
    size_t n_opt, n_cmd;
    const pfz_option_spec *opts = pfz_option_table(&n_opt);
    const pfz_command_spec *cmds = pfz_command_table(&n_cmd);
    fputs("# bash completion for pyfreeze, made from its option table (option_docs.c).\n"
          "_pyfreeze()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    COMPREPLY=()\n"
          "    # --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS) into --opt, =, VALUE\n"
          "    if [[ $cur == = ]]; then\n        cur=\n"
          "    elif [[ $prev == = ]] && ((COMP_CWORD > 2)); then\n"
          "        prev=${COMP_WORDS[COMP_CWORD-2]}\n    fi\n"
          "    local IFS=$'\\n'\n"
          "    if ((COMP_CWORD > 1)); then\n        case ${COMP_WORDS[1]} in\n",
          out);
    for (size_t i = 0; i < n_cmd; i++) {
        fprintf(out,
                "        %s)\n            COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                "            return ;;\n",
                cmds[i].name);
    }
    fputs("        esac\n        case $prev in\n", out);
    complete_case(out, PFZ_VALUE_DIR, "COMPREPLY=($(compgen -d -- \"$cur\"))");
    complete_case(out, PFZ_VALUE_FILE, "COMPREPLY=($(compgen -f -- \"$cur\"))");
    complete_case(out, PFZ_VALUE_WORD, ":");
    fputs("        esac\n    fi\n    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0; i < n_opt; i++) {
        if (opts[i].short_name != '\0') {
            fprintf(out, "-%c\n", opts[i].short_name);
        }
        fprintf(out, "--%s%s", opts[i].long_name, i + 1 < n_opt ? "\n" : "");
    }
    fputs(
        "\" -- \"$cur\"))\n    elif ((COMP_CWORD == 1)); then\n        COMPREPLY=($(compgen -W \"",
        out);
    for (size_t i = 0; i < n_cmd; i++) {
        fprintf(out, "%s%s", cmds[i].name, i + 1 < n_cmd ? "\n" : "");
    }
    fputs("\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n"
          "    else\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n    fi\n}\n"
          "complete -o filenames -F _pyfreeze pyfreeze\n",
          out);
}
