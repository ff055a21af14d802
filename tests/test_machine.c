#define _POSIX_C_SOURCE 200809L /* open_memstream */
/* The machine's parts in-process: guest physical memory (sparse, above
 * 2^48, errors), the ELF loader's checks, the load/store decoder behind
 * FAR_ELx and the Data Abort ISS, and a stage-2 fault from EL1 delivered to
 * EL2 with its architectural ESR, FAR, HPFAR, ELR and SPSR. Expected values
 * are worked out from Arm DDI0487 (cited per check). */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "bump.h"
#include "check.h"
#include "desc.h"
#include "exception.h"
#include "ldst.h"
#include "loader.h"
#include "machine.h"
#include "sysreg_hooks.h"
#include "sysreg.h"
#include "tarmac_sink.h"

static machine *new_machine(void)
{
    static char err[256];
    machine *m = calloc(1, sizeof *m);
    if (!m || machine_init(m, err, sizeof err)) {
        fprintf(stderr, "machine_init: %s\n", err);
        exit(1);
    }
    m->out = NULL; /* keep test output clean; the capture still works */
    m->capture = true;
    return m;
}

static void free_machine(machine *m)
{
    machine_destroy(m);
    free(m);
}

static void put_insns(machine *m, uint64_t pa, const uint32_t *insns, size_t n)
{
    CHECK(physmem_write(&m->mem, pa, insns, n * sizeof *insns));
}

static void test_physmem_errors(void)
{
    machine *m = new_machine();
    char err[256];
    CHECK_EQ(machine_add_ram(m, "a", 0x40000000, 0x100000, err, sizeof err), 0);
    CHECK_EQ(machine_add_ram(m, "b", 0x400ff000, 0x2000, err, sizeof err), -1);
    CHECK(strstr(err, "'b'") && strstr(err, "overlaps 'a'"));
    CHECK_EQ(machine_add_ram(m, "c", 0x50000800, 0x1000, err, sizeof err), -1);
    CHECK(strstr(err, "multiples of 4 KiB") != NULL);
    CHECK_EQ(machine_add_ram(m, "d", UINT64_C(0xFFFFFFFFF000), 0, err, sizeof err), -1);
    CHECK_EQ(machine_add_ram(m, "e", UINT64_C(0x000FFFFFFFFFF000), 0x2000, err, sizeof err), -1);
    CHECK(strstr(err, "52-bit") != NULL);
    /* A region right below the top of the 52-bit space is fine. */
    CHECK_EQ(machine_add_ram(m, "top", UINT64_C(0x000FFFFFFFFFF000), 0x1000, err, sizeof err), 0);
    /* The engine's port reads descriptors inside RAM only. */
    mmu_port port = physmem_port(&m->mem);
    uint64_t v = 1;
    CHECK(port.write64(port.ctx, 0x40000ff8, 0x1122334455667788u));
    CHECK(port.read64(port.ctx, 0x40000ff8, &v));
    CHECK_EQ(v, 0x1122334455667788u);
    CHECK(!port.read64(port.ctx, 0x400ffffc, &v)); /* crosses the end of 'a' */
    CHECK(!port.read64(port.ctx, 0x30000000, &v));
    CHECK(port.read64(port.ctx, UINT64_C(0x000FFFFFFFFFFFF8), &v));
    free_machine(m);
}

/* Code in RAM above 2^48, MMU off at EL2: the flat mapping reaches it as
 * PARange is 52 bits in the "max" preset (DDI0487 D8.2.9, translation with
 * stage 1 disabled: PA = VA, Address size fault above PAMax). */
static void test_high_ram_runs(void)
{
    machine *m = new_machine();
    char err[256];
    const uint64_t base = UINT64_C(0x000F000000000000);
    CHECK_EQ(machine_add_ram(m, "high", base, 0x10000, err, sizeof err), 0);
    CHECK_EQ(machine_add_uart(m, err, sizeof err), 0);
    static const uint32_t code[] = {
        0xd2800821, /* mov x1, #0x41 */
        0xd2a12002, /* mov x2, #0x09000000 */
        0x39000041, /* strb w1, [x2] */
        0x14000000, /* b . */
    };
    put_insns(m, base + 0x100, code, 4);
    CHECK_EQ(machine_set_entry(m, base + 0x100, 2, false, 0, err, sizeof err), 0);
    m->max_insns = 100;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    CHECK_STR(m->captured, "A");
    CHECK_EQ(m->stats.walks, 0); /* stage 1 and 2 off: nothing to walk */
    free_machine(m);
}

