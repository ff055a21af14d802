#include "walk_fuzz.h"

#include <stdio.h>
#include <string.h>

#include "mmu.h"

#define GENMASK_47_12 0x0000fffffffff000ull

/* Table memory: 64 KiB at 0x4000_0000 (one 64K granule, sixteen 4K ones). */
#define MEM_BASE UINT64_C(0x40000000)
#define MEM_SIZE (64 * 1024)

typedef struct fuzz_mem {
    uint8_t bytes[MEM_SIZE];
} fuzz_mem;

static bool mem_read(void *ctx, uint64_t pa, uint64_t *v)
{
    fuzz_mem *m = ctx;
    if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE - 8)
        return false;
    memcpy(v, m->bytes + (pa - MEM_BASE), 8);
    return true;
}

static bool mem_write(void *ctx, uint64_t pa, uint64_t v)
{
    fuzz_mem *m = ctx;
    if (pa < MEM_BASE || pa - MEM_BASE > MEM_SIZE - 8)
        return false;
    memcpy(m->bytes + (pa - MEM_BASE), &v, 8);
    return true;
}

typedef struct reader {
    const uint8_t *p;
    size_t n, at;
} reader;

static uint64_t take64(reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)(r->n ? r->p[r->at++ % r->n] : 0) << (8 * i);
    return v;
}

/* A plausible CPU half the time (deeper walks), raw bytes otherwise. */
static const uint64_t max_mmfr0 = 0x0000032310201126ull;  /* PARange 52, LPA2 at both stages */
static const uint64_t max_mmfr1 = 0x0000000010212122ull;
static const uint64_t max_mmfr2 = 0x1001000010010000ull;

/* Points a valid-looking descriptor at one of the memory's 4K pages so
 * walks go deep; the other bits stay as fuzzed. */
static uint64_t aim(uint64_t w)
{
    if (!(w & 1) || (w & 0x8000000000000000ull))
        return w;
    uint64_t target = MEM_BASE + ((w >> 16) & 0xf) * 0x1000;
    return (w & ~GENMASK_47_12) | target;
}



static int fail(char *why, size_t len, const char *msg, uint64_t va)
{
    snprintf(why, len, "%s (va 0x%llx)", msg, (unsigned long long)va);
    return -1;
}

static int check_walk(const mmu_walk *w, char *why, size_t len)
{
    uint64_t va = w->access.va;
    if (w->n_reads > 40)
        return fail(why, len, "more than 40 descriptor reads", va);
    for (unsigned i = 0; i < w->n_reads; i++) {
        const mmu_desc_read *r = &w->reads[i];
        if (r->level < -1 || r->level > 3 || (r->stage != 1 && r->stage != 2))
            return fail(why, len, "descriptor read with an impossible stage/level", va);
        if (r->stage == 1 && !w->s2_enabled && r->ipa != r->pa)
            return fail(why, len, "stage-1 read with ipa != pa without stage 2", va);
    }
    const mmu_fault *f = &w->fault;
    if (f->type != MMU_FAULT_NONE) {
        if (f->stage != 1 && f->stage != 2)
            return fail(why, len, "fault without a stage", va);
        if (f->level < -1 || f->level > 3)
            return fail(why, len, "fault level outside -1..3", va);
        if ((f->type == MMU_FAULT_ACCESS_FLAG || f->type == MMU_FAULT_PERMISSION) && f->level < 0)
            return fail(why, len, "access flag/permission fault at level -1", va);
        if (f->s1ptw && f->stage != 2)
            return fail(why, len, "S1PTW on a stage-1 fault", va);
        if (f->stage == 2 && !f->ipa_valid)
            return fail(why, len, "stage-2 fault without an IPA", va);
        uint8_t fsc = mmu_fsc(f);
        if (fsc == 0 && !(f->type == MMU_FAULT_ADDRESS_SIZE && f->level == 0))
            return fail(why, len, "fault encodes as FSC 0", va);
        return 0;
    }
    const mmu_result *res = &w->result;
    if (res->pa >> 52)
        return fail(why, len, "output address above 52 bits", va);
    if (!w->s2_enabled && res->pa != res->ipa)
        return fail(why, len, "pa != ipa without stage 2", va);
    return 0;
}

int walk_fuzz_one(const uint8_t *data, size_t size, char *why, size_t whylen)
{
    static fuzz_mem mem;
    reader r = {data, size, 0};
    if (size < 16)
        return 0;

    for (size_t i = 0; i < MEM_SIZE; i += 8) {
        uint64_t w = aim(take64(&r));
        memcpy(mem.bytes + i, &w, 8);
    }
    mmu_port port = {&mem, mem_read, mem_write};
    mmu_cpu cpu;
    mmu_cpu_init(&cpu, &port);
    bool plausible = data[0] & 1;
    for (int reg = 0; reg < MMU_REG_COUNT; reg++) {
        uint64_t v = take64(&r);
        if (plausible && reg == MMU_ID_AA64MMFR0_EL1)
            v = max_mmfr0;
        else if (plausible && reg == MMU_ID_AA64MMFR1_EL1)
            v = max_mmfr1;
        else if (plausible && reg == MMU_ID_AA64MMFR2_EL1)
            v = max_mmfr2;
        else if (plausible && (reg == MMU_TTBR0_EL1 || reg == MMU_TTBR1_EL1 || reg == MMU_TTBR0_EL2 ||
                               reg == MMU_TTBR1_EL2 || reg == MMU_VTTBR_EL2))
            v = (v & 0xffff000000000000ull) | (MEM_BASE + (v & 0xf000));
        mmu_cpu_set_reg(&cpu, (mmu_reg)reg, v);
    }

    for (int i = 0; i < 8; i++) {
        uint64_t va = take64(&r), how = take64(&r);
        mmu_access acc = {
            .va = va,
            .kind = (mmu_access_kind)(how % 3),
            .el = (uint8_t)((how >> 2) % 3),
            .unpriv = (how >> 4) & 1,
            .pan = (how >> 5) & 1,
            .s1_only = (how >> 6) & 1,
        };
        mmu_walk w;
        bool ok = mmu_walk_translate(&cpu, &acc, &w);
        if (ok != (w.fault.type == MMU_FAULT_NONE))
            return fail(why, whylen, "return value disagrees with the fault record", va);
        if (check_walk(&w, why, whylen))
            return -1;
        if (ok) {
            /* The translation is stable: with hardware updates done, the
             * same access translates the same way and passes the cached
             * permission check. */
            mmu_walk again;
            acc.no_update = true;
            if (!mmu_walk_translate(&cpu, &acc, &again) || again.result.pa != w.result.pa)
                return fail(why, whylen, "a successful translation is not repeatable", va);
            mmu_result res = w.result;
            mmu_fault pf = mmu_check_permissions(&cpu, w.regime, w.s2_enabled && !acc.s1_only, &acc, &res);
            if (pf.type != MMU_FAULT_NONE)
                return fail(why, whylen, "the permission re-check refuses what the walk allowed", va);
        }
    }
    return 0;
}
