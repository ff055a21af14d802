/* Tarmac writer -> reader round trip: every value written comes back. */
#include <string.h>

#include "check.h"
#include "tarmac.h"

static const char *str(const char *s, size_t n)
{
    static char buf[4][128];
    static int which;
    char *b = buf[which++ % 4];
    snprintf(b, sizeof buf[0], "%.*s", (int)n, s ? s : "(null)");
    return b;
}

/* Writes a short EL1 run with a fault, a TLBI and an AT, as mmusim run
 * would, then reads it back. */
static void write_then_read(int cpu)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    tarmac_writer w;
    tarmac_writer_init(&w, f, cpu);
    const uint64_t va = 0xffff800000081234u, pa = 0x000fedcba9876234u; /* 52-bit PA */
    CHECK_EQ(tarmac_write_reg(&w, 1, "TTBR1_EL1", 0x0001000040001001u), 0);
    CHECK_EQ(tarmac_write_insn(&w, 2, 2, va, pa, TARMAC_PAS_NS, 0xf9400020, 1, true, true,
                               "ldr x0, [x1]"), 0);
    CHECK_EQ(tarmac_write_mem(&w, 2, 0, 8, 0x0000ffffbeef0008u, 0x80001008, TARMAC_PAS_NS,
                              0x0123456789abcdefu), 0);
    CHECK_EQ(tarmac_write_mem(&w, 3, TARMAC_MEM_WRITE, 1, 0x1001, 0x2001, TARMAC_PAS_NS, 0x1ff), 0);
    CHECK_EQ(tarmac_write_mem(&w, 3, TARMAC_MEM_WRITE, 2, 0x1002, 0x2002, TARMAC_PAS_S, 0xbeef), 0);
    CHECK_EQ(tarmac_write_mem(&w, 3, TARMAC_MEM_UNPRIV, 4, 0x1004, 0x2004, TARMAC_PAS_NS, 0xcafef00d), 0);
    CHECK_EQ(tarmac_write_insn(&w, 4, 4, 0x400000, 0x40400000, TARMAC_PAS_NS, 0xb9000020, 0,
                               false, false, ""), 0);
    CHECK_EQ(tarmac_write_mem_abort(&w, 4, TARMAC_MEM_WRITE | TARMAC_MEM_UNPRIV, 4, 0xdead0000), 0);
    CHECK_EQ(tarmac_write_exception(&w, 4, 0x400000, 0x400, "CoreEvent_LOWER_AARCH64_SYNC"), 0);
    CHECK_EQ(tarmac_write_reg(&w, 4, "ESR_EL1", 0x92000047), 0);
    CHECK_EQ(tarmac_write_reg(&w, 4, "X0", 0xffffffffffffffffu), 0);
    CHECK_EQ(tarmac_write_tlbi(&w, 5, "RVAE1IS", 0x00a5c00000012345u), 0);
    CHECK_EQ(tarmac_write_at(&w, 6, "S1E1R", 0xffff800000081000u), 0);
    CHECK_EQ(w.lines, 13);
    CHECK_EQ(tarmac_write_mem(&w, 7, 0, 3, 0, 0, TARMAC_PAS_NS, 0), -1);
    CHECK(strstr(w.err, "size 3") != NULL);

    rewind(f);
    char err[256];
    tarmac_reader *r = tarmac_reader_from_stream(f, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fclose(f);
        return;
    }
    tarmac_record rec;
