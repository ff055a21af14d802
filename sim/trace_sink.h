/* The access-trace recorder attached to a run (`mmusim run --record`): a
 * machine event sink that writes every event translation depends on into
 * a trace (trace.h; layout in docs/trace.md):
 *
 *   MEV_ACCESS     ACCESS, with the instruction behind it (PC and word)
 *   MEV_AT         AT (operation, operand, issuing EL, outcome)
 *   MEV_SYSREG     SYSREG (the value the register holds after the MSR)
 *   MEV_TLBI       TLBI (operation, nXS, Xt)
 *   MEV_EXCEPTION  EXCEPTION
 *   MEV_STORE      STORE, when the store lands in a page the trace tracks
 *
 * and, through the engine's memory port, a snapshot of each page the
 * first time a walk reads a descriptor from it (MEM / NOMEM), and a STORE
 * for any descriptor a walk reads with a value the trace does not explain
 * (a write no hook reported: by the host, a device, or a store that
 * Unicorn would make without calling its hooks). */
#ifndef MMUSIM_TRACE_SINK_H
#define MMUSIM_TRACE_SINK_H

#include <stddef.h>

#include "machine.h"

typedef struct trace_sink trace_sink;

/* Creates the trace at path and starts recording m: writes the header and
 * the initial state (TLB configuration, preset name, every register of
 * m->cpu), routes m->cpu's descriptor reads through the recorder and
 * attaches the sink. Call once the machine is set up (memory, images,
 * tables, registers, TLB) and before machine_run: what is in memory then
 * is the trace's initial memory. 0, or -1 with a message. */
int trace_sink_open(trace_sink **out, machine *m, const char *path, const char *preset,
                    char *err, size_t errlen);

/* Ends the recording: the END record with the run's counters, then closes
 * the file and gives m->cpu its memory port back. Call after the run and
 * before machine_destroy; m must not run again (the sink stays attached). 0, or -1 with a message when any write failed. NULL
 * is accepted. */
int trace_sink_close(trace_sink *t, machine *m, char *err, size_t errlen);

#endif
