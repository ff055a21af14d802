/* diff, lock-step mode: the machine runs the guest with a Tarmac sink
 * writing into memory; at each instruction boundary the lines of the
 * instruction just finished are parsed back and compared with the trace's
 * lines for the same instruction, read from the trace as the run goes. So
 * the comparison is exactly "mmusim run --tarmac" against the trace, done
 * in constant memory and with the machine's state at hand for walks.
 * See diff.h and docs/diff.md. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff_parts.h"
#include "tarmac_sink.h"
#include "tlbi.h"

/* Lines mmusim writes for one instruction: the IT line, a few accesses,
 * an exception's registers, a TLBI or AT. More are not compared. */
#define MAX_OURS 64

typedef struct ls {
    machine *m;
    tarmac_reader *r;
    diff_report *rep;
    tarmac_sink *sink;
    FILE *buf;            /* the sink's output for the current instruction */
    char *bufp;
    size_t bufsize;
    /* Our lines of one instruction, parsed (pointing into bufp). */
    tarmac_record ours[MAX_OURS];
    size_t n_ours;
    /* The trace: its next IT line, read ahead and copied. */
    bool have_next, eof, failed;
    tarmac_record next;
    char next_text[TARMAC_MAX_LINE + 1];
    uint64_t trace_k;     /* trace instructions compared */
    uint64_t base;        /* run instruction of the trace's first */
    bool started;         /* the trace's first instruction was seen */
    bool stopped;         /* no more comparison (recorded in rep->stopped) */
    char err[256];
    diff_where cur;
    char insn[96];
    diff_mmu_lines mmu;
    mmu_walk walk;
    /* What the trace's current instruction showed, for the checks at its end. */
    size_t mem_i, tlbi_i, at_i;
    bool trace_e, both_aborted, esr_seen, last_trace_aborted;
    bool has_e_pc;
    uint64_t e_pc;        /* the trace's exception return address */
    bool trace_prints_e;  /* the trace has had an E line: it prints exceptions */
} ls;

/* ---- Reading the trace ------------------------------------------------------- */

/* The next trace record, or NULL at the end (or on a read error, kept). */
static const tarmac_record *trace_next(ls *s, tarmac_record *rec)
{
    if (s->eof)
        return NULL;
    int st = tarmac_reader_next(s->r, rec, s->err, sizeof s->err);
    if (st <= 0) {
        s->eof = true;
        s->failed = st < 0;
        return NULL;
    }
    return rec;
}

/* Keeps an IT record beyond the reader's next call: its line is copied and
 * parsed again. */
static void keep_next(ls *s, const tarmac_record *rec)
{
    size_t n = rec->text_len < TARMAC_MAX_LINE ? rec->text_len : TARMAC_MAX_LINE;
    memcpy(s->next_text, rec->text, n);
    s->next_text[n] = '\0';
    tarmac_state st;
    tarmac_state_init(&st);
    st.time = rec->time;
    st.has_time = rec->has_time;
    st.cpu = rec->cpu;
    tarmac_parse_line(&st, s->next_text, n, rec->line, &s->next);
    s->have_next = true;
}

/* ---- Our lines ------------------------------------------------------------------ */

static const tarmac_record *ours_find_reg(const ls *s, const tarmac_record *t)
{
    const tarmac_reg *tr = &t->u.reg;
    for (size_t i = 0; i < s->n_ours; i++) {
        const tarmac_record *o = &s->ours[i];
        if ((o->kind == TARMAC_SYSREG || o->kind == TARMAC_REG) && o->u.reg.name_len == tr->name_len &&
            !strncasecmp(o->u.reg.name, tr->name, tr->name_len))
            return o;
    }
    return NULL;
}

/* The i-th of our records of kind k (counting from 0), or NULL. */
static const tarmac_record *ours_nth(const ls *s, tarmac_kind k, size_t n)
{
    for (size_t i = 0; i < s->n_ours; i++)
        if (s->ours[i].kind == k && n-- == 0)
            return &s->ours[i];
    return NULL;
}

