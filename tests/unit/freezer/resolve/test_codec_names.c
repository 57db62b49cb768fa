/* test_codec_names.c - the codecs packed on demand (resolve/codec_names.c
 * with the built-in rules file's [codecs]): a codec is packed when a
 * packed module's code names it in a string constant (its name or an
 * alias, in any spelling codecs.lookup accepts, in a function, a keyword
 * argument or a nested constant tuple), or with a root (--hidden-import);
 * the tables of the rules' names_ignored_in modules (locale's, stringprep's
 * 'hz') do not count; the rest is left out, recorded for the payload and
 * noted with -v. */
#include "resolve_test_util.h"
#include "graph_probe.h"
#include "render_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_graph.h"

static void test_named_codecs_packed(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    rt_build_script("import locale, stringprep\n"
                    "print('x'.encode('Shift-JIS'))\n"
                    "def f(data):\n"
                    "    return open(data, encoding='EUC_KR')\n"
                    "TABLE = (('a', ('UHC',)),)\n"
                    "OTHER = ['shift.jis', 'utf-8', 'no such codec']\n",
                    NULL, 0, 0, &g, &verbose);
    assert_true(rt_has_module(&g, "encodings.shift_jis")); /* an alias's spelling */
    assert_true(rt_has_module(&g, "encodings.euc_kr"));    /* in a function */
    assert_true(rt_has_module(&g, "encodings.cp949"));     /* nested in tuples, by alias */
    assert_true(rt_has_module(&g, "encodings.utf_8"));
    assert_false(rt_has_module(&g, "encodings.euc_jp")); /* only locale's table names it */
    assert_false(rt_has_module(&g, "encodings.hz"));     /* only stringprep's 'hz' */
    assert_false(rt_has_module(&g, "encodings.big5"));
    assert_true(rt_has_module(&g, "_codecs_jp"));
    assert_false(rt_has_module(&g, "_codecs_tw"));
    assert_true(rt_is_left_out(&g, "encodings.big5"));
    assert_true(rt_is_left_out(&g, "encodings.euc_jp"));
    assert_non_null(strstr(verbose, "not following encodings's import of encodings.big5 "));
    assert_null(strstr(verbose, "encodings.shift_jis "));
    free(verbose);
    pfz_graph_free(&g);
}

static void test_nothing_named(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    const char *roots[] = {"encodings.gbk"}; /* --hidden-import */
    rt_build_script("print('hello')\n", roots, 1, 0, &g, &verbose);
    assert_true(rt_has_module(&g, "encodings"));
    assert_true(rt_has_module(&g, "encodings.latin_1"));
    assert_true(rt_has_module(&g, "encodings.gbk"));
    assert_true(rt_has_module(&g, "_codecs_cn"));
    assert_false(rt_has_module(&g, "encodings.shift_jis"));
    assert_false(rt_has_module(&g, "_codecs_jp"));
    assert_true(rt_is_left_out(&g, "encodings.shift_jis"));
    free(verbose);
    pfz_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_codecs_packed),
        cmocka_unit_test(test_nothing_named),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
