/* The C side of the exception vectors (start.S). Aborts print one line and
 * resume; anything else is unexpected: print it and end the run.
 *
 * What is printed is what the architecture defines for the abort
 * (Arm DDI0487 D17.2.37 ESR_ELx, "ISS encoding for an exception from a
 * Data Abort"):
 *  - ESR in full for aborts taken to EL2 from a lower EL (stage-2 aborts:
 *    ISV and the instruction syndrome are defined there);
 *  - ESR with ISS[24:14] (ISV, SAS, SSE, SRT, SF, AR) cleared for aborts
 *    taken to EL1 or to EL2 from EL2, where the instruction syndrome is not
 *    required (QEMU leaves ISV=0, an implementation may set it);
 *  - for a stage-2 fault on a stage-1 walk (S1PTW=1), also without the
 *    instruction syndrome and WnR: WnR there describes the walk's access,
 *    not the instruction's, and we do not rely on either;
 *  - HPFAR_EL2 only when it is valid: aborts taken to EL2 from a lower EL
 *    that are stage-2 faults other than a permission fault, or any stage-2
 *    fault on a stage-1 walk (S1PTW) (DDI0487 D17.2.66 HPFAR_EL2).
 * ELR is printed as the name of the probe whose instruction faulted
 * (probes.S) so the output does not depend on code layout. */
#include "guest.h"

volatile unsigned fault_count;

struct frame {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad;
};

#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define ESR_EC GENMASK64(31, 26)
#define ESR_ISS_INSN_SYNDROME GENMASK64(24, 14)
#define ESR_S1PTW BIT64(7)
#define ESR_WNR BIT64(6)
#define ESR_FSC GENMASK64(5, 0)

extern char probe_read_insn[], probe_read32_insn[], probe_write_insn[], probe_dc_ivac_insn[],
    probe_at_s1e1r_insn[];

static const char *vector_name(unsigned idx)
{
    static const char *const names[] = {"cur-sp0", "cur-spx", "lower64", "lower32"};
    return names[idx >> 2];
}

static void put_where(const struct frame *f, unsigned ec)
{
    put_str(" at ");
    if (ec == EC_IABT_LOW || ec == EC_IABT_CUR) {
        /* Instruction abort: ELR is the branch target = FAR. */
        put_str("target");
    } else if (f->elr == (uint64_t)probe_read_insn) {
        put_str("probe_read");
    } else if (f->elr == (uint64_t)probe_read32_insn) {
        put_str("probe_read32");
    } else if (f->elr == (uint64_t)probe_write_insn) {
        put_str("probe_write");
    } else if (f->elr == (uint64_t)probe_dc_ivac_insn) {
        put_str("probe_dc_ivac");
    } else if (f->elr == (uint64_t)probe_at_s1e1r_insn) {
        put_str("probe_at_s1e1r");
    } else {
        put_str("other ");
        put_hex(f->elr);
    }
}

static int hpfar_valid(unsigned el, unsigned idx, uint64_t esr)
{
    unsigned ec = (unsigned)FIELD_GET(ESR_EC, esr);
    unsigned fsc = (unsigned)FIELD_GET(ESR_FSC, esr);
    int permission = (fsc & 0x3c) == 0x0c;

    uint64_t hcr;

    if (el != 2 || idx < 8 || (ec != EC_DABT_LOW && ec != EC_IABT_LOW))
        return 0;
    /* Only a stage-2 fault sets HPFAR: stage 2 must be on (VM=1, TGE=0). */
    hcr = read_sysreg(hcr_el2);
    if (!(hcr & HCR_VM) || (hcr & HCR_TGE))
        return 0;
    return (esr & ESR_S1PTW) || !permission;
}

void exception_entry(unsigned kind, struct frame *f);
void exception_entry(unsigned kind, struct frame *f)
{
    unsigned el = kind >> 4, idx = kind & 15;
    uint64_t esr = el == 2 ? read_sysreg(esr_el2) : read_sysreg(esr_el1);
    uint64_t far = el == 2 ? read_sysreg(far_el2) : read_sysreg(far_el1);
    unsigned ec = (unsigned)FIELD_GET(ESR_EC, esr);
    int is_abort = ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_DABT_LOW || ec == EC_DABT_CUR;

    put_str("EXC EL");
    put_char((char)('0' + el));
    put_char(' ');
    put_str(vector_name(idx));
    if ((idx & 3) != 0) {
        line(" not synchronous");
        exit_guest(3);
    }
    if (!is_abort) {
        put_str(" ESR ");
        put_hex(esr);
        put_str(" ELR ");
        put_hex(f->elr);
        line(" unexpected");
        exit_guest(2);
    }
    if (el == 1 || idx < 8)
        esr &= ~ESR_ISS_INSN_SYNDROME;
    if (esr & ESR_S1PTW)
        esr &= ~(ESR_ISS_INSN_SYNDROME | ESR_WNR);
    put_str(" ESR ");
    put_hex(esr);
    put_str(" FAR ");
    put_hex(far);
    if (hpfar_valid(el, idx, esr)) {
        put_str(" HPFAR ");
        put_hex(read_sysreg(hpfar_el2));
    }
    put_where(f, ec);
    put_char('\n');
    fault_count++;
    if (ec == EC_IABT_LOW || ec == EC_IABT_CUR)
        f->elr = f->x[30];
    else
        f->elr += 4;
}
