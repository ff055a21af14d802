#define _POSIX_C_SOURCE 200809L /* open_memstream, mkstemp */
/* The recorder attached to a real run (sim/trace_sink.c): a guest store to
 * a page-table page is recorded when it happens (MEV_STORE), even if no
 * walk reads it afterwards; so is a DC ZVA over descriptors (Unicorn 2.1.1
 * reports it to the store hook byte by byte); a write nobody reported (here
 * the host's, standing for DMA or a store Unicorn would make without its
 * hooks) is recorded when a walk reads it, before that walk; and replay of
 * the trace writes the run's walk log. The guest runs at EL2 with stage 1
 * on (tables built here). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bump.h"
#include "check.h"
#include "desc.h"
#include "machine.h"
#include "replay.h"
#include "sysreg.h"
#include "trace_sink.h"

#define CODE UINT64_C(0x40000000)
#define DATA_VA UINT64_C(0x80000000)
#define DATA_PA UINT64_C(0x40200000)
#define TABLES UINT64_C(0x44000000)
#define VECTORS (CODE + 0x800)

typedef struct membuf {
    char *data;
    size_t len;
    FILE *f;
} membuf;

static walklog *memlog(membuf *b)
{
    memset(b, 0, sizeof *b);
    b->f = open_memstream(&b->data, &b->len);
    return b->f ? walklog_from_stream(b->f, WALKLOG_JSONL) : NULL;
}

/* The PA of the leaf descriptor of va (walked without side effects). */
static uint64_t leaf_pa(machine *m, uint64_t va)
{
    mmu_access acc = {.va = va, .kind = MMU_ACC_READ, .el = 2, .no_update = true};
    mmu_walk w;
    CHECK(mmu_walk_translate(&m->cpu, &acc, &w));
    return w.reads[w.n_reads - 1].pa;
}

/* A sink that writes a descriptor behind everyone's back when the guest's
 * first store happens. */
typedef struct sneak {
    machine *m;
    uint64_t pa, value;
    bool done;
} sneak;

static void sneak_write(void *ctx, machine *m, const machine_event *ev)
{
    (void)m;
    sneak *s = ctx;
    if (ev->kind == MEV_STORE && !s->done) {
        CHECK(physmem_write(&s->m->mem, s->pa, &s->value, 8));
        s->done = true;
    }
}

