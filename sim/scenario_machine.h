/* A machine as a scenario describes it: memory regions and the UART,
 * images, CPU preset and registers, page tables, TLB, entry state and
 * instruction budget. `mmusim run` runs it; `mmusim diff` runs it in
 * lock-step with a trace, or replays a trace on its initial memory and
 * registers without running it. */
#ifndef MMUSIM_SCENARIO_MACHINE_H
#define MMUSIM_SCENARIO_MACHINE_H

#include <stddef.h>

#include "machine.h"
#include "scenario.h"

/* Loads path: a scenario when it ends in .json, else an ELF run with the
 * default scenario (scenario_for_elf). 0, or -1 with a message; *s is
 * always safe to scenario_free. */
int scenario_machine_load(scenario *s, const char *path, char *err, size_t errlen);

/* machine_init, then everything s declares; preset (NULL: the
 * scenario's) overrides the CPU preset. No sink is attached. 0, or -1 with
 * a message (m is then safe to machine_destroy). */
int scenario_machine_setup(machine *m, const scenario *s, const char *preset, char *err,
                           size_t errlen);

#endif
