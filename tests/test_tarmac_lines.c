/* The Tarmac line parser on real lines of each dialect. The lines are
 * copied from tarmac-trace-utilities' tests/parsertest.txt and samples
 * (Apache-2.0, see tests/data/tarmac/SOURCE.txt); the expected fields are
 * read off the lines by hand, following Fast Models' documented format. */
#include <string.h>

#include "check.h"
#include "tarmac.h"

static tarmac_state state;
static tarmac_record rec;

/* Parses line as line 7 of a file, with state carried from earlier calls. */
static const tarmac_record *next_line(const char *line)
{
    tarmac_parse_line(&state, line, strlen(line), 7, &rec);
    return &rec;
}

/* Parses line with fresh state. */
static const tarmac_record *one(const char *line)
{
    tarmac_state_init(&state);
    return next_line(line);
}

static const char *str(const char *s, size_t n)
{
    static char buf[4][256];
    static int which;
    char *b = buf[which++ % 4];
    if (!s)
        return "(null)";
    snprintf(b, sizeof buf[0], "%.*s", (int)n, s);
    return b;
}

static void fvp_instruction(void)
{
    const tarmac_record *r = one("0 clk IT (0) 00008000 940011de O EL3h_s : BL       {pc}+0x4778 ; 0xc778");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->line, 7);
    CHECK(r->has_time);
    CHECK_EQ(r->time, 0);
    CHECK_EQ(r->cpu, -1);
    CHECK_EQ(r->u.insn.id, 0);
    CHECK_EQ(r->u.insn.pc.va, 0x8000);
    CHECK(!r->u.insn.pc.has_pa);
    CHECK_EQ(r->u.insn.opcode, 0x940011de);
    CHECK(r->u.insn.has_opcode);
    CHECK(r->u.insn.executed);
    CHECK_EQ(r->u.insn.iset, 'O');
    CHECK_EQ(r->u.insn.el, 3);
    CHECK(r->u.insn.sp_elx);
    CHECK_EQ(r->u.insn.security, TARMAC_PAS_S);
    CHECK_STR(str(r->u.insn.mode, r->u.insn.mode_len), "EL3h_s");
    CHECK_STR(str(r->u.insn.disasm, r->u.insn.disasm_len), "BL       {pc}+0x4778 ; 0xc778");

    r = one("483 clk IS (483) 0000c7ec 54ffffa1 O EL3h_s : B.NE     {pc}-0xc ; 0xc7e0");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->time, 483);
    CHECK_EQ(r->u.insn.id, 483);
    CHECK(!r->u.insn.executed);

    /* Two PAs: a T32 instruction crossing into the next halfword's page. */
    r = one("23 clk IT (23) 0000815c:00000000815c_NS,00000000815e_NS f7ffef76 T hyp_n : BLX      {pc}-0x110 ; 0x804c");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->u.insn.pc.va, 0x815c);
    CHECK(r->u.insn.pc.has_pa);
    CHECK_EQ(r->u.insn.pc.pa, 0x815c);
    CHECK_EQ(r->u.insn.pc.pas, TARMAC_PAS_NS);
    CHECK(r->u.insn.has_pa2);
    CHECK_EQ(r->u.insn.pa2, 0x815e);
    CHECK_EQ(r->u.insn.el, 2);
    CHECK_EQ(r->u.insn.security, TARMAC_PAS_NS);

    r = one("23 clk IT (23) 0000815c:00000000815c_S,00000000815e_S f7ffef76 T hyp_n : BLX      {pc}-0x110 ; 0x804c");
    CHECK_EQ(r->u.insn.pc.pas, TARMAC_PAS_S);
}

static void gem5_instruction_and_memory(void)
{
    const tarmac_record *r = one("4750 clk cpu0 IT (15) 00210748 39400008 O EL3h_s :   LDRB   W8, [W0]");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->cpu, 0);
    CHECK_EQ(r->time, 4750);
    CHECK_EQ(r->u.insn.id, 15);
    CHECK_EQ(r->u.insn.pc.va, 0x210748);
    CHECK_STR(str(r->u.insn.disasm, r->u.insn.disasm_len), "LDRB   W8, [W0]");

    r = next_line("4750 clk cpu0 MR1 00200167:000000200167 3a");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(!r->u.mem.write);
    CHECK_EQ(r->u.mem.size, 1);
    CHECK_EQ(r->u.mem.addr.va, 0x200167);
    CHECK_EQ(r->u.mem.addr.pa, 0x200167);
    CHECK_EQ(r->u.mem.addr.pas, TARMAC_PAS_NONE);
    CHECK_EQ(r->u.mem.data, 0x3a);

    r = one("1500 clk cpu0 MW8 000fffe8:0000000fffe8 00000000002105e0");
    CHECK(r->u.mem.write);
    CHECK_EQ(r->u.mem.size, 8);
    CHECK_EQ(r->u.mem.data, 0x2105e0);
}

