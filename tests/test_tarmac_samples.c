/* The real Tarmac files in tests/data/tarmac (from Arm's
 * tarmac-trace-utilities, see SOURCE.txt there) parse without a bad or
 * unknown line, with the number of records of each kind counted by hand
 * (grep/awk over the files, see docs/tarmac.md), and a few records checked
 * field by field. */
#include <string.h>

#include "check.h"
#include "tarmac.h"

#define DATA MMUSIM_SOURCE_DIR "/tests/data/tarmac/"

typedef struct sample {
    const char *file;
    uint64_t lines;                       /* lines in the file */
    uint64_t counts[TARMAC_KIND_COUNT];   /* records by kind */
} sample;

/*                                         insn  mem sysreg  reg tlbi at cache exc ttw tlb event unk bad */
static const sample samples[] = {
    {"samples_calculator-aarch64-fastmodel.tarmac.head300", 300,
     {69, 30, 37, 149, 0, 0, 0, 1, 0, 0, 14, 0, 0}},
    {"samples_calculator-aarch64-gem5.tarmac.head300", 300,
     {143, 80, 0, 77, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"samples_calculator-aarch64-es-ld-st-style.tarmac.head300", 300,
     {130, 65, 0, 85, 0, 0, 0, 1, 0, 0, 19, 0, 0}},
    {"tests_calltests_calltest64.tarmac", 337,
     {86, 19, 40, 176, 0, 0, 0, 1, 0, 0, 15, 0, 0}},
    {"tests_indextest.tarmac", 9,
     {4, 3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"tests_quicksort.tarmac", 4322,
     {2044, 788, 37, 1437, 0, 0, 0, 1, 0, 0, 15, 0, 0}},
    {"tests_truncate_crash64.tarmac", 41,
     {7, 2, 19, 7, 0, 0, 0, 6, 0, 0, 0, 0, 0}},
    /* 179 Tarmac lines between comments and blank lines. */
    {"tests_parsertest.txt", 371,
     {36, 40, 2, 75, 1, 1, 2, 10, 0, 0, 12, 0, 0}},
};

static tarmac_reader *open_sample(const char *file)
{
    char err[256], path[512];
    snprintf(path, sizeof path, "%s%s", DATA, file);
    tarmac_reader *r = tarmac_reader_open(path, err, sizeof err);
    if (!r)
        fprintf(stderr, "%s\n", err);
    return r;
}

static void counts_by_kind(void)
{
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const sample *s = &samples[i];
        check_context = s->file;
        tarmac_reader *r = open_sample(s->file);
        CHECK(r != NULL);
        if (!r)
            continue;
        tarmac_record rec;
        char err[256];
        int status;
        uint64_t last_line = 0;
        while ((status = tarmac_reader_next(r, &rec, err, sizeof err)) > 0) {
            if (rec.kind == TARMAC_BAD || rec.kind == TARMAC_UNKNOWN)
                fprintf(stderr, "%s:%llu: %s %s\n", s->file, (unsigned long long)rec.line,
                        tarmac_kind_name(rec.kind), rec.problem ? rec.problem : "");
            CHECK(rec.line > last_line); /* line numbers only increase */
            last_line = rec.line;
        }
        CHECK_EQ(status, 0);
        CHECK_EQ(tarmac_reader_lines(r), s->lines);
        for (int k = 0; k < TARMAC_KIND_COUNT; k++) {
            if (tarmac_reader_count(r, (tarmac_kind)k) != s->counts[k])
                fprintf(stderr, "%s: kind %s\n", s->file, tarmac_kind_name((tarmac_kind)k));
            CHECK_EQ(tarmac_reader_count(r, (tarmac_kind)k), s->counts[k]);
        }
        tarmac_reader_close(r);
    }
}

/* Reads file up to its record at line, which must exist. */
static bool record_at(tarmac_reader *r, uint64_t line, tarmac_record *rec)
{
    char err[256];
    while (tarmac_reader_next(r, rec, err, sizeof err) > 0)
        if (rec->line == line)
            return true;
    return false;
}

/* tests_truncate_crash64.tarmac lines 3-8: LDP x1,x2,[x0] with x0 = 2
 * faults at EL3 with no MMU: both loads aborted, then the exception and
 * ESR_EL3 = 0x96000021 (EC 0x25 data abort same EL, IL, DFSC 0x21
 * alignment fault) and FAR_EL3 = 2. */
static void crash64_abort(void)
{
    tarmac_reader *r = open_sample("tests_truncate_crash64.tarmac");
    tarmac_record rec;
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(record_at(r, 4, &rec));
    CHECK_EQ(rec.kind, TARMAC_MEM);
    CHECK(rec.u.mem.aborted);
    CHECK_EQ(rec.u.mem.addr.va, 2);
    CHECK_EQ(rec.u.mem.size, 8);
    CHECK_EQ(rec.time, 2000000);
    CHECK(record_at(r, 5, &rec));
    CHECK(rec.u.mem.aborted);
    CHECK_EQ(rec.u.mem.addr.va, 0xa);
    CHECK(record_at(r, 6, &rec));
    CHECK_EQ(rec.kind, TARMAC_EXCEPTION);
    CHECK_EQ(rec.u.exc.pc.va, 0x210124);
    CHECK(record_at(r, 8, &rec));
    CHECK_EQ(rec.kind, TARMAC_SYSREG);
    CHECK_EQ(rec.u.reg.value, 0x96000021);
    CHECK(record_at(r, 9, &rec));
    CHECK_EQ(rec.kind, TARMAC_SYSREG);
    CHECK_EQ(rec.u.reg.value, 2);
    tarmac_reader_close(r);
}

/* Line numbers in a file with comments and blank lines. */
static void parsertest_lines(void)
{
    tarmac_reader *r = open_sample("tests_parsertest.txt");
    tarmac_record rec;
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(record_at(r, 28, &rec)); /* the first Tarmac line */
    CHECK_EQ(rec.kind, TARMAC_INSN);
    CHECK(record_at(r, 68, &rec));
    CHECK_EQ(rec.kind, TARMAC_TLBI);
    CHECK(record_at(r, 69, &rec));
    CHECK_EQ(rec.kind, TARMAC_AT);
    CHECK_EQ(rec.u.sysop.operand, 4);
    CHECK(record_at(r, 85, &rec));
    CHECK_EQ(rec.u.mem.addr.pa, 0x10116fffcc0u);
    tarmac_reader_close(r);
}

TEST_MAIN(TEST(counts_by_kind), TEST(crash64_abort), TEST(parsertest_lines))
