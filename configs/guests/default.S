/* The default scenario's guest (configs/default.json): an LPA2 guest with
 * stage 2 and stage 1 and 52-bit addresses.
 *
 * The scenario builds both page tables before the run (its page_tables
 * section) and puts their roots in VTTBR_EL2 and TTBR0_EL1; this program
 * only programs the controls, then:
 *   EL2: VTCR_EL2 (4K, DS=1, 52-bit IPA, stage 2 starting at level 0 with
 *        16 concatenated tables), HCR_EL2.VM, and an ERET to EL1h;
 *   EL1: MAIR/TCR_EL1 (4K, DS=1, 52-bit VA: walks start at level -1) and
 *        SCTLR_EL1.M, then
 *     1. stores and loads through VA 0x000f_0000_0000_0000 (IPA
 *        0x0008_0000_0000_0000, PA 0x000f_0000_0000_0000: above 2^48 at
 *        every stage);
 *     2. AT S1E1R on it (PAR_EL1 holds the IPA: stage 1 only);
 *     3. loads from VA 0x0001_0000_0000_0000, whose level -1 entry is
 *        invalid: a Translation fault at level -1 (DFSC 0x2B) taken to
 *        EL1, which prints ESR_EL1/FAR_EL1 and skips the load; AT S1E1R
 *        on it reports the same fault in PAR_EL1 (FST 0x2B);
 *     4. loads from VA 0x5000_0000, mapped at stage 1 to an IPA stage 2
 *        leaves unmapped: a stage-2 Translation fault taken to EL2, which
 *        prints ESR_EL2/FAR_EL2/HPFAR_EL2 and skips the load;
 *     5. TLBI RVAE1IS over the 2 MiB at the high VA (LPA2 range operand:
 *        base in 64 KiB units), then loads it again (a fresh walk);
 *   and exits through semihosting SYS_EXIT.
 *
 * Platform contract (DESIGN.md): entry at EL2h with the MMU off, PL011
 * data register at 0x0900_0000, semihosting through HLT #0xF000.
 * Register fields: Arm DDI0487 D19.2 (VTCR_EL2, TCR_EL1, HCR_EL2,
 * SCTLR_EL1), D8.13.5 (range TLBI operand), D24.2.40 (ESR).
 */

#define UART_DR 0x09000000
#define STACK_EL2 0x40180000
#define STACK_EL1 0x40190000

/* VTCR_EL2: T0SZ=12 (52-bit IPA), SL0=2 (level 0; 16 concatenated
 * tables cover IPA[51:39]), IRGN0=ORGN0=1 (WB), SH0=3, TG0=0 (4K),
 * PS=6 (52-bit), VS=1 (16-bit VMID), bit 31 RES1, DS=1 (bit 32). */
#define VTCR_VALUE 0x1800E358C
/* HCR_EL2: RW (EL1 is AArch64), VM (stage 2 on). */
#define HCR_VALUE ((1 << 31) | 1)
/* MAIR_EL1: Attr0 = 0xFF (Normal WB), Attr1 = 0x04 (Device-nGnRE). */
#define MAIR_VALUE 0x04FF
/* TCR_EL1: T0SZ=12 (52-bit VA), IRGN0=ORGN0=1, SH0=3, TG0=0 (4K),
 * EPD1=1 (no TTBR1 walks), IPS=6 (52-bit), DS=1 (bit 59). */
#define TCR_VALUE 0x080000060080350C
/* SCTLR_EL1: the Armv8.0 RES1 bits, M, C, I. */
#define SCTLR_VALUE 0x30D01805

#define HIGH_VA 0x000F000000000000
#define UNMAPPED_VA 0x0001000000000000
#define S2_HOLE_VA 0x50000000
/* TLBI RVAE1IS operand: ASID=1 [63:48], TG=1 (4K) [47:46], SCALE=1
 * [45:44], NUM=7 [43:39], TTL=0, BaseADDR = VA[52:16] (DS=1) [36:0]:
 * (NUM+1) * 2^(5*SCALE+1) = 512 pages of 4K = 2 MiB from HIGH_VA. */
