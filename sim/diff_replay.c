/* diff, replay mode: the trace's accesses, register writes, AT and TLBI
 * through mmu/ and a TLB model, each answer compared with the trace's.
 * See diff.h and docs/diff.md.
 *
 * The trace is read one record at a time; what an instruction's lines say
 * about an abort (the aborted access, E, ESR, FAR, HPFAR) and an AT (its
 * PAR_EL1) is gathered until the next instruction line, then compared. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "sysreg.h"
#include "diff_parts.h"
#include "exception.h"
#include "tlb.h"
#include "tlbi.h"

/* ---- Which walk filled each TLB entry ------------------------------------ */

/* Trace line of the walk that filled a TLB entry, by the entry's block
 * (VA base | size shift | regime): an open-addressing table that doubles
 * when half full. */
typedef struct line_map {
    uint64_t *keys, *lines;
    size_t cap, n;
} line_map;

static size_t slot_of(const line_map *lm, uint64_t key)
{
    uint64_t h = key * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = (size_t)(h >> 20) & (lm->cap - 1);
    while (lm->keys[i] && lm->keys[i] != key)
        i = (i + 1) & (lm->cap - 1);
    return i;
}

static bool line_map_put(line_map *lm, uint64_t key, uint64_t line)
{
    if (2 * (lm->n + 1) > lm->cap) {
        line_map big = {.cap = lm->cap ? 2 * lm->cap : 1024};
        big.keys = calloc(big.cap, sizeof *big.keys);
        big.lines = calloc(big.cap, sizeof *big.lines);
        if (!big.keys || !big.lines) {
            free(big.keys);
            free(big.lines);
            return false;
        }
        for (size_t i = 0; i < lm->cap; i++)
            if (lm->keys[i]) {
                size_t j = slot_of(&big, lm->keys[i]);
                big.keys[j] = lm->keys[i];
                big.lines[j] = lm->lines[i];
                big.n++;
            }
        free(lm->keys);
        free(lm->lines);
        *lm = big;
    }
    size_t i = slot_of(lm, key);
    lm->n += !lm->keys[i];
    lm->keys[i] = key;
    lm->lines[i] = line;
    return true;
}

static uint64_t line_map_get(const line_map *lm, uint64_t key)
{
    if (!lm->cap)
        return 0;
    size_t i = slot_of(lm, key);
    return lm->keys[i] ? lm->lines[i] : 0;
}

static void line_map_free(line_map *lm)
{
    free(lm->keys);
    free(lm->lines);
    memset(lm, 0, sizeof *lm);
}

/* log2 of what the TLB model caches for a successful walk. */
static unsigned entry_shift(const mmu_walk *w)
{
    unsigned s = w->result.s1_size_shift;
    if (w->s2_enabled && w->result.s2_size_shift < s)
        s = w->result.s2_size_shift;
    return s;
}

static uint64_t entry_key(const mmu_walk *w)
{
    unsigned s = entry_shift(w);
    uint64_t base = s >= 64 ? 0 : w->access.va & ~((UINT64_C(1) << s) - 1);
    return (base & ~UINT64_C(0xfff)) | (uint64_t)s << 2 | (uint64_t)w->regime | UINT64_C(0x800);
}

/* ---- State ------------------------------------------------------------------ */

#define TLBI_RING 16

typedef struct tlbi_seen {
    diff_where where;
    char insn[96];
    char op[24];
    uint64_t xt;
    mmu_tlbi decoded;
    bool blamed;          /* already reported as the cause of a stale entry */
} tlbi_seen;

/* What the current instruction's lines say about an abort and an AT. */
typedef struct group {
    uint64_t aborted_line, aborted_va;
    bool aborted_write;
    /* mmusim's abort for this instruction, once known */
    bool ours_known, ours_fault, sea, fetch, cm;
    uint8_t to_el;
    uint64_t far;
    mmu_fault fault;
    bool fault_counted;   /* the fault comparison is counted already */
    uint64_t e_line, e_pc;
    bool has_e_pc;
    uint64_t esr_line, esr, far_line, far_t, hpfar_line, hpfar_t;
    int8_t esr_el;
    /* AT */
    bool at_pending, at_par_seen;
    uint64_t at_line, at_par;
    mmu_at_status at_status;
} group;

