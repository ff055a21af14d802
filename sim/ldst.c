/* A64 load/store decoding: see ldst.h. Encoding groups are those of Arm
 * DDI0487 C4.1.66 ("Loads and Stores"); field names follow the instruction
 * descriptions in C6.2. */
#include "ldst.h"

#include <string.h>

#include "bits.h"

#define INSN_RT GENMASK64(4, 0)
#define INSN_RN GENMASK64(9, 5)
#define INSN_RM GENMASK64(20, 16)
#define INSN_SIZE GENMASK64(31, 30)
#define INSN_V BIT64(26)

static bool match(uint32_t insn, uint32_t mask, uint32_t value)
{
    return (insn & mask) == value;
}

static uint64_t base_reg(uint32_t insn, ldst_reg_reader reg, void *ctx)
{
    return reg(ctx, (unsigned)FIELD_GET(INSN_RN, insn), true);
}

static void set_isv(ldst_info *o, uint32_t insn, unsigned size, bool sse, bool sf, bool ar)
{
    o->isv = true;
    o->sas = (uint8_t)size;
    o->sse = sse;
    o->srt = (uint8_t)FIELD_GET(INSN_RT, insn);
    o->sf = sf;
    o->ar = ar;
}

/* Load/store exclusive and ordered (LDXR, STLR, LDAR, CAS...):
 * size 001000 o2 L o1 Rs o0 Rt2 Rn Rt. Base register only. */
static bool dec_exclusive(uint32_t insn, ldst_reg_reader reg, void *ctx, ldst_info *o)
{
    unsigned size = (unsigned)FIELD_GET(INSN_SIZE, insn);
    bool o2 = insn & BIT64(23), load = insn & BIT64(22), o1 = insn & BIT64(21);
    bool o0 = insn & BIT64(15);
    bool cas = o2 && o1;
    bool pair = !o2 && o1;
    o->addr = base_reg(insn, reg, ctx);
    o->bytes = (pair ? 2u : 1u) << size;
    if (pair && size < 2) /* CASP: a pair of 2^(size+2)-byte registers */
        o->bytes = 2u << (size + 2);
    o->read = load || cas;
    o->write = !load || cas;
    if (o2 && !o1) /* LDAR/STLR/LDLAR/STLLR: single register, no writeback */
        set_isv(o, insn, size, false, size == 3, o0);
    return true;
}

/* Load register (literal): opc 011 V 00 imm19 Rt. */
static bool dec_literal(uint32_t insn, uint64_t pc, ldst_info *o)
{
    unsigned opc = (unsigned)FIELD_GET(GENMASK64(31, 30), insn);
    bool simd = insn & INSN_V;
    if (!simd && opc == 3) /* PRFM (literal): no access */
        return false;
    o->addr = pc + (sext64(FIELD_GET(GENMASK64(23, 5), insn), 18) << 2);
    o->bytes = simd ? 4u << opc : (opc == 1 ? 8u : 4u);
    o->read = true;
    if (!simd)
        set_isv(o, insn, opc == 1 ? 3 : 2, opc == 2, opc != 0, false);
    return true;
}

/* Load/store pair: opc 101 V 0 op L imm7 Rt2 Rn Rt (op: 00 no-allocate,
 * 01 post-index, 10 signed offset, 11 pre-index). */
static bool dec_pair(uint32_t insn, ldst_reg_reader reg, void *ctx, ldst_info *o)
{
    unsigned opc = (unsigned)FIELD_GET(GENMASK64(31, 30), insn);
    unsigned op = (unsigned)FIELD_GET(GENMASK64(24, 23), insn);
    bool simd = insn & INSN_V;
    unsigned scale = simd ? 2 + opc : 2 + (opc >> 1);
    if (!simd && opc == 1 && !(insn & BIT64(22))) /* STGP: 16-byte granules */
        scale = 4;
    int64_t offset = (int64_t)sext64(FIELD_GET(GENMASK64(21, 15), insn), 6) * (INT64_C(1) << scale);
    o->addr = base_reg(insn, reg, ctx) + (op == 1 ? 0 : (uint64_t)offset);
    o->bytes = 2u << scale;
    o->read = insn & BIT64(22);
    o->write = !o->read;
    return true;
}

