/* Replay of a trace through mmu/: see replay.h. Each record does what the
 * machine's hook did when it was recorded: ACCESS is the fill hook
 * (mmu_tlb_translate, walk logged with origin "access"), AT the AT hook,
 * SYSREG the MSR hook, TLBI the SYS hook (decode, invalidate, log), and
 * EXCEPTION is logged as the machine logged it. */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "tlbi.h"

/* The machine formats instruction text into buffers of this size. */
#define INSN_TEXT REPLAY_INSN_TEXT

static const mmu_tlb_config default_tlb = {
    .mode = MMU_TLB_BOUNDED, .entries = 1024, .ways = 4, .policy = MMU_TLB_LRU};

/* ---- Memory port --------------------------------------------------------- */

static bool port_read(void *ctx, uint64_t pa, uint64_t *value)
{
    replay *rp = ctx;
    const trace_page *p = trace_mem_find(&rp->mem, pa);
    if (!p) {
        rp->stats.untracked_reads++;
        return false;
    }
    if (p->words && !(pa & 7)) { /* descriptors are aligned: one lookup */
        *value = p->words[(pa & (TRACE_PAGE_SIZE - 1)) >> 3];
        return true;
    }
    return p->words && trace_mem_read(&rp->mem, pa, 8, value);
}

static bool port_write(void *ctx, uint64_t pa, uint64_t value)
{
    replay *rp = ctx;
    return trace_mem_write(&rp->mem, pa, 8, value);
}

/* ---- Setup --------------------------------------------------------------- */

int replay_init(replay *rp, const replay_opts *opts, char *err, size_t errlen)
{
    memset(rp, 0, sizeof *rp);
    rp->opts = *opts;
    trace_mem_init(&rp->mem);
    trace_insn_map_init(&rp->insns);
    mmu_port port = {.ctx = rp, .read64 = port_read, .write64 = port_write};
    mmu_cpu_init(&rp->cpu, &port);
    if (opts->preset)
        cpu_preset_apply(&rp->cpu, opts->preset);
    if (opts->log) {
        if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &rp->cs) != CS_ERR_OK) {
            snprintf(err, errlen, "Capstone: cannot open an AArch64 disassembler");
            replay_free(rp);
            return -1;
        }
        rp->cs_open = true;
        if (!(rp->texts = calloc(REPLAY_INSN_CACHE, sizeof *rp->texts))) {
            snprintf(err, errlen, "out of memory");
            replay_free(rp);
            return -1;
        }
    }
    return 0;
}

void replay_free(replay *rp)
{
    if (rp->tlb_ready)
        mmu_tlb_free(&rp->tlb);
    if (rp->cs_open)
        cs_close(&rp->cs);
    free(rp->texts);
    trace_mem_free(&rp->mem);
    trace_insn_map_free(&rp->insns);
    memset(rp, 0, sizeof *rp);
}

/* The TLB: the options' configuration, else the recording's (CONFIG),
 * else the machine's default. */
static int setup_tlb(replay *rp, const mmu_tlb_config *recorded, uint64_t offset, char *err,
                     size_t errlen)
{
    if (rp->tlb_ready)
        return 0;
    const mmu_tlb_config *c = rp->opts.has_tlb ? &rp->opts.tlb : recorded ? recorded : &default_tlb;
    char msg[160];
    if (mmu_tlb_init(&rp->tlb, c, msg, sizeof msg)) {
        snprintf(err, errlen, "offset %llu: TLB configuration: %s", (unsigned long long)offset,
                 msg);
        return -1;
    }
    rp->tlb_ready = true;
    return 0;
}

/* ---- Log --------------------------------------------------------------- */

/* The text of instruction word `val` at pc, disassembled as the machine
 * does (cached by PC and word). NULL when unknown or undecodable. */
static const char *insn_text(replay *rp, uint64_t pc, uint64_t val)
{
    replay_insn_text *t = &rp->texts[(pc >> 2) & (REPLAY_INSN_CACHE - 1)];
    if (t->val == val && t->pc == pc)
        return t->ok ? t->text : NULL;
    t->pc = pc;
    t->val = val;
    t->ok = false;
    uint8_t bytes[4];
    for (int i = 0; i < 4; i++)
        bytes[i] = (uint8_t)(val >> (8 * i));
    cs_insn *insn;
    if (cs_disasm(rp->cs, bytes, sizeof bytes, pc, 1, &insn) == 1) {
        /* Truncated like the machine's text when longer. */
        t->ok = snprintf(t->text, INSN_TEXT, "%s%s%s", insn->mnemonic,
                         insn->op_str[0] ? " " : "", insn->op_str) >= 0;
        cs_free(insn, 1);
    }
    return t->ok ? t->text : NULL;
}

/* The walk log's place for a record: the text of the instruction the
 * trace says is at the PC. */
