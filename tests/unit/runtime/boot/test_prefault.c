/* test_prefault.c - prefault.h: the range of writable data to fault in,
 * from program headers shaped like the stubs' (fixed-address and PIE),
 * with RELRO left out, .bss left out, and headers that would overflow
 * refused, a limit obeyed; and pf_prefault_data on this test's own
 * executable: its data pages (below a limit, then all) become the
 * process's own copies, their bytes unchanged. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefault.h"

#define PAGE 4096u

/* The writable segment of pyfreeze-stub as GNU ld laid it out (readelf -l
 * of the 2026-12-07 build): RELRO (.data.rel.ro, .dynamic, .got) ending on
 * a page boundary, then .got.plt, .data, .PyRuntime, then .bss. */
static const ElfW(Phdr) stub[] = {
    {.p_type = PT_PHDR, .p_vaddr = 0x400040, .p_filesz = 0x268, .p_memsz = 0x268},
    {.p_type = PT_LOAD, .p_flags = PF_R, .p_vaddr = 0x400000, .p_filesz = 0x1d568},
    {.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = 0x41e000, .p_filesz = 0x2a61c5},
    {.p_type = PT_LOAD,
     .p_flags = PF_R | PF_W,
     .p_vaddr = 0x7f4ff0,
     .p_filesz = 0x169f50,
     .p_memsz = 0x1b2940},
    {.p_type = PT_DYNAMIC, .p_flags = PF_R | PF_W, .p_vaddr = 0x823cf0, .p_filesz = 0x210},
    {.p_type = PT_GNU_RELRO, .p_flags = PF_R, .p_vaddr = 0x7f4ff0, .p_memsz = 0x2f010},
};
#define STUB_COUNT (sizeof stub / sizeof stub[0])

static void test_stub_layout(void **state)
{
    (void)state;
    struct pf_page_range r = pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0);
    /* from RELRO's end (0x824000) to the page holding the last file byte
     * (0x7f4ff0 + 0x169f50 = 0x95ef40: that page ends at 0x95f000) */
    assert_int_equal(r.start, 0x824000);
    assert_int_equal(r.size, 0x95f000 - 0x824000);
    /* a PIE's: the same, moved by its load bias */
    r = pf_prefault_data_range(stub, STUB_COUNT, 0x555555554000u, PAGE, 0);
    assert_int_equal(r.start, 0x555555554000u + 0x824000);
    assert_int_equal(r.size, 0x95f000 - 0x824000);
}

static void test_limit(void **state)
{
    (void)state;
    /* stub/data_order.ld's end of the data every start-up writes, inside
     * the segment: the range stops at the page holding the byte before it */
    struct pf_page_range r = pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0x900123);
    assert_int_equal(r.start, 0x824000);
    assert_int_equal(r.size, 0x901000 - 0x824000);
    r = pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0x900000); /* on a page boundary */
    assert_int_equal(r.size, 0x900000 - 0x824000);
    /* a PIE's limit is an address of the running image, moved already */
    r = pf_prefault_data_range(stub, STUB_COUNT, 0x555555554000u, PAGE, 0x555555554000u + 0x900123);
    assert_int_equal(r.start, 0x555555554000u + 0x824000);
    assert_int_equal(r.size, 0x901000 - 0x824000);
    /* past the file-backed data: no change; before the range: nothing */
    r = pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0x990000);
    assert_int_equal(r.size, 0x95f000 - 0x824000);
    assert_int_equal(pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0x824000).size, 0);
    assert_int_equal(pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, 0x400000).size, 0);
    /* a limit that would overflow when rounded up is no limit */
    r = pf_prefault_data_range(stub, STUB_COUNT, 0, PAGE, UINTPTR_MAX - 1);
    assert_int_equal(r.size, 0x95f000 - 0x824000);
}

static void test_relro_partial_page_stays(void **state)
{
    (void)state;
    ElfW(Phdr) h[STUB_COUNT];
    memcpy(h, stub, sizeof h);
    h[5].p_memsz = 0x2f010 - 0x100; /* RELRO ends inside page 0x823000 */
    struct pf_page_range r = pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0);
    assert_int_equal(r.start, 0x823000); /* ld.so leaves that page writable */
    /* no RELRO at all: from the segment's first page */
    h[5].p_type = PT_NULL;
    r = pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0);
    assert_int_equal(r.start, 0x7f4000);
    assert_int_equal(r.size, 0x95f000 - 0x7f4000);
}

static void test_nothing_to_fault(void **state)
{
    (void)state;
    ElfW(Phdr) h[STUB_COUNT];
    struct pf_page_range r;
    /* no writable PT_LOAD */
    memcpy(h, stub, sizeof h);
    h[3].p_flags = PF_R;
    r = pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0);
    assert_int_equal(r.size, 0);
    /* only .bss */
    memcpy(h, stub, sizeof h);
    h[3].p_filesz = 0;
    assert_int_equal(pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0).size, 0);
    /* RELRO covers all the file-backed data */
    memcpy(h, stub, sizeof h);
    h[5].p_memsz = 0x200000;
    assert_int_equal(pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0).size, 0);
    /* no headers, no page size */
    assert_int_equal(pf_prefault_data_range(stub, 0, 0, PAGE, 0).size, 0);
    assert_int_equal(pf_prefault_data_range(stub, STUB_COUNT, 0, 0, 0).size, 0);
}

