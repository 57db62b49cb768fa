/* test_layout.c - the frame-layout policy (pack/layout.c): a module graph
 * turned into a payload, read back with the runtime's reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "graph_fixture.h"
#include "layout.h"
#include "payload.h"
#include "payload_reader.h"

static void test_payload_from_graph(void **state)
{
    (void)state;
    graph_fixture f;
    fixture_init(&f);
    pfz_buffer out = {0};
    pf_error err;
    if (pfz_payload_from_graph(&f.g, magic, 0, &out, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    const pf_index *index = pf_payload_index(p);
    /* 2 files, 4 modules (__main__, its own name "app", pkg, pkg.ns): no sys, no os */
    assert_int_equal(index->entry_count, 6);
    assert_memory_equal(index->python_magic, magic, 4);
    assert_int_equal(index->flags, 0);
    pf_entry e;
    pf_index_entry(index, index->main_entry, &e);
    assert_int_equal(e.kind, PF_KIND_MODULE);
    assert_memory_equal(e.name, "__main__", e.name_size);
    uint32_t main_member = e.member;
    /* the script is importable as "app" too, from the same member */
    assert_true(pf_index_find(index, "app", 3, &e));
    assert_int_equal(e.kind, PF_KIND_MODULE);
    assert_int_equal(e.member, main_member);
    assert_true(pf_index_find(index, "pkg", 3, &e));
    assert_int_equal(e.kind, PF_KIND_PACKAGE);
    pf_entry file;
    pf_index_entry(index, e.member, &file);
    const uint8_t *data;
    size_t size;
    assert_int_equal(pf_payload_read(p, &file, &data, &size, &err), PF_OK);
    assert_int_equal(size, sizeof f.pyc_pkg);
    assert_memory_equal(data, f.pyc_pkg, size);
    assert_true(pf_index_find(index, "pkg.ns", 6, &e));
    assert_int_equal(e.kind, PF_KIND_NAMESPACE);
    assert_false(pf_index_find(index, "sys", 3, &e));
    assert_false(pf_index_find(index, "os", 2, &e));
    pf_payload_close(p);
    pfz_buffer_free(&out);

    /* -m: the flag reaches the index */
    f.g.main = 1;
    f.g.main_flags = PF_INDEX_FLAG_MAIN_IS_MODULE;
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_OK);
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    assert_int_equal(pf_payload_index(p)->flags, PF_INDEX_FLAG_MAIN_IS_MODULE);
    pf_payload_close(p);
    pfz_buffer_free(&out);
}

/* The graph's left-out names reach the index with their kinds, but for
 * those that are modules (packed, builtin, frozen, the script's own name). */
static void test_left_out_names(void **state)
{
    (void)state;
    graph_fixture f;
    fixture_init(&f);
    pfz_left_out left_out[] = {{"app", 0}, {"doctest", 0}, {"json", 1},
                               {"os", 0},  {"pkg", 0},     {"sys", 1}};
    f.g.left_out = left_out;
    f.g.left_out_count = sizeof left_out / sizeof *left_out;
    pfz_buffer out = {0};
    pf_error err;
    if (pfz_payload_from_graph(&f.g, magic, 0, &out, &err) != PF_OK) {
        fail_msg("%s", err.message);
    }
    pf_payload *p = NULL;
    assert_int_equal(pf_payload_open(&p, out.data, out.size, &err), PF_OK);
    const pf_index *index = pf_payload_index(p);
    assert_int_equal(index->entry_count, 6 + 2);
    pf_entry e;
    assert_true(pf_index_find(index, "doctest", 7, &e));
    assert_int_equal(e.kind, PF_KIND_NOT_FOLLOWED);
    assert_true(pf_index_find(index, "json", 4, &e));
    assert_int_equal(e.kind, PF_KIND_EXCLUDED);
    assert_true(pf_index_find(index, "app", 3, &e));
    assert_int_equal(e.kind, PF_KIND_MODULE);
    assert_true(pf_index_find(index, "pkg", 3, &e));
    assert_int_equal(e.kind, PF_KIND_PACKAGE);
    assert_false(pf_index_find(index, "sys", 3, &e));
    assert_false(pf_index_find(index, "os", 2, &e));
    pf_payload_close(p);
    pfz_buffer_free(&out);
}

static void test_payload_from_graph_errors(void **state)
{
    (void)state;
    graph_fixture f;
    pfz_buffer out = {0};
    pf_error err;
    fixture_init(&f);
    f.g.main = 3; /* a builtin cannot be the program */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "'sys'"));
    f.g.main = 2; /* nor a namespace package */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    fixture_init(&f);
    f.pyc_pkg[0] ^= 1; /* bytecode of another python */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "'pkg'"));
    fixture_init(&f);
    f.modules[0].pyc_size = 8; /* shorter than a .pyc header */
    assert_int_equal(pfz_payload_from_graph(&f.g, magic, 0, &out, &err), PF_ERR_USAGE);
    assert_int_equal(out.size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_from_graph),
        cmocka_unit_test(test_left_out_names),
        cmocka_unit_test(test_payload_from_graph_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