typedef struct rp {
    machine *m;
    mmu_cpu *cpu;
    mmu_tlb tlb;
    diff_mem mem;
    diff_report *rep;
    diff_where cur;       /* the current instruction */
    char insn[96];
    bool skip;            /* it runs in Secure state or at EL3: not compared */
    uint64_t pstate;      /* from `R cpsr` lines (PAN) */
    group g;
    mmu_walk g_walk;      /* the walk behind g's abort */
    bool g_has_walk;
    uint64_t last_par;
    bool last_par_known;
    diff_mmu_lines mmu;
    line_map fills;
    tlbi_seen tlbis[TLBI_RING];
    uint64_t n_tlbis;
    uint64_t walks_since_tlbi; /* accesses the trace shows walking since the last TLBI */
    mmu_walk walk, fresh; /* scratch */
} rp;

static diff_where where_at(const rp *p, uint64_t line)
{
    diff_where w = p->cur;
    w.line = line;
    return w;
}

static uint8_t cur_el(const rp *p)
{
    return (uint8_t)(p->cur.el < 0 ? 1 : p->cur.el);
}

/* The EL an abort of this instruction is taken to (DDI0487 D1.3.4): EL2
 * for stage-2 faults and from EL2, EL2 from EL0 with HCR_EL2.TGE. */
static uint8_t abort_target(const rp *p, const mmu_fault *f, bool sea)
{
    uint8_t el = cur_el(p);
    if (el == 2 || (!sea && f->stage == 2))
        return 2;
    if (el == 0 && (mmu_cpu_get_reg(p->cpu, MMU_HCR_EL2) & HCR_TGE))
        return 2;
    return 1;
}

/* Translates through the TLB model; remembers the line of each fill. */
static bool translate(rp *p, const mmu_access *acc, mmu_walk *w, bool *walked, uint64_t line)
{
    bool ok = mmu_tlb_translate(p->cpu, &p->tlb, acc, w, walked);
    if (ok && *walked && w->s1_enabled)
        line_map_put(&p->fills, entry_key(w), line); /* out of memory: the line stays unknown */
    return ok;
}

/* A walk now, without touching the TLB or the descriptors. */
static bool fresh_walk(rp *p, const mmu_access *acc, mmu_walk *w)
{
    mmu_access a = *acc;
    a.no_update = true;
    return mmu_walk_translate(p->cpu, &a, w);
}

static void describe_answer(char *buf, size_t len, bool ok, const mmu_walk *w)
{
    if (ok) {
        snprintf(buf, len, "PA 0x%" PRIx64, w->result.pa);
    } else {
        char f[DIFF_TEXT];
        diff_fault_describe(&w->fault, f, sizeof f);
        snprintf(buf, len, "fault: %.150s", f);
    }
}

/* ---- Stale TLB entries and the TLBIs behind them ---------------------------- */

/* The trace's side removed an entry mmusim's TLB model still holds: the
 * trace's answer for an access is a walk's while the model answered from an
 * entry filled at an earlier line (changed: the answers differ), or the
 * trace shows the walk (TTW/TLB FILL lines) of an access the model hits.
 * A TLBI that ran after the fill is reported (the set it invalidates
 * differs) when the answers differ, or when this is the first walk the
 * trace shows after that TLBI; anything else may be an eviction, which is
 * not compared (counted as a reload). The model then drops everything, to
 * follow the trace. */
