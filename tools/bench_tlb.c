/* TLB model speed, against a floor measured in the same run:
 *   - hit lookups/s of a 2048-entry, 4-way TLB (mmu_tlb_lookup: the front
 *     index, then the sets), of the sets alone (mmu_tlb_lookup_sets), and of
 *     the machine's whole hit path (mmu_tlb_translate: lookup, permission
 *     re-check, walk record), against a plain direct-mapped array probe of
 *     the same number of entries (tag compare, PA out), over the same
 *     random sequence of resident pages;
 *   - a range TLBI (RVAE1IS) that empties the full TLB.
 * Lookup figures are the best of ROUNDS interleaved rounds.
 * Usage: build/tools/bench_tlb [lookups]   (default 20000000) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "desc.h"
#include "mmu.h"
#include "sysreg.h"
#include "tlb.h"
#include "tlbi.h"

#define ENTRIES 2048
#define WAYS 4
#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE (UINT64_C(64) << 20)
#define VA0 UINT64_C(0x10000000)
#define SEQ 65536
#define ROUNDS 5

typedef struct ram {
    uint8_t *bytes;
    uint64_t next;
} ram;

static bool ram_read(void *ctx, uint64_t pa, uint64_t *v)
{
    ram *r = ctx;
    if (pa - RAM_BASE > RAM_SIZE - 8)
        return false;
    memcpy(v, r->bytes + (pa - RAM_BASE), 8);
    return true;
}

static bool ram_write(void *ctx, uint64_t pa, uint64_t v)
{
    ram *r = ctx;
    if (pa - RAM_BASE > RAM_SIZE - 8)
        return false;
    memcpy(r->bytes + (pa - RAM_BASE), &v, 8);
    return true;
}

static bool ram_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    ram *r = ctx;
    uint64_t at = (r->next + align - 1) & ~(align - 1);
    if (at + size > RAM_BASE + RAM_SIZE)
        return false;
    memset(r->bytes + (at - RAM_BASE), 0, size);
    r->next = at + size;
    *pa = at;
    return true;
}

static double best(double a, double b) { return a < b ? a : b; }

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_tlb: %s: %s\n", what, err);
    exit(1);
}

/* The floor: a direct-mapped array of ENTRIES {tag, pa} slots. */
typedef struct slot {
    uint64_t tag, pa;
} slot;

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void fill(mmu_cpu *cpu, mmu_tlb *tlb, const uint64_t *vas, int n)
{
    mmu_walk *w = malloc(sizeof *w);
    bool walked;
    for (int i = 0; i < n; i++) {
        mmu_access acc = {.va = vas[i], .kind = MMU_ACC_READ, .el = 1};
        if (!mmu_tlb_translate(cpu, tlb, &acc, w, &walked))
            die("fill", "translation fault");
    }
    free(w);
}

