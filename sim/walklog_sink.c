/* The walk log as a machine event sink: walks of guest accesses and AT
 * instructions, TLBIs, exceptions and register writes, each with the
 * instruction that caused it. See machine.h (machine_attach_walklog). */
#include "machine.h"

/* Instruction text is at most a mnemonic and its operands. */
#define INSN_TEXT_LEN 96

static void walklog_event(void *ctx, machine *m, const machine_event *ev)
{
    walklog *l = ctx;
    char text[INSN_TEXT_LEN];
    walklog_where w;
    switch (ev->kind) {
    case MEV_ACCESS:
        if (!ev->u.access.is_walk)
            return; /* a TLB hit, or both stages off */
        w = machine_event_where(m, ev, text, sizeof text);
        walklog_walk(l, &w, "access", ev->u.access.walk);
        break;
    case MEV_AT:
        w = machine_event_where(m, ev, text, sizeof text);
        walklog_walk(l, &w, "at", ev->u.at.walk);
        break;
    case MEV_SYSREG:
        w = machine_event_where(m, ev, text, sizeof text);
        walklog_register_write(l, &w, mmu_reg_name(ev->u.sysreg.reg), ev->u.sysreg.old_value,
                               ev->u.sysreg.new_value);
        break;
    case MEV_TLBI: {
        if (!ev->u.tlbi.decoded)
            return; /* an operand this CPU cannot have: nothing invalidated */
        char name[WALKLOG_TLBI_NAME_LEN];
        walklog_tlbi t = walklog_tlbi_of(ev->u.tlbi.decoded, ev->u.tlbi.removed, name);
        w = machine_event_where(m, ev, text, sizeof text);
        walklog_tlbi_op(l, &w, &t);
        break;
    }
    case MEV_EXCEPTION:
        w = machine_event_where(m, ev, text, sizeof text);
        walklog_exception_taken(l, &w, &ev->u.exception);
        break;
    case MEV_INSN:
    case MEV_MEM:
    case MEV_STORE:
        break; /* not attached for these */
    }
}

int machine_attach_walklog(machine *m, walklog *log, char *err, size_t errlen)
{
    unsigned kinds = 0;
    if (walklog_wants(log, WALKLOG_WALKS))
        kinds |= MEV_ACCESS | MEV_AT;
    if (walklog_wants(log, WALKLOG_TLBIS))
        kinds |= MEV_TLBI;
    if (walklog_wants(log, WALKLOG_EXCEPTIONS))
        kinds |= MEV_EXCEPTION;
    if (walklog_wants(log, WALKLOG_REGISTERS))
        kinds |= MEV_SYSREG;
    return machine_attach_sink(m, kinds, walklog_event, log, err, errlen);
}
