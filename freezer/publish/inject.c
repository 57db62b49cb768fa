/* inject.c - adding the payload section to a copy of the stub; see inject.h.
 *
 * Steps: copy the stub's bytes into fd, read them back with libelf
 * (ELF_C_READ), check it is a stub, then write past every existing section
 * and segment the section name table with the new name appended, the
 * payload, and a section header table with the payload's section last, and
 * finally the ELF header's new e_shoff and e_shnum. libelf reads and
 * translates the headers; the writes are ours, so no other byte of the copy
 * is written twice or moved. */
#include "inject.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"
#include "seek_table.h"

#define COPY_CHUNK_SIZE (256u * 1024u)
/* sh_addralign of the section header table entries (ELF-64: 8 bytes). */
#define SHDR_ALIGN 8u
/* The output is written in small pieces. Linux caches a file in folios
 * sized after the writes that made them (ext4 and XFS use large folios, up
 * to 2 MiB), and a page fault on a mapping of the file maps the whole folio
 * around it. A frozen program maps its own file, so an output written in
 * 256 KiB pieces ran hello world with 8.9 MB resident, the same bytes
 * written page by page with 8.1 MB (python3.11: 7.9 MB). The stub's part
 * (code, data) goes page by page; the payload, read through the kernel's
 * 64 KiB fault-around window and released frame by frame (runtime/boot/boot.c),
 * in 64 KiB pieces, which kept the same resident sizes for the benchmark's
 * programs at half the cost (page-sized pieces made a warm freeze of hello
 * world about 20 ms slower than one 256 KiB piece, these about 10 ms). Once
 * the cache is dropped, readahead sizes the folios as for any program. */
#define WRITE_PIECE_SIZE 4096u
#define PAYLOAD_PIECE_SIZE (64u * 1024u)

/* write_pieces: writes src[0..srcSize) at offset (bytes) of fd, or at its
 * current position when offset is -1, at most pieceSize bytes per call.
 * Returns 0, or -1 with errno set (ENOSPC, EFBIG...). */
static int write_pieces(int fd, const uint8_t *src, size_t srcSize, off_t offset, size_t pieceSize)
{
    while (srcSize > 0) {
        size_t piece = srcSize < pieceSize ? srcSize : pieceSize;
        ssize_t n = offset < 0 ? write(fd, src, piece) : pwrite(fd, src, piece, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        src += n;
        srcSize -= (size_t)n;
        if (offset >= 0) {
            offset += n;
        }
    }
    return 0;
}

/* copy_stub: copies the regular file stub_path into fd. */
static int copy_stub(const char *stub_path, int fd, const char *out_name, pf_error *err)
{
    int in = open(stub_path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot read stub '%s': %s", stub_path,
                            strerror(errno));
    }
    int rc = PF_OK;
    uint8_t *buf = NULL;
    struct stat st;
    if (fstat(in, &st) != 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot read stub '%s': %s", stub_path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
        (uint64_t)st.st_size > PFZ_INJECT_MAX_STUB_SIZE) {
        rc = pf_error_set(err, PF_ERR_USAGE,
                          "stub '%s' is not an ELF64 x86-64 executable: pass a pyfreeze stub "
                          "with --stub",
                          stub_path);
        goto done;
    }
    buf = malloc(COPY_CHUNK_SIZE);
    if (buf == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory copying the stub");
        goto done;
    }
    for (;;) {
        ssize_t n = read(in, buf, COPY_CHUNK_SIZE);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = pf_error_set(err, PF_ERR_IO, "cannot read stub '%s': %s", stub_path,
                              strerror(errno));
            goto done;
        }
        if (n == 0) {
            break;
        }
        if (write_pieces(fd, buf, (size_t)n, -1, WRITE_PIECE_SIZE) != 0) {
            rc = pf_error_set(err, PF_ERR_IO, "cannot write '%s': %s", out_name, strerror(errno));
            goto done;
        }
    }
