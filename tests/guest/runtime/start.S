/* Guest runtime entry, exception vectors and exception-level switching.
 *
 * Entry: QEMU virt with virtualization=on starts an ELF kernel at EL2h with
 * the MMU off (DESIGN.md, "Platform contract"); mmusim does the same.
 *
 * Vectors: one table for EL2 and one for EL1. Every entry saves x0-x30, ELR
 * and SPSR in a frame on the current stack and calls
 * exception_entry(kind, frame) (exception.c); kind = EL << 4 | vector index
 * (0-15 in the order of Arm DDI0487 D1.10.2, "Exception vectors"). The C
 * handler may change ELR or registers in the frame; they are restored before
 * ERET.
 *
 * Lower-EL calls: call_lower(fn, arg, spsr, sp) ERETs to fn(arg) at the EL
 * named by spsr; fn returns into a trampoline that issues HVC #0xE1 (from
 * EL1) or SVC #0xE0 (from EL0). The lower-EL synchronous vector recognises
 * that syndrome and resumes the caller of call_lower with fn's result.
 */
#define ESR_HVC_RETURN 0x5A0000E1   /* EC 0x16 HVC64, IL, imm16 0xE1 */
#define ESR_SVC_RETURN 0x560000E0   /* EC 0x15 SVC64, IL, imm16 0xE0 */
#define FRAME_SIZE (34 * 8)         /* x0-x30, ELR, SPSR, pad */

    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =__stack_el2_top
    mov sp, x0
    adr x0, vectors_el2
    msr vbar_el2, x0
    /* EL1 is AArch64; no other HCR_EL2 controls until a test sets them. */
    mov x0, #(1 << 31)
    msr hcr_el2, x0
    /* SCTLR_EL1/EL2 with the MMU and caches off and the RES1 bits of
     * Armv8.0 set; translation controls zeroed (their reset values are
     * UNKNOWN, and TCR.TBI matters even with the MMU off). */
    ldr x0, =0x30d00800
    msr sctlr_el1, x0
    ldr x0, =0x30c50830
    msr sctlr_el2, x0
    msr tcr_el1, xzr
    msr tcr_el2, xzr
    msr vtcr_el2, xzr
    msr vttbr_el2, xzr
    adr x0, vectors_el1
    msr vbar_el1, x0
    isb
    /* Zero .bss. */
    ldr x0, =__bss_start
    ldr x1, =__bss_end
1:  cmp x0, x1
    b.hs 2f
    str xzr, [x0], #8
    b 1b
2:  bl main
    bl exit_guest
3:  b 3b

/* void exit_guest(int code): semihosting SYS_EXIT_EXTENDED (0x20) with
 * {ADP_Stopped_ApplicationExit, code}. */
    .text
    .global exit_guest
