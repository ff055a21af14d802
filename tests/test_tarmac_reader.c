/* The streaming Tarmac reader on bad input: truncated and garbled lines are
 * reported with their line numbers and reading goes on; over-long lines,
 * buffer boundaries, CRLF and a missing final newline; and no crash on
 * every truncation and on random corruption of the sample lines. */
#include <string.h>

#include "check.h"
#include "tarmac.h"

/* A reader over text held in a temporary file. */
static tarmac_reader *reader_over(FILE **f, const char *text, size_t len)
{
    char err[256];
    *f = tmpfile();
    if (!*f)
        return NULL;
    fwrite(text, 1, len, *f);
    rewind(*f);
    return tarmac_reader_from_stream(*f, err, sizeof err);
}

typedef struct expect {
    uint64_t line;
    tarmac_kind kind;
    const char *problem; /* a word of the message, for TARMAC_BAD */
} expect;

static void bad_lines_reported(void)
{
    static const char text[] =
        "1 clk IT (1) 00001000:00001000_NS d503201f O EL1h_n : NOP\n"   /* 1 */
        "12 clk\n"                                                      /* 2 */
        "13 clk IT (5) 0000\n"                                          /* 3 */
        "14 clk MR8\n"                                                  /* 4 */
        "15 clk MR8 zz0012:1000 1234\n"                                 /* 5 */
        "16 clk R TCR_EL1\n"                                            /* 6 */
        "\n"                                                            /* 7 */
        "17 clk R TLBI VAE1 zz:00\n"                                    /* 8 */
        "18 clk GARBAGE here\n"                                         /* 9 */
        "19 clk MW4 00001000:00001000_NS\n"                             /* 10 */
        "20 clk IT (x9) 00001000 d503201f O EL1h_n : NOP\n"             /* 11 */
        "21 clk R X0 0000zz00\n"                                        /* 12 */
        "22 clk E\n"                                                    /* 13 */
        "   # a comment line\n"                                         /* 14 */
        "23 clk IT (9) 00001000 d503\n"                                 /* 15 */
        "24 clk MR4 00001000:00001000_NS 12345678\r\n"                  /* 16 */
        "25 clk LD 00001000 ........\n"                                 /* 17 */
        "26 clk IT (10) 00001004 d503201f O EL1h_n : NOP";              /* 18, no newline */
    static const expect want[] = {
        {1, TARMAC_INSN, NULL},       {2, TARMAC_BAD, "timestamp"},
        {3, TARMAC_BAD, "truncated"}, {4, TARMAC_BAD, "no address"},
        {5, TARMAC_BAD, "address"},   {6, TARMAC_BAD, "no value"},
        {8, TARMAC_BAD, "operand"},   {9, TARMAC_UNKNOWN, NULL},
        {10, TARMAC_BAD, "no data"},  {11, TARMAC_BAD, "count"},
        {12, TARMAC_BAD, "value"},    {13, TARMAC_BAD, "truncated"},
        {15, TARMAC_BAD, "truncated"}, {16, TARMAC_MEM, NULL},
        {17, TARMAC_BAD, "no byte"},  {18, TARMAC_INSN, NULL},
    };
    FILE *f;
    tarmac_reader *r = reader_over(&f, text, sizeof text - 1);
    CHECK(r != NULL);
    if (!r)
        return;
    tarmac_record rec;
    char err[256];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
        CHECK_EQ(rec.line, want[i].line);
        CHECK_EQ(rec.kind, want[i].kind);
        if (want[i].problem)
            CHECK(rec.problem && strstr(rec.problem, want[i].problem));
        if (rec.line == 16) /* CR stripped: the data is whole */
            CHECK_EQ(rec.u.mem.data, 0x12345678);
        if (rec.line == 18)
            CHECK_EQ(rec.u.insn.pc.va, 0x1004);
    }
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 0);
    CHECK_EQ(tarmac_reader_lines(r), 18);
    CHECK_EQ(tarmac_reader_count(r, TARMAC_BAD), 12);
    CHECK_EQ(tarmac_reader_count(r, TARMAC_UNKNOWN), 1);
    tarmac_reader_close(r);
    fclose(f);
}

/* A NUL byte and a line longer than TARMAC_MAX_LINE are bad lines; the
 * lines after them keep their numbers. */
