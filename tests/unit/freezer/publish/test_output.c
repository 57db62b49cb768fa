/* test_output.c - atomic publication (output.h): success replaces OUT with
 * a complete 0755 file and leaves nothing else, or keeps OUT when it already
 * holds those bytes; every failure leaves OUT as it was and no temporary
 * file behind; a freeze killed while writing leaves nothing (O_TMPFILE) or
 * a temporary the next publication removes (a named file, where O_TMPFILE
 * or /proc is missing: both made real in a child, with seccomp and a mount
 * namespace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "inject.h"
#include "output.h"
#include "test_util.h"

TU_TMPDIR_FIXTURE("pf-test-output")

/* publish: begin, write data, commit. */
static int publish(const char *path, const char *data, pf_error *err)
{
    pfz_output out;
    int rc = pfz_output_begin(&out, path, err);
    if (rc != PF_OK) {
        return rc;
    }
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

/* publish_bytes: begin, write size bytes of data, commit. */
static int publish_bytes(const char *path, const uint8_t *data, size_t size, pf_error *err)
{
    pfz_output out;
    int rc = pfz_output_begin(&out, path, err);
    if (rc != PF_OK) {
        return rc;
    }
    for (size_t done = 0; done < size;) {
        ssize_t n = write(out.fd, data + done, size - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    return pfz_output_commit(&out, err);
}

/* An output larger than the comparison's window (output.c compares 8 MiB
 * at a time): the same bytes keep it; a byte changed in the second window
 * or in the tail replaces it. */
static void test_unchanged_large_output(void **state)
{
    (void)state;
    char path[512];
    pf_error err;
    struct stat first, again;
    snprintf(path, sizeof path, "%s/big", tmpdir);
    size_t size = (17u << 20) + 5u; /* two whole windows and a tail */
    uint8_t *data = malloc(size);
    assert_non_null(data);
    for (size_t i = 0; i < size; i++) {
        data[i] = (uint8_t)(i * 31u >> 7);
    }
    assert_int_equal(publish_bytes(path, data, size, &err), PF_OK);
    assert_int_equal(stat(path, &first), 0);
    assert_int_equal(publish_bytes(path, data, size, &err), PF_OK);
    assert_int_equal(stat(path, &again), 0);
    assert_int_equal(again.st_ino, first.st_ino);
    const size_t changed[] = {(8u << 20) + 1234u, size - 1u};
    for (size_t k = 0; k < 2; k++) {
        data[changed[k]] ^= 0x5a;
        assert_int_equal(stat(path, &first), 0);
        assert_int_equal(publish_bytes(path, data, size, &err), PF_OK);
        assert_int_equal(stat(path, &again), 0);
        assert_true(again.st_ino != first.st_ino);
    }
    size_t got_size;
    uint8_t *got = tu_read_file(path, &got_size);
    assert_int_equal(got_size, size);
    assert_memory_equal(got, data, size);
    free(got);
    free(data);
    unlink(path);
}

/* tmpfile_supported: whether dir's file system takes O_TMPFILE files (ext4,
 * tmpfs, xfs, btrfs do; some network and FUSE file systems do not). */
static int tmpfile_supported(const char *dir)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        return 0;
    }
    close(fd);
    return 1;
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
    /* anonymous where possible: no name until commit */
    assert_int_equal(tu_count_entries(tmpdir), tmpfile_supported(tmpdir) ? 1 : 2);
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
    int had_stdin = fcntl(0, F_GETFD) != -1;
    pfz_output zeroed = {0};
    pfz_output_abort(&zeroed); /* does not close descriptor 0 */
    assert_int_equal(fcntl(0, F_GETFD) != -1, had_stdin);
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
    if (rc == PF_OK) {
        rc = pfz_output_begin(&out, "/proc/pf-test-app", &err);
    }
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

/* ---- killed freezes and their temporaries ---------------------------------- */

/* list_entries: dir's entries other than "." and "..", sorted, each followed
 * by one space, in dst (dstCapacity bytes). */
static void list_entries(const char *dir, char *dst, size_t dstCapacity)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    dst[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            size_t used = strlen(dst);
            snprintf(dst + used, dstCapacity - used, "%s ", name);
        }
        free(names[i]);
    }
    free(names);
}

