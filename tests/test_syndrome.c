/* Syndrome encoders: DFSC/IFSC codes (levels -1..3), Data/Instruction
 * Abort ISS bits, HPFAR_EL2 and PAR_EL1, against the bit positions of
 * DDI0487 D24.2 (ESR_ELx ISS for aborts, HPFAR_EL2, PAR_EL1) and ASL
 * EncodeLDFSC (reference notes 4.1-4.5). */
#include "check.h"
#include "mmu.h"

static void test_fsc_codes(void)
{
    static const struct {
        mmu_fault_type type;
        int8_t level;
        uint8_t fsc;
    } rows[] = {
        {MMU_FAULT_ADDRESS_SIZE, -1, 0x29}, {MMU_FAULT_ADDRESS_SIZE, 0, 0x00}, {MMU_FAULT_ADDRESS_SIZE, 1, 0x01},
        {MMU_FAULT_ADDRESS_SIZE, 2, 0x02},  {MMU_FAULT_ADDRESS_SIZE, 3, 0x03}, {MMU_FAULT_TRANSLATION, -1, 0x2b},
        {MMU_FAULT_TRANSLATION, 0, 0x04},   {MMU_FAULT_TRANSLATION, 1, 0x05},  {MMU_FAULT_TRANSLATION, 2, 0x06},
        {MMU_FAULT_TRANSLATION, 3, 0x07},   {MMU_FAULT_ACCESS_FLAG, 0, 0x08},  {MMU_FAULT_ACCESS_FLAG, 1, 0x09},
        {MMU_FAULT_ACCESS_FLAG, 2, 0x0a},   {MMU_FAULT_ACCESS_FLAG, 3, 0x0b},  {MMU_FAULT_PERMISSION, 0, 0x0c},
        {MMU_FAULT_PERMISSION, 1, 0x0d},    {MMU_FAULT_PERMISSION, 2, 0x0e},   {MMU_FAULT_PERMISSION, 3, 0x0f},
        {MMU_FAULT_EXTERNAL_WALK, -1, 0x13}, {MMU_FAULT_EXTERNAL_WALK, 0, 0x14}, {MMU_FAULT_EXTERNAL_WALK, 1, 0x15},
        {MMU_FAULT_EXTERNAL_WALK, 2, 0x16}, {MMU_FAULT_EXTERNAL_WALK, 3, 0x17},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        mmu_fault f = {.type = rows[i].type, .stage = 1, .level = rows[i].level};
        CHECK_EQ(mmu_fsc(&f), rows[i].fsc);
    }
}

/* ISS: DFSC/IFSC [5:0], WnR [6] (data only), S1PTW [7], CM [8] (data
 * only; WnR reads 1 for cache maintenance). */
static void test_abort_iss(void)
{
    mmu_fault tl1 = {.type = MMU_FAULT_TRANSLATION, .stage = 1, .level = 1};
    CHECK_EQ(mmu_dabt_iss(&tl1, false), 0x05);
    CHECK_EQ(mmu_dabt_iss(&tl1, true), 0x05 | 0x40 | 0x100);
    CHECK_EQ(mmu_iabt_iss(&tl1), 0x05);

    mmu_fault wr = {.type = MMU_FAULT_PERMISSION, .stage = 1, .level = 3, .write = true};
    CHECK_EQ(mmu_dabt_iss(&wr, false), 0x0f | 0x40);
    /* An instruction abort has no WnR. */
    CHECK_EQ(mmu_iabt_iss(&wr), 0x0f);

    mmu_fault ptw = {.type = MMU_FAULT_TRANSLATION, .stage = 2, .level = -1, .s1ptw = true, .ipa_valid = true};
    CHECK_EQ(mmu_dabt_iss(&ptw, false), 0x2b | 0x80);
    CHECK_EQ(mmu_iabt_iss(&ptw), 0x2b | 0x80);

    mmu_fault ea = {.type = MMU_FAULT_EXTERNAL_WALK, .stage = 2, .level = -1};
    CHECK_EQ(mmu_dabt_iss(&ea, false), 0x13);
}

/* HPFAR_EL2.FIPA [43:4] = IPA[51:12]; IPA 0x000f_1234_5678_9abc ->
 * 0xf_1234_5678_9 << 4 = 0xf12_3456_7890. */
static void test_hpfar(void)
{
    CHECK_EQ(mmu_hpfar(0x000f123456789abcull), 0x00000f1234567890ull);
    CHECK_EQ(mmu_hpfar(0x40001fffull), 0x400010ull);
    CHECK_EQ(mmu_hpfar(0xfffull), 0);
}

/* PAR_EL1, F=0: ATTR [63:56], PA[51:12] in place, bit 11 RES1, NS [9]
 * (UNKNOWN for a Non-secure regime; mmu.h documents 1), SH [8:7].
 * PA 0x000f_1234_5678_9abc, Normal WB 0xff, ISH (3):
 *   0xff << 56 | 0x000f_1234_5678_9000 | 3 << 7 | 1 << 9 | 1 << 11
 *   = 0xff0f_1234_5678_9000 | 0x180 | 0x200 | 0x800 = 0xff0f_1234_5678_9b80.
 * Device-nGnRE 0x04 (reported OSH, 2): 0x04 << 56 | 0x4000_1000 | 0x100 |
 * 0x200 | 0x800 = 0x0400_0000_4000_1b00. */
static void test_par_success(void)
{
    CHECK_EQ(mmu_par_success(0x000f123456789abcull, (mmu_memattr){0xff, 3}), 0xff0f123456789b80ull);
    CHECK_EQ(mmu_par_success(0x40001234ull, (mmu_memattr){0x04, 2}), 0x0400000040001b00ull);
}

/* PAR_EL1, F=1: FST [6:1], PTW [8], S [9], bit 11 RES1.
 * Stage-2 Translation L-1 on the walk: 1 | 0x2b << 1 | 0x100 | 0x200 |
 * 0x800 = 0xb57. Stage-1 Permission L3: 1 | 0x0f << 1 | 0x800 = 0x81f.
 * Stage-2 Access flag L2 (not on the walk): 1 | 0x0a << 1 | 0x200 | 0x800
 * = 0xa15. */
static void test_par_fault(void)
{
    mmu_fault a = {.type = MMU_FAULT_TRANSLATION, .stage = 2, .level = -1, .s1ptw = true};
    CHECK_EQ(mmu_par_fault(&a), 0xb57);
    mmu_fault b = {.type = MMU_FAULT_PERMISSION, .stage = 1, .level = 3};
    CHECK_EQ(mmu_par_fault(&b), 0x81f);
    mmu_fault c = {.type = MMU_FAULT_ACCESS_FLAG, .stage = 2, .level = 2};
    CHECK_EQ(mmu_par_fault(&c), 0xa15);
}

TEST_MAIN(TEST(test_fsc_codes), TEST(test_abort_iss), TEST(test_hpfar), TEST(test_par_success), TEST(test_par_fault))