exit_guest:
    sub sp, sp, #16
    mov x1, #0x0026
    movk x1, #0x2, lsl #16
    str x1, [sp]
    sxtw x0, w0
    str x0, [sp, #8]
    mov x1, sp
    mov x0, #0x20
    hlt #0xf000
4:  b 4b

/* uint64_t call_lower(uint64_t (*fn)(uint64_t), uint64_t arg,
 *                     uint64_t spsr, uint64_t sp) */
    .global call_lower
call_lower:
    stp x29, x30, [sp, #-96]!
    stp x19, x20, [sp, #16]
    stp x21, x22, [sp, #32]
    stp x23, x24, [sp, #48]
    stp x25, x26, [sp, #64]
    stp x27, x28, [sp, #80]
    mov x5, sp
    mrs x4, CurrentEL
    cmp x4, #(2 << 2)
    b.ne 10f
    /* At EL2: target EL1h (sp -> SP_EL1) or EL0t (sp -> SP_EL0). */
    adr x6, saved_sp_el2
    str x5, [x6]
    msr elr_el2, x0
    msr spsr_el2, x2
    and x7, x2, #0xf
    cbz x7, 5f
    msr sp_el1, x3
    adr x30, return_from_el1
    b 6f
5:  msr sp_el0, x3
    adr x30, return_from_el0
6:  mov x0, x1
    isb
    eret
10: /* At EL1: target EL0t. */
    adr x6, saved_sp_el1
    str x5, [x6]
    msr elr_el1, x0
    msr spsr_el1, x2
    msr sp_el0, x3
    adr x30, return_from_el0
    mov x0, x1
    isb
    eret

return_from_el1:
    hvc #0xe1
return_from_el0:
    svc #0xe0

/* Resume the caller of call_lower; x0 holds the lower function's result,
 * \slot the saved stack pointer. */
.macro RESUME_CALLER slot
    adr x1, \slot
    ldr x1, [x1]
    mov sp, x1
    ldp x19, x20, [sp, #16]
    ldp x21, x22, [sp, #32]
    ldp x23, x24, [sp, #48]
    ldp x25, x26, [sp, #64]
    ldp x27, x28, [sp, #80]
    ldp x29, x30, [sp], #96
    ret
.endm

.macro SAVE_AND_CALL el, kind
    sub sp, sp, #FRAME_SIZE
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    mrs x0, elr_el\el
    mrs x1, spsr_el\el
    stp x30, x0, [sp, #240]
    str x1, [sp, #256]
    mov x0, #\kind
    mov x1, sp
    bl exception_entry
    ldp x30, x0, [sp, #240]
    ldr x1, [sp, #256]
    msr elr_el\el, x0
    msr spsr_el\el, x1
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    add sp, sp, #FRAME_SIZE
    eret
.endm

.macro VENTRY el, idx
    .balign 0x80
    b vec_\el\()_\idx
.endm

.macro VTABLE el
    .balign 0x800
    .global vectors_el\el
vectors_el\el:
    VENTRY \el, 0
    VENTRY \el, 1
    VENTRY \el, 2
    VENTRY \el, 3
    VENTRY \el, 4
    VENTRY \el, 5
    VENTRY \el, 6
    VENTRY \el, 7
    VENTRY \el, 8
    VENTRY \el, 9
    VENTRY \el, 10
    VENTRY \el, 11
    VENTRY \el, 12
    VENTRY \el, 13
    VENTRY \el, 14
    VENTRY \el, 15
.endm

    VTABLE 2
    VTABLE 1

/* Handler bodies (outside the 0x80-byte slots). */
.macro VHANDLERS el
vec_\el\()_0: SAVE_AND_CALL \el, ((\el << 4) | 0)
vec_\el\()_1: SAVE_AND_CALL \el, ((\el << 4) | 1)
vec_\el\()_2: SAVE_AND_CALL \el, ((\el << 4) | 2)
vec_\el\()_3: SAVE_AND_CALL \el, ((\el << 4) | 3)
vec_\el\()_4: SAVE_AND_CALL \el, ((\el << 4) | 4)
vec_\el\()_5: SAVE_AND_CALL \el, ((\el << 4) | 5)
vec_\el\()_6: SAVE_AND_CALL \el, ((\el << 4) | 6)
vec_\el\()_7: SAVE_AND_CALL \el, ((\el << 4) | 7)
vec_\el\()_8:
    /* Lower EL, AArch64, synchronous: maybe a call_lower return. */
    stp x0, x1, [sp, #-16]!
    mrs x0, esr_el\el
    ldr x1, =ESR_HVC_RETURN
    cmp x0, x1
    b.eq 20f
    ldr x1, =ESR_SVC_RETURN
    cmp x0, x1
    b.eq 20f
    ldp x0, x1, [sp], #16
    SAVE_AND_CALL \el, ((\el << 4) | 8)
20: ldp x0, x1, [sp], #16
    RESUME_CALLER saved_sp_el\el
vec_\el\()_9: SAVE_AND_CALL \el, ((\el << 4) | 9)
vec_\el\()_10: SAVE_AND_CALL \el, ((\el << 4) | 10)
vec_\el\()_11: SAVE_AND_CALL \el, ((\el << 4) | 11)
vec_\el\()_12: SAVE_AND_CALL \el, ((\el << 4) | 12)
vec_\el\()_13: SAVE_AND_CALL \el, ((\el << 4) | 13)
vec_\el\()_14: SAVE_AND_CALL \el, ((\el << 4) | 14)
vec_\el\()_15: SAVE_AND_CALL \el, ((\el << 4) | 15)
.endm

    VHANDLERS 2
    VHANDLERS 1
    .ltorg

    .data
    .balign 8
saved_sp_el2: .quad 0
saved_sp_el1: .quad 0
