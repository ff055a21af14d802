/* The TLB model seen through translation: tables built with the builder,
 * accesses through mmu_tlb_translate, page tables changed behind the TLB's
 * back, and TLBIs that must (or must not) make the change visible.
 * Expected outcomes follow DDI0487 D8.13 and the semantics in mmu/tlb.h. */
#include "check.h"
#include "tlb_env.h"

#define VA0 UINT64_C(0x10000000)
#define PA_OLD (ENV_RAM + 0x100000)
#define PA_NEW (ENV_RAM + 0x800000)
#define PG UINT64_C(0x1000)

static uint64_t va_xt(uint64_t va, uint16_t asid) { return (uint64_t)asid << 48 | (va >> 12); }

/* Range operand for 4K pages: TG=1. */
static uint64_t range_xt(uint64_t start, bool ds, unsigned scale, unsigned num, unsigned ttl, uint16_t asid)
{
    return (uint64_t)asid << 48 | FIELD_PREP(TLBI_R_TG, 1) | FIELD_PREP(TLBI_R_SCALE, scale) |
           FIELD_PREP(TLBI_R_NUM, num) | FIELD_PREP(TLBI_R_TTL, ttl) | (start >> (ds ? 16 : 12));
}

static void test_stale_until_right_tlbi(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    CHECK_EQ(env_read(&e, VA0 + 0x10, &walked), PA_OLD + 0x10);
    CHECK(walked);
    CHECK_EQ(env_read(&e, VA0 + 0x20, &walked), PA_OLD + 0x20);
    CHECK(!walked);

    env_map(&e, VA0, PA_NEW, PG, S1_RW | DESC_NG, 0); /* no TLBI yet */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(!walked);
    env_tlbi(&e, "vae1is", va_xt(VA0, 6));        /* another ASID */
    env_tlbi(&e, "vae1is", va_xt(VA0 + PG, 5));   /* another page */
    env_tlbi(&e, "vae1is", va_xt(VA0 - PG, 5));   /* the page before */
    env_tlbi(&e, "ipas2e1is", VA0 >> 12);          /* stage 2 only */
    env_tlbi(&e, "vae2is", va_xt(VA0, 5));        /* another regime */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(!walked);
    env_tlbi(&e, "vale1is", va_xt(VA0, 5));
    CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
    CHECK(walked);

    size_t nops;
    const mmu_tlbi_op *ops = mmu_tlbi_ops(&nops);
    bool nxs;
    size_t vae1is = (size_t)(mmu_tlbi_op_by_name("vae1is", &nxs) - ops);
    size_t vale1is = (size_t)(mmu_tlbi_op_by_name("vale1is", &nxs) - ops);
    CHECK_EQ(e.tlb.stats.invalidations[vae1is], 3);
    CHECK_EQ(e.tlb.stats.removed[vae1is], 0);
    CHECK_EQ(e.tlb.stats.invalidations[vale1is], 1);
    CHECK_EQ(e.tlb.stats.removed[vale1is], 1);
    CHECK_EQ(e.tlb.stats.hits, 3);
    CHECK_EQ(e.tlb.stats.misses, 2);
    env_free(&e);
}

static void test_asid_and_global(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);      /* non-global */
    env_map(&e, VA0 + PG, PA_OLD + PG, PG, S1_RW, 0);      /* global */
    env_read(&e, VA0, &walked);
    env_read(&e, VA0 + PG, &walked);
    env_set_asid(&e, 6);
    env_read(&e, VA0, &walked);
    CHECK(walked); /* ASID 5's entry is not ASID 6's */
    env_read(&e, VA0 + PG, &walked);
    CHECK(!walked); /* global entries match any ASID */

    env_map(&e, VA0, PA_NEW, PG, S1_RW | DESC_NG, 0);
    env_map(&e, VA0 + PG, PA_NEW + PG, PG, S1_RW, 0);
    env_tlbi(&e, "aside1", (uint64_t)6 << 48); /* ASID 6: not the global entry */
    CHECK_EQ(env_read(&e, VA0 + PG, &walked), PA_OLD + PG);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
    CHECK(walked);
    env_set_asid(&e, 5);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD); /* ASID 5's stale entry survived */
    CHECK(!walked);
    env_tlbi(&e, "vaae1", VA0 >> 12);                /* any ASID */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
    env_tlbi(&e, "vale1", va_xt(VA0 + PG, 9));       /* global entry, any ASID */
    CHECK_EQ(env_read(&e, VA0 + PG, &walked), PA_NEW + PG);
    CHECK(walked);
    env_free(&e);
}

