/* boot_probe.c - the running system's answers to what choosing a
 * process's mode asks (pf_boot_system_probe, boot_mode.h): who the parent
 * is and what its arguments were (/proc), what a child's would-be script
 * is (stat), whether stdin is a terminal, and the parent's request that
 * the command line be the program's (the environment). boot_mode.c holds
 * the rule; these are only its questions, so tests can answer them. */
#include "boot_mode.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The suffix the kernel adds to /proc/PID/exe's link when the file was
 * unlinked or renamed over (fs/d_path.c). */
#define DELETED_SUFFIX " (deleted)"

/* Room for a path read from a /proc link; longer ones are not compared. */
#define LINK_CAPACITY 4096

/* started_by_self: pf_boot_system_probe's answer (boot_mode.h). */
static int started_by_self(void)
{
    char parent[64];
    struct stat mine, theirs;
    snprintf(parent, sizeof parent, "/proc/%ld/exe", (long)getppid());
    if (stat("/proc/self/exe", &mine) != 0 || stat(parent, &theirs) != 0) {
        return PF_PARENT_OTHER;
    }
    if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino) {
        return PF_PARENT_SELF;
    }
    /* an upgrade in place: the parent's file was at our path */
    char self[LINK_CAPACITY], link[LINK_CAPACITY + sizeof DELETED_SUFFIX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ssize_t m = readlink(parent, link, sizeof link - 1);
    if (n <= 0 || m <= 0 || (size_t)n >= sizeof self - 1 || (size_t)m >= sizeof link - 1) {
        return PF_PARENT_OTHER;
    }
    self[n] = '\0';
    link[m] = '\0';
    size_t suffix = sizeof DELETED_SUFFIX - 1;
    int replaced = (size_t)m == (size_t)n + suffix && memcmp(link, self, (size_t)n) == 0 &&
                   strcmp(link + n, DELETED_SUFFIX) == 0 && strstr(self, DELETED_SUFFIX) == NULL;
    return replaced ? PF_PARENT_REPLACED : PF_PARENT_OTHER;
}

/* inside_executable: 1 when path (a relative one joined to the working
 * directory) names something under the executable's path taken as a
 * directory, "EXE/...", where the importer shows the packed files; the
 * comparison is on the text, as the importer's own (runtime/import/
 * support.py, _relative). */
static int inside_executable(const char *path)
{
    char self[LINK_CAPACITY], full[2 * LINK_CAPACITY];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1) {
        return 0;
    }
    self[n] = '\0';
    const char *p = path;
    if (path[0] != '/') {
        if (getcwd(full, LINK_CAPACITY) == NULL) {
            return 0;
        }
        size_t c = strlen(full);
        int w = snprintf(full + c, sizeof full - c, "%s%s", c > 1 ? "/" : "", path);
        if (w < 0 || (size_t)w >= sizeof full - c) {
            return 0;
        }
        p = full;
    }
    return strncmp(p, self, (size_t)n) == 0 && p[n] == '/' && p[n + 1] != '\0';
}

/* has_extension: 1 when the last component of path has a '.' after its
 * first character (os.path.splitext's rule: "notes.txt", not ".profile"). */
static int has_extension(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name != NULL ? name + 1 : path;
    while (*name == '.') {
        name++;
    }
    return strchr(name, '.') != NULL;
}

/* script_kind: pf_boot_system_probe's answer (boot_mode.h). A path under
 * the executable (such as the frozen main's own __file__, EXE/app.py)
 * names no file on disk: it is a packed file, which the importer runs. */
static int script_kind(const char *path)
{
    if (inside_executable(path)) {
        return PF_SCRIPT_PACKED;
    }
    struct stat st, self;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return PF_SCRIPT_NONE;
    }
    if (stat("/proc/self/exe", &self) == 0 && st.st_dev == self.st_dev &&
        st.st_ino == self.st_ino) {
        return PF_SCRIPT_NONE; /* the program itself: `[sys.executable] + sys.argv` */
    }
    size_t n = strlen(path);
    if (n >= 3 && strcmp(path + n - 3, ".py") == 0) {
        return PF_SCRIPT_PY;
    }
    return has_extension(path) ? PF_SCRIPT_NONE : PF_SCRIPT_PLAIN;
}

static int stdin_is_terminal(void)
{
    return isatty(0) == 1;
}

/* parent_arguments: compares the parent's arguments (/proc/PPID/cmdline:
 * each argument NUL-terminated, argv[0] first, skipped) with
 * words[0..count), reading the file in blocks, nothing allocated. exact 0:
 * returns 1 when words[0] is one of them; exact 1: 1 when they are
 * exactly words[0..count). Returns 1 too when the file cannot be read (the
 * safe answer: the program's own arguments). */
static int parent_arguments(int count, char *const *words, int exact)
{
    char path[64], block[4096];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)getppid());
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 1;
    }
    int word = 0;    /* the parent's argument being read: 0 is argv[0] */
    size_t at = 0;   /* the bytes of it read so far */
    int matches = 1; /* whether they match its target's first bytes */
    int found = 0;   /* exact 0: words[0] was one of them */
    int differs = 0; /* exact 1: one differed, or there are more */
    ssize_t got = 0;
    while (!found && !differs && (got = read(fd, block, sizeof block)) > 0) {
        for (ssize_t i = 0; i < got && !found && !differs; i++) {
            const char *target = word == 0       ? NULL
                                 : !exact        ? words[0]
                                 : word <= count ? words[word - 1]
                                                 : NULL;
            if (block[i] != '\0') {
                matches = matches && target != NULL && target[at] == block[i];
                at++;
                continue;
            }
            if (word > 0) {
                int equal = matches && target != NULL && target[at] == '\0';
                found = !exact && equal;
                differs = exact && !equal;
            }
            word++;
            at = 0;
            matches = 1;
        }
    }
    close(fd);
    if (got < 0) {
        return 1;
    }
    return exact ? !differs && word - 1 == count : found;
}

static int parent_has_argument(const char *word)
{
    char *const words[] = {(char *)word};
    return parent_arguments(1, words, 0);
}

static int parent_has_arguments(int count, char *const *words)
{
    return parent_arguments(count, words, 1);
}

/* own_arguments: pf_boot_system_probe's answer (boot_mode.h); the
 * variable is removed before CPython copies the environment (os.environ),
 * while this process has a single thread. */
static int own_arguments(void)
{
    const char *value = getenv(PF_BOOT_OWN_ARGS_VARIABLE);
    if (value == NULL) {
        return 0;
    }
    int asked = strcmp(value, PF_BOOT_OWN_ARGS_VALUE) == 0;
    unsetenv(PF_BOOT_OWN_ARGS_VARIABLE);
    return asked;
}

const pf_boot_probe pf_boot_system_probe = {
    started_by_self,     script_kind,          stdin_is_terminal,
    parent_has_argument, parent_has_arguments, own_arguments,
};
