/* One Tarmac line -> one record: the common prefix (time, unit, cpu), the
 * keyword dispatch, and the instruction, exception and event lines.
 * Register, memory and MMU lines are in tarmac_parse_{reg,mem,mmu}.c.
 *
 * The grammar is Arm's (Fast Models Reference Guide 100964, "TarmacTrace
 * file format") plus the dialects collected in tarmac-trace-utilities'
 * tests/parsertest.txt; docs/tarmac.md lists them with examples. */
#include <string.h>

#include "tarmac_lex.h"

void tarmac_state_init(tarmac_state *st)
{
    memset(st, 0, sizeof *st);
    st->cpu = -1;
}

/* Time units seen in Tarmac files (tarmac-trace-utilities lib/parser.cpp
 * accepts the same set). */
static bool is_unit(const char *s, size_t n)
{
    tarmac_tok t = {s, n};
    return tarmac_tok_is(t, "clk") || tarmac_tok_is(t, "ns") || tarmac_tok_is(t, "ps") ||
           tarmac_tok_is(t, "tic") || tarmac_tok_is(t, "cs") || tarmac_tok_is(t, "cyc") ||
           tarmac_tok_is(t, "us");
}

/* `<digits> <unit>` or `<digits><unit>` (Cortex-M0 RTL writes "271ns").
 * Consumes them and sets *time; leaves lx alone otherwise. */
static bool take_time(tarmac_lex *lx, uint64_t *time)
{
    tarmac_lex look = *lx;
    tarmac_tok t = tarmac_lex_next(&look);
    size_t digits = 0;
    while (digits < t.n && t.s[digits] >= '0' && t.s[digits] <= '9')
        digits++;
    if (!digits || digits > 19)
        return false;
    if (digits == t.n) {
        tarmac_tok unit = tarmac_lex_next(&look);
        if (!is_unit(unit.s, unit.n))
            return false;
    } else if (!is_unit(t.s + digits, t.n - digits)) {
        return false;
    }
    uint64_t v;
    tarmac_parse_uint((tarmac_tok){t.s, digits}, &v);
    *time = v;
    *lx = look;
    return true;
}

/* `cpuN`: gem5 and multi-core Fast Models. */
static bool take_cpu(tarmac_lex *lx, int *cpu)
{
    tarmac_lex look = *lx;
    tarmac_tok t = tarmac_lex_next(&look);
    uint64_t n;
    if (t.n < 4 || t.n > 8 || memcmp(t.s, "cpu", 3) != 0 ||
        !tarmac_parse_uint((tarmac_tok){t.s + 3, t.n - 3}, &n))
        return false;
    *cpu = (int)n;
    *lx = look;
    return true;
}

/* The mode field: `EL3h_s`, `el0t_ns`, `el3t_rt`, `svc_s`, `hyp_n`,
 * `thread_s`, `---_-`. Mode names of AArch32 map to the EL they run at with
 * EL3 in AArch64 (DDI0487 G1.9.2, "AArch32 PE modes"); M-profile ones to -1. */
static void decode_mode(tarmac_insn *in)
{
    const char *m = in->mode, *us = NULL;
    size_t n = in->mode_len;
    for (size_t i = 0; i < n; i++)
        if (m[i] == '_')
            us = m + i;
    size_t base = us ? (size_t)(us - m) : n;
    in->el = -1;
    in->security = TARMAC_PAS_NONE;
    if (us) {
        tarmac_tok sec = {us + 1, n - base - 1};
        if (tarmac_tok_is_ci(sec, "s"))
            in->security = TARMAC_PAS_S;
        else if (tarmac_tok_is_ci(sec, "n") || tarmac_tok_is_ci(sec, "ns"))
            in->security = TARMAC_PAS_NS;
        else if (tarmac_tok_is_ci(sec, "rt"))
            in->security = TARMAC_PAS_ROOT;
        else if (tarmac_tok_is_ci(sec, "rl"))
            in->security = TARMAC_PAS_REALM;
    }
    if (base >= 3 && (m[0] == 'E' || m[0] == 'e') && (m[1] == 'L' || m[1] == 'l') && m[2] >= '0' &&
        m[2] <= '3') {
        in->el = (int8_t)(m[2] - '0');
        in->sp_elx = base >= 4 && m[3] == 'h';
        return;
    }
    tarmac_tok name = {m, base};
    if (tarmac_tok_is_ci(name, "usr"))
        in->el = 0;
    else if (tarmac_tok_is_ci(name, "hyp"))
        in->el = 2;
    else if (tarmac_tok_is_ci(name, "mon"))
        in->el = 3;
    else if (tarmac_tok_is_ci(name, "svc") || tarmac_tok_is_ci(name, "abt") ||
             tarmac_tok_is_ci(name, "und") || tarmac_tok_is_ci(name, "irq") ||
             tarmac_tok_is_ci(name, "fiq") || tarmac_tok_is_ci(name, "sys"))
        in->el = 1;
}

