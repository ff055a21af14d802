/* sim/tarmac.h — reading and writing Tarmac traces.
 *
 * Tarmac is the text trace format of Arm's Fast Models (FVP TarmacTrace
 * plugin), gem5's TarmacTracer and many RTL testbenches. The reader here
 * streams a file one record at a time in constant memory and keeps what
 * matters for checking address translation: instruction lines with VA:PA and
 * EL/mode, memory accesses with VA:PA and data, (ABORTED) accesses,
 * exceptions, writes to the translation and exception system registers,
 * `R TLBI <op> <Xt>` and `R AT <op> <Xt>`, and (tolerantly, since no public
 * example exists) `TTW` and `TLB`/`WALKCACHE` `FILL`/`EVICT` lines.
 *
 * Dialects accepted (see docs/tarmac.md and
 * shared/reference/fvp-trace-formats.md for the real lines they come from):
 *   - Fast Models:  `0 clk IT (0) 00008000 940011de O EL3h_s : BL ...`,
 *                   `1 clk MR8 0000c7c8:00000000c7c8 00000000_0000ca68`
 *   - gem5:         the same with a `cpu0` field and no `_NS` suffix
 *   - ES/LD/ST (`Tarmac Text Rev 3t`, cycle models and RTL):
 *                   `0 tic ES (00000000002105d4:d2a00200) O el3h_s: MOV ...`
 *                   `LD 0000000000200160 ........ ........ 3a...... ........ S:0000200160 nGnRnE OSH`
 *   - and the odd variants in tarmac-trace-utilities' parser tests (glued
 *     time units, missing timestamps, `cs` units, Cortex-M `MNR4___D`, ...).
 *
 * Every record carries its 1-based line number. Nothing in a file is fatal:
 * a line with an unknown keyword becomes a TARMAC_UNKNOWN record, a line with
 * a known keyword but missing or garbled fields becomes TARMAC_BAD with a
 * message, and both are counted.
 */
#ifndef MMUSIM_TARMAC_H
#define MMUSIM_TARMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest line kept whole; longer lines become TARMAC_BAD ("line too long"). */
#define TARMAC_MAX_LINE 4096

typedef enum tarmac_kind {
    TARMAC_INSN,      /* IT / IS / IF / ES instruction */
    TARMAC_MEM,       /* MR / MW / M... / LD / ST / cs-dialect R08, W04 */
    TARMAC_SYSREG,    /* R line for a translation or exception register */
    TARMAC_REG,       /* any other R line (X0, q0, cpsr, ...) */
    TARMAC_TLBI,      /* R TLBI <op> <Xt> */
    TARMAC_AT,        /* R AT <op> <Xt> */
    TARMAC_CACHEOP,   /* R DC / R IC <op> <Xt> */
    TARMAC_EXCEPTION, /* E <pc> <n> <name>, EXC [..] name, ES EXC ... */
    TARMAC_TTW,       /* TTW ... (descriptor read during a walk) */
    TARMAC_TLB,       /* TLB / WALKCACHE FILL / EVICT */
    TARMAC_EVENT,     /* known text-only lines: header, SIGNAL:, CADI, BR, debug E */
    TARMAC_UNKNOWN,   /* a line of no known kind: kept as text */
    TARMAC_BAD,       /* a known kind, truncated or garbled: see rec->problem */
    TARMAC_KIND_COUNT
} tarmac_kind;

/* "insn", "mem", ... (stable names used by tarmac-stats). */
const char *tarmac_kind_name(tarmac_kind k);

/* Physical address space, from the `_S`/`_NS` suffix or `S:`/`NS:` prefix. */
typedef enum tarmac_pas {
    TARMAC_PAS_NONE = 0, /* not printed (gem5, or PA absent) */
    TARMAC_PAS_S,
    TARMAC_PAS_NS,
    TARMAC_PAS_ROOT,  /* `_RT` (inference: FEAT_RME naming, no public sample) */
    TARMAC_PAS_REALM, /* `_RL` (inference, as above) */
} tarmac_pas;

const char *tarmac_pas_suffix(tarmac_pas pas); /* "", "_S", "_NS", "_RT", "_RL" */

/* A `<va>{:<pa><pas>}` address. */
typedef struct tarmac_addr {
    uint64_t va;
    uint64_t pa;
    bool has_pa;
    tarmac_pas pas;
} tarmac_addr;

typedef struct tarmac_insn {
    uint64_t id;         /* the (n) instruction count; 0 when absent */
    tarmac_addr pc;
    uint64_t pa2;        /* second PA of a page-crossing fetch */
    bool has_pa2;
    bool executed;       /* false for IS and CCFAIL */
    bool has_opcode;     /* false when printed as -------- (failed fetch) */
    uint32_t opcode;
    char iset;           /* 'A' (A32), 'T' (T32), 'O' (A64), 'X', or 0 */
    int8_t el;           /* 0..3 from the mode, -1 when unknown */
    bool sp_elx;         /* `h` mode (SP_ELx) rather than `t` (SP_EL0) */
    tarmac_pas security; /* from the mode's `_s`/`_n`/`_ns`/`_rt`/`_rl` */
    const char *mode;    /* e.g. "EL3h_s" (not NUL-terminated: mode_len) */
    size_t mode_len;
    const char *disasm;  /* text after the ':' (disasm_len bytes) */
    size_t disasm_len;
} tarmac_insn;