#define RVAE1IS_OPERAND 0x0001538F00000000

    .macro say label
    adr x0, \label
    bl puts
    .endm

    .macro hex reg
    mov x0, \reg
    bl puthex
    .endm

    /* Handlers clobber x0, x9-x12 and x30 (puts/puthex); save those. */
    .macro save
    sub sp, sp, #48
    stp x0, x9, [sp]
    stp x10, x11, [sp, #16]
    stp x12, x30, [sp, #32]
    .endm

    .macro restore
    ldp x0, x9, [sp]
    ldp x10, x11, [sp, #16]
    ldp x12, x30, [sp, #32]
    add sp, sp, #48
    .endm

    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =STACK_EL2
    mov sp, x0
    adr x0, vectors_el2
    msr vbar_el2, x0
    isb
    say msg_banner
    say msg_mmfr0
    mrs x0, id_aa64mmfr0_el1
    bl puthex
    say msg_nl

    ldr x0, =VTCR_VALUE
    msr vtcr_el2, x0
    ldr x0, =HCR_VALUE
    msr hcr_el2, x0
    isb
    say msg_vttbr
    mrs x0, vttbr_el2
    bl puthex
    say msg_nl

    /* To EL1h at el1_main, interrupts masked. */
    ldr x0, =STACK_EL1
    msr sp_el1, x0
    adr x0, el1_main
    msr elr_el2, x0
    mov x0, #0x3c5
    msr spsr_el2, x0
    eret

el1_main:
    adr x0, vectors_el1
    msr vbar_el1, x0
    ldr x0, =MAIR_VALUE
    msr mair_el1, x0
    ldr x0, =TCR_VALUE
    msr tcr_el1, x0
    isb
    ldr x0, =SCTLR_VALUE
    msr sctlr_el1, x0
    isb
    say msg_el1
    mrs x0, ttbr0_el1
    bl puthex
    say msg_nl

    /* 1. Store and load at the 52-bit VA. */
    ldr x19, =HIGH_VA
    ldr x20, =0x5eed0f52b17ad0d5
    str x20, [x19]
    ldr x21, [x19]
    say msg_high
    hex x21
    say msg_nl

    /* 2. AT S1E1R: the IPA of the high VA. */
    at s1e1r, x19
    isb
    say msg_at_high
    mrs x0, par_el1
    bl puthex
    say msg_nl

    /* 3. Level -1 translation fault, handled at EL1; then AT on it. */
    ldr x22, =UNMAPPED_VA
    ldr x21, [x22]
    at s1e1r, x22
    isb
    say msg_at_unmapped
    mrs x0, par_el1
    bl puthex
    say msg_nl

    /* 4. Stage-2 translation fault, handled at EL2. */
    ldr x23, =S2_HOLE_VA
    ldr x21, [x23]

    /* 5. Range TLBI over the high mapping, then touch it again. TLBI
     * RVAE1IS is SYS #0, C8, C2, #1 (FEAT_TLBIRANGE). */
    ldr x0, =RVAE1IS_OPERAND
    sys #0, c8, c2, #1, x0
    dsb ish
    isb
    ldr x21, [x19]
    say msg_after_tlbi
    hex x21
    say msg_nl
    cmp x21, x20
    b.ne fail

    say msg_done
    adr x1, exit_ok
    b semihost_exit
fail:
    adr x1, exit_fail
semihost_exit:
    mov x0, #0x18           /* SYS_EXIT, x1 -> {reason, exit code} */
    hlt #0xf000
1:  b 1b

/* Data abort at EL1 (current EL, SP_EL1): report and skip the load. */
el1_sync:
    save
    mrs x0, esr_el1
    lsr x0, x0, #26
    cmp x0, #0x25           /* EC: Data Abort, same EL */
    b.ne unexpected
    say msg_el1_abort
    mrs x0, esr_el1
    bl puthex
    say msg_far_el1
    mrs x0, far_el1
    bl puthex
    say msg_nl
    mrs x0, elr_el1
    add x0, x0, #4
    msr elr_el1, x0
    restore
    eret

/* Data abort from EL1 taken to EL2 (stage 2): report and skip the load. */
el2_lower_sync:
    save
    mrs x0, esr_el2
    lsr x0, x0, #26
    cmp x0, #0x24           /* EC: Data Abort, lower EL */
    b.ne unexpected
    say msg_el2_abort
    mrs x0, esr_el2
    bl puthex
    say msg_far_el2
    mrs x0, far_el2
    bl puthex
    say msg_hpfar
    mrs x0, hpfar_el2
    bl puthex
    say msg_nl
    mrs x0, elr_el2
    add x0, x0, #4
    msr elr_el2, x0
    restore
    eret

unexpected:
    say msg_unexpected
    b fail

/* puts(x0 = NUL-terminated string); clobbers x0, x9, x10. */
puts:
    mov x9, #UART_DR
1:  ldrb w10, [x0], #1
    cbz w10, 2f
    strb w10, [x9]
    b 1b
2:  ret

/* puthex(x0): "0x" and 16 hex digits; clobbers x9-x12. */
puthex:
    mov x9, #UART_DR
    mov w10, #'0'
    strb w10, [x9]
    mov w10, #'x'
    strb w10, [x9]
    mov x11, #60
1:  lsr x12, x0, x11
    and x12, x12, #0xf
    cmp x12, #10
    add x10, x12, #'0'
    add x12, x12, #('a' - 10)
    csel x10, x12, x10, hs
    strb w10, [x9]
    subs x11, x11, #4
    b.ge 1b
    ret

    .ltorg

/* Exception vectors (DDI0487 D1.10.2): 16 entries of 0x80 bytes. Only
 * the expected entries lead to handlers; any other exception ends the run
 * with exit code 1. */
    .balign 2048
vectors_el1:
    .rept 4                 /* +0x000: current EL with SP_EL0 */
    .balign 128
    b unexpected
    .endr
    .balign 128             /* +0x200: current EL with SP_ELx, synchronous */
    b el1_sync
    .rept 11
    .balign 128
    b unexpected
    .endr

    .balign 2048
vectors_el2:
    .rept 8                 /* +0x000: current EL (SP_EL0, SP_ELx) */
    .balign 128
    b unexpected
    .endr
    .balign 128             /* +0x400: lower EL, AArch64, synchronous */
    b el2_lower_sync
    .rept 7
    .balign 128
    b unexpected
    .endr

    .section .rodata
    .balign 8
exit_ok:
    .quad 0x20026, 0        /* ADP_Stopped_ApplicationExit, exit code 0 */
exit_fail:
    .quad 0x20026, 1
msg_banner:      .asciz "mmusim default scenario: LPA2, stage 1 + stage 2, 52-bit VA/IPA/PA\n"
msg_mmfr0:       .asciz "EL2: ID_AA64MMFR0_EL1="
msg_vttbr:       .asciz "EL2: stage 2 on, VTTBR_EL2="
msg_el1:         .asciz "EL1: MMU on, TTBR0_EL1="
msg_high:        .asciz "EL1: [0x000f000000000000] = "
msg_at_high:     .asciz "EL1: AT S1E1R 0x000f000000000000 -> PAR_EL1="
msg_at_unmapped: .asciz "EL1: AT S1E1R 0x0001000000000000 -> PAR_EL1="
msg_el1_abort:   .asciz "EL1: data abort ESR_EL1="
msg_far_el1:     .asciz " FAR_EL1="
msg_el2_abort:   .asciz "EL2: stage-2 abort ESR_EL2="
msg_far_el2:     .asciz " FAR_EL2="
msg_hpfar:       .asciz " HPFAR_EL2="
msg_after_tlbi:  .asciz "EL1: after TLBI RVAE1IS, [0x000f000000000000] = "
msg_unexpected:  .asciz "unexpected exception\n"
msg_done:        .asciz "done\n"
msg_nl:          .asciz "\n"
