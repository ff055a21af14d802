/* The Tarmac sink: see tarmac_sink.h. */
#include "tarmac_sink.h"

#include <stdlib.h>
#include <string.h>

#include "exception.h"
#include "ldst.h"

/* The lines of one table walk, kept until its instruction runs (fetches). */
#define MAX_PENDING_WALKS 4
typedef struct pending_walk {
    uint64_t subpage;     /* the fetch's 1 KiB sub-page */
    mmu_walk walk;
    bool fill;            /* the walk filled the TLB model */
} pending_walk;

struct tarmac_sink {
    tarmac_writer w;
    unsigned flags;
    uint64_t n;           /* IT lines written: the next instruction's number */
    bool started;         /* the initial register lines are written */
    uint64_t cpsr;        /* last PSTATE written */
    uint64_t skipped;
    char err[128];        /* the first write error */
    /* The instruction being executed. */
    uint64_t pc;
    uint32_t word;
    bool have_word;
    pending_walk pending[MAX_PENDING_WALKS];
    unsigned n_pending;
};

tarmac_sink *tarmac_sink_new(FILE *out, unsigned flags)
{
    tarmac_sink *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    tarmac_writer_init(&s->w, out, -1);
    s->flags = flags;
    return s;
}

void tarmac_sink_free(tarmac_sink *s)
{
    free(s);
}

unsigned tarmac_sink_kinds(const tarmac_sink *s)
{
    unsigned k = MEV_INSN | MEV_MEM | MEV_SYSREG | MEV_TLBI | MEV_AT | MEV_EXCEPTION;
    return (s->flags & TARMAC_SINK_MMU) ? k | MEV_ACCESS : k;
}

int tarmac_sink_attach(tarmac_sink *s, machine *m, char *err, size_t errlen)
{
    return machine_attach_sink(m, tarmac_sink_kinds(s), tarmac_sink_event, s, err, errlen);
}

uint64_t tarmac_sink_insns(const tarmac_sink *s)
{
    return s->n;
}

uint64_t tarmac_sink_skipped(const tarmac_sink *s)
{
    return s->skipped;
}

int tarmac_sink_status(const tarmac_sink *s, char *err, size_t errlen)
{
    if (!s->err[0])
        return 0;
    snprintf(err, errlen, "%s", s->err);
    return -1;
}

/* The time of the lines being written: the current instruction's number
 * (the next one's, before its IT line). */
static uint64_t now(const tarmac_sink *s)
{
    return s->n ? s->n - 1 : 0;
}

/* Keeps the first write error (the writer's message is overwritten by the
 * next line's). */
static void put(tarmac_sink *s, int rc)
{
    if (rc && !s->err[0])
        snprintf(s->err, sizeof s->err, "%s", s->w.err);
}

/* The instruction's text, from the machine's disassembly cache. */
static const char *disassemble(machine *m, uint64_t pc, uint32_t word)
{
    const char *t = disasm_cache_text(&m->disasm, m->cs, pc, word);
    return t ? t : "";
}

/* Every translation register, as Fast Models prints all registers at time 0. */
static void write_initial_registers(tarmac_sink *s, machine *m)
{
    for (int r = MMU_SCTLR_EL1; r < MMU_REG_COUNT; r++)
        put(s, tarmac_write_reg(&s->w, 0, mmu_reg_name((mmu_reg)r),
                                mmu_cpu_get_reg(&m->cpu, (mmu_reg)r)));
    s->cpsr = machine_pstate(m);
    put(s, tarmac_write_reg(&s->w, 0, "cpsr", s->cpsr));
    s->started = true;
}

/* ---- TTW and TLB FILL lines -------------------------------------------- */

static void write_walk(tarmac_sink *s, const mmu_walk *wk, bool fill)
{
    for (unsigned i = 0; i < wk->n_reads; i++) {
        const mmu_desc_read *r = &wk->reads[i];
        put(s, tarmac_write_ttw(&s->w, now(s), r->pa, TARMAC_PAS_NS, r->value, r->stage,
                                r->level));
    }
    if (!fill)
        return;
    const mmu_result *res = &wk->result;
    unsigned shift = res->s1_size_shift;
    if (wk->s2_enabled && res->s2_size_shift < shift)
        shift = res->s2_size_shift;
    uint64_t size = UINT64_C(1) << shift;
    bool el10 = wk->regime == MMU_REGIME_EL10;
    tarmac_tlb t = {.fill = true, .id = wk->access.kind == MMU_ACC_FETCH ? "I" : "D", .id_len = 1,
                    .size = size, .va = wk->access.va & ~(size - 1), .has_va = true,
                    .el = (int8_t)(el10 ? 1 : 2), .va_pas = TARMAC_PAS_NS, .vmid = wk->vmid,
                    .has_vmid = el10, .asid = wk->asid, .has_asid = res->ng, .ng = res->ng,
                    .pa = res->pa & ~(size - 1), .has_pa = true, .pas = TARMAC_PAS_NS};
    put(s, tarmac_write_tlb_fill(&s->w, now(s), &t));
}