typedef struct tarmac_mem {
    bool write;
    bool aborted;        /* `(ABORTED)`: the access faulted */
    bool has_data;
    bool exclusive;      /* X attribute */
    bool unpriv;         /* T attribute (translated as EL0) */
    unsigned size;       /* bytes */
    tarmac_addr addr;
    uint64_t data;       /* the value (low 64 bits), little-endian order */
    uint64_t data_hi;    /* bits 127:64 of a 16-byte access */
} tarmac_mem;

typedef struct tarmac_reg {
    const char *name;    /* as printed, e.g. "TTBR0_EL1" (name_len bytes) */
    size_t name_len;
    uint64_t value;      /* low 64 bits */
    bool has_value;      /* false when printed with - or x (unknown bits) */
    bool wide;           /* more than 64 bits were printed */
} tarmac_reg;

/* R TLBI / R AT / R DC / R IC. */
typedef struct tarmac_sysop {
    const char *op;      /* "VAE1IS", "S12E1W", ... (op_len bytes) */
    size_t op_len;
    uint64_t operand;    /* Xt, printed as `hi32:lo32` by Fast Models */
    bool has_operand;
} tarmac_sysop;

typedef struct tarmac_exception {
    tarmac_addr pc;      /* preferred return address, when printed */
    bool has_pc;
    uint32_t number;     /* Fast Models' event number (E lines) or vector offset (EXC [..]) */
    bool has_number;
    const char *name;    /* "CoreEvent_CURRENT_SPx_SYNC", "Reset", ... */
    size_t name_len;
} tarmac_exception;

/* TTW: the syntax is not published (Arm only describes it in words: the
 * descriptor address, the data read and a summary), so only the first two
 * hex numbers are taken as address and data; the text is kept. */
typedef struct tarmac_ttw {
    tarmac_addr addr;
    bool has_addr;
    uint64_t data;
    bool has_data;
} tarmac_ttw;

/* `TLB|WALKCACHE FILL|EVICT <id> <size> 0x<vbase>{_NS} <el>{ vmid=<v>}{, nG asid=<a>}:<pa> ...`
 * (Fast Models Reference Guide 100964, "TLB trace"); every field optional. */
typedef struct tarmac_tlb {
    bool walkcache;
    bool fill;           /* FILL; false for EVICT */
    const char *id;      /* id_len bytes */
    size_t id_len;
    uint64_t size;       /* bytes, 0 when not understood */
    uint64_t va;
    bool has_va;
    int8_t el;           /* -1 when absent */
    tarmac_pas va_pas;
    uint32_t vmid, asid;
    bool has_vmid, has_asid, ng;
    uint64_t pa;
    bool has_pa;
    tarmac_pas pas;
} tarmac_tlb;

typedef struct tarmac_record {
    tarmac_kind kind;
    uint64_t line;       /* 1-based line number in the file */
    uint64_t time;       /* inherited from the previous line when absent */
    bool has_time;       /* this line, or an earlier one, gave a time */
    int cpu;             /* from a `cpuN` field, -1 when absent */
    const char *text;    /* the whole line, no newline (text_len bytes) */
    size_t text_len;
    const char *problem; /* TARMAC_BAD: what is wrong (static string) */
    union {
        tarmac_insn insn;
        tarmac_mem mem;
        tarmac_reg reg;       /* TARMAC_SYSREG and TARMAC_REG */
        tarmac_sysop sysop;   /* TARMAC_TLBI, TARMAC_AT, TARMAC_CACHEOP */
        tarmac_exception exc;
        tarmac_ttw ttw;
        tarmac_tlb tlb;
    } u;
} tarmac_record;

/* What one line's meaning depends on from earlier lines: the last time and
 * cpu, and whether the last record was LD or ST (ES-style continuation
 * lines omit the keyword). Zero it with tarmac_state_init. */
typedef struct tarmac_state {
    uint64_t time;
    bool has_time;
    int cpu;
    int last_ldst;       /* 0 none, 'L' or 'S' */
} tarmac_state;

void tarmac_state_init(tarmac_state *st);

/* Parses one line (no newline; len bytes, need not be NUL-terminated) into
 * rec. Pointers in rec point into line. Never fails: problems give
 * TARMAC_BAD records. */
void tarmac_parse_line(tarmac_state *st, const char *line, size_t len, uint64_t line_no,
                       tarmac_record *rec);

/* True for the translation and exception registers kept as TARMAC_SYSREG:
 * TTBRn/TCR/TCR2/VTTBR/VTCR/VSTTBR/VSTCR/MAIR/SCTLR/HCR/ESR/FAR/HPFAR/PAR/
 * ELR/SPSR/VBAR (any EL suffix, any case). */