static void fvp_memory(void)
{
    /* The one public access with VA != PA. */
    const tarmac_record *r = one("180000140000 ps MR8 0000010006fffcc0:010116fffcc0_NS 00000100_05101000");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK_EQ(r->time, 180000140000u);
    CHECK_EQ(r->u.mem.addr.va, 0x10006fffcc0u);
    CHECK_EQ(r->u.mem.addr.pa, 0x10116fffcc0u);
    CHECK_EQ(r->u.mem.addr.pas, TARMAC_PAS_NS);
    CHECK(r->u.mem.has_data);
    CHECK_EQ(r->u.mem.data, 0x0000010005101000u);

    r = one("28491 clk MR4 dfdfdfcf (ABORTED)");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(r->u.mem.aborted);
    CHECK(!r->u.mem.has_data);
    CHECK_EQ(r->u.mem.addr.va, 0xdfdfdfcf);
    CHECK(!r->u.mem.addr.has_pa);

    r = one("72415 clk MR16 400171e0 400f731b40000000 3ff87cc460000000");
    CHECK_EQ(r->u.mem.size, 16);
    CHECK_EQ(r->u.mem.data_hi, 0x400f731b40000000u);
    CHECK_EQ(r->u.mem.data, 0x3ff87cc460000000u);

    r = one("6379085 cs W04 X ffffffbdc3c15c30 010c010b");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(r->u.mem.write);
    CHECK(r->u.mem.exclusive);
    CHECK_EQ(r->u.mem.size, 4);
    CHECK_EQ(r->u.mem.addr.va, 0xffffffbdc3c15c30u);
    CHECK_EQ(r->u.mem.data, 0x010c010b);

    r = one("109570 ns MSW4___D 201fffec xxxxxxxx");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(r->u.mem.write);
    CHECK(!r->u.mem.has_data);

    r = one("3037 cyc MNR4O__I 00022ae4 f7ffffcb"); /* instruction-side fetch */
    CHECK_EQ(r->kind, TARMAC_EVENT);
    r = one("1359353 ns MCW4___R (01000250:000000bb) TRANSFER 00000000");
    CHECK_EQ(r->kind, TARMAC_EVENT);
}

static void system_registers_and_operations(void)
{
    const tarmac_record *r = one("0 clk R TCR_EL2 80800000");
    CHECK_EQ(r->kind, TARMAC_SYSREG);
    CHECK_STR(str(r->u.reg.name, r->u.reg.name_len), "TCR_EL2");
    CHECK_EQ(r->u.reg.value, 0x80800000);
    CHECK(r->u.reg.has_value);

    r = one("2000000 ps R ESR_EL3 0000000096000021");
    CHECK_EQ(r->kind, TARMAC_SYSREG);
    CHECK_EQ(r->u.reg.value, 0x96000021);
    CHECK_EQ(one("0 clk R X30 0000000000008004")->kind, TARMAC_REG);
    CHECK_EQ(one("0 clk R IFSR32_EL2 00000000")->kind, TARMAC_REG);
    CHECK_EQ(one("0 clk R WFAR 00000000")->kind, TARMAC_REG);

    r = one("35977 clk R TLBI ALLE3 00000000:00000000");
    CHECK_EQ(r->kind, TARMAC_TLBI);
    CHECK_STR(str(r->u.sysop.op, r->u.sysop.op_len), "ALLE3");
    CHECK(r->u.sysop.has_operand);
    CHECK_EQ(r->u.sysop.operand, 0);

    r = one("39319 clk R AT S12E1W 00000000:00000004");
    CHECK_EQ(r->kind, TARMAC_AT);
    CHECK_STR(str(r->u.sysop.op, r->u.sysop.op_len), "S12E1W");
    CHECK_EQ(r->u.sysop.operand, 4);

    r = one("1 clk R TLBI VAE1IS 00030000:12345678"); /* ASID 3, VA[55:12] */
    CHECK_EQ(r->u.sysop.operand, 0x0003000012345678u);

    r = one("1678 clk R IC IALLU 00000000:0000000");
    CHECK_EQ(r->kind, TARMAC_CACHEOP);
    CHECK_EQ(r->u.sysop.operand, 0);

    /* Values split by spaces, with unknown parts, AArch32 banking notes. */
    r = one("R X0 01234567 89abcdef");
    CHECK_EQ(r->kind, TARMAC_REG);
    CHECK(!r->has_time);
    CHECK_EQ(r->u.reg.value, 0x0123456789abcdefu);
    r = one("123 ns R Q0 -------- -------- 3ff6a09e 667f3bcd");
    CHECK(!r->u.reg.has_value);
    CHECK(r->u.reg.wide);
    r = one("                    R SCTLR (AARCH32) 00c50878");
    CHECK_EQ(r->kind, TARMAC_SYSREG);
    CHECK_EQ(r->u.reg.value, 0x00c50878);
    r = one("271ns R r13 20001fff (MSP)");
    CHECK_EQ(r->time, 271);
    CHECK_EQ(r->u.reg.value, 0x20001fff);
    r = one("6000017 cs R cpsr 20000000 __C_");
    CHECK_EQ(r->u.reg.value, 0x20000000);
    r = one("513 clk R FPCR 01230123:23452345");
    CHECK_EQ(r->u.reg.value, 0x0123012323452345u);
}

