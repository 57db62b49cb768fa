/* test_listing.c - the -v listing (cli/listing.c) of a module graph. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "graph_fixture.h"
#include "listing.h"

static void test_print_graph(void **state)
{
    (void)state;
    graph_fixture f;
    fixture_init(&f);
    char *text = NULL;
    size_t size;
    FILE *out = open_memstream(&text, &size);
    pfz_print_graph(&f.g, "/src/app.py", out);
    fclose(out);
    assert_string_equal(text, "app                            (entry point)\n"
                              "pkg                            <- app (app.py:3)\n"
                              "pkg.ns                         <- pkg (pkg/__init__.py:7)\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_graph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
