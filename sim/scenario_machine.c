/* A machine from a scenario: see scenario_machine.h. */
#include "scenario_machine.h"

#include <stdio.h>
#include <string.h>

static bool is_json(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && !strcmp(path + n - 5, ".json");
}

int scenario_machine_load(scenario *s, const char *path, char *err, size_t errlen)
{
    return is_json(path) ? scenario_load(s, path, err, errlen)
                         : scenario_for_elf(s, path, err, errlen);
}

/* The images' bytes; *entry from the first ELF or entry.pc. */
static int load_images(machine *m, const scenario *s, uint64_t *entry, char *err, size_t errlen)
{
    bool have_entry = false;
    for (size_t i = 0; i < s->n_images; i++) {
        const scn_image *im = &s->images[i];
        uint64_t e;
        if (im->format == SCN_IMAGE_RAW) {
            if (machine_load_raw(m, im->path, im->load, err, errlen))
                return -1;
        } else {
            if (machine_load_elf(m, im->path, &e, err, errlen))
                return -1;
            if (!have_entry) {
                *entry = e;
                have_entry = true;
            }
        }
    }
    if (s->entry.has_pc) {
        *entry = s->entry.pc;
    } else if (!have_entry) {
        snprintf(err, errlen, "%s: no entry point: give entry.pc or an ELF image", s->path);
        return -1;
    }
    return 0;
}

int scenario_machine_setup(machine *m, const scenario *s, const char *preset, char *err,
                           size_t errlen)
{
    if (machine_init(m, err, errlen))
        return -1;
    for (size_t i = 0; i < s->n_regions; i++) {
        const scn_region *r = &s->regions[i];
        if (machine_add_ram(m, r->name ? r->name : "ram", r->base, r->size, err, errlen))
            return -1;
    }
    if (machine_add_uart(m, err, errlen))
        return -1;
    uint64_t entry = 0;
    if (load_images(m, s, &entry, err, errlen))
        return -1;
    if (scenario_setup_cpu(s, &m->cpu, err, errlen))
        return -1;
    if (preset) {
        const cpu_preset *p = cpu_preset_find(preset);
        if (!p) {
            snprintf(err, errlen, "--cpu: unknown preset '%s'", preset);
            return -1;
        }
        cpu_preset_apply(&m->cpu, p);
    }
    if (s->tlb.set) {
        mmu_tlb_config c;
        scenario_tlb_config(s, &c);
        mmu_tlb_free(&m->tlb);
        if (mmu_tlb_init(&m->tlb, &c, err, errlen))
            return -1;
    }
    if (machine_set_entry(m, entry, s->entry.el, s->entry.sp_el0,
                          s->entry.has_sp ? s->entry.sp : 0, err, errlen))
        return -1;
    for (unsigned n = 0; n < 31; n++)
        if ((s->entry.x_set & (1u << n)) && machine_set_x(m, n, s->entry.x[n], err, errlen))
            return -1;
    m->max_insns = s->max_insns;
    return 0;
}
