/* Synchronous exceptions the machine builds itself: SVC, HVC, BRK, UDF
 * and a trapped MRS, at EL2 and from EL1, through VBAR_EL2/VBAR_EL1 with
 * the current-EL-SPx and lower-EL-AArch64 offsets. Each handler prints
 * the vector, ESR, ELR (relative to _start) and SPSR. BRK and UDF handlers
 * step over the instruction; HVC #0xFF from EL1 ends the test. */
    .macro vector_entry label
    .balign 0x80
    b \label
    .endm

    .macro save
    sub sp, sp, #48
    stp x0, x1, [sp]
    stp x2, x3, [sp, #16]
    stp x4, x30, [sp, #32]
    .endm

    .macro restore
    ldp x0, x1, [sp]
    ldp x2, x3, [sp, #16]
    ldp x4, x30, [sp, #32]
    add sp, sp, #48
    .endm

    /* report EL (1 or 2), vector offset string */
    .macro report el, name
    adr x0, \name
    bl puts
    mrs x0, esr_el\el
    bl puthex
    mrs x0, elr_el\el
    adr x1, _start
    sub x0, x0, x1
    bl puthex
    mrs x0, spsr_el\el
    bl puthex
    .endm

    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =__stack_top
    mov sp, x0
    adr x0, vec_el2
    msr vbar_el2, x0
    mov x0, #(1 << 31)          /* HCR_EL2.RW: EL1 is AArch64 */
    msr hcr_el2, x0
    isb
    svc #0x12
    brk #0x34
    udf #0xdead
    /* Enter EL1h with interrupts masked. */
    ldr x0, =__stack_top - 0x2000
    msr sp_el1, x0
    mov x0, #0x3c5
    msr spsr_el2, x0
    adr x0, el1_code
    msr elr_el2, x0
    eret

el1_code:
    adr x0, vec_el1
    msr vbar_el1, x0
    isb
    svc #0x56
    hvc #0x78
    brk #0x9a
    udf #0xbeef
    mrs x0, tcr_el2             /* EL2 register at EL1: undefined */
    hvc #0xff
1:  b 1b

el2_sync_spx:
    save
    report 2, s_el2_spx
    mrs x0, esr_el2
    lsr x0, x0, #26
    cmp x0, #0x3c               /* BRK: step over it */
    b.eq 1f
    cbnz x0, 2f                 /* EC 0: unknown (UDF) */
1:  mrs x0, elr_el2
    add x0, x0, #4
    msr elr_el2, x0
2:  restore
    eret

el2_sync_lower:
    save
    report 2, s_el2_lower
    mrs x0, esr_el2
    and x0, x0, #0xffff
    cmp x0, #0xff
    b.ne 1f
    mov w0, #0
    bl exit
1:  restore
    eret

el1_sync_spx:
    save
    report 1, s_el1_spx
    mrs x0, esr_el1
    lsr x0, x0, #26
    cmp x0, #0x3c
    b.eq 1f
    cbnz x0, 2f
1:  mrs x0, elr_el1
    add x0, x0, #4
    msr elr_el1, x0
2:  restore
    eret

unexpected:
    adr x0, s_unexpected
    bl puts
    mov w0, #1
    bl exit

    .balign 0x800
vec_el2:
    vector_entry unexpected     /* current EL, SP0 */
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry el2_sync_spx   /* current EL, SPx */
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry el2_sync_lower /* lower EL, AArch64 */
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected

    .balign 0x800
vec_el1:
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry el1_sync_spx
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected
    vector_entry unexpected

s_el2_spx:    .asciz "EL2 current SPx\n"
s_el2_lower:  .asciz "EL2 lower AArch64\n"
s_el1_spx:    .asciz "EL1 current SPx\n"
s_unexpected: .asciz "unexpected vector\n"
