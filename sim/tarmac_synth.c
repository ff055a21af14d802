/* Synthetic translated Tarmac traces: see tarmac_synth.h. */
#include "tarmac_synth.h"

#include <string.h>

#include "at.h"
#include "cpu_preset.h"
#include "desc.h"
#include "sysreg.h"
#include "tarmac.h"
#include "trace.h"
#include "trace_mem.h"

/* The guest's layout: 48-bit VAs, 4K pages, EL1&0 stage 1 only. */
#define CODE_VA UINT64_C(0x0000000000400000)
#define CODE_PA UINT64_C(0x0000000040080000)
#define CODE_SIZE UINT64_C(0x10000)
#define DATA_VA UINT64_C(0x0000100000000000)
#define DATA_PA UINT64_C(0x0000000080000000)
#define HOLE_VA UINT64_C(0x0000200000000000) /* unmapped: loads there abort */
#define TABLES_PA UINT64_C(0x0000000070000000)
#define TABLES_SIZE UINT64_C(0x400000)
#define RESET_SCTLR_EL1 UINT64_C(0x30d00800) /* as sim/machine.c resets it */
#define MAIR 0xffu                          /* AttrIndx 0: Normal write-back */
#define TCR (FIELD_PREP(TCR_T0SZ, 16) | FIELD_PREP(TCR_TG0, 0) | FIELD_PREP(TCR_SH0, 3) | \
             FIELD_PREP(TCR_IPS, 5) | TCR_EPD1)
#define ESR_DABT_SAME (UINT64_C(0x25) << 26 | UINT64_C(1) << 25)

typedef struct synth {
    tarmac_writer w;
    trace_mem mem;
    mmu_cpu cpu;
    uint64_t next_table, rng, t;
    unsigned pages;
    tarmac_synth_stats *st;
    int rc;
} synth;

static uint64_t next_random(synth *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return s->rng;
}

/* Data page i maps to a scattered PA page (an odd multiplier permutes). */
static uint64_t data_pa_page(const synth *s, uint64_t i)
{
    return DATA_PA + ((i * UINT64_C(2654435761)) & (s->pages - 1)) * 0x1000;
}

/* Table memory: every descriptor the builder writes becomes an MW8 line. */
static bool port_read(void *ctx, uint64_t pa, uint64_t *v)
{
    return trace_mem_read(&((synth *)ctx)->mem, pa, 8, v);
}

static bool port_write(void *ctx, uint64_t pa, uint64_t v)
{
    synth *s = ctx;
    if (!trace_mem_write(&s->mem, pa, 8, v))
        return false;
    s->rc |= tarmac_write_mem(&s->w, s->t, TARMAC_MEM_WRITE, 8, pa, pa, TARMAC_PAS_NS, v);
    s->st->table_stores++;
    return true;
}

static bool alloc_table(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    synth *s = ctx;
    uint64_t p = (s->next_table + align - 1) & ~(align - 1);
    if (p + size > TABLES_PA + TABLES_SIZE)
        return false;
    for (uint64_t q = p; q < p + size; q += TRACE_PAGE_SIZE)
        if (!trace_mem_add(&s->mem, q, true))
            return false;
    *pa = p;
    s->next_table = p + size;
    return true;
}

static void reg(synth *s, const char *name, mmu_reg r, uint64_t v)
{
    s->rc |= tarmac_write_reg(&s->w, s->t, name, v);
    mmu_cpu_set_reg(&s->cpu, r, v);
}

/* The first instruction, with the MMU off, builds the tables by stores;
 * the next turns it on. */
static int build(synth *s, char *err, size_t errlen)
{
    s->rc |= tarmac_write_insn(&s->w, s->t, s->t, CODE_PA, CODE_PA, TARMAC_PAS_NS, 0xf9000020, 1,
                               true, true, "str x0, [x1]");
    mmu_port port = {.ctx = s, .read64 = port_read, .write64 = port_write};
    mmu_pt_alloc alloc = {.ctx = s, .alloc = alloc_table};
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 48,
                         .start_level = MMU_NO_LEVEL};
    mmu_builder b;
    uint64_t attrs = DESC_AF | FIELD_PREP(DESC_SH, 3); /* AttrIndx 0, EL1 read/write */
    if (mmu_pt_init(&b, &fmt, &port, &alloc, err, errlen) ||
        mmu_pt_map(&b, CODE_VA, CODE_PA, CODE_SIZE, attrs, 0, err, errlen))
        return -1;
    for (uint64_t i = 0; i < s->pages; i++)
        if (mmu_pt_map(&b, DATA_VA + i * 0x1000, data_pa_page(s, i), 0x1000, attrs,
                       MMU_MAP_PAGES_ONLY, err, errlen))
            return -1;
    s->st->insns++;
    s->t++;
    s->rc |= tarmac_write_insn(&s->w, s->t, s->t, CODE_PA + 4, CODE_PA + 4, TARMAC_PAS_NS,
                               0xd5181000, 1, true, true, "msr sctlr_el1, x0");
    reg(s, "MAIR_EL1", MMU_MAIR_EL1, MAIR);
    reg(s, "TCR_EL1", MMU_TCR_EL1, TCR);
    reg(s, "TTBR0_EL1", MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&b));
    reg(s, "SCTLR_EL1", MMU_SCTLR_EL1, RESET_SCTLR_EL1 | SCTLR_M);
    s->st->insns++;
    return 0;
}