static void test_overflow_refused(void **state)
{
    (void)state;
    ElfW(Phdr) h[STUB_COUNT];
    memcpy(h, stub, sizeof h);
    h[3].p_filesz = UINTPTR_MAX - 0x1000;
    assert_int_equal(pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0).size, 0);
    memcpy(h, stub, sizeof h);
    assert_int_equal(pf_prefault_data_range(h, STUB_COUNT, UINTPTR_MAX - 0x10000, PAGE, 0).size, 0);
    /* a RELRO that would overflow is ignored, not trusted */
    h[5].p_memsz = UINTPTR_MAX;
    struct pf_page_range r = pf_prefault_data_range(h, STUB_COUNT, 0, PAGE, 0);
    assert_int_equal(r.start, 0x7f4000);
}

/* Initialised, so in .data, and written by nobody: its pages are the
 * executable file's until pf_prefault_data copies them. */
static volatile unsigned char sample[8 * PAGE] = {1, 2, 3, [8 * PAGE - 1] = 0x5a};

/* own_page: 1 if the page holding p is present and private to this
 * process (an anonymous copy, not the file's page): /proc/self/pagemap's
 * bit 63 (present) set and bit 61 (file page or shared) clear
 * (Documentation/admin-guide/mm/pagemap.rst); 2 if present as the file's
 * page, 0 if not present. -1 if it cannot say. */
static int own_page(const volatile void *p)
{
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    uint64_t entry = 0;
    off_t at = (off_t)((uintptr_t)p / (uintptr_t)sysconf(_SC_PAGESIZE) * 8u);
    ssize_t n = fd >= 0 ? pread(fd, &entry, sizeof entry, at) : -1;
    if (fd >= 0) {
        close(fd);
    }
    if (n != (ssize_t)sizeof entry) {
        return -1;
    }
    return (entry >> 63 & 1u) && !(entry >> 61 & 1u) ? 1 : (entry >> 63 & 1u) ? 2 : 0;
}

static void test_own_data_prefaulted(void **state)
{
    (void)state;
    /* MADV_POPULATE_WRITE (Linux 5.14) on a scratch page: if the kernel
     * has none, pf_prefault_data does nothing, which is its contract */
    void *scratch = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(scratch != MAP_FAILED);
    int supported = madvise(scratch, PAGE, 23 /* MADV_POPULATE_WRITE */) == 0;
    munmap(scratch, PAGE);
    const volatile unsigned char *middle = sample + 4 * PAGE;
    int before = own_page(middle);
    if (before < 0) {
        skip(); /* no /proc */
    }
    assert_int_equal(before != 1, 1); /* nothing wrote it */
    pf_prefault_data();
    assert_int_equal(own_page(middle) == 1, supported);
    assert_int_equal(sample[0], 1);
    assert_int_equal(sample[2], 3);
    assert_int_equal(sample[4 * PAGE], 0);
    assert_int_equal(sample[8 * PAGE - 1], 0x5a);
    pf_prefault_data(); /* again: harmless */
    assert_int_equal(sample[8 * PAGE - 1], 0x5a);
}

static void test_own_data_below_limit(void **state)
{
    (void)state;
    void *scratch = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(scratch != MAP_FAILED);
    int supported = madvise(scratch, PAGE, 23 /* MADV_POPULATE_WRITE */) == 0;
    munmap(scratch, PAGE);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    /* the page of sample's middle, which test_own_data_prefaulted (run
     * next) expects still the file's */
    uintptr_t limit = (uintptr_t)(sample + 4 * PAGE) & ~(page - 1u);
    int before = own_page((const void *)(limit - page));
    if (before < 0) {
        skip(); /* no /proc */
    }
    assert_int_equal(before != 1, 1); /* nothing wrote it */
    pf_prefault_data_below(limit);
    /* the page below the limit is this process's own, the one at it and
     * past it still the file's, mapped */
    assert_int_equal(own_page((const void *)(limit - page)) == 1, supported);
    assert_int_equal(own_page((const void *)limit) == 2, supported);
    assert_int_equal(own_page((const void *)(limit + page)) == 2, supported);
    assert_int_equal(sample[0], 1);
    assert_int_equal(sample[8 * PAGE - 1], 0x5a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stub_layout),
        cmocka_unit_test(test_relro_partial_page_stays),
        cmocka_unit_test(test_nothing_to_fault),
        cmocka_unit_test(test_overflow_refused),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_own_data_below_limit), /* before test_own_data_prefaulted */
        cmocka_unit_test(test_own_data_prefaulted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
