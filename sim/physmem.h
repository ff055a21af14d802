/* Guest physical memory: RAM regions anywhere in the 52-bit PA space
 * (sparse; regions above 2^48 work like any other), backed by host memory
 * that is also mapped into Unicorn, so the engine's descriptor reads and
 * the guest's own accesses see the same bytes. Devices (the UART) are
 * Unicorn MMIO regions registered here too, so "is anything at this PA?"
 * has one answer. */
#ifndef MMUSIM_PHYSMEM_H
#define MMUSIM_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "mmu.h"

#define PHYSMEM_MAX_REGIONS 32
/* The top of the physical address space: 52 bits (FEAT_LPA / FEAT_LPA2). */
#define PHYSMEM_PA_LIMIT (UINT64_C(1) << 52)
/* Regions are aligned and sized in 4 KiB units (the smallest granule). */
#define PHYSMEM_ALIGN UINT64_C(0x1000)

typedef enum physmem_kind {
    PHYSMEM_RAM = 0,
    PHYSMEM_DEVICE = 1,   /* MMIO: accesses go to callbacks, never to the port */
} physmem_kind;

typedef struct physmem_region {
    uint64_t base, size;
    physmem_kind kind;
    uint8_t *host;        /* RAM only: host copy of the bytes */
    char name[32];
} physmem_region;

typedef struct physmem {
    uc_engine *uc;
    physmem_region region[PHYSMEM_MAX_REGIONS];
    int n;
    int last;             /* index of the region found last (lookup cache) */
} physmem;

void physmem_init(physmem *pm, uc_engine *uc);
/* Unmaps nothing (Unicorn is closed separately) but frees the host memory. */
void physmem_free(physmem *pm);
/* Adds zeroed RAM at [base, base+size). 0 on success; -1 with a message
 * naming the region when it is misaligned, empty, beyond 52 bits, overlaps
 * another region or cannot be allocated. */
int physmem_add_ram(physmem *pm, const char *name, uint64_t base, uint64_t size, char *err,
                    size_t errlen);
/* Registers a device region (already or about to be mapped as Unicorn MMIO
 * by the device itself). Same checks as physmem_add_ram. */
int physmem_add_device(physmem *pm, const char *name, uint64_t base, uint64_t size, char *err,
                       size_t errlen);
/* The region holding pa, or NULL. */
const physmem_region *physmem_find(physmem *pm, uint64_t pa);
/* Host pointer to len bytes of RAM at pa (all inside one RAM region), or NULL. */
uint8_t *physmem_ram(physmem *pm, uint64_t pa, uint64_t len);
/* Copies bytes from/to RAM; false when [pa, pa+len) is not all RAM. */
bool physmem_read(physmem *pm, uint64_t pa, void *buf, uint64_t len);
bool physmem_write(physmem *pm, uint64_t pa, const void *buf, uint64_t len);
/* The engine's view: little-endian 64-bit descriptor reads and writes. */
mmu_port physmem_port(physmem *pm);

#endif