static void stale_entry(rp *p, const mmu_walk *hit, const mmu_walk *now, bool now_ok,
                        uint64_t line, bool changed)
{
    uint64_t fill_line = line_map_get(&p->fills, entry_key(hit));
    tlbi_seen *t = p->n_tlbis ? &p->tlbis[(p->n_tlbis - 1) % TLBI_RING] : NULL;
    if (!t || t->where.line < fill_line || (!changed && p->walks_since_tlbi)) {
        p->rep->skipped.tlb_reloads++;
    } else if (!t->blamed) {
        t->blamed = true;
        p->rep->agree[DIFF_TLBI]--;
        diff_divergence *d = diff_disagree(p->rep, DIFF_TLBI, &t->where);
        char now_text[DIFF_TEXT];
        describe_answer(now_text, sizeof now_text, now_ok, now);
        snprintf(d->trace, sizeof d->trace,
                 "TLBI %s 0x%" PRIx64 " removed VA 0x%" PRIx64 ": line %" PRIu64 " walks again (%.80s)",
                 t->op, t->xt, hit->access.va, line, now_text);
        char desc[DIFF_TEXT - 100];
        mmu_tlbi_describe(&t->decoded, desc, sizeof desc);
        snprintf(d->ours, sizeof d->ours, "%s; keeps VA 0x%" PRIx64 " -> PA 0x%" PRIx64
                 " (filled at line %" PRIu64 ")", desc, hit->access.va, hit->result.pa, fill_line);
        snprintf(d->note, sizeof d->note, "%s; the walk below is VA 0x%" PRIx64 "'s now",
                 changed ? "the translation changed after the TLBI"
                         : "the trace's first walk after the TLBI is for an entry mmusim keeps",
                 hit->access.va);
        d->has_walk = true;
        d->walk = *now;
    }
    mmu_tlb_flush(&p->tlb);
}

/* ---- Accesses ---------------------------------------------------------------- */

/* Compares one access the trace shows (at trace_pa, or aborted) with
 * mmusim's translation of it. For an abort, records mmusim's side in the
 * group. Then checks any TTW/TLB FILL lines kept for this access. */
static void check_access(rp *p, uint64_t line, const mmu_access *acc, bool aborted,
                         uint64_t trace_pa, diff_kind kind)
{
    bool walked;
    mmu_walk *w = &p->walk;
    bool ok = translate(p, acc, w, &walked, line);
    bool sea = ok && aborted && !diff_mem_backed(&p->mem, w->result.pa);
    bool agree = aborted ? !ok || sea : ok && w->result.pa == trace_pa;
    if (!agree && !walked) {
        /* A TLB hit: is the trace's answer a walk's? */
        bool fok = fresh_walk(p, acc, &p->fresh);
        bool fsea = fok && aborted && !diff_mem_backed(&p->mem, p->fresh.result.pa);
        if (aborted ? !fok || fsea : fok && p->fresh.result.pa == trace_pa) {
            stale_entry(p, w, &p->fresh, fok, line, true);
            *w = p->fresh;
            ok = fok;
            sea = fsea;
            agree = walked = true;
        }
    }
    diff_where at = where_at(p, line);
    if (aborted) {
        group *g = &p->g;
        g->ours_known = true;
        g->ours_fault = agree;
        g->sea = sea;
        g->fetch = acc->kind == MMU_ACC_FETCH;
        g->far = acc->va;
        g->fault = w->fault;
        g->to_el = abort_target(p, &w->fault, sea);
        p->g_walk = *w;
        p->g_has_walk = true;
    } else if (agree) {
        diff_agree(p->rep, kind);
    }
    if (!agree) {
        diff_divergence *d = diff_disagree(p->rep, aborted || !ok ? DIFF_FAULT : kind, &at);
        if (aborted)
            snprintf(d->trace, sizeof d->trace, "aborted");
        else
            snprintf(d->trace, sizeof d->trace, "PA 0x%" PRIx64, trace_pa);
        describe_answer(d->ours, sizeof d->ours, ok, w);
        if (!walked) {
            bool fok = fresh_walk(p, acc, &p->fresh);
            snprintf(d->note, sizeof d->note, "mmusim's TLB model answered (entry filled at line %"
                     PRIu64 "); the walk below is the one now (%s)",
                     line_map_get(&p->fills, entry_key(w)), fok ? "translates" : "faults");
            d->walk = p->fresh;
        } else {
            d->walk = *w;
        }
        d->has_walk = true;
        if (aborted)
            p->g.fault_counted = true;
    }
    if (diff_mmu_lines_pending(&p->mmu)) {
        const mmu_walk *mw = w;
        bool mok = ok;
        if (!walked || !w->n_reads) { /* the trace walked where mmusim's TLB hit */
            mok = fresh_walk(p, acc, &p->fresh);
            mw = &p->fresh;
            if (!walked && agree)
                stale_entry(p, w, &p->fresh, mok, line, false);
        }
        diff_mmu_lines_check(&p->mmu, p->rep, &at, mw, mok);
        p->walks_since_tlbi++;
    }
}

