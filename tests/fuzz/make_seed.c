/* make_seed.c - writes the fuzz targets' seeds made from fresh sample
 * payloads (the unit tests' sample, plain and with a pax index header), so
 * they follow the format as it changes: DIR/<target>/ for fuzz_payload
 * (payloads), fuzz_plain (tar streams with their frame sizes, as
 * fuzz_plain.c reads them), fuzz_tar (decompressed frames), fuzz_index (the
 * indexes) and fuzz_verify (the payloads in a small ELF file); and for
 * fuzz_payload and fuzz_verify, each payload with a stored frame (payload.h)
 * added before its seek table, holding one page of an ELF header (no
 * entry names it: mutations of the index's frame numbers reach it). The
 * other targets' seeds are in tests/fuzz/corpus/. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "payload.h"
#include "payload_builder.h"
#include "pf_le.h"
#include "tar_index.h"

/* put: writes data[0..size) to DIR/target/name (making DIR/target).
 * Returns 0 or -1 after printing why. */
static int put(const char *dir, const char *target, const char *name, const uint8_t *data,
               size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, target);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        perror(path);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write the seed\n", path);
        return -1;
    }
    return 0;
}

/* elf_image: payload as the .pyfreeze section of a small ELF file (header,
 * name table, payload, three section headers), malloc'ed in *out. */
static size_t elf_image(const pfz_buffer *payload, uint8_t **out)
{
    static const char names[] = "\0.shstrtab\0.pyfreeze";
    size_t shoff = (128u + payload->size + 7u) / 8u * 8u, size = shoff + 3 * sizeof(Elf64_Shdr);
    uint8_t *im = calloc(1, size);
    Elf64_Ehdr eh = {.e_type = ET_EXEC,
                     .e_machine = EM_X86_64,
                     .e_version = EV_CURRENT,
                     .e_ehsize = sizeof eh,
                     .e_shoff = shoff,
                     .e_shentsize = sizeof(Elf64_Shdr),
                     .e_shnum = 3,
                     .e_shstrndx = 1};
    Elf64_Shdr sh[3] = {
        {0},
        {.sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = 64, .sh_size = sizeof names},
        {.sh_name = 11, .sh_type = SHT_PROGBITS, .sh_offset = 128, .sh_size = payload->size}};
    if (im == NULL) {
        return 0;
    }
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(im, &eh, sizeof eh);
    memcpy(im + 64, names, sizeof names);
    memcpy(im + 128, payload->data, payload->size);
    memcpy(im + shoff, sh, sizeof sh);
    *out = im;
    return size;
}

/* with_stored: payload with a stored frame (payload.h) before its seek
 * table: the header, zeros to the data start, one page starting with an
 * ELF magic; the seek table gains its entry (decompressed size 0). Returns
 * 0 (out filled) or -1. */
static int with_stored(const pfz_buffer *payload, pfz_buffer *out)
{
    uint32_t count = pf_le32_load(payload->data + payload->size - PF_SEEK_FOOTER_SIZE);
    size_t tableSize = 8u + 8u * (size_t)count + PF_SEEK_FOOTER_SIZE;
    size_t framesSize = payload->size - tableSize;
    uint64_t start = PF_STORED_DATA_START(framesSize);
    size_t frameSize = (size_t)(start - framesSize) + PF_STORED_ALIGN;
    size_t size = framesSize + frameSize + tableSize + 8u;
    out->data = calloc(1, size);
    if (out->data == NULL) {
        return -1;
    }
    out->size = out->capacity = size;
    memcpy(out->data, payload->data, framesSize);
    uint8_t *frame = out->data + framesSize;
    pf_le32_store(frame, PF_STORED_MAGIC);
    pf_le32_store(frame + 4, (uint32_t)(frameSize - PF_STORED_HEADER_SIZE));
    memcpy(out->data + start, ELFMAG, SELFMAG);
    uint8_t *table = frame + frameSize;
    memcpy(table, payload->data + framesSize, tableSize - PF_SEEK_FOOTER_SIZE);
    pf_le32_store(table + 4, (uint32_t)tableSize); /* (count + 1) entries + footer */
    pf_le32_store(table + tableSize - PF_SEEK_FOOTER_SIZE, (uint32_t)frameSize);
    pf_le32_store(table + tableSize - PF_SEEK_FOOTER_SIZE + 4, 0);
    memcpy(table + tableSize + 8u - PF_SEEK_FOOTER_SIZE,
           payload->data + payload->size - PF_SEEK_FOOTER_SIZE, PF_SEEK_FOOTER_SIZE);
    pf_le32_store(table + tableSize + 8u - PF_SEEK_FOOTER_SIZE, count + 1u);
    return 0;
}

/* plain_seeds: the tar stream t of the sample called sample as fuzz_plain,
 * fuzz_tar and fuzz_index read it. Returns 0 or -1. */
