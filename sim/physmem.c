/* Guest physical memory: see physmem.h. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "physmem.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Largest single RAM region: host memory is reserved lazily (MAP_NORESERVE)
 * but Unicorn still tracks the whole range. */
#define PHYSMEM_MAX_RAM (UINT64_C(16) << 30)

void physmem_init(physmem *pm, uc_engine *uc)
{
    memset(pm, 0, sizeof *pm);
    pm->uc = uc;
}

void physmem_free(physmem *pm)
{
    for (int i = 0; i < pm->n; i++)
        if (pm->region[i].host)
            munmap(pm->region[i].host, pm->region[i].size);
    pm->n = 0;
}

static int check_new_region(const physmem *pm, const char *name, uint64_t base, uint64_t size,
                            char *err, size_t errlen)
{
    if (pm->n == PHYSMEM_MAX_REGIONS) {
        snprintf(err, errlen, "memory region '%s': more than %d regions", name,
                 PHYSMEM_MAX_REGIONS);
        return -1;
    }
    if (size == 0 || (base | size) % PHYSMEM_ALIGN) {
        snprintf(err, errlen,
                 "memory region '%s': base 0x%" PRIx64 " and size 0x%" PRIx64
                 " must be non-zero multiples of 4 KiB",
                 name, base, size);
        return -1;
    }
    if (base >= PHYSMEM_PA_LIMIT || size > PHYSMEM_PA_LIMIT - base) {
        snprintf(err, errlen,
                 "memory region '%s': [0x%" PRIx64 ", +0x%" PRIx64 ") goes beyond the 52-bit "
                 "physical address space",
                 name, base, size);
        return -1;
    }
    for (int i = 0; i < pm->n; i++) {
        const physmem_region *r = &pm->region[i];
        if (base < r->base + r->size && r->base < base + size) {
            snprintf(err, errlen,
                     "memory region '%s' [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps '%s' [0x%" PRIx64
                     ", 0x%" PRIx64 ")",
                     name, base, base + size, r->name, r->base, r->base + r->size);
            return -1;
        }
    }
    return 0;
}

static void record_region(physmem *pm, const char *name, uint64_t base, uint64_t size,
                          physmem_kind kind, uint8_t *host)
{
    physmem_region *r = &pm->region[pm->n++];
    r->base = base;
    r->size = size;
    r->kind = kind;
    r->host = host;
    snprintf(r->name, sizeof r->name, "%s", name);
}

int physmem_add_ram(physmem *pm, const char *name, uint64_t base, uint64_t size, char *err,
                    size_t errlen)
{
    if (check_new_region(pm, name, base, size, err, errlen))
        return -1;
    if (size > PHYSMEM_MAX_RAM) {
        snprintf(err, errlen, "memory region '%s': size 0x%" PRIx64 " is above the 16 GiB limit",
                 name, size);
        return -1;
    }
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (host == MAP_FAILED) {
        snprintf(err, errlen, "memory region '%s': cannot allocate 0x%" PRIx64 " bytes", name,
                 size);
        return -1;
    }
    uc_err e = uc_mem_map_ptr(pm->uc, base, size, UC_PROT_ALL, host);
    if (e != UC_ERR_OK) {
        munmap(host, size);
        snprintf(err, errlen, "memory region '%s' at 0x%" PRIx64 ": Unicorn refused it: %s", name,
                 base, uc_strerror(e));
        return -1;
    }
    record_region(pm, name, base, size, PHYSMEM_RAM, host);
    return 0;
}

int physmem_add_device(physmem *pm, const char *name, uint64_t base, uint64_t size, char *err,
                       size_t errlen)
{
    if (check_new_region(pm, name, base, size, err, errlen))
        return -1;
    record_region(pm, name, base, size, PHYSMEM_DEVICE, NULL);
    return 0;
}

const physmem_region *physmem_find(physmem *pm, uint64_t pa)
{
    const physmem_region *r = &pm->region[pm->last];
    if (pm->n && pa - r->base < r->size)
        return r;
    for (int i = 0; i < pm->n; i++) {
        r = &pm->region[i];
        if (pa - r->base < r->size) {
            pm->last = i;
            return r;
        }
    }
    return NULL;
}

uint8_t *physmem_ram(physmem *pm, uint64_t pa, uint64_t len)
{
    const physmem_region *r = physmem_find(pm, pa);
    if (!r || r->kind != PHYSMEM_RAM || len > r->size - (pa - r->base))
        return NULL;
    return r->host + (pa - r->base);
}

bool physmem_read(physmem *pm, uint64_t pa, void *buf, uint64_t len)
{
    uint8_t *p = physmem_ram(pm, pa, len);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}

bool physmem_write(physmem *pm, uint64_t pa, const void *buf, uint64_t len)
{
    uint8_t *p = physmem_ram(pm, pa, len);
    if (!p)
        return false;
    memcpy(p, buf, len);
    return true;
}

/* Descriptors are little-endian (SCTLR_ELx.EE = 0); the host is assumed
 * little-endian too, as Unicorn's AArch64 target is. */
static bool port_read64(void *ctx, uint64_t pa, uint64_t *value)
{
    return physmem_read(ctx, pa, value, sizeof *value);
}

static bool port_write64(void *ctx, uint64_t pa, uint64_t value)
{
    return physmem_write(ctx, pa, &value, sizeof value);
}

mmu_port physmem_port(physmem *pm)
{
    return (mmu_port){.ctx = pm, .read64 = port_read64, .write64 = port_write64};
}
