#define _POSIX_C_SOURCE 200809L /* open_memstream, strdup */
/* mmusim diff: round trips of the fixture guest's own trace (zero
 * disagreements in both modes), one altered PA, fault, PAR, TLBI operand
 * and abort each reported at its line, bad lines reported and skipped, a
 * synthetic trace replayed with no scenario, and the JSON report. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diff.h"
#include "diff_fixture.h"
#include "tarmac_sink.h"
#include "tarmac_synth.h"

/* ---- A trace as lines, to alter ------------------------------------------- */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void add_line(lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = strdup(s);
}

static lines read_lines(FILE *f)
{
    lines l = {0};
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        add_line(&l, buf);
    }
    fclose(f);
    return l;
}

static void free_lines(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static lines fixture_lines(void)
{
    char err[256];
    FILE *f = fixture_trace(TARMAC_SINK_MMU, 20, err, sizeof err);
    if (!f) {
        fprintf(stderr, "fixture: %s\n", err);
        exit(1);
    }
    return read_lines(f);
}

/* The 1-based number of the first line containing part (0: none). */
static uint64_t line_of(const lines *l, const char *part)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i], part))
            return i + 1;
    return 0;
}

/* A copy of l with `from` replaced by `to` in the first line holding it;
 * *at receives that line's number. */
static lines altered(const lines *l, const char *from, const char *to, uint64_t *at)
{
    lines c = {0};
    *at = line_of(l, from);
    CHECK(*at != 0);
    for (size_t i = 0; i < l->n; i++) {
        if (i + 1 != *at) {
            add_line(&c, l->v[i]);
            continue;
        }
        char buf[512];
        const char *p = strstr(l->v[i], from);
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - l->v[i]), l->v[i], to, p + strlen(from));
        add_line(&c, buf);
    }
    return c;
}

static FILE *as_file(const lines *l)
{
    FILE *f = tmpfile();
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%s\n", l->v[i]);
    rewind(f);
    return f;
}

/* ---- Running the diff -------------------------------------------------------- */

/* Diffs trace l against the fixture machine (max_insns: lock-step budget,
 * 0 for none); rep must be freed. */
static void diff_lines(const lines *l, bool lockstep, uint64_t max_insns, diff_report *rep)
{
    char err[256];
    machine *m = fixture_machine(err, sizeof err);
    CHECK(m != NULL);
    CHECK_EQ(diff_report_init(rep, lockstep ? "lockstep" : "replay", 10, err, sizeof err), 0);
    if (!m)
        return;
    m->max_insns = max_insns;
    FILE *f = as_file(l);
    tarmac_reader *r = tarmac_reader_from_stream(f, err, sizeof err);
    int rc = lockstep ? diff_lockstep(m, r, rep, err, sizeof err)
                      : diff_replay(m, r, rep, err, sizeof err);
    CHECK_EQ(rc, 0);
    tarmac_reader_close(r);
    fclose(f);
    fixture_free(m);
}

static void test_round_trip(void)
{
    lines l = fixture_lines();
    for (int lockstep = 0; lockstep < 2; lockstep++) {
        check_context = lockstep ? "lock-step" : "replay";
        diff_report rep;
        diff_lines(&l, lockstep, 0, &rep);
        CHECK_EQ(diff_disagreements(&rep), 0);
        for (size_t i = 0; i < rep.n_div; i++)
            fprintf(stderr, "line %" PRIu64 ": %s: %s / %s\n", rep.div[i].line,
                    diff_kind_name(rep.div[i].kind), rep.div[i].trace, rep.div[i].ours);
        CHECK(rep.agree[DIFF_FETCH_PA] >= FIX_INSNS + 1);
        /* store, load, descriptor store, load after the remap, load of page 2 */
        CHECK_EQ(rep.agree[DIFF_DATA_PA], 5);
        CHECK_EQ(rep.agree[DIFF_FAULT], 1);
        CHECK_EQ(rep.agree[DIFF_FAR], 1);
        CHECK_EQ(rep.agree[DIFF_PAR], 1);
        CHECK_EQ(rep.agree[DIFF_TLBI], 1);
        CHECK(rep.agree[DIFF_TTW] >= 4);
        CHECK(rep.agree[DIFF_TLB_FILL] >= 4);
        CHECK_EQ(rep.bad_lines + rep.unknown_lines, 0);
        CHECK_EQ(rep.lines, l.n);
        if (lockstep) {
            CHECK(rep.agree[DIFF_FLOW] >= FIX_INSNS + 1);
            CHECK(strstr(rep.stopped, "the trace ends") != NULL);
        } else {
            CHECK_EQ(rep.skipped.tlb_reloads + rep.skipped.untracked_reads, 0);
        }
        diff_report_free(&rep);
    }
    check_context = NULL;
    free_lines(&l);
}

