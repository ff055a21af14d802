/* The Tarmac writer: Fast Models' dialect (Fast Models Reference Guide
 * 100964, "TarmacTrace file format"), as sim/tarmac.c reads it back. */
#include <inttypes.h>
#include <stdarg.h>

#include "tarmac.h"

void tarmac_writer_init(tarmac_writer *w, FILE *out, int cpu)
{
    w->out = out;
    w->cpu = cpu;
    w->lines = 0;
    w->err[0] = '\0';
}

/* `<time> clk [cpuN] ` + the formatted rest + newline. */
static int emit(tarmac_writer *w, uint64_t time, const char *fmt, ...)
{
    va_list ap;
    int ok = fprintf(w->out, "%" PRIu64 " clk ", time) > 0;
    if (ok && w->cpu >= 0)
        ok = fprintf(w->out, "cpu%d ", w->cpu) > 0;
    if (ok) {
        va_start(ap, fmt);
        ok = vfprintf(w->out, fmt, ap) >= 0;
        va_end(ap);
    }
    if (!ok || fputc('\n', w->out) == EOF) {
        snprintf(w->err, sizeof w->err, "write error at Tarmac line %" PRIu64, w->lines + 1);
        return -1;
    }
    w->lines++;
    return 0;
}

int tarmac_write_insn(tarmac_writer *w, uint64_t time, uint64_t count, uint64_t va, uint64_t pa,
                      tarmac_pas pas, uint32_t opcode, unsigned el, bool sp_elx, bool executed,
                      const char *disasm)
{
    return emit(w, time, "%s (%" PRIu64 ") %08" PRIx64 ":%012" PRIx64 "%s %08" PRIx32
                         " O EL%u%c_%s : %s",
                executed ? "IT" : "IS", count, va, pa, tarmac_pas_suffix(pas), opcode, el,
                sp_elx ? 'h' : 't', pas == TARMAC_PAS_S ? "s" : "n", disasm ? disasm : "");
}

int tarmac_write_mem(tarmac_writer *w, uint64_t time, unsigned how, unsigned size, uint64_t va,
                     uint64_t pa, tarmac_pas pas, uint64_t data)
{
    char value[24];
    if (size == 8)
        snprintf(value, sizeof value, "%08" PRIx64 "_%08" PRIx64, data >> 32, data & 0xffffffffu);
    else if (size == 1 || size == 2 || size == 4)
        snprintf(value, sizeof value, "%0*" PRIx64, (int)size * 2,
                 data & ((UINT64_C(1) << (size * 8)) - 1));
    else {
        snprintf(w->err, sizeof w->err, "Tarmac MR/MW size %u: expected 1, 2, 4 or 8", size);
        return -1;
    }
    return emit(w, time, "M%c%u%s %08" PRIx64 ":%012" PRIx64 "%s %s",
                how & TARMAC_MEM_WRITE ? 'W' : 'R', size, how & TARMAC_MEM_UNPRIV ? "T" : "", va,
                pa, tarmac_pas_suffix(pas), value);
}

int tarmac_write_mem_abort(tarmac_writer *w, uint64_t time, unsigned how, unsigned size,
                           uint64_t va)
{
    return emit(w, time, "M%c%u%s %08" PRIx64 " (ABORTED)", how & TARMAC_MEM_WRITE ? 'W' : 'R',
                size, how & TARMAC_MEM_UNPRIV ? "T" : "", va);
}

int tarmac_write_reg(tarmac_writer *w, uint64_t time, const char *name, uint64_t value)
{
    return emit(w, time, "R %s %016" PRIx64, name, value);
}

/* Xt as two 32-bit halves, as Fast Models prints `R TLBI ALLE3 00000000:00000000`. */
static int write_sysop(tarmac_writer *w, uint64_t time, const char *kind, const char *op,
                       uint64_t xt)
{
    return emit(w, time, "R %s %s %08" PRIx64 ":%08" PRIx64, kind, op, xt >> 32,
                xt & 0xffffffffu);
}

int tarmac_write_tlbi(tarmac_writer *w, uint64_t time, const char *op, uint64_t xt)
{
    return write_sysop(w, time, "TLBI", op, xt);
}

int tarmac_write_at(tarmac_writer *w, uint64_t time, const char *op, uint64_t xt)
{
    return write_sysop(w, time, "AT", op, xt);
}

int tarmac_write_exception(tarmac_writer *w, uint64_t time, uint64_t pc, uint32_t number,
                           const char *name)
{
    return emit(w, time, "E %08" PRIx64 " %08" PRIx32 " %s", pc, number, name);
}

int tarmac_write_insn_va(tarmac_writer *w, uint64_t time, uint64_t count, uint64_t va,
                         uint32_t opcode, unsigned el, bool sp_elx, bool executed,
                         const char *disasm)
{
    return emit(w, time, "%s (%" PRIu64 ") %08" PRIx64 " %08" PRIx32 " O EL%u%c_n : %s",
                executed ? "IT" : "IS", count, va, opcode, el, sp_elx ? 'h' : 't',
                disasm ? disasm : "");
}

int tarmac_write_ttw(tarmac_writer *w, uint64_t time, uint64_t pa, tarmac_pas pas, uint64_t value,
                     int stage, int level)
{
    return emit(w, time, "TTW %012" PRIx64 "%s %016" PRIx64 " stage=%d level=%d", pa,
                tarmac_pas_suffix(pas), value, stage, level);
}

/* A power-of-two size in the largest unit that divides it: 4K, 2M, 1G, 4T. */
static void format_size(uint64_t size, char *buf, size_t len)
{
    static const char units[] = "KMGT";
    int u = -1;
    while (u < 3 && size >= 1024 && !(size & 1023)) {
        size >>= 10;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%" PRIu64, size);
    else
        snprintf(buf, len, "%" PRIu64 "%c", size, units[u]);
}

int tarmac_write_tlb_fill(tarmac_writer *w, uint64_t time, const tarmac_tlb *t)
{
    char size[24], vmid[24] = "", asid[32] = "";
    format_size(t->size, size, sizeof size);
    if (t->has_vmid)
        snprintf(vmid, sizeof vmid, " vmid=%" PRIu32, t->vmid);
    if (t->ng)
        snprintf(asid, sizeof asid, ", nG asid=%" PRIu32, t->asid);
    return emit(w, time, "TLB FILL %.*s %s 0x%016" PRIx64 "%s EL%d_n%s%s:0x%016" PRIx64 "%s",
                (int)t->id_len, t->id ? t->id : "", size, t->va, tarmac_pas_suffix(t->va_pas),
                t->el < 0 ? 1 : t->el, vmid, asid, t->pa, tarmac_pas_suffix(t->pas));
}