/* Load/store register, all addressing forms: size 111 V 0x opc ... */
static bool dec_register(uint32_t insn, ldst_reg_reader reg, void *ctx, ldst_info *o)
{
    unsigned size = (unsigned)FIELD_GET(INSN_SIZE, insn);
    unsigned opc = (unsigned)FIELD_GET(GENMASK64(23, 22), insn);
    bool simd = insn & INSN_V;
    unsigned scale = simd ? ((opc >> 1) << 2) | size : size;
    bool unsigned_imm = insn & BIT64(24);
    unsigned op4 = (unsigned)FIELD_GET(GENMASK64(11, 10), insn);
    bool bit21 = insn & BIT64(21);
    bool writeback = false;
    uint64_t base = base_reg(insn, reg, ctx);

    if (unsigned_imm) {
        o->addr = base + (FIELD_GET(GENMASK64(21, 10), insn) << scale);
    } else if (!bit21) {
        /* imm9: 00 unscaled, 01 post-index, 10 unprivileged, 11 pre-index */
        uint64_t imm9 = sext64(FIELD_GET(GENMASK64(20, 12), insn), 8);
        o->addr = base + (op4 == 1 ? 0 : imm9);
        writeback = op4 == 1 || op4 == 3;
        o->unpriv = op4 == 2;
    } else if (op4 == 2) {
        /* register offset: option<15:13> extends Rm, S<12> scales it */
        unsigned option = (unsigned)FIELD_GET(GENMASK64(15, 13), insn);
        uint64_t rm = reg(ctx, (unsigned)FIELD_GET(INSN_RM, insn), false);
        if (!(option & 1)) /* UXTW / SXTW: 32-bit index */
            rm = option & 4 ? sext64(rm & 0xFFFFFFFFu, 31) : rm & 0xFFFFFFFFu;
        o->addr = base + (rm << ((insn & BIT64(12)) ? scale : 0));
    } else if (op4 == 0 && !simd) {
        /* atomic memory operations (LDADD, SWP, LDAPR...): [Xn] */
        bool ldapr = (insn & BIT64(15)) && FIELD_GET(GENMASK64(14, 12), insn) == 4;
        o->addr = base;
        o->bytes = 1u << size;
        o->read = true;
        o->write = !ldapr;
        return true;
    } else {
        return false; /* LDRAA/LDRAB and other forms: address not modelled */
    }

    o->bytes = 1u << scale;
    if (simd) {
        o->read = opc & 1;
        o->write = !o->read;
        return true;
    }
    if (size == 3 && opc >= 2) /* PRFM, PRFUM: no access */
        return false;
    o->read = opc != 0;
    o->write = opc == 0;
    if (!writeback) {
        bool is_signed = opc >= 2;
        set_isv(o, insn, size, is_signed, is_signed ? !(opc & 1) : size == 3, false);
    }
    return true;
}

/* Advanced SIMD load/store multiple and single structures (LD1..LD4,
 * ST1..ST4): 0 Q 00110 x ... Rn. At most four 16-byte registers. */
static bool dec_structures(uint32_t insn, ldst_reg_reader reg, void *ctx, ldst_info *o)
{
    o->addr = base_reg(insn, reg, ctx);
    o->bytes = 64;
    o->read = insn & BIT64(22);
    o->write = !o->read;
    return true;
}

/* DC ZVA, Xt: SYS #3, C7, C4, #1 — writes the block holding Xt. */
static bool dec_dc_zva(uint32_t insn, ldst_reg_reader reg, void *ctx, ldst_info *o)
{
    o->addr = reg(ctx, (unsigned)FIELD_GET(INSN_RT, insn), false);
    o->bytes = 1;
    o->write = true;
    return true;
}

bool ldst_decode(uint32_t insn, uint64_t pc, ldst_reg_reader reg, void *ctx, ldst_info *out)
{
    memset(out, 0, sizeof *out);
    bool ok;
    if (match(insn, 0x3F000000, 0x08000000))
        ok = dec_exclusive(insn, reg, ctx, out);
    else if (match(insn, 0x3B000000, 0x18000000))
        ok = dec_literal(insn, pc, out);
    else if (match(insn, 0x3A000000, 0x28000000))
        ok = dec_pair(insn, reg, ctx, out);
    else if (match(insn, 0x38000000, 0x38000000) && !(insn & BIT64(25)))
        ok = dec_register(insn, reg, ctx, out);
    else if (match(insn, 0xBE000000, 0x0C000000))
        ok = dec_structures(insn, reg, ctx, out);
    else if (match(insn, 0xFFFFFFE0, 0xD50B7420))
        ok = dec_dc_zva(insn, reg, ctx, out);
    else
        ok = false;
    if (!ok)
        memset(out, 0, sizeof *out);
    out->is_mem = ok;
    return ok;
}