bool tarmac_is_translation_reg(const char *name, size_t len);

/* ------------------------------------------------------------------------
 * Streaming reader: one record per call, constant memory.
 * ------------------------------------------------------------------------ */

typedef struct tarmac_reader tarmac_reader;

/* Opens path ("-" is stdin). NULL and a message in err on failure. */
tarmac_reader *tarmac_reader_open(const char *path, char *err, size_t errlen);
/* Reads from an open stream (not closed by tarmac_reader_close). */
tarmac_reader *tarmac_reader_from_stream(FILE *in, char *err, size_t errlen);
void tarmac_reader_close(tarmac_reader *r);

/* Fills rec with the next line's record (pointers valid until the next
 * call). Returns 1 for a record, 0 at end of file, -1 on a read error
 * (message in err). Blank lines and `#` comment lines are skipped. */
int tarmac_reader_next(tarmac_reader *r, tarmac_record *rec, char *err, size_t errlen);

/* Records of each kind returned so far. */
uint64_t tarmac_reader_count(const tarmac_reader *r, tarmac_kind k);
/* Lines read so far, including blank and comment lines. */
uint64_t tarmac_reader_lines(const tarmac_reader *r);

/* ------------------------------------------------------------------------
 * Writer: the Fast Models dialect above, as `mmusim run --tarmac` emits it.
 * Times are printed with unit "clk". Each function returns 0, or -1 when
 * the stream reports an error (message in w->err).
 * ------------------------------------------------------------------------ */

typedef struct tarmac_writer {
    FILE *out;
    int cpu;             /* >= 0: print `cpuN` on every line */
    uint64_t lines;      /* lines written */
    char err[128];
} tarmac_writer;

void tarmac_writer_init(tarmac_writer *w, FILE *out, int cpu);

/* `<time> clk IT (<count>) <va>:<pa><pas> <opcode> O EL<el><h|t>_<s|n> : <disasm>`
 * (IS instead of IT when !executed). */
int tarmac_write_insn(tarmac_writer *w, uint64_t time, uint64_t count, uint64_t va, uint64_t pa,
                      tarmac_pas pas, uint32_t opcode, unsigned el, bool sp_elx, bool executed,
                      const char *disasm);
/* The same line without a PA (`<va> <opcode>`): the fetch's PA is unknown. */
int tarmac_write_insn_va(tarmac_writer *w, uint64_t time, uint64_t count, uint64_t va,
                         uint32_t opcode, unsigned el, bool sp_elx, bool executed,
                         const char *disasm);
/* What a memory line says of its access (tarmac_write_mem's `how`). */
enum {
    TARMAC_MEM_WRITE = 1u << 0,  /* MW, else MR */
    TARMAC_MEM_UNPRIV = 1u << 1, /* the T attribute: an unprivileged access (LDTR/STTR) */
};
/* `<time> clk MR<size>[T] <va>:<pa><pas> <data>` (MW with TARMAC_MEM_WRITE);
 * size 1, 2, 4 or 8. */
int tarmac_write_mem(tarmac_writer *w, uint64_t time, unsigned how, unsigned size, uint64_t va,
                     uint64_t pa, tarmac_pas pas, uint64_t data);
/* `<time> clk MR<size>[T] <va> (ABORTED)`: an access that faulted. */
int tarmac_write_mem_abort(tarmac_writer *w, uint64_t time, unsigned how, unsigned size,
                           uint64_t va);
/* `<time> clk R <name> <16 hex digits>`. */
int tarmac_write_reg(tarmac_writer *w, uint64_t time, const char *name, uint64_t value);
/* `<time> clk R TLBI <op> <hi32>:<lo32>`. */
int tarmac_write_tlbi(tarmac_writer *w, uint64_t time, const char *op, uint64_t xt);
/* `<time> clk R AT <op> <hi32>:<lo32>`. */
int tarmac_write_at(tarmac_writer *w, uint64_t time, const char *op, uint64_t xt);
/* `<time> clk E <pc> <number> <name>`, e.g. name "CoreEvent_CURRENT_SPx_SYNC". */
int tarmac_write_exception(tarmac_writer *w, uint64_t time, uint64_t pc, uint32_t number,
                           const char *name);
/* `<time> clk TTW <pa><pas> <value> stage=<s> level=<l>`: one descriptor read
 * of a table walk. mmusim's own form: Fast Models' TTW syntax is not
 * published; the reader takes the first address and the hex value after it. */
int tarmac_write_ttw(tarmac_writer *w, uint64_t time, uint64_t pa, tarmac_pas pas, uint64_t value,
                     int stage, int level);
/* `<time> clk TLB FILL <id> <size> 0x<va>_NS EL<el>_n{ vmid=<v>}{, nG asid=<a>}:0x<pa><pas>`
 * (the documented grammar, see tarmac_tlb) from t's fields: id, size (a
 * power of two), va (has_va), el, vmid (has_vmid), ng + asid, pa + pas. */
int tarmac_write_tlb_fill(tarmac_writer *w, uint64_t time, const tarmac_tlb *t);

#endif
