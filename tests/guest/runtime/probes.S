/* Single-instruction probes with fixed encodings, so that a fault syndrome
 * (ESR ISS: SRT, SAS, SF, WnR) and ELR do not depend on the compiler. The
 * exception handler names the probe whose instruction faulted
 * (exception.c). A faulting load leaves x0 = PROBE_FAULT (~0). */
    .text
    .global probe_read, probe_read_insn
probe_read:                 /* uint64_t probe_read(uint64_t va) */
    mov x1, x0
    mov x0, #-1
probe_read_insn:
    ldr x0, [x1]
    ret

    .global probe_read32, probe_read32_insn
probe_read32:               /* uint32_t probe_read32(uint64_t va) */
    mov x1, x0
    mov x0, #-1
probe_read32_insn:
    ldr w0, [x1]
    ret

    .global probe_write, probe_write_insn
probe_write:                /* void probe_write(uint64_t va, uint64_t v) */
probe_write_insn:
    str x1, [x0]
    ret

    .global probe_exec
probe_exec:                 /* uint64_t probe_exec(uint64_t va): blr va */
    stp x29, x30, [sp, #-16]!
    mov x1, x0
    mov x0, #-1
    blr x1
    ldp x29, x30, [sp], #16
    ret

    .global probe_dc_ivac, probe_dc_ivac_insn
probe_dc_ivac:              /* void probe_dc_ivac(uint64_t va) */
probe_dc_ivac_insn:
    dc civac, x0
    ret

/* A page of code to map elsewhere and execute: returns 42. */
    .section .text.exec_page, "ax"
    .balign 65536
    .global exec_page
exec_page:
    mov x0, #42
    ret
    .balign 65536

    .text
    .global probe_at_s1e1r, probe_at_s1e1r_insn
probe_at_s1e1r:             /* uint64_t probe_at_s1e1r(uint64_t va): PAR */
probe_at_s1e1r_insn:
    at s1e1r, x0
    isb
    mrs x0, par_el1
    ret
