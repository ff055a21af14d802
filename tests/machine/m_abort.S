/* Aborts from the engine at EL2 with the MMU on (4K granule, 39-bit VA,
 * start level 1, 1 GiB and 2 MiB blocks): translation, permission, access flag,
 * page-crossing and pre-index accesses (exact FAR), an instruction abort
 * and a synchronous external abort on a PA with nothing behind it. The
 * handler prints ESR_EL2 and FAR_EL2, then steps over the access. */
    .equ VA_RO, 0x80000000 /* L1[2] -> L2[0]: 2 MiB read-only alias of RAM */
    .equ VA_RO_END, 0x80200000 /* L2[1]: invalid */
    .equ VA_NONE, 0xC0000000 /* L1[3]: invalid */
    .equ VA_NOAF, 0x100000000 /* L1[4]: AF = 0 */
    .equ VA_NOTHING, 0x140000000 /* L1[5]: PA 0x10_0000_0000, no RAM */

    .macro test name, insn
    adr x0, \name
    bl puts
    \insn
    .endm

    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =__stack_top
    mov sp, x0
    adr x0, vectors
    msr vbar_el2, x0
    ldr x0, =0x00ff             /* Attr0 Normal WB, Attr1 Device-nGnRnE */
    msr mair_el2, x0
    ldr x0, =0x80820019         /* RES1 bits, PS 40-bit, TG0 4K, T0SZ 25 */
    msr tcr_el2, x0
    adr x0, l1_table
    msr ttbr0_el2, x0
    isb
    ldr x0, =0x30c50831         /* SCTLR_EL2 reset value with M = 1 */
    msr sctlr_el2, x0
    isb
    adr x0, s_mmu_on
    bl puts

    test s_transl, "ldr x0, =VA_NONE + 0x1000; ldr x1, [x0, #0x18]"
    test s_perm, "ldr x0, =VA_RO + 0x10; str x1, [x0]"
    test s_ro_read, "ldr x0, =VA_RO; ldr x1, [x0]; mov x0, #0; bl puthex"
    test s_af, "ldr x0, =VA_NOAF + 8; ldr x1, [x0]"
    test s_cross, "ldr x0, =VA_RO_END - 4; ldr x1, [x0]"
    test s_pre, "ldr x0, =VA_RO_END + 0x10; ldp x1, x2, [x0, #-16]!"
    test s_sea, "ldr x0, =VA_NOTHING + 0x20; ldr x1, [x0]"
    test s_iabt, "ldr x0, =VA_NONE + 0x40; br x0"
after_iabt:
    adr x0, s_done
    bl puts
    mov w0, #0
    bl exit

sync_handler:
    sub sp, sp, #32
    stp x0, x1, [sp]
    stp x2, x3, [sp, #16]
    mrs x0, esr_el2
    bl puthex
    mrs x0, far_el2
    bl puthex
    mrs x0, esr_el2
    lsr x0, x0, #26
    cmp x0, #0x21               /* instruction abort, same EL */
    b.ne 1f
    adr x0, after_iabt
    b 2f
1:  mrs x0, elr_el2
    add x0, x0, #4
2:  msr elr_el2, x0
    ldp x0, x1, [sp]
    ldp x2, x3, [sp, #16]
    add sp, sp, #32
    eret

unexpected:
    adr x0, s_unexpected
    bl puts
    mov w0, #1
    bl exit

    .balign 0x800
vectors:
    .rept 4
    .balign 0x80
    b unexpected
    .endr
    .balign 0x80
    b sync_handler              /* current EL with SPx, synchronous */
    .rept 11
    .balign 0x80
    b unexpected
    .endr

s_mmu_on:     .asciz "MMU on\n"
s_transl:     .asciz "translation fault L1, ldr [x0, #0x18]\n"
s_perm:       .asciz "permission fault L2, str to read-only\n"
s_ro_read:    .asciz "read-only read works\n"
s_af:         .asciz "access flag fault\n"
s_cross:      .asciz "ldr crossing into an invalid L2 entry\n"
s_pre:        .asciz "ldp pre-index into an invalid L2 entry\n"
s_sea:        .asciz "external abort: nothing at the PA\n"
s_iabt:       .asciz "instruction abort\n"
s_done:       .asciz "done\n"
s_unexpected: .asciz "unexpected vector\n"

    .data
    .balign 4096
/* Block descriptors: bits[1:0] = 01, AttrIndx[4:2], AP[7:6], SH[9:8], AF[10]. */
l1_table:
    .quad 0x0000000000000405    /* 0x0000_0000: device, AF */
    .quad 0x0000000040000701    /* 0x4000_0000: RAM, normal, inner shareable, AF */
    .quad l2_table + 3          /* 0x8000_0000: next-level table */
    .quad 0                     /* 0xC000_0000: invalid */
    .quad 0x0000000040000301    /* 0x1_0000_0000: AF = 0 */
    .quad 0x0000001000000701    /* 0x1_4000_0000: PA 0x10_0000_0000 */
    .fill 506, 8, 0
l2_table:
    .quad 0x0000000040000781    /* 0x8000_0000: 2 MiB of RAM again, read-only */
    .fill 511, 8, 0