static bool comparable(rp *p)
{
    if (p->skip) {
        p->rep->skipped.secure++;
        return false;
    }
    if (p->cur.el < 0) {
        p->rep->skipped.no_el++;
        return false;
    }
    return true;
}

static void on_insn(rp *p, const tarmac_record *rec)
{
    const tarmac_insn *in = &rec->u.insn;
    p->rep->insns++;
    p->cur.line = p->cur.insn_line = rec->line;
    p->cur.icount = in->id;
    p->cur.pc = in->pc.va;
    if (in->el >= 0)
        p->cur.el = in->el;
    size_t n = in->disasm_len, off = 0;
    while (off < n && in->disasm[off] == ' ')
        off++;
    n -= off;
    if (n >= sizeof p->insn)
        n = sizeof p->insn - 1;
    memcpy(p->insn, in->disasm + off, n);
    p->insn[n] = '\0';
    p->skip = p->cur.el == 3 || in->security == TARMAC_PAS_S ||
              in->security == TARMAC_PAS_ROOT || in->security == TARMAC_PAS_REALM;
    if (!comparable(p))
        return;
    if (!in->pc.has_pa) {
        p->rep->skipped.no_pa++;
        return;
    }
    mmu_access acc = {.va = in->pc.va, .kind = MMU_ACC_FETCH, .el = cur_el(p)};
    check_access(p, rec->line, &acc, false, in->pc.pa, DIFF_FETCH_PA);
    if (in->has_pa2) { /* the second halfword of a 32-bit T32 instruction */
        acc.va += 2;
        check_access(p, rec->line, &acc, false, in->pa2, DIFF_FETCH_PA);
    }
}

static void on_mem(rp *p, const tarmac_record *rec)
{
    const tarmac_mem *mm = &rec->u.mem;
    if (!comparable(p)) {
        /* Not compared, but memory is what the trace says it is. */
        if (mm->write && mm->has_data && !mm->aborted && mm->addr.has_pa)
            diff_mem_store(&p->mem, mm->addr.pa, mm->size, mm->data, mm->data_hi);
        return;
    }
    if (!mm->aborted && !mm->addr.has_pa) {
        p->rep->skipped.no_pa++;
        return;
    }
    mmu_access acc = {.va = mm->addr.va, .kind = mm->write ? MMU_ACC_WRITE : MMU_ACC_READ,
                      .el = cur_el(p), .unpriv = mm->unpriv,
                      .pan = (p->pstate & PSTATE_PAN) != 0};
    if (mm->aborted) {
        if (p->g.aborted_line)
            return; /* the rest of an access that aborted already (LDP) */
        p->g.aborted_line = rec->line;
        p->g.aborted_va = mm->addr.va;
        p->g.aborted_write = mm->write;
        check_access(p, rec->line, &acc, true, 0, DIFF_DATA_PA);
        return;
    }
    check_access(p, rec->line, &acc, false, mm->addr.pa, DIFF_DATA_PA);
    /* Out of memory loses the store: walks that need it count untracked reads. */
    if (mm->write && mm->has_data)
        diff_mem_store(&p->mem, mm->addr.pa, mm->size, mm->data, mm->data_hi);
}

/* ---- AT ---------------------------------------------------------------------- */

static void on_at(rp *p, const tarmac_record *rec)
{
    const tarmac_sysop *op = &rec->u.sysop;
    char name[24];
    snprintf(name, sizeof name, "%.*s", (int)op->op_len, op->op);
    const mmu_at_op *at = mmu_at_op_by_name(name);
    if (!comparable(p))
        return;
    if (!at || cur_el(p) < at->min_el) {
        p->rep->skipped.unknown_op++;
        return;
    }
    if (at->pan && !(p->pstate & PSTATE_PAN))
        at = mmu_at_op_by_name(at->write ? "S1E1W" : "S1E1R");
    mmu_at_result res;
    mmu_at_status st = mmu_at_execute(p->cpu, at, op->operand, cur_el(p), &res);
    group *g = &p->g;
    g->at_pending = true;
    g->at_par_seen = false;
    g->at_line = rec->line;
    g->at_status = st;
    g->at_par = res.par;
    if (st == MMU_AT_EXCEPTION) {
        g->ours_known = g->ours_fault = g->cm = true;
        g->fetch = g->sea = false;
        g->far = op->operand;
        g->fault = res.walk.fault;
        g->to_el = res.exception_el;
    }
    p->g_walk = res.walk;
    p->g_has_walk = true;
}

