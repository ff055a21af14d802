# QEMU-DEVIATIONS.md D5: with FEAT_LPA, desc[15:12] of a 64K descriptor are
# OA[51:48] whatever TCR.IPS/PS says; OA 0xf_0000_4001_0000 is above the
# 48-bit output size: Address size fault, level 3 (PAR.FST 0x03).
/^IPS\/PS = 48 bits: desc\[15:12\] non-zero$/{
n
s/^PAR 0xff00000040010980$/PAR 0x807/
}
