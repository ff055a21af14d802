# QEMU-DEVIATIONS.md D2: a stage-2 fault on a stage-1 walk reports the
# stage-2 lookup level: 0 here (IPA 0x000b_0000_0000_0000 has no entry in
# the concatenated level-0 tables), not the stage-1 level -1 QEMU reports.
s/^PAR S12E1R s1ptw 0xb57$/PAR S12E1R s1ptw 0xb09/
s/^\(EXC EL2 lower64 ESR 0x920000\)ab\( FAR 0xfff0000000000020 HPFAR 0xb0000000000 at probe_read\)$/\184\2/