static void exceptions_and_events(void)
{
    const tarmac_record *r = one("2000000 ps E 00210124 00000084 CoreEvent_CURRENT_SPx_SYNC");
    CHECK_EQ(r->kind, TARMAC_EXCEPTION);
    CHECK(r->u.exc.has_pc);
    CHECK_EQ(r->u.exc.pc.va, 0x210124);
    CHECK_EQ(r->u.exc.number, 0x84);
    CHECK_STR(str(r->u.exc.name, r->u.exc.name_len), "CoreEvent_CURRENT_SPx_SYNC");

    r = one("0 clk E 00000000:000000000000 00000000 CoreEvent_Reset");
    CHECK_EQ(r->kind, TARMAC_EXCEPTION);
    CHECK(r->u.exc.pc.has_pa);

    r = one("                    EXC [0x200] Synchronous Current EL with SP_ELx");
    CHECK_EQ(r->kind, TARMAC_EXCEPTION);
    CHECK(!r->u.exc.has_pc);
    CHECK_EQ(r->u.exc.number, 0x200);
    CHECK_STR(str(r->u.exc.name, r->u.exc.name_len), "Synchronous Current EL with SP_ELx");

    r = one("          0 tic ES  EXC Reset");
    CHECK_EQ(r->kind, TARMAC_EXCEPTION);
    CHECK(!r->u.exc.has_number);
    CHECK_STR(str(r->u.exc.name, r->u.exc.name_len), "Reset");
    r = one("     12345 ns  ES  Reset");
    CHECK_EQ(r->kind, TARMAC_EXCEPTION);
    CHECK_STR(str(r->u.exc.name, r->u.exc.name_len), "Reset");

    CHECK_EQ(one("0 clk cpu1 E DebugEvent_HaltingDebugState 00000000")->kind, TARMAC_EVENT);
    CHECK_EQ(one("0 clk SIGNAL: SIGNAL=DebugReset STATE=N")->kind, TARMAC_EVENT);
    CHECK_EQ(one("4541 clk CADI E simulation_stopped")->kind, TARMAC_EVENT);
    CHECK_EQ(one("Tarmac Text Rev 3t")->kind, TARMAC_EVENT);
    CHECK_EQ(one("                    BR (00000080) A")->kind, TARMAC_EVENT);
    r = one("12 clk FROB 1234");
    CHECK_EQ(r->kind, TARMAC_UNKNOWN);
    CHECK_STR(str(r->text, r->text_len), "12 clk FROB 1234");
}

