/* The MMU-off path: UART output, semihosting output and exit status. */
    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =__stack_top
    mov sp, x0
    adr x0, hello
    bl puts
    /* CurrentEL: EL2 at entry */
    mrs x0, CurrentEL
    bl puthex
    /* Semihosting output last: QEMU sends it to standard error. */
    /* SYS_WRITE0 */
    mov x0, #0x04
    adr x1, semi
    hlt #0xf000
    /* SYS_WRITEC */
    mov x0, #0x03
    adr x1, bang
    hlt #0xf000
    mov x0, #0x03
    adr x1, newline
    hlt #0xf000
    mov w0, #7
    bl exit

hello: .asciz "hello from m_hello\n"
semi:  .asciz "semihosting write0\n"
bang:  .asciz "!"
newline: .asciz "\n"
