/* Guest runtime for the mmusim guest-program suite (tests/guest/README.md).
 * Bare metal on QEMU virt / mmusim: PL011 data register at 0x0900_0000,
 * RAM at 0x4000_0000, entry at EL2h with the MMU off. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include "bits.h"
#include "desc.h"
#include "sysreg.h"

#define UART_BASE 0x09000000ul
#define RAM_BASE 0x40000000ul
#define RUNTIME_END 0x44000000ul       /* image, stacks, table pool */
#define FRAME_BASE 0x44000000ul        /* test frames, 64 KiB each */
#define FRAME(n) (FRAME_BASE + (uint64_t)(n) * 0x10000ul)

#define STR_(x) #x
#define STR(x) STR_(x)
#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " STR(r) : "=r"(v_)); v_; })
#define write_sysreg(v, r) __asm__ volatile("msr " STR(r) ", %0" : : "r"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
/* TLBI with a register operand / without one. */
#define tlbi(op, v) __asm__ volatile("tlbi " #op ", %0" : : "r"((uint64_t)(v)) : "memory")
#define tlbi_all(op) __asm__ volatile("tlbi " #op : : : "memory")
/* AT, then the PAR_EL1 it produced. */
#define at(op, va) ({ __asm__ volatile("at " #op ", %0" : : "r"((uint64_t)(va)) : "memory"); \
                      isb(); read_sysreg(par_el1); })

/* Registers the assembler knows only with newer -march: generic names. */
#define ttbr1_el2 S3_4_C2_C0_1
#define ttbr0_el12 S3_5_C2_C0_0
#define tcr_el12 S3_5_C2_C0_2
#define sctlr_el12 S3_5_C1_C0_0

static inline unsigned current_el(void) { return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3; }

/* uart.c: output through the PL011 data register. */
void put_char(char c);
void put_str(const char *s);
void put_hex(uint64_t v);
/* "label 0x<hex>\n" */
void say(const char *label, uint64_t v);
/* "label\n" */
void line(const char *s);

/* start.S */
void exit_guest(int code) __attribute__((noreturn));
uint64_t call_lower(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t spsr, uint64_t sp);
extern char __stack_el0_top[], __stack_el1_top[];
#define SPSR_EL1H 0x3c5ul              /* DAIF masked, EL1h */
#define SPSR_EL0T 0x3c0ul              /* DAIF masked, EL0t */
/* Run fn(arg) at EL1h (from EL2) or EL0t (from EL1, or EL2 with TGE=1). */
static inline uint64_t run_el1(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    return call_lower(fn, arg, SPSR_EL1H, (uint64_t)__stack_el1_top);
}
static inline uint64_t run_el0(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    return call_lower(fn, arg, SPSR_EL0T, (uint64_t)__stack_el0_top);
}

/* probes.S */
#define PROBE_FAULT (~0ul)
uint64_t probe_read(uint64_t va);
uint32_t probe_read32(uint64_t va);
void probe_write(uint64_t va, uint64_t v);
uint64_t probe_exec(uint64_t va);
void probe_dc_ivac(uint64_t va);
uint64_t probe_at_s1e1r(uint64_t va);
/* A 64 KiB-aligned page whose first instruction returns 42. */
extern char exec_page[];

/* exception.c: every abort is printed as one line
 *   "EXC EL<n> <vector> ESR 0x.. FAR 0x.. [HPFAR 0x..] at <probe>"
 * and resumed (data abort: next instruction; instruction abort: the
 * caller's LR). Any other exception is printed and ends the run. */
extern volatile unsigned fault_count;

/* pt.c: a small translation-table builder. */
struct pt {
    unsigned gbits;      /* granule: 12, 14, 16 */
    unsigned ia_bits;    /* input address size */
    int start;           /* start level, -1..3 */
    int stage;           /* 1 or 2 */
    int ds;              /* TCR.DS/VTCR.DS = 1 descriptor format (LPA2) */
    int lpa;             /* 64K with 52-bit OA: OA[51:48] in desc[15:12] */
    uint64_t root;       /* PA of the start-level table (concatenated if needed) */
    uint64_t tbl_off;    /* added to table addresses in table descriptors:
                            the tables' input address at the next stage */
};
void pt_init(struct pt *pt, unsigned gbits, unsigned ia_bits, int start, int stage);
/* The descriptor for `ia` at `level`, allocating tables on the way. */
volatile uint64_t *pt_slot(struct pt *pt, uint64_t ia, int level);
/* Map `ia` to `oa` with a leaf at `level`; attrs = upper/lower attributes. */
void pt_map(struct pt *pt, uint64_t ia, uint64_t oa, int level, uint64_t attrs);
/* Map [ia, ia+size) to oa with leaves at `level`. */
void pt_map_range(struct pt *pt, uint64_t ia, uint64_t oa, uint64_t size, int level, uint64_t attrs);
/* Descriptor encoding of an output / next-table address for this format. */
uint64_t pt_encode_oa(const struct pt *pt, uint64_t oa);
/* Bytes mapped by one entry at `level`. */
uint64_t pt_level_size(const struct pt *pt, int level);
/* Start level of a walk of ia_bits with granule gbits (DDI0487 D8.2.x:
 * 4 - (ia_bits - 4) / (G - 3); -1 for 4K with more than 48 bits). */
