# QEMU-DEVIATIONS.md D2: a stage-2 fault on a stage-1 walk reports the
# stage-2 lookup level (1 here: IPA 0x80000000 has no entry at stage-2
# level 1), not the stage-1 level QEMU 7.2 reports (0).
s/^PAR S12E1R s1ptw 0xb09$/PAR S12E1R s1ptw 0xb0b/
s/^\(EXC EL2 lower64 ESR 0x920000\)84\( FAR 0xffffff8000000048 HPFAR 0x800000 at probe_read\)$/\185\2/
s/^\(EXC EL2 lower64 ESR 0x920001\)84\( FAR 0xffffff8000000000 HPFAR 0x800000 at probe_at_s1e1r\)$/\185\2/
