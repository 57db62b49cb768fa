/* prefetch_sample.h - what the prefetch tests (test_payload_prefetch.c,
 * test_prefetch_*.c) share: a payload of many frames, one member per frame
 * (sample), reading members as the runtime reads them (fetch, check_one),
 * the tests' descriptors (open_memfd), waiting on the thread's statistics,
 * and holding the thread in the middle of a frame (hold_release). Linking
 * it also sets ThreadSanitizer's options for these tests. */
#ifndef PF_TEST_PREFETCH_SAMPLE_H
#define PF_TEST_PREFETCH_SAMPLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "payload_builder.h"
#include "payload_reader.h"

enum { FILES = 40, BIG = 25 }; /* BIG: a 3 MB native member */

/* The sample's members, filled by sample(). */
extern tb_file files[FILES];

#define TEST_MEMFD_NAME "pf-test-native"

enum { IN_ORDER, BACKWARDS, SHUFFLED };

/* hold: the state of hold_release (under hold.lock). */
struct prefetch_hold {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t reads;   /* the test's thread, never held */
    const uint8_t *at; /* armed: the frame's compressed bytes; else NULL */
    int holding;       /* the thread is held */
    int go;            /* let it go */
};
extern struct prefetch_hold hold;

/* all_ahead: room for every frame ahead, and no end for idleness within a
 * test. */
extern const pf_prefetch_options all_ahead;

/* sample: FILES members, one per frame: lib/app.pyc (frame 1), bytecode,
 * data and sources, extension modules every 7th, a big extension (BIG),
 * and two bundled libraries last; sizes from 0 to 3 MB. */
void sample(void);

/* build_grouped: a payload of the count files f, perFrame to a frame. */
void build_grouped(const tb_file *f, size_t count, size_t perFrame, pfz_buffer *out);

/* build: build_grouped with one member per frame. */
void build(const tb_file *f, size_t count, pfz_buffer *out);

/* open_memfd: the tests' pf_payload_native_open; *context counts calls and,
 * when negative, makes them fail. */
int open_memfd(void *context, const pf_entry *file);

/* open_test_memfds: how many descriptors of this process are memfds made
 * by open_memfd. */
int open_test_memfds(void);

/* fd_bytes: the whole content of fd (read with pread), or NULL. */
uint8_t *fd_bytes(int fd, size_t *size);

/* fetch: member `path` as the runtime reads it: native code from the
 * thread's descriptor when it has one (*fromFd then 1), else by
 * pf_payload_copy; anything else by pf_payload_read. Returns the status;
 * on PF_OK *out (malloc'd) and *size. No cmocka asserts: children use it. */
int fetch(pf_payload *p, const char *path, uint8_t **out, size_t *size, int *fromFd);

/* check_one: member i read from p equals the file it was made from.
 * Returns 0 or 1. */
int check_one(pf_payload *p, size_t i, int *fromFd);

/* check_order: reads the members in the given order; returns the number
 * of wrong ones. */
int check_order(pf_payload *p, const size_t *order, size_t count, int *fromFd);

/* make_order: the FILES member numbers in order `how` (IN_ORDER,
 * BACKWARDS, SHUFFLED by seed). */
void make_order(size_t *order, int how, uint32_t seed);

/* wait_for: polls stats until done(stats) or 10 s pass. Returns 1 if done. */
int wait_for(pf_payload *p, int (*done)(const pf_prefetch_stats *, void *), void *context);

/* frames_at_least, ended, natives_at_least: wait_for conditions: at
 * least *(uint32_t *)context frames done, the thread ended, at least
 * *(uint32_t *)context native members placed. */
int frames_at_least(const pf_prefetch_stats *st, void *context);
int ended(const pf_prefetch_stats *st, void *context);
int natives_at_least(const pf_prefetch_stats *st, void *context);

/* library_path: the file the test's own libzstd was loaded from. */
const char *library_path(void);

/* read_file: a whole file, malloc'd. */
uint8_t *read_file(const char *path, size_t *size);

/* hold_release: a pf_payload_release that, once armed, stops the prefetch
 * thread when it releases the compressed bytes at hold.at (it does so
 * after decompressing a buffered frame, before writing its native code)
 * until the test lets it go (hold.go). */
void hold_release(const uint8_t *data, size_t size);

/* teardown: the cmocka group teardown: frees the sample's data. */
int teardown(void **state);

#endif