static bool ours_has(const ls *s, tarmac_kind k)
{
    return ours_nth(s, k, 0) != NULL;
}

/* ---- Comparing one instruction's lines ------------------------------------------- */

static diff_where where_at(const ls *s, uint64_t line)
{
    diff_where w = s->cur;
    w.line = line;
    return w;
}

static void stop(ls *s, const char *why)
{
    if (s->stopped)
        return;
    s->stopped = true;
    snprintf(s->rep->stopped, sizeof s->rep->stopped, "%s", why);
    machine_halt(s->m, MACHINE_EXITED, 0, "diff: %s", why);
}

/* mmusim's walk now, for a report or for TTW/TLB FILL lines. */
static bool walk_now(ls *s, uint64_t va, mmu_access_kind kind)
{
    mmu_access acc = {.va = va, .kind = kind, .el = (uint8_t)(s->cur.el < 0 ? 1 : s->cur.el),
                      .no_update = true};
    return mmu_walk_translate(&s->m->cpu, &acc, &s->walk);
}

static void check_mmu_lines(ls *s, uint64_t line, uint64_t va, mmu_access_kind kind)
{
    if (!diff_mmu_lines_pending(&s->mmu))
        return;
    bool ok = walk_now(s, va, kind);
    diff_where at = where_at(s, line);
    diff_mmu_lines_check(&s->mmu, s->rep, &at, &s->walk, ok);
}

static void set_cur(ls *s, const tarmac_record *t)
{
    const tarmac_insn *in = &t->u.insn;
    s->cur.line = s->cur.insn_line = t->line;
    s->cur.icount = in->id;
    s->cur.pc = in->pc.va;
    if (in->el >= 0)
        s->cur.el = in->el;
    size_t off = 0, n = in->disasm_len;
    while (off < n && in->disasm[off] == ' ')
        off++;
    n -= off;
    if (n >= sizeof s->insn)
        n = sizeof s->insn - 1;
    memcpy(s->insn, in->disasm + off, n);
    s->insn[n] = '\0';
}

static void check_insn(ls *s, const tarmac_record *t)
{
    const tarmac_insn *ti = &t->u.insn;
    const tarmac_record *o = ours_nth(s, TARMAC_INSN, 0);
    set_cur(s, t);
    diff_where at = where_at(s, t->line);
    if (!o || o->u.insn.pc.va != ti->pc.va ||
        (ti->has_opcode && o->u.insn.has_opcode && ti->opcode != o->u.insn.opcode)) {
        diff_divergence *d = diff_disagree(s->rep, DIFF_FLOW, &at);
        snprintf(d->trace, sizeof d->trace, "instruction at 0x%" PRIx64 " (%08" PRIx32 ")",
                 ti->pc.va, ti->opcode);
        if (o)
            snprintf(d->ours, sizeof d->ours, "instruction at 0x%" PRIx64 " (%08" PRIx32 ")",
                     o->u.insn.pc.va, o->u.insn.opcode);
        else
            snprintf(d->ours, sizeof d->ours, "no instruction");
        snprintf(d->note, sizeof d->note, "the runs part ways: nothing after this is compared");
        stop(s, "the runs part ways (see the flow divergence)");
        return;
    }
    diff_agree(s->rep, DIFF_FLOW);
    if (ti->pc.has_pa && o->u.insn.pc.has_pa) {
        if (ti->pc.pa == o->u.insn.pc.pa) {
            diff_agree(s->rep, DIFF_FETCH_PA);
        } else {
            diff_divergence *d = diff_disagree(s->rep, DIFF_FETCH_PA, &at);
            snprintf(d->trace, sizeof d->trace, "PA 0x%" PRIx64, ti->pc.pa);
            snprintf(d->ours, sizeof d->ours, "PA 0x%" PRIx64, o->u.insn.pc.pa);
            d->has_walk = true;
            walk_now(s, ti->pc.va, MMU_ACC_FETCH);
            d->walk = s->walk;
        }
    } else {
        s->rep->skipped.no_pa++;
    }
    check_mmu_lines(s, t->line, ti->pc.va, MMU_ACC_FETCH);
}

