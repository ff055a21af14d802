/* The simulated machine: an AArch64 CPU on Unicorn Engine 2.1 whose every
 * translation comes from mmu/, guest physical memory (sparse RAM and the
 * UART), semihosting, and the exceptions Unicorn does not take by itself.
 *
 * Lifecycle: machine_init, then add memory (machine_add_ram, or
 * machine_add_virt_board for QEMU virt's layout), load images, set up
 * m->cpu (presets, registers, page tables), machine_set_entry, machine_run,
 * read m->stats / m->stop, machine_destroy. Nothing here prints: messages go
 * to error buffers and m->stop.message; cmd_run prints them. */
#ifndef MMUSIM_MACHINE_H
#define MMUSIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "disasm_cache.h"
#include "events.h"
#include "fill_map.h"
#include "mmu.h"
#include "physmem.h"
#include "tlb.h"
#include "uart.h"
#include "walklog.h"

/* QEMU virt board layout (DESIGN.md "Platform contract"). */
#define MACHINE_VIRT_RAM_BASE UINT64_C(0x40000000)
#define MACHINE_VIRT_RAM_SIZE UINT64_C(0x8000000) /* -m 128M */

/* Faults counted by kind: the engine's mmu_fault_type values, plus
 * synchronous external aborts on an access to nothing (no RAM, no device). */
#define MACHINE_FAULT_SEA ((int)MMU_FAULT_EXTERNAL_WALK + 1)
#define MACHINE_FAULT_KINDS (MACHINE_FAULT_SEA + 1)

/* Exceptions counted by kind. */
typedef enum machine_exc_kind {
    EXC_KIND_DATA_ABORT,
    EXC_KIND_INSN_ABORT,
    EXC_KIND_SVC,
    EXC_KIND_HVC,
    EXC_KIND_SMC,
    EXC_KIND_BRK,
    EXC_KIND_UNDEFINED,
    EXC_KIND_SYSREG_TRAP,
    EXC_KIND_COUNT
} machine_exc_kind;

const char *machine_exc_kind_name(machine_exc_kind k);

#define MACHINE_MAX_TLBI_OPS 64

typedef struct machine_stats {
    uint64_t insns;          /* instructions executed */
    uint64_t fills;          /* Unicorn TLB-fill hook calls */
    uint64_t walks;          /* table walks (TLB misses that walked) */
    uint64_t tlb_hits, tlb_misses;
    uint64_t faults[MACHINE_FAULT_KINDS];
    uint64_t exceptions[EXC_KIND_COUNT];
    uint64_t ats;
    uint64_t tlbis;
    struct {
        const char *op;      /* static name from the TLBI table */
        uint64_t count;
    } tlbi_by_op[MACHINE_MAX_TLBI_OPS];
    int n_tlbi_ops;
    uint64_t sysreg_writes;  /* MSRs to translation registers */
} machine_stats;

typedef enum machine_stop_reason {
    MACHINE_RUNNING = 0,
    MACHINE_EXITED,          /* semihosting SYS_EXIT / PSCI SYSTEM_OFF */
    MACHINE_MAX_INSNS,       /* the instruction budget ran out */
    MACHINE_STUCK,           /* the same exception again and again, no progress */
    MACHINE_FAILED,          /* the emulator could not go on (message says why) */
} machine_stop_reason;

typedef struct machine_stop {
    machine_stop_reason reason;
    int exit_code;           /* MACHINE_EXITED: the guest's status */
    char message[512];
} machine_stop;

/* The architectural registers of the last exception taken to each EL (a
 * shadow kept for diagnosis; the guest's copies live in the CPU). */
typedef struct machine_exc_regs {
    bool valid;
    uint64_t esr, far, elr, spsr, hpfar, vector;
    uint64_t icount;         /* instruction count when it was taken */
} machine_exc_regs;

/* An abort found by the fill hook, delivered once Unicorn has stopped at
 * the faulting instruction. */
