/* test_output.c - atomic publication (output.h): success replaces OUT with
 * a complete 0755 file and leaves nothing else, or keeps OUT when it already
 * holds those bytes; every failure leaves OUT as it was and no temporary
 * file behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "inject.h"
#include "output.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-output")

/* publish: begin, write data, commit. */
static int publish(const char *path, const char *data, pf_error *err)
{
    pfz_output out;
    int rc = pfz_output_begin(&out, path, err);
    if (rc != PF_OK)
        return rc;
    assert_int_equal(write(out.fd, data, strlen(data)), (ssize_t)strlen(data));
    return pfz_output_commit(&out, err);
}

static void test_publish_and_replace(void **state)
{
    (void)state;
    char path[512];
    pf_error err;
    snprintf(path, sizeof path, "%s/app", tmpdir);
    assert_int_equal(pfz_output_check(path, NULL, 0, &err), PF_OK);
    assert_int_equal(publish(path, "first", &err), PF_OK);
    assert_int_equal(publish(path, "second", &err), PF_OK);
    size_t size;
    char *got = (char *)tu_read_file(path, &size);
    assert_int_equal(size, 6);
    assert_memory_equal(got, "second", 6);
    free(got);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    assert_int_equal(tu_count_entries(tmpdir), 1); /* no temporary file left */
    unlink(path);

    /* a relative name publishes in the current directory */
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    assert_int_equal(publish("rel", "x", &err), PF_OK);
    assert_int_equal(access("rel", F_OK), 0);
    unlink("rel");
    assert_int_equal(chdir(cwd), 0);
}

/* Publishing the bytes OUT already holds (a program frozen again, nothing
 * changed) keeps the file, same inode, and moves its modification time to
 * now; anything else (other bytes, another mode) replaces it as before. */
static void test_unchanged_output_kept(void **state)
{
    (void)state;
    char path[512];
    pf_error err;
    struct stat first, again;
    snprintf(path, sizeof path, "%s/app", tmpdir);
    assert_int_equal(publish(path, "same bytes", &err), PF_OK);
    const struct timespec past[2] = {{1000000000, 0}, {1000000000, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, past, 0), 0);
    assert_int_equal(stat(path, &first), 0);
    assert_int_equal(publish(path, "same bytes", &err), PF_OK);
    assert_int_equal(stat(path, &again), 0);
    assert_int_equal(again.st_ino, first.st_ino);
    assert_true(again.st_mtim.tv_sec > first.st_mtim.tv_sec);
    assert_int_equal(tu_count_entries(tmpdir), 1);

    /* another mode: replaced, and 0755 again */
    assert_int_equal(chmod(path, 0700), 0);
    assert_int_equal(publish(path, "same bytes", &err), PF_OK);
    assert_int_equal(stat(path, &again), 0);
    assert_true(again.st_ino != first.st_ino);
    assert_int_equal(again.st_mode & 07777, 0755);

    /* other bytes of the same size: replaced */
    assert_int_equal(stat(path, &first), 0);
    assert_int_equal(publish(path, "some bytes", &err), PF_OK);
    assert_int_equal(stat(path, &again), 0);
    assert_true(again.st_ino != first.st_ino);
    size_t size;
    char *got = (char *)tu_read_file(path, &size);
    assert_int_equal(size, 10);
    assert_memory_equal(got, "some bytes", 10);
    free(got);
    assert_int_equal(tu_count_entries(tmpdir), 1);
    unlink(path);
}

static void test_abort_removes_temporary(void **state)
{
    (void)state;
    char path[512];
    pf_error err;
    snprintf(path, sizeof path, "%s/app", tmpdir);
    assert_int_equal(tu_write_file(path, "old", 3, 0755), 0);
    pfz_output out;
    assert_int_equal(pfz_output_begin(&out, path, &err), PF_OK);
    assert_int_equal(tu_count_entries(tmpdir), 2);
    assert_int_equal(write(out.fd, "half", 4), 4);
    pfz_output_abort(&out);
    assert_int_equal(tu_count_entries(tmpdir), 1);
    size_t size;
    char *got = (char *)tu_read_file(path, &size);
    assert_int_equal(size, 3);
    assert_memory_equal(got, "old", 3);
    free(got);
    pfz_output_abort(&out); /* released: a second abort does nothing */
    unlink(path);
}

