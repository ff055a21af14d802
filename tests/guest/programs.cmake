# Every guest program: name, source under progs/, compile definitions.
# tests/guest/expected/<name>.txt holds its expected UART output.
guest_program(hello hello.c)
guest_program(mmu_off mmu_off.c)
foreach(g 4k:12 16k:14 64k:16)
  string(REPLACE ":" ";" gv ${g})
  list(GET gv 0 gname)
  list(GET gv 1 gbits)
  guest_program(s1_el1_${gname} s1_basic.c -DREGIME=1 -DGBITS=${gbits})
  guest_program(s1_el2_${gname} s1_basic.c -DREGIME=2 -DGBITS=${gbits})
  guest_program(s1_el20_${gname} s1_basic.c -DREGIME=20 -DGBITS=${gbits})
endforeach()
guest_program(s1_faults s1_faults.c)
# Stage 2: granule, IPA size, SL0 (start level), an inconsistent SL0.
guest_program(s2_4k_l0 s2_basic.c -DGBITS=12 -DIPA_BITS=48 -DSL0=2 -DBAD_SL0=0)
guest_program(s2_4k_l1_concat2 s2_basic.c -DGBITS=12 -DIPA_BITS=40 -DSL0=1 -DBAD_SL0=0)
guest_program(s2_4k_l2_concat16 s2_basic.c -DGBITS=12 -DIPA_BITS=34 -DSL0=0 -DBAD_SL0=2)
guest_program(s2_16k_l1 s2_basic.c -DGBITS=14 -DIPA_BITS=42 -DSL0=2 -DBAD_SL0=0)
guest_program(s2_16k_l2_concat16 s2_basic.c -DGBITS=14 -DIPA_BITS=40 -DSL0=1 -DBAD_SL0=0)
guest_program(s2_64k_l1 s2_basic.c -DGBITS=16 -DIPA_BITS=48 -DSL0=2 -DBAD_SL0=0)
guest_program(s2_64k_l2 s2_basic.c -DGBITS=16 -DIPA_BITS=40 -DSL0=1 -DBAD_SL0=2)
# FEAT_LPA2 at stage 1 (DS=1, 52-bit VA/PA; 4K starts at level -1).
guest_program(s1_lpa2_4k_el1 s1_lpa2.c -DREGIME=1 -DGBITS=12)
guest_program(s1_lpa2_4k_el2 s1_lpa2.c -DREGIME=2 -DGBITS=12)
guest_program(s1_lpa2_16k_el1 s1_lpa2.c -DREGIME=1 -DGBITS=14)
guest_program(s1_lpa2_16k_el2 s1_lpa2.c -DREGIME=2 -DGBITS=14)
# FEAT_LPA2 at stage 2 (VTCR.DS=1, 52-bit IPA): level -1 (SL2), level 0
# with 16 concatenated tables, 16K level 0.
guest_program(s2_lpa2_4k_lm1 s2_lpa2.c -DGBITS=12 -DSL2=1 -DSL0=0)
guest_program(s2_lpa2_4k_l0_concat16 s2_lpa2.c -DGBITS=12 -DSL2=0 -DSL0=2)
guest_program(s2_lpa2_16k_l0 s2_lpa2.c -DGBITS=14 -DSL2=0 -DSL0=3)
# 64K with FEAT_LPA/FEAT_LVA (52-bit VA and PA).
guest_program(s1_lpa_64k_el1 s1_lpa_64k.c -DREGIME=1)
guest_program(s1_lpa_64k_el2 s1_lpa_64k.c -DREGIME=2)
guest_program(s2_lpa_64k_l1 s2_lpa2.c -DGBITS=16 -DSL2=0 -DSL0=2)
# TLB maintenance, incl. range TLBI (FEAT_TLBIRANGE) and LPA2 range operands.
guest_program(tlbi_4k tlbi.c -DGBITS=12 -DDS=0)
guest_program(tlbi_16k tlbi.c -DGBITS=14 -DDS=0)
guest_program(tlbi_64k tlbi.c -DGBITS=16 -DDS=0)
guest_program(tlbi_lpa2_4k tlbi.c -DGBITS=12 -DDS=1)