/* `<iset> <mode> : <disasm>` / `<iset> <mode>: <disasm>` / `<iset> : ...`
 * / `<iset> <disasm>` (Cortex-M4 RTL prints no mode and no colon). */
static void parse_insn_tail(tarmac_lex *lx, tarmac_insn *in)
{
    tarmac_tok iset = tarmac_lex_next(lx);
    in->iset = iset.n ? iset.s[0] : 0;
    tarmac_lex look = *lx;
    tarmac_tok t = tarmac_lex_next(&look);
    if (tarmac_tok_is(t, ":")) {
        *lx = look;
    } else if (t.n > 1 && t.s[t.n - 1] == ':') {
        in->mode = t.s;
        in->mode_len = t.n - 1;
        *lx = look;
    } else if (tarmac_tok_is(tarmac_lex_next(&look), ":")) {
        in->mode = t.s;
        in->mode_len = t.n;
        *lx = look;
    }
    if (in->mode)
        decode_mode(in);
    else
        in->el = -1;
    tarmac_tok rest = tarmac_lex_rest(lx);
    if (rest.n >= 6 && memcmp(rest.s, "CCFAIL", 6) == 0)
        in->executed = false;
    in->disasm = rest.s;
    in->disasm_len = rest.n;
}

static bool parse_opcode(tarmac_tok t, tarmac_insn *in)
{
    uint64_t op;
    if (t.n && t.s[0] == '-') {
        for (size_t i = 0; i < t.n; i++)
            if (t.s[i] != '-')
                return false;
        in->has_opcode = false;
        return true;
    }
    if (t.n > 8 || !tarmac_parse_hex(t, &op))
        return false;
    in->opcode = (uint32_t)op;
    in->has_opcode = true;
    return true;
}

static bool is_iset(tarmac_tok t)
{
    return tarmac_tok_is(t, "A") || tarmac_tok_is(t, "T") || tarmac_tok_is(t, "O") ||
           tarmac_tok_is(t, "X") || tarmac_tok_is(t, "T16") || tarmac_tok_is(t, "T32") ||
           tarmac_tok_is(t, "A32") || tarmac_tok_is(t, "A64");
}

/* Fast Models / gem5 / RTL `IT|IS|IF (<id>) <addr> <opcode> <iset> <mode> : <disasm>`.
 * Variants: `(<addr>:<id>)` (Cortex-M4, R5) and `(<pc>) <opcode>` with no
 * address field (the `cs` dialect). */
static void parse_it_line(tarmac_tok kw, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_insn *in = &rec->u.insn;
    rec->kind = TARMAC_INSN;
    in->executed = !tarmac_tok_is(kw, "IS");
    tarmac_tok paren = tarmac_lex_next(lx);
    if (paren.n < 3 || paren.s[0] != '(' || paren.s[paren.n - 1] != ')')
        return tarmac_bad(rec, "instruction line: expected (<count>) after IT/IS");
    tarmac_tok inner = {paren.s + 1, paren.n - 2};
    const char *colon = memchr(inner.s, ':', inner.n);
    tarmac_tok id = inner, paren_pc = {NULL, 0};
    if (colon) {
        paren_pc = (tarmac_tok){inner.s, (size_t)(colon - inner.s)};
        id = (tarmac_tok){colon + 1, inner.n - paren_pc.n - 1};
    }
    bool id_ok = tarmac_tok_all_digits(id) ? tarmac_parse_uint(id, &in->id)
                                           : tarmac_parse_hex(id, &in->id);
    if (!id_ok)
        return tarmac_bad(rec, "instruction line: garbled (<count>)");

    tarmac_tok a = tarmac_lex_next(lx);
    tarmac_tok b = tarmac_lex_peek(lx);
    if (!a.n)
        return tarmac_bad(rec, "instruction line truncated after (<count>)");
    if (is_iset(b) || !b.n) {
        /* `cs` dialect: the parenthesis holds the PC, a is the opcode. */
        tarmac_tok pc = paren_pc.n ? paren_pc : inner;
        if (!b.n || !tarmac_parse_addr(pc, &in->pc, NULL, NULL) || !parse_opcode(a, in))
            return tarmac_bad(rec, "instruction line truncated or garbled after the address");
        if (!paren_pc.n)
            in->id = 0;
    } else {
        if (!tarmac_parse_addr(a, &in->pc, &in->pa2, &in->has_pa2))
            return tarmac_bad(rec, "instruction line: garbled address");
        if (!parse_opcode(tarmac_lex_next(lx), in))
            return tarmac_bad(rec, "instruction line: garbled opcode");
        if (!tarmac_lex_peek(lx).n)
            return tarmac_bad(rec, "instruction line truncated after the opcode");
    }
    parse_insn_tail(lx, in);
}

