/* bytecode_cache.c - the build cache of compiled modules: naming, storing
 * and checking .pyc entries; rules in bytecode_cache.h. */
#include "bytecode_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "pf_le.h"

#ifndef PYFREEZE_VERSION
#error "PYFREEZE_VERSION must be defined (the pyfreeze version: part of every pyc key)"
#endif

/* fnv1a: 64-bit FNV-1a of p[0..size) continuing from h (start with
 * 0xcbf29ce484222325). Only names entries: the key inside is compared. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t size)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < size; i++) {
        h = (h ^ b[i]) * 0x100000001b3ull;
    }
    return h;
}

/* pyc_key_text: the key text of k, malloc'd, *size bytes (NULs included);
 * NULL when out of memory. */
static uint8_t *pyc_key_text(const pfz_pyc_key *k, size_t *size)
{
    size_t a = strlen(k->source_path) + 1, b = strlen(k->code_filename) + 1;
    size_t v = sizeof PYFREEZE_VERSION;
    uint8_t *t = malloc(a + b + v);
    if (t != NULL) {
        memcpy(t, k->source_path, a);
        memcpy(t + a, k->code_filename, b);
        memcpy(t + a + b, PYFREEZE_VERSION, v);
        *size = a + b + v;
    }
    return t;
}

/* pyc_name: the entry's file name: 16 hex digits of FNV-1a over the key
 * text, magic and level, then "-o<level>". */
static void pyc_name(char name[32], const uint8_t *key, size_t key_size, const pfz_pyc_key *k)
{
    uint8_t extra[8];
    pf_le32_store(extra, k->magic);
    pf_le32_store(extra + 4, (uint32_t)k->optimize);
    uint64_t h = fnv1a(0xcbf29ce484222325ull, key, key_size);
    h = fnv1a(h, extra, sizeof extra);
    snprintf(name, 32, "%016llx-o%d", (unsigned long long)h, k->optimize);
}

/* pyc_header_of: the entry header fields for k. */
static pfz_cache_entry_header pyc_header_of(const pfz_pyc_key *k, uint64_t source_size,
                                            size_t key_size)
{
    return (pfz_cache_entry_header){.kind = PFZ_CACHE_ENTRY_PYC,
                                    .size = source_size,
                                    .p1 = k->magic,
                                    .p2 = (uint32_t)k->optimize,
                                    .p3 = 0,
                                    .key_size = (uint32_t)key_size};
}

/* pyc_key_ok: the key is complete and its level is one python accepts. */
static int pyc_key_ok(const pfz_pyc_key *k)
{
    return k != NULL && k->source_path != NULL && k->code_filename != NULL && k->optimize >= 0 &&
           k->optimize <= 2;
}

/* pyc_copy: a malloc'd copy of the .pyc in an entry's body past its key
 * text, when its PEP 552 header has key's magic, flags = hash-based and
 * unchecked (what module_compile.c writes) and the hash of the source as it
 * is now; else (or out of memory) NULL. */
static uint8_t *pyc_copy(const uint8_t *p, size_t n, const pfz_pyc_key *key,
                         const uint8_t source_hash[8])
{
    if (n < PF_PYC_HEADER_SIZE || pf_le32_load(p) != key->magic ||
        pf_le32_load(p + 4) != PF_PYC_FLAG_HASH_BASED || memcmp(p + 8, source_hash, 8) != 0) {
        return NULL;
    }
    uint8_t *copy = malloc(n);
    if (copy != NULL) {
        memcpy(copy, p, n);
    }
    return copy;
}

int pfz_cache_pyc_get(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                      const uint8_t source_hash[8], uint8_t **pyc, size_t *pycSize)
{
    *pyc = NULL;
    *pycSize = 0;
    if (c == NULL || !pyc_key_ok(key)) {
        return 0;
    }
    size_t key_size = 0;
    uint8_t *key_text = pyc_key_text(key, &key_size);
    if (key_text == NULL) {
        return 0;
    }
    char name[32];
    pyc_name(name, key_text, key_size, key);
    uint8_t *entry = NULL;
    size_t body_size = 0;
    const uint8_t *body = NULL;
    pfz_cache_entry_header want = pyc_header_of(key, source_size, key_size);
    if (pfz_cache_get(c, PFZ_CACHE_AREA_PYC, name, &want, &entry, &body, &body_size) &&
        memcmp(body, key_text, key_size) == 0) {
        *pyc = pyc_copy(body + key_size, body_size - key_size, key, source_hash);
        *pycSize = *pyc != NULL ? body_size - key_size : 0;
    }
    free(entry);
    free(key_text);
    pfz_cache_count(c, *pyc != NULL ? PFZ_CACHE_PYC_HIT : PFZ_CACHE_PYC_MISS);
    return *pyc != NULL;
}

void pfz_cache_pyc_put(pfz_cache *c, const pfz_pyc_key *key, uint64_t source_size,
                       const uint8_t *pyc, size_t pycSize)
{
    if (c == NULL || !pyc_key_ok(key) || pyc == NULL || pycSize < PF_PYC_HEADER_SIZE) {
        return;
    }
    size_t key_size = 0;
    uint8_t *key_text = pyc_key_text(key, &key_size);
    if (key_text == NULL) {
        return;
    }
    char name[32];
    pyc_name(name, key_text, key_size, key);
    pfz_cache_entry_header h = pyc_header_of(key, source_size, key_size);
    pfz_cache_put(c, PFZ_CACHE_AREA_PYC, name, &h, key_text, key_size, pyc, pycSize);
    free(key_text);
}
