/* The trace recorder as a machine event sink: see trace_sink.h. */
#include "trace_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

struct trace_sink {
    trace_rec *rec;
    mmu_port port;        /* m->cpu's port before the recorder wrapped it */
    uint64_t accesses, faults;
};

/* Where an event happened, with the instruction word at its PC. */
static trace_where place(machine *m, const machine_event *ev)
{
    bool has_word;
    uint32_t word;
    walklog_where w = machine_event_place(m, ev, &has_word, &word);
    return (trace_where){.icount = w.icount, .pc = w.pc, .el = w.el, .has_insn = has_word,
                         .insn = word};
}

static void record_access(trace_sink *t, machine *m, const machine_event *ev)
{
    const mmu_walk *walk = ev->u.access.walk;
    trace_where w = place(m, ev);
    trace_access a = {.acc = *ev->u.access.acc, .walked = ev->u.access.is_walk,
                      .faulted = !ev->u.access.ok};
    if (a.faulted)
        a.fault = walk->fault;
    trace_rec_access(t->rec, &w, &a);
    t->accesses++;
    t->faults += a.faulted;
}

static void record_at(trace_sink *t, machine *m, const machine_event *ev)
{
    const mmu_walk *walk = ev->u.at.walk;
    trace_where w = place(m, ev);
    trace_access a = {.acc = walk->access, .op = ev->u.at.op,
                      .faulted = walk->fault.type != MMU_FAULT_NONE};
    a.acc.va = ev->u.at.operand;
    if (a.faulted)
        a.fault = walk->fault;
    trace_rec_at(t->rec, &w, &a);
}

static void record_exception(trace_sink *t, machine *m, const machine_event *ev)
{
    const walklog_exception *x = &ev->u.exception;
    trace_where w = place(m, ev);
    trace_exception e = {.from_el = x->from_el, .to_el = x->to_el, .esr = x->esr,
                         .elr = x->elr, .spsr = x->spsr, .has_far = x->has_far, .far = x->far,
                         .has_hpfar = x->has_hpfar, .hpfar = x->hpfar, .vector = x->vector};
    snprintf(e.kind, sizeof e.kind, "%s", x->kind ? x->kind : "");
    trace_rec_exception(t->rec, &w, &e);
}

static void on_event(void *ctx, machine *m, const machine_event *ev)
{
    trace_sink *t = ctx;
    trace_where w;
    switch (ev->kind) {
    case MEV_ACCESS:
        record_access(t, m, ev);
        break;
    case MEV_AT:
        record_at(t, m, ev);
        break;
    case MEV_SYSREG:
        w = place(m, ev);
        trace_rec_sysreg(t->rec, &w, ev->u.sysreg.reg, ev->u.sysreg.new_value);
        break;
    case MEV_TLBI:
        w = place(m, ev);
        trace_rec_tlbi(t->rec, &w, ev->u.tlbi.op, ev->u.tlbi.nxs, ev->u.tlbi.xt);
        break;
    case MEV_EXCEPTION:
        record_exception(t, m, ev);
        break;
    case MEV_STORE:
        trace_rec_store(t->rec, ev->u.mem.pa, ev->u.mem.size, ev->u.mem.value);
        break;
    case MEV_INSN:
    case MEV_MEM:
        break; /* not attached for these */
    }
}

int trace_sink_open(trace_sink **out, machine *m, const char *path, const char *preset,
                    char *err, size_t errlen)
{
    *out = NULL;
    trace_sink *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (trace_rec_open(&t->rec, path, err, errlen)) {
        free(t);
        return -1;
    }
    /* Attach first: with no free sink slot nothing is changed. */
    unsigned kinds = MEV_ACCESS | MEV_AT | MEV_SYSREG | MEV_TLBI | MEV_EXCEPTION | MEV_STORE;
    if (machine_attach_sink(m, kinds, on_event, t, err, errlen)) {
        char ignore[8];
        trace_rec_close(t->rec, NULL, ignore, sizeof ignore);
        remove(path);
        free(t);
        return -1;
    }
    trace_rec_start(t->rec, &m->cpu, &m->tlb.cfg, preset);
    t->port = m->cpu.port;
    trace_rec_wrap_port(t->rec, &m->cpu.port);
    *out = t;
    return 0;
}

int trace_sink_close(trace_sink *t, machine *m, char *err, size_t errlen)
{
    if (!t)
        return 0;
    m->cpu.port = t->port;
    trace_summary s = {.insns = m->stats.insns, .accesses = t->accesses,
                       .walks = m->stats.walks, .hits = m->tlb.stats.hits,
                       .misses = m->tlb.stats.misses, .faults = t->faults};
    int rc = trace_rec_close(t->rec, &s, err, errlen);
    free(t);
    return rc;
}
