/* sim/tarmac_lex.h — private to the Tarmac parser (sim/tarmac_*.c): a
 * whitespace tokenizer over one line and the number/address scanners that
 * every line kind shares. */
#ifndef MMUSIM_TARMAC_LEX_H
#define MMUSIM_TARMAC_LEX_H

#include <string.h>

#include "tarmac.h"

/* A token: s[0..n). n == 0 means "no more tokens". */
typedef struct tarmac_tok {
    const char *s;
    size_t n;
} tarmac_tok;

/* A cursor over the rest of a line. */
typedef struct tarmac_lex {
    const char *p, *end;
} tarmac_lex;

/* Exact match; inline so that strlen of a literal folds away (the parser
 * calls this several times per line). */
static inline bool tarmac_tok_is(tarmac_tok t, const char *word)
{
    size_t n = strlen(word);
    return t.n == n && memcmp(t.s, word, n) == 0;
}

/* The next whitespace-separated token (n == 0 at end of line). */
tarmac_tok tarmac_lex_next(tarmac_lex *lx);
/* The next token without consuming it. */
tarmac_tok tarmac_lex_peek(const tarmac_lex *lx);
/* The rest of the line with leading and trailing blanks removed. */
tarmac_tok tarmac_lex_rest(const tarmac_lex *lx);

bool tarmac_tok_is_ci(tarmac_tok t, const char *word);  /* ASCII case-insensitive */
bool tarmac_tok_all_digits(tarmac_tok t);

/* A hex number (optional 0x; no separators). False on an empty or
 * non-hex token or more than 16 digits. */
bool tarmac_parse_hex(tarmac_tok t, uint64_t *out);
/* A decimal number, or hex with 0x. */
bool tarmac_parse_uint(tarmac_tok t, uint64_t *out);

/* Scans a hex number from *p (optional 0x) followed by an optional PA-space
 * suffix `_S`, `_NS`, `_RT`, `_RL`; stops at end or any other character.
 * False when no hex digit or more than 16 digits. */
bool tarmac_scan_hex_pas(const char **p, const char *end, uint64_t *val, tarmac_pas *pas);

/* `<va>{:<pa><pas>}{,<pa2><pas>}`: the whole token must be used. pa2 may be
 * NULL (then a second PA is an error). */
bool tarmac_parse_addr(tarmac_tok t, tarmac_addr *a, uint64_t *pa2, bool *has_pa2);

/* Hex data made of digit groups separated by `_` or `:`, across up to
 * several tokens: adds the token to a 128-bit accumulator. Returns false on
 * a character that is not a hex digit, separator, or unknown mark (-, x, X);
 * unknown marks clear *known. *digits counts the digits seen. */
bool tarmac_accum_hex(tarmac_tok t, uint64_t *lo, uint64_t *hi, unsigned *digits, bool *known);

/* Line kinds parsed in their own files; each fills rec->kind and rec->u. */
void tarmac_parse_reg_line(tarmac_lex *lx, tarmac_record *rec);
/* M<...> and cs-dialect R08/W04 lines: tok is the keyword. Returns false
 * when tok is not a memory keyword at all (nothing consumed). */
bool tarmac_parse_mem_line(tarmac_tok tok, tarmac_lex *lx, tarmac_record *rec);
/* LD/ST diagram lines; write says ST; the keyword is already consumed
 * (or absent, on a continuation line). */
void tarmac_parse_ldst_line(bool write, tarmac_lex *lx, tarmac_record *rec);
void tarmac_parse_ttw_line(tarmac_lex *lx, tarmac_record *rec);
/* tok is TLB or WALKCACHE. */
void tarmac_parse_tlb_line(tarmac_tok tok, tarmac_lex *lx, tarmac_record *rec);

/* Marks rec as TARMAC_BAD with a static message. */
static inline void tarmac_bad(tarmac_record *rec, const char *problem)
{
    rec->kind = TARMAC_BAD;
    rec->problem = problem;
}

#endif