done:
    free(buf);
    close(in);
    return rc;
}

/* not_a_stub: the one message for every way the file is not a usable stub. */
static int not_a_stub(const char *stub_path, const char *why, pf_error *err)
{
    return pf_error_set(err, PF_ERR_USAGE,
                        "stub '%s' is not an ELF64 x86-64 executable (%s): pass a pyfreeze stub "
                        "with --stub",
                        stub_path, why);
}

/* elf_fail: a libelf failure while working on out_name. */
static int elf_fail(const char *what, const char *out_name, pf_error *err)
{
    int saved = errno;
    return pf_error_set(err, PF_ERR_IO, "%s '%s' failed: %s%s%s", what, out_name, elf_errmsg(-1),
                        saved != 0 ? ": " : "", saved != 0 ? strerror(saved) : "");
}

/* add_u64: *sum = a + b, 0 on overflow. */
static int add_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
    return !__builtin_add_overflow(a, b, sum);
}

/* layout_end: the first byte past every existing section's and segment's
 * contents and the ELF and program headers: where new data can go without
 * moving anything the loader or the stub's sections use. Also checks the
 * stub has no PF_SECTION_NAME section yet. */
static int layout_end(Elf *elf, const GElf_Ehdr *ehdr, size_t shstrndx, const char *stub_path,
                      uint64_t *end, pf_error *err)
{
    uint64_t e = ehdr->e_ehsize;
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0 || phnum == 0) {
        return not_a_stub(stub_path, "no program headers", err);
    }
    uint64_t ph_end;
    if (!add_u64(ehdr->e_phoff, (uint64_t)phnum * ehdr->e_phentsize, &ph_end)) {
        return not_a_stub(stub_path, "program header table out of range", err);
    }
    if (ph_end > e) {
        e = ph_end;
    }
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        uint64_t seg_end;
        if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
            !add_u64(ph.p_offset, ph.p_filesz, &seg_end)) {
            return not_a_stub(stub_path, "bad program header", err);
        }
        if (seg_end > e) {
            e = seg_end;
        }
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            return not_a_stub(stub_path, "bad section header", err);
        }
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (name == NULL) {
            return not_a_stub(stub_path, "bad section name", err);
        }
        if (strcmp(name, PF_SECTION_NAME) == 0) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "stub '%s' already has a %s section: it is a frozen program, "
                                "not a stub; pass the pyfreeze-stub executable with --stub",
                                stub_path, PF_SECTION_NAME);
        }
        uint64_t scn_end;
        if (!add_u64(sh.sh_offset, sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size, &scn_end)) {
            return not_a_stub(stub_path, "section out of range", err);
        }
        if (scn_end > e) {
            e = scn_end;
        }
    }
    *end = e;
    return PF_OK;
}

/* in_load_segment: 1 when [offset, offset + size) overlaps a PT_LOAD
 * segment's file bytes. */
static int in_load_segment(Elf *elf, uint64_t offset, uint64_t size)
{
    size_t phnum = 0;
    elf_getphdrnum(elf, &phnum);
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) != NULL && ph.p_type == PT_LOAD &&
            offset < ph.p_offset + ph.p_filesz && ph.p_offset < offset + size) {
            return 1;
        }
    }
    return 0;
}

/* write_headers: translates the size bytes of ELF64 headers of libelf type
 * `type` (ELF_T_SHDR or ELF_T_EHDR) at headers, in memory form, to the
 * file's form (gelf_xlatetof: byte order and layout are libelf's business)
 * and writes them at offset (bytes) of fd. Returns 0, or -1 with errno set
 * (a write failed) or with errno 0 and a libelf error pending. */
static int write_headers(Elf *elf, void *headers, size_t size, Elf_Type type, int fd, off_t offset)
{
    Elf_Data mem = {.d_buf = headers, .d_type = type, .d_size = size, .d_version = EV_CURRENT};
    Elf_Data file = mem;
    errno = 0;
    if (gelf_xlatetof(elf, &file, &mem, ELFDATA2LSB) == NULL) {
        return -1;
    }
    return write_pieces(fd, file.d_buf, file.d_size, offset, PAYLOAD_PIECE_SIZE);
}