/* First and last page of a range and the pages just outside, with DS=0
 * (BaseADDR in 4K units) and DS=1 (64KB units). */
static void test_range_edges(void)
{
    for (int ds = 0; ds <= 1; ds++) {
        mmu_tlb_config cfg = env_unbounded(0);
        tlb_env e;
        env_init(&e, ds, false, &cfg);
        check_context = ds ? "DS=1" : "DS=0";
        bool walked;
        env_map(&e, VA0, PA_OLD, 64 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
        for (int i = 0; i < 64; i++)
            env_read(&e, VA0 + i * PG, &walked);
        env_map(&e, VA0, PA_NEW, 64 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
        /* Pages 16..47: SCALE 0, NUM 15 = 32 pages from VA0 + 64 KiB. */
        uint64_t start = VA0 + 16 * PG;
        env_tlbi(&e, "rvae1is", range_xt(start, ds, 0, 15, 0, 5));
        CHECK_EQ(env_read(&e, VA0 + 15 * PG, &walked), PA_OLD + 15 * PG);
        CHECK(!walked);
        CHECK_EQ(env_read(&e, VA0 + 16 * PG, &walked), PA_NEW + 16 * PG);
        CHECK(walked);
        CHECK_EQ(env_read(&e, VA0 + 47 * PG, &walked), PA_NEW + 47 * PG);
        CHECK(walked);
        CHECK_EQ(env_read(&e, VA0 + 48 * PG, &walked), PA_OLD + 48 * PG);
        CHECK(!walked);
        /* The same operand read with the other DS covers other pages. */
        uint64_t other = range_xt(VA0 + 48 * PG, !ds, 0, 0, 0, 5);
        env_tlbi(&e, "rvae1is", other);
        CHECK_EQ(env_read(&e, VA0 + 48 * PG, &walked), PA_OLD + 48 * PG);
        /* TG 16K while the granule is 4K: nothing. */
        env_tlbi(&e, "rvae1is", (range_xt(VA0, ds, 1, 0, 0, 5) & ~TLBI_R_TG) | FIELD_PREP(TLBI_R_TG, 2));
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        CHECK(!walked);
        /* Another ASID's range leaves them. */
        env_tlbi(&e, "rvae1is", range_xt(VA0, ds, 1, 0, 0, 7));
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        env_free(&e);
    }
    check_context = NULL;
}

/* TTL hints: a wrong level leaves the entry (the architecture no longer
 * requires its removal), the right one removes it. */
static void test_ttl(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    env_read(&e, VA0, &walked);
    env_map(&e, VA0, PA_NEW, PG, S1_RW | DESC_NG, 0);
    uint64_t ttl_4k_l2 = FIELD_PREP(TLBI_TTL, 0x6), ttl_4k_l3 = FIELD_PREP(TLBI_TTL, 0x7);
    uint64_t ttl_16k_l3 = FIELD_PREP(TLBI_TTL, 0xb);
    env_tlbi(&e, "vale1", va_xt(VA0, 5) | ttl_4k_l2);
    env_tlbi(&e, "vale1", va_xt(VA0, 5) | ttl_16k_l3);
    env_tlbi(&e, "rvale1", range_xt(VA0, false, 0, 0, 2, 5)); /* range TTL level 2 */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    env_tlbi(&e, "vale1", va_xt(VA0, 5) | ttl_4k_l3);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
    CHECK(walked);
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    env_tlbi(&e, "rvale1", range_xt(VA0, false, 0, 0, 3, 5)); /* range TTL level 3 */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(walked);
    env_free(&e);
}

/* A 2 MiB block entry is removed by a range covering only part of it, and
 * kept by one that ends right before it. */
static void test_block_partly_covered(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    uint64_t va = UINT64_C(0x40000000), blk = UINT64_C(0x200000);
    env_map(&e, va, ENV_RAM, blk, S1_RW | DESC_NG, 0);
    CHECK_EQ(env_read(&e, va + 0x1ff000, &walked), ENV_RAM + 0x1ff000);
    CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_S1), 1); /* one block entry */
    env_map(&e, va, ENV_RAM + blk, blk, S1_RW | DESC_NG, 0);
    env_tlbi(&e, "rvae1is", range_xt(va - 2 * PG, false, 0, 0, 0, 5)); /* the 2 pages before */
    CHECK_EQ(env_read(&e, va + 0x1000, &walked), ENV_RAM + 0x1000);
    CHECK(!walked);
    env_tlbi(&e, "rvae1is", range_xt(va + blk - 2 * PG, false, 0, 0, 0, 5)); /* its last 2 pages */
    CHECK_EQ(env_read(&e, va + 0x1000, &walked), ENV_RAM + blk + 0x1000);
    CHECK(walked);
    /* A page-level TTL hint does not name the block; a level-2 one does. */
    env_map(&e, va, ENV_RAM, blk, S1_RW | DESC_NG, 0);
    env_tlbi(&e, "vae1", va_xt(va + 0x5000, 5) | FIELD_PREP(TLBI_TTL, 0x7));
    CHECK_EQ(env_read(&e, va, &walked), ENV_RAM + blk);
    env_tlbi(&e, "vae1", va_xt(va + 0x5000, 5) | FIELD_PREP(TLBI_TTL, 0x6));
    CHECK_EQ(env_read(&e, va, &walked), ENV_RAM);
    env_free(&e);
}

