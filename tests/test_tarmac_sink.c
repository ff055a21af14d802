/* `mmusim run --tarmac`: the Tarmac sink's lines for the fixture guest
 * (tests/support/diff_fixture.h), read back with the Tarmac reader. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diff_fixture.h"
#include "tarmac_sink.h"

/* The records of a trace, kept with their text (the reader's pointers die
 * with the next call). */
#define MAX_RECS 256
typedef struct recs {
    tarmac_record rec[MAX_RECS];
    char text[MAX_RECS][200];
    size_t n;
    uint64_t bad, unknown;
} recs;

static void read_all(FILE *f, recs *rs)
{
    char err[256];
    memset(rs, 0, sizeof *rs);
    tarmac_reader *r = tarmac_reader_from_stream(f, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    tarmac_record rec;
    while (tarmac_reader_next(r, &rec, err, sizeof err) > 0 && rs->n < MAX_RECS) {
        rs->bad += rec.kind == TARMAC_BAD;
        rs->unknown += rec.kind == TARMAC_UNKNOWN;
        snprintf(rs->text[rs->n], sizeof rs->text[0], "%.*s", (int)rec.text_len, rec.text);
        rs->rec[rs->n++] = rec;
    }
    tarmac_reader_close(r);
}

/* The index of the first record from `from` of kind k whose text contains
 * `part`, or -1. */
static int find(const recs *rs, size_t from, tarmac_kind k, const char *part)
{
    for (size_t i = from; i < rs->n; i++)
        if (rs->rec[i].kind == k && strstr(rs->text[i], part))
            return (int)i;
    return -1;
}

static void test_lines(void)
{
    char err[256];
    FILE *f = fixture_trace(TARMAC_SINK_MMU, 20, err, sizeof err);
    CHECK(f != NULL);
    if (!f) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    recs *rs = calloc(1, sizeof *rs);
    read_all(f, rs);
    fclose(f);
    CHECK_EQ(rs->bad, 0);
    CHECK_EQ(rs->unknown, 0);

    /* The translation registers first, at time 0, as Fast Models prints them. */
    int ttbr = find(rs, 0, TARMAC_SYSREG, "R TTBR0_EL2 0000000044000000");
    int first = find(rs, 0, TARMAC_INSN, "");
    CHECK(ttbr >= 0 && first > ttbr);

    /* Instructions are numbered from 0 in order, each with VA:PA and EL2. */
    uint64_t n = 0;
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->rec[i].kind != TARMAC_INSN)
            continue;
        const tarmac_insn *in = &rs->rec[i].u.insn;
        CHECK_EQ(in->id, n);
        CHECK_EQ(rs->rec[i].time, n);
        CHECK(in->pc.has_pa && in->pc.pa == in->pc.va && in->el == 2 && in->sp_elx);
        n++;
    }
    CHECK(n >= FIX_INSNS + 1);

    /* The store's walk, its TLB FILL, then the store with VA:PA and data. */
    int mw = find(rs, 0, TARMAC_MEM, "MW8 80000008:000040200008_NS 00000000_00001234");
    CHECK(mw >= 4);
    if (mw >= 4) {
        CHECK_EQ(rs->rec[mw - 1].kind, TARMAC_TLB);
        CHECK_EQ(rs->rec[mw - 1].u.tlb.va, FIX_DATA_VA);
        CHECK_EQ(rs->rec[mw - 1].u.tlb.pa, FIX_DATA_PA);
        CHECK_EQ(rs->rec[mw - 1].u.tlb.size, 0x1000);
        CHECK_EQ(rs->rec[mw - 2].kind, TARMAC_TTW);
        CHECK(strstr(rs->text[mw - 2], "0000000040200703 stage=1 level=3") != NULL);
    }
    CHECK(find(rs, 0, TARMAC_MEM, "MR8 80000008:000040200008_NS 00000000_00001234") > mw);

    /* AT then PAR_EL1 with the PA (F = 0). */
    int at = find(rs, 0, TARMAC_AT, "R AT S1E2R 00000000:80000000");
    CHECK(at > 0);
    if (at > 0) {
        CHECK_EQ(rs->rec[at + 1].kind, TARMAC_SYSREG);
        CHECK(strstr(rs->text[at + 1], "R PAR_EL1 ") != NULL);
        CHECK_EQ(rs->rec[at + 1].u.reg.value & GENMASK64(51, 0), 0x40200000 | (rs->rec[at + 1].u.reg.value & 0xffe));
    }

    /* The remap: the descriptor store, TLBI VAE2, the load from the new PA. */
    int tlbi = find(rs, 0, TARMAC_TLBI, "R TLBI VAE2 00000000:00080000");
    CHECK(tlbi > at);
    CHECK(find(rs, 0, TARMAC_MEM, "MW8 44004000:000044004000_NS 00000000_40300703") > at);
    CHECK(find(rs, 0, TARMAC_MEM, "MR8 80000008:000040300008_NS") > tlbi);

    /* The abort: the access at FAR, E at the instruction, ESR/FAR/ELR/SPSR. */
    int ab = find(rs, 0, TARMAC_MEM, "MR8 90000010 (ABORTED)");
    CHECK(ab > tlbi);
    if (ab > 0) {
        CHECK(rs->rec[ab].u.mem.aborted);
        CHECK_EQ(rs->rec[ab + 1].kind, TARMAC_EXCEPTION);
        CHECK(strstr(rs->text[ab + 1], "E 40000040 00000200 CoreEvent_CURRENT_SPx_SYNC") != NULL);
        CHECK(strstr(rs->text[ab + 3], "R ESR_EL2 0000000096000006") != NULL);
        CHECK(strstr(rs->text[ab + 4], "R FAR_EL2 0000000090000010") != NULL);
        CHECK(strstr(rs->text[ab + 5], "R ELR_EL2 0000000040000040") != NULL);
    }
    free(rs);
}

/* Without TARMAC_SINK_MMU there are no TTW or TLB lines. */
static void test_no_mmu_lines(void)
{
    char err[256];
    FILE *f = fixture_trace(0, 20, err, sizeof err);
    CHECK(f != NULL);
    if (!f)
        return;
    recs *rs = calloc(1, sizeof *rs);
    read_all(f, rs);
    fclose(f);
    CHECK_EQ(find(rs, 0, TARMAC_TTW, ""), -1);
    CHECK_EQ(find(rs, 0, TARMAC_TLB, ""), -1);
    CHECK(find(rs, 0, TARMAC_MEM, "MR8 90000010 (ABORTED)") > 0);
    free(rs);
}

TEST_MAIN(TEST(test_lines), TEST(test_no_mmu_lines))