static void check_par(rp *p, uint64_t line, uint64_t trace_par, bool printed)
{
    group *g = &p->g;
    diff_where at = where_at(p, line);
    if (g->at_status == MMU_AT_PAR && g->at_par == trace_par) {
        diff_agree(p->rep, DIFF_PAR);
        return;
    }
    diff_divergence *d = diff_disagree(p->rep, DIFF_PAR, &at);
    diff_par_describe(trace_par, d->trace, sizeof d->trace);
    if (g->at_status == MMU_AT_PAR) {
        diff_par_describe(g->at_par, d->ours, sizeof d->ours);
    } else {
        char f[DIFF_TEXT - 40];
        diff_fault_describe(&g->fault, f, sizeof f);
        snprintf(d->ours, sizeof d->ours, "a Data Abort to EL%u: %s", g->to_el, f);
        g->fault_counted = true;
    }
    if (!printed)
        snprintf(d->note, sizeof d->note,
                 "no PAR_EL1 line after the AT at line %" PRIu64 ": its value is the last printed",
                 g->at_line);
    d->has_walk = true;
    d->walk = p->g_walk;
}

/* ---- The end of an instruction's lines ---------------------------------------- */

/* mmusim's abort for an ESR line that came without an aborted access line:
 * an Instruction Abort at the exception's return address, or a Data Abort
 * at FAR. */
static void ours_for_esr(rp *p, const diff_abort *t)
{
    group *g = &p->g;
    mmu_access acc = {.el = cur_el(p)};
    if (t->fetch && g->has_e_pc) {
        acc.va = g->e_pc;
        acc.kind = MMU_ACC_FETCH;
    } else if (!t->fetch && g->far_line) {
        acc.va = g->far_t;
        acc.kind = t->wnr ? MMU_ACC_WRITE : MMU_ACC_READ;
        acc.pan = (p->pstate & PSTATE_PAN) != 0;
    } else {
        return;
    }
    bool walked;
    bool ok = translate(p, &acc, &p->walk, &walked, g->esr_line);
    g->ours_known = true;
    g->sea = ok && !diff_mem_backed(&p->mem, p->walk.result.pa);
    g->ours_fault = !ok || g->sea;
    g->fetch = t->fetch;
    g->far = acc.va;
    g->fault = p->walk.fault;
    g->to_el = abort_target(p, &p->walk.fault, g->sea);
    p->g_walk = p->walk;
    p->g_has_walk = true;
    if (diff_mmu_lines_pending(&p->mmu)) { /* the walk lines of this access */
        diff_where at = where_at(p, g->esr_line);
        bool mok = walked && p->walk.n_reads ? ok : fresh_walk(p, &acc, &p->fresh);
        diff_mmu_lines_check(&p->mmu, p->rep, &at, walked && p->walk.n_reads ? &p->walk : &p->fresh,
                             mok);
    }
}