/* Stage 2: combined entries survive IPAS2E1 (software must follow with
 * VMALLE1); with a walk cache the stage-2 descriptor also survives VMALLE1
 * until IPAS2E1 removes it. VMIDs scope everything. */
static void test_stage2_and_combined(void)
{
    for (int wc = 0; wc <= 1; wc++) {
        mmu_tlb_config cfg = env_unbounded(wc ? 256 : 0);
        tlb_env e;
        env_init(&e, false, true, &cfg);
        check_context = wc ? "walk cache" : "no walk cache";
        bool walked;
        uint64_t ipa = PA_OLD; /* stage 1 maps VA0 -> IPA PA_OLD; stage 2 is identity */
        env_map(&e, VA0, ipa, PG, S1_RW | DESC_NG, 0);
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        CHECK(walked);
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        CHECK(!walked);
        CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_S12), 1);

        env_map_s2(&e, ipa, PA_NEW, PG); /* the hypervisor moves the page */
        env_tlbi(&e, "ipas2e1is", ipa >> 12);
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD); /* combined entry kept */
        CHECK(!walked);
        env_set_vmid(&e, 2); /* another VM's VMALLE1 */
        env_tlbi(&e, "vmalle1is", 0);
        env_tlbi(&e, "vmalls12e1is", 0);
        env_set_vmid(&e, 1);
        CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        CHECK(!walked);
        env_tlbi(&e, "vmalle1is", 0);
        CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
        CHECK(walked);

        /* Move it again, but invalidate only stage 1 this time. */
        env_map_s2(&e, ipa, PA_OLD, PG);
        env_tlbi(&e, "vmalle1is", 0);
        CHECK_EQ(env_read(&e, VA0, &walked), wc ? PA_NEW : PA_OLD);
        CHECK(walked);
        if (wc) {
            CHECK(e.tlb.stats.walk_hits > 0);
            env_tlbi(&e, "ipas2le1is", ipa >> 12);
            env_tlbi(&e, "vmalle1is", 0);
            CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
        }
        env_tlbi(&e, "vmalls12e1", 0);
        CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_KIND_COUNT), 0);
        env_free(&e);
    }
    check_context = NULL;
}

