/* The guest of tools/bench_replay.c: x1 read-modify-writes of 8-byte
 * words in a region of x4 bytes (a power of two) at VA x0, then a
 * semihosting exit with status 0; any exception exits with status 1.
 *
 *   x2 = 0  sequential: words x3 bytes apart, wrapping in the region
 *           (TLB-friendly while the region's pages fit the TLB)
 *   x2 = 1  pseudo-random words from a 64-bit LCG (page-hopping)
 *
 * Entered at EL1 with the MMU on (the scenario sets the registers and
 * builds the tables); code at 0x4010_0000 as configs/guests/touch.ld. */
    .section .text.start, "ax"
    .global _start
_start:
    adr x9, vectors
    msr vbar_el1, x9
    isb
    mov x19, x0             /* base */
    mov x20, x1             /* count */
    sub x23, x4, #1
    and x23, x23, #~7       /* word offsets inside the region */
    mov x24, #0             /* offset, or the LCG state */
    ldr x25, =6364136223846793005
    ldr x26, =1442695040888963407
    cbz x20, done
    cbnz x2, random
sequential:
    and x9, x24, x23
    ldr x10, [x19, x9]
    add x10, x10, #1
    str x10, [x19, x9]
    add x24, x24, x3
    subs x20, x20, #1
    b.ne sequential
    b done
random:
    madd x24, x24, x25, x26
    lsr x9, x24, #16
    and x9, x9, x23
    ldr x10, [x19, x9]
    add x10, x10, #1
    str x10, [x19, x9]
    subs x20, x20, #1
    b.ne random
done:
    adr x1, exit_ok
exit:
    mov x0, #0x18           /* SYS_EXIT, x1 -> {reason, exit code} */
    hlt #0xf000
1:  b 1b
fault:
    adr x1, exit_fail
    b exit
    .ltorg

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
