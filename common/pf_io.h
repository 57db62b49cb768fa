/* pf_io.h - writing a whole buffer to a file descriptor.
 *
 * write(2) may write less than asked (a full pipe, a signal): the
 * payload's memfds, the runtime's fallback files and the freezer's cache
 * entries all need every byte written or a failure. */
#ifndef PF_IO_H
#define PF_IO_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

/* pf_write_all: writes data[0..size) (bytes) to fd at its offset, retrying
 * short writes and EINTR. Returns 0, or -1 with errno set (a write that
 * writes nothing leaves errno as write(2) left it). */
static inline int pf_write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

#endif