int main(int argc, char **argv)
{
    long lookups = argc > 1 ? atol(argv[1]) : 20000000;
    char err[256];
    ram mem = {calloc(1, RAM_SIZE), RAM_BASE + (32u << 20)};
    if (!mem.bytes)
        die("memory", "out of host memory");
    mmu_port port = {&mem, ram_read, ram_write};
    mmu_pt_alloc alloc = {&mem, ram_alloc};
    static mmu_cpu cpu;
    mmu_cpu_init(&cpu, &port);
    mmu_cpu_set_reg(&cpu, MMU_ID_AA64MMFR0_EL1, FIELD_PREP(MMFR0_PARANGE, 5) | FIELD_PREP(MMFR0_ASIDBITS, 2));
    mmu_builder s1;
    mmu_pt_format f1 = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 48, .start_level = MMU_NO_LEVEL};
    if (mmu_pt_init(&s1, &f1, &port, &alloc, err, sizeof err))
        die("tables", err);
    if (mmu_pt_map(&s1, VA0, RAM_BASE, (uint64_t)ENTRIES << 12, DESC_AF | DESC_NG, MMU_MAP_PAGES_ONLY, err,
                   sizeof err))
        die("map", err);
    mmu_cpu_set_reg(&cpu, MMU_MAIR_EL1, 0xff);
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, FIELD_PREP(TCR_T0SZ, 16) | TCR_EPD1 | FIELD_PREP(TCR_IPS, 5) | TCR_AS);
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&s1) | (UINT64_C(5) << 48));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, SCTLR_M);

    mmu_tlb tlb;
    mmu_tlb_config cfg = {.mode = MMU_TLB_BOUNDED, .entries = ENTRIES, .ways = WAYS, .policy = MMU_TLB_LRU};
    if (mmu_tlb_init(&tlb, &cfg, err, sizeof err))
        die("tlb", err);
    static uint64_t all[ENTRIES], resident[ENTRIES];
    for (int i = 0; i < ENTRIES; i++)
        all[i] = VA0 + ((uint64_t)i << 12);
    fill(&cpu, &tlb, all, ENTRIES);
    /* The pages the hashed sets kept: the working set of both probes. */
    int n = 0;
    uint64_t out;
    for (int i = 0; i < ENTRIES; i++)
        if (mmu_tlb_lookup(&tlb, MMU_TLBE_S1, MMU_REGIME_EL10, 0, 5, all[i], &out))
            resident[n++] = all[i];
    static slot array[ENTRIES];
    for (int i = 0; i < n; i++)
        array[(resident[i] >> 12) & (ENTRIES - 1)] = (slot){resident[i] >> 12, RAM_BASE + (uint64_t)i * 4096};
    static uint64_t seq[SEQ];
    for (int i = 0; i < SEQ; i++)
        seq[i] = resident[next_rand() % (uint64_t)n] | (next_rand() & 0xff8);

    volatile uint64_t sink = 0;
    uint64_t acc = 0;
    /* ROUNDS rounds of the four loops, interleaved; each keeps its best
     * time (on a shared machine a round can be slowed by others). */
    mmu_walk *w = malloc(sizeof *w);
    uint64_t hits_before = tlb.stats.hits;
    long translate_n = lookups / 4;
    double t_floor = 1e9, t_lookup = 1e9, t_sets = 1e9, t_translate = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        acc = 0;
        double t0 = now();
        for (long k = 0; k < lookups; k++) {
            uint64_t va = seq[k & (SEQ - 1)];
            const slot *s = &array[(va >> 12) & (ENTRIES - 1)];
            if (s->tag == va >> 12)
                acc += s->pa | (va & 0xfff);
        }
        t_floor = best(t_floor, now() - t0);
        sink += acc;

        acc = 0;
        t0 = now();
        for (long k = 0; k < lookups; k++) {
            uint64_t va = seq[k & (SEQ - 1)];
            if (mmu_tlb_lookup(&tlb, MMU_TLBE_S1, MMU_REGIME_EL10, 0, 5, va, &out))
                acc += out;
        }
        t_lookup = best(t_lookup, now() - t0);
        sink += acc;

        /* The same hits through the sets alone (what a front miss costs). */
        acc = 0;
        t0 = now();
        for (long k = 0; k < lookups; k++) {
            uint64_t va = seq[k & (SEQ - 1)];
            if (mmu_tlb_lookup_sets(&tlb, MMU_TLBE_S1, MMU_REGIME_EL10, 0, 5, va, &out))
                acc += out;
        }
        t_sets = best(t_sets, now() - t0);
        sink += acc;

        t0 = now();
        for (long k = 0; k < translate_n; k++) {
            bool walked;
            mmu_access a = {.va = seq[k & (SEQ - 1)], .kind = MMU_ACC_READ, .el = 1};
            mmu_tlb_translate(&cpu, &tlb, &a, w, &walked);
            acc += w->result.pa;
        }
        t_translate = best(t_translate, now() - t0);
        sink += acc;
    }
    if (tlb.stats.hits - hits_before != (uint64_t)translate_n * ROUNDS)
        die("hit path", "a lookup of a resident page missed");

    /* Full-TLB range invalidation: RVAE1IS over all 2048 pages (SCALE 1,
     * NUM 31: 32 * 64 pages), timed alone; refilled between rounds, the
     * best round kept. */
    bool nxs;
    mmu_tlbi_ctx ctx;
    mmu_tlbi t;
    mmu_tlbi_context(&cpu, &ctx);
    uint64_t xt = (UINT64_C(5) << 48) | FIELD_PREP(TLBI_R_TG, 1) | FIELD_PREP(TLBI_R_SCALE, 1) |
                  FIELD_PREP(TLBI_R_NUM, 31) | (VA0 >> 12);
    if (mmu_tlbi_decode(mmu_tlbi_op_by_name("rvae1is", &nxs), false, xt, &ctx, &t, err, sizeof err))
        die("tlbi", err);
    int rounds = 200;
    double t_inval = 1e9;
    for (int r = 0; r < rounds; r++) {
        fill(&cpu, &tlb, resident, n);
        double t0 = now();
        mmu_tlb_invalidate(&tlb, &t);
        t_inval = best(t_inval, now() - t0);
        if (mmu_tlb_count(&tlb, MMU_TLBE_KIND_COUNT) != 0)
            die("tlbi", "entries survived a range covering them all");
    }
    (void)sink;

    printf("TLB %d entries, %d ways, LRU; %d resident pages, random hits\n", ENTRIES, WAYS, n);
    printf("  floor: direct-mapped array probe   %8.2f ns  %8.1f M lookups/s\n", t_floor / lookups * 1e9,
           lookups / t_floor / 1e6);
    printf("  mmu_tlb_lookup (hit)               %8.2f ns  %8.1f M lookups/s  ratio %.2fx\n",
           t_lookup / lookups * 1e9, lookups / t_lookup / 1e6, t_lookup / t_floor);
    printf("  ... through the sets (front bypassed) %5.2f ns  %8.1f M lookups/s  ratio %.2fx\n",
           t_sets / lookups * 1e9, lookups / t_sets / 1e6, t_sets / t_floor);
    printf("  mmu_tlb_translate (hit path)       %8.2f ns  %8.1f M lookups/s  ratio %.2fx\n",
           t_translate / translate_n * 1e9, translate_n / t_translate / 1e6,
           (t_translate / translate_n) / (t_floor / lookups));
    printf("  RVAE1IS emptying the full TLB      %8.2f us per invalidation (%d entries scanned; best "
           "of %d)\n", t_inval * 1e6, ENTRIES, rounds);
    free(w);
    mmu_tlb_free(&tlb);
    free(mem.bytes);
    return 0;
}