/* A bare ELF header with one PT_LOAD segment. */
static size_t make_elf(uint8_t *buf, uint16_t machine_id, uint16_t type, uint64_t paddr,
                       uint64_t memsz)
{
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_type = type;
    eh.e_machine = machine_id;
    eh.e_entry = paddr;
    eh.e_phoff = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph = {.p_type = PT_LOAD, .p_offset = 0, .p_paddr = paddr, .p_vaddr = paddr,
                     .p_filesz = sizeof eh + sizeof ph, .p_memsz = memsz};
    memcpy(buf, &eh, sizeof eh);
    memcpy(buf + sizeof eh, &ph, sizeof ph);
    return sizeof eh + sizeof ph;
}

static void test_loader_checks(void)
{
    machine *m = new_machine();
    char err[256];
    uint8_t elf[256];
    uint64_t entry = 0;
    CHECK_EQ(machine_add_ram(m, "ram", 0x40000000, 0x100000, err, sizeof err), 0);
    size_t n = make_elf(elf, EM_AARCH64, ET_EXEC, 0x40001000, 0x2000);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "ok.elf", elf, n, &entry, err, sizeof err), 0);
    CHECK_EQ(entry, 0x40001000);
    uint8_t *p = physmem_ram(&m->mem, 0x40001000, 0x2000);
    CHECK(p && !memcmp(p, elf, n) && p[0x1fff] == 0);

    n = make_elf(elf, EM_X86_64, ET_EXEC, 0x40001000, 0x100);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "x86.elf", elf, n, &entry, err, sizeof err), -1);
    CHECK(strstr(err, "x86.elf: ELF machine 62 is not AArch64") != NULL);
    n = make_elf(elf, EM_AARCH64, ET_DYN, 0x40001000, 0x100);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "dyn.elf", elf, n, &entry, err, sizeof err), -1);
    CHECK(strstr(err, "not an executable") != NULL);
    n = make_elf(elf, EM_AARCH64, ET_EXEC, 0x400ff000, 0x2000);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "out.elf", elf, n, &entry, err, sizeof err), -1);
    CHECK(strstr(err, "out.elf: segment 0: [0x400ff000, 0x40101000) is not inside one RAM region"));
    n = make_elf(elf, EM_AARCH64, ET_EXEC, 0x40001000, 0x100);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "short.elf", elf, 70, &entry, err, sizeof err), -1);
    CHECK(strstr(err, "truncated") != NULL);
    CHECK_EQ(loader_load_elf_bytes(&m->mem, "tiny.elf", elf, 10, &entry, err, sizeof err), -1);
    CHECK(strstr(err, "not an ELF file") != NULL);
    free_machine(m);
}

/* Registers for the decoder: Xn = 0x1000 * (n + 1), SP = 0x8000. */
static uint64_t fake_reg(void *ctx, unsigned n, bool is_sp)
{
    (void)ctx;
    if (n == 31)
        return is_sp ? 0x8000 : 0;
    return 0x1000 * (uint64_t)(n + 1);
}

