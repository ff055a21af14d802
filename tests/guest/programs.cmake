# Every guest program: name, source under progs/, compile definitions.
# tests/guest/expected/<name>.txt holds its expected UART output.
guest_program(hello hello.c)
guest_program(mmu_off mmu_off.c)
