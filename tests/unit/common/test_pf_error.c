/* test_pf_error.c - the error record (common/pf_error.c): the status comes
 * back with or without a record, the message is formatted, cut to the
 * record's size and always terminated, and clearing empties it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pf_error.h"

static void test_set_and_clear(void **state)
{
    (void)state;
    pf_error err;
    assert_int_equal(pf_error_set(&err, PF_ERR_CORRUPT, "frame %u is %s", 7u, "damaged"),
                     PF_ERR_CORRUPT);
    assert_int_equal(err.status, PF_ERR_CORRUPT);
    assert_string_equal(err.message, "frame 7 is damaged");
    pf_error_clear(&err);
    assert_int_equal(err.status, PF_OK);
    assert_string_equal(err.message, "");
    /* no record: only the status */
    assert_int_equal(pf_error_set(NULL, PF_ERR_NOMEM, "out of %s", "memory"), PF_ERR_NOMEM);
    pf_error_clear(NULL);
}

static void test_long_message_cut(void **state)
{
    (void)state;
    pf_error err;
    char longName[2 * PF_ERROR_MESSAGE_SIZE];
    memset(longName, 'n', sizeof longName - 1);
    longName[sizeof longName - 1] = '\0';
    memset(err.message, 'x', sizeof err.message);
    assert_int_equal(pf_error_set(&err, PF_ERR_USAGE, "name %s", longName), PF_ERR_USAGE);
    assert_int_equal(strlen(err.message), PF_ERROR_MESSAGE_SIZE - 1);
    assert_memory_equal(err.message, "name nnn", 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_clear),
        cmocka_unit_test(test_long_message_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