static void check_mem(ls *s, const tarmac_record *t)
{
    const tarmac_mem *tm = &t->u.mem;
    const tarmac_record *o = ours_nth(s, TARMAC_MEM, s->mem_i);
    diff_where at = where_at(s, t->line);
    if (tm->aborted && s->last_trace_aborted && (!o || !o->u.mem.aborted))
        return; /* the rest of an access that aborted (LDP): mmusim writes one line */
    s->last_trace_aborted = tm->aborted;
    mmu_access_kind kind = tm->write ? MMU_ACC_WRITE : MMU_ACC_READ;
    if (!o || o->u.mem.write != tm->write || o->u.mem.addr.va != tm->addr.va) {
        diff_divergence *d = diff_disagree(s->rep, DIFF_FLOW, &at);
        snprintf(d->trace, sizeof d->trace, "%s of VA 0x%" PRIx64, tm->write ? "store" : "load",
                 tm->addr.va);
        if (o)
            snprintf(d->ours, sizeof d->ours, "%s of VA 0x%" PRIx64,
                     o->u.mem.write ? "store" : "load", o->u.mem.addr.va);
        else
            snprintf(d->ours, sizeof d->ours, "no more accesses in this instruction");
        s->mem_i += o != NULL;
        return;
    }
    s->mem_i++;
    const tarmac_mem *om = &o->u.mem;
    if (tm->aborted != om->aborted) {
        diff_divergence *d = diff_disagree(s->rep, DIFF_FAULT, &at);
        bool ok = walk_now(s, tm->addr.va, kind);
        snprintf(d->trace, sizeof d->trace, tm->aborted ? "aborted" : "PA 0x%" PRIx64, tm->addr.pa);
        snprintf(d->ours, sizeof d->ours, om->aborted ? "aborted" : "PA 0x%" PRIx64, om->addr.pa);
        snprintf(d->note, sizeof d->note, "a walk now %s", ok ? "translates" : "faults");
        d->has_walk = true;
        d->walk = s->walk;
    } else if (tm->aborted) {
        s->both_aborted = true; /* the status is compared at ESR */
    } else if (tm->addr.has_pa && om->addr.has_pa) {
        if (tm->addr.pa == om->addr.pa) {
            diff_agree(s->rep, DIFF_DATA_PA);
        } else {
            diff_divergence *d = diff_disagree(s->rep, DIFF_DATA_PA, &at);
            snprintf(d->trace, sizeof d->trace, "PA 0x%" PRIx64, tm->addr.pa);
            snprintf(d->ours, sizeof d->ours, "PA 0x%" PRIx64, om->addr.pa);
            d->has_walk = true;
            walk_now(s, tm->addr.va, kind);
            d->walk = s->walk;
        }
    } else {
        s->rep->skipped.no_pa++;
    }
    check_mmu_lines(s, t->line, tm->addr.va, kind);
}