static walklog_where where_of(replay *rp, const trace_where *tw)
{
    walklog_where w = {.icount = tw->icount, .pc = tw->pc, .el = tw->el};
    uint64_t val;
    if (trace_insn_map_get(&rp->insns, tw->pc, &val) && (val & TRACE_INSN_KNOWN))
        w.insn = insn_text(rp, tw->pc, val);
    return w;
}

static bool logging(const replay *rp, unsigned kind)
{
    return rp->opts.log && walklog_wants(rp->opts.log, kind);
}

static void log_walk(replay *rp, const trace_where *tw, const char *origin, const mmu_walk *walk)
{
    if (!logging(rp, WALKLOG_WALKS))
        return;
    walklog_where w = where_of(rp, tw);
    walklog_walk(rp->opts.log, &w, origin, walk);
}

/* ---- Records ------------------------------------------------------------ */

static bool same_fault(const mmu_fault *a, const mmu_fault *b)
{
    return a->type == b->type && a->stage == b->stage && a->level == b->level &&
           a->s1ptw == b->s1ptw;
}

/* Reports an access (or AT) whose outcome differs from the recording's.
 * acc is the access as replay translated it. */
static void compare(replay *rp, const trace_record *rec, const mmu_access *acc, bool ok,
                    const mmu_walk *walk)
{
    const trace_access *a = &rec->u.access;
    if (a->faulted == !ok && (ok || same_fault(&a->fault, &walk->fault)))
        return;
    rp->stats.mismatches++;
    if (!rp->opts.on_mismatch)
        return;
    replay_mismatch m = {.offset = rec->offset, .where = rec->where, .acc = *acc,
                         .at = rec->kind == TRACE_AT, .rec_faulted = a->faulted,
                         .rec_fault = a->fault, .faulted = !ok};
    if (!ok)
        m.fault = walk->fault;
    rp->opts.on_mismatch(rp->opts.ctx, &m);
}

/* An access from the fill hook. A walk is counted and logged as the
 * machine does (sim/fill.c): a TLB miss that read a descriptor or faulted
 * (with both stages off the model "walks" without reading anything). */
static void do_access(replay *rp, const trace_record *rec)
{
    const trace_access *a = &rec->u.access;
    mmu_walk walk;
    bool walked = false;
    bool ok = mmu_tlb_translate(&rp->cpu, &rp->tlb, &a->acc, &walk, &walked);
    bool is_walk = walked && (walk.n_reads || !ok);
    rp->stats.accesses++;
    rp->stats.rec_walks += a->walked;
    rp->stats.rec_faults += a->faulted;
    if (is_walk) {
        rp->stats.walks++;
        log_walk(rp, &rec->where, "access", &walk);
    }
    rp->stats.faults += !ok;
    compare(rp, rec, &a->acc, ok, &walk);
}

/* An AT, executed as the machine's AT hook does (mmu/at.h: a walk that
 * neither uses nor fills the TLB), at the EL that issued it. */
static void do_at(replay *rp, const trace_record *rec)
{
    const trace_access *a = &rec->u.access;
    mmu_at_result res;
    mmu_at_execute(&rp->cpu, a->op, a->acc.va, rec->where.el, &res);
    bool ok = res.walk.fault.type == MMU_FAULT_NONE;
    rp->stats.ats++;
    log_walk(rp, &rec->where, "at", &res.walk);
    compare(rp, rec, &res.walk.access, ok, &res.walk);
}

static void do_sysreg(replay *rp, const trace_record *rec)
{
    mmu_reg reg = rec->u.reg.reg;
    uint64_t old = mmu_cpu_get_reg(&rp->cpu, reg);
    mmu_cpu_set_reg(&rp->cpu, reg, rec->u.reg.value);
    rp->stats.sysregs++;
    if (!logging(rp, WALKLOG_REGISTERS))
        return;
    walklog_where w = where_of(rp, &rec->where);
    walklog_register_write(rp->opts.log, &w, mmu_reg_name(reg), old,
                           mmu_cpu_get_reg(&rp->cpu, reg));
}

static bool is_id_reg(mmu_reg reg)
{
    return reg == MMU_ID_AA64MMFR0_EL1 || reg == MMU_ID_AA64MMFR1_EL1 ||
           reg == MMU_ID_AA64MMFR2_EL1 || reg == MMU_ID_AA64ISAR0_EL1;
}

/* The walk-log view of a decoded TLBI, as the machine's SYS hook logs it. */
static void log_tlbi(replay *rp, const trace_where *tw, const mmu_tlbi *t, long removed)
{
    if (!logging(rp, WALKLOG_TLBIS))
        return;
    char name[WALKLOG_TLBI_NAME_LEN];
    walklog_where w = where_of(rp, tw);
    walklog_tlbi x = walklog_tlbi_of(t, removed, name);
    walklog_tlbi_op(rp->opts.log, &w, &x);
}