static const char *const disasm[] = {"add x3, x3, #1", "mov x4, x5", "b.ne #0x400100",
                                     "ldr x0, [x1, #8]", "str x2, [x1]"};

/* One instruction and what it does. */
static void step(synth *s)
{
    uint64_t r = next_random(s);
    uint64_t off = (s->st->insns * 4) % CODE_SIZE;
    unsigned what = (unsigned)(r % 10); /* 0-1 load, 2 store, 3-9 other */
    s->t++;
    s->st->insns++;
    s->rc |= tarmac_write_insn(&s->w, s->t, s->t, CODE_VA + off, CODE_PA + off, TARMAC_PAS_NS,
                               (uint32_t)(r >> 32), 1, true, true,
                               disasm[what < 2 ? 3 : what == 2 ? 4 : what % 3]);
    if ((r >> 8) % 10 < 6) {
        char name[8];
        snprintf(name, sizeof name, "X%u", (unsigned)((r >> 16) % 31));
        s->rc |= tarmac_write_reg(&s->w, s->t, name, r);
    }
    if (what <= 2) {
        uint64_t page = (r >> 20) & (s->pages - 1), in = (r >> 40) & 0xff8;
        s->rc |= tarmac_write_mem(&s->w, s->t, what == 2 ? TARMAC_MEM_WRITE : 0, 8, DATA_VA + page * 0x1000 + in,
                                  data_pa_page(s, page) + in, TARMAC_PAS_NS, r);
        if (what == 2)
            s->st->stores++;
        else
            s->st->loads++;
    }
    uint64_t n = s->st->insns;
    if (n % 1000 == 0) { /* a TLBI of one data page */
        uint64_t page = (r >> 24) & (s->pages - 1);
        s->rc |= tarmac_write_tlbi(&s->w, s->t, "VAE1IS", (DATA_VA >> 12) + page);
        s->st->tlbis++;
    }
    if (n % 1000 == 500) { /* AT of a data VA, or of the hole */
        uint64_t va = (r & 1) ? HOLE_VA : DATA_VA + ((r >> 24) & (s->pages - 1)) * 0x1000;
        mmu_at_result res;
        mmu_at_execute(&s->cpu, mmu_at_op_by_name("S1E1R"), va, 1, &res);
        s->rc |= tarmac_write_at(&s->w, s->t, "S1E1R", va);
        s->rc |= tarmac_write_reg(&s->w, s->t, "PAR_EL1", res.par);
        s->st->ats++;
    }
    if (n % 5000 == 2500) { /* a load from the hole: Data Abort to EL1 */
        uint64_t va = HOLE_VA + ((r >> 12) & 0xffff8);
        mmu_access acc = {.va = va, .kind = MMU_ACC_READ, .el = 1};
        mmu_walk walk;
        mmu_walk_translate(&s->cpu, &acc, &walk);
        uint64_t pc = CODE_VA + off;
        s->rc |= tarmac_write_mem_abort(&s->w, s->t, 0, 8, va);
        s->rc |= tarmac_write_exception(&s->w, s->t, pc, 0x200, "CoreEvent_CURRENT_SPx_SYNC");
        s->rc |= tarmac_write_reg(&s->w, s->t, "ESR_EL1", ESR_DABT_SAME | mmu_dabt_iss(&walk.fault, false));
        s->rc |= tarmac_write_reg(&s->w, s->t, "FAR_EL1", va);
        s->st->aborts++;
    }
}

int tarmac_synth_write(FILE *out, const tarmac_synth_opts *o, tarmac_synth_stats *st, char *err,
                       size_t errlen)
{
    synth s = {.rng = o->seed ? o->seed : UINT64_C(0x9e3779b97f4a7c15),
               .pages = o->data_pages ? o->data_pages : 1024, .next_table = TABLES_PA, .st = st};
    if (s.pages & (s.pages - 1)) {
        snprintf(err, errlen, "data_pages %u is not a power of two", s.pages);
        return -1;
    }
    memset(st, 0, sizeof *st);
    tarmac_writer_init(&s.w, out, -1);
    trace_mem_init(&s.mem);
    mmu_port port = {.ctx = &s, .read64 = port_read, .write64 = port_write};
    mmu_cpu_init(&s.cpu, &port);
    cpu_preset_apply(&s.cpu, cpu_preset_find("max"));
    mmu_cpu_set_reg(&s.cpu, MMU_SCTLR_EL1, RESET_SCTLR_EL1);
    int rc = build(&s, err, errlen);
    while (!rc && !s.rc && s.w.lines < o->lines)
        step(&s);
    if (!rc && s.rc) {
        snprintf(err, errlen, "%s", s.w.err);
        rc = -1;
    }
    st->lines = s.w.lines;
    trace_mem_free(&s.mem);
    return rc;
}