typedef struct machine_abort {
    bool pending;
    mmu_access_kind kind;
    uint64_t page_va;        /* the (sub-)page Unicorn asked for */
    bool sea;                /* external abort: nothing at the PA */
    uint64_t pa;             /* sea: the address with nothing behind it */
    mmu_fault fault;         /* translation fault (when !sea) */
    uint8_t el;              /* EL of the access */
} machine_abort;

struct exc_entry; /* exception.h */

typedef struct machine {
    uc_engine *uc;
    physmem mem;
    uart uart;
    mmu_cpu cpu;
    mmu_tlb tlb;
    csh cs;                  /* Capstone, for instruction text in the log */
    disasm_cache disasm;     /* ... and the text it gave */

    machine_sink sinks[MACHINE_MAX_SINKS]; /* who receives the run's events */
    unsigned n_sinks;
    unsigned sink_kinds;     /* MEV_* kinds some sink wants */
    fill_map fills;          /* PAs Unicorn holds (kept when MEV_INSN/MEM are wanted) */
    bool code_hook, mem_hook, store_hook; /* installed for MEV_INSN, MEV_MEM, MEV_STORE */
    FILE *out;               /* guest output (UART + semihosting): stdout */
    FILE *guest_err;         /* semihosting writes to handle 2: stderr */
    bool capture;            /* also keep the guest output in captured */
    char *captured;
    size_t captured_len, captured_cap;

    uint64_t max_insns;      /* 0: unlimited */
    machine_stats stats;
    machine_stop stop;
    machine_exc_regs exc[3]; /* by target EL (index 0 unused) */

    /* Run-loop state. */
    machine_abort abort;
    uint64_t block_pc;       /* the block being executed and its size */
    uint32_t block_size;
    uint32_t fill_cursor;    /* instruction of the block the last data fill was for */
    bool flush_at_block;     /* drop Unicorn's fills when the next block starts */
    bool watch_erets;        /* a sink wants exceptions: look for ERETs */
    uint64_t insn_limit;     /* max_insns, or UINT64_MAX for none */
    uint64_t stuck_sig[4];   /* the last exception: EL, ESR, FAR, ELR */
    uint64_t stuck_icount;
    unsigned stuck_repeats;
    uint8_t el_seen;         /* EL of the last block or exception (ERET detection) */
    uint64_t return_addrs[4]; /* recent ELR values: where an ERET can land */
    unsigned next_return_addr;
    /* An exception raised by an MRS/MSR/SYS hook. Unicorn cannot leave a
     * translation block from such a hook (a PC written there only takes
     * effect at the end of the block), so the hook saves the CPU state as
     * it was at the instruction and stops; the run loop restores that state
     * and takes the exception (see exception_take). */
    bool in_insn_hook;
    bool deferred;
    struct exc_entry *deferred_exc;
    uc_context *deferred_ctx;
} machine;

/* Opens Unicorn (UC_CPU_ARM64_MAX, virtual TLB), installs the hooks and
 * resets the CPU model with the "max" preset and the reset values of the
 * registers mmusim shadows. No memory yet. 0, or -1 with a message. */
int machine_init(machine *m, char *err, size_t errlen);
void machine_destroy(machine *m);

/* RAM at [base, base+size) anywhere in the 52-bit PA space. */
int machine_add_ram(machine *m, const char *name, uint64_t base, uint64_t size, char *err,
                    size_t errlen);
/* QEMU virt: RAM of ram_size at 0x4000_0000 and the PL011 at 0x0900_0000. */
int machine_add_virt_board(machine *m, uint64_t ram_size, char *err, size_t errlen);
/* Only the UART at 0x0900_0000 (scenarios that declare their own RAM). */
int machine_add_uart(machine *m, char *err, size_t errlen);

/* Loads an ELF64 AArch64 executable at its segments' physical addresses;
 * *entry receives e_entry. */
int machine_load_elf(machine *m, const char *path, uint64_t *entry, char *err, size_t errlen);
/* Loads a raw image's bytes at pa. */
int machine_load_raw(machine *m, const char *path, uint64_t pa, char *err, size_t errlen);

