/* libFuzzer harness for scenarios; see tools/fuzz/run_scenario.sh. Every
 * input either parses or fails with a message that starts with the file
 * name; a parsed scenario is set up on a CPU (preset, fields, registers)
 * and its page tables are built into a small sparse memory, which may fail
 * with a message but must not crash. */
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGES 64

/* Up to PAGES pages of 4 KiB inside the scenario's regions. */
typedef struct sparse {
    const scenario *s;
    uint64_t base[PAGES];
    uint8_t *bytes[PAGES];
    int n;
} sparse;

static uint8_t *page(sparse *m, uint64_t pa, bool create)
{
    uint64_t b = pa & ~UINT64_C(0xFFF);
    for (int i = 0; i < m->n; i++)
        if (m->base[i] == b)
            return m->bytes[i] + (pa & 0xFFF);
    bool ram = false;
    for (size_t i = 0; i < m->s->n_regions && !ram; i++)
        ram = pa >= m->s->regions[i].base && pa - m->s->regions[i].base < m->s->regions[i].size;
    if (!ram || !create || m->n == PAGES)
        return NULL;
    m->base[m->n] = b;
    m->bytes[m->n] = calloc(1, 4096);
    return m->bytes[m->n++] + (pa & 0xFFF);
}

static bool rd(void *ctx, uint64_t pa, uint64_t *v)
{
    uint8_t *p = (pa & 7) ? NULL : page(ctx, pa, false);
    if (p)
        memcpy(v, p, 8);
    else
        *v = 0;
    return !(pa & 7);
}

static bool wr(void *ctx, uint64_t pa, uint64_t v)
{
    uint8_t *p = (pa & 7) ? NULL : page(ctx, pa, v != 0);
    if (p)
        memcpy(p, &v, 8);
    return p != NULL || (v == 0 && !(pa & 7));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scenario s;
    char err[512];
    if (scenario_parse(&s, (const char *)data, size, "fuzz.json", err, sizeof err)) {
        if (strncmp(err, "fuzz.json", 9))
            abort();
        scenario_free(&s);
        return 0;
    }
    sparse m = {.s = &s};
    mmu_port port = {&m, rd, wr};
    mmu_cpu cpu;
    mmu_cpu_init(&cpu, &port);
    if (scenario_setup_cpu(&s, &cpu, err, sizeof err) && strncmp(err, "fuzz.json", 9))
        abort();
    for (int i = 0; i < m.n; i++)
        free(m.bytes[i]);
    scenario_free(&s);
    return 0;
}
