/* Loading guest images into physical memory: ELF64 AArch64 executables
 * (each PT_LOAD segment at its physical address p_paddr, the bytes past
 * p_filesz zeroed, as QEMU's -kernel does for an ELF) and raw images at a
 * given address. Source: System V ABI / ELF-64 Object File Format 1.5
 * (header, program headers); AArch64 ELF ABI (EM_AARCH64 = 183). */
#ifndef MMUSIM_LOADER_H
#define MMUSIM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "physmem.h"

/* Largest image file accepted. */
#define LOADER_MAX_FILE (UINT64_C(1) << 30)

/* Loads the ELF at path; *entry receives e_entry. 0, or -1 with a message
 * naming the file and the problem (not an ELF, wrong class or machine,
 * truncated, a segment outside RAM...). */
int loader_load_elf(physmem *pm, const char *path, uint64_t *entry, char *err, size_t errlen);
/* Loads the ELF image held in memory (name is used in messages). */
int loader_load_elf_bytes(physmem *pm, const char *name, const uint8_t *data, size_t size,
                          uint64_t *entry, char *err, size_t errlen);
/* Loads the whole file at path to [pa, pa + size). */
int loader_load_raw(physmem *pm, const char *path, uint64_t pa, char *err, size_t errlen);

#endif
