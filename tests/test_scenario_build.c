/* Scenarios set up the CPU and build their declared page tables: the
 * shipped configs/default.json, with the control registers its guest
 * programs, translates as the architecture says for LPA2 under stage 2
 * (walks from level -1, 52-bit IPA and PA, the two faults the guest takes);
 * the other shipped scenarios load and build too. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "memory.h"
#include "scenario.h"
#include "sysreg.h"

static const char *source_dir(void)
{
    const char *d = getenv("MMUSIM_SOURCE_DIR");
    return d ? d : MMUSIM_SOURCE_DIR;
}

/* Loads configs/<name>, gives it RAM, sets the CPU up. */
static int load(const char *name, scenario *s, testmem *mem, mmu_cpu *cpu)
{
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/configs/%s", source_dir(), name);
    if (scenario_load(s, path, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    testmem_init(mem);
    for (size_t i = 0; i < s->n_regions; i++)
        testmem_add(mem, s->regions[i].base, s->regions[i].size);
    mmu_port port = testmem_port(mem);
    mmu_cpu_init(cpu, &port);
    if (scenario_setup_cpu(s, cpu, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static bool walk(mmu_cpu *cpu, uint64_t va, mmu_access_kind kind, uint8_t el, mmu_walk *w)
{
    mmu_access a = {.va = va, .kind = kind, .el = el};
    return mmu_walk_translate(cpu, &a, w);
}

static void test_default(void)
{
    scenario s;
    testmem mem;
    mmu_cpu cpu;
    check_context = "default.json";
    int rc = load("default.json", &s, &mem, &cpu);
    CHECK_EQ(rc, 0);
    if (rc) {
        scenario_free(&s);
        return;
    }
    /* The "max" preset: LPA2 at both stages. */
    CHECK(cpu.feat.s1_lpa2[0] && cpu.feat.s2_lpa2[0] && cpu.feat.pa_bits == 52);
    /* Roots from the builder, in their table memory, with the scenario's
     * ASID / VMID kept in [63:48]. Tables below 2^48: BADDR[5:2] (PA[51:48])
     * is zero. */
    uint64_t ttbr = mmu_cpu_get_reg(&cpu, MMU_TTBR0_EL1), vttbr = mmu_cpu_get_reg(&cpu, MMU_VTTBR_EL2);
    CHECK_EQ(FIELD_GET(TTBR_ASID, ttbr), 1);
    CHECK_EQ(FIELD_GET(TTBR_ASID, vttbr), 1);
    uint64_t s1_root = ttbr & GENMASK64(47, 6), s2_root = vttbr & GENMASK64(47, 6);
    CHECK(s1_root >= 0x40400000 && s1_root < 0x40500000);
    CHECK(s2_root >= 0x40600000 && s2_root < 0x40700000);
    /* 16 concatenated 4K tables: 64 KiB, aligned to their size. */
    CHECK_EQ(s2_root & 0xFFFF, 0);

    /* What configs/guests/default.S programs before its accesses. */
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, UINT64_C(0x1800E358C));
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, (UINT64_C(1) << 31) | 1);
    mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, 0x04FF);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, UINT64_C(0x080000060080350C));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, 0x30D01805);

    mmu_walk w;
    /* 1. The 52-bit VA: stage 1 from level -1 (4K, 52-bit IA: IA[51:48]
     * indexes level -1), index VA[51:48] = 15; stage 2 from level 0; IPA
     * 0x0008_..., PA 0x000f_... */
    bool ok = walk(&cpu, UINT64_C(0x000f000000000000), MMU_ACC_WRITE, 1, &w);
    CHECK(ok);
    CHECK_EQ(w.s1_start_level, -1);
    CHECK_EQ(w.s2_start_level, 0);
    CHECK(w.s1_ds && w.s2_ds);
    CHECK_EQ(w.asid, 1);
    CHECK_EQ(w.vmid, 1);
    CHECK_EQ(w.result.ipa, UINT64_C(0x0008000000000000));
    CHECK_EQ(w.result.pa, UINT64_C(0x000f000000000000));
    CHECK(w.result.w && !w.result.x);
    /* The first stage-1 read is at level -1, entry 15 of the root, and its
     * address went through stage 2 first (the table IPA is identity-mapped). */
    const mmu_desc_read *first_s1 = NULL;
    for (unsigned i = 0; i < w.n_reads && !first_s1; i++)
        if (w.reads[i].stage == 1)
            first_s1 = &w.reads[i];
    CHECK(first_s1 != NULL);
    if (first_s1) {
        CHECK_EQ(first_s1->level, -1);
        CHECK_EQ(first_s1->index, 15);
        CHECK_EQ(first_s1->table, s1_root);
        CHECK_EQ(first_s1->pa, s1_root + 15 * 8);
    }
    CHECK_EQ(w.reads[0].stage, 2);
    CHECK_EQ(w.reads[0].for_s1_level, -1);
    /* 2 MiB at stage 1 and stage 2 (level-2 blocks). */
    CHECK_EQ(w.result.s1_size_shift, 21);
    CHECK_EQ(w.result.s2_size_shift, 21);

    /* 2. VA 0x0001_0000_0000_0000: level -1 entry 1 is invalid: stage-1
     * Translation fault at level -1, DFSC 0x2B (EncodeLDFSC). */
    ok = walk(&cpu, UINT64_C(0x0001000000000000), MMU_ACC_READ, 1, &w);
    CHECK(!ok);
    CHECK_EQ(w.fault.type, MMU_FAULT_TRANSLATION);
    CHECK_EQ(w.fault.stage, 1);
    CHECK_EQ(w.fault.level, -1);
    CHECK_EQ(mmu_fsc(&w.fault), 0x2B);

    /* 3. VA 0x5000_0000 -> IPA 0x5000_0000, which stage 2 leaves unmapped:
     * L0[0] and L1[1] are tables (0x4000_0000 is mapped), L2[128] is
     * invalid: stage-2 Translation fault at level 2, not on a stage-1 walk. */
    ok = walk(&cpu, UINT64_C(0x50000000), MMU_ACC_READ, 1, &w);
    CHECK(!ok);
    CHECK_EQ(w.fault.type, MMU_FAULT_TRANSLATION);
    CHECK_EQ(w.fault.stage, 2);
    CHECK_EQ(w.fault.level, 2);
    CHECK(!w.fault.s1ptw);
    CHECK(w.fault.ipa_valid);
    CHECK_EQ(w.fault.ipa, 0x50000000);
    CHECK_EQ(mmu_hpfar(w.fault.ipa), 0x500000);

    /* 4. The UART: Device-nGnRE at both stages (MAIR Attr1 = 0x04, S2
     * MemAttr 0b0001), never executable. */
    ok = walk(&cpu, UINT64_C(0x09000000), MMU_ACC_WRITE, 1, &w);
    CHECK(ok);
    CHECK_EQ(w.result.pa, 0x09000000);
    CHECK_EQ(w.result.attr.attr, 0x04);
    CHECK(!w.result.x);

    /* 5. The guest's code, executable at EL1. */
    ok = walk(&cpu, UINT64_C(0x40100000), MMU_ACC_FETCH, 1, &w);
    CHECK(ok);
    CHECK_EQ(w.result.pa, 0x40100000);
    CHECK(w.result.x);

    testmem_free(&mem);
    scenario_free(&s);
}