/* Each alteration is reported once, as `kind`, at the altered line, in both
 * modes. */
static void expect_one(const lines *l, const char *from, const char *to, diff_kind kind)
{
    uint64_t at;
    lines c = altered(l, from, to, &at);
    for (int lockstep = 0; lockstep < 2; lockstep++) {
        char ctx[160];
        snprintf(ctx, sizeof ctx, "%s, %s -> %s", lockstep ? "lock-step" : "replay", from, to);
        check_context = ctx;
        diff_report rep;
        diff_lines(&c, lockstep, 0, &rep);
        CHECK_EQ(diff_disagreements(&rep), 1);
        CHECK_EQ(rep.disagree[kind], 1);
        CHECK_EQ(rep.n_div, 1);
        if (rep.n_div) {
            CHECK_EQ(rep.div[0].kind, kind);
            CHECK_EQ(rep.div[0].line, at);
            CHECK(rep.div[0].trace[0] && rep.div[0].ours[0]);
        }
        diff_report_free(&rep);
    }
    check_context = NULL;
    free_lines(&c);
}

static void test_alterations(void)
{
    lines l = fixture_lines();
    expect_one(&l, "MR8 80000008:000040200008_NS", "MR8 80000008:000040200010_NS", DIFF_DATA_PA);
    expect_one(&l, "R ESR_EL2 0000000096000006", "R ESR_EL2 0000000096000005", DIFF_FAULT);
    /* PAR_EL1 with another PA (bit 12 flipped). */
    uint64_t par_line = line_of(&l, "R PAR_EL1 ");
    CHECK(par_line != 0);
    if (par_line) {
        uint64_t par = strtoull(strstr(l.v[par_line - 1], "R PAR_EL1 ") + 10, NULL, 16);
        char from[40], to[40];
        snprintf(from, sizeof from, "R PAR_EL1 %016" PRIx64, par);
        snprintf(to, sizeof to, "R PAR_EL1 %016" PRIx64, par ^ 0x1000);
        expect_one(&l, from, to, DIFF_PAR);
    }
    expect_one(&l, "R TLBI VAE2 00000000:00080000", "R TLBI VAE2 00000000:00080001", DIFF_TLBI);
    expect_one(&l, "MR8 90000010 (ABORTED)", "MR8 90000010:000040000010_NS 00000000_00000000",
               DIFF_FAULT);
    expect_one(&l, "R FAR_EL2 0000000090000010", "R FAR_EL2 0000000090000018", DIFF_FAR);
    free_lines(&l);
}

/* Truncated and garbled lines: reported with their numbers; the rest is
 * compared as before. */