#define NEXT(k)                                                         \
    do {                                                                \
        CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);      \
        CHECK_EQ(rec.kind, k);                                          \
        CHECK_EQ(rec.cpu, cpu);                                         \
    } while (0)

    NEXT(TARMAC_SYSREG);
    CHECK_EQ(rec.line, 1);
    CHECK_EQ(rec.time, 1);
    CHECK_STR(str(rec.u.reg.name, rec.u.reg.name_len), "TTBR1_EL1");
    CHECK_EQ(rec.u.reg.value, 0x0001000040001001u);

    NEXT(TARMAC_INSN);
    CHECK_EQ(rec.time, 2);
    CHECK_EQ(rec.u.insn.id, 2);
    CHECK_EQ(rec.u.insn.pc.va, va);
    CHECK(rec.u.insn.pc.has_pa);
    CHECK_EQ(rec.u.insn.pc.pa, pa);
    CHECK_EQ(rec.u.insn.pc.pas, TARMAC_PAS_NS);
    CHECK_EQ(rec.u.insn.opcode, 0xf9400020);
    CHECK_EQ(rec.u.insn.el, 1);
    CHECK(rec.u.insn.sp_elx);
    CHECK(rec.u.insn.executed);
    CHECK_EQ(rec.u.insn.security, TARMAC_PAS_NS);
    CHECK_STR(str(rec.u.insn.disasm, rec.u.insn.disasm_len), "ldr x0, [x1]");

    NEXT(TARMAC_MEM);
    CHECK(!rec.u.mem.write);
    CHECK(!rec.u.mem.unpriv);
    CHECK_EQ(rec.u.mem.size, 8);
    CHECK_EQ(rec.u.mem.addr.va, 0x0000ffffbeef0008u);
    CHECK_EQ(rec.u.mem.addr.pa, 0x80001008);
    CHECK_EQ(rec.u.mem.data, 0x0123456789abcdefu);
    NEXT(TARMAC_MEM);
    CHECK(rec.u.mem.write);
    CHECK_EQ(rec.u.mem.size, 1);
    CHECK_EQ(rec.u.mem.data, 0xff); /* only the accessed byte is written */
    NEXT(TARMAC_MEM);
    CHECK_EQ(rec.u.mem.size, 2);
    CHECK_EQ(rec.u.mem.addr.pas, TARMAC_PAS_S);
    CHECK_EQ(rec.u.mem.data, 0xbeef);
    NEXT(TARMAC_MEM);
    CHECK_EQ(rec.u.mem.addr.va, 0x1004);
    CHECK_EQ(rec.u.mem.addr.pa, 0x2004);
    CHECK(!rec.u.mem.write);
    CHECK(rec.u.mem.unpriv); /* MR4T */
    CHECK_EQ(rec.u.mem.data, 0xcafef00d);

    NEXT(TARMAC_INSN);
    CHECK(!rec.u.insn.executed);
    CHECK_EQ(rec.u.insn.el, 0);
    CHECK(!rec.u.insn.sp_elx);
    CHECK_EQ(rec.u.insn.disasm_len, 0);

    NEXT(TARMAC_MEM);
    CHECK(rec.u.mem.aborted);
    CHECK(rec.u.mem.write);
    CHECK(rec.u.mem.unpriv); /* MW4T ... (ABORTED) */
    CHECK_EQ(rec.u.mem.addr.va, 0xdead0000);

    NEXT(TARMAC_EXCEPTION);
    CHECK_EQ(rec.u.exc.pc.va, 0x400000);
    CHECK_EQ(rec.u.exc.number, 0x400);
    CHECK_STR(str(rec.u.exc.name, rec.u.exc.name_len), "CoreEvent_LOWER_AARCH64_SYNC");

    NEXT(TARMAC_SYSREG);
    CHECK_EQ(rec.u.reg.value, 0x92000047);
    NEXT(TARMAC_REG);
    CHECK_EQ(rec.u.reg.value, 0xffffffffffffffffu);

    NEXT(TARMAC_TLBI);
    CHECK_STR(str(rec.u.sysop.op, rec.u.sysop.op_len), "RVAE1IS");
    CHECK_EQ(rec.u.sysop.operand, 0x00a5c00000012345u);
    NEXT(TARMAC_AT);
    CHECK_EQ(rec.line, 13);
    CHECK_STR(str(rec.u.sysop.op, rec.u.sysop.op_len), "S1E1R");
    CHECK_EQ(rec.u.sysop.operand, 0xffff800000081000u);

    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 0);
    CHECK_EQ(tarmac_reader_count(r, TARMAC_BAD), 0);
    CHECK_EQ(tarmac_reader_count(r, TARMAC_UNKNOWN), 0);
    tarmac_reader_close(r);
    fclose(f);