static int plain_seeds(const char *dir, const char *sample, const tb_tar *t)
{
    char name[64];
    size_t headerSize = 1u + 4u * (t->frame_count - 1u);
    uint8_t *plain = malloc(headerSize + t->tar.size);
    if (plain == NULL) {
        return -1;
    }
    plain[0] = (uint8_t)(t->frame_count - 1u);
    for (uint32_t i = 0; i + 1u < t->frame_count; i++) {
        pf_le32_store(plain + 1 + 4u * i, (uint32_t)(t->bounds[i + 1] - t->bounds[i]));
    }
    memcpy(plain + headerSize, t->tar.data, t->tar.size);
    int rc = put(dir, "fuzz_plain", sample, plain, headerSize + t->tar.size);
    /* the same read every way (fuzz_plain.c: READ_*) */
    plain[0] |= 0xF0;
    snprintf(name, sizeof name, "%s-all-ways", sample);
    rc = rc != 0 ? rc : put(dir, "fuzz_plain", name, plain, headerSize + t->tar.size);
    free(plain);
    for (uint32_t i = 0; rc == 0 && i < t->frame_count; i++) {
        snprintf(name, sizeof name, "%s-frame%u", sample, i);
        rc =
            put(dir, "fuzz_tar", name, t->tar.data + t->bounds[i], t->bounds[i + 1] - t->bounds[i]);
    }
    size_t offset, size;
    if (rc == 0 && pf_tar_find_index(t->tar.data, t->bounds[1], &offset, &size, NULL) == PF_OK) {
        rc = put(dir, "fuzz_index", sample, t->tar.data + offset, size);
    }
    return rc;
}

/* A small sample beside the unit tests' one: fewer, smaller members, so
 * the targets run many more inputs a second from it. */
static const uint8_t small_text[] = "print('hello')\n# a small module\n";
static const tb_file small_files[] = {
    {"lib/app.pyc", PF_KIND_BYTECODE, small_text, sizeof small_text},
    {"lib/pkg/__init__.pyc", PF_KIND_BYTECODE, small_text, 16},
    {"lib/pkg/mod.pyc", PF_KIND_BYTECODE, small_text, 20},
    {"lib/pkg/data.txt", PF_KIND_DATA, small_text, 0},
    {"lib/_ext.cpython-311-x86_64-linux-gnu.so", PF_KIND_NATIVE, small_text, 8},
    /* names ustar cannot hold: libarchive gives them a pax "path" record */
    {"lib/pkg/a-file-name-longer-than-the-100-bytes-of-a-ustar-name-field-which-libarchive-"
     "puts-in-a-pax-header.txt",
     PF_KIND_DATA, small_text, 5},
};
static const tb_module small_modules[] = {
    {"app", PF_KIND_MODULE, 0},     {"pkg", PF_KIND_PACKAGE, 1},   {"pkg.mod", PF_KIND_MODULE, 2},
    {"_ext", PF_KIND_EXTENSION, 4}, {"ns", PF_KIND_NAMESPACE, -1},
};

/* seeds: every target's seeds from one sample, named name. Returns 0 or 1. */
static int seeds(const char *dir, const char *name, const tb_file *files, size_t fileCount,
                 const tb_module *modules, size_t moduleCount, int pax)
{
    tb_options opt = {.files_per_frame = 2, .pax_index = pax, .level = 3};
    pfz_buffer payload = {0};
    tb_tar t;
    uint8_t *image = NULL;
    if (tb_build_payload(files, fileCount, modules, moduleCount, &opt, &payload) != 0 ||
        tb_build_tar(files, fileCount, modules, moduleCount, &opt, &t) != 0) {
        fprintf(stderr, "cannot build the sample payload\n");
        return 1;
    }
    size_t imageSize = elf_image(&payload, &image);
    int rc = put(dir, "fuzz_payload", name, payload.data, payload.size) != 0 || imageSize == 0 ||
             put(dir, "fuzz_verify", name, image, imageSize) != 0 ||
             plain_seeds(dir, name, &t) != 0;
    free(image);
    image = NULL;
    pfz_buffer stored = {0};
    char storedName[64];
    snprintf(storedName, sizeof storedName, "%s-stored", name);
    pfz_buffer withCount = {0}; /* the same sample, its index counting the stored frame */
    opt.stored_frame = 1;
    if (!rc && tb_build_payload(files, fileCount, modules, moduleCount, &opt, &withCount) != 0) {
        rc = 1;
    }
    rc = rc || with_stored(&withCount, &stored) != 0 ||
         put(dir, "fuzz_payload", storedName, stored.data, stored.size) != 0 ||
         (imageSize = elf_image(&stored, &image)) == 0 ||
         put(dir, "fuzz_verify", storedName, image, imageSize) != 0;
    free(image);
    pfz_buffer_free(&stored);
    pfz_buffer_free(&withCount);
    pfz_buffer_free(&t.tar);
    pfz_buffer_free(&payload);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR  (writes DIR/<target>/ seeds)\n", argv[0]);
        return 2;
    }
    const tb_file *files;
    const tb_module *modules;
    size_t fileCount, moduleCount;
    tb_sample(&files, &fileCount, &modules, &moduleCount);
    size_t smallFiles = sizeof small_files / sizeof small_files[0];
    size_t smallModules = sizeof small_modules / sizeof small_modules[0];
    return seeds(argv[1], "sample0", files, fileCount, modules, moduleCount, 0) ||
           seeds(argv[1], "sample1", files, fileCount, modules, moduleCount, 1) ||
           seeds(argv[1], "small0", small_files, smallFiles, small_modules, smallModules, 0) ||
           seeds(argv[1], "small1", small_files, smallFiles, small_modules, smallModules, 1);
}