/* fresh_dir: tmpdir/name, made empty, in dst; OUT = dst/app in out_path. */
static void fresh_dir(const char *name, char *dst, size_t dstCapacity, char *out_path,
                      size_t out_capacity)
{
    snprintf(dst, dstCapacity, "%s/%s", tmpdir, name);
    tu_rm_rf(dst);
    assert_int_equal(mkdir(dst, 0755), 0);
    snprintf(out_path, out_capacity, "%s/app", dst);
}

/* dead_pid: the PID of a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(0);
    }
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return pid;
}

/* How a child that publishes ends (see child_publish). */
enum { CHILD_OK = 0, CHILD_SKIP = 77, CHILD_KILLED = 128 + SIGKILL };

/* child_publish: in a child, runs prepare (which may return CHILD_SKIP to
 * skip, or nonzero to fail), begins publishing OUT = path, writes "new";
 * then, when kill_it, dies of SIGKILL before committing, else commits. In
 * the child's listing of dir, expected_entries are expected just before the
 * end. Returns CHILD_OK, CHILD_SKIP, CHILD_KILLED, or the child's failing
 * step (1-5). */
static int child_publish(int (*prepare)(void), const char *dir, const char *path,
                         int expected_entries, int kill_it)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc = prepare != NULL ? prepare() : 0;
        if (rc != 0) {
            _exit(rc == CHILD_SKIP ? CHILD_SKIP : 1);
        }
        pfz_output out;
        pf_error err;
        if (pfz_output_begin(&out, path, &err) != PF_OK) {
            fprintf(stderr, "child: %s\n", err.message);
            _exit(2);
        }
        if (write(out.fd, "new", 3) != 3) {
            _exit(3);
        }
        if (tu_count_entries(dir) != expected_entries) {
            _exit(4);
        }
        if (kill_it) {
            raise(SIGKILL);
        }
        _exit(pfz_output_commit(&out, &err) == PF_OK ? CHILD_OK : 5);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

/* expect_only_out: dir holds only OUT = dir/app, with want (a string). */
static void expect_only_out(const char *dir, const char *path, const char *want)
{
    char names[1024];
    list_entries(dir, names, sizeof names);
    assert_string_equal(names, "app ");
    size_t size;
    char *got = (char *)tu_read_file(path, &size);
    assert_non_null(got);
    assert_int_equal(size, strlen(want));
    assert_memory_equal(got, want, size);
    free(got);
}

/* A freeze killed while writing an anonymous (O_TMPFILE) file leaves only
 * the old OUT: the file had no name. */
static void test_killed_while_writing_anonymous(void **state)
{
    (void)state;
    char dir[512], path[600];
    fresh_dir("anon", dir, sizeof dir, path, sizeof path);
    if (!tmpfile_supported(dir)) {
        skip();
    }
    assert_int_equal(tu_write_file(path, "old", 3, 0755), 0);
    assert_int_equal(child_publish(NULL, dir, path, 1, 1), CHILD_KILLED);
    expect_only_out(dir, path, "old");
    assert_int_equal(child_publish(NULL, dir, path, 1, 0), CHILD_OK);
    expect_only_out(dir, path, "new");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
}

/* no_tmpfile: a seccomp filter makes every open with O_TMPFILE fail with
 * EOPNOTSUPP, as on a file system without it. */
