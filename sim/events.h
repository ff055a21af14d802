/* Machine events: what happens during a run that someone may want to keep —
 * each access the engine translates, AT, MSR to a translation register,
 * TLBI, exception entry. The machine builds each event once, where it
 * happens, and hands it to every attached sink (the walk log, the access
 * trace recorder, the Tarmac writer...). A sink says which kinds it wants;
 * the machine skips the work for kinds nobody wants; MEV_INSN, MEV_MEM and
 * MEV_STORE cost a Unicorn hook per instruction or access, installed only
 * when a sink asks for them.
 *
 * The event is valid only during the call: sinks copy what they keep. */
#ifndef MMUSIM_EVENTS_H
#define MMUSIM_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "at.h"
#include "mmu.h"
#include "tlbi.h"
#include "walklog.h"

struct machine;

typedef enum machine_event_kind {
    MEV_ACCESS = 1u << 0,    /* the fill hook asked the engine (TLB hit or walk) */
    MEV_AT = 1u << 1,        /* an AT instruction's walk */
    MEV_SYSREG = 1u << 2,    /* an MSR to a translation register */
    MEV_TLBI = 1u << 3,      /* a TLBI the machine executed */
    MEV_EXCEPTION = 1u << 4, /* an exception taken */
    MEV_INSN = 1u << 5,      /* each instruction, as it is about to execute */
    MEV_MEM = 1u << 6,       /* each data load (after it) and store (before it) */
    MEV_STORE = 1u << 7,     /* each data store (before it), in u.mem with
                                va_known false: a write-only hook, cheaper
                                than MEV_MEM (loads run at full speed and no
                                VA is worked out). Unicorn 2.1.1 reports
                                DC ZVA (byte by byte) and the LSE atomics
                                here; writes by the host are not seen. */
} machine_event_kind;

typedef struct machine_event {
    machine_event_kind kind;
    uint64_t icount;         /* instructions retired before this one */
    uint64_t pc;             /* the instruction; MEV_ACCESS: see machine_event_where */
    uint8_t el;              /* the EL it ran at */
    union {
        struct {
            const mmu_access *acc;
            const mmu_walk *walk;  /* complete when walked or faulted */
            bool walked;           /* the TLB model missed and walked */
            bool is_walk;          /* a walk as the run counts them: it read a
                                      descriptor or faulted */
            bool ok;               /* translated (false: the access faults) */
        } access;
        struct {
            const mmu_at_op *op;
            uint64_t operand;      /* Xt: the address */
            const mmu_walk *walk;
            mmu_at_status status;
            uint64_t par;          /* MMU_AT_PAR: the value written */
        } at;
        struct {
            mmu_reg reg;
            uint64_t old_value, new_value;
        } sysreg;
        struct {
            const mmu_tlbi_op *op;
            bool nxs;
            uint64_t xt;
            const mmu_tlbi *decoded; /* NULL when the operand is not valid for
                                        this CPU (nothing invalidated) */
            long removed;            /* TLB entries it removed */
        } tlbi;
        walklog_exception exception;
        struct {
            bool pa_known;         /* false: no fill for the PC's page is known */
            uint64_t pa;
            uint32_t word;         /* the instruction (0 when !pa_known) */
        } insn;
        struct {                   /* MEV_MEM, MEV_STORE */
            uint64_t pa;           /* exact: Unicorn reports it */
            bool va_known;         /* false: the VA could not be worked out */
            uint64_t va;           /* from the instruction and the fills */
            uint8_t size;          /* 1, 2, 4 or 8 bytes (wider accesses come
                                      as several events) */
            bool write;
            bool unpriv;           /* LDTR/STTR... with EL0 permissions (va_known only) */
            uint64_t value;        /* loaded or stored, little-endian */
        } mem;
    } u;
} machine_event;

/* Receives the events of the kinds it was attached for. */
typedef void (*machine_sink_fn)(void *ctx, struct machine *m, const machine_event *ev);

typedef struct machine_sink {
    unsigned kinds;          /* MEV_* mask */
    machine_sink_fn fn;
    void *ctx;
} machine_sink;

#define MACHINE_MAX_SINKS 4

#endif
