/* CPU presets decode to the features they are named after, and named field
 * overrides change exactly their field. Expected features follow the ID
 * register definitions (DDI0487 D19.2; notes section 3), not the code. */
#include <string.h>

#include "check.h"
#include "cpu_preset.h"
#include "memory.h"
#include "sysreg.h"

static mmu_cpu cpu_with(const char *preset)
{
    mmu_cpu cpu;
    mmu_port port = {0};
    mmu_cpu_init(&cpu, &port);
    const cpu_preset *p = cpu_preset_find(preset);
    CHECK(p != NULL);
    if (p)
        cpu_preset_apply(&cpu, p);
    return cpu;
}

static void test_max(void)
{
    check_context = "max";
    mmu_cpu cpu = cpu_with("max");
    const mmu_features *f = &cpu.feat;
    CHECK_EQ(f->pa_bits, 52);
    for (int g = 0; g < 3; g++) {
        CHECK(f->s1_granule[g]);
        CHECK(f->s2_granule[g]);
    }
    /* LPA2 with 4K and 16K, at both stages; never for 64K. */
    CHECK(f->s1_lpa2[0] && f->s1_lpa2[1] && !f->s1_lpa2[2]);
    CHECK(f->s2_lpa2[0] && f->s2_lpa2[1] && !f->s2_lpa2[2]);
    CHECK(f->lpa);
    CHECK(f->lva);
    CHECK(f->tlbirange && f->tlbios);
    CHECK(f->hafdbs_af && f->hafdbs_dirty);
    CHECK(f->vmid16 && f->asid16);
    CHECK(f->ttl && f->xnx && f->pan && f->ttst && f->e0pd);
    /* The raw fields the brief names. */
    uint64_t mmfr0 = mmu_cpu_get_reg(&cpu, MMU_ID_AA64MMFR0_EL1);
    CHECK_EQ(FIELD_GET(MMFR0_TGRAN4, mmfr0), 1);
    CHECK_EQ(FIELD_GET(MMFR0_TGRAN16, mmfr0), 2);
    CHECK_EQ(FIELD_GET(MMFR0_TGRAN4_2, mmfr0), 3);
    CHECK_EQ(FIELD_GET(MMFR0_TGRAN16_2, mmfr0), 3);
    CHECK_EQ(FIELD_GET(MMFR0_PARANGE, mmfr0), 6);
    CHECK_EQ(FIELD_GET(ISAR0_TLB, mmu_cpu_get_reg(&cpu, MMU_ID_AA64ISAR0_EL1)), 2);
    CHECK_EQ(FIELD_GET(MMFR1_HAFDBS, mmu_cpu_get_reg(&cpu, MMU_ID_AA64MMFR1_EL1)), 2);
}

static void test_v80(void)
{
    check_context = "v8.0";
    mmu_cpu cpu = cpu_with("v8.0");
    const mmu_features *f = &cpu.feat;
    CHECK_EQ(f->pa_bits, 48);
    for (int g = 0; g < 3; g++) {
        CHECK(f->s1_granule[g]);
        CHECK(f->s2_granule[g]); /* TGranX_2 = 0: as stage 1 */
        CHECK(!f->s1_lpa2[g]);
        CHECK(!f->s2_lpa2[g]);
    }
    CHECK(!f->lpa);
    CHECK(!f->lva);
    CHECK(!f->tlbirange && !f->tlbios);
    CHECK(!f->hafdbs_af && !f->vmid16 && !f->ttl && !f->pan && !f->xnx && !f->ttst);
}

static void test_lpa(void)
{
    check_context = "lpa";
    mmu_cpu cpu = cpu_with("lpa");
    const mmu_features *f = &cpu.feat;
    /* 52-bit only through the 64K granule. */
    CHECK_EQ(f->pa_bits, 52);
    CHECK(f->lpa);
    CHECK(f->lva);
    for (int g = 0; g < 3; g++) {
        CHECK(f->s1_granule[g] && f->s2_granule[g]);
        CHECK(!f->s1_lpa2[g] && !f->s2_lpa2[g]);
    }
}