/* Range invalidation of stage 2 by IPA with RIPAS2E1 (walk cache on). */
static void test_ripas2(void)
{
    mmu_tlb_config cfg = env_unbounded(256);
    tlb_env e;
    env_init(&e, false, true, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, 4 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
    for (int i = 0; i < 4; i++)
        env_read(&e, VA0 + i * PG, &walked);
    env_map_s2(&e, PA_OLD, PA_NEW, 4 * PG);
    /* RIPAS2E1 over IPA pages 2..3 (SCALE 0 NUM 0: two pages), then VMALLE1. */
    env_tlbi(&e, "ripas2e1is", FIELD_PREP(TLBI_R_TG, 1) | ((PA_OLD + 2 * PG) >> 12));
    env_tlbi(&e, "vmalle1is", 0);
    CHECK_EQ(env_read(&e, VA0 + 1 * PG, &walked), PA_OLD + 1 * PG); /* stage-2 entry kept */
    CHECK_EQ(env_read(&e, VA0 + 2 * PG, &walked), PA_NEW + 2 * PG);
    CHECK_EQ(env_read(&e, VA0 + 3 * PG, &walked), PA_NEW + 3 * PG);
    env_free(&e);
}

static void walk_cache_case(bool unified)
{
    mmu_tlb_config cfg = env_unbounded(256);
    cfg.walk_unified = unified;
    check_context = unified ? "walk cache in the leaf array" : "separate walk cache";
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    uint64_t va = UINT64_C(0x40000000), blk = UINT64_C(0x200000);
    env_map(&e, va, PA_OLD, PG, S1_RW | DESC_NG, 0); /* a level-3 table under level 2 */
    CHECK_EQ(env_read(&e, va, &walked), PA_OLD);
    CHECK(mmu_tlb_count(&e.tlb, MMU_TLBE_S1_TABLE) >= 3); /* levels 0, 1, 2 */
    env_map(&e, va, ENV_RAM + blk, blk, S1_RW | DESC_NG, 0); /* a block replaces the table */
    env_tlbi(&e, "vale1is", va_xt(va, 5));
    CHECK_EQ(env_read(&e, va, &walked), PA_OLD); /* the walk follows the cached table */
    CHECK(walked);
    env_tlbi(&e, "vae1is", va_xt(va, 5));
    CHECK_EQ(env_read(&e, va, &walked), ENV_RAM + blk);
    CHECK(walked);
    env_free(&e);
    check_context = NULL;
}

/* A stale stage-1 table descriptor in the walk cache survives VALE1 (last
 * level only) and goes with VAE1, whether the walk cache has its own array
 * or shares the leaf array. */
static void test_walk_cache_table_entries(void)
{
    walk_cache_case(false);
    walk_cache_case(true);
}

/* A write to a clean DBM page misses so the walker sets the dirty state;
 * afterwards writes hit. */
static void test_dbm_write_walks(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG | DESC_AP_RO | DESC_DBM, 0);
    env_read(&e, VA0, &walked);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(!walked);
    CHECK_EQ(env_access(&e, VA0, MMU_ACC_WRITE, &walked), PA_OLD);
    CHECK(walked);
    CHECK_EQ(env_access(&e, VA0, MMU_ACC_WRITE, &walked), PA_OLD);
    CHECK(!walked);
    env_free(&e);
}

/* Permissions are re-checked on a hit: PAN and EL0 accesses. */
static void test_permissions_rechecked(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    bool walked;
    static mmu_walk w;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG | DESC_AP_EL0, 0); /* EL0 and EL1 RW */
    env_map(&e, VA0 + PG, PA_OLD, PG, S1_RW | DESC_NG, 0);          /* EL1 only */
    env_read(&e, VA0, &walked);
    env_read(&e, VA0 + PG, &walked);
    mmu_access pan = {.va = VA0, .kind = MMU_ACC_READ, .el = 1, .pan = true};
    CHECK(!mmu_tlb_translate(&e.cpu, &e.tlb, &pan, &w, &walked));
    CHECK(walked);
    CHECK_EQ(w.fault.type, MMU_FAULT_PERMISSION);
    mmu_access el0 = {.va = VA0 + PG, .kind = MMU_ACC_READ, .el = 0};
    CHECK(!mmu_tlb_translate(&e.cpu, &e.tlb, &el0, &w, &walked));
    CHECK_EQ(w.fault.type, MMU_FAULT_PERMISSION);
    el0.va = VA0;
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &el0, &w, &walked));
    CHECK(!walked);
    CHECK(w.result.r && w.result.w && w.n_reads == 0 && w.asid == 5);
    env_free(&e);
}