static void nul_and_overlong_lines(void)
{
    enum { LONG = 3 * TARMAC_MAX_LINE };
    static char text[LONG + 256];
    size_t n = 0;
    static const char nul_line[] = "1 clk R X0 00\0001\n";
    memcpy(text + n, nul_line, sizeof nul_line - 1);
    n += sizeof nul_line - 1;
    memcpy(text + n, "2 clk R X1 ", 11);
    n += 11;
    memset(text + n, '0', LONG);
    n += LONG;
    text[n++] = '\n';
    n += (size_t)snprintf(text + n, sizeof text - n, "3 clk R TTBR0_EL1 0000000080000000\n");

    FILE *f;
    tarmac_reader *r = reader_over(&f, text, n);
    CHECK(r != NULL);
    if (!r)
        return;
    tarmac_record rec;
    char err[256];
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
    CHECK_EQ(rec.line, 1);
    CHECK_EQ(rec.kind, TARMAC_BAD);
    CHECK(strstr(rec.problem, "NUL") != NULL);
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
    CHECK_EQ(rec.line, 2);
    CHECK_EQ(rec.kind, TARMAC_BAD);
    CHECK(strstr(rec.problem, "too long") != NULL);
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 1);
    CHECK_EQ(rec.line, 3);
    CHECK_EQ(rec.kind, TARMAC_SYSREG);
    CHECK_EQ(rec.u.reg.value, 0x80000000);
    CHECK_EQ(tarmac_reader_next(r, &rec, err, sizeof err), 0);
    tarmac_reader_close(r);
    fclose(f);
}

/* 40000 lines (about 2.4 MB) cross the reader's 1 MiB buffer twice: every
 * record comes back whole, in order. */
static void lines_across_buffer_refills(void)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    tarmac_writer w;
    tarmac_writer_init(&w, f, -1);
    for (uint64_t i = 0; i < 40000; i++)
        tarmac_write_mem(&w, i, (i & 1) ? TARMAC_MEM_WRITE : 0, 8, 0xffff000000000000u + i * 8, 0x80000000u + i * 8,
                         TARMAC_PAS_NS, i * 0x0101010101010101u);
    rewind(f);
    char err[256];
    tarmac_reader *r = tarmac_reader_from_stream(f, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fclose(f);
        return;
    }
    tarmac_record rec;
    uint64_t i = 0, wrong = 0;
    while (tarmac_reader_next(r, &rec, err, sizeof err) > 0) {
        wrong += rec.kind != TARMAC_MEM || rec.line != i + 1 || rec.time != i ||
                 rec.u.mem.addr.va != 0xffff000000000000u + i * 8 ||
                 rec.u.mem.addr.pa != 0x80000000u + i * 8 ||
                 rec.u.mem.data != i * 0x0101010101010101u || rec.u.mem.write != (i & 1);
        i++;
    }
    CHECK_EQ(i, 40000);
    CHECK_EQ(wrong, 0);
    tarmac_reader_close(r);
    fclose(f);
}

/* Every prefix of every sample line, and lines with random bytes
 * replaced: each parses to some record without crashing, and the kind is
 * in range (run under ASan/UBSan in the sanitizer build). */
static void truncations_and_corruption(void)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/tests/data/tarmac/tests_parsertest.txt", MMUSIM_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    uint32_t seed = 12345;
    unsigned parsed = 0, out_of_range = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        for (size_t cut = 0; cut <= len; cut++) {
            tarmac_state st;
            tarmac_record rec;
            tarmac_state_init(&st);
            tarmac_parse_line(&st, line, cut, 1, &rec);
            out_of_range += (unsigned)rec.kind >= TARMAC_KIND_COUNT;
            parsed++;
        }
        for (int round = 0; round < 8 && len; round++) {
            char copy[512];
            memcpy(copy, line, len);
            for (int k = 0; k < 3; k++) {
                seed = seed * 1103515245u + 12345u;
                copy[(seed >> 8) % len] = (char)(seed >> 16);
            }
            tarmac_state st;
            tarmac_record rec;
            tarmac_state_init(&st);
            tarmac_parse_line(&st, copy, len, 1, &rec);
            out_of_range += (unsigned)rec.kind >= TARMAC_KIND_COUNT;
            parsed++;
        }
    }
    fclose(f);
    CHECK(parsed > 10000);
    CHECK_EQ(out_of_range, 0);
}

static void missing_file(void)
{
    char err[256] = "";
    CHECK(tarmac_reader_open("/nonexistent/trace.tarmac", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent/trace.tarmac") != NULL);
}

TEST_MAIN(TEST(bad_lines_reported), TEST(nul_and_overlong_lines), TEST(lines_across_buffer_refills),
          TEST(truncations_and_corruption), TEST(missing_file))