static void do_tlbi(replay *rp, const trace_record *rec)
{
    mmu_tlbi_ctx ctx;
    mmu_tlbi t;
    char msg[160];
    const mmu_tlbi_op *op = rec->u.tlbi.op;
    rp->stats.tlbis++;
    mmu_tlbi_context(&rp->cpu, &ctx);
    /* An operation that does not apply here removes nothing and is not
     * logged, as in the machine. */
    if (mmu_tlbi_decode(op, rec->u.tlbi.nxs, rec->u.tlbi.xt, &ctx, &t, msg, sizeof msg))
        return;
    size_t n;
    size_t row = (size_t)(op - mmu_tlbi_ops(&n));
    uint64_t before = rp->tlb.stats.removed[row];
    mmu_tlb_invalidate(&rp->tlb, &t);
    log_tlbi(rp, &rec->where, &t, (long)(rp->tlb.stats.removed[row] - before));
}

static void do_exception(replay *rp, const trace_record *rec)
{
    const trace_exception *e = &rec->u.exc;
    rp->stats.exceptions++;
    if (!logging(rp, WALKLOG_EXCEPTIONS))
        return;
    walklog_where w = where_of(rp, &rec->where);
    walklog_exception x = {.kind = e->kind, .from_el = e->from_el, .to_el = e->to_el,
                           .esr = e->esr, .elr = e->elr, .spsr = e->spsr,
                           .has_far = e->has_far, .far = e->far, .has_hpfar = e->has_hpfar,
                           .hpfar = e->hpfar, .vector = e->vector};
    walklog_exception_taken(rp->opts.log, &w, &x);
}

static int oom(uint64_t offset, char *err, size_t errlen)
{
    snprintf(err, errlen, "offset %llu: out of memory", (unsigned long long)offset);
    return -1;
}

int replay_record(replay *rp, const trace_record *rec, char *err, size_t errlen)
{
    rp->stats.records++;
    switch (rec->kind) {
    case TRACE_CONFIG:
        rp->stats.rec_config = rec->u.config;
        return setup_tlb(rp, &rec->u.config.tlb, rec->offset, err, errlen);
    case TRACE_REG_INIT:
        if (!(rp->opts.preset && is_id_reg(rec->u.reg.reg)))
            mmu_cpu_set_reg(&rp->cpu, rec->u.reg.reg, rec->u.reg.value);
        return 0;
    case TRACE_SYSREG:
        do_sysreg(rp, rec);
        return 0;
    case TRACE_INSN:
        if (!trace_insn_map_put(&rp->insns, rec->u.insn.pc,
                                rec->u.insn.known ? rec->u.insn.word | TRACE_INSN_KNOWN : 0))
            return oom(rec->offset, err, errlen);
        return 0;
    case TRACE_MEM:
    case TRACE_NOMEM: {
        trace_page *p = trace_mem_add(&rp->mem, rec->u.mem.pa, rec->kind == TRACE_MEM);
        if (!p)
            return oom(rec->offset, err, errlen);
        if (rec->kind == TRACE_MEM) {
            if (!p->words) {
                snprintf(err, errlen,
                         "offset %llu: snapshot of page 0x%llx, which the trace said has no "
                         "memory",
                         (unsigned long long)rec->offset, (unsigned long long)rec->u.mem.pa);
                return -1;
            }
            memcpy(p->words, rec->u.mem.words, sizeof rec->u.mem.words);
        }
        rp->stats.pages++;
        return 0;
    }
    case TRACE_STORE:
        rp->stats.stores++;
        if (!trace_mem_write(&rp->mem, rec->u.store.pa, rec->u.store.size, rec->u.store.value)) {
            snprintf(err, errlen,
                     "offset %llu: store to 0x%llx, in memory the trace has not described (no "
                     "snapshot of its page before it)",
                     (unsigned long long)rec->offset, (unsigned long long)rec->u.store.pa);
            return -1;
        }
        return 0;
    case TRACE_END:
        rp->stats.has_end = true;
        rp->stats.rec = rec->u.summary;
        return 0;
    case TRACE_ACCESS:
    case TRACE_AT:
    case TRACE_TLBI:
    case TRACE_EXCEPTION:
        break;
    }
    if (setup_tlb(rp, NULL, rec->offset, err, errlen))
        return -1;
    switch (rec->kind) {
    case TRACE_ACCESS:
        do_access(rp, rec);
        break;
    case TRACE_AT:
        do_at(rp, rec);
        break;
    case TRACE_TLBI:
        do_tlbi(rp, rec);
        break;
    default:
        do_exception(rp, rec);
        break;
    }
    return 0;
}

int replay_run(replay *rp, trace_reader *r, char *err, size_t errlen)
{
    trace_record *rec = malloc(sizeof *rec);
    if (!rec)
        return oom(0, err, errlen);
    int rc;
    while ((rc = trace_next(r, rec, err, errlen)) == 1)
        if (replay_record(rp, rec, err, errlen)) {
            rc = -1;
            break;
        }
    free(rec);
    if (rp->tlb_ready) {
        rp->stats.hits = rp->tlb.stats.hits;
        rp->stats.misses = rp->tlb.stats.misses;
    }
    if (rp->opts.log)
        walklog_flush(rp->opts.log);
    return rc;
}