static void check_esr(rp *p)
{
    group *g = &p->g;
    diff_abort t = diff_abort_from_esr(g->esr, g->esr_el);
    if (!g->ours_known && t.is_abort)
        ours_for_esr(p, &t);
    if (!g->ours_known || g->fault_counted)
        return;
    g->fault_counted = true;
    diff_where at = where_at(p, g->esr_line);
    diff_abort o = {0};
    if (g->ours_fault)
        o = diff_abort_from_fault(&g->fault, g->sea, g->fetch, g->cm, cur_el(p), g->to_el);
    if (g->ours_fault && diff_abort_same(&t, &o)) {
        diff_agree(p->rep, DIFF_FAULT);
    } else {
        diff_divergence *d = diff_disagree(p->rep, DIFF_FAULT, &at);
        diff_abort_describe(&t, d->trace, sizeof d->trace);
        if (g->ours_fault)
            diff_abort_describe(&o, d->ours, sizeof d->ours);
        else
            snprintf(d->ours, sizeof d->ours, "no fault: PA 0x%" PRIx64, p->g_walk.result.pa);
        d->has_walk = p->g_has_walk;
        d->walk = p->g_walk;
    }
    if (!g->ours_fault || !t.is_abort)
        return;
    if (g->far_line) {
        at.line = g->far_line;
        if (g->far_t == g->far) {
            diff_agree(p->rep, DIFF_FAR);
        } else {
            diff_divergence *d = diff_disagree(p->rep, DIFF_FAR, &at);
            snprintf(d->trace, sizeof d->trace, "FAR 0x%" PRIx64, g->far_t);
            snprintf(d->ours, sizeof d->ours, "FAR 0x%" PRIx64, g->far);
        }
    }
    if (g->hpfar_line && !g->sea && g->fault.ipa_valid) {
        at.line = g->hpfar_line;
        uint64_t ours = mmu_hpfar(g->fault.ipa);
        if (g->hpfar_t == ours) {
            diff_agree(p->rep, DIFF_HPFAR);
        } else {
            diff_divergence *d = diff_disagree(p->rep, DIFF_HPFAR, &at);
            snprintf(d->trace, sizeof d->trace, "HPFAR_EL2 0x%" PRIx64, g->hpfar_t);
            snprintf(d->ours, sizeof d->ours, "HPFAR_EL2 0x%" PRIx64 " (IPA 0x%" PRIx64 ")", ours,
                     g->fault.ipa);
            d->has_walk = p->g_has_walk;
            d->walk = p->g_walk;
        }
    }
}

static void finish_group(rp *p)
{
    group *g = &p->g;
    if (g->at_pending && !g->at_par_seen) {
        if (g->at_status == MMU_AT_PAR) {
            if (p->last_par_known)
                check_par(p, g->at_line, p->last_par, false);
            else
                p->rep->skipped.par_unprinted++;
        }
    }
    if (g->esr_line && !p->skip) /* an exception of a Secure or EL3 instruction is not compared */
        check_esr(p);
    if (g->ours_known && g->ours_fault && !g->fault_counted) {
        if (g->aborted_line) {
            diff_agree(p->rep, DIFF_FAULT); /* no ESR printed: presence only */
        } else {
            diff_where at = where_at(p, g->at_line);
            diff_divergence *d = diff_disagree(p->rep, DIFF_FAULT, &at);
            snprintf(d->trace, sizeof d->trace, "no abort (no ESR line)");
            diff_fault_describe(&g->fault, d->ours, sizeof d->ours);
            d->has_walk = p->g_has_walk;
            d->walk = p->g_walk;
        }
    }
    memset(g, 0, sizeof *g);
    p->g_has_walk = false;
}

/* ---- Registers and TLBI --------------------------------------------------------- */

static bool name_is(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0;
}

static void on_sysreg(rp *p, const tarmac_record *rec)
{
    const tarmac_reg *r = &rec->u.reg;
    char name[DIFF_REG_NAME_LEN];
    if (!r->has_value || !diff_reg_name(r, name))
        return;
    group *g = &p->g;
    bool in_exception = g->e_line || g->aborted_line || g->ours_known;
    if (name_is(name, "ESR_EL")) {
        if (in_exception && !g->esr_line) {
            g->esr_line = rec->line;
            g->esr = r->value;
            g->esr_el = diff_reg_el(name, r->name_len);
        }
    } else if (name_is(name, "FAR_EL")) {
        if (in_exception && !g->far_line) {
            g->far_line = rec->line;
            g->far_t = r->value;
        }
    } else if (!strcmp(name, "HPFAR_EL2")) {
        if (in_exception && !g->hpfar_line) {
            g->hpfar_line = rec->line;
            g->hpfar_t = r->value;
        }
    } else if (!strcmp(name, "PAR_EL1")) {
        if (g->at_pending && !g->at_par_seen) {
            g->at_par_seen = true;
            check_par(p, rec->line, r->value, true);
        }
        p->last_par = r->value;
        p->last_par_known = true;
    } else {
        mmu_reg reg = mmu_reg_by_name(name);
        if (reg < MMU_REG_COUNT && reg >= MMU_SCTLR_EL1)
            mmu_cpu_set_reg(p->cpu, reg, r->value);
    }
}

