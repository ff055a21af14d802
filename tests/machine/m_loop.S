/* A runaway guest: prints one line, then loops forever. */
    .section .text.start, "ax"
    .global _start
_start:
    ldr x0, =__stack_top
    mov sp, x0
    adr x0, msg
    bl puts
1:  b 1b
msg: .asciz "looping\n"