static void on_access(tarmac_sink *s, machine *m, const machine_event *ev)
{
    if (!ev->u.access.is_walk)
        return; /* a TLB hit, or both stages off */
    const mmu_walk *wk = ev->u.access.walk;
    bool fill = ev->u.access.ok && wk->s1_enabled && m->tlb.cfg.mode != MMU_TLB_NONE;
    if (wk->access.kind != MMU_ACC_FETCH || !ev->u.access.ok) {
        write_walk(s, wk, fill);
        return;
    }
    if (s->n_pending == MAX_PENDING_WALKS) {
        write_walk(s, &s->pending[0].walk, s->pending[0].fill);
        memmove(&s->pending[0], &s->pending[1], (MAX_PENDING_WALKS - 1) * sizeof s->pending[0]);
        s->n_pending--;
    }
    pending_walk *p = &s->pending[s->n_pending++];
    p->subpage = wk->access.va & ~(FILL_SUBPAGE - 1);
    p->walk = *wk;
    p->fill = fill;
}

/* The fetch walks of pc's sub-page, now that an instruction there runs. */
static void flush_fetch_walks(tarmac_sink *s, uint64_t pc)
{
    unsigned keep = 0;
    for (unsigned i = 0; i < s->n_pending; i++) {
        if (s->pending[i].subpage == (pc & ~(FILL_SUBPAGE - 1)))
            write_walk(s, &s->pending[i].walk, s->pending[i].fill);
        else
            s->pending[keep++] = s->pending[i];
    }
    s->n_pending = keep;
}

/* ---- Instructions and data accesses ------------------------------------- */

static void on_insn(tarmac_sink *s, machine *m, const machine_event *ev)
{
    uint64_t ps = machine_pstate(m);
    if ((ps ^ s->cpsr) & ~PSTATE_NZCV) {
        s->cpsr = ps;
        put(s, tarmac_write_reg(&s->w, s->n, "cpsr", ps));
    } else {
        s->cpsr = ps;
    }
    s->n++;
    if (s->n_pending)
        flush_fetch_walks(s, ev->pc);
    s->pc = ev->pc;
    s->word = ev->u.insn.word;
    s->have_word = ev->u.insn.pa_known;
    bool sp_elx = ps & PSTATE_SP;
    const char *text = s->have_word ? disassemble(m, ev->pc, s->word) : "";
    if (ev->u.insn.pa_known)
        put(s, tarmac_write_insn(&s->w, now(s), now(s), ev->pc, ev->u.insn.pa, TARMAC_PAS_NS,
                                 s->word, ev->el, sp_elx, true, text));
    else
        put(s, tarmac_write_insn_va(&s->w, now(s), now(s), ev->pc, 0, ev->el, sp_elx, true, text));
}

static void on_mem(tarmac_sink *s, const machine_event *ev)
{
    if (!ev->u.mem.va_known) {
        s->skipped++;
        return;
    }
    unsigned how = (ev->u.mem.write ? TARMAC_MEM_WRITE : 0) | (ev->u.mem.unpriv ? TARMAC_MEM_UNPRIV : 0);
    put(s, tarmac_write_mem(&s->w, now(s), how, ev->u.mem.size, ev->u.mem.va,
                            ev->u.mem.pa, TARMAC_PAS_NS, ev->u.mem.value));
}

/* ---- Exceptions ----------------------------------------------------------- */

#define VECTOR_OFFSET GENMASK64(10, 0)
#define DABT_ISS_CM BIT64(8)
#define DABT_ISS_WNR BIT64(6)

/* Fast Models names the event by the vector it enters; the number is the
 * vector's offset from VBAR_ELx (mmusim's choice: Fast Models' numbering of
 * these events is not published). */
static const char *event_name(uint64_t offset)
{
    switch (offset & ~UINT64_C(0x180)) { /* the kind (sync, IRQ, ...) is in [8:7] */
    case 0x000: return "CoreEvent_CURRENT_SP0_SYNC";
    case 0x200: return "CoreEvent_CURRENT_SPx_SYNC";
    case 0x400: return "CoreEvent_LOWER_AARCH64_SYNC";
    default: return "CoreEvent_LOWER_AARCH32_SYNC";
    }
}

