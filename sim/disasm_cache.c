/* The disassembly cache: see disasm_cache.h. */
#include "disasm_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int disasm_cache_init(disasm_cache *c)
{
    c->lines = calloc(DISASM_CACHE_LINES, sizeof *c->lines);
    return c->lines ? 0 : -1;
}

void disasm_cache_free(disasm_cache *c)
{
    free(c->lines);
    c->lines = NULL;
}

const char *disasm_cache_text(disasm_cache *c, csh cs, uint64_t pc, uint32_t insn)
{
    disasm_line *l = &c->lines[(pc >> 2) & (DISASM_CACHE_LINES - 1)];
    if (!l->used || l->pc != pc || l->insn != insn) {
        uint8_t bytes[4] = {(uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16),
                            (uint8_t)(insn >> 24)};
        cs_insn *d;
        l->pc = pc;
        l->insn = insn;
        l->used = true;
        l->decoded = cs_disasm(cs, bytes, sizeof bytes, pc, 1, &d) == 1;
        if (l->decoded) {
            snprintf(l->text, sizeof l->text, "%s%s%s", d->mnemonic, d->op_str[0] ? " " : "",
                     d->op_str);
            cs_free(d, 1);
        }
    }
    return l->decoded ? l->text : NULL;
}