/* ES style: `ES (<addr>:<opcode>) <iset> <mode>: <disasm>`; `ES EXC ...`
 * and `ES Reset` are exceptions (handled by the caller). */
static void parse_es_insn(tarmac_tok paren, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_insn *in = &rec->u.insn;
    rec->kind = TARMAC_INSN;
    in->executed = true;
    const char *colon = paren.n > 2 ? memchr(paren.s, ':', paren.n) : NULL;
    if (paren.s[paren.n - 1] != ')' || !colon)
        return tarmac_bad(rec, "ES line: expected (<address>:<opcode>)");
    tarmac_tok addr = {paren.s + 1, (size_t)(colon - paren.s - 1)};
    tarmac_tok op = {colon + 1, (size_t)(paren.s + paren.n - 1 - colon - 1)};
    if (!tarmac_parse_hex(addr, &in->pc.va))
        return tarmac_bad(rec, "ES line: garbled address");
    if (!parse_opcode(op, in))
        return tarmac_bad(rec, "ES line: garbled opcode");
    if (!tarmac_lex_peek(lx).n)
        return tarmac_bad(rec, "ES line truncated after the opcode");
    parse_insn_tail(lx, in);
}

/* `E <pc>{:<pa>} <number> <name>` (Fast Models): an exception taken, with
 * the preferred return address. `E <word> ...` (debug events) is text. */
static void parse_e_line(tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_exception *e = &rec->u.exc;
    tarmac_tok t = tarmac_lex_next(lx);
    if (!t.n)
        return tarmac_bad(rec, "E line truncated: no address or event name");
    if (!tarmac_parse_addr(t, &e->pc, NULL, NULL)) {
        rec->kind = TARMAC_EVENT;
        return;
    }
    rec->kind = TARMAC_EXCEPTION;
    e->has_pc = true;
    uint64_t n;
    tarmac_tok num = tarmac_lex_peek(lx);
    if (num.n && tarmac_parse_hex(num, &n)) {
        tarmac_lex_next(lx);
        e->number = (uint32_t)n;
        e->has_number = true;
    }
    tarmac_tok name = tarmac_lex_rest(lx);
    if (!name.n)
        return tarmac_bad(rec, "E line truncated: no exception name");
    e->name = name.s;
    e->name_len = name.n;
}

/* `EXC [0x200] Synchronous Current EL with SP_ELx`, `EXC Reset`, and the
 * Cortex-A53 RTL `ES Reset`. */
static void parse_exc_line(tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_exception *e = &rec->u.exc;
    rec->kind = TARMAC_EXCEPTION;
    tarmac_tok t = tarmac_lex_peek(lx);
    if (t.n >= 2 && t.s[0] == '[' && t.s[t.n - 1] == ']') {
        uint64_t n;
        if (!tarmac_parse_uint((tarmac_tok){t.s + 1, t.n - 2}, &n))
            return tarmac_bad(rec, "EXC line: garbled [vector]");
        e->number = (uint32_t)n;
        e->has_number = true;
        tarmac_lex_next(lx);
    }
    tarmac_tok name = tarmac_lex_rest(lx);
    if (!name.n)
        return tarmac_bad(rec, "EXC line truncated: no exception name");
    e->name = name.s;
    e->name_len = name.n;
}