static void test_ldst_decode(void)
{
    /* Each address follows the instruction's pseudocode in DDI0487 C6.2
     * (no writeback applied: the instruction has not executed); the
     * syndrome fields follow the Data Abort ISS (D24.2.40). */
    static const struct {
        uint32_t insn;
        const char *text;
        bool is_mem;
        uint64_t addr;
        uint32_t bytes;
        bool read, write, unpriv, isv;
        uint8_t sas, srt;
        bool sse, sf, ar;
    } cases[] = {
        {0xb9400883, "ldr w3, [x4, #8]", true, 0x5008, 4, true, false, false, true, 2, 3, false, false, false},
        {0xf9400c01, "ldr x1, [x0, #24]", true, 0x1018, 8, true, false, false, true, 3, 1, false, true, false},
        {0xa9ff0801, "ldp x1, x2, [x0, #-16]!", true, 0x0ff0, 16, true, false, false, false, 0, 0, false, false, false},
        {0x78a778c5, "ldrsh x5, [x6, x7, lsl #1]", true, 0x7000 + 0x10000, 2, true, false, false, true, 1, 5, true, true, false},
        {0xb81fc528, "str w8, [x9], #-4", true, 0xa000, 4, false, true, false, false, 0, 0, false, false, false},
        {0xf85f896a, "ldtr x10, [x11, #-8]", true, 0xbff8, 8, true, false, true, true, 3, 10, false, true, false},
        {0x88dffdac, "ldar w12, [x13]", true, 0xe000, 4, true, false, false, true, 2, 12, false, false, true},
        {0xc8017c62, "stxr w1, x2, [x3]", true, 0x4000, 8, false, true, false, false, 0, 0, false, false, false},
        {0xf8e103e2, "ldaddal x1, x2, [sp]", true, 0x8000, 8, true, true, false, false, 0, 0, false, false, false},
        {0x4cdfa040, "ld1 {v0.16b, v1.16b}, [x2], #32", true, 0x3000, 64, true, false, false, false, 0, 0, false, false, false},
        {0xd50b7425, "dc zva, x5", true, 0x6000, 1, false, true, false, false, 0, 0, false, false, false},
        {0x3dc00841, "ldr q1, [x2, #32]", true, 0x3020, 16, true, false, false, false, 0, 0, false, false, false},
        {0x58000807, "ldr x7, pc+0x100", true, 0x40000100, 8, true, false, false, true, 3, 7, false, true, false},
        {0xb8a2d827, "ldrsw x7, [x1, w2, sxtw #2]", true, 0x2000 + 0xc000, 4, true, false, false, true, 2, 7, true, true, false},
        {0xf9800020, "prfm pldl1keep, [x1]", false, 0, 0, false, false, false, false, 0, 0, false, false, false},
        {0x8b030041, "add x1, x2, x3", false, 0, 0, false, false, false, false, 0, 0, false, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ldst_info li;
        check_context = cases[i].text;
        bool mem = ldst_decode(cases[i].insn, 0x40000000, fake_reg, NULL, &li);
        CHECK_EQ(mem, cases[i].is_mem);
        if (!mem)
            continue;
        CHECK_EQ(li.addr, cases[i].addr);
        CHECK_EQ(li.bytes, cases[i].bytes);
        CHECK_EQ(li.read, cases[i].read);
        CHECK_EQ(li.write, cases[i].write);
        CHECK_EQ(li.unpriv, cases[i].unpriv);
        CHECK_EQ(li.isv, cases[i].isv);
        if (cases[i].isv) {
            CHECK_EQ(li.sas, cases[i].sas);
            CHECK_EQ(li.srt, cases[i].srt);
            CHECK_EQ(li.sse, cases[i].sse);
            CHECK_EQ(li.sf, cases[i].sf);
            CHECK_EQ(li.ar, cases[i].ar);
        }
    }
    check_context = NULL;
}

/* A machine with QEMU virt's RAM and UART, and a page-table builder of
 * format fmt whose tables go to [0x4400_0000, 0x4410_0000) (b holds the
 * allocator's state and must live as long as the builder is used). */
static machine *machine_with_tables(const mmu_pt_format *fmt, mmu_builder *pt, bump *b)
{
    machine *m = new_machine();
    char err[256];
    CHECK_EQ(machine_add_virt_board(m, MACHINE_VIRT_RAM_SIZE, err, sizeof err), 0);
    *b = (bump){0x44000000, 0x44100000};
    mmu_pt_alloc alloc = bump_allocator(b);
    mmu_port port = physmem_port(&m->mem);
    CHECK_EQ(mmu_pt_init(pt, fmt, &port, &alloc, err, sizeof err), 0);
    return m;
}

/* Stage-1 leaf attributes: AttrIndx 0 (MAIR 0xff), Inner Shareable,
 * AF, read/write for the EL2 regime's only EL. */
#define EL2_RW (DESC_AF | FIELD_PREP(DESC_SH, 3))

/* A machine with EL2's stage 1 on (4K, 32-bit VA, tables by *s1): VA
 * 0x4000_0000 maps to itself (code), VA 0x8000_0000 to PA 0x4020_0000. */
static machine *machine_el2_stage1(mmu_builder *s1, bump *b)
{
    char err[256];
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 32,
                         .start_level = MMU_NO_LEVEL};
    machine *m = machine_with_tables(&fmt, s1, b);
    CHECK_EQ(mmu_pt_map(s1, 0x40000000, 0x40000000, 0x1000, EL2_RW, 0, err, sizeof err), 0);
    CHECK_EQ(mmu_pt_map(s1, 0x80000000, 0x40200000, 0x1000, EL2_RW, 0, err, sizeof err), 0);
    mmu_cpu_set_reg(&m->cpu, MMU_MAIR_EL2, 0xff);
    mmu_cpu_set_reg(&m->cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 32) | FIELD_PREP(TCR2_PS, 2));
    mmu_cpu_set_reg(&m->cpu, MMU_TTBR0_EL2, mmu_pt_ttbr_baddr(s1));
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL2, mmu_cpu_get_reg(&m->cpu, MMU_SCTLR_EL2) | SCTLR_M);
    return m;
}