static void check_esr(ls *s, const tarmac_record *t, const tarmac_record *o)
{
    diff_where at = where_at(s, t->line);
    diff_abort ta = diff_abort_from_esr(t->u.reg.value, diff_reg_el(t->u.reg.name, t->u.reg.name_len));
    s->esr_seen = true;
    if (ta.fetch && s->has_e_pc) /* the walk lines of a fetch that aborted */
        check_mmu_lines(s, t->line, s->e_pc, MMU_ACC_FETCH);
    if (!o) {
        diff_divergence *d = diff_disagree(s->rep, ta.is_abort ? DIFF_FAULT : DIFF_FLOW, &at);
        diff_abort_describe(&ta, d->trace, sizeof d->trace);
        snprintf(d->ours, sizeof d->ours, "no exception");
        return;
    }
    diff_abort oa = diff_abort_from_esr(o->u.reg.value, ta.to_el);
    diff_kind k = ta.is_abort || oa.is_abort ? DIFF_FAULT : DIFF_FLOW;
    bool same = ta.is_abort ? diff_abort_same(&ta, &oa) : t->u.reg.value == o->u.reg.value;
    if (same) {
        diff_agree(s->rep, k);
        return;
    }
    diff_divergence *d = diff_disagree(s->rep, k, &at);
    diff_abort_describe(&ta, d->trace, sizeof d->trace);
    diff_abort_describe(&oa, d->ours, sizeof d->ours);
    snprintf(d->note, sizeof d->note, "ESR 0x%" PRIx64 " against 0x%" PRIx64, t->u.reg.value,
             o->u.reg.value);
}

/* FAR, HPFAR, PAR_EL1 and the translation registers: the value mmusim's
 * instruction wrote to the register of the same name. */
static void check_value(ls *s, const tarmac_record *t, const tarmac_record *o, diff_kind k)
{
    diff_where at = where_at(s, t->line);
    if (o && o->u.reg.value == t->u.reg.value) {
        diff_agree(s->rep, k);
        return;
    }
    diff_divergence *d = diff_disagree(s->rep, k, &at);
    int n = (int)t->u.reg.name_len;
    if (k == DIFF_PAR)
        diff_par_describe(t->u.reg.value, d->trace, sizeof d->trace);
    else
        snprintf(d->trace, sizeof d->trace, "%.*s 0x%" PRIx64, n, t->u.reg.name, t->u.reg.value);
    if (!o)
        snprintf(d->ours, sizeof d->ours, "%.*s not written", n, t->u.reg.name);
    else if (k == DIFF_PAR)
        diff_par_describe(o->u.reg.value, d->ours, sizeof d->ours);
    else
        snprintf(d->ours, sizeof d->ours, "%.*s 0x%" PRIx64, n, t->u.reg.name, o->u.reg.value);
}

static void check_sysreg(ls *s, const tarmac_record *t)
{
    const tarmac_reg *r = &t->u.reg;
    char name[DIFF_REG_NAME_LEN];
    if (!r->has_value || !diff_reg_name(r, name))
        return;
    const tarmac_record *o = ours_find_reg(s, t);
    if (!strncmp(name, "ESR_EL", 6))
        check_esr(s, t, o);
    else if (!strncmp(name, "FAR_EL", 6))
        check_value(s, t, o, DIFF_FAR);
    else if (!strcmp(name, "HPFAR_EL2"))
        check_value(s, t, o, DIFF_HPFAR);
    else if (!strcmp(name, "PAR_EL1"))
        check_value(s, t, o, DIFF_PAR);
    else if (mmu_reg_by_name(name) < MMU_REG_COUNT && mmu_reg_by_name(name) >= MMU_SCTLR_EL1)
        check_value(s, t, o, DIFF_REGISTER);
}

/* "VAE1IS 0x... : <the set it invalidates now>". */
static void describe_tlbi(ls *s, const tarmac_sysop *op, char *buf, size_t len)
{
    char name[24], set[DIFF_TEXT], err[160];
    snprintf(name, sizeof name, "%.*s", (int)op->op_len, op->op);
    bool nxs;
    const mmu_tlbi_op *row = mmu_tlbi_op_by_name(name, &nxs);
    mmu_tlbi_ctx ctx;
    mmu_tlbi t;
    mmu_tlbi_context(&s->m->cpu, &ctx);
    if (!row)
        snprintf(set, sizeof set, "an operation mmusim does not know");
    else if (mmu_tlbi_decode(row, nxs, op->operand, &ctx, &t, err, sizeof err))
        snprintf(set, sizeof set, "%s", err); /* the operand does not apply here */
    else
        mmu_tlbi_describe(&t, set, sizeof set);
    if (row)
        snprintf(buf, len, "Xt 0x%" PRIx64 " -> %.300s", op->operand, set);
    else
        snprintf(buf, len, "TLBI %s 0x%" PRIx64 ": %.300s", name, op->operand, set);
}

