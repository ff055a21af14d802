/* Per-instruction and per-access events (MEV_INSN, MEV_MEM, MEV_STORE) from Unicorn's
 * code and memory hooks. Those hooks slow the guest down many times
 * (DESIGN.md: ~14x for memory hooks), so they are installed only when a
 * sink asks for these events (machine_attach_sink). Physical addresses come
 * from the fill map (fill_map.h): the PA Unicorn really used. */
#ifndef MMUSIM_ACCESS_HOOKS_H
#define MMUSIM_ACCESS_HOOKS_H

#include <stddef.h>

#include "machine.h"

/* Installs the hooks `kinds` (MEV_INSN, MEV_MEM, MEV_STORE) need and are not there
 * yet. 0, or -1 with a message. */
int access_hooks_install(machine *m, unsigned kinds, char *err, size_t errlen);

#endif