/* Lines kept as text: the `Tarmac Text Rev 3t` header, CADI and CACHE
 * events, branch (BR) and program-flow lines, P, and GenericTrace-style
 * `SOURCE: FIELD=value` lines such as `SIGNAL: SIGNAL=Abort STATE=N`. */
static bool is_event_keyword(tarmac_tok kw)
{
    static const char *const words[] = {"Tarmac", "CADI", "CACHE", "BR", "P",
                                        "INFO_EXCEPTION_REASON", "FD", "FI", "FR"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tarmac_tok_is(kw, words[i]))
            return true;
    return kw.n > 1 && kw.s[kw.n - 1] == ':';
}

static bool looks_hex(tarmac_tok t)
{
    uint64_t v;
    return tarmac_parse_hex(t, &v);
}

/* last_ldst: 'L' or 'S' when the previous line was an LD/ST diagram. */
static void dispatch(tarmac_state *st, int last_ldst, tarmac_tok kw, tarmac_lex *lx,
                     tarmac_record *rec)
{
    if (tarmac_tok_is(kw, "IT") || tarmac_tok_is(kw, "IS") || tarmac_tok_is(kw, "IF"))
        return parse_it_line(kw, lx, rec);
    if (tarmac_tok_is(kw, "R"))
        return tarmac_parse_reg_line(lx, rec);
    if (tarmac_tok_is(kw, "LD") || tarmac_tok_is(kw, "ST")) {
        st->last_ldst = kw.s[0];
        return tarmac_parse_ldst_line(kw.s[0] == 'S', lx, rec);
    }
    if (tarmac_tok_is(kw, "ES")) {
        tarmac_tok t = tarmac_lex_next(lx);
        if (t.n && t.s[0] == '(')
            return parse_es_insn(t, lx, rec);
        if (!t.n)
            return tarmac_bad(rec, "ES line truncated");
        if (!tarmac_tok_is(t, "EXC"))
            lx->p = t.s; /* `ES Reset`: the name follows directly */
        return parse_exc_line(lx, rec);
    }
    if (tarmac_tok_is(kw, "EXC"))
        return parse_exc_line(lx, rec);
    if (tarmac_tok_is(kw, "E"))
        return parse_e_line(lx, rec);
    if (tarmac_tok_is(kw, "TTW"))
        return tarmac_parse_ttw_line(lx, rec);
    if (tarmac_tok_is(kw, "TLB") || tarmac_tok_is(kw, "WALKCACHE"))
        return tarmac_parse_tlb_line(kw, lx, rec);
    if (is_event_keyword(kw)) {
        rec->kind = TARMAC_EVENT;
        return;
    }
    if (tarmac_parse_mem_line(kw, lx, rec))
        return;
    if (last_ldst && looks_hex(kw)) {
        /* Continuation of an LD/ST diagram without the keyword (Neoverse
         * and Cortex-M33 RTL). */
        st->last_ldst = last_ldst;
        lx->p = kw.s;
        return tarmac_parse_ldst_line(last_ldst == 'S', lx, rec);
    }
    rec->kind = TARMAC_UNKNOWN;
}

void tarmac_parse_line(tarmac_state *st, const char *line, size_t len, uint64_t line_no,
                       tarmac_record *rec)
{
    memset(rec, 0, sizeof *rec);
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    rec->line = line_no;
    rec->text = line;
    rec->text_len = len;
    tarmac_lex lx = {line, line + len};
    uint64_t time;
    bool timed = take_time(&lx, &time);
    if (timed) {
        st->time = time;
        st->has_time = true;
        st->cpu = -1;
    }
    take_cpu(&lx, &st->cpu);
    rec->time = st->time;
    rec->has_time = st->has_time;
    rec->cpu = st->cpu;

    int last_ldst = st->last_ldst;
    st->last_ldst = 0;
    if (memchr(line, '\0', len)) {
        tarmac_bad(rec, "garbled: NUL byte in the line");
        return;
    }
    tarmac_tok kw = tarmac_lex_next(&lx);
    if (!kw.n) {
        tarmac_bad(rec, timed ? "truncated: nothing after the timestamp" : "empty line");
        return;
    }
    dispatch(st, last_ldst, kw, &lx, rec);
}
