/* Tokens, numbers and addresses shared by the Tarmac line parsers. */
#include <string.h>

#include "tarmac_lex.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Hex digit values, 0 meaning "not a digit" so the table needs no
 * initializer for the other 234 entries; hex_value subtracts the 1 back. */
static const uint8_t hex_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
    ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16,
};

static int hex_value(char c)
{
    return (int)hex_plus_one[(unsigned char)c] - 1;
}

tarmac_tok tarmac_lex_next(tarmac_lex *lx)
{
    const char *p = lx->p;
    while (p < lx->end && is_blank(*p))
        p++;
    const char *s = p;
    while (p < lx->end && !is_blank(*p))
        p++;
    lx->p = p;
    return (tarmac_tok){s, (size_t)(p - s)};
}

tarmac_tok tarmac_lex_peek(const tarmac_lex *lx)
{
    tarmac_lex copy = *lx;
    return tarmac_lex_next(&copy);
}

tarmac_tok tarmac_lex_rest(const tarmac_lex *lx)
{
    const char *s = lx->p, *e = lx->end;
    while (s < e && is_blank(*s))
        s++;
    while (e > s && is_blank(e[-1]))
        e--;
    return (tarmac_tok){s, (size_t)(e - s)};
}

bool tarmac_tok_is_ci(tarmac_tok t, const char *word)
{
    size_t i = 0;
    for (; i < t.n && word[i]; i++) {
        char a = t.s[i], b = word[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (char)(b - 'a' + 'A');
        if (a != b)
            return false;
    }
    return i == t.n && !word[i];
}

bool tarmac_tok_all_digits(tarmac_tok t)
{
    if (!t.n)
        return false;
    for (size_t i = 0; i < t.n; i++)
        if (t.s[i] < '0' || t.s[i] > '9')
            return false;
    return true;
}

static const char *skip_0x(const char *p, const char *end)
{
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_value(p[2]) >= 0)
        return p + 2;
    return p;
}

bool tarmac_parse_hex(tarmac_tok t, uint64_t *out)
{
    const char *p = skip_0x(t.s, t.s + t.n), *end = t.s + t.n;
    if (p == end || end - p > 16)
        return false;
    uint64_t v = 0;
    for (; p < end; p++) {
        int d = hex_value(*p);
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

bool tarmac_parse_uint(tarmac_tok t, uint64_t *out)
{
    if (t.n > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X'))
        return tarmac_parse_hex(t, out);
    if (!tarmac_tok_all_digits(t) || t.n > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < t.n; i++)
        v = v * 10 + (uint64_t)(t.s[i] - '0');
    *out = v;
    return true;
}

/* `_S`, `_NS`, `_RT`, `_RL` at *p, ending the address (end, ':' or ','). */
static bool scan_pas_suffix(const char **p, const char *end, tarmac_pas *pas)
{
    static const struct {
        const char *s;
        tarmac_pas pas;
    } suffixes[] = {{"_NS", TARMAC_PAS_NS}, {"_S", TARMAC_PAS_S},
                    {"_RT", TARMAC_PAS_ROOT}, {"_RL", TARMAC_PAS_REALM}};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t n = strlen(suffixes[i].s);
        const char *q = *p + n;
        if ((size_t)(end - *p) >= n && memcmp(*p, suffixes[i].s, n) == 0 &&
            (q == end || *q == ':' || *q == ',')) {
            *p = q;
            *pas = suffixes[i].pas;
            return true;
        }
    }
    return false;
}

bool tarmac_scan_hex_pas(const char **pp, const char *end, uint64_t *val, tarmac_pas *pas)
{
    const char *p = skip_0x(*pp, end), *start;
    uint64_t v = 0;
    for (start = p; p < end; p++) {
        int d = hex_value(*p);
        if (d < 0)
            break;
        v = v << 4 | (uint64_t)d;
    }
    if (p == start || p - start > 16)
        return false;
    *pas = TARMAC_PAS_NONE;
    if (p < end && *p == '_')
        scan_pas_suffix(&p, end, pas);
    *val = v;
    *pp = p;
    return true;
}

bool tarmac_parse_addr(tarmac_tok t, tarmac_addr *a, uint64_t *pa2, bool *has_pa2)
{
    const char *p = t.s, *end = t.s + t.n;
    tarmac_pas ignored;
    *a = (tarmac_addr){0};
    if (has_pa2)
        *has_pa2 = false;
    if (!tarmac_scan_hex_pas(&p, end, &a->va, &ignored))
        return false;
    if (p < end && *p == ':') {
        p++;
        if (!tarmac_scan_hex_pas(&p, end, &a->pa, &a->pas))
            return false;
        a->has_pa = true;
        if (p < end && *p == ',') {
            tarmac_pas pas2;
            p++;
            if (!pa2 || !tarmac_scan_hex_pas(&p, end, pa2, &pas2))
                return false;
            *has_pa2 = true;
        }
    }
    return p == end;
}

bool tarmac_accum_hex(tarmac_tok t, uint64_t *lo, uint64_t *hi, unsigned *digits, bool *known)
{
    for (size_t i = 0; i < t.n; i++) {
        char c = t.s[i];
        int d = hex_value(c);
        if (c == '_' || c == ':')
            continue;
        if (c == '-' || c == 'x' || c == 'X') {
            *known = false;
            d = 0;
        } else if (d < 0) {
            return false;
        }
        *hi = *hi << 4 | *lo >> 60;
        *lo = *lo << 4 | (uint64_t)d;
        (*digits)++;
    }
    return true;
}