/* Bounded arrays evict; NONE caches nothing. */
static void test_modes_and_policies(void)
{
    static const mmu_tlb_policy pols[] = {MMU_TLB_LRU, MMU_TLB_FIFO, MMU_TLB_RANDOM};
    for (int p = 0; p < 3; p++) {
        mmu_tlb_config cfg = {.mode = MMU_TLB_BOUNDED, .entries = 8, .ways = 2, .policy = pols[p], .seed = 7};
        tlb_env e;
        env_init(&e, false, false, &cfg);
        bool walked;
        env_map(&e, VA0, PA_OLD, 64 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < 64; i++)
                CHECK_EQ(env_read(&e, VA0 + i * PG, &walked), PA_OLD + i * PG);
        CHECK(mmu_tlb_count(&e.tlb, MMU_TLBE_S1) <= 8);
        CHECK_EQ(e.tlb.stats.fills, e.tlb.stats.misses);
        CHECK_EQ(e.tlb.stats.evictions, e.tlb.stats.fills - mmu_tlb_count(&e.tlb, MMU_TLBE_S1));
        if (pols[p] != MMU_TLB_RANDOM) /* a cyclic sweep of 64 pages defeats 8 entries */
            CHECK_EQ(e.tlb.stats.hits, 0);
        CHECK_EQ(e.tlb.stats.hits + e.tlb.stats.misses, 128);
        env_free(&e);
    }
    mmu_tlb_config none = {.mode = MMU_TLB_NONE};
    tlb_env e;
    env_init(&e, false, false, &none);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, S1_RW, 0);
    env_read(&e, VA0, &walked);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(walked);
    CHECK_EQ(e.tlb.stats.hits, 0);
    uint64_t pa;
    CHECK(mmu_tlb_lookup(&e.tlb, MMU_TLBE_S1, MMU_REGIME_EL10, 0, 5, VA0, &pa) == NULL);
    env_free(&e);

    /* Unbounded grows instead of evicting. */
    mmu_tlb_config unb = {.mode = MMU_TLB_UNBOUNDED, .entries = 4, .ways = 2};
    env_init(&e, false, false, &unb);
    env_map(&e, VA0, PA_OLD, 256 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
    for (int i = 0; i < 256; i++)
        env_read(&e, VA0 + i * PG, &walked);
    CHECK_EQ(e.tlb.stats.evictions, 0);
    CHECK(e.tlb.stats.grows > 0);
    CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_S1), 256);
    for (int i = 0; i < 256; i++) {
        env_read(&e, VA0 + i * PG, &walked);
        CHECK(!walked);
    }
    env_free(&e);
}

static void test_bad_config(void)
{
    mmu_tlb tlb;
    char err[160];
    mmu_tlb_config c = {.mode = MMU_TLB_BOUNDED, .entries = 12, .ways = 4}; /* 3 sets */
    CHECK_EQ(mmu_tlb_init(&tlb, &c, err, sizeof err), -1);
    CHECK(strstr(err, "power of two") != NULL);
    c.entries = 10;
    CHECK_EQ(mmu_tlb_init(&tlb, &c, err, sizeof err), -1);
    c.entries = 16;
    c.walk_entries = 6;
    c.walk_ways = 4;
    CHECK_EQ(mmu_tlb_init(&tlb, &c, err, sizeof err), -1);
    CHECK(strstr(err, "walk cache") != NULL);
    c.walk_entries = 0;
    c.ways = 0;
    CHECK_EQ(mmu_tlb_init(&tlb, &c, err, sizeof err), -1);
}

/* EL2&0 (E2H=1, TGE=1): EL1 TLBIs act on it; EL2 VAE2 with E2H uses ASIDs. */
static void test_tlbi_scope_with_vhe(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    char err[200];
    /* Give EL2&0 the same tables as EL1&0. */
    mmu_cpu_set_reg(&e.cpu, MMU_TCR_EL2, mmu_cpu_get_reg(&e.cpu, MMU_TCR_EL1));
    mmu_cpu_set_reg(&e.cpu, MMU_TTBR0_EL2, mmu_pt_ttbr_baddr(&e.s1) | (UINT64_C(3) << 48));
    mmu_cpu_set_reg(&e.cpu, MMU_MAIR_EL2, 0xff);
    mmu_cpu_set_reg(&e.cpu, MMU_SCTLR_EL2, SCTLR_M);
    mmu_cpu_set_reg(&e.cpu, MMU_HCR_EL2, HCR_RW | HCR_E2H | HCR_TGE);
    (void)err;
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    static mmu_walk w;
    bool walked;
    mmu_access acc = {.va = VA0, .kind = MMU_ACC_READ, .el = 2};
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &acc, &w, &walked));
    CHECK_EQ(w.regime, MMU_REGIME_EL20);
    env_map(&e, VA0, PA_NEW, PG, S1_RW | DESC_NG, 0);
    env_tlbi(&e, "vae2", va_xt(VA0, 4)); /* wrong ASID */
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &acc, &w, &walked));
    CHECK_EQ(w.result.pa, PA_OLD);
    env_tlbi(&e, "vae1", va_xt(VA0, 3)); /* EL1 op, but TGE: acts on EL2&0 */
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &acc, &w, &walked));
    CHECK_EQ(w.result.pa, PA_NEW);
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    env_tlbi(&e, "alle1", 0); /* EL1&0 only */
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &acc, &w, &walked));
    CHECK_EQ(w.result.pa, PA_NEW);
    env_tlbi(&e, "alle2is", 0);
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &acc, &w, &walked));
    CHECK_EQ(w.result.pa, PA_OLD);
    env_free(&e);
}