static void test_grid(void)
{
    /* The seed's hw_pa x hw_va axes: PA {48, lpa, lpa2} x VA {48, 52}. */
    static const struct {
        const char *name;
        unsigned pa;
        bool lpa2, lva;
    } grid[] = {
        {"v8.0", 48, false, false},     {"pa48-va52", 48, false, true},
        {"lpa-va48", 52, false, false}, {"lpa", 52, false, true},
        {"lpa2-va48", 52, true, false}, {"max", 52, true, true},
    };
    size_t n;
    cpu_preset_all(&n);
    CHECK_EQ(n, sizeof grid / sizeof grid[0]);
    for (size_t i = 0; i < sizeof grid / sizeof grid[0]; i++) {
        check_context = grid[i].name;
        mmu_cpu cpu = cpu_with(grid[i].name);
        CHECK_EQ(cpu.feat.pa_bits, grid[i].pa);
        CHECK_EQ(cpu.feat.s1_lpa2[0], grid[i].lpa2);
        CHECK_EQ(cpu.feat.s2_lpa2[1], grid[i].lpa2);
        CHECK_EQ(cpu.feat.lva, grid[i].lva);
    }
    CHECK(cpu_preset_find("nonesuch") == NULL);
}

static void test_field_override(void)
{
    check_context = "override";
    mmu_cpu cpu = cpu_with("max");
    char err[256];
    /* TGran4 = 0: 4K without 52-bit at stage 1; stage 2 keeps TGran4_2 = 3. */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR0_EL1.TGran4", 0, err, sizeof err), 0);
    CHECK(!cpu.feat.s1_lpa2[0]);
    CHECK(cpu.feat.s1_granule[0]);
    CHECK(cpu.feat.s2_lpa2[0]);
    /* TGran4_2 = 0: stage 2 follows stage 1 (no LPA2). Case-insensitive. */
    CHECK_EQ(cpu_field_set(&cpu, "id_aa64mmfr0_el1.tgran4_2", 0, err, sizeof err), 0);
    CHECK(!cpu.feat.s2_lpa2[0]);
    CHECK(cpu.feat.s2_granule[0]);
    /* TGran4 = 0xF: 4K not implemented, at stage 2 either (TGran4_2 = 0). */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR0_EL1.TGran4", 0xF, err, sizeof err), 0);
    CHECK(!cpu.feat.s1_granule[0]);
    CHECK(!cpu.feat.s2_granule[0]);
    /* Other fields untouched. */
    CHECK(cpu.feat.s1_lpa2[1]);
    CHECK_EQ(cpu.feat.pa_bits, 52);
    /* PARange = 5: 48-bit. */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR0_EL1.PARange", 5, err, sizeof err), 0);
    CHECK_EQ(cpu.feat.pa_bits, 48);
    /* Range TLBI off. */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64ISAR0_EL1.TLB", 1, err, sizeof err), 0);
    CHECK(!cpu.feat.tlbirange && cpu.feat.tlbios);
    /* A whole register. */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR2_EL1", 0, err, sizeof err), 0);
    CHECK(!cpu.feat.lva && !cpu.feat.ttl);
}

static void test_field_errors(void)
{
    check_context = "errors";
    mmu_cpu cpu = cpu_with("max");
    char err[256] = "";
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR0_EL1.TGran5", 1, err, sizeof err), -1);
    CHECK(strstr(err, "TGran5") != NULL);
    err[0] = '\0';
    /* A 4-bit field cannot hold 16. */
    CHECK_EQ(cpu_field_set(&cpu, "ID_AA64MMFR0_EL1.TGran4", 16, err, sizeof err), -1);
    CHECK(strstr(err, "does not fit") != NULL);
    CHECK(cpu.feat.s1_lpa2[0]); /* unchanged */
    /* Translation registers are not CPU fields. */
    mmu_reg r;
    uint64_t mask;
    CHECK_EQ(cpu_field_lookup("TCR_EL1", &r, &mask, err, sizeof err), -1);
    CHECK_EQ(cpu_field_lookup("ID_AA64MMFR1_EL1.HAFDBS", &r, &mask, err, sizeof err), 0);
    CHECK_EQ(r, MMU_ID_AA64MMFR1_EL1);
    CHECK_EQ(mask, 0xF);
    /* Every table entry names its register and has a mask. */
    size_t n;
    const cpu_field *f = cpu_field_all(&n);
    for (size_t i = 0; i < n; i++) {
        CHECK(f[i].mask != 0);
        CHECK(!strncmp(f[i].name, mmu_reg_name(f[i].reg), strlen(mmu_reg_name(f[i].reg))));
    }
}

TEST_MAIN(TEST(test_max), TEST(test_v80), TEST(test_lpa), TEST(test_grid), TEST(test_field_override),
          TEST(test_field_errors))