static int no_tmpfile(void)
{
#if defined(__x86_64__)
    const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    const unsigned arch = AUDIT_ARCH_AARCH64;
#else
    return CHILD_SKIP;
#endif
#ifdef __NR_open
    const unsigned open_nr = __NR_open;
#else
    const unsigned open_nr = 0xffffffffu; /* aarch64 has only openat */
#endif
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 2),
        /* the flags: openat's third argument, low half (little-endian) */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
        BPF_JUMP(BPF_JMP | BPF_JA, 3, 0, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, open_nr, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
        BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
        /* O_TMPFILE's own bit (the macro includes O_DIRECTORY) */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_TMPFILE & ~O_DIRECTORY, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EOPNOTSUPP & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = sizeof filter / sizeof *filter, .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        return CHILD_SKIP;
    }
    int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
    return fd < 0 && errno == EOPNOTSUPP ? 0 : 1;
}

/* no_proc: /proc hidden under an empty tmpfs in a mount namespace of this
 * process (needs root, else skipped), as in a chroot without /proc. */
static int no_proc(void)
{
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("none", "/proc", "tmpfs", 0, NULL) != 0) {
        return CHILD_SKIP;
    }
    return access("/proc/self", F_OK) == 0;
}

/* Without O_TMPFILE, or without /proc to name an anonymous file, the file is
 * named from the start (".app.pyfreeze-PID-RANDOM", 0600): publishing works
 * as before, and a freeze killed while writing leaves that file, which the
 * next publication into the directory removes. */
static void fallback_case(const char *name, int (*prepare)(void))
{
    char dir[512], path[600], names[1024], stale[64];
    pf_error err;
    fresh_dir(name, dir, sizeof dir, path, sizeof path);
    assert_int_equal(tu_write_file(path, "old", 3, 0755), 0);
    int rc = child_publish(prepare, dir, path, 2, 0);
    if (rc == CHILD_SKIP) {
        skip();
    }
    assert_int_equal(rc, CHILD_OK);
    expect_only_out(dir, path, "new");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);

    assert_int_equal(tu_write_file(path, "old", 3, 0755), 0);
    assert_int_equal(child_publish(prepare, dir, path, 2, 1), CHILD_KILLED);
    list_entries(dir, names, sizeof names);
    /* the one left: ".app.pyfreeze-" PID "-" 6 characters, mode 0600 */
    assert_int_equal(strncmp(names, ".app.pyfreeze-", 14), 0);
    char *space = strchr(names, ' ');
    assert_non_null(space);
    assert_int_equal(space[-7], '-');
    assert_string_equal(space + 1, "app ");
    snprintf(stale, sizeof stale, "%.*s", (int)(space - names), names);
    char stale_path[600];
    snprintf(stale_path, sizeof stale_path, "%s/%s", dir, stale);
    assert_int_equal(lstat(stale_path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(publish(path, "newer", &err), PF_OK);
    expect_only_out(dir, path, "newer");
}

static void test_fallback_without_tmpfile(void **state)
{
    (void)state;
    fallback_case("no-tmpfile", no_tmpfile);
}

static void test_fallback_without_proc(void **state)
{
    (void)state;
    fallback_case("no-proc", no_proc);
}

/* make_entry: creates dir/name as kind 'f' (a file), 'd' (a directory) or
 * 'l' (a symlink to target). */
static void make_entry(const char *dir, const char *name, char kind, const char *target)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (kind == 'f') {
        assert_int_equal(tu_write_file(path, "stale", 5, 0600), 0);
    } else if (kind == 'd') {
        assert_int_equal(mkdir(path, 0700), 0);
    } else {
        assert_int_equal(symlink(target, path), 0);
    }
}

/* entry_exists: whether dir/name exists, not following a symlink. */
static int entry_exists(const char *dir, const char *name)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* Publishing into a directory first removes our temporaries whose process
 * is dead (also another output's, and a symlink, not followed), and keeps
 * everything else: a live process's, our own, one a process holds locked (a
 * freeze in another PID namespace), a directory, and every name that only
 * looks like ours. */