/* A stage-1 hardware update (TCR_EL1.HA, AF=0 leaf) under stage 2 walks
 * stage 2 again for the leaf descriptor's IPA (ASL AArch64.S1Translate:
 * the update goes through AArch64.S2Translate). The walk cache must tag
 * the stage-2 descriptors of that walk with the IPA they translated (the
 * stage-1 level-3 table page T), not with the final IPA, so that the
 * hypervisor's IPAS2E1 of T (then VMALLE1) removes them: the hypervisor
 * here moves T to a copy whose entry maps VA0 to PA_NEW. */
static void test_s1_update_walk_cached_by_its_ipa(void)
{
    mmu_tlb_config cfg = env_unbounded(256);
    tlb_env e;
    env_init(&e, false, true, &cfg);
    bool walked;
    env_map(&e, VA0, PA_OLD, PG, DESC_NG, 0); /* AF = 0: the walk sets it */
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    mmu_access acc = {.va = VA0, .kind = MMU_ACC_READ, .el = 1};
    mmu_walk w;
    CHECK(mmu_walk_translate(&e.cpu, &acc, &w)); /* no TLB: find T */
    uint64_t leaf_ipa = 0;
    for (unsigned i = 0; i < w.n_reads; i++)
        if (w.reads[i].stage == 1 && w.reads[i].level == 3)
            leaf_ipa = w.reads[i].ipa;
    uint64_t t = leaf_ipa & ~(PG - 1), copy = ENV_RAM + 0x900000;
    CHECK(t >= ENV_TABLES);
    for (uint64_t off = 0; off < PG; off += 8)
        testmem_write(&e.mem, copy + off, testmem_read(&e.mem, t + off));
    uint64_t entry = testmem_read(&e.mem, leaf_ipa);
    testmem_write(&e.mem, copy + (leaf_ipa - t), (entry & ~GENMASK64(47, 12)) | PA_NEW);
    env_map_s2(&e, t, copy, PG);
    env_tlbi(&e, "ipas2e1is", t >> 12);
    env_tlbi(&e, "vmalle1is", 0);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_NEW);
    CHECK(walked);
    env_free(&e);
}

/* Memory attributes depend on the access (SCTLR_EL1.C for data, .I for
 * fetches: DDI0487 D7.5), so a hit reports them for its own kind, not for
 * the access that filled the entry. MAIR_EL1 attr 0 is 0xff (WB). */
static void test_hit_attributes_follow_the_access(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    env_map(&e, VA0, PA_OLD, PG, S1_RW | DESC_NG, 0);
    mmu_cpu_set_reg(&e.cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_I); /* data NC, fetches cacheable */
    mmu_walk w;
    bool walked;
    mmu_access rd = {.va = VA0, .kind = MMU_ACC_READ, .el = 1};
    mmu_access fe = {.va = VA0, .kind = MMU_ACC_FETCH, .el = 1};
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &rd, &w, &walked));
    CHECK(walked);
    CHECK_EQ(w.result.attr.attr, 0x44);
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &fe, &w, &walked));
    CHECK(!walked);
    CHECK_EQ(w.result.attr.attr, 0xff);
    CHECK_EQ(w.result.attr.sh, 0); /* the descriptor's SH: NSH */
    mmu_cpu_set_reg(&e.cpu, MMU_SCTLR_EL1, SCTLR_M | SCTLR_C | SCTLR_I);
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &rd, &w, &walked));
    CHECK(!walked);
    CHECK_EQ(w.result.attr.attr, 0xff);
    env_free(&e);
}

