/* render_report.c - see render_report.h. */
#include "render_report.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "messages.h"

char *rt_render_notes(const pfz_report *r, int verbose)
{
    char *text = NULL, *listed = NULL;
    size_t size = 0, listed_size = 0;
    FILE *diag = open_memstream(&text, &size);
    FILE *listing = open_memstream(&listed, &listed_size);
    assert_non_null(diag);
    assert_non_null(listing);
    size_t printed = 0;
    pfz_print_notes(r, &printed, verbose, diag, listing);
    fclose(diag);
    fclose(listing);
    free(listed);
    return text;
}

char *rt_render_python_error(const pfz_report *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *diag = open_memstream(&text, &size);
    assert_non_null(diag);
    pfz_print_python_error(&r->python_error, diag);
    fclose(diag);
    return text;
}
