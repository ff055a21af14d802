/* Instruction text for logs, remembered: Capstone takes a microsecond or
 * more per instruction, and the walks a run logs come from few
 * instructions. A direct-mapped cache keyed by PC and encoding (the text
 * depends on nothing else: PC-relative operands are printed as addresses),
 * so self-modifying code and a PC reused by other code are answered right. */
#ifndef MMUSIM_DISASM_CACHE_H
#define MMUSIM_DISASM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

#define DISASM_CACHE_LINES 256   /* a power of two */
/* Room for all Capstone may print: mnemonic, a space, operands. */
#define DISASM_TEXT_LEN (sizeof(((cs_insn *)0)->mnemonic) + sizeof(((cs_insn *)0)->op_str))

typedef struct disasm_line {
    uint64_t pc;
    uint32_t insn;
    bool used;                   /* the line holds a result */
    bool decoded;                /* ... and Capstone could decode insn */
    char text[DISASM_TEXT_LEN];
} disasm_line;

typedef struct disasm_cache {
    disasm_line *lines;          /* DISASM_CACHE_LINES, heap */
} disasm_cache;

/* 0, or -1 when out of memory. */
int disasm_cache_init(disasm_cache *c);
void disasm_cache_free(disasm_cache *c);
/* "mnemonic operands" for the A64 instruction insn at pc, decoded with cs
 * on a cache miss; NULL when Capstone cannot decode it. The text stays
 * valid until the next call. */
const char *disasm_cache_text(disasm_cache *c, csh cs, uint64_t pc, uint32_t insn);

#endif
