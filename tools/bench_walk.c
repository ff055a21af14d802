/* Walks per second, TLB off, against the floor of the same descriptor
 * reads through the memory port with no decoding, measured in one run:
 *   (a) 4K, 48-bit VA, stage 1 (4 levels)
 *   (b) 4K, DS=1, 52-bit VA, stage 1 (5 levels, from level -1)
 *   (c) (b) on top of a 4K DS=1 stage 2 starting at level -1 (35 reads)
 * Each figure is the best of ROUNDS interleaved rounds.
 * Usage: build/tools/bench_walk [walks-per-case [vas]]   (default 2000000 4096)
 *        vas: how many distinct VAs the walks cycle through, a power of
 *        two up to 4096; with 64 every table stays in the caches, which
 *        shows what a walk costs in instructions alone.
 *        build/tools/bench_walk --one a|b|c WALKS: one round of one case,
 *        for valgrind --tool=callgrind (walk_loop and floor_loop are
 *        functions of their own, so their inclusive costs divided by
 *        WALKS are the instructions per walk and per floor walk). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "mmu.h"

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE (UINT64_C(256) << 20)
#define NVA 4096
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

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double best(double a, double b) { return a < b ? a : b; }

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_walk: %s: %s\n", what, err);
    exit(1);
}

/* Leaf attributes: AF, and for stage 2 S2AP=RW with Normal WB memory. */
#define S1_ATTRS (UINT64_C(1) << 10)
#define S2_ATTRS ((UINT64_C(1) << 10) | (UINT64_C(3) << 6) | (UINT64_C(0xf) << 2))

static const uint64_t MMFR0_MAX = 0x0000032310201126ull; /* PARange 52, LPA2 both stages */

typedef struct bench_case {
    const char *name;
    bool ds, stage2;
    unsigned va_bits;
} bench_case;

/* The timed loops, kept out of line so a profiler sees each on its own. */
static __attribute__((noinline)) uint64_t walk_loop(mmu_cpu *cpu, const uint64_t *vas, long walks, mmu_walk *w)
{
    uint64_t sum = 0;
    for (long k = 0; k < walks; k++) {
        mmu_access acc = {.va = vas[k & (NVA - 1)], .kind = MMU_ACC_READ, .el = 1};
        mmu_walk_translate(cpu, &acc, w);
        sum += w->result.pa;
    }
    return sum;
}

/* The floor: the same reads through the port, each address depending on
 * the value read before it (as in a walk, where each descriptor names the
 * next table) but with no decoding at all. `zero` is opaque to the
 * compiler, so the dependency stays. */
static __attribute__((noinline)) uint64_t floor_loop(const mmu_port *port, const uint64_t (*reads)[MMU_MAX_READS],
                                                     const unsigned *nreads, long walks, uint64_t zero)
{
    uint64_t sum = 0;
    for (long k = 0; k < walks; k++) {
        int i = (int)(k & (NVA - 1));
        uint64_t v = 0;
        for (unsigned r = 0; r < nreads[i]; r++)
            port->read64(port->ctx, reads[i][r] + (v & zero), &v);
        sum += v;
    }
    return sum;
}