static void es_style(void)
{
    const tarmac_record *r = one("          0 tic ES  (00000000002109bc:a9be7bfd) O el3h_s:         STP      x29,x30,[sp,#-0x20]!");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->u.insn.pc.va, 0x2109bc);
    CHECK_EQ(r->u.insn.opcode, 0xa9be7bfd);
    CHECK_EQ(r->u.insn.el, 3);
    CHECK_STR(str(r->u.insn.disasm, r->u.insn.disasm_len), "STP      x29,x30,[sp,#-0x20]!");

    /* Bytes 15..0 left to right: the STP wrote all 16 bytes at 0xfffe0,
     * x29 = 0 at 0xfffe0 and x30 = 0x2105e0 at 0xfffe8. */
    r = next_line("                    ST 00000000000fffe0 00000000 002105e0 00000000 00000000    S:00000fffe0    nGnRnE OSH");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(r->u.mem.write);
    CHECK_EQ(r->time, 0);
    CHECK_EQ(r->u.mem.size, 16);
    CHECK_EQ(r->u.mem.addr.va, 0xfffe0);
    CHECK_EQ(r->u.mem.addr.pa, 0xfffe0);
    CHECK_EQ(r->u.mem.addr.pas, TARMAC_PAS_S);
    CHECK_EQ(r->u.mem.data, 0);
    CHECK_EQ(r->u.mem.data_hi, 0x2105e0);

    /* LDRB w8,[x0] with x0 = 0x200167: byte 7 of the line at 0x200160. */
    r = one("                    LD 0000000000200160 ........ ........ 3a...... ........    S:0000200160    nGnRnE OSH");
    CHECK(!r->u.mem.write);
    CHECK_EQ(r->u.mem.size, 1);
    CHECK_EQ(r->u.mem.addr.va, 0x200167);
    CHECK_EQ(r->u.mem.addr.pa, 0x200167);
    CHECK_EQ(r->u.mem.data, 0x3a);

    /* Continuation lines without the ST keyword (Neoverse RTL), carrying
     * the time of the ES line above them. */
    one("  947020259 ps  ES  (000000008000d1fc:a90d8be1) O el3t_rt:        STP      x1,x2,[sp,#0xd8] ");
    CHECK_EQ(rec.u.insn.security, TARMAC_PAS_ROOT);
    next_line("                    ST 000000009884cfb0  ........ ........ 00000000 000000fe  NS:000000009884cfb0   NM ISH IWBRWA");
    CHECK_EQ(rec.u.mem.addr.va, 0x9884cfb0);
    CHECK_EQ(rec.u.mem.size, 8);
    CHECK_EQ(rec.u.mem.data, 0xfe);
    CHECK_EQ(rec.u.mem.addr.pas, TARMAC_PAS_NS);
    r = next_line("                       000000009884cfa0  00000000 00000007 ........ ........  NS:000000009884cfa0   NM ISH IWBRWA");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(r->u.mem.write);
    CHECK_EQ(r->time, 947020259u);
    CHECK_EQ(r->u.mem.addr.va, 0x9884cfa8);
    CHECK_EQ(r->u.mem.addr.pa, 0x9884cfa8);
    CHECK_EQ(r->u.mem.data, 7);
    CHECK_EQ(r->u.mem.size, 8);

    /* An address of decimal digits only must not pass for a timestamp. */
    one("       3981 tic ES  (000000d8:c878)     T thrd_s:         LDMCS    r0!,{r3-r6}");
    next_line("                    LD 00004020  ........ 626d654d 2043424d 4545203e   S:0000000000004020  NM NSH");
    r = next_line("                       00004010  3e000a73 ........ ........ ........   S:0000000000004010  NM NSH");
    CHECK_EQ(r->kind, TARMAC_MEM);
    CHECK(!r->u.mem.write);
    CHECK_EQ(r->time, 3981);
    CHECK_EQ(r->u.mem.addr.va, 0x4010 + 12);
    CHECK_EQ(r->u.mem.size, 4);
    CHECK_EQ(r->u.mem.data, 0x3e000a73);

    r = one("   800000 ns  ES  (000001a4:03a06a01) A svc:     CCFAIL MOVEQ    r6,#0x1000");
    CHECK(!r->u.insn.executed);
    CHECK_EQ(r->u.insn.el, 1);
    r = one("     307754 tic ES  (0000aaaaabaf59f0:--------) O el0t_ns:");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK(!r->u.insn.has_opcode);
    CHECK_EQ(r->u.insn.el, 0);
    CHECK(!r->u.insn.sp_elx);
    CHECK_EQ(r->u.insn.security, TARMAC_PAS_NS);
}