/* Decodes a TLBI line in the machine's current context; false when
 * mmusim does not know the operation or the operand does not apply. */
static bool decode_tlbi(ls *s, const tarmac_sysop *op, mmu_tlbi *t)
{
    char name[24], err[160];
    snprintf(name, sizeof name, "%.*s", (int)op->op_len, op->op);
    bool nxs;
    const mmu_tlbi_op *row = mmu_tlbi_op_by_name(name, &nxs);
    mmu_tlbi_ctx ctx;
    mmu_tlbi_context(&s->m->cpu, &ctx);
    return row && !mmu_tlbi_decode(row, nxs, op->operand, &ctx, t, err, sizeof err);
}

/* The same entries are invalidated (operand bits an operation ignores,
 * such as Xt of VMALLE1, may differ). */
static bool same_tlbi_set(const mmu_tlbi *a, const mmu_tlbi *b)
{
    if (a->op != b->op || a->regime != b->regime || a->stage1 != b->stage1 ||
        a->stage2 != b->stage2 || a->any_vmid != b->any_vmid || a->use_asid != b->use_asid ||
        a->all_addresses != b->all_addresses || a->last_level != b->last_level ||
        a->ttl_valid != b->ttl_valid || a->nothing != b->nothing)
        return false;
    return (a->any_vmid || a->vmid == b->vmid) && (!a->use_asid || a->asid == b->asid) &&
           (a->all_addresses || (a->start == b->start && a->last == b->last)) &&
           (!a->ttl_valid || (a->ttl_granule == b->ttl_granule && a->ttl_level == b->ttl_level));
}

static void check_sysop(ls *s, const tarmac_record *t)
{
    bool tlbi = t->kind == TARMAC_TLBI;
    size_t *i = tlbi ? &s->tlbi_i : &s->at_i;
    const tarmac_record *o = ours_nth(s, t->kind, (*i)++);
    const tarmac_sysop *a = &t->u.sysop, *b = o ? &o->u.sysop : NULL;
    bool same = b && a->op_len == b->op_len && !strncasecmp(a->op, b->op, a->op_len) &&
                a->operand == b->operand;
    mmu_tlbi ta, tb;
    if (tlbi && b && !same && decode_tlbi(s, a, &ta) && decode_tlbi(s, b, &tb))
        same = same_tlbi_set(&ta, &tb);
    diff_kind k = tlbi ? DIFF_TLBI : DIFF_FLOW;
    if (same) {
        diff_agree(s->rep, k);
        return;
    }
    diff_where at = where_at(s, t->line);
    diff_divergence *d = diff_disagree(s->rep, k, &at);
    if (tlbi) {
        describe_tlbi(s, a, d->trace, sizeof d->trace);
        if (b)
            describe_tlbi(s, b, d->ours, sizeof d->ours);
        else
            snprintf(d->ours, sizeof d->ours, "no TLBI");
    } else {
        snprintf(d->trace, sizeof d->trace, "AT %.*s 0x%" PRIx64, (int)a->op_len, a->op,
                 a->operand);
        if (b)
            snprintf(d->ours, sizeof d->ours, "AT %.*s 0x%" PRIx64, (int)b->op_len, b->op,
                     b->operand);
        else
            snprintf(d->ours, sizeof d->ours, "no AT");
    }
}

