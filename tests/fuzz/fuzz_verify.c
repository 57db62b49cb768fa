/* fuzz_verify.c - libFuzzer target for whole-file verification: the input
 * is a file (an ELF image holding a payload), checked by pf_verify_image
 * fully and quickly; the result must be consistent (a part for damage,
 * none for an intact file). Seeds: the sample payloads in a small ELF
 * image (make_seed). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pf_verify_result result;
    uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    for (unsigned flags = PF_VERIFY_FULL; flags <= PF_VERIFY_QUICK; flags++) {
        int status = pf_verify_image(copy, size, flags, &result);
        if (status != result.status || (status == PF_OK) != (result.part == PF_VERIFY_INTACT) ||
            result.member_size > PF_MAX_NAME_SIZE || result.member[result.member_size] != '\0') {
            if (status != PF_ERR_NOMEM) {
                __builtin_trap();
            }
        }
    }
    free(copy);
    return 0;
}
