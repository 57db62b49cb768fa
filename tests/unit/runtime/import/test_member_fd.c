/* test_member_fd.c - runtime/import/member_fd.c: a payload member as a
 * real read-only descriptor (a sealed memfd opened again through
 * /proc/self/fd), over an in-memory payload. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "member_fd.h"
#include "payload.h"
#include "payload_builder.h"

/* larger than a zstd stream-out piece (128 KiB), so the copy comes in pieces */
#define BIG_SIZE (300u * 1024u)

static pf_payload *payload;
static pfz_buffer bytes;
static uint8_t *big;
static const uint8_t hello[] = "hello data\nsecond line\n";

static int setup(void **state)
{
    (void)state;
    big = malloc(BIG_SIZE);
    assert_non_null(big);
    for (size_t i = 0; i < BIG_SIZE; i++) {
        big[i] = (uint8_t)((i * 2654435761u) >> 13);
    }
    static tb_file files[] = {
        {"lib/pkg/__init__.pyc", PF_KIND_BYTECODE, hello, 1},
        {"lib/pkg/greeting.txt", PF_KIND_DATA, hello, sizeof hello - 1},
        {"lib/pkg/empty.txt", PF_KIND_DATA, hello, 0},
        {"lib/pkg/data/big.bin", PF_KIND_DATA, NULL, BIG_SIZE},
    };
    files[3].data = big;
    static const tb_module modules[] = {{"pkg", PF_KIND_PACKAGE, 0}};
    tb_options options = {.files_per_frame = 2, .level = 3};
    assert_int_equal(
        tb_build_payload(files, sizeof files / sizeof *files, modules, 1, &options, &bytes), 0);
    pf_error err;
    assert_int_equal(pf_payload_open(&payload, bytes.data, bytes.size, &err), PF_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pf_payload_close(payload);
    pfz_buffer_free(&bytes);
    free(big);
    return 0;
}

/* open_member: pf_member_fd_open of member `name` with flags; the
 * descriptor, which the test closes. */
static int open_member(const char *name, int flags)
{
    pf_entry entry;
    assert_true(pf_index_find(pf_payload_index(payload), name, strlen(name), &entry));
    int fd = -1;
    pf_error err;
    int status = pf_member_fd_open(payload, &entry, flags, &fd, &err);
    if (status != PF_OK) {
        fail_msg("%s: %s", name, err.message);
    }
    return fd;
}

static void test_reads_the_member(void **state)
{
    (void)state;
    int fd = open_member("lib/pkg/greeting.txt", O_RDONLY);
    char buf[64];
    assert_int_equal(read(fd, buf, sizeof buf), sizeof hello - 1);
    assert_memory_equal(buf, hello, sizeof hello - 1);
    assert_int_equal(read(fd, buf, sizeof buf), 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0444);
    assert_int_equal(st.st_size, sizeof hello - 1);
    close(fd);

    fd = open_member("lib/pkg/empty.txt", O_RDONLY);
    assert_int_equal(read(fd, buf, sizeof buf), 0);
    close(fd);
}

/* A member larger than one decompressed piece, whole, and mappable. */
static void test_big_member_maps(void **state)
{
    (void)state;
    int fd = open_member("lib/pkg/data/big.bin", O_RDONLY);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, BIG_SIZE);
    void *map = mmap(NULL, BIG_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    assert_true(map != MAP_FAILED);
    assert_memory_equal(map, big, BIG_SIZE);
    munmap(map, BIG_SIZE);
    close(fd);
}

/* Read-only as a file opened O_RDONLY: writes fail with EBADF, the memfd
 * behind it is sealed, and the descriptor is close-on-exec. */
static void test_read_only_and_sealed(void **state)
{
    (void)state;
    int fd = open_member("lib/pkg/greeting.txt", O_RDONLY);
    errno = 0;
    assert_int_equal(write(fd, "x", 1), -1);
    assert_int_equal(errno, EBADF);
    int seals = fcntl(fd, F_GET_SEALS);
    assert_int_equal(seals & (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL),
                     F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
}

/* The open flags reach the descriptor: O_NONBLOCK, O_PATH; O_NOFOLLOW and
 * O_CREAT are dropped (the /proc entry is a link; the file exists). */
static void test_flags(void **state)
{
    (void)state;
    int fd = open_member("lib/pkg/greeting.txt", O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CREAT);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    close(fd);
    fd = open_member("lib/pkg/greeting.txt", O_RDONLY | O_PATH);
    assert_true(fcntl(fd, F_GETFL) & O_PATH);
    errno = 0;
    assert_int_equal(read(fd, &c, 1), -1);
    assert_int_equal(errno, EBADF);
    close(fd);
}

/* The number is the lowest free one, as open(2) gives, even though the
 * memfd and its reopening are two descriptors for a moment. */
static void test_lowest_number(void **state)
{
    (void)state;
    int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(probe >= 0);
    close(probe);
    int fd = open_member("lib/pkg/greeting.txt", O_RDONLY);
    assert_int_equal(fd, probe);
    int next = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_int_equal(next, probe + 1); /* nothing else left open */
    close(next);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_the_member),     cmocka_unit_test(test_big_member_maps),
        cmocka_unit_test(test_read_only_and_sealed), cmocka_unit_test(test_flags),
        cmocka_unit_test(test_lowest_number),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