/* The access of a Data Abort, at FAR: its size from the instruction. */
static void write_aborted_access(tarmac_sink *s, machine *m, const walklog_exception *e)
{
    ldst_info li;
    unsigned size = 8, how = (e->esr & DABT_ISS_WNR) ? TARMAC_MEM_WRITE : 0;
    if (s->have_word && ldst_decode(s->word, s->pc, machine_read_x, m, &li)) {
        if (li.bytes == 1 || li.bytes == 2 || li.bytes == 4)
            size = li.bytes;
        /* e->spsr: the PSTATE the access was made in */
        if (li.unpriv && machine_unpriv_applies(m, e->spsr))
            how |= TARMAC_MEM_UNPRIV;
    }
    put(s, tarmac_write_mem_abort(&s->w, now(s), how, size, e->far));
}

static void on_exception(tarmac_sink *s, machine *m, const machine_event *ev)
{
    const walklog_exception *e = &ev->u.exception;
    static const char *const esr[] = {"ESR_EL1", "ESR_EL1", "ESR_EL2"};
    static const char *const far[] = {"FAR_EL1", "FAR_EL1", "FAR_EL2"};
    static const char *const elr[] = {"ELR_EL1", "ELR_EL1", "ELR_EL2"};
    static const char *const spsr[] = {"SPSR_EL1", "SPSR_EL1", "SPSR_EL2"};
    unsigned t = e->to_el < 3 ? e->to_el : 2;
    uint64_t ec = FIELD_GET(ESR_EC, e->esr);
    bool dabt = ec == EC_DABT_LOWER || ec == EC_DABT_SAME;
    if (dabt && e->has_far && !(e->esr & DABT_ISS_CM))
        write_aborted_access(s, m, e);
    uint64_t offset = e->vector & VECTOR_OFFSET;
    put(s, tarmac_write_exception(&s->w, now(s), e->elr, (uint32_t)offset, event_name(offset)));
    s->cpsr = machine_pstate(m);
    put(s, tarmac_write_reg(&s->w, now(s), "cpsr", s->cpsr));
    put(s, tarmac_write_reg(&s->w, now(s), esr[t], e->esr));
    if (e->has_far)
        put(s, tarmac_write_reg(&s->w, now(s), far[t], e->far));
    if (e->has_hpfar)
        put(s, tarmac_write_reg(&s->w, now(s), "HPFAR_EL2", e->hpfar));
    put(s, tarmac_write_reg(&s->w, now(s), elr[t], e->elr));
    put(s, tarmac_write_reg(&s->w, now(s), spsr[t], e->spsr));
}

/* ---- System instructions -------------------------------------------------- */

static void on_tlbi(tarmac_sink *s, const machine_event *ev)
{
    char name[WALKLOG_TLBI_NAME_LEN];
    snprintf(name, sizeof name, "%s%s", ev->u.tlbi.op->name, ev->u.tlbi.nxs ? "nXS" : "");
    put(s, tarmac_write_tlbi(&s->w, now(s), name, ev->u.tlbi.xt));
}

static void on_at(tarmac_sink *s, const machine_event *ev)
{
    put(s, tarmac_write_at(&s->w, now(s), ev->u.at.op->name, ev->u.at.operand));
    if (ev->u.at.status == MMU_AT_PAR)
        put(s, tarmac_write_reg(&s->w, now(s), "PAR_EL1", ev->u.at.par));
}

void tarmac_sink_event(void *ctx, machine *m, const machine_event *ev)
{
    tarmac_sink *s = ctx;
    if (!s->started)
        write_initial_registers(s, m);
    switch (ev->kind) {
    case MEV_INSN:
        on_insn(s, m, ev);
        break;
    case MEV_MEM:
        on_mem(s, ev);
        break;
    case MEV_ACCESS:
        on_access(s, m, ev);
        break;
    case MEV_EXCEPTION:
        on_exception(s, m, ev);
        break;
    case MEV_SYSREG:
        put(s, tarmac_write_reg(&s->w, now(s), mmu_reg_name(ev->u.sysreg.reg),
                                ev->u.sysreg.new_value));
        break;
    case MEV_TLBI:
        on_tlbi(s, ev);
        break;
    case MEV_AT:
        on_at(s, ev);
        break;
    case MEV_STORE:
        break; /* stores come as MEV_MEM, with the loads */
    }
}
