/* Tarmac memory-access lines:
 *   Fast Models / gem5   `MR8 <va>{:<pa><pas>} <data>`, `MW4X ...`, `MR4 <va> (ABORTED)`
 *   Cortex-M RTL         `MNW4___D <addr> <data>` (`...I`: instruction fetch)
 *   `cs` dialect         `R08 <addr> <data>`, `W04 X <addr> <data>`
 *   ES style diagrams    `LD <addr> <w3> <w2> <w1> <w0> S:<pa> <attrs>`
 */
#include <string.h>

#include "tarmac_lex.h"

/* The address, then `(ABORTED)` or the data (one or more hex groups). */
static void parse_access_tail(tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_mem *m = &rec->u.mem;
    tarmac_tok t = tarmac_lex_next(lx);
    if (tarmac_tok_is(t, "X")) { /* `cs` dialect: exclusive as its own word */
        m->exclusive = true;
        t = tarmac_lex_next(lx);
    }
    if (t.n && t.s[0] == '(') /* Cortex-R5 RTL: `(<insn addr>:<serial>)` */
        t = tarmac_lex_next(lx);
    if (!t.n)
        return tarmac_bad(rec, "memory access line truncated: no address");
    if (!tarmac_parse_addr(t, &m->addr, NULL, NULL))
        return tarmac_bad(rec, "memory access line: garbled address");
    tarmac_tok d = tarmac_lex_next(lx);
    if (tarmac_tok_is(d, "(ABORTED)")) {
        m->aborted = true;
        return;
    }
    if (!d.n)
        return tarmac_bad(rec, "memory access line truncated: no data");
    unsigned digits = 0;
    bool known = true;
    for (; d.n; d = tarmac_lex_next(lx))
        if (!tarmac_accum_hex(d, &m->data, &m->data_hi, &digits, &known))
            return tarmac_bad(rec, "memory access line: garbled data");
    m->has_data = digits > 0 && known;
}

bool tarmac_parse_mem_line(tarmac_tok kw, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_mem *m = &rec->u.mem;
    size_t i;
    bool coproc = false;
    if (kw.n == 3 && (kw.s[0] == 'R' || kw.s[0] == 'W') && kw.s[1] >= '0' &&
        kw.s[1] <= '9' && kw.s[2] >= '0' && kw.s[2] <= '9') {
        /* `cs` dialect: R08 / W04. */
        rec->kind = TARMAC_MEM;
        m->write = kw.s[0] == 'W';
        m->size = (unsigned)((kw.s[1] - '0') * 10 + (kw.s[2] - '0'));
        parse_access_tail(lx, rec);
        return true;
    }
    if (kw.n < 3 || kw.s[0] != 'M')
        return false;
    for (i = 1; i < kw.n && i < 3 && (kw.s[i] == 'N' || kw.s[i] == 'S' || kw.s[i] == 'C'); i++)
        coproc |= kw.s[i] == 'C';
    if (i >= kw.n || (kw.s[i] != 'R' && kw.s[i] != 'W'))
        return false;
    bool write = kw.s[i++] == 'W';
    unsigned size = 0;
    size_t digits_at = i;
    for (; i < kw.n && kw.s[i] >= '0' && kw.s[i] <= '9' && size < 1000; i++)
        size = size * 10 + (unsigned)(kw.s[i] - '0');
    if (i == digits_at)
        return false;
    tarmac_tok flags = {kw.s + i, kw.n - i};
    bool rtl_flags = flags.n && memchr(flags.s, '_', flags.n);
    if (coproc || (rtl_flags && flags.s[flags.n - 1] == 'I')) {
        /* Coprocessor transfers (`MCW4___R ... TRANSFER`) and Cortex-M
         * instruction-side fetches are not data accesses. */
        rec->kind = TARMAC_EVENT;
        return true;
    }
    rec->kind = TARMAC_MEM;
    m->write = write;
    m->size = size;
    for (size_t f = 0; !rtl_flags && f < flags.n; f++) {
        if (flags.s[f] == 'X')
            m->exclusive = true;
        else if (flags.s[f] == 'T')
            m->unpriv = true;
    }
    parse_access_tail(lx, rec);
    return true;
}

/* One 8-character word of an LD/ST diagram: hex byte pairs, `..` for bytes
 * not accessed, `#` for an accessed byte of unknown value. */
static bool is_diagram_word(tarmac_tok t)
{
    if (t.n != 8)
        return false;
    for (size_t i = 0; i < 8; i++) {
        char c = t.s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '.' || c == '#'))
            return false;
    }
    return true;
}

static unsigned hex_nibble(char c)
{
    return (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* `LD|ST <line addr> <w3> <w2> <w1> <w0> [S:|NS:]<pa> <attrs...>`. The words
 * show a 16-byte line with its highest address on the left (doc/index.rst
 * of tarmac-trace-utilities); the access is the span of shown bytes.
 * Non-contiguous byte sets give one record for their whole span. */
void tarmac_parse_ldst_line(bool write, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_mem *m = &rec->u.mem;
    rec->kind = TARMAC_MEM;
    m->write = write;
    tarmac_tok a = tarmac_lex_next(lx);
    uint64_t base;
    if (!a.n)
        return tarmac_bad(rec, "LD/ST line truncated: no address");
    if (!tarmac_parse_hex(a, &base))
        return tarmac_bad(rec, "LD/ST line: garbled address");
    tarmac_tok words[4];
    size_t nw = 0;
    while (nw < 4 && is_diagram_word(tarmac_lex_peek(lx)))
        words[nw++] = tarmac_lex_next(lx);
    if (!nw)
        return tarmac_bad(rec, "LD/ST line truncated: no data diagram");
    int nbytes = (int)nw * 4, lo = -1, hi = -1;
    uint8_t bytes[16] = {0};
    bool known = true;
    for (size_t w = 0; w < nw; w++) {
        for (int b = 0; b < 4; b++) {
            const char *c = words[w].s + 2 * b;
            int index = nbytes - 1 - ((int)w * 4 + b);
            if (c[0] == '.' && c[1] == '.')
                continue;
            if (c[0] == '.' || c[1] == '.' || c[0] == '#' || c[1] == '#')
                known = false;
            else
                bytes[index] = (uint8_t)(hex_nibble(c[0]) << 4 | hex_nibble(c[1]));
            if (hi < 0)
                hi = index;
            lo = index;
        }
    }
    if (lo < 0)
        return tarmac_bad(rec, "LD/ST line: no byte accessed");
    m->size = (unsigned)(hi - lo + 1);
    m->addr.va = base + (uint64_t)lo;
    for (int i = hi; i >= lo; i--) {
        m->data_hi = m->data_hi << 8 | m->data >> 56;
        m->data = m->data << 8 | bytes[i];
    }
    m->has_data = known;

    tarmac_tok p = tarmac_lex_next(lx);
    const char *s = p.s, *end = p.s + p.n;
    tarmac_pas pas = TARMAC_PAS_NONE;
    if (p.n > 2 && !memcmp(s, "S:", 2))
        pas = TARMAC_PAS_S, s += 2;
    else if (p.n > 3 && !memcmp(s, "NS:", 3))
        pas = TARMAC_PAS_NS, s += 3;
    uint64_t pa;
    if (p.n && tarmac_parse_hex((tarmac_tok){s, (size_t)(end - s)}, &pa)) {
        m->addr.pa = pa + (uint64_t)lo;
        m->addr.has_pa = true;
        m->addr.pas = pas;
    }
}