/* EL1&0 with stage 1 off (SCTLR_EL1.M = 0) under stage 2: the IPA is the
 * VA and only stage 2 translates, so the TLB holds stage-2-only entries
 * (ASL AArch64.S2Walk caches them with S2TLBCache whatever stage 1 does).
 * Like any stage-2-only entry they survive VMALLE1 (stage 1 only) and go
 * with IPAS2E1 / VMALLS12E1 of their VMID (DDI0487 D8.17.5.4). A hit
 * still applies the MMU-off stage-1 attributes of its own access (data
 * Device-nGnRnE, fetches Normal WT with SCTLR_EL1.I = 1) and the
 * MMU-off address-size check (a VA bit at or above PAMax faults). */
static void test_stage2_only_entries(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, true, &cfg);
    mmu_cpu_set_reg(&e.cpu, MMU_SCTLR_EL1, SCTLR_I); /* stage 1 off */
    bool walked;
    CHECK_EQ(env_read(&e, PA_OLD + 0x10, &walked), PA_OLD + 0x10);
    CHECK(walked);
    CHECK_EQ(env_read(&e, PA_OLD + 0x20, &walked), PA_OLD + 0x20);
    CHECK(!walked);
    CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_S2_ONLY), 1);

    mmu_walk w;
    mmu_access fe = {.va = PA_OLD, .kind = MMU_ACC_FETCH, .el = 1};
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &fe, &w, &walked));
    CHECK(!walked);
    CHECK(!w.s1_enabled && w.s2_enabled);
    CHECK_EQ(w.result.s1_attr.attr, 0xaa);
    CHECK_EQ(w.result.attr.attr, 0xaa); /* WT (stage 1 off, I=1) with stage-2 WB */
    mmu_access rd = {.va = PA_OLD, .kind = MMU_ACC_READ, .el = 1};
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &rd, &w, &walked));
    CHECK(!walked);
    CHECK_EQ(w.result.attr.attr, 0x00); /* Device-nGnRnE */
    rd.va = PA_OLD | (UINT64_C(1) << 52); /* above PAMax: Address size, level 0 */
    CHECK(!mmu_tlb_translate(&e.cpu, &e.tlb, &rd, &w, &walked));
    CHECK_EQ(w.fault.type, MMU_FAULT_ADDRESS_SIZE);
    CHECK_EQ(w.fault.stage, 1);

    env_map_s2(&e, PA_OLD, PA_NEW, PG); /* the hypervisor moves the page */
    env_tlbi(&e, "vmalle1is", 0);
    CHECK_EQ(env_read(&e, PA_OLD, &walked), PA_OLD); /* stage-2-only entry kept */
    CHECK(!walked);
    env_set_vmid(&e, 2);
    env_tlbi(&e, "ipas2e1is", PA_OLD >> 12); /* another VM's */
    env_set_vmid(&e, 1);
    CHECK_EQ(env_read(&e, PA_OLD, &walked), PA_OLD);
    CHECK(!walked);
    env_tlbi(&e, "ipas2le1is", PA_OLD >> 12);
    CHECK_EQ(env_read(&e, PA_OLD, &walked), PA_NEW);
    CHECK(walked);
    env_map_s2(&e, PA_OLD, PA_OLD, PG);
    env_tlbi(&e, "vmalls12e1is", 0);
    CHECK_EQ(env_read(&e, PA_OLD, &walked), PA_OLD);
    CHECK(walked);
    env_free(&e);
}

/* A translation is cached only once its Access flag is set (ASL
 * AArch64.S1Walk/S2Walk: S1TLBCache/S2TLBCache only for descriptor[10] ==
 * 1). A no_update (debugger) access with TCR_EL1.HA leaves AF = 0 in
 * memory, so it must not fill the TLB: the next real access walks and
 * sets AF. */