static void on_tlbi(rp *p, const tarmac_record *rec)
{
    const tarmac_sysop *op = &rec->u.sysop;
    char name[24];
    snprintf(name, sizeof name, "%.*s", (int)op->op_len, op->op);
    bool nxs;
    const mmu_tlbi_op *t = mmu_tlbi_op_by_name(name, &nxs);
    if (!t) {
        p->rep->skipped.unknown_op++;
        return;
    }
    mmu_tlbi_ctx ctx;
    mmu_tlbi_context(p->cpu, &ctx);
    tlbi_seen *s = &p->tlbis[p->n_tlbis % TLBI_RING];
    char err[160];
    diff_where at = where_at(p, rec->line);
    if (mmu_tlbi_decode(t, nxs, op->operand, &ctx, &s->decoded, err, sizeof err)) {
        diff_divergence *d = diff_disagree(p->rep, DIFF_TLBI, &at);
        snprintf(d->trace, sizeof d->trace, "TLBI %s 0x%" PRIx64, name, op->operand);
        snprintf(d->ours, sizeof d->ours, "not a valid operation here: %s", err);
        return;
    }
    mmu_tlb_invalidate(&p->tlb, &s->decoded);
    diff_agree(p->rep, DIFF_TLBI);
    s->where = at;
    snprintf(s->insn, sizeof s->insn, "%s", p->insn);
    s->where.insn = s->insn;
    snprintf(s->op, sizeof s->op, "%s", name);
    s->xt = op->operand;
    s->blamed = false;
    p->n_tlbis++;
    p->walks_since_tlbi = 0;
}

static void on_record(rp *p, const tarmac_record *rec)
{
    switch (rec->kind) {
    case TARMAC_INSN:
        finish_group(p);
        on_insn(p, rec);
        break;
    case TARMAC_MEM:
        on_mem(p, rec);
        break;
    case TARMAC_SYSREG:
        on_sysreg(p, rec);
        break;
    case TARMAC_REG:
        if (rec->u.reg.has_value && rec->u.reg.name_len == 4 &&
            !strncmp(rec->u.reg.name, "cpsr", 4))
            p->pstate = rec->u.reg.value;
        break;
    case TARMAC_TLBI:
        if (comparable(p))
            on_tlbi(p, rec);
        break;
    case TARMAC_AT:
        on_at(p, rec);
        break;
    case TARMAC_EXCEPTION:
        if (!p->g.e_line) {
            p->g.e_line = rec->line;
            p->g.has_e_pc = rec->u.exc.has_pc;
            p->g.e_pc = rec->u.exc.pc.va;
        }
        break;
    default:
        diff_common_line(p->rep, &p->mmu, rec);
        break;
    }
}

int diff_replay(machine *m, tarmac_reader *r, diff_report *rep, char *err, size_t errlen)
{
    static const mmu_tlb_config unbounded = {.mode = MMU_TLB_UNBOUNDED, .entries = 1024,
                                             .ways = 4, .policy = MMU_TLB_LRU};
    rp *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->m = m;
    p->cpu = &m->cpu;
    p->rep = rep;
    p->cur.el = -1;
    p->cur.insn = p->insn;
    p->pstate = machine_pstate(m);
    if (mmu_tlb_init(&p->tlb, &unbounded, err, errlen)) {
        free(p);
        return -1;
    }
    diff_mem_init(&p->mem, &m->mem);
    p->cpu->port = diff_mem_port(&p->mem);
    tarmac_record rec;
    int status;
    while ((status = tarmac_reader_next(r, &rec, err, errlen)) > 0)
        on_record(p, &rec);
    finish_group(p);
    rep->lines = tarmac_reader_lines(r);
    rep->skipped.untracked_reads = p->mem.untracked;
    p->cpu->port = physmem_port(&m->mem);
    diff_mem_free(&p->mem);
    mmu_tlb_free(&p->tlb);
    line_map_free(&p->fills);
    free(p);
    return status < 0 ? -1 : 0;
}
