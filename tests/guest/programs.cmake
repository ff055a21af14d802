# Every guest program: name, source under progs/, compile definitions.
# tests/guest/expected/<name>.txt holds its expected UART output.
guest_program(hello hello.c)