static void test_no_update_does_not_fill(void)
{
    mmu_tlb_config cfg = env_unbounded(0);
    tlb_env e;
    env_init(&e, false, false, &cfg);
    env_map(&e, VA0, PA_OLD, PG, DESC_NG, 0); /* AF = 0 */
    mmu_walk w;
    bool walked;
    mmu_access dbg = {.va = VA0, .kind = MMU_ACC_READ, .el = 1, .no_update = true};
    CHECK(mmu_tlb_translate(&e.cpu, &e.tlb, &dbg, &w, &walked));
    CHECK(walked);
    uint64_t leaf_pa = w.reads[w.n_reads - 1].pa;
    CHECK_EQ(testmem_read(&e.mem, leaf_pa) & DESC_AF, 0);
    CHECK_EQ(mmu_tlb_count(&e.tlb, MMU_TLBE_S1), 0);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(walked);
    CHECK_EQ(testmem_read(&e.mem, leaf_pa) & DESC_AF, DESC_AF);
    CHECK_EQ(env_read(&e, VA0, &walked), PA_OLD);
    CHECK(!walked);
    env_free(&e);
}

/* The front index never answers differently from the sets: a small TLB
 * (16 entries, 4 ways, so evictions are frequent), two VMIDs, three ASIDs,
 * global and non-global pages, and TLBIs, in a fixed pseudo-random order;
 * after each step every page is looked up in every context through the
 * front (mmu_tlb_lookup) and through the sets alone. */
static void test_front_agrees_with_sets(void)
{
    mmu_tlb_config cfg = {.mode = MMU_TLB_BOUNDED, .entries = 16, .ways = 4, .policy = MMU_TLB_LRU};
    tlb_env e;
    env_init(&e, false, true, &cfg);
    env_map(&e, VA0, PA_OLD, 32 * PG, S1_RW | DESC_NG, MMU_MAP_PAGES_ONLY);
    env_map(&e, VA0 + 32 * PG, PA_OLD + 32 * PG, 8 * PG, S1_RW, MMU_MAP_PAGES_ONLY);
    uint64_t rng = 0x9e3779b97f4a7c15u;
    for (int step = 0; step < 3000; step++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        unsigned what = (unsigned)(rng % 32);
        bool walked;
        if (what == 0)
            env_set_asid(&e, (uint16_t)(5 + (rng >> 8) % 3));
        else if (what == 1)
            env_set_vmid(&e, (uint16_t)(1 + (rng >> 8) % 2));
        else if (what == 2)
            env_tlbi(&e, "vae1is", va_xt(VA0 + ((rng >> 8) % 40) * PG, e.asid));
        else if (what == 3)
            env_tlbi(&e, "aside1", (uint64_t)e.asid << 48);
        else
            env_read(&e, VA0 + ((rng >> 8) % 40) * PG + ((rng >> 20) & 0xff8), &walked);
        for (uint16_t vmid = 1; vmid <= 2; vmid++)
            for (uint16_t asid = 5; asid <= 7; asid++)
                for (uint64_t i = 0; i < 40; i++) {
                    uint64_t va = VA0 + i * PG + 0x18, pa_front = 0, pa_sets = 0;
                    const mmu_tlb_entry *f =
                        mmu_tlb_lookup(&e.tlb, MMU_TLBE_S12, MMU_REGIME_EL10, vmid, asid, va, &pa_front);
                    const mmu_tlb_entry *t = mmu_tlb_lookup_sets(&e.tlb, MMU_TLBE_S12, MMU_REGIME_EL10, vmid,
                                                                 asid, va, &pa_sets);
                    CHECK(f == t);
                    if (f && t)
                        CHECK_EQ(pa_front, pa_sets);
                }
    }
    CHECK(e.tlb.stats.evictions > 100);
    env_free(&e);
}

TEST_MAIN(TEST(test_stale_until_right_tlbi), TEST(test_asid_and_global), TEST(test_range_edges),
          TEST(test_ttl), TEST(test_block_partly_covered), TEST(test_stage2_and_combined),
          TEST(test_ripas2), TEST(test_walk_cache_table_entries), TEST(test_dbm_write_walks),
          TEST(test_permissions_rechecked), TEST(test_modes_and_policies), TEST(test_bad_config),
          TEST(test_tlbi_scope_with_vhe), TEST(test_s1_update_walk_cached_by_its_ipa),
          TEST(test_hit_attributes_follow_the_access), TEST(test_stage2_only_entries),
          TEST(test_no_update_does_not_fill), TEST(test_front_agrees_with_sets))