/* EL1 with stage 1 off and stage 2 on (4K, 32-bit IPA, start level 1):
 * "ldr w3, [x4, #8]" with x4 = 0x5000_0000, an IPA stage 2 does not map,
 * takes a stage-2 Translation fault at level 2 to EL2. */
static void test_stage2_fault_to_el2(void)
{
    char err[256];
    bump b;
    mmu_builder s2;
    mmu_pt_format fmt = {.stage = 2, .granule = MMU_GRANULE_4K, .ia_bits = 32, .start_level = 1};
    machine *m = machine_with_tables(&fmt, &s2, &b);
    uint64_t attrs = FIELD_PREP(DESC_S2_MEMATTR, 0xF) | DESC_S2AP_R | DESC_S2AP_W | DESC_AF |
                     FIELD_PREP(DESC_SH, 3);
    CHECK_EQ(mmu_pt_map(&s2, 0x40000000, 0x40000000, 0x200000, attrs, 0, err, sizeof err), 0);
    /* VTCR_EL2: T0SZ = 32, SL0 = 1 (level 1), TG0 = 4K, PS = 40 bits. */
    mmu_cpu_set_reg(&m->cpu, MMU_VTCR_EL2, 32 | FIELD_PREP(VTCR_SL0, 1) | FIELD_PREP(VTCR_PS, 2));
    mmu_cpu_set_reg(&m->cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&s2));
    mmu_cpu_set_reg(&m->cpu, MMU_HCR_EL2, HCR_VM | HCR_RW);
    static const uint32_t el1_code[] = {
        0xd2aa0004, /* mov x4, #0x50000000 */
        0xb9400883, /* ldr w3, [x4, #8] */
    };
    static const uint32_t spin = 0x14000000; /* b . */
    put_insns(m, 0x40000000, el1_code, 2);
    put_insns(m, 0x40001000, &spin, 1);
    uint64_t vbar = 0x40001000 - VECTOR_LOWER_A64;
    uc_reg_write(m->uc, UC_ARM64_REG_VBAR_EL2, &vbar);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 1, false, 0, err, sizeof err), 0);
    m->max_insns = 50;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);

    uint64_t esr = 0, far = 0, elr = 0, spsr = 0, hpfar = 0, pc = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_ESR_EL2, &esr);
    uc_reg_read(m->uc, UC_ARM64_REG_FAR_EL2, &far);
    uc_reg_read(m->uc, UC_ARM64_REG_ELR_EL2, &elr);
    uc_reg_read(m->uc, UC_ARM64_REG_PC, &pc);
    CHECK(sysreg_read_cpu(m, SYSREG_SPSR_EL2, &spsr));
    CHECK(sysreg_read_cpu(m, SYSREG_HPFAR_EL2, &hpfar));
    /* EC 0x24 (Data Abort from a lower EL), IL, ISV with SAS = 2 (word),
     * SRT = 3, SF = 0 (W register), DFSC 0x06 (Translation, level 2). */
    CHECK_EQ(esr, 0x93830006);
    CHECK_EQ(far, 0x50000008);
    CHECK_EQ(hpfar, (UINT64_C(0x50000008) >> 12) << 4); /* FIPA = IPA[51:12] at [43:4] */
    CHECK_EQ(elr, 0x40000004);                          /* the ldr itself */
    CHECK_EQ(spsr, 0x400003c5);                         /* Z, DAIF, EL1h */
    CHECK_EQ(pc, 0x40001000);                           /* VBAR_EL2 + 0x400 */
    CHECK_EQ(machine_el(m), 2);
    CHECK_EQ(m->stats.exceptions[EXC_KIND_DATA_ABORT], 1);
    CHECK_EQ(m->stats.faults[MMU_FAULT_TRANSLATION], 1);
    free_machine(m);
}

