/* A small machine for the TLB and AT tests: RAM at 0x4000_0000, a CPU with
 * LPA2, 16-bit ASIDs/VMIDs, HAFDBS and PAN, the MMU and caches on
 * (SCTLR_EL1.{M, C, I}), stage-1 tables for EL1&0
 * (4K granule, 48-bit VA, or 52-bit with DS) and optionally a stage 2
 * (4K, 40-bit IPA, level 1) mapping IPA = PA over all RAM. Header-only:
 * each test includes it once. */
#ifndef MMUSIM_TLB_ENV_H
#define MMUSIM_TLB_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "memory.h"
#include "mmu.h"
#include "sysreg.h"
#include "tlb.h"
#include "tlbi.h"

#define ENV_RAM UINT64_C(0x40000000)
#define ENV_RAM_SIZE (UINT64_C(64) << 20)
#define ENV_TABLES (ENV_RAM + (UINT64_C(48) << 20)) /* last 16 MiB: tables */

/* Stage-1 leaf: AF, Normal memory (AttrIndx 0), EL1 read/write. */
#define S1_RW DESC_AF
/* Stage-2 leaf: AF, S2AP read/write, Normal WB (MemAttr 0b1111). */
#define S2_RW (DESC_AF | DESC_S2AP_R | DESC_S2AP_W | FIELD_PREP(DESC_S2_MEMATTR, 0xf))

typedef struct tlb_env {
    testmem mem;
    mmu_port port;
    mmu_cpu cpu;
    mmu_builder s1, s2;
    mmu_tlb tlb;
    bool ds, stage2;
    uint16_t asid, vmid;
} tlb_env;

static inline void env_fail(const char *what, const char *err)
{
    fprintf(stderr, "test setup: %s: %s\n", what, err);
    exit(1);
}

static inline void env_set_asid(tlb_env *e, uint16_t asid)
{
    e->asid = asid;
    mmu_cpu_set_reg(&e->cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&e->s1) | (uint64_t)asid << 48);
}

static inline void env_set_vmid(tlb_env *e, uint16_t vmid)
{
    e->vmid = vmid;
    mmu_cpu_set_reg(&e->cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&e->s2) | (uint64_t)vmid << 48);
}

static inline void env_init(tlb_env *e, bool ds, bool stage2, const mmu_tlb_config *cfg)
{
    char err[200];
    memset(e, 0, sizeof *e);
    e->ds = ds;
    e->stage2 = stage2;
    testmem_init(&e->mem);
    testmem_add(&e->mem, ENV_RAM, ENV_RAM_SIZE);
    testmem_alloc_from(&e->mem, ENV_TABLES, ENV_RAM + ENV_RAM_SIZE - ENV_TABLES);
    e->port = testmem_port(&e->mem);
    mmu_pt_alloc alloc = testmem_allocator(&e->mem);

    mmu_cpu_init(&e->cpu, &e->port);
    /* PARange 52, 16-bit ASIDs, TGran4 = LPA2, TGran16 = LPA2, 64K, stage-2
     * granules as stage 1; HAFDBS AF+dirty, 16-bit VMIDs, PAN; TTL hints. */
    mmu_cpu_set_reg(&e->cpu, MMU_ID_AA64MMFR0_EL1,
                    FIELD_PREP(MMFR0_PARANGE, 6) | FIELD_PREP(MMFR0_ASIDBITS, 2) |
                        FIELD_PREP(MMFR0_TGRAN4, 1) | FIELD_PREP(MMFR0_TGRAN16, 2));
    mmu_cpu_set_reg(&e->cpu, MMU_ID_AA64MMFR1_EL1,
                    FIELD_PREP(MMFR1_HAFDBS, 2) | FIELD_PREP(MMFR1_VMIDBITS, 2) | FIELD_PREP(MMFR1_PAN, 1));
    mmu_cpu_set_reg(&e->cpu, MMU_ID_AA64MMFR2_EL1, FIELD_PREP(MMFR2_TTL, 1));
    mmu_cpu_set_reg(&e->cpu, MMU_ID_AA64ISAR0_EL1, FIELD_PREP(ISAR0_TLB, 2));

    unsigned va_bits = ds ? 52 : 48;
    mmu_pt_format f1 = {.stage = 1, .granule = MMU_GRANULE_4K, .ds = ds, .ia_bits = (uint8_t)va_bits,
                        .start_level = MMU_NO_LEVEL};
    if (mmu_pt_init(&e->s1, &f1, &e->port, &alloc, err, sizeof err))
        env_fail("stage-1 tables", err);
    mmu_cpu_set_reg(&e->cpu, MMU_MAIR_EL1, 0xff);
    mmu_cpu_set_reg(&e->cpu, MMU_TCR_EL1,
                    FIELD_PREP(TCR_T0SZ, 64 - va_bits) | TCR_EPD1 | FIELD_PREP(TCR_SH0, 3) |
                        FIELD_PREP(TCR_IPS, 6) | TCR_AS | TCR_HA | TCR_HD | (ds ? TCR_DS : 0));
    env_set_asid(e, 5);
    mmu_cpu_set_reg(&e->cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);

    if (stage2) {
        mmu_pt_format f2 = {.stage = 2, .granule = MMU_GRANULE_4K, .ia_bits = 40, .start_level = 1};
        if (mmu_pt_init(&e->s2, &f2, &e->port, &alloc, err, sizeof err))
            env_fail("stage-2 tables", err);
        if (mmu_pt_map(&e->s2, ENV_RAM, ENV_RAM, ENV_RAM_SIZE, S2_RW, MMU_MAP_PAGES_ONLY, err, sizeof err))
            env_fail("stage-2 map", err);
        /* T0SZ 24 (40-bit IPA), SL0 = 1 (level 1), 4K, PS 40 bits, 16-bit VMID. */
        mmu_cpu_set_reg(&e->cpu, MMU_VTCR_EL2,
                        FIELD_PREP(VTCR_T0SZ, 24) | FIELD_PREP(VTCR_SL0, 1) | FIELD_PREP(VTCR_SH0, 3) |
                            FIELD_PREP(VTCR_PS, 2) | VTCR_VS | VTCR_HA);
        env_set_vmid(e, 1);
        mmu_cpu_set_reg(&e->cpu, MMU_HCR_EL2, HCR_VM | HCR_RW);
    } else {
        mmu_cpu_set_reg(&e->cpu, MMU_HCR_EL2, HCR_RW);
    }
    if (mmu_tlb_init(&e->tlb, cfg, err, sizeof err))
        env_fail("tlb", err);
}

