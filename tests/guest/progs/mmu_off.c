/* Translation off at EL2, EL1 and EL0: flat addressing, AT with stage 1
 * disabled, and the Address size fault for an address above the PA size
 * (Arm DDI0487 D8.2.x "Behavior when stage 1 address translation is
 * disabled": a VA with bits above PAMax set gives an Address size fault at
 * level 0). Also prints the ID fields that decide what translation the CPU
 * supports, so that the `max` preset is checked against QEMU's -cpu max. */
#include "guest.h"

static uint64_t el0_read(uint64_t va)
{
    return probe_read(va);
}

static uint64_t el1_body(uint64_t va)
{
    say("EL", current_el());
    say("VAL", probe_read(va));
    say_par("PAR S1E1R", at(s1e1r, va));
    say_par("PAR S1E0R", at(s1e0r, va));
    probe_write(va + 8, 0x1111);
    say("VAL", probe_read(va + 8));
    say("EL0 VAL", run_el0(el0_read, va + 0x1000));
    /* Above the 52-bit PA space. */
    say("VAL", probe_read(1ul << 52));
    return 0x11;
}

int main(void);
int main(void)
{
    uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
    uint64_t mmfr2 = read_sysreg(id_aa64mmfr2_el1);

    say("PARange", FIELD_GET(MMFR0_PARANGE, mmfr0));
    say("TGran4", FIELD_GET(MMFR0_TGRAN4, mmfr0));
    say("TGran16", FIELD_GET(MMFR0_TGRAN16, mmfr0));
    say("TGran64", FIELD_GET(MMFR0_TGRAN64, mmfr0));
    say("TGran4_2", FIELD_GET(MMFR0_TGRAN4_2, mmfr0));
    say("TGran16_2", FIELD_GET(MMFR0_TGRAN16_2, mmfr0));
    say("TGran64_2", FIELD_GET(MMFR0_TGRAN64_2, mmfr0));
    say("VARange", FIELD_GET(MMFR2_VARANGE, mmfr2));
    say("TLB", FIELD_GET(ISAR0_TLB, read_sysreg(id_aa64isar0_el1)));

    frame_fill(0);
    say("EL", current_el());
    say("VAL", probe_read(FRAME(0) + 0x10));
    probe_write(FRAME(0) + 0x18, 0x1234);
    say("VAL", probe_read(FRAME(0) + 0x18));
    say_par("PAR S1E2R", at(s1e2r, FRAME(0) + 0x123));
    say("VAL", probe_read(1ul << 52));
    say("VAL", probe_read(0xfff0000040000000ul));
    say("EL1 returned", run_el1(el1_body, FRAME(0) + 0x20));
    say("faults", fault_count);
    return 0;
}