static void run_case(const bench_case *bc, int nva, long walks, int rounds)
{
    ram mem = {calloc(1, RAM_SIZE), RAM_BASE + (64u << 20)};
    if (!mem.bytes)
        die("memory", "out of host memory");
    mmu_port port = {&mem, ram_read, ram_write};
    mmu_pt_alloc alloc = {&mem, ram_alloc};
    char err[256];
    mmu_cpu cpu;
    mmu_cpu_init(&cpu, &port);
    mmu_cpu_set_reg(&cpu, MMU_ID_AA64MMFR0_EL1, MMFR0_MAX);

    mmu_builder s1;
    mmu_pt_format f1 = {.stage = 1, .granule = MMU_GRANULE_4K, .ds = bc->ds, .ia_bits = (uint8_t)bc->va_bits,
                        .start_level = MMU_NO_LEVEL};
    if (mmu_pt_init(&s1, &f1, &port, &alloc, err, sizeof err))
        die("stage-1 tables", err);
    /* NVA entries (the timed loops index them with a constant mask),
     * `nva` distinct VAs repeated. */
    static uint64_t vas[NVA];
    for (int i = 0; i < NVA; i++) {
        if (i >= nva) {
            vas[i] = vas[i & (nva - 1)];
            continue;
        }
        vas[i] = (next_rand() & ((UINT64_C(1) << bc->va_bits) - 1)) & ~UINT64_C(0xfff);
        if (mmu_pt_map(&s1, vas[i], RAM_BASE + ((uint64_t)i << 12), 0x1000, S1_ATTRS, MMU_MAP_PAGES_ONLY, err,
                       sizeof err))
            die("stage-1 map", err);
    }
    uint64_t tcr = (64 - bc->va_bits) | (UINT64_C(6) << 32) | (bc->ds ? UINT64_C(1) << 59 : 0) |
                   (UINT64_C(1) << 23); /* T0SZ, IPS=52, DS, EPD1 */
    mmu_cpu_set_reg(&cpu, MMU_TCR_EL1, tcr);
    mmu_cpu_set_reg(&cpu, MMU_TTBR0_EL1, mmu_pt_ttbr_baddr(&s1));
    mmu_cpu_set_reg(&cpu, MMU_SCTLR_EL1, 1);

    if (bc->stage2) {
        /* Stage 2 at level -1 (SL2=1, SL0=0, DS=1, 52-bit IPA), identity
         * for all RAM, in pages so every walk takes five levels. */
        mmu_builder s2;
        mmu_pt_format f2 = {.stage = 2, .granule = MMU_GRANULE_4K, .ds = true, .ia_bits = 52, .start_level = -1};
        if (mmu_pt_init(&s2, &f2, &port, &alloc, err, sizeof err))
            die("stage-2 tables", err);
        if (mmu_pt_map(&s2, RAM_BASE, RAM_BASE, RAM_SIZE, S2_ATTRS, MMU_MAP_PAGES_ONLY, err, sizeof err))
            die("stage-2 map", err);
        uint64_t vtcr = 12 | (UINT64_C(6) << 16) | (UINT64_C(1) << 32) | (UINT64_C(1) << 33);
        mmu_cpu_set_reg(&cpu, MMU_VTCR_EL2, vtcr);
        mmu_cpu_set_reg(&cpu, MMU_VTTBR_EL2, mmu_pt_ttbr_baddr(&s2));
        mmu_cpu_set_reg(&cpu, MMU_HCR_EL2, 1 | (UINT64_C(1) << 31));
    }

    /* The reads each walk makes, for the floor. */
    static uint64_t reads[NVA][MMU_MAX_READS];
    static unsigned nreads[NVA];
    mmu_walk w;
    unsigned total_reads = 0;
    for (int i = 0; i < NVA; i++) {
        mmu_access acc = {.va = vas[i], .kind = MMU_ACC_READ, .el = 1};
        if (!mmu_walk_translate(&cpu, &acc, &w)) {
            fprintf(stderr, "bench_walk: %s: va 0x%llx: %s fault, stage %d, level %d\n", bc->name,
                    (unsigned long long)vas[i], mmu_fault_type_name(w.fault.type), w.fault.stage, w.fault.level);
            exit(1);
        }
        nreads[i] = w.n_reads;
        total_reads += w.n_reads;
        for (unsigned r = 0; r < w.n_reads; r++)
            reads[i][r] = w.reads[r].pa;
    }

    /* `rounds` rounds of walks and floor, interleaved; each keeps its
     * best time (on a shared machine a round can be slowed by others). */
    volatile uint64_t sink = 0;
    volatile uint64_t opaque_zero = 0;
    uint64_t zero = opaque_zero;
    double t_walk = 1e9, t_floor = 1e9;
    for (int round = 0; round < rounds; round++) {
        double t0 = now();
        sink += walk_loop(&cpu, vas, walks, &w);
        t_walk = best(t_walk, now() - t0);

        t0 = now();
        sink += floor_loop(&port, (const uint64_t(*)[MMU_MAX_READS])reads, nreads, walks, zero);
        t_floor = best(t_floor, now() - t0);
    }
    (void)sink;

    printf("%-44s reads/walk %5.2f  walks/s %10.0f  ns/walk %7.1f  floor ns %7.1f  ratio %.2fx\n", bc->name,
           (double)total_reads / NVA, walks / t_walk, t_walk / walks * 1e9, t_floor / walks * 1e9,
           t_walk / t_floor);
    free(mem.bytes);
}

int main(int argc, char **argv)
{
    static const bench_case cases[] = {
        {"(a) 4K 48-bit VA, stage 1", false, false, 48},
        {"(b) 4K DS=1 52-bit VA, stage 1 (level -1)", true, false, 52},
        {"(c) (b) over stage 2 from level -1", true, true, 52},
    };
    if (argc > 1 && !strcmp(argv[1], "--one")) {
        long walks = argc == 4 ? atol(argv[3]) : 0;
        if (walks <= 0 || strlen(argv[2]) != 1 || argv[2][0] < 'a' || argv[2][0] > 'c')
            die("usage", "bench_walk --one a|b|c WALKS");
        run_case(&cases[argv[2][0] - 'a'], NVA, walks, 1);
        return 0;
    }
    long walks = argc > 1 ? atol(argv[1]) : 2000000;
    long nva = argc > 2 ? atol(argv[2]) : NVA;
    if (walks <= 0 || nva <= 0 || nva > NVA || (nva & (nva - 1)))
        die("usage", "bench_walk [walks-per-case [vas: a power of two up to 4096]]");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i], (int)nva, cases[i].stage2 ? walks / 4 : walks, ROUNDS);
    return 0;
}
