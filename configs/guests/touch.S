/* A generic guest for scenarios that set the translation registers and
 * page tables themselves (MMU already on at entry): it makes x1 accesses
 * starting at VA x0, x2 bytes apart, loads when x3 = 0 and stores x3
 * otherwise, prints a line and exits through semihosting. Any exception
 * taken at the entry EL (1 or 2) prints ESR/FAR/ELR and exits with code 1.
 * The scenario must map the code (0x4010_0000) and the UART (0x0900_0000)
 * at their physical addresses.
 *
 * Entry registers (the scenario's entry.regs):
 *   x0  first virtual address
 *   x1  number of accesses
 *   x2  stride in bytes
 *   x3  0: load; otherwise the value stored
 */
#define UART_DR 0x09000000

    .section .text.start, "ax"
    .global _start
_start:
    mov x19, x0
    mov x20, x1
    mov x21, x2
    mov x22, x3
    mrs x9, CurrentEL
    adr x10, vectors
    cmp x9, #(2 << 2)
    b.eq 1f
    msr vbar_el1, x10
    b 2f
1:  msr vbar_el2, x10
2:  isb
    cbz x20, 4f
3:  cbz x22, 5f
    str x22, [x19]
    b 6f
5:  ldr x9, [x19]
6:  add x19, x19, x21
    subs x20, x20, #1
    b.ne 3b
4:  adr x0, msg_done
    bl puts
    adr x1, exit_ok
    b semihost_exit

fault:
    adr x0, msg_fault
    bl puts
    mrs x9, CurrentEL
    cmp x9, #(2 << 2)
    b.eq 1f
    mrs x0, esr_el1
    bl puthex
    adr x0, msg_far
    bl puts
    mrs x0, far_el1
    bl puthex
    adr x0, msg_elr
    bl puts
    mrs x0, elr_el1
    b 2f
1:  mrs x0, esr_el2
    bl puthex
    adr x0, msg_far
    bl puts
    mrs x0, far_el2
    bl puthex
    adr x0, msg_elr
    bl puts
    mrs x0, elr_el2
2:  bl puthex
    adr x0, msg_nl
    bl puts
    adr x1, exit_fail
semihost_exit:
    mov x0, #0x18           /* SYS_EXIT, x1 -> {reason, exit code} */
    hlt #0xf000
1:  b 1b

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

/* Every vector entry (DDI0487 D1.10.2) reports and exits. */
    .balign 2048
vectors:
    .rept 16
    .balign 128
    b fault
    .endr

    .section .rodata
    .balign 8
exit_ok:
    .quad 0x20026, 0        /* ADP_Stopped_ApplicationExit, exit code 0 */
exit_fail:
    .quad 0x20026, 1
msg_done:  .asciz "touch: done\n"
msg_fault: .asciz "touch: exception ESR="
msg_far:   .asciz " FAR="
msg_elr:   .asciz " ELR="
msg_nl:    .asciz "\n"