/* What mmusim did in this instruction and the trace did not. */
static void check_extra(ls *s)
{
    diff_where at = where_at(s, s->cur.insn_line);
    const tarmac_record *o = ours_nth(s, TARMAC_MEM, s->mem_i);
    if (o) {
        diff_divergence *d = diff_disagree(s->rep, DIFF_FLOW, &at);
        snprintf(d->trace, sizeof d->trace, "no more accesses in this instruction");
        snprintf(d->ours, sizeof d->ours, "%s of VA 0x%" PRIx64, o->u.mem.write ? "store" : "load",
                 o->u.mem.addr.va);
    }
    if ((o = ours_nth(s, TARMAC_TLBI, s->tlbi_i)) != NULL) {
        diff_divergence *d = diff_disagree(s->rep, DIFF_TLBI, &at);
        snprintf(d->trace, sizeof d->trace, "no TLBI");
        describe_tlbi(s, &o->u.sysop, d->ours, sizeof d->ours);
    }
    /* A trace written without exception events (trace_events=0) shows the
     * exception only by where the next instruction is: compared there. */
    if (!s->trace_e && s->trace_prints_e && ours_has(s, TARMAC_EXCEPTION)) {
        const tarmac_record *e = ours_nth(s, TARMAC_EXCEPTION, 0);
        diff_divergence *d = diff_disagree(s->rep, DIFF_FLOW, &at);
        snprintf(d->trace, sizeof d->trace, "no exception");
        snprintf(d->ours, sizeof d->ours, "exception %.*s", (int)e->u.exc.name_len,
                 e->u.exc.name);
    }
    if (s->both_aborted && !s->esr_seen)
        diff_agree(s->rep, DIFF_FAULT); /* no ESR printed: presence only */
}

static void check_record(ls *s, const tarmac_record *t)
{
    switch (t->kind) {
    case TARMAC_MEM:
        check_mem(s, t);
        break;
    case TARMAC_SYSREG:
        check_sysreg(s, t);
        break;
    case TARMAC_TLBI:
    case TARMAC_AT:
        check_sysop(s, t);
        break;
    case TARMAC_EXCEPTION:
        s->trace_e = s->trace_prints_e = true;
        s->has_e_pc = t->u.exc.has_pc;
        s->e_pc = t->u.exc.pc.va;
        break;
    default:
        diff_common_line(s->rep, &s->mmu, t);
        break;
    }
}

/* Reads the trace up to its next instruction line, comparing each record
 * with ours when compare. */
static void read_group(ls *s, bool compare)
{
    tarmac_record rec;
    const tarmac_record *t;
    s->have_next = false;
    while ((t = trace_next(s, &rec)) != NULL) {
        if (t->kind == TARMAC_INSN) {
            keep_next(s, t);
            return;
        }
        if (compare)
            check_record(s, t);
        else
            diff_common_line(s->rep, &s->mmu, t);
    }
}

/* Our lines of one instruction are in s->ours: compare them with the
 * trace's instruction they align with. */
static void compare_group(ls *s)
{
    const tarmac_record *o = ours_nth(s, TARMAC_INSN, 0);
    if (!o) /* the lines before the first instruction: initial state */
        return;
    if (!s->started) {
        read_group(s, false); /* the trace's lines before its first instruction */
        s->started = true;
        if (s->have_next && s->next.u.insn.id > 1)
            s->base = s->next.u.insn.id;
    }
    if (!s->have_next) {
        char why[160];
        snprintf(why, sizeof why, "the trace ends after %" PRIu64 " instructions (line %" PRIu64
                 ")", s->trace_k, tarmac_reader_lines(s->r));
        stop(s, why);
        return;
    }
    if (o->u.insn.id < s->base + s->trace_k)
        return; /* before the trace's first instruction */
    tarmac_record it = s->next;
    s->mem_i = s->tlbi_i = s->at_i = 0;
    s->trace_e = s->both_aborted = s->esr_seen = s->last_trace_aborted = s->has_e_pc = false;
    s->rep->insns++;
    s->trace_k++;
    check_insn(s, &it);
    if (s->stopped)
        return;
    read_group(s, true);
    check_extra(s);
}

/* ---- The sink ---------------------------------------------------------------------- */

