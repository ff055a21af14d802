/* Tarmac `R` lines: register updates and the system operations that Fast
 * Models logs in the same form (`R TLBI <op> <Xt>`, `R AT <op> <Xt>`,
 * `R DC ...`, `R IC ...`). */
#include <string.h>

#include "tarmac_lex.h"

/* The registers that define or report translation: the stage 1 and stage 2
 * translation controls (DDI0487 D8.1 "Translation controls"), and the
 * registers an exception writes (ESR, FAR, HPFAR, ELR, SPSR; D1.4) plus PAR
 * (the AT result) and VBAR. Matched on the part before `_EL<n>`. */
bool tarmac_is_translation_reg(const char *name, size_t len)
{
    static const char *const bases[] = {
        "TTBR0", "TTBR1", "TCR",   "TCR2",  "VTTBR", "VTCR", "VSTTBR", "VSTCR",
        "MAIR",  "MAIR2", "SCTLR", "SCTLR2", "HCR",  "HCRX", "ESR",    "FAR",
        "HPFAR", "PAR",   "ELR",   "SPSR",  "VBAR", "TTBCR", "TTBCR2", "HTTBR",
        "HTCR",  "HSCTLR", "HMAIR0", "HMAIR1", "MAIR0", "MAIR1", "DFAR", "IFAR",
        "DFSR",  "IFSR",  "HSR",   "HDFAR", "HIFAR",
    };
    /* Quick rejection of the frequent general-purpose and vector registers:
     * every name above starts with one of these letters. */
    if (!len || !strchr("TVMSHEFPDItvmshefpdi", name[0]))
        return false;
    size_t base = 0;
    while (base < len && name[base] != '_' && name[base] != '<')
        base++;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        if (strlen(bases[i]) == base && tarmac_tok_is_ci((tarmac_tok){name, base}, bases[i]))
            return true;
    return false;
}

/* A value token, or one more group of a value split by spaces: at least 8
 * characters of hex digits, separators and unknown marks. */
static bool is_value_group(tarmac_tok t)
{
    if (t.n < 8)
        return false;
    for (size_t i = 0; i < t.n; i++) {
        char c = t.s[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == '_' || c == ':' || c == '-' || c == 'x' || c == 'X';
        if (!ok)
            return false;
    }
    return true;
}

/* `R TLBI|AT|DC|IC <op> [<hi32>:<lo32> | <hex>]`. */
static void parse_sysop(tarmac_kind kind, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_sysop *op = &rec->u.sysop;
    rec->kind = kind;
    tarmac_tok name = tarmac_lex_next(lx);
    if (!name.n)
        return tarmac_bad(rec, "R TLBI/AT/DC/IC line truncated: no operation");
    op->op = name.s;
    op->op_len = name.n;
    tarmac_tok v = tarmac_lex_next(lx);
    if (!v.n)
        return;
    const char *colon = memchr(v.s, ':', v.n);
    uint64_t hi = 0, lo;
    bool ok;
    if (colon) {
        tarmac_tok h = {v.s, (size_t)(colon - v.s)}, l = {colon + 1, v.n - h.n - 1};
        ok = h.n <= 8 && l.n <= 8 && tarmac_parse_hex(h, &hi) && tarmac_parse_hex(l, &lo);
    } else {
        ok = tarmac_parse_hex(v, &lo);
    }
    if (!ok)
        return tarmac_bad(rec, "R TLBI/AT/DC/IC line: garbled operand");
    op->operand = hi << 32 | lo;
    op->has_operand = true;
}

void tarmac_parse_reg_line(tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_tok name = tarmac_lex_next(lx);
    if (!name.n)
        return tarmac_bad(rec, "R line truncated: no register name");
    if (tarmac_tok_is(name, "TLBI"))
        return parse_sysop(TARMAC_TLBI, lx, rec);
    if (tarmac_tok_is(name, "AT"))
        return parse_sysop(TARMAC_AT, lx, rec);
    if (tarmac_tok_is(name, "DC") || tarmac_tok_is(name, "IC"))
        return parse_sysop(TARMAC_CACHEOP, lx, rec);

    tarmac_reg *r = &rec->u.reg;
    rec->kind = tarmac_is_translation_reg(name.s, name.n) ? TARMAC_SYSREG : TARMAC_REG;
    r->name = name.s;
    r->name_len = name.n;
    tarmac_tok v = tarmac_lex_next(lx);
    if (v.n && v.s[0] == '(') /* `R R1 (USR) ...`, `R SCTLR (AARCH32) ...` */
        v = tarmac_lex_next(lx);
    if (!v.n)
        return tarmac_bad(rec, "R line truncated: no value");
    uint64_t lo = 0, hi = 0;
    unsigned digits = 0;
    bool known = true;
    if (!tarmac_accum_hex(v, &lo, &hi, &digits, &known))
        return tarmac_bad(rec, "R line: garbled value");
    /* Later groups of a value split by spaces (`R X0 01234567 89abcdef`,
     * `R Q0 3ff428a2 f98d728b -------- --------`); trailing words such as
     * `(MSP)` or `__C_` flags are not part of it. */
    for (tarmac_tok g = tarmac_lex_peek(lx); is_value_group(g); g = tarmac_lex_peek(lx)) {
        tarmac_accum_hex(g, &lo, &hi, &digits, &known);
        tarmac_lex_next(lx);
    }
    r->value = lo;
    r->has_value = known && digits > 0;
    r->wide = digits > 16;
}
