/* ELF and raw image loading: see loader.h. */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file into a malloc'd buffer. */
static int read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= LOADER_MAX_FILE) {
                snprintf(err, errlen, "%s: larger than %" PRIu64 " bytes", path, LOADER_MAX_FILE);
                goto fail;
            }
            cap = cap ? 2 * cap : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    *data = buf;
    *size = len;
    return 0;
fail:
    free(buf);
    fclose(f);
    return -1;
}

static int check_header(const char *name, const Elf64_Ehdr *eh, size_t size, char *err,
                        size_t errlen)
{
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
        snprintf(err, errlen, "%s: not an ELF file", name);
        return -1;
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: not a little-endian ELF64 file", name);
        return -1;
    }
    if (eh->e_machine != EM_AARCH64) {
        snprintf(err, errlen, "%s: ELF machine %u is not AArch64 (%u)", name, eh->e_machine,
                 EM_AARCH64);
        return -1;
    }
    if (eh->e_type != ET_EXEC) {
        snprintf(err, errlen, "%s: ELF type %u is not an executable (ET_EXEC)", name, eh->e_type);
        return -1;
    }
    if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff) {
        snprintf(err, errlen, "%s: program header table missing or truncated", name);
        return -1;
    }
    return 0;
}

int loader_load_elf_bytes(physmem *pm, const char *name, const uint8_t *data, size_t size,
                          uint64_t *entry, char *err, size_t errlen)
{
    Elf64_Ehdr eh;
    memcpy(&eh, data, size < sizeof eh ? size : sizeof eh);
    if (check_header(name, &eh, size, err, errlen))
        return -1;
    int loaded = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, data + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
            snprintf(err, errlen, "%s: segment %u: file bytes [0x%" PRIx64 ", +0x%" PRIx64
                     ") outside the file or larger than its memory size",
                     name, i, (uint64_t)ph.p_offset, (uint64_t)ph.p_filesz);
            return -1;
        }
        uint8_t *dst = physmem_ram(pm, ph.p_paddr, ph.p_memsz);
        if (!dst) {
            snprintf(err, errlen, "%s: segment %u: [0x%" PRIx64 ", 0x%" PRIx64
                     ") is not inside one RAM region",
                     name, i, (uint64_t)ph.p_paddr, (uint64_t)(ph.p_paddr + ph.p_memsz));
            return -1;
        }
        memcpy(dst, data + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        loaded++;
    }
    if (!loaded) {
        snprintf(err, errlen, "%s: no loadable segment", name);
        return -1;
    }
    *entry = eh.e_entry;
    return 0;
}

int loader_load_elf(physmem *pm, const char *path, uint64_t *entry, char *err, size_t errlen)
{
    uint8_t *data;
    size_t size;
    if (read_file(path, &data, &size, err, errlen))
        return -1;
    int rc = loader_load_elf_bytes(pm, path, data, size, entry, err, errlen);
    free(data);
    return rc;
}

int loader_load_raw(physmem *pm, const char *path, uint64_t pa, char *err, size_t errlen)
{
    uint8_t *data;
    size_t size;
    if (read_file(path, &data, &size, err, errlen))
        return -1;
    int rc = 0;
    if (!physmem_write(pm, pa, data, size)) {
        snprintf(err, errlen, "%s: %zu bytes at 0x%" PRIx64 " do not fit inside one RAM region",
                 path, size, pa);
        rc = -1;
    }
    free(data);
    return rc;
}