static void test_bad_lines(void)
{
    lines l = fixture_lines(), c = {0};
    uint64_t after = line_of(&l, "R AT S1E2R");
    for (size_t i = 0; i < l.n; i++) {
        add_line(&c, l.v[i]);
        if (i + 1 == after) {
            add_line(&c, "4 clk MR8");                    /* line after+1: truncated */
            add_line(&c, "4 clk R TLBI");                 /* after+2: no operation */
            add_line(&c, "4 clk WHATEVER 12 34");         /* after+3: unknown */
            add_line(&c, "4 clk MW4 zz:qq 1");            /* after+4: garbled address */
        }
    }
    for (int lockstep = 0; lockstep < 2; lockstep++) {
        check_context = lockstep ? "lock-step" : "replay";
        diff_report rep;
        diff_lines(&c, lockstep, 0, &rep);
        CHECK_EQ(diff_disagreements(&rep), 0);
        CHECK_EQ(rep.bad_lines, 3);
        CHECK_EQ(rep.unknown_lines, 1);
        CHECK_EQ(rep.n_bad, 3);
        if (rep.n_bad == 3) {
            CHECK_EQ(rep.bad[0].line, after + 1);
            CHECK_EQ(rep.bad[1].line, after + 2);
            CHECK_EQ(rep.bad[2].line, after + 4);
            CHECK(strstr(rep.bad[0].problem, "truncated") != NULL);
        }
        CHECK_EQ(rep.agree[DIFF_DATA_PA], 5);
        diff_report_free(&rep);
    }
    check_context = NULL;
    free_lines(&c);
    free_lines(&l);
}

/* Lock-step: the run stops (budget) before the trace does. */
static void test_run_stops_first(void)
{
    lines l = fixture_lines();
    diff_report rep;
    diff_lines(&l, true, 8, &rep);
    CHECK_EQ(rep.disagree[DIFF_FLOW], 1);
    CHECK(rep.n_div == 1 && strstr(rep.div[0].ours, "the run stopped") != NULL);
    CHECK(strstr(rep.stopped, "mmusim's run stopped first") != NULL);
    CHECK(rep.skipped.not_run > 0);
    diff_report_free(&rep);
    free_lines(&l);
}

/* A trace that builds its own page tables by stores: replay needs no
 * scenario, and every record is accounted for. */
static void test_synthetic_no_scenario(void)
{
    char err[256];
    FILE *f = tmpfile();
    tarmac_synth_opts o = {.lines = 30000, .data_pages = 64};
    tarmac_synth_stats st;
    CHECK_EQ(tarmac_synth_write(f, &o, &st, err, sizeof err), 0);
    rewind(f);
    lines l = read_lines(f);
    uint64_t at;
    lines c = altered(&l, "MR8 100000", "MR8 100001", &at); /* a load's VA: another page */
    for (int alter = 0; alter < 2; alter++) {
        machine *m = calloc(1, sizeof *m);
        CHECK_EQ(machine_init(m, err, sizeof err), 0);
        diff_report rep;
        CHECK_EQ(diff_report_init(&rep, "replay", 10, err, sizeof err), 0);
        FILE *tf = as_file(alter ? &c : &l);
        tarmac_reader *r = tarmac_reader_from_stream(tf, err, sizeof err);
        CHECK_EQ(diff_replay(m, r, &rep, err, sizeof err), 0);
        if (!alter) {
            CHECK_EQ(diff_disagreements(&rep), 0);
            CHECK_EQ(rep.agree[DIFF_FETCH_PA], st.insns);
            CHECK_EQ(rep.agree[DIFF_DATA_PA], st.loads + st.stores + st.table_stores);
            CHECK_EQ(rep.agree[DIFF_FAULT], st.aborts);
            CHECK_EQ(rep.agree[DIFF_PAR], st.ats);
            CHECK_EQ(rep.agree[DIFF_TLBI], st.tlbis);
            CHECK_EQ(rep.skipped.untracked_reads, 0);
            CHECK(st.aborts > 0 && st.ats > 0 && st.tlbis > 0);
        } else {
            CHECK_EQ(diff_disagreements(&rep), 1);
            CHECK(rep.n_div == 1 && rep.div[0].line == at &&
                  (rep.div[0].kind == DIFF_DATA_PA || rep.div[0].kind == DIFF_FAULT));
        }
        diff_report_free(&rep);
        tarmac_reader_close(r);
        fclose(tf);
        machine_destroy(m);
        free(m);
    }
    free_lines(&c);
    free_lines(&l);
}

