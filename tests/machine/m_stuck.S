/* A jump to a physical address with nothing behind it and no vector table:
 * the instruction abort's vector (VBAR_EL2 = 0) has nothing either, so the
 * guest takes the same abort forever. mmusim must stop it at once. */
    .section .text.start, "ax"
    .global _start
_start:
    msr vbar_el2, xzr
    mov x0, #0x10000000         /* no RAM, no device */
    br x0
