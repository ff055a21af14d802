/* Synthetic recordings: see trace_synth.h. The engine reaches RAM through
 * `cpu_port` (wrapped by the recorder, like the machine's physmem port);
 * the builder writes through `guest_port`, whose writes after the start
 * are guest stores reported to the recorder, like the machine's store
 * hook. */
#include "trace_synth.h"

#include <string.h>

#include "cpu_preset.h"
#include "sysreg.h"
#include "tlbi.h"

#define TABLES_END (TRACE_SYNTH_RAM + TRACE_SYNTH_RAM_SIZE)

static bool in_ram(uint64_t pa)
{
    return pa >= TRACE_SYNTH_RAM && pa + 8 <= TABLES_END;
}

static bool ram_read(void *ctx, uint64_t pa, uint64_t *value)
{
    trace_synth *s = ctx;
    if (!in_ram(pa))
        return false;
    if (!trace_mem_read(&s->ram, pa, 8, value))
        *value = 0; /* RAM never written: zero */
    return true;
}

static bool ram_write(trace_synth *s, uint64_t pa, uint64_t value)
{
    if (!in_ram(pa))
        return false;
    trace_page *p = trace_mem_find(&s->ram, pa);
    if (!p && !(p = trace_mem_add(&s->ram, pa, true)))
        return false;
    return trace_mem_write(&s->ram, pa, 8, value);
}

static bool cpu_write(void *ctx, uint64_t pa, uint64_t value)
{
    return ram_write(ctx, pa, value);
}

static bool guest_write(void *ctx, uint64_t pa, uint64_t value)
{
    trace_synth *s = ctx;
    if (!ram_write(s, pa, value))
        return false;
    if (s->started)
        trace_rec_store(s->rec, pa, 8, value);
    return true;
}

static bool table_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    trace_synth *s = ctx;
    uint64_t at = (s->next_table + align - 1) & ~(align - 1);
    if (at + size > TABLES_END)
        return false;
    for (uint64_t off = 0; off < size; off += 8)
        if (!guest_write(s, at + off, 0))
            return false;
    s->next_table = at + size;
    *pa = at;
    return true;
}

int trace_synth_init(trace_synth *s, FILE *out, const mmu_tlb_config *tlb, walklog *log,
                     char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    trace_mem_init(&s->ram);
    s->log = log;
    s->next_table = TRACE_SYNTH_TABLES;
    s->pc = TRACE_SYNTH_RAM;
    mmu_port cpu_port = {.ctx = s, .read64 = ram_read, .write64 = cpu_write};
    mmu_port guest_port = {.ctx = s, .read64 = ram_read, .write64 = guest_write};
    mmu_pt_alloc alloc = {.ctx = s, .alloc = table_alloc};
    mmu_cpu_init(&s->cpu, &cpu_port);
    cpu_preset_apply(&s->cpu, cpu_preset_find("max"));
    mmu_pt_format f = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 48,
                       .start_level = MMU_NO_LEVEL};
    if (mmu_pt_init(&s->s1, &f, &guest_port, &alloc, err, errlen) ||
        mmu_tlb_init(&s->tlb, tlb, err, errlen)) {
        trace_mem_free(&s->ram);
        return -1;
    }
    mmu_cpu_set_reg(&s->cpu, MMU_MAIR_EL1, 0xff);
    mmu_cpu_set_reg(&s->cpu, MMU_TCR_EL1,
                    FIELD_PREP(TCR_T0SZ, 16) | TCR_EPD1 | FIELD_PREP(TCR_SH0, 3) |
                        FIELD_PREP(TCR_IPS, 5) | TCR_AS | TCR_HA | TCR_HD);
    mmu_cpu_set_reg(&s->cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&s->s1) | UINT64_C(1) << 48);
    mmu_cpu_set_reg(&s->cpu, MMU_SCTLR_EL1, SCTLR_M);
    if (trace_rec_from_stream(&s->rec, out, err, errlen)) {
        mmu_tlb_free(&s->tlb);
        trace_mem_free(&s->ram);
        return -1;
    }
    return 0;
}

static void step_failed(trace_synth *s, const char *what, const char *msg)
{
    if (!s->failed)
        snprintf(s->err, sizeof s->err, "%s: %s", what, msg);
    s->failed = true;
}

int trace_synth_map(trace_synth *s, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs)
{
    char msg[160];
    if (mmu_pt_map(&s->s1, va, pa, size, attrs, MMU_MAP_PAGES_ONLY, msg, sizeof msg)) {
        step_failed(s, "map", msg);
        return -1;
    }
    return 0;
}

int trace_synth_unmap(trace_synth *s, uint64_t va, uint64_t size)
{
    char msg[160];
    if (mmu_pt_unmap(&s->s1, va, size, msg, sizeof msg)) {
        step_failed(s, "unmap", msg);
        return -1;
    }
    return 0;
}