/* Every shipped scenario loads, builds and names an image that exists in
 * the source tree (as a .S) or the build. */
static void test_all_configs(void)
{
    static const char *const names[] = {"default.json", "lpa-64k.json", "v8.0-4k.json", "lpa2-16k-s2.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        scenario s;
        testmem mem;
        mmu_cpu cpu;
        check_context = names[i];
        CHECK_EQ(load(names[i], &s, &mem, &cpu), 0);
        CHECK(s.n_images >= 1);
        testmem_free(&mem);
        scenario_free(&s);
    }
}

/* configs/lpa-64k.json: the "lpa" CPU (52-bit only with 64K): stage 1 64K
 * with FEAT_LVA (52-bit VA, start level 1) and FEAT_LPA (OA[51:48] in
 * desc[15:12]); entered at EL1 with the MMU already on. */
static void test_lpa_64k(void)
{
    scenario s;
    testmem mem;
    mmu_cpu cpu;
    check_context = "lpa-64k.json";
    int rc = load("lpa-64k.json", &s, &mem, &cpu);
    CHECK_EQ(rc, 0);
    if (rc) {
        scenario_free(&s);
        return;
    }
    CHECK(cpu.feat.lpa && cpu.feat.lva && !cpu.feat.s1_lpa2[0]);
    mmu_walk w;
    bool ok = walk(&cpu, UINT64_C(0x000f000000010000), MMU_ACC_READ, 1, &w);
    CHECK(ok);
    CHECK_EQ(w.s1_granule, MMU_GRANULE_64K);
    CHECK_EQ(w.s1_start_level, 1);
    CHECK_EQ(w.result.pa, UINT64_C(0x000e000000010000));
    /* The leaf holds OA[51:48] = 0xe in bits [15:12]. */
    const mmu_desc_read *leaf = &w.reads[w.n_reads - 1];
    CHECK_EQ(FIELD_GET(GENMASK64(15, 12), leaf->value), 0xe);
    testmem_free(&mem);
    scenario_free(&s);
}

TEST_MAIN(TEST(test_default), TEST(test_all_configs), TEST(test_lpa_64k))
