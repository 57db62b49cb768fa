/* fuzz_boot_mode.c - libFuzzer target for the boot's command-line
 * classifier (runtime/boot/boot_mode.c, pf_boot_choose_mode). Input: byte
 * 0 the index flags' low byte, byte 1 the system's answers (bits 0-1: the
 * parent, PF_PARENT_*; bits 2-3: what any path is, PF_SCRIPT_*; bit 4:
 * stdin is a terminal; bit 5: the parent has the arguments asked about;
 * bit 6: the parent asked for the program), then the arguments,
 * NUL-separated (at most 64). Checks the result is one of the modes and
 * that argv is not changed. Seeds: tests/fuzz/corpus/fuzz_boot_mode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot_mode.h"

#define MAX_ARGS 64

static int parent_answer, script_answer, terminal_answer, arguments_answer, own_answer;

static int started_by_self(void)
{
    return parent_answer;
}

static int script_kind(const char *path)
{
    return path[0] != '\0' ? script_answer : PF_SCRIPT_NONE;
}

static int stdin_is_terminal(void)
{
    return terminal_answer;
}

static int parent_has_argument(const char *word)
{
    return word[0] != '\0' && arguments_answer;
}

static int parent_has_arguments(int count, char *const *words)
{
    return count > 0 && words[count - 1] != NULL && arguments_answer;
}

static int own_arguments(void)
{
    return own_answer;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pf_boot_probe probe = {started_by_self,      script_kind,
                                        stdin_is_terminal,    parent_has_argument,
                                        parent_has_arguments, own_arguments};
    if (size < 2) {
        return 0;
    }
    uint32_t flags = data[0];
    parent_answer = data[1] & 3u;
    script_answer = (data[1] >> 2) & 3u;
    terminal_answer = (data[1] >> 4) & 1u;
    arguments_answer = (data[1] >> 5) & 1u;
    own_answer = (data[1] >> 6) & 1u;
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
