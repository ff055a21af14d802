/* The diff fixture guest: see diff_fixture.h. */
#include "diff_fixture.h"

#include <stdlib.h>

#include "bump.h"
#include "desc.h"
#include "sysreg.h"
#include "tarmac_sink.h"

static const uint32_t code[] = {
    0xd2b00001, /* mov x1, #0x80000000 */
    0xd2824682, /* mov x2, #0x1234 */
    0xf9000422, /* str x2, [x1, #8] */
    0xf9400423, /* ldr x3, [x1, #8] */
    0xd50c7801, /* at s1e2r, x1 */
    0xd5387407, /* mrs x7, par_el1 */
    0xd2810006, /* mov x6, #0x800 */
    0xf2a80006, /* movk x6, #0x4000, lsl #16 */
    0xd51cc006, /* msr vbar_el2, x6 */
    0xf9000149, /* str x9, [x10]: the new descriptor of FIX_DATA_VA */
    0xd5033b9f, /* dsb ish */
    0xd50c872b, /* tlbi vae2, x11 */
    0xd5033b9f, /* dsb ish */
    0xf940042c, /* ldr x12, [x1, #8]: now from FIX_NEW_PA */
    0xf9480828, /* ldr x8, [x1, #0x1010] */
    0xd2b20004, /* mov x4, #0x90000000 */
    0xf9400885, /* ldr x5, [x4, #0x10]: Data Abort */
    0x14000000, /* b . */
};

static int build(machine *m, char *err, size_t errlen)
{
    if (machine_add_virt_board(m, MACHINE_VIRT_RAM_SIZE, err, errlen))
        return -1;
    bump b = {0x44000000, 0x44100000};
    mmu_pt_alloc alloc = bump_allocator(&b);
    mmu_port port = physmem_port(&m->mem);
    mmu_builder s1;
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 32,
                         .start_level = MMU_NO_LEVEL};
    uint64_t attrs = DESC_AF | FIELD_PREP(DESC_SH, 3); /* AttrIndx 0, EL2 read/write */
    if (mmu_pt_init(&s1, &fmt, &port, &alloc, err, errlen) ||
        mmu_pt_map(&s1, FIX_CODE, FIX_CODE, 0x1000, attrs, 0, err, errlen) ||
        mmu_pt_map(&s1, FIX_DATA_VA, FIX_DATA_PA, 0x2000, attrs, MMU_MAP_PAGES_ONLY, err,
                   errlen) ||
        mmu_pt_map(&s1, 0x44000000, 0x44000000, 0x100000, attrs, 0, err, errlen))
        return -1;
    mmu_cpu_set_reg(&m->cpu, MMU_MAIR_EL2, 0xff);
    mmu_cpu_set_reg(&m->cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 32) | FIELD_PREP(TCR2_PS, 2));
    mmu_cpu_set_reg(&m->cpu, MMU_TTBR0_EL2, mmu_pt_ttbr_baddr(&s1));
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL2, mmu_cpu_get_reg(&m->cpu, MMU_SCTLR_EL2) | SCTLR_M);
    /* The descriptor the guest rewrites, and its new value. */
    mmu_access acc = {.va = FIX_DATA_VA, .kind = MMU_ACC_READ, .el = 2, .no_update = true};
    mmu_walk w;
    if (!mmu_walk_translate(&m->cpu, &acc, &w)) {
        snprintf(err, errlen, "fixture: FIX_DATA_VA does not translate");
        return -1;
    }
    const mmu_desc_read *leaf = &w.reads[w.n_reads - 1];
    uint64_t desc = (leaf->value & ~GENMASK64(47, 12)) | FIX_NEW_PA;
    uint32_t vector = 0x14000000; /* b . */
    if (!physmem_write(&m->mem, FIX_CODE, code, sizeof code) ||
        !physmem_write(&m->mem, FIX_VECTOR, &vector, sizeof vector)) {
        snprintf(err, errlen, "fixture: cannot write the code");
        return -1;
    }
    return machine_set_entry(m, FIX_CODE, 2, false, 0, err, errlen) ||
           machine_set_x(m, 9, desc, err, errlen) ||
           machine_set_x(m, 10, leaf->pa, err, errlen) ||
           machine_set_x(m, 11, FIX_DATA_VA >> 12, err, errlen);
}

machine *fixture_machine(char *err, size_t errlen)
{
    machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (machine_init(m, err, errlen) || build(m, err, errlen)) {
        fixture_free(m);
        return NULL;
    }
    m->out = NULL;
    return m;
}

void fixture_free(machine *m)
{
    if (m)
        machine_destroy(m);
    free(m);
}

FILE *fixture_trace(unsigned sink_flags, uint64_t max_insns, char *err, size_t errlen)
{
    machine *m = fixture_machine(err, errlen);
    if (!m)
        return NULL;
    FILE *f = tmpfile();
    tarmac_sink *s = f ? tarmac_sink_new(f, sink_flags) : NULL;
    if (!s || tarmac_sink_attach(s, m, err, errlen)) {
        if (!s)
            snprintf(err, errlen, "cannot open a temporary file");
        tarmac_sink_free(s);
        if (f)
            fclose(f);
        fixture_free(m);
        return NULL;
    }
    m->max_insns = max_insns;
    machine_run(m);
    int rc = tarmac_sink_status(s, err, errlen);
    tarmac_sink_free(s);
    fixture_free(m);
    if (rc || fflush(f)) {
        fclose(f);
        return NULL;
    }
    rewind(f);
    return f;
}