/* Events seen by a sink that asked for everything (MEV_INSN and MEV_MEM
 * included): at EL2 with stage 1 on, VA 0x8000_0000 maps to PA 0x4020_0000,
 * so the PAs reported are those of the translation, not the VAs. */
typedef struct event_log {
    unsigned insns, mems;
    uint64_t insn_pc[8], insn_pa[8], insn_icount[8];
    uint32_t insn_word[8];
    machine_event mem[4];
    unsigned sysregs;
} event_log;

static void record_event(void *ctx, machine *m, const machine_event *ev)
{
    (void)m;
    event_log *l = ctx;
    if (ev->kind == MEV_INSN && l->insns < 8) {
        l->insn_pc[l->insns] = ev->pc;
        l->insn_pa[l->insns] = ev->u.insn.pa_known ? ev->u.insn.pa : 0;
        l->insn_word[l->insns] = ev->u.insn.word;
        l->insn_icount[l->insns++] = ev->icount;
    } else if (ev->kind == MEV_MEM && l->mems < 4) {
        l->mem[l->mems++] = *ev;
    }
}

/* A store-only sink (MEV_STORE), attached beside one that wants MEV_MEM. */
typedef struct store_log {
    unsigned n;
    machine_event ev[4];
} store_log;

static void record_store(void *ctx, machine *m, const machine_event *ev)
{
    (void)m;
    store_log *l = ctx;
    if (ev->kind != MEV_STORE) {
        l->n = 99; /* asked for stores only */
        return;
    }
    if (l->n < 4)
        l->ev[l->n++] = *ev;
}

static void test_insn_and_mem_events(void)
{
    char err[256];
    bump b;
    mmu_builder s1;
    machine *m = machine_el2_stage1(&s1, &b);
    /* An alias: the VA of an access to this PA is the one the instruction used. */
    CHECK_EQ(mmu_pt_map(&s1, 0x80001000, 0x40200000, 0x1000, EL2_RW, 0, err, sizeof err), 0);
    static const uint32_t code[] = {
        0xd2b00001, /* mov x1, #0x80000000 */
        0xd2824682, /* mov x2, #0x1234 */
        0xf9000422, /* str x2, [x1, #8] */
        0xf9400423, /* ldr x3, [x1, #8] */
        0xf9480424, /* ldr x4, [x1, #0x1008] */
        0x14000000, /* b . */
    };
    put_insns(m, 0x40000000, code, 6);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 2, false, 0, err, sizeof err), 0);
    event_log l = {0};
    CHECK_EQ(machine_attach_sink(m, MEV_INSN | MEV_MEM, record_event, &l, err, sizeof err), 0);
    store_log st = {0};
    CHECK_EQ(machine_attach_sink(m, MEV_STORE, record_store, &st, err, sizeof err), 0);
    m->max_insns = 7;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);

    CHECK(l.insns >= 6);
    for (unsigned i = 0; i < 6; i++) {
        check_context = "instruction events";
        CHECK_EQ(l.insn_pc[i], 0x40000000 + 4 * i);
        CHECK_EQ(l.insn_pa[i], 0x40000000 + 4 * i);
        CHECK_EQ(l.insn_word[i], code[i]);
        CHECK_EQ(l.insn_icount[i], i);
    }
    check_context = "memory events";
    CHECK_EQ(l.mems, 3);
    CHECK(l.mem[0].u.mem.write && !l.mem[1].u.mem.write && !l.mem[2].u.mem.write);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(l.mem[i].u.mem.va, i < 2 ? 0x80000008 : 0x80001008);
        CHECK(l.mem[i].u.mem.va_known);
        CHECK_EQ(l.mem[i].u.mem.pa, 0x40200008);
        CHECK_EQ(l.mem[i].u.mem.size, 8);
        CHECK_EQ(l.mem[i].u.mem.value, 0x1234);
        CHECK_EQ(l.mem[i].el, 2);
    }
    check_context = "store events";
    CHECK_EQ(st.n, 1);
    CHECK(st.ev[0].u.mem.write && !st.ev[0].u.mem.va_known);
    CHECK_EQ(st.ev[0].u.mem.pa, 0x40200008);
    CHECK_EQ(st.ev[0].u.mem.size, 8);
    CHECK_EQ(st.ev[0].u.mem.value, 0x1234);
    CHECK_EQ(st.ev[0].icount, l.mem[0].icount); /* the same count as MEV_MEM gives */
    check_context = NULL;
    free_machine(m);
}

