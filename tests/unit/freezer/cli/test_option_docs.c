/* test_option_docs.c - the option table is complete and every text made
 * from it (--help, the man page, the bash completion) names every option
 * and every command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "option_docs.h"

/* text_of: what write(out) writes, as a string the caller frees. */
static char *text_of(void (*write)(FILE *))
{
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    write(out);
    assert_int_equal(fclose(out), 0);
    return text;
}

static void write_man(FILE *out)
{
    pfz_options_man_page(out, "9.9");
}

/* expect_in: needle occurs in text, else the test fails naming both. */
static void expect_in(const char *text, const char *what, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        fail_msg("%s does not name '%s'", what, needle);
    }
}

/* Every row is complete: a help text, a value name when it takes a
 * value, a known section, no name twice. */
static void test_table_rows_complete(void **state)
{
    (void)state;
    size_t n;
    const pfz_option_spec *t = pfz_option_table(&n);
    assert_true(n > 20);
    for (size_t i = 0; i < n; i++) {
        if (t[i].help == NULL || t[i].help[0] == '\0') {
            fail_msg("--%s has no help text", t[i].long_name);
        }
        if (t[i].takes_value && t[i].value_name == NULL) {
            fail_msg("--%s takes a value but names none", t[i].long_name);
        }
        assert_true(t[i].section < PFZ_SECTION_COUNT);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(t[i].long_name, t[j].long_name);
            assert_true(t[i].short_name == '\0' || t[i].short_name != t[j].short_name);
        }
    }
}

/* --help, the man page and the completion each name every option (the
 * man page with roff's \- for each '-') and every command. */
static void test_every_option_in_every_text(void **state)
{
    (void)state;
    char *help = text_of(pfz_options_help);
    char *man = text_of(write_man);
    char *bash = text_of(pfz_options_bash_completion);
    size_t n;
    const pfz_option_spec *t = pfz_option_table(&n);
    for (size_t i = 0; i < n; i++) {
        char spelled[128], roff[128];
        snprintf(spelled, sizeof spelled, "--%s", t[i].long_name);
        expect_in(help, "--help", spelled);
        expect_in(bash, "the completion", spelled);
        size_t k = 0;
        for (const char *p = spelled; *p != '\0' && k + 3 < sizeof roff; p++) {
            if (*p == '-') {
                roff[k++] = '\\';
            }
            roff[k++] = *p;
        }
        roff[k] = '\0';
        expect_in(man, "the man page", roff);
        if (t[i].short_name != '\0') {
            snprintf(spelled, sizeof spelled, "-%c, --%s", t[i].short_name, t[i].long_name);
            expect_in(help, "--help", spelled);
            snprintf(spelled, sizeof spelled, "-%c\n", t[i].short_name);
            expect_in(bash, "the completion", spelled);
        }
    }
    const pfz_command_spec *c = pfz_command_table(&n);
    for (size_t i = 0; i < n; i++) {
        expect_in(help, "--help", c[i].name);
        expect_in(man, "the man page", c[i].name);
        expect_in(bash, "the completion", c[i].name);
    }
    free(help);
    free(man);
    free(bash);
}

/* --help fits an 80-column terminal. */
static void test_help_width(void **state)
{
    (void)state;
    char *help = text_of(pfz_options_help);
    for (char *line = help; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        if (len > 79) {
            fail_msg("help line over 79 columns: %.*s", (int)len, line);
        }
        line += len + (line[len] == '\n');
    }
    free(help);
}

/* The value name picks what the completion offers. */
static void test_value_kind(void **state)
{
    (void)state;
    pfz_option_spec dir = {0, 'p', "path", 1, "DIR", PFZ_SECTION_INPUT, "x"};
    pfz_option_spec file = {0, 'o', "output", 1, "OUT", PFZ_SECTION_OUTPUT, "x"};
    pfz_option_spec data = {0, '\0', "add-data", 1, "SRC:DEST", PFZ_SECTION_IMPORTS, "x"};
    pfz_option_spec word = {0, '\0', "collect", 1, "PACKAGE", PFZ_SECTION_IMPORTS, "x"};
    pfz_option_spec bare = {.long_name = "new", .takes_value = 1};
    pfz_option_spec flag = {.long_name = "pie"};
    assert_int_equal(pfz_option_value_kind(&dir), PFZ_VALUE_DIR);
    assert_int_equal(pfz_option_value_kind(&file), PFZ_VALUE_FILE);
    assert_int_equal(pfz_option_value_kind(&data), PFZ_VALUE_FILE);
    assert_int_equal(pfz_option_value_kind(&word), PFZ_VALUE_WORD);
    assert_int_equal(pfz_option_value_kind(&bare), PFZ_VALUE_WORD);
    assert_string_equal(pfz_option_value_name(&bare), "VALUE");
    assert_int_equal(pfz_option_value_kind(&flag), PFZ_VALUE_NONE);
}

/* `pyfreeze inspect --help` and `pyfreeze verify --help`: the command's
 * usage, its text from the table and its argument; an unknown name writes
 * nothing. */
static void test_command_help(void **state)
{
    (void)state;
    size_t n;
    const pfz_command_spec *cmds = pfz_command_table(&n);
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        size_t size;
        FILE *out = open_memstream(&text, &size);
        assert_non_null(out);
        assert_int_equal(pfz_command_help(out, cmds[i].name), PF_OK);
        assert_int_equal(fclose(out), 0);
        char usage[64];
        snprintf(usage, sizeof usage, "usage: pyfreeze %s %s\n", cmds[i].name, cmds[i].args);
        assert_true(strncmp(text, usage, strlen(usage)) == 0);
        assert_non_null(cmds[i].args_help);
        expect_in(text, cmds[i].name, "-h, --help");
        /* the first words of the table's texts, wrapped or not */
        char head[24];
        snprintf(head, sizeof head, "%s", cmds[i].help);
        expect_in(text, cmds[i].name, head);
        snprintf(head, sizeof head, "%s", cmds[i].args_help);
        expect_in(text, cmds[i].name, head);
        free(text);
    }
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(pfz_command_help(out, "nosuch"), PF_ERR_NOT_FOUND);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_rows_complete),
        cmocka_unit_test(test_every_option_in_every_text),
        cmocka_unit_test(test_help_width),
        cmocka_unit_test(test_value_kind),
        cmocka_unit_test(test_command_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
