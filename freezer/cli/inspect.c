/* inspect.c - printing a frozen program's contents; see inspect.h.
 * Everything shown comes from the runtime's validated reader; names from the
 * file are printed with control bytes escaped, since the file may be hostile
 * and the output goes to a terminal. */
#include "inspect.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_section.h"
#include "frame_decoder.h"
#include "payload.h"
#include "payload_reader.h"

#include <zstd.h> /* ZSTD_freeDCtx for pf_decoder_new's decoder */

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case PF_KIND_MODULE:
        return "module";
    case PF_KIND_PACKAGE:
        return "package";
    case PF_KIND_NAMESPACE:
        return "namespace";
    case PF_KIND_EXTENSION:
        return "extension";
    case PF_KIND_BYTECODE:
        return "bytecode";
    case PF_KIND_SOURCE:
        return "source";
    case PF_KIND_NATIVE:
        return "native";
    case PF_KIND_LIBRARY:
        return "library";
    case PF_KIND_DATA:
        return "data";
    case PF_KIND_NOT_FOLLOWED:
        return "left-out";
    case PF_KIND_EXCLUDED:
        return "excluded";
    }
    return "unknown";
}

/* put_name: writes name[0..size) with bytes outside printable ASCII as \xNN. */
static void put_name(FILE *out, const char *name, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            fputc(c, out);
        } else {
            fprintf(out, "\\x%02x", c);
        }
    }
}

/* compressed_share: file bytes' share of its frame's compressed size. The
 * reader guarantees size <= the frame's decompressed size, so the product
 * fits 64 bits (both factors < 2^32). */
static uint64_t compressed_share(const pf_seek_table *table, const pf_entry *file)
{
    const pf_frame *f = &table->frames[file->frame];
    if (pf_frame_is_stored(table, file->frame)) {
        return file->size; /* kept as is (payload.h, the stored frame) */
    }
    return (uint64_t)file->size * f->compressed_size / f->decompressed_size;
}

/* elf_type_text: what the ELF header's e_type (a little-endian half-word
 * at byte 16; the caller has checked the header is there) says of the
 * executable: a stub is linked either position-independent (--pie: ET_DYN)
 * or at a fixed address (the default: ET_EXEC). */
static const char *elf_type_text(const uint8_t *file)
{
    switch (file[16] | file[17] << 8) {
    case ET_EXEC:
        return "fixed-address executable (ET_EXEC, not position-independent)";
    case ET_DYN:
        return "position-independent executable (ET_DYN)";
    }
    return "neither ET_EXEC nor ET_DYN";
}

/* print_glibc_floor: the line saying which glibc the program needs, as
 * the freezer recorded it in the index (payload.h: glibc_floor). */
static void print_glibc_floor(const pf_index *index, FILE *out)
{
    const uint32_t *v = index->glibc_floor;
    if (!index->has_glibc_floor) {
        fprintf(out, "glibc: not recorded (index format version %u, made by an older pyfreeze)\n",
                index->format_version);
    } else if (v[0] == 0 && v[1] == 0 && v[2] == 0) {
        fputs("glibc: needs no versioned glibc symbol\n", out);
    } else if (v[2] != 0) {
        fprintf(out, "glibc: needs glibc >= %u.%u.%u\n", v[0], v[1], v[2]);
    } else {
        fprintf(out, "glibc: needs glibc >= %u.%u\n", v[0], v[1]);
    }
}