static void test_stores_are_recorded(void)
{
    char err[256];
    machine *m = calloc(1, sizeof *m);
    CHECK(m && machine_init(m, err, sizeof err) == 0);
    m->out = NULL;
    CHECK_EQ(machine_add_virt_board(m, MACHINE_VIRT_RAM_SIZE, err, sizeof err), 0);
    bump b = {TABLES, TABLES + 0x100000};
    mmu_pt_alloc alloc = bump_allocator(&b);
    mmu_port port = physmem_port(&m->mem);
    mmu_builder s1;
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 32,
                         .start_level = MMU_NO_LEVEL};
    CHECK_EQ(mmu_pt_init(&s1, &fmt, &port, &alloc, err, sizeof err), 0);
    uint64_t attrs = DESC_AF | FIELD_PREP(DESC_SH, 3); /* AttrIndx 0, EL2 read/write */
    CHECK_EQ(mmu_pt_map(&s1, CODE, CODE, 0x1000, attrs, 0, err, sizeof err), 0);
    /* 16 data pages; the tables themselves, so that the guest can write them */
    CHECK_EQ(mmu_pt_map(&s1, DATA_VA, DATA_PA, 0x10000, attrs, MMU_MAP_PAGES_ONLY, err,
                        sizeof err), 0);
    CHECK_EQ(mmu_pt_map(&s1, TABLES, TABLES, 0x100000, attrs, 0, err, sizeof err), 0);
    mmu_cpu_set_reg(&m->cpu, MMU_MAIR_EL2, 0xff);
    mmu_cpu_set_reg(&m->cpu, MMU_TCR_EL2, FIELD_PREP(TCR2_T0SZ, 32) | FIELD_PREP(TCR2_PS, 2));
    mmu_cpu_set_reg(&m->cpu, MMU_TTBR0_EL2, mmu_pt_ttbr_baddr(&s1));
    mmu_cpu_set_reg(&m->cpu, MMU_SCTLR_EL2, mmu_cpu_get_reg(&m->cpu, MMU_SCTLR_EL2) | SCTLR_M);

    uint64_t leaf0 = leaf_pa(m, DATA_VA);           /* the data pages' level-3 table */
    uint64_t new_desc = (DATA_PA + 0x10000) | attrs | DESC_VALID | DESC_TABLE;
    sneak sn = {.m = m, .pa = leaf0 + 17 * 8,
                .value = (DATA_PA + 0x11000) | attrs | DESC_VALID | DESC_TABLE};
    static const uint32_t code[] = {
        0xf9400023, /* ldr x3, [x1]   x1 = DATA_VA: walks, snapshots the tables */
        0xf90000c5, /* str x5, [x6]   x6: entry 16 of the level-3 table (maps a page);
                                      the sneak writes entry 17 */
        0xd50b7428, /* dc zva, x8     x8: entries 8..15 (64 bytes) zeroed */
        0xf940014b, /* ldr x11, [x10] x10 = DATA_VA + 0x11000: through entry 17 */
        0xf9400124, /* ldr x4, [x9]   x9 = DATA_VA + 0x8000: translation fault, level 3 */
        0x14000000, /* b . */
    };
    static const uint32_t spin = 0x14000000; /* b . */
    CHECK(physmem_write(&m->mem, CODE, code, sizeof code));
    CHECK(physmem_write(&m->mem, VECTORS + 0x200, &spin, 4)); /* current EL, SPx, sync */
    uint64_t vbar = VECTORS;
    uc_reg_write(m->uc, UC_ARM64_REG_VBAR_EL2, &vbar);
    CHECK_EQ(machine_set_entry(m, CODE, 2, false, 0, err, sizeof err), 0);
    uint64_t x[] = {DATA_VA, 0, 0, 0, new_desc, leaf0 + 16 * 8, 0, leaf0 + 8 * 8,
                    DATA_VA + 0x8000, DATA_VA + 0x11000};
    for (unsigned n = 1; n < 11; n++)
        CHECK_EQ(machine_set_x(m, n, x[n - 1], err, sizeof err), 0);

    membuf runlog;
    walklog *wl = memlog(&runlog);
    CHECK(wl != NULL);
    CHECK_EQ(machine_attach_walklog(m, wl, err, sizeof err), 0);
    char path[] = "/tmp/mmusim-test-trace-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    trace_sink *ts;
    CHECK_EQ(trace_sink_open(&ts, m, path, "max", err, sizeof err), 0);
    CHECK_EQ(machine_attach_sink(m, MEV_STORE, sneak_write, &sn, err, sizeof err), 0);
    m->max_insns = 20;
    CHECK_EQ(machine_run(m), MACHINE_MAX_INSNS);
    CHECK_EQ(m->stats.exceptions[EXC_KIND_DATA_ABORT], 1);
    CHECK_EQ(trace_sink_close(ts, m, err, sizeof err), 0);
    CHECK_EQ(walklog_close(wl, err, sizeof err), 0);
    fclose(runlog.f);

    /* The trace: the store as it happened, the zeroed descriptor, the
     * sneaked one before the walk that read it, and the faulting access. */
    trace_reader *r;
    CHECK_EQ(trace_reader_open(&r, path, err, sizeof err), 0);
    trace_record *rec = malloc(sizeof *rec);
    int stored = -1, zeroed = -1, sneaked = -1, faulted = -1, n = 0, rc;
    while ((rc = trace_next(r, rec, err, sizeof err)) == 1) {
        n++;
        if (rec->kind == TRACE_STORE && rec->u.store.pa == leaf0 + 16 * 8) {
            CHECK_EQ(rec->u.store.value, new_desc);
            CHECK_EQ(rec->u.store.size, 8);
            stored = n;
        } else if (rec->kind == TRACE_STORE && rec->u.store.pa == leaf0 + 8 * 8) {
            CHECK_EQ(rec->u.store.value, 0);
            zeroed = n;
        } else if (rec->kind == TRACE_STORE && rec->u.store.pa == sn.pa) {
            CHECK_EQ(rec->u.store.value, sn.value);
            CHECK_EQ(rec->u.store.size, 8);
            sneaked = n;
        } else if (rec->kind == TRACE_ACCESS && rec->u.access.acc.va == DATA_VA + 0x11000) {
            CHECK(sneaked > 0 && !rec->u.access.faulted);
        } else if (rec->kind == TRACE_ACCESS && rec->u.access.faulted) {
            CHECK_EQ(rec->u.access.acc.va & ~UINT64_C(0x3ff), DATA_VA + 0x8000);
            CHECK_EQ(rec->u.access.fault.type, MMU_FAULT_TRANSLATION);
            CHECK_EQ(rec->u.access.fault.level, 3);
            CHECK_EQ(rec->where.pc, CODE + 16);
            faulted = n;
        }
    }
    CHECK_EQ(rc, 0);
    CHECK(stored > 0 && zeroed > stored && sneaked > zeroed && faulted > sneaked);
    trace_reader_close(r);
    free(rec);

    /* Replay: the run's walk log, and the stored descriptor in memory. */
    CHECK_EQ(trace_reader_open(&r, path, err, sizeof err), 0);
    membuf replog;
    replay_opts o = {.log = memlog(&replog)};
    replay rp;
    CHECK_EQ(replay_init(&rp, &o, err, sizeof err), 0);
    CHECK_EQ(replay_run(&rp, r, err, sizeof err), 0);
    uint64_t v = 0;
    CHECK(trace_mem_read(&rp.mem, leaf0 + 16 * 8, 8, &v));
    CHECK_EQ(v, new_desc);
    CHECK_EQ(rp.stats.mismatches, 0);
    CHECK_EQ(rp.stats.faults, 1);
    CHECK_EQ(rp.stats.walks, m->stats.walks);
    replay_free(&rp);
    trace_reader_close(r);
    CHECK_EQ(walklog_close(o.log, err, sizeof err), 0);
    fclose(replog.f);
    CHECK(runlog.len > 0 && strstr(runlog.data, "\"fsc\":\"0x7\"") != NULL);
    CHECK(replog.len == runlog.len && !memcmp(replog.data, runlog.data, runlog.len));

    free(runlog.data);
    free(replog.data);
    unlink(path);
    machine_destroy(m);
    free(m);
}

TEST_MAIN(TEST(test_stores_are_recorded))