static void other_dialects(void)
{
    /* `cs` units: the parenthesis holds the PC. */
    const tarmac_record *r = one("    6000000 cs IT (00000000004d6eb8) 54fffea1 O  ---_- :        b.ne\t0x4d6e8c");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->u.insn.pc.va, 0x4d6eb8);
    CHECK_EQ(r->u.insn.opcode, 0x54fffea1);
    CHECK_EQ(r->u.insn.el, -1);
    /* Cortex-M4 RTL: (pc:count), no mode. */
    r = one("      3041 cyc IT (00022a7c:00000006) 00022a7c     48f6 T16 LDR      r0,[pc,#984]  ; [0x22e58]");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_EQ(r->u.insn.id, 6);
    CHECK_EQ(r->u.insn.opcode, 0x48f6);
    CHECK_EQ(r->u.insn.mode_len, 0);
    CHECK_STR(str(r->u.insn.disasm, r->u.insn.disasm_len), "LDR      r0,[pc,#984]  ; [0x22e58]");
    r = one(" 948756 ns IT (00000000:00000000) 00000000 ea000006 A :                      B pc+0x00000018 ; 0x00000020");
    CHECK_EQ(r->kind, TARMAC_INSN);
    CHECK_STR(str(r->u.insn.disasm, r->u.insn.disasm_len), "B pc+0x00000018 ; 0x00000020");
}

static void mmu_lines(void)
{
    /* Built from the documented TLB trace syntax (100964); no real sample. */
    const tarmac_record *r = one("100 clk TLB FILL D 4K 0x0000ffff8000_NS EL1_n vmid=1, nG asid=5:0x0000812345000_NS Normal Shareable Inner=WriteBack Outer=WriteBack xn=1");
    CHECK_EQ(r->kind, TARMAC_TLB);
    CHECK(r->u.tlb.fill);
    CHECK(!r->u.tlb.walkcache);
    CHECK_STR(str(r->u.tlb.id, r->u.tlb.id_len), "D");
    CHECK_EQ(r->u.tlb.size, 4096);
    CHECK(r->u.tlb.has_va);
    CHECK_EQ(r->u.tlb.va, 0xffff8000);
    CHECK_EQ(r->u.tlb.va_pas, TARMAC_PAS_NS);
    CHECK_EQ(r->u.tlb.el, 1);
    CHECK(r->u.tlb.has_vmid);
    CHECK_EQ(r->u.tlb.vmid, 1);
    CHECK(r->u.tlb.ng);
    CHECK(r->u.tlb.has_asid);
    CHECK_EQ(r->u.tlb.asid, 5);
    CHECK(r->u.tlb.has_pa);
    CHECK_EQ(r->u.tlb.pa, 0x812345000);
    CHECK_EQ(r->u.tlb.pas, TARMAC_PAS_NS);

    r = one("101 clk WALKCACHE EVICT 3 2M 0x40000000 EL2_n");
    CHECK_EQ(r->kind, TARMAC_TLB);
    CHECK(r->u.tlb.walkcache);
    CHECK(!r->u.tlb.fill);
    CHECK_EQ(r->u.tlb.size, 2u << 20);
    CHECK_EQ(r->u.tlb.va, 0x40000000);
    CHECK_EQ(r->u.tlb.el, 2);
    CHECK(!r->u.tlb.has_pa);

    CHECK_EQ(one("102 clk TLB FLUSH all")->kind, TARMAC_UNKNOWN);

    r = one("103 clk TTW S1 L2 0x80001008:0x80001008_NS 0x0000000080203003 table");
    CHECK_EQ(r->kind, TARMAC_TTW);
    CHECK(r->u.ttw.has_addr);
    CHECK_EQ(r->u.ttw.addr.va, 0x80001008);
    CHECK_EQ(r->u.ttw.addr.pas, TARMAC_PAS_NS);
    CHECK(r->u.ttw.has_data);
    CHECK_EQ(r->u.ttw.data, 0x80203003);
    CHECK_EQ(one("104 clk TTW")->kind, TARMAC_TTW);
}

TEST_MAIN(TEST(fvp_instruction), TEST(gem5_instruction_and_memory), TEST(fvp_memory),
          TEST(system_registers_and_operations), TEST(exceptions_and_events), TEST(es_style),
          TEST(other_dialects), TEST(mmu_lines))
