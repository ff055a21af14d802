/* Sparse page memory for traces: the recorder's view of what a trace has
 * said about guest memory so far, and replay's guest memory. Pages of
 * TRACE_PAGE_SIZE bytes are either RAM (8-byte words, little-endian as the
 * descriptors) or "nothing there"; a page the trace never mentioned is not
 * in the map. Also a map from PC to instruction word (trace_insn_map). */
#ifndef MMUSIM_TRACE_MEM_H
#define MMUSIM_TRACE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct trace_page {
    uint64_t key;         /* page number + 1; 0: empty slot */
    uint64_t *words;      /* RAM: TRACE_PAGE_WORDS words; NULL: nothing there */
} trace_page;

typedef struct trace_mem {
    trace_page *slots;
    size_t cap, n;        /* cap is a power of two */
} trace_mem;

void trace_mem_init(trace_mem *m);
void trace_mem_free(trace_mem *m);
/* The page holding pa, or NULL when the trace never mentioned it. */
trace_page *trace_mem_find(const trace_mem *m, uint64_t pa);
/* Adds the page holding pa: RAM (zeroed) when ram, else "nothing there".
 * An existing page is returned as it is. NULL when out of memory. */
trace_page *trace_mem_add(trace_mem *m, uint64_t pa, bool ram);
/* The little-endian bytes [pa, pa+size) (size 1..8) of RAM pages: false
 * when part of it is not known RAM. */
bool trace_mem_read(const trace_mem *m, uint64_t pa, unsigned size, uint64_t *value);
bool trace_mem_write(trace_mem *m, uint64_t pa, unsigned size, uint64_t value);

/* PC -> instruction word (or "unknown"). */
typedef struct trace_insn_slot {
    uint64_t key;         /* pc + 1; 0: empty */
    uint64_t val;         /* word | TRACE_INSN_KNOWN */
} trace_insn_slot;

#define TRACE_INSN_KNOWN (UINT64_C(1) << 32)

typedef struct trace_insn_map {
    trace_insn_slot *slots;
    size_t cap, n;
} trace_insn_map;

void trace_insn_map_init(trace_insn_map *m);
void trace_insn_map_free(trace_insn_map *m);
/* The value stored for pc, or false. */
bool trace_insn_map_get(const trace_insn_map *m, uint64_t pc, uint64_t *val);
/* false when out of memory. */
bool trace_insn_map_put(trace_insn_map *m, uint64_t pc, uint64_t val);

#endif
