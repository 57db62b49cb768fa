/* member_fd.c - a payload member as a real file descriptor: a sealed
 * memfd holding its bytes, opened again read-only; see member_fd.h. */
#include "member_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pf_io.h"

#ifndef MFD_NOEXEC_SEAL /* Linux 6.3: a memfd that can never be made executable */
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* sink_write: a pf_payload_sink appending to the descriptor *context. */
static int sink_write(void *context, const uint8_t *data, size_t size)
{
    return pf_write_all(*(int *)context, data, size);
}

/* new_memfd: an empty memfd named after the member's last path part
 * (cut to 249 bytes: memfd_create(2) takes names up to 249), that can be
 * sealed and never executed; or -1 with errno set. */
static int new_memfd(const pf_entry *file)
{
    const char *base = memrchr(file->name, '/', file->name_size);
    base = base != NULL ? base + 1 : file->name;
    size_t baseSize = file->name_size - (size_t)(base - file->name);
    char name[250];
    snprintf(name, sizeof name, "%.*s", (int)(baseSize < 249 ? baseSize : 249), base);
    unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    int m = memfd_create(name, flags | MFD_NOEXEC_SEAL);
    if (m < 0 && errno == EINVAL) {
        m = memfd_create(name, flags); /* kernel older than 6.3 */
    }
    return m;
}

/* reopen: memfd m opened again through /proc/self/fd with flags (m stays
 * open; O_CREAT, O_EXCL and O_NOFOLLOW dropped: the file exists, and the
 * /proc entry is a link to it); or, where /proc is not mounted, a
 * duplicate of m at offset 0 with O_NONBLOCK as flags ask. Returns the
 * descriptor, or -1 with errno set. */
static int reopen(int m, int flags)
{
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    int fd = open(path, (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || access("/proc/self/fd", F_OK) == 0) {
        return fd;
    }
    fd = lseek(m, 0, SEEK_SET) == 0 ? fcntl(m, F_DUPFD_CLOEXEC, 0) : -1;
    if (fd >= 0 && (flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int pf_member_fd_open(pf_payload *payload, const pf_entry *file, int flags, int *fd, pf_error *err)
{
    int m = new_memfd(file);
    if (m < 0) {
        return pf_error_set(err, PF_ERR_IO, "no memfd (%s)", strerror(errno));
    }
    int status = pf_payload_copy(payload, file, sink_write, &m, err);
    if (status != PF_OK) {
        int e = errno;
        close(m);
        errno = e;
        return status == PF_ERR_IO
                   ? pf_error_set(err, PF_ERR_IO, "cannot fill a memfd (%s)", strerror(e))
                   : status;
    }
    const char *step = NULL;
    if (fchmod(m, 0444) != 0) {
        step = "cannot make a memfd read-only";
    } else if (fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) !=
               0) {
        step = "cannot seal a memfd";
    } else if ((*fd = reopen(m, flags)) < 0) {
        step = "cannot open a memfd again";
    }
    int e = errno;
    if (step == NULL && m < *fd && dup3(*fd, m, O_CLOEXEC) == m) {
        /* the number open(2) would have given: m's, the lowest free one
         * (dup3 closes m's own description and reuses the number at once,
         * so no other thread's open can take it meanwhile) */
        close(*fd);
        *fd = m;
        return PF_OK;
    }
    close(m);
    errno = e;
    return step != NULL ? pf_error_set(err, PF_ERR_IO, "%s (%s)", step, strerror(e)) : PF_OK;
}
