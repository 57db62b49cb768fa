/* fuzz_elf.c - libFuzzer target for the bounded ELF readers on any bytes:
 * pf_elf_check_layout, pf_elf_find_section (.pyfreeze, .dynamic),
 * pf_elf_for_each_needed (each name touched) and pf_elf_imports_any.
 * Seeds: tests/fuzz/corpus/fuzz_elf (a small shared object needing
 * libm.so.6 and a small executable). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf_needed.h"
#include "elf_section.h"

/* touch: reads every byte of a DT_NEEDED name (ASan checks its bounds). */
static int touch(const char *name, size_t nameSize, void *context)
{
    size_t *total = context;
    for (size_t i = 0; i < nameSize; i++) {
        *total += (unsigned char)name[i];
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const symbols[] = {"cos", "PyInit_x", "__libc_start_main"};
    uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    uint64_t offset, length;
    size_t total = 0;
    int found;
    pf_elf_part part;
    (void)pf_elf_check_layout(copy, size, &part, NULL);
    if (pf_elf_find_section(copy, size, ".pyfreeze", &offset, &length, NULL) == PF_OK &&
        (offset > size || length > size - offset)) {
        __builtin_trap();
    }
    (void)pf_elf_find_section(copy, size, ".dynamic", &offset, &length, NULL);
    (void)pf_elf_for_each_needed(copy, size, touch, &total, NULL);
    (void)pf_elf_imports_any(copy, size, symbols, 3, &found, NULL);
    free(copy);
    return total == 1; /* keeps total used */
}