static void test_stale_temporaries_removed(void **state)
{
    (void)state;
    char dir[512], path[600], target[600], name[128];
    pf_error err;
    fresh_dir("stale", dir, sizeof dir, path, sizeof path);
    snprintf(target, sizeof target, "%s/target", tmpdir);
    assert_int_equal(tu_write_file(target, "keep", 4, 0644), 0);
    long dead = dead_pid(), self = getpid();
    pid_t live = fork();
    assert_true(live >= 0);
    if (live == 0) {
        pause();
        _exit(0);
    }
    static const char *const removed[] = {".app.pyfreeze-%ld-Ab12Cd", ".other.pyfreeze-%ld-zz09ZZ"};
    static const char *const kept[] = {
        ".app.%ld-Ab12Cd",          ".app.pyfreeze-%ld-Ab12C",   ".app.pyfreeze-%ld-Ab12Cd.x",
        "app.pyfreeze-%ld-Ab12Cd",  ".pyfreeze-%ld-Ab12Cd",      ".app.pyfreeze-0%ld-Ab12Cd",
        ".app.pyfreeze-%ld-Ab_2Cd", ".app.pyfreeze-x%ld-Ab12Cd",
    };
    for (size_t i = 0; i < sizeof removed / sizeof *removed; i++) {
        snprintf(name, sizeof name, removed[i], dead);
        make_entry(dir, name, 'f', NULL);
    }
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        snprintf(name, sizeof name, kept[i], dead);
        make_entry(dir, name, 'f', NULL);
    }
    snprintf(name, sizeof name, ".app.pyfreeze-%ld-Symlnk", dead);
    make_entry(dir, name, 'l', target);
    snprintf(name, sizeof name, ".app.pyfreeze-%ld-Dir000", dead);
    make_entry(dir, name, 'd', NULL);
    snprintf(name, sizeof name, ".app.pyfreeze-%ld-Live00", (long)live);
    make_entry(dir, name, 'f', NULL);
    snprintf(name, sizeof name, ".app.pyfreeze-%ld-Self00", self);
    make_entry(dir, name, 'f', NULL);
    snprintf(name, sizeof name, ".app.pyfreeze-%ld-Locked", dead);
    make_entry(dir, name, 'f', NULL);
    char locked_path[1024];
    snprintf(locked_path, sizeof locked_path, "%s/%s", dir, name);
    int locked = open(locked_path, O_RDONLY | O_CLOEXEC);
    assert_true(locked >= 0);
    assert_int_equal(flock(locked, LOCK_EX), 0);

    assert_int_equal(publish(path, "new", &err), PF_OK);
    close(locked);
    kill(live, SIGKILL);
    waitpid(live, NULL, 0);

    /* what is left: OUT, the kept names, the four others but the symlink */
    assert_int_equal(tu_count_entries(dir), 1 + (int)(sizeof kept / sizeof *kept) + 4);
    for (size_t i = 0; i < sizeof removed / sizeof *removed; i++) {
        snprintf(name, sizeof name, removed[i], dead);
        assert_false(entry_exists(dir, name));
    }
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        snprintf(name, sizeof name, kept[i], dead);
        assert_true(entry_exists(dir, name));
    }
    static const char *const others[] = {"Dir000", "Locked", "Live00", "Self00", "Symlnk"};
    long other_pids[] = {dead, dead, (long)live, self, dead};
    for (size_t i = 0; i < 5; i++) {
        snprintf(name, sizeof name, ".app.pyfreeze-%ld-%s", other_pids[i], others[i]);
        assert_int_equal(entry_exists(dir, name), i < 4); /* all but the symlink */
    }
    size_t size;
    char *got = (char *)tu_read_file(target, &size);
    assert_int_equal(size, 4); /* the symlink's target is untouched */
    free(got);
    unlink(target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_and_replace),
        cmocka_unit_test(test_unchanged_output_kept),
        cmocka_unit_test(test_unchanged_large_output),
        cmocka_unit_test(test_abort_removes_temporary),
        cmocka_unit_test(test_check_errors),
        cmocka_unit_test(test_unwritable_directory),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_commit_failure),
        cmocka_unit_test(test_killed_while_writing_anonymous),
        cmocka_unit_test(test_fallback_without_tmpfile),
        cmocka_unit_test(test_fallback_without_proc),
        cmocka_unit_test(test_stale_temporaries_removed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