/* has_stored_frame: whether payload[0..payloadSize) ends with the stored
 * frame (payload.h); 0 also when its seek table cannot be read. */
static int has_stored_frame(const uint8_t *payload, size_t payloadSize)
{
    pf_seek_table table;
    pf_error err;
    if (pf_seek_table_read(payload, payloadSize, &table, &err) != PF_OK) {
        return 0;
    }
    int stored = pf_frame_is_stored(&table, table.frame_count - 1u);
    pf_seek_table_free(&table);
    return stored;
}

/* add_section: the layout change itself, on a checked stub: writes, from
 * offset end, the section name table with PF_SECTION_NAME appended, the
 * payload and a section header table with the new section last, then the
 * ELF header's e_shoff and e_shnum. Nothing else of the copy is rewritten:
 * elf_update, even with ELF_F_LAYOUT, rewrites the whole file and fills
 * the bytes between the ELF header and a program header table placed
 * further on with zeros. Extended section numbering (more than SHN_LORESERVE
 * sections: e_shnum 0, the count in section 0's sh_size) follows the
 * System V ABI. */
static int add_section(Elf *elf, GElf_Ehdr *ehdr, size_t shstrndx, uint64_t end,
                       const uint8_t *payload, size_t payloadSize, int fd, const char *stub_path,
                       const char *out_name, pf_error *err)
{
    Elf_Scn *strscn = elf_getscn(elf, shstrndx);
    GElf_Shdr strsh;
    if (strscn == NULL || gelf_getshdr(strscn, &strsh) == NULL || strsh.sh_type != SHT_STRTAB) {
        return not_a_stub(stub_path, "no section name table", err);
    }
    if (in_load_segment(elf, strsh.sh_offset, strsh.sh_size)) {
        return not_a_stub(stub_path, "section name table is loaded", err);
    }
    Elf_Data *names = elf_rawdata(strscn, NULL);
    if (names == NULL || names->d_size != strsh.sh_size) {
        return elf_fail("reading section names of", out_name, err);
    }
    size_t oldCount;
    if (elf_getshdrnum(elf, &oldCount) != 0 || oldCount == 0) {
        return not_a_stub(stub_path, "no section headers", err);
    }
    if (strsh.sh_size > UINT32_MAX) {
        return not_a_stub(stub_path, "section name table too big", err);
    }

    static const char name[] = PF_SECTION_NAME; /* with its NUL: a string table entry */
    size_t count = oldCount + 1;
    GElf_Shdr *shdrs = calloc(count, sizeof *shdrs);
    uint8_t *table = malloc(strsh.sh_size + sizeof name);
    int rc = PF_OK;
    if (shdrs == NULL || table == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory adding the payload section");
        goto done;
    }
    for (size_t i = 0; i < oldCount; i++) {
        Elf_Scn *scn = elf_getscn(elf, i);
        if (scn == NULL || gelf_getshdr(scn, &shdrs[i]) == NULL) {
            rc = not_a_stub(stub_path, "bad section header", err);
            goto done;
        }
    }
    memcpy(table, names->d_buf, strsh.sh_size);
    memcpy(table + strsh.sh_size, name, sizeof name);

    GElf_Shdr *str = &shdrs[shstrndx];
    str->sh_offset = end;
    str->sh_size = strsh.sh_size + sizeof name;
    GElf_Shdr *sh = &shdrs[oldCount];
    sh->sh_name = (uint32_t)strsh.sh_size;
    sh->sh_type = SHT_PROGBITS;
    sh->sh_flags = 0; /* not SHF_ALLOC: no segment maps it */
    /* with a stored frame, on a page of the file: its members (payload.h)
     * are then page-aligned in the file, for the runtime to map them; the
     * gap is a hole that reads as zeros */
    uint64_t align = has_stored_frame(payload, payloadSize) ? PF_STORED_ALIGN : 1u;
    sh->sh_offset = (str->sh_offset + str->sh_size + align - 1u) & ~(align - 1u);
    sh->sh_size = payloadSize;
    sh->sh_addralign = align;
    uint64_t shoff = sh->sh_offset + payloadSize;
    shoff = (shoff + SHDR_ALIGN - 1) & ~(uint64_t)(SHDR_ALIGN - 1);
    if (count < SHN_LORESERVE) {
        ehdr->e_shnum = (GElf_Half)count;
    } else {
        ehdr->e_shnum = 0;
        shdrs[0].sh_size = count;
    }
    ehdr->e_shoff = shoff;

    /* zeros between the payload and the table: the output depends only on
     * the input */
    static const uint8_t zeros[SHDR_ALIGN];
    size_t pad = (size_t)(shoff - (sh->sh_offset + payloadSize));
    off_t total = (off_t)(shoff + count * sizeof(Elf64_Shdr));
    if (write_pieces(fd, table, str->sh_size, (off_t)str->sh_offset, WRITE_PIECE_SIZE) != 0 ||
        write_pieces(fd, payload, payloadSize, (off_t)sh->sh_offset, PAYLOAD_PIECE_SIZE) != 0 ||
        write_pieces(fd, zeros, pad, (off_t)(sh->sh_offset + payloadSize), pad + 1) != 0 ||
        ftruncate(fd, total) != 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot write '%s': %s", out_name, strerror(errno));
        goto done;
    }
    Elf64_Ehdr eh = *ehdr;
    if (write_headers(elf, shdrs, count * sizeof *shdrs, ELF_T_SHDR, fd, (off_t)shoff) != 0 ||
        write_headers(elf, &eh, sizeof eh, ELF_T_EHDR, fd, 0) != 0) {
        rc = errno != 0
                 ? pf_error_set(err, PF_ERR_IO, "cannot write '%s': %s", out_name, strerror(errno))
                 : elf_fail("writing the headers of", out_name, err);
    }
done:
    free(table);
    free(shdrs);
    return rc;
}