/* LDTR at EL1 is checked with EL0 permissions (DDI0487 C6.2 LDTR,
 * AccType_UNPRIV), an LDR in the same block with EL1's: page A (VA
 * 0x8000_0000) is EL1-only (AP = 00), page B (VA 0x8000_1000) EL0 and EL1
 * read/write (AP = 01). "ldr x3, [A]" and "ldtr x4, [B]" load; "ldtr x5,
 * [A]" takes a Permission fault at level 3 to EL1: EC 0x25 (same EL), IL,
 * DFSC 0x0F, no instruction syndrome (ISV is given for stage-2 aborts
 * only) -> ESR 0x9600000f, FAR = A. */
static void test_ldtr_uses_el0_permissions(void)
{
    char err[256];
    bump b;
    mmu_builder s1;
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 32,
                         .start_level = MMU_NO_LEVEL};
    machine *m = machine_with_tables(&fmt, &s1, &b);
    uint64_t el1_only = DESC_AF | FIELD_PREP(DESC_SH, 3);
    CHECK_EQ(mmu_pt_map(&s1, 0x40000000, 0x40000000, 0x2000, el1_only, 0, err, sizeof err), 0);
    CHECK_EQ(mmu_pt_map(&s1, 0x80000000, 0x40200000, 0x1000, el1_only, 0, err, sizeof err), 0);
    CHECK_EQ(mmu_pt_map(&s1, 0x80001000, 0x40201000, 0x1000, el1_only | DESC_AP_EL0 | DESC_UXN,
                        0, err, sizeof err), 0);
    uint64_t a = 0x11, bval = 0x22;
    CHECK(physmem_write(&m->mem, 0x40200000, &a, 8));
    CHECK(physmem_write(&m->mem, 0x40201000, &bval, 8));
    mmu_cpu_set_reg(&m->cpu, MMU_MAIR_EL1, 0xff);
    mmu_cpu_set_reg(&m->cpu, MMU_TCR_EL1, FIELD_PREP(TCR_T0SZ, 32) | TCR_EPD1);
    mmu_cpu_set_reg(&m->cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&s1));
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL1, mmu_cpu_get_reg(&m->cpu, MMU_SCTLR_EL1) | SCTLR_M);
    mmu_cpu_set_reg(&m->cpu, MMU_HCR_EL2, HCR_RW);
    static const uint32_t code[] = {
        0xd2b00001, /* mov x1, #0x80000000 */
        0xd2b00002, /* mov x2, #0x80000000 */
        0xf2820002, /* movk x2, #0x1000 */
        0xf9400023, /* ldr x3, [x1] */
        0xf8400844, /* ldtr x4, [x2] */
        0xf8400825, /* ldtr x5, [x1] */
        0x14000000, /* b . */
    };
    static const uint32_t spin = 0x14000000;
    put_insns(m, 0x40000000, code, 7);
    put_insns(m, 0x40001200, &spin, 1); /* VBAR_EL1 + 0x200: current EL, SP_ELx */
    uint64_t vbar = 0x40001000;
    uc_reg_write(m->uc, UC_ARM64_REG_VBAR_EL1, &vbar);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 1, false, 0, err, sizeof err), 0);
    /* The Tarmac trace marks the unprivileged accesses (T). */
    char *tarmac = NULL;
    size_t tarmac_len = 0;
    FILE *out = open_memstream(&tarmac, &tarmac_len);
    tarmac_sink *ts = tarmac_sink_new(out, 0);
    CHECK_EQ(tarmac_sink_attach(ts, m, err, sizeof err), 0);
    m->max_insns = 20;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    fclose(out);
    CHECK(strstr(tarmac, " MR8 80000000:000040200000_NS 00000000_00000011") != NULL);
    CHECK(strstr(tarmac, " MR8T 80001000:000040201000_NS 00000000_00000022") != NULL);
    CHECK(strstr(tarmac, " MR8T 80000000 (ABORTED)") != NULL);
    tarmac_sink_free(ts);
    free(tarmac);
    uint64_t x3 = 0, x4 = 0, x5 = 0, esr = 0, far = 0, elr = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_X3, &x3);
    uc_reg_read(m->uc, UC_ARM64_REG_X4, &x4);
    uc_reg_read(m->uc, UC_ARM64_REG_X5, &x5);
    uc_reg_read(m->uc, UC_ARM64_REG_ESR_EL1, &esr);
    uc_reg_read(m->uc, UC_ARM64_REG_FAR_EL1, &far);
    uc_reg_read(m->uc, UC_ARM64_REG_ELR_EL1, &elr);
    CHECK_EQ(x3, 0x11);
    CHECK_EQ(x4, 0x22);
    CHECK_EQ(x5, 0);
    CHECK_EQ(esr, 0x9600000f);
    CHECK_EQ(far, 0x80000000);
    CHECK_EQ(elr, 0x40000014);
    CHECK_EQ(m->stats.faults[MMU_FAULT_PERMISSION], 1);
    free_machine(m);
}