void trace_synth_start(trace_synth *s)
{
    trace_rec_start(s->rec, &s->cpu, &s->tlb.cfg, "max");
    trace_rec_wrap_port(s->rec, &s->cpu.port);
    s->started = true;
}

void trace_synth_step(trace_synth *s, uint64_t insns, uint64_t pc)
{
    s->icount += insns;
    s->pc = pc;
}

static trace_where where_now(const trace_synth *s, uint8_t el, uint32_t insn)
{
    return (trace_where){.icount = s->icount, .pc = s->pc, .el = el, .has_insn = insn != 0,
                         .insn = insn};
}

/* The log's view of the place; the instruction text is what Capstone
 * prints for the synthetic encodings. */
static walklog_where log_where(const trace_synth *s, uint8_t el, uint32_t insn)
{
    const char *text = insn == TRACE_SYNTH_LDR   ? "ldr x0, [x1]"
                       : insn == TRACE_SYNTH_STR ? "str x0, [x1]"
                       : insn == TRACE_SYNTH_NOP ? "nop"
                                                 : NULL;
    return (walklog_where){.icount = s->icount, .pc = s->pc, .el = el, .insn = text};
}

bool trace_synth_access(trace_synth *s, uint64_t va, mmu_access_kind kind, uint8_t el)
{
    mmu_access acc = {.va = va, .kind = kind, .el = el};
    mmu_walk walk;
    bool walked = false;
    bool ok = mmu_tlb_translate(&s->cpu, &s->tlb, &acc, &walk, &walked);
    uint32_t insn = kind == MMU_ACC_FETCH   ? TRACE_SYNTH_NOP
                    : kind == MMU_ACC_WRITE ? TRACE_SYNTH_STR
                                            : TRACE_SYNTH_LDR;
    if (walked && s->log) {
        walklog_where w = log_where(s, el, insn);
        walklog_walk(s->log, &w, "access", &walk);
    }
    trace_where tw = where_now(s, el, insn);
    trace_access a = {.acc = acc, .walked = walked, .faulted = !ok};
    if (!ok)
        a.fault = walk.fault;
    trace_rec_access(s->rec, &tw, &a);
    s->sum.accesses++;
    s->sum.walks += walked;
    s->sum.faults += !ok;
    return ok;
}

void trace_synth_sysreg(trace_synth *s, mmu_reg reg, uint64_t value)
{
    uint64_t old = mmu_cpu_get_reg(&s->cpu, reg);
    mmu_cpu_set_reg(&s->cpu, reg, value);
    if (s->log) {
        walklog_where w = log_where(s, 1, 0);
        walklog_register_write(s->log, &w, mmu_reg_name(reg), old, mmu_cpu_get_reg(&s->cpu, reg));
    }
    trace_where tw = where_now(s, 1, 0);
    trace_rec_sysreg(s->rec, &tw, reg, value);
}

void trace_synth_tlbi(trace_synth *s, const char *name, uint64_t xt)
{
    bool nxs;
    char msg[160];
    const mmu_tlbi_op *op = mmu_tlbi_op_by_name(name, &nxs);
    if (!op) {
        step_failed(s, "tlbi", name);
        return;
    }
    mmu_tlbi_ctx ctx;
    mmu_tlbi t;
    mmu_tlbi_context(&s->cpu, &ctx);
    if (mmu_tlbi_decode(op, nxs, xt, &ctx, &t, msg, sizeof msg)) {
        step_failed(s, name, msg);
        return;
    }
    size_t n;
    size_t row = (size_t)(op - mmu_tlbi_ops(&n));
    uint64_t before = s->tlb.stats.removed[row];
    mmu_tlb_invalidate(&s->tlb, &t);
    if (s->log) {
        char opname[WALKLOG_TLBI_NAME_LEN];
        walklog_tlbi x = walklog_tlbi_of(&t, (long)(s->tlb.stats.removed[row] - before), opname);
        walklog_where w = log_where(s, 1, 0);
        walklog_tlbi_op(s->log, &w, &x);
    }
    trace_where tw = where_now(s, 1, 0);
    trace_rec_tlbi(s->rec, &tw, op, nxs, xt);
}

void trace_synth_store(trace_synth *s, uint64_t pa, uint64_t value, bool report)
{
    if (!ram_write(s, pa, value)) {
        step_failed(s, "store", "outside RAM");
        return;
    }
    if (report)
        trace_rec_store(s->rec, pa, 8, value);
}

int trace_synth_finish(trace_synth *s, char *err, size_t errlen)
{
    s->sum.insns = s->icount;
    s->sum.hits = s->tlb.stats.hits;
    s->sum.misses = s->tlb.stats.misses;
    int rc = trace_rec_close(s->rec, &s->sum, err, errlen);
    if (s->log)
        walklog_flush(s->log);
    mmu_tlb_free(&s->tlb);
    trace_mem_free(&s->ram);
    if (s->failed) {
        snprintf(err, errlen, "%s", s->err);
        return -1;
    }
    return rc;
}
