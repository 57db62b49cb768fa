/* fuzz_boot_mode.c - libFuzzer target for the boot's command-line
 * classifier (runtime/boot/boot_mode.c, pf_boot_choose_mode). Input: byte
 * 0 the index flags' low byte, byte 1 the system's answers (bits 0-1: the
 * parent, PF_PARENT_*; bit 2: any path is a script), then the arguments,
 * NUL-separated (at most 64). Checks the result is one of the modes and
 * that argv is not changed. Seeds: tests/fuzz/corpus/fuzz_boot_mode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot_mode.h"

#define MAX_ARGS 64

static int parent_answer, script_answer;

static int started_by_self(void)
{
    return parent_answer;
}

static int is_script_file(const char *path)
{
    size_t n = strlen(path);
    return script_answer && n >= 3 && strcmp(path + n - 3, ".py") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pf_boot_probe probe = {started_by_self, is_script_file};
    if (size < 2) {
        return 0;
    }
    uint32_t flags = data[0];
    parent_answer = data[1] & 3u;
    script_answer = (data[1] >> 2) & 1u;
    /* the arguments, each NUL-terminated in a copy of their own */
    char *text = malloc(size - 2 + 1);
    char *argv[MAX_ARGS + 1];
    char *saved[MAX_ARGS];
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    int argc = 0;
    for (char *p = text; argc < MAX_ARGS && p <= text + (size - 2);) {
        argv[argc] = p;
        saved[argc] = strdup(p);
        argc++;
        p += strlen(p) + 1;
    }
    argv[argc] = NULL;
    pf_boot_mode mode = {0};
    if (pf_boot_choose_mode(flags, argc, argv, &probe, &mode, NULL) == PF_OK &&
        (mode.run < PF_BOOT_PROGRAM || mode.run > PF_BOOT_PYTHON)) {
        __builtin_trap();
    }
    for (int i = 0; i < argc; i++) {
        if (saved[i] != NULL && strcmp(argv[i], saved[i]) != 0) {
            __builtin_trap(); /* argv is read, not changed */
        }
        free(saved[i]);
    }
    free(text);
    return 0;
}
