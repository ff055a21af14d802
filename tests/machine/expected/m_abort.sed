# QEMU-DEVIATIONS.md M1: QEMU 7.2 sets ESR_EL2.ISV (with SAS=3, SRT=1,
# SF=1 for "ldr/str x1") on stage-1 aborts taken from EL2 to EL2; the
# architecture gives ISV=0 for everything but stage-2 aborts.
s/^0x0000000097c18\(0[0-9a-f][0-9a-f]\)$/0x0000000096000\1/