/* print_table: rows and totals for an opened payload. */
static void print_table(const pf_payload *payload, uint64_t payload_size, size_t file_size,
                        const char *elf_type, const char *name, FILE *out)
{
    const pf_index *index = pf_payload_index(payload);
    const pf_seek_table *table = pf_payload_seek_table(payload);
    fprintf(out, "%s: frozen program, %s\n", name, elf_type);
    print_glibc_floor(index, out);
    fprintf(out, "(compressed = a file's share of its zstd frame, in proportion to its "
                 "uncompressed size; module rows show their file's sizes; (stored): native "
                 "code kept uncompressed and page-aligned, its code mapped from the file)\n");
    fprintf(out, "%-10s %12s %12s  %s\n", "KIND", "COMPRESSED", "UNCOMPRESSED", "NAME");

    uint32_t modules = 0, files = 0;
    uint64_t file_bytes = 0;
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e, file;
        pf_index_entry(index, n, &e);
        int has_file = 0;
        if (PF_KIND_IS_FILE(e.kind)) {
            file = e;
            has_file = 1;
            files++;
            file_bytes += e.size;
        } else {
            modules += PF_KIND_IS_MODULE(e.kind);
            if (e.member != PF_NONE) {
                pf_index_entry(index, e.member, &file); /* checked by pf_index_open */
                has_file = 1;
            }
        }
        if (has_file) {
            fprintf(out, "%-10s %12llu %12llu  ", kind_name(e.kind),
                    (unsigned long long)compressed_share(table, &file),
                    (unsigned long long)file.size);
        } else {
            fprintf(out, "%-10s %12s %12s  ", kind_name(e.kind), "-", "-");
        }
        put_name(out, e.name, e.name_size);
        if (n == index->main_entry) {
            fputs("  (main)", out);
        }
        if (has_file && pf_frame_is_stored(table, file.frame)) {
            fputs("  (stored)", out);
        }
        fputc('\n', out);
    }
    uint64_t uncompressed = 0;
    for (uint32_t i = 0; i < table->frame_count; i++) {
        uncompressed += table->frames[i].decompressed_size;
    }
    fprintf(out,
            "total: %u entries (%u modules, %u files of %llu bytes), %u frames, "
            "payload %llu bytes, uncompressed %llu bytes, stub %llu bytes\n",
            index->entry_count, modules, files, (unsigned long long)file_bytes, table->frame_count,
            (unsigned long long)payload_size, (unsigned long long)uncompressed,
            (unsigned long long)(file_size - payload_size));
}

/* frame_contents: what frame i holds, for a damage report, into dst
 * (dstCapacity bytes): "the index" for frame 0, else its first file entry
 * (control bytes escaped) and how many more there are. */
static void frame_contents(const pf_index *index, uint32_t i, char *dst, size_t dstCapacity)
{
    if (i == 0) {
        snprintf(dst, dstCapacity, "the index %s", PF_INDEX_MEMBER_NAME);
        return;
    }
    uint32_t count = 0;
    pf_entry first = {0};
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (PF_KIND_IS_FILE(e.kind) && e.frame == i && count++ == 0) {
            first = e;
        }
    }
    if (count == 0) {
        snprintf(dst, dstCapacity, "no member: the end of the tar stream");
        return;
    }
    size_t at = 0;
    for (uint32_t k = 0; k < first.name_size && at + 5 < dstCapacity / 2; k++) {
        unsigned char c = (unsigned char)first.name[k];
        at += (size_t)snprintf(dst + at, dstCapacity - at, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x",
                               c);
    }
    if (count > 1) {
        snprintf(dst + at, dstCapacity - at, " and %u more member%s", count - 1,
                 count > 2 ? "s" : "");
    }
}

/* check_frames: decompresses every frame of the payload src[0..srcSize)
 * (opened as payload), which checks its zstd header against the seek
 * table, its size and its content checksum (frame_decoder.h), so that
 * damage anywhere is found, not only in the frames a run reads. Returns
 * PF_OK; PF_ERR_CORRUPT with err naming the file, the first damaged frame,
 * what it holds and how many frames are damaged; PF_ERR_NOMEM. */
