/* native_fixture.c - a shared object whose read-only data holds the kinds
 * of strings an extension module imports from C (test_dynamic_imports.c
 * reads it with native_imports.c): cffi's backend, a mypyc runtime, a
 * dotted module, the module's own name, and strings that are not module
 * names. */
#include <stddef.h>

const char *const pf_fixture_strings[] = {
    "_cffi_backend", "0a1b2c__mypyc", "pkg.sub.mod", "fixture.self", "plainword", "not a name",
};
const size_t pf_fixture_count = sizeof pf_fixture_strings / sizeof pf_fixture_strings[0];