#undef NEXT
}

static void round_trip_without_cpu(void)
{
    write_then_read(-1);
}

static void round_trip_with_cpu(void)
{
    write_then_read(3);
}

/* A stream that refuses writes: the writer reports it, naming the line. */
static void write_error(void)
{
    FILE *f = fopen("/dev/null", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    tarmac_writer w;
    tarmac_writer_init(&w, f, -1);
    CHECK_EQ(tarmac_write_reg(&w, 0, "X0", 1), -1);
    CHECK(strstr(w.err, "line 1") != NULL);
    fclose(f);
}

/* The lines `run --tarmac` adds: an IT line whose PA is unknown, TTW and
 * TLB FILL (with and without VMID and nG ASID). */
static void round_trip_mmu_lines(void)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    tarmac_writer w;
    tarmac_writer_init(&w, f, -1);
    CHECK_EQ(tarmac_write_insn_va(&w, 1, 1, 0xffff800000080000u, 0xd503201f, 1, true, true, "nop"),
             0);
    CHECK_EQ(tarmac_write_ttw(&w, 2, 0x000f000000001ff8u, TARMAC_PAS_NS, 0x0040000080000703u, 2, -1),
             0);
    tarmac_tlb t = {.id = "D", .id_len = 1, .size = 0x200000, .va = 0xffff800000200000u,
                    .has_va = true, .el = 1, .va_pas = TARMAC_PAS_NS, .vmid = 3, .has_vmid = true,
                    .ng = true, .asid = 0x1234, .has_asid = true, .pa = 0x000f000000200000u,
                    .has_pa = true, .pas = TARMAC_PAS_NS};
    CHECK_EQ(tarmac_write_tlb_fill(&w, 3, &t), 0);
    tarmac_tlb t2 = {.id = "I", .id_len = 1, .size = 0x10000, .va = 0x400000, .has_va = true,
                     .el = 2, .pa = 0x40080000, .has_pa = true, .pas = TARMAC_PAS_NS};
    CHECK_EQ(tarmac_write_tlb_fill(&w, 4, &t2), 0);
    rewind(f);
    char err[256];
    tarmac_reader *r = tarmac_reader_from_stream(f, err, sizeof err);
    tarmac_record rec;
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
    CHECK_EQ(rec.kind, TARMAC_INSN);
    CHECK_EQ(rec.u.insn.pc.va, 0xffff800000080000u);
    CHECK(!rec.u.insn.pc.has_pa);
    CHECK_EQ(rec.u.insn.opcode, 0xd503201f);
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
    CHECK_EQ(rec.kind, TARMAC_TTW);
    CHECK(rec.u.ttw.has_addr && rec.u.ttw.has_data);
    CHECK_EQ(rec.u.ttw.addr.va, 0x000f000000001ff8u);
    CHECK_EQ(rec.u.ttw.data, 0x0040000080000703u);
    for (int i = 0; i < 2; i++) {
        const tarmac_tlb *want = i ? &t2 : &t;
        CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
        CHECK_EQ(rec.kind, TARMAC_TLB);
        const tarmac_tlb *got = &rec.u.tlb;
        CHECK(got->fill && !got->walkcache);
        CHECK_STR(str(got->id, got->id_len), want->id);
        CHECK_EQ(got->size, want->size);
        CHECK(got->has_va && got->has_pa);
        CHECK_EQ(got->va, want->va);
        CHECK_EQ(got->pa, want->pa);
        CHECK_EQ(got->el, want->el);
        CHECK_EQ(got->has_vmid, want->has_vmid);
        CHECK_EQ(got->vmid, want->vmid);
        CHECK_EQ(got->ng, want->ng);
        CHECK_EQ(got->has_asid, want->has_asid);
        CHECK_EQ(got->asid, want->asid);
    }
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 0);
    tarmac_reader_close(r);
    fclose(f);
}

TEST_MAIN(TEST(round_trip_mmu_lines), TEST(round_trip_without_cpu), TEST(round_trip_with_cpu), TEST(write_error))
