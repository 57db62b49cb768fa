/* native_share.c - stored native code: into its memfd by the kernel, and
 * its read-only segments shared through the page cache; see
 * native_share.h. */
#include "native_share.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_segments.h"

static int executable_known;
static dev_t executable_device;
static ino_t executable_inode;
static uint64_t executable_payload_offset;

void pf_native_set_executable(dev_t device, ino_t inode, uint64_t payloadOffset)
{
    executable_device = device;
    executable_inode = inode;
    executable_payload_offset = payloadOffset;
    executable_known = 1;
}

int pf_native_open_executable(uint64_t *payloadOffset)
{
    if (!executable_known) {
        return -1;
    }
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd < 3) { /* 0-2 closed by the program stay closed */
        int above = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        fd = above;
    }
    struct stat st;
    if (fd >= 0 &&
        (fstat(fd, &st) != 0 || st.st_dev != executable_device || st.st_ino != executable_inode)) {
        close(fd);
        fd = -1;
    }
    *payloadOffset = executable_payload_offset;
    return fd;
}

int pf_native_fill_stored(int memfd, int exeFd, uint64_t offset, size_t size)
{
    off_t at = (off_t)offset;
    while (size > 0) {
        ssize_t n = sendfile(memfd, exeFd, &at, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO; /* the file ended early */
            }
            return -1;
        }
        size -= (size_t)n;
    }
    return 0;
}

size_t pf_native_share(int memfd, void *handle, int exeFd, uint64_t offset, const uint8_t *elf,
                       size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    struct link_map *map = NULL;
    pf_share_plan plan;
    pf_error err;
    if (page <= 0 || offset % (uint64_t)page != 0 || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 ||
        map == NULL || pf_elf_share_plan(elf, size, (uint64_t)page, &plan, &err) != PF_OK) {
        return 0;
    }
    size_t mapped = 0;
    for (size_t i = 0; i < plan.segment_count; i++) {
        const pf_share_segment *s = &plan.segments[i];
        void *at = (void *)(map->l_addr + s->vaddr);
        /* same bytes, same protection, same place: the code running there
         * (another thread's) sees no change */
        if (mmap(at, s->size, s->prot, MAP_FIXED | MAP_PRIVATE, exeFd,
                 (off_t)(offset + s->offset)) != at) {
            return mapped; /* the rest stays the memfd's; no hole is punched */
        }
        mapped += s->size;
    }
    for (size_t i = 0; i < plan.hole_count; i++) {
        (void)fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        (off_t)plan.holes[i].offset, (off_t)plan.holes[i].size);
    }
    return mapped;
}
