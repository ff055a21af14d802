/* Engine bugs found by fuzzing or review, each pinned by a test worked out
 * from the architecture. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "memory.h"
#include "walk_fuzz.h"
#include "walkcase.h"

/* 4K, 48-bit, stage 1 of EL1&0 at 0x4000_0000.. with HA=1. The L2 table
 * descriptor sets APTable[1] (bit 62: no writes below); the L3 page has
 * AP[2:1]=00 (EL1 RW) and AF=0. A read is allowed and hardware sets AF; the
 * permissions the walk returns must still be read-only (APTable wins), so
 * a later write faults with a Permission fault at level 3 (FSC 0x0F).
 * Found by tools/fuzz/run.sh: the AF update used to clear the read-only
 * bit that came from the table. */
static void af_update_keeps_aptable_read_only(void)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, 0x40000000, 0x10000);
    mmu_port port = testmem_port(&m);
    mmu_cpu cpu;
    mmu_cpu_init(&cpu, &port);
    mmu_cpu_set_reg(&cpu, MMU_ID_AA64MMFR0_EL1, 0x5);       /* PARange 48, 4K */
    mmu_cpu_set_reg(&cpu, MMU_ID_AA64MMFR1_EL1, 0x1);       /* HAFDBS: AF */
    /* VA 0x1000: L0 idx 0, L1 idx 0, L2 idx 0, L3 idx 1. */
    testmem_write(&m, 0x40000000, 0x40001003);
    testmem_write(&m, 0x40001000, 0x40002003);
    testmem_write(&m, 0x40002000, 0x40003003 | (UINT64_C(1) << 62));
    testmem_write(&m, 0x40003008, 0x40008003);              /* page, AP=00, AF=0 */
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, 16 | (UINT64_C(1) << 23) | (UINT64_C(5) << 32) | (UINT64_C(1) << 39));
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, 0x40000000);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, 1);

    mmu_access rd = {.va = 0x1008, .kind = MMU_ACC_READ, .el = 1};
    mmu_walk w;
    CHECK(mmu_walk_translate(&cpu, &rd, &w));
    CHECK_EQ(w.result.pa, 0x40008008);
    CHECK_EQ(testmem_read(&m, 0x40003008), 0x40008003 | (UINT64_C(1) << 10)); /* AF set */
    CHECK_EQ(w.result.s1perm.ap & 2, 2);
    CHECK(!w.result.w);

    mmu_access wr = rd;
    wr.kind = MMU_ACC_WRITE;
    mmu_fault f = mmu_check_permissions(&cpu, w.regime, false, &wr, &w.result);
    CHECK_EQ(f.type, MMU_FAULT_PERMISSION);
    CHECK_EQ(mmu_fsc(&f), 0x0f);
    CHECK(!mmu_walk_translate(&cpu, &wr, &w));
    CHECK_EQ(mmu_fsc(&w.fault), 0x0f);
    testmem_free(&m);
}

/* Every input that once broke a fuzz invariant, replayed. */
static void fuzz_inputs_replayed(void)
{
    static const char *const inputs[] = {"walk-aptable-ro-lost-on-af-update.bin"};
    const char *src = getenv("MMUSIM_SOURCE_DIR");
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char path[1024], why[256];
        snprintf(path, sizeof path, "%s/tests/data/fuzz/%s", src ? src : ".", inputs[i]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f)
            continue;
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        check_context = inputs[i];
        CHECK_EQ(walk_fuzz_one(buf, n, why, sizeof why), 0);
    }
}

/* With TCR.DS=1 the TTBR holds BADDR[51:48] in bits [5:2] whatever
 * IPS says (ASL AArch64.S1TTBaseAddress: "walkparams.ds == '1'" selects
 * tablebase<51:6> = ttbr<5:2>:ttbr<47:6>; AArch64.S2TTBaseAddress the
 * same for VTCR.DS). With IPS=48 and TTBR[5:2] != 0 the base is above PS:
 * Address size fault, level 0, before any read (ASL AArch64.S1Walk checks
 * OAOutOfRange on the first descriptor address). */
/* Fixed in e7f86d6 (regime: the 52-bit base form follows DS). */
static void ds_ttbr_high_bits_with_ips48(void)
{
    testmem m;
    testmem_init(&m);
    testmem_add(&m, 0, 0x100000);
    testmem_add(&m, WC_LOW, 0x100000);
    mmu_cpu cpu;
    wc_cpu_max(&cpu, &m);
    /* TTBR0 = 0x3c: BADDR[51:48] = 0xf -> table at 0x000f_0000_0000_0000. */
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, wc_tcr0(MMU_GRANULE_4K, 12, 5, true));
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, 0x3c);
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);
    mmu_walk w;
    CHECK(!wc_walk(&cpu, 0x000f123456789abcull, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, MMU_FAULT_ADDRESS_SIZE);
    CHECK_EQ(w.fault.level, 0);
    CHECK_EQ(w.n_reads, 0);

    /* Stage 2: VTCR.DS=1, PS=48, VTTBR[5:2] = 1 -> base 2^48 + 0x4000_0000. */
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, 0);
    mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, wc_vtcr(MMU_GRANULE_4K, 16, 2, false, 5, true));
    mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, WC_LOW | (1u << 2));
    mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, HCR_VM);
    CHECK(!wc_walk(&cpu, 0x1000, MMU_ACC_READ, 1, &w));
    CHECK_EQ(w.fault.type, MMU_FAULT_ADDRESS_SIZE);
    CHECK_EQ(w.fault.stage, 2);
    CHECK_EQ(w.fault.level, 0);
    CHECK_EQ(w.n_reads, 0);
    testmem_free(&m);
}

TEST_MAIN(TEST(af_update_keeps_aptable_read_only), TEST(fuzz_inputs_replayed),
          TEST(ds_ttbr_high_bits_with_ips48))