/* ERET from EL2 to EL1 is an exception event of kind "eret" at the ERET
 * itself, with the address it returned to (Unicorn executes ERET without
 * a hook: machine.c watches blocks that start at an ELR value). */
typedef struct eret_log {
    unsigned n;
    machine_event ev;
    walklog_exception x;
} eret_log;

static void record_eret(void *ctx, machine *m, const machine_event *ev)
{
    (void)m;
    eret_log *l = ctx;
    if (!strcmp(ev->u.exception.kind, "eret")) {
        l->ev = *ev;
        l->x = ev->u.exception;
        l->n++;
    }
}

static void test_eret_event(void)
{
    machine *m = new_machine();
    char err[256];
    CHECK_EQ(machine_add_virt_board(m, MACHINE_VIRT_RAM_SIZE, err, sizeof err), 0);
    static const uint32_t el2_code[] = {
        0xd2a80000, /* mov x0, #0x40000000 */
        0xf2802000, /* movk x0, #0x100 */
        0xd51c4020, /* msr elr_el2, x0 */
        0xd28078a1, /* mov x1, #0x3c5: EL1h, DAIF masked */
        0xd51c4001, /* msr spsr_el2, x1 */
        0xd69f03e0, /* eret */
    };
    static const uint32_t spin = 0x14000000; /* b . */
    put_insns(m, 0x40000000, el2_code, 6);
    put_insns(m, 0x40000100, &spin, 1);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 2, false, 0, err, sizeof err), 0);
    eret_log l = {0};
    CHECK_EQ(machine_attach_sink(m, MEV_EXCEPTION, record_eret, &l, err, sizeof err), 0);
    m->max_insns = 20;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    CHECK_EQ(machine_el(m), 1);
    CHECK_EQ(l.n, 1);
    CHECK_EQ(l.ev.pc, 0x40000014);
    CHECK_EQ(l.ev.icount, 5);
    CHECK_EQ(l.ev.el, 2);
    CHECK_EQ(l.x.from_el, 2);
    CHECK_EQ(l.x.to_el, 1);
    CHECK_EQ(l.x.elr, 0x40000100);
    free_machine(m);
}