/* The JSON report: counts, the divergence with its line and walk, bad lines. */
static void test_json_report(void)
{
    lines l = fixture_lines();
    uint64_t at;
    lines c = altered(&l, "MR8 80000008:000040200008_NS", "MR8 80000008:000040200010_NS", &at);
    add_line(&c, "99 clk MR8");
    diff_report rep;
    diff_lines(&c, false, 0, &rep);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    diff_report_json(&rep, "t.tarmac", f);
    fclose(f);
    cJSON *j = cJSON_Parse(text);
    CHECK(j != NULL);
    if (j) {
        CHECK_STR(cJSON_GetObjectItem(j, "mode")->valuestring, "replay");
        CHECK_EQ(cJSON_GetObjectItem(j, "disagreements")->valuedouble, 1);
        cJSON *counts = cJSON_GetObjectItem(j, "counts");
        CHECK_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(counts, "data-pa"), "disagree")->valuedouble, 1);
        cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "divergences"), 0);
        CHECK(d != NULL);
        if (d) {
            CHECK_STR(cJSON_GetObjectItem(d, "kind")->valuestring, "data-pa");
            CHECK_EQ(cJSON_GetObjectItem(d, "line")->valuedouble, at);
            CHECK_STR(cJSON_GetObjectItem(d, "trace")->valuestring, "PA 0x40200010");
            CHECK_STR(cJSON_GetObjectItem(d, "ours")->valuestring, "PA 0x40200008");
            cJSON *w = cJSON_GetObjectItem(d, "walk");
            CHECK(cJSON_IsObject(w) && cJSON_GetArraySize(cJSON_GetObjectItem(w, "reads")) == 3);
        }
        cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "bad"), 0);
        CHECK(b != NULL && cJSON_GetObjectItem(b, "line")->valuedouble == (double)c.n);
        cJSON_Delete(j);
    }
    free(text);
    /* The text report names the line and both answers. */
    text = NULL;
    f = open_memstream(&text, &len);
    diff_report_text(&rep, "t.tarmac", f);
    fclose(f);
    char want[64];
    snprintf(want, sizeof want, "line %" PRIu64 ": data-pa", at);
    CHECK(strstr(text, want) != NULL);
    CHECK(strstr(text, "trace:  PA 0x40200010") != NULL);
    CHECK(strstr(text, "s1 L3") != NULL);
    free(text);
    diff_report_free(&rep);
    free_lines(&c);
    free_lines(&l);
}

/* Corrupted traces (random bytes overwritten, lines cut short) are diffed
 * to the end in both modes without failing; run under ASan+UBSan in CI. */
static void test_corrupted_traces(void)
{
    lines l = fixture_lines();
    uint64_t rng = 12345;
    for (int round = 0; round < 60; round++) {
        lines c = {0};
        for (size_t i = 0; i < l.n; i++) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", l.v[i]);
            size_t n = strlen(buf);
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            if (n && (rng >> 60) < 3) { /* about one line in five */
                size_t at = (size_t)(rng >> 20) % n;
                if ((rng >> 10) & 1)
                    buf[at] = (char)(rng >> 40);
                else
                    buf[at] = '\0';
                if (!buf[0])
                    buf[0] = '?';
            }
            add_line(&c, buf);
        }
        diff_report rep;
        diff_lines(&c, round & 1, 0, &rep);
        diff_report_free(&rep);
        free_lines(&c);
    }
    free_lines(&l);
}

TEST_MAIN(TEST(test_round_trip), TEST(test_alterations), TEST(test_bad_lines),
          TEST(test_run_stops_first), TEST(test_synthetic_no_scenario), TEST(test_json_report),
          TEST(test_corrupted_traces))