static inline int pt_start_level(unsigned gbits, unsigned ia_bits)
{
    return 4 - (int)((ia_bits - 4) / (gbits - 3));
}
/* Raw table allocation from the pool (zeroed). */
uint64_t pt_alloc(uint64_t size, uint64_t align);
/* The usual runtime mapping: RAM [RAM_BASE, RUNTIME_END) identity as normal
 * memory and the UART identity as device, with blocks at `level`. */
void pt_map_runtime(struct pt *pt, int level);
/* Fill test frame n (64 KiB) with values naming frame and 4K page:
 * word at offset o holds 0xF0000000_00000000 | n << 32 | o. */
void frame_fill(unsigned n);
#define FRAME_WORD(n, off) (0xF000000000000000ul | ((uint64_t)(n) << 32) | (uint64_t)(off))

/* Stage-1 leaf attributes (MAIR index 0 = normal WB, 1 = Device-nGnRnE). */
#define MAIR_VALUE 0x00000000000044ffull    /* idx0 0xff, idx1 0x00, idx2 0x44 */
#define S1_NORMAL (DESC_AF | FIELD_PREP(DESC_ATTRINDX, 0))
#define S1_DEVICE (DESC_AF | FIELD_PREP(DESC_ATTRINDX, 1) | DESC_UXN | DESC_PXN)
#define S1_RO DESC_AP_RO
#define S1_EL0 DESC_AP_EL0
/* Stage-2 leaf attributes. */
#define S2_RW (DESC_S2AP_R | DESC_S2AP_W)
#define S2_NORMAL (DESC_AF | FIELD_PREP(DESC_S2_MEMATTR, 0xf) | S2_RW)
#define S2_DEVICE (DESC_AF | FIELD_PREP(DESC_S2_MEMATTR, 0x0) | S2_RW)

/* TCR field values. */
#define TG0_4K 0ul
#define TG0_64K 1ul
#define TG0_16K 2ul
#define TG1_16K 1ul
#define TG1_4K 2ul
#define TG1_64K 3ul
static inline uint64_t tg0_of(unsigned gbits) { return gbits == 12 ? TG0_4K : gbits == 14 ? TG0_16K : TG0_64K; }
static inline uint64_t tg1_of(unsigned gbits) { return gbits == 12 ? TG1_4K : gbits == 14 ? TG1_16K : TG1_64K; }
/* Inner/outer WB cacheable, inner shareable walks for TTBR0. */
#define TCR_WALK0 (FIELD_PREP(TCR_IRGN0, 1) | FIELD_PREP(TCR_ORGN0, 1) | FIELD_PREP(TCR_SH0, 3))
#define TCR_WALK1 (FIELD_PREP(TCR_IRGN1, 1) | FIELD_PREP(TCR_ORGN1, 1) | FIELD_PREP(TCR_SH1, 3))
#define SCTLR_MMU_ON (SCTLR_M | SCTLR_C | SCTLR_I)

/* mmu.c: turning translation on for a regime (all from EL2). */
/* EL2 (E2H=0): MAIR/TCR/TTBR0_EL2 then SCTLR_EL2.M. */
void el2_mmu_on(const struct pt *pt, uint64_t tcr);
void el2_mmu_off(void);
/* EL1&0: MAIR/TCR/TTBRn_EL1 and SCTLR_EL1.M, written from EL2. */
void el1_mmu_on(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1);
void el1_mmu_off(void);
/* Stage 2: VTCR/VTTBR and HCR_EL2.VM. */
void s2_on(uint64_t vtcr, uint64_t vttbr);
void s2_off(void);
/* TTBR value for a table at `pa` (52-bit forms put PA[51:48] in [5:2]). */
uint64_t ttbr_of(uint64_t pa, uint64_t asid);

/* par.c: print PAR_EL1 keeping only what the architecture defines for a
 * Non-secure translation (Arm DDI0487 D19 PAR_EL1): on success ATTR[63:56],
 * PA[51:12], bit 11 (RES1), SH[8:7], F; on a fault bit 11, S[9], PTW[8],
 * FST[6:1], F. NS[9] (UNKNOWN for Non-secure regimes), bit 10 and [63:48]
 * (IMPLEMENTATION DEFINED) are dropped. */
void say_par(const char *label, uint64_t par);

#endif
