/* pf_le.h - reading and writing little-endian integers at any alignment.
 *
 * The payload's seek table (zstd seekable format) and index store every
 * integer little-endian (payload.h). Byte-wise assembly is portable
 * and lets compilers emit one load; it never reads past the 2 or 4 bytes
 * named, so callers only need to bound-check p .. p + 4. */
#ifndef PF_LE_H
#define PF_LE_H

#include <stdint.h>

/* pf_le32_load: the u32 stored little-endian at p[0..4). */
static inline uint32_t pf_le32_load(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* pf_le32_store: writes v little-endian to p[0..4). */
static inline void pf_le32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