static inline void env_free(tlb_env *e)
{
    mmu_tlb_free(&e->tlb);
    testmem_free(&e->mem);
}

static inline void env_map(tlb_env *e, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags)
{
    char err[200];
    if (mmu_pt_map(&e->s1, va, pa, size, attrs, flags, err, sizeof err))
        env_fail("stage-1 map", err);
}

static inline void env_map_s2(tlb_env *e, uint64_t ipa, uint64_t pa, uint64_t size)
{
    char err[200];
    if (mmu_pt_map(&e->s2, ipa, pa, size, S2_RW, MMU_MAP_PAGES_ONLY, err, sizeof err))
        env_fail("stage-2 map", err);
}

/* Translates a read (or `kind`) at EL1 through the TLB; returns the PA, or
 * ~0 on a fault. *walked tells whether the tables were walked. */
static inline uint64_t env_access(tlb_env *e, uint64_t va, mmu_access_kind kind, bool *walked)
{
    static mmu_walk w;
    mmu_access acc = {.va = va, .kind = kind, .el = 1};
    bool ok = mmu_tlb_translate(&e->cpu, &e->tlb, &acc, &w, walked);
    return ok ? w.result.pa : ~UINT64_C(0);
}

static inline uint64_t env_read(tlb_env *e, uint64_t va, bool *walked)
{
    return env_access(e, va, MMU_ACC_READ, walked);
}

/* Decodes and applies TLBI `name` with operand xt in the CPU's context. */
static inline void env_tlbi(tlb_env *e, const char *name, uint64_t xt)
{
    bool nxs;
    char err[200];
    mmu_tlbi_ctx ctx;
    mmu_tlbi t;
    const mmu_tlbi_op *op = mmu_tlbi_op_by_name(name, &nxs);
    if (!op)
        env_fail("tlbi", name);
    mmu_tlbi_context(&e->cpu, &ctx);
    if (mmu_tlbi_decode(op, nxs, xt, &ctx, &t, err, sizeof err))
        env_fail("tlbi", err);
    mmu_tlb_invalidate(&e->tlb, &t);
}

static inline mmu_tlb_config env_unbounded(unsigned walk_entries)
{
    mmu_tlb_config c = {.mode = MMU_TLB_UNBOUNDED, .entries = 64, .ways = 4,
                        .walk_entries = walk_entries, .walk_ways = 4};
    return c;
}

#endif