static void test_check_errors(void **state)
{
    (void)state;
    char path[512], other[512];
    pf_error err;

    snprintf(path, sizeof path, "%s/missing/app", tmpdir);
    assert_int_equal(pfz_output_check(path, NULL, 0, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "does not exist"));
    assert_non_null(strstr(err.message, path));
    assert_int_not_equal(pfz_output_begin(&(pfz_output){0}, path, &err), PF_OK);

    snprintf(other, sizeof other, "%s/file", tmpdir);
    assert_int_equal(tu_write_file(other, "x", 1, 0644), 0);
    snprintf(path, sizeof path, "%s/file/app", tmpdir);
    assert_int_equal(pfz_output_check(path, NULL, 0, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "is not a directory"));

    assert_int_equal(pfz_output_check(tmpdir, NULL, 0, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "is a directory"));

    assert_int_equal(pfz_output_check("/dev/null", NULL, 0, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "not a regular file"));

    /* the same file as an input, by its own name or through a link */
    const char *inputs[] = {NULL, other};
    assert_int_equal(pfz_output_check(other, inputs, 2, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "same file"));
    snprintf(path, sizeof path, "%s/link", tmpdir);
    assert_int_equal(link(other, path), 0);
    assert_int_equal(pfz_output_check(path, inputs, 2, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "same file"));
    unlink(path);
    unlink(other);
}

/* Unwritable directory: a chmod 0555 directory refuses ordinary users at
 * the check; root passes access(2), so /proc (where nobody can create a
 * file) is tried too, and must fail at the latest when creating. */
static void test_unwritable_directory(void **state)
{
    (void)state;
    pf_error err;
    pfz_output out;
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    assert_int_equal(mkdir(dir, 0555), 0);
    snprintf(path, sizeof path, "%s/app", dir);
    if (geteuid() != 0) {
        assert_int_equal(pfz_output_check(path, NULL, 0, &err), PF_ERR_USAGE);
        assert_non_null(strstr(err.message, "not writable"));
        assert_int_equal(pfz_output_begin(&out, path, &err), PF_ERR_USAGE);
    }
    int rc = pfz_output_check("/proc/pf-test-app", NULL, 0, &err);
    if (rc == PF_OK)
        rc = pfz_output_begin(&out, "/proc/pf-test-app", &err);
    assert_int_not_equal(rc, PF_OK);
    assert_non_null(strstr(err.message, "/proc/pf-test-app"));
    rmdir(dir);
}

/* A full disk, simulated with RLIMIT_FSIZE (writes past it fail with
 * EFBIG): the error names OUT, and OUT and the directory are as before. */
static void test_full_disk(void **state)
{
    (void)state;
    char path[512];
    pf_error err;
    snprintf(path, sizeof path, "%s/app", tmpdir);
    assert_int_equal(tu_write_file(path, "old", 3, 0755), 0);

    struct rlimit saved, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small = saved;
    small.rlim_cur = 4096;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    pfz_output out;
    assert_int_equal(pfz_output_begin(&out, path, &err), PF_OK);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    static const uint8_t payload[] = "payload";
    int rc = pfz_inject(TINY_ELF_PATH, payload, sizeof payload, out.fd, path, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(rc, PF_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "File too large"));
    pfz_output_abort(&out);

    assert_int_equal(tu_count_entries(tmpdir), 1);
    size_t size;
    char *got = (char *)tu_read_file(path, &size);
    assert_int_equal(size, 3);
    free(got);
    unlink(path);
}

/* rename fails when OUT became a non-empty directory meanwhile: commit
 * reports it and removes the temporary file. */
static void test_commit_failure(void **state)
{
    (void)state;
    char path[512], inner[600];
    pf_error err;
    snprintf(path, sizeof path, "%s/app", tmpdir);
    pfz_output out;
    assert_int_equal(pfz_output_begin(&out, path, &err), PF_OK);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(inner, sizeof inner, "%s/x", path);
    assert_int_equal(tu_write_file(inner, "x", 1, 0644), 0);
    assert_int_equal(pfz_output_commit(&out, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, "rename"));
    assert_non_null(strstr(err.message, path));
    assert_int_equal(tu_count_entries(tmpdir), 1);
    unlink(inner);
    rmdir(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_and_replace),
        cmocka_unit_test(test_unchanged_output_kept),
        cmocka_unit_test(test_abort_removes_temporary),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test(test_unwritable_directory),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_commit_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