/* Entry state: PC, EL (0..2), SP_ELx (or SP_EL0 with sp_el0) holding sp,
 * interrupts masked, as QEMU's virt board starts a -kernel ELF. */
int machine_set_entry(machine *m, uint64_t pc, uint8_t el, bool sp_el0, uint64_t sp, char *err,
                      size_t errlen);
/* Sets X0..X30. */
int machine_set_x(machine *m, unsigned n, uint64_t value, char *err, size_t errlen);

/* Attaches a sink for the MEV_* kinds in `kinds` (events.h). 0, or -1
 * with a message when MACHINE_MAX_SINKS are attached already. */
int machine_attach_sink(machine *m, unsigned kinds, machine_sink_fn fn, void *ctx, char *err,
                        size_t errlen);
/* Attaches a walk log: walks (guest accesses and AT), TLBIs, exceptions and
 * register writes, as the log's record selection says. */
int machine_attach_walklog(machine *m, walklog *log, char *err, size_t errlen);

/* Runs until the guest exits, the budget runs out, the guest is stuck or
 * the emulator fails. Returns m->stop.reason. */
machine_stop_reason machine_run(machine *m);

/* Writes the end-of-run summary (instructions, walks, TLB hits/misses,
 * faults by kind, exceptions, TLBIs by operation) as text lines. */
void machine_write_summary(const machine *m, FILE *f);

/* ---- For the machine's own parts (fill, exception, sysreg, semihost) ---- */

/* Current PSTATE in SPSR format (EL in [3:2], SPSel in [0]). */
uint64_t machine_pstate(machine *m);
uint8_t machine_el(machine *m);
/* Xn (n = 31: SP when is_sp, else XZR), for ldst_decode. ctx: the machine. */
uint64_t machine_read_x(void *ctx, unsigned n, bool is_sp);
/* True when an unprivileged load/store (LDTR, STTR...) executed in this
 * PSTATE uses EL0 permissions: at EL1, or at EL2 in the EL2&0 host
 * (HCR_EL2.E2H = TGE = 1), unless PSTATE.UAO is set (DDI0487 C6.2 LDTR,
 * the AccType_UNPRIV choice; FEAT_NV's exception is not modelled). */
bool machine_unpriv_applies(const machine *m, uint64_t pstate);
/* Appends guest output (UART, semihosting) to m->out and the capture. */
void machine_guest_output(machine *m, const char *bytes, size_t len);
/* Reads guest memory at a virtual address of the current regime, as an
 * access of `kind` at the current EL would see it, without the TLB, a
 * logged walk, counters or descriptor updates (for semihosting and
 * instruction decoding). false when a page is not mapped or not RAM. */
bool machine_read_va(machine *m, uint64_t va, void *buf, size_t len, mmu_access_kind kind);
/* Stops the run with this reason and message. */
void machine_halt(machine *m, machine_stop_reason reason, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* True when some sink wants events of one of these MEV_* kinds. */
static inline bool machine_wants(const machine *m, unsigned kinds)
{
    return (m->sink_kinds & kinds) != 0;
}
/* Hands ev to every sink that wants its kind. */
void machine_emit(machine *m, const machine_event *ev);
/* Where an event happened, with the instruction text when insn_len > 0.
 * For MEV_ACCESS the instruction is found here, not when the event is
 * built (it means decoding the translation block). */
walklog_where machine_event_where(machine *m, const machine_event *ev, char *insn_buf,
                                  size_t insn_len);
/* An address an ERET may return to: an ELR_ELx value an exception or an
 * MSR wrote (the machine looks for ERETs at blocks starting there). */
void machine_note_return_addr(machine *m, uint64_t addr);
/* The same place without the text: the instruction word at the PC, read
 * as machine_event_where reads it (*has_word false when it cannot be), for
 * sinks that keep the word and disassemble later (the trace recorder). */
walklog_where machine_event_place(machine *m, const machine_event *ev, bool *has_word,
                                  uint32_t *word);
/* Drops every translation Unicorn has cached (after TLBI, register writes
 * and EL changes that alter what a fill would return). */
void machine_flush_fills(machine *m);

#endif
