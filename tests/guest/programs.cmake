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
