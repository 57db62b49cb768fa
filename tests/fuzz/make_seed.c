/* make_seed.c - writes the test suite's sample payloads (plain and with a
 * pax index header) into a directory as the fuzzer's seed corpus. */
#include <stdio.h>

#include "payload_builder.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    for (int pax = 0; pax <= 1; pax++) {
        pfz_buffer b = {0};
        char path[4096];
        snprintf(path, sizeof path, "%s/sample%d.tar.zst", argv[1], pax);
        FILE *f = NULL;
        if (tb_sample_payload(pax, &b) != 0 || (f = fopen(path, "wb")) == NULL ||
            fwrite(b.data, 1, b.size, f) != b.size || fclose(f) != 0) {
            fprintf(stderr, "%s: cannot write the seed\n", path);
            return 1;
        }
        pfz_buffer_free(&b);
    }
    return 0;
}