/* A TLB that holds nothing (mode NONE) walks for every access: Unicorn's
 * own cache must not keep the translation past the block that needed it.
 * Ten iterations of a one-block loop "ldr x3, [x1]; subs; b.ne" at EL2
 * with stage 1 on: a data walk per iteration, and at least one fetch walk
 * (a block that jumps to itself is chained by QEMU and not fetched
 * again). Without the per-block flush the loop walked once. */
static void test_tlb_none_walks_every_block(void)
{
    char err[256];
    bump b;
    mmu_builder s1;
    machine *m = machine_el2_stage1(&s1, &b);
    mmu_tlb_free(&m->tlb);
    mmu_tlb_config none = {.mode = MMU_TLB_NONE};
    CHECK_EQ(mmu_tlb_init(&m->tlb, &none, err, sizeof err), 0);
    static const uint32_t code[] = {
        0xd2b00001, /* mov x1, #0x80000000 */
        0xd2800142, /* mov x2, #10 */
        0xf9400023, /* loop: ldr x3, [x1] */
        0xf1000442, /* subs x2, x2, #1 */
        0x54ffffc1, /* b.ne loop */
        0x14000000, /* b . */
    };
    put_insns(m, 0x40000000, code, 6);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 2, false, 0, err, sizeof err), 0);
    m->max_insns = 40;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    CHECK(m->stats.walks >= 11);
    CHECK_EQ(m->tlb.stats.hits, 0);
    free_machine(m);
}

/* The nXS TLBIs are unallocated without FEAT_XS, which the machine's CPU
 * does not report (ID_AA64ISAR1_EL1.XS = 0): "tlbi vae1isnxs" at EL2 is an
 * undefined instruction (EC 0, IL), "tlbi vae1is" is not. */
static void test_nxs_tlbi_undefined_without_xs(void)
{
    machine *m = new_machine();
    char err[256];
    CHECK_EQ(machine_add_virt_board(m, MACHINE_VIRT_RAM_SIZE, err, sizeof err), 0);
    static const uint32_t code[] = {
        0xd5088320, /* tlbi vae1is, x0 */
        0xd5089320, /* tlbi vae1isnxs, x0 */
        0x14000000, /* b . */
    };
    static const uint32_t spin = 0x14000000;
    put_insns(m, 0x40000000, code, 3);
    put_insns(m, 0x40001200, &spin, 1); /* VBAR_EL2 + 0x200 */
    uint64_t vbar = 0x40001000;
    uc_reg_write(m->uc, UC_ARM64_REG_VBAR_EL2, &vbar);
    CHECK_EQ(machine_set_entry(m, 0x40000000, 2, false, 0, err, sizeof err), 0);
    m->max_insns = 10;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    uint64_t esr = 0, elr = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_ESR_EL2, &esr);
    uc_reg_read(m->uc, UC_ARM64_REG_ELR_EL2, &elr);
    CHECK_EQ(m->stats.exceptions[EXC_KIND_UNDEFINED], 1);
    CHECK_EQ(esr, 0x02000000);
    CHECK_EQ(elr, 0x40000004);
    CHECK_EQ(m->stats.tlbis, 1);
    free_machine(m);
}

/* HCR_EL2.TGE routes exceptions from EL0 to EL2 (DDI0487 D1.3.4). */
static void test_routing(void)
{
    machine *m = new_machine();
    CHECK_EQ(exception_route(m, 0), 1);
    CHECK_EQ(exception_route(m, 1), 1);
    CHECK_EQ(exception_route(m, 2), 2);
    mmu_cpu_set_reg(&m->cpu, MMU_HCR_EL2, HCR_TGE | HCR_RW);
    CHECK_EQ(exception_route(m, 0), 2);
    CHECK_EQ(exception_route(m, 1), 1);
    free_machine(m);
}

TEST_MAIN(TEST(test_physmem_errors), TEST(test_high_ram_runs), TEST(test_loader_checks),
          TEST(test_ldst_decode), TEST(test_stage2_fault_to_el2), TEST(test_routing),
          TEST(test_insn_and_mem_events), TEST(test_ldtr_uses_el0_permissions),
          TEST(test_eret_event), TEST(test_tlb_none_walks_every_block),
          TEST(test_nxs_tlbi_undefined_without_xs))