static int check_frames(const pf_payload *payload, const uint8_t *src, size_t srcSize,
                        const char *name, pf_error *err)
{
    pf_frames frames;
    pf_error why = {0}, first = {0};
    int rc = pf_frames_open(&frames, src, srcSize, &why);
    ZSTD_DCtx *dctx = NULL;
    if (rc == PF_OK) {
        rc = pf_decoder_new(&dctx, &why);
    }
    uint8_t *buffer = NULL;
    size_t capacity = 0;
    uint32_t damaged = 0, first_frame = 0;
    for (uint32_t i = 0; rc == PF_OK && i < frames.table.frame_count; i++) {
        if (pf_frame_is_stored(&frames.table, i)) {
            continue; /* nothing compressed: `pyfreeze verify` checks its members */
        }
        size_t need = frames.table.frames[i].decompressed_size;
        if (need > capacity || buffer == NULL) {
            free(buffer);
            capacity = need > 0 ? need : 1;
            buffer = malloc(capacity);
            if (buffer == NULL) {
                rc = pf_error_set(&why, PF_ERR_NOMEM, "out of memory checking frame %u", i);
                break;
            }
        }
        int frc = pf_frame_check(&frames, i, &why);
        if (frc == PF_OK) {
            frc = pf_frame_decompress(&frames, dctx, i, buffer, &why);
        }
        if (frc == PF_ERR_NOMEM) {
            rc = frc;
        } else if (frc != PF_OK && damaged++ == 0) {
            first = why;
            first_frame = i;
        }
    }
    uint32_t count = frames.table.frame_count;
    free(buffer);
    ZSTD_freeDCtx(dctx);
    pf_frames_close(&frames);
    if (rc != PF_OK) {
        return pf_error_set(err, (pf_status)rc, "cannot check '%s': %s", name, why.message);
    }
    if (damaged == 0) {
        return PF_OK;
    }
    char what[256];
    frame_contents(pf_payload_index(payload), first_frame, what, sizeof what);
    return pf_error_set(err, PF_ERR_CORRUPT,
                        "'%s' is damaged: frame %u of %u (holding %s): %s; %u of %u frames are "
                        "damaged; rebuild it with pyfreeze",
                        name, first_frame, count, what, first.message, damaged, count);
}

int pfz_inspect_image(const uint8_t *file, size_t fileSize, const char *name, FILE *out,
                      pf_error *err)
{
    uint64_t offset, size;
    pf_error why;
    int rc = pf_elf_find_section(file, fileSize, PF_SECTION_NAME, &offset, &size, &why);
    if (rc == PF_ERR_NOT_FOUND) {
        return pf_error_set(err, PF_ERR_NOT_FOUND,
                            "'%s' is not a frozen program (it has no %s section)", name,
                            PF_SECTION_NAME);
    }
    if (rc != PF_OK) {
        return pf_error_set(err, (pf_status)rc, "'%s' is not a frozen program: %s", name,
                            why.message);
    }
    pf_payload *payload = NULL;
    /* pf_elf_find_section checked offset + size <= fileSize. */
    rc = pf_payload_open(&payload, file + offset, (size_t)size, &why);
    if (rc != PF_OK) {
        return pf_error_set(err, (pf_status)rc,
                            "'%s' has a damaged or foreign payload: %s; rebuild it with this "
                            "pyfreeze",
                            name, why.message);
    }
    /* pf_elf_find_section checked the 64-byte ELF header is there. */
    print_table(payload, size, fileSize, elf_type_text(file), name, out);
    /* After the listing, so that what is still readable is shown too. */
    rc = check_frames(payload, file + offset, (size_t)size, name, err);
    pf_payload_close(payload);
    if (fflush(out) != 0 || ferror(out)) {
        return pf_error_set(err, PF_ERR_IO, "cannot write the listing: %s", strerror(errno));
    }
    return rc;
}

int pfz_inspect_file(const char *path, FILE *out, pf_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "cannot open '%s': %s", path, strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "'%s' is not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return pf_error_set(err, PF_ERR_CORRUPT, "'%s' is not a frozen program (it is empty)",
                            path);
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (map == MAP_FAILED) {
        return pf_error_set(err, PF_ERR_IO, "cannot map '%s': %s", path, strerror(saved));
    }
    int rc = pfz_inspect_image(map, (size_t)st.st_size, path, out, err);
    munmap(map, (size_t)st.st_size);
    return rc;
}