/* Parses the sink's output [0, end) into s->ours. */
static void parse_ours(ls *s, size_t end)
{
    tarmac_state st;
    tarmac_state_init(&st);
    s->n_ours = 0;
    size_t pos = 0;
    uint64_t line = 0;
    while (pos < end && s->n_ours < MAX_OURS) {
        const char *p = s->bufp + pos;
        const char *nl = memchr(p, '\n', end - pos);
        size_t len = nl ? (size_t)(nl - p) : end - pos;
        tarmac_parse_line(&st, p, len, ++line, &s->ours[s->n_ours++]);
        pos += len + 1;
    }
}

/* Compares the instruction whose lines are in the buffer, up to (not
 * including) its last `keep` bytes, which are moved to the front. */
static void flush_group(ls *s, bool last)
{
    fflush(s->buf);
    size_t end = (size_t)ftello(s->buf);
    size_t keep = 0;
    if (!last && end) { /* the new instruction's IT line: the buffer's last line */
        size_t p = end - 1;
        while (p > 0 && s->bufp[p - 1] != '\n')
            p--;
        keep = end - p;
    }
    parse_ours(s, end - keep);
    compare_group(s);
    char it[TARMAC_MAX_LINE + 2];
    if (keep > sizeof it)
        keep = 0;
    memcpy(it, s->bufp + end - keep, keep);
    fseeko(s->buf, 0, SEEK_SET);
    fwrite(it, 1, keep, s->buf);
}

static void ls_event(void *ctx, machine *m, const machine_event *ev)
{
    ls *s = ctx;
    if (s->stopped)
        return;
    tarmac_sink_event(s->sink, m, ev);
    if (ev->kind == MEV_INSN)
        flush_group(s, false);
}

/* After the run: the last instruction, and whatever the trace has left. */
static void finish(ls *s)
{
    if (!s->stopped) {
        flush_group(s, true);
        if (!s->stopped && s->have_next) {
            diff_where at = where_at(s, s->next.line);
            diff_divergence *d = diff_disagree(s->rep, DIFF_FLOW, &at);
            snprintf(d->trace, sizeof d->trace, "goes on at instruction (%" PRIu64 ") 0x%" PRIx64,
                     s->next.u.insn.id, s->next.u.insn.pc.va);
            snprintf(d->ours, sizeof d->ours, "the run stopped: %.150s", s->m->stop.message);
            snprintf(s->rep->stopped, sizeof s->rep->stopped, "mmusim's run stopped first: %.200s",
                     s->m->stop.message);
        }
    }
    /* The rest of the trace is read, for its line count and bad lines. */
    tarmac_record rec;
    const tarmac_record *t;
    if (s->have_next)
        s->rep->skipped.not_run++;
    while ((t = trace_next(s, &rec)) != NULL) {
        if (t->kind == TARMAC_INSN)
            s->rep->skipped.not_run++;
        else
            diff_common_line(s->rep, NULL, t);
    }
}

int diff_lockstep(machine *m, tarmac_reader *r, diff_report *rep, char *err, size_t errlen)
{
    ls *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->m = m;
    s->r = r;
    s->rep = rep;
    s->cur.el = -1;
    s->cur.insn = s->insn;
    s->buf = open_memstream(&s->bufp, &s->bufsize);
    s->sink = s->buf ? tarmac_sink_new(s->buf, 0) : NULL;
    int rc = -1;
    if (!s->sink) {
        snprintf(err, errlen, "out of memory");
    } else if (!machine_attach_sink(m, tarmac_sink_kinds(s->sink), ls_event, s, err, errlen)) {
        machine_run(m);
        finish(s);
        rep->lines = tarmac_reader_lines(r);
        rc = 0;
        if (s->failed) {
            snprintf(err, errlen, "%s", s->err);
            rc = -1;
        } else if (tarmac_sink_status(s->sink, err, errlen)) {
            rc = -1;
        }
    }
    tarmac_sink_free(s->sink);
    if (s->buf)
        fclose(s->buf);
    free(s->bufp);
    free(s);
    return rc;
}