int pfz_inject(const char *stub_path, const uint8_t *payload, size_t payloadSize, int fd,
               const char *out_name, pf_error *err)
{
    if (payloadSize == 0 || payloadSize > (uint64_t)INT64_MAX) {
        return pf_error_set(err, PF_ERR_USAGE, "payload size %zu is out of range", payloadSize);
    }
    int rc = copy_stub(stub_path, fd, out_name, err);
    if (rc != PF_OK) {
        return rc;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return pf_error_set(err, PF_ERR_IO, "libelf is out of date: %s", elf_errmsg(-1));
    }

    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    if (elf == NULL) {
        return elf_fail("opening", out_name, err);
    }
    GElf_Ehdr ehdr;
    size_t shstrndx;
    uint64_t end = 0;
    if (elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64 ||
        gelf_getehdr(elf, &ehdr) == NULL) {
        rc = not_a_stub(stub_path, "not an ELF64 file", err);
    } else if (ehdr.e_ident[EI_DATA] != ELFDATA2LSB || ehdr.e_machine != EM_X86_64) {
        rc = not_a_stub(stub_path, "not for little-endian x86-64", err);
    } else if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
        rc = not_a_stub(stub_path, "not an executable", err);
    } else if (elf_getshdrstrndx(elf, &shstrndx) != 0 || shstrndx == SHN_UNDEF) {
        rc = not_a_stub(stub_path, "no section headers", err);
    } else {
        rc = layout_end(elf, &ehdr, shstrndx, stub_path, &end, err);
        if (rc == PF_OK) {
            rc = add_section(elf, &ehdr, shstrndx, end, payload, payloadSize, fd, stub_path,
                             out_name, err);
        }
    }
    elf_end(elf);
    return rc;
}
