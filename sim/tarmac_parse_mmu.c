/* Tarmac MMU lines, written by Fast Models when TarmacTrace's trace_mmu is
 * on. Parsed tolerantly: no public file with these lines is known (see
 * shared/reference/fvp-trace-formats.md §1.1-1.2), so every field is
 * optional and the text is always kept. */
#include <string.h>

#include "tarmac_lex.h"

/* `TTW ...`: Arm describes it only in words ("the address from which the
 * descriptor is read, the data returned from that address, and a summary",
 * DUI0423O §A.4.1). Takes the first address-like token as the descriptor
 * address and the next hex token as the data; skips `key=value` words. */
void tarmac_parse_ttw_line(tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_ttw *w = &rec->u.ttw;
    rec->kind = TARMAC_TTW;
    for (tarmac_tok t = tarmac_lex_next(lx); t.n; t = tarmac_lex_next(lx)) {
        if (memchr(t.s, '=', t.n))
            continue;
        if (!w->has_addr) {
            w->has_addr = tarmac_parse_addr(t, &w->addr, NULL, NULL);
        } else {
            uint64_t lo = 0, hi = 0;
            unsigned digits = 0;
            bool known = true;
            if (t.n > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X'))
                t.s += 2, t.n -= 2;
            if (tarmac_accum_hex(t, &lo, &hi, &digits, &known) && known && digits &&
                digits <= 16) {
                w->data = lo;
                w->has_data = true;
                return;
            }
        }
    }
}

/* `4K`, `64KB`, `2M`, `1G`, `0x1000`, `4096`. */
static uint64_t parse_size(tarmac_tok t)
{
    uint64_t v;
    if (tarmac_parse_uint(t, &v))
        return v;
    size_t n = t.n;
    if (n > 1 && (t.s[n - 1] == 'B' || t.s[n - 1] == 'b'))
        n--;
    if (n < 2 || !tarmac_parse_uint((tarmac_tok){t.s, n - 1}, &v))
        return 0;
    switch (t.s[n - 1]) {
    case 'K': case 'k': return v << 10;
    case 'M': case 'm': return v << 20;
    case 'G': case 'g': return v << 30;
    case 'T': case 't': return v << 40;
    default: return 0;
    }
}

/* `EL1_n`, `EL2_s`, `EL3_s` (the virtual-regime definition). */
static bool parse_regime_el(tarmac_tok t, int8_t *el)
{
    if (t.n < 3 || (t.s[0] != 'E' && t.s[0] != 'e') || (t.s[1] != 'L' && t.s[1] != 'l') ||
        t.s[2] < '0' || t.s[2] > '3' || (t.n > 3 && t.s[3] != '_'))
        return false;
    *el = (int8_t)(t.s[2] - '0');
    return true;
}

/* `key=<number>` with key vmid or asid. */
static bool parse_keyed(tarmac_tok t, const char *key, uint32_t *out)
{
    size_t k = strlen(key);
    uint64_t v;
    if (t.n <= k + 1 || t.s[k] != '=' || !tarmac_tok_is_ci((tarmac_tok){t.s, k}, key) ||
        !tarmac_parse_uint((tarmac_tok){t.s + k + 1, t.n - k - 1}, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* One word of the `<virtualregime>` part, with trailing commas removed. */
static void parse_regime_word(tarmac_tok t, tarmac_tlb *tlb)
{
    while (t.n && t.s[t.n - 1] == ',')
        t.n--;
    if (!t.n)
        return;
    if (tarmac_tok_is(t, "nG")) {
        tlb->ng = true;
    } else if (parse_keyed(t, "vmid", &tlb->vmid)) {
        tlb->has_vmid = true;
    } else if (parse_keyed(t, "asid", &tlb->asid)) {
        tlb->has_asid = true;
    } else if (!parse_regime_el(t, &tlb->el) && !tlb->has_va) {
        const char *p = t.s;
        tlb->has_va = tarmac_scan_hex_pas(&p, t.s + t.n, &tlb->va, &tlb->va_pas) &&
                      p == t.s + t.n;
    }
}

/* Fast Models Reference Guide 100964, "TLB trace":
 *   [TLB|WALKCACHE] FILL <id> <size> <virtualregime>:<paddr> {<memtype>} {<attr>=<value>}+
 *   [TLB|WALKCACHE] EVICT <id> <size> <virtualregime>
 *   <virtualregime> = 0x<vbase>{_NS} <el>{ vmid=<vmid>}{, nG asid=<asid>}
 * The regime has spaces in it, so the PA is found after the first ':'. */
void tarmac_parse_tlb_line(tarmac_tok kw, tarmac_lex *lx, tarmac_record *rec)
{
    tarmac_tlb *tlb = &rec->u.tlb;
    tarmac_tok op = tarmac_lex_next(lx);
    if (!tarmac_tok_is_ci(op, "FILL") && !tarmac_tok_is_ci(op, "EVICT")) {
        rec->kind = TARMAC_UNKNOWN;
        return;
    }
    rec->kind = TARMAC_TLB;
    tlb->walkcache = tarmac_tok_is(kw, "WALKCACHE");
    tlb->fill = tarmac_tok_is_ci(op, "FILL");
    tlb->el = -1;
    tarmac_tok id = tarmac_lex_next(lx);
    tlb->id = id.s;
    tlb->id_len = id.n;
    tlb->size = parse_size(tarmac_lex_next(lx));
    for (tarmac_tok t = tarmac_lex_next(lx); t.n; t = tarmac_lex_next(lx)) {
        const char *colon = memchr(t.s, ':', t.n);
        if (!colon) {
            parse_regime_word(t, tlb);
            continue;
        }
        parse_regime_word((tarmac_tok){t.s, (size_t)(colon - t.s)}, tlb);
        const char *p = colon + 1, *end = t.s + t.n;
        if (p == end) /* `... asid=5: 0x8000...` */
            t = tarmac_lex_next(lx), p = t.s, end = t.s + t.n;
        tlb->has_pa = tarmac_scan_hex_pas(&p, end, &tlb->pa, &tlb->pas) && p == end;
        return; /* the memory type and attributes follow as text */
    }
}
