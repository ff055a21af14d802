/* Putting a parsed scenario into an mmu_cpu: ID registers from the preset
 * and field overrides, translation registers, then the declared page
 * tables built with the mmu/ builder. */
#include "scenario.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sysreg.h"

/* A bump allocator over one table_memory range; memory handed out is
 * zeroed through the port (mmu_pt_alloc promises zeroed tables). */
typedef struct table_arena {
    const mmu_port *port;
    uint64_t next, end;
} table_arena;

static bool arena_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    table_arena *a = ctx;
    if (!align || (align & (align - 1)))
        return false;
    uint64_t at = (a->next + align - 1) & ~(align - 1);
    if (at < a->next || at > a->end || size > a->end - at)
        return false;
    for (uint64_t off = 0; off < size; off += 8)
        if (!a->port->write64(a->port->ctx, at + off, 0))
            return false;
    a->next = at + size;
    *pa = at;
    return true;
}

static void table_label(char *buf, size_t n, const scenario *s, size_t i)
{
    const scn_page_table *pt = &s->tables[i];
    if (pt->name)
        snprintf(buf, n, "%s: page_tables[%zu] (%s)", s->path, i, pt->name);
    else
        snprintf(buf, n, "%s: page_tables[%zu]", s->path, i);
}

int scenario_build_page_tables(const scenario *s, mmu_cpu *cpu, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->n_tables; i++) {
        const scn_page_table *pt = &s->tables[i];
        char label[200], why[256];
        table_label(label, sizeof label, s, i);
        table_arena arena = {&cpu->port, pt->mem_base, pt->mem_base + pt->mem_size};
        mmu_pt_alloc alloc = {&arena, arena_alloc};
        mmu_builder b;
        if (mmu_pt_init(&b, &pt->fmt, &cpu->port, &alloc, why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", label, why);
            return -1;
        }
        for (size_t m = 0; m < pt->n_mappings; m++) {
            const scn_mapping *map = &pt->mappings[m];
            if (mmu_pt_map(&b, map->ia, map->oa, map->size, map->attrs, map->flags, why, sizeof why)) {
                snprintf(err, errlen, "%s.mappings[%zu]: %s", label, m, why);
                return -1;
            }
        }
        /* The register keeps its ASID/VMID and CnP; BADDR is the root. */
        uint64_t keep = mmu_cpu_get_reg(cpu, pt->root_reg) & (TTBR_ASID | TTBR_CNP);
        mmu_cpu_set_reg(cpu, pt->root_reg, keep | mmu_pt_ttbr_baddr(&b));
    }
    return 0;
}

void scenario_tlb_config(const scenario *s, mmu_tlb_config *cfg)
{
    const scn_tlb *t = &s->tlb;
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = t->mode == SCN_TLB_NONE        ? MMU_TLB_NONE
                : t->mode == SCN_TLB_UNBOUNDED ? MMU_TLB_UNBOUNDED
                                               : MMU_TLB_BOUNDED;
    cfg->policy = t->policy == SCN_TLB_FIFO     ? MMU_TLB_FIFO
                  : t->policy == SCN_TLB_RANDOM ? MMU_TLB_RANDOM
                                                : MMU_TLB_LRU;
    /* Given entries without ways: fully associative. */
    cfg->entries = t->entries ? t->entries : SCN_DEFAULT_TLB_ENTRIES;
    cfg->ways = t->ways ? t->ways : t->entries ? t->entries : SCN_DEFAULT_TLB_WAYS;
    cfg->seed = t->seed;
    cfg->walk_entries = t->walk_entries;
    cfg->walk_ways = t->walk_ways ? t->walk_ways : t->walk_entries;
    cfg->walk_unified = t->walk_unified;
}

int scenario_setup_cpu(const scenario *s, mmu_cpu *cpu, char *err, size_t errlen)
{
    if (s->preset)
        cpu_preset_apply(cpu, s->preset);
    for (size_t i = 0; i < s->n_fields; i++) {
        char why[200];
        if (cpu_field_set(cpu, s->fields[i].name, s->fields[i].value, why, sizeof why)) {
            snprintf(err, errlen, "%s: cpu.fields: %s", s->path, why);
            return -1;
        }
    }
    for (int r = 0; r < MMU_REG_COUNT; r++)
        if (s->reg_set[r])
            mmu_cpu_set_reg(cpu, (mmu_reg)r, s->reg[r]);
    return scenario_build_page_tables(s, cpu, err, errlen);
}
