/* Output helpers for the machine test guests: PL011 data register at
 * 0x0900_0000, semihosting (HLT #0xF000) to exit. Clobber x0-x4 only. */
#define UART_DR 0x09000000

    .text
/* putc(w0) */
    .global putc
putc:
    mov x4, #UART_DR
    strb w0, [x4]
    ret

/* puts(x0 = NUL-terminated string) */
    .global puts
puts:
    mov x3, x0
    mov x4, #UART_DR
1:  ldrb w2, [x3], #1
    cbz w2, 2f
    strb w2, [x4]
    b 1b
2:  ret

/* puthex(x0): "0x" and 16 hex digits, then a newline */
    .global puthex
puthex:
    mov x4, #UART_DR
    mov w2, #'0'
    strb w2, [x4]
    mov w2, #'x'
    strb w2, [x4]
    mov x3, #60
1:  lsr x2, x0, x3
    and x2, x2, #0xF
    cmp x2, #10
    add x1, x2, #'0'
    add x2, x2, #('a' - 10)
    csel x2, x1, x2, lo
    strb w2, [x4]
    subs x3, x3, #4
    b.pl 1b
    mov w2, #'\n'
    strb w2, [x4]
    ret

/* exit(w0): SYS_EXIT_EXTENDED {ADP_Stopped_ApplicationExit, code} */
    .global exit
exit:
    adr x1, exit_block
    str x0, [x1, #8]
    mov x0, #0x20
    hlt #0xf000
1:  b 1b

    .data
    .balign 8
exit_block:
    .quad 0x20026
    .quad 0
