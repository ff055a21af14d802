/* The walk log: every JSON line parses back with the fields
 * docs/walk-record.md documents, 64-bit values as hex strings, levels
 * signed; the text form shows each descriptor read. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "walklog.h"

/* Runs `emit` against a log on a temporary file; returns its contents. */
static char *capture(walklog_format fmt, void (*emit)(walklog *))
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return NULL;
    walklog *l = walklog_from_stream(f, fmt);
    emit(l);
    char err[128];
    CHECK_EQ(walklog_close(l, err, sizeof err), 0);
    long n = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)n + 1);
    CHECK_EQ(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static uint64_t hex(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    CHECK(cJSON_IsString(v));
    if (!cJSON_IsString(v))
        return ~UINT64_C(0);
    CHECK(!strncmp(v->valuestring, "0x", 2));
    return strtoull(v->valuestring, NULL, 16);
}

/* As an integer: CHECK_EQ converts to uint64_t, which a negative double
 * (a level of -1) may not be converted to. */
static int64_t num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    CHECK(cJSON_IsNumber(v));
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -999;
}

static bool flag(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    CHECK(cJSON_IsBool(v));
    return cJSON_IsTrue(v);
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    CHECK(cJSON_IsString(v));
    return cJSON_IsString(v) ? v->valuestring : "";
}

static const walklog_where where = {1234, UINT64_C(0x40001008), 1, "ldr x0, [x1, #8] \"q\"\\"};

/* A 4K LPA2 stage-1 walk from level -1 under stage 2: the stage-1 L-1
 * table read, preceded by the stage-2 read that translated its IPA, and a
 * stage-1 leaf at level 3 with a hardware AF update. */
static mmu_walk lpa2_walk(void)
{
    mmu_walk w;
    memset(&w, 0, sizeof w);
    w.access = (mmu_access){.va = UINT64_C(0x000fffffc0001000), .kind = MMU_ACC_WRITE, .el = 1};
    w.regime = MMU_REGIME_EL10;
    w.s1_enabled = w.s2_enabled = true;
    w.asid = 7;
    w.vmid = 3;
    w.s1_granule = w.s2_granule = MMU_GRANULE_4K;
    w.s1_txsz = 12;
    w.s2_t0sz = 12;
    w.s1_ds = w.s2_ds = true;
    w.s1_start_level = -1;
    w.s2_start_level = 0;
    w.n_reads = 3;
    w.reads[0] = (mmu_desc_read){.stage = 2, .level = 0, .for_s1_level = -1, .index = 0,
                                 .table = UINT64_C(0x40100000), .ipa = UINT64_C(0x40100000),
                                 .pa = UINT64_C(0x40100000), .value = UINT64_C(0x40101003)};
    w.reads[1] = (mmu_desc_read){.stage = 1, .level = -1, .for_s1_level = MMU_NO_LEVEL, .index = 15,
                                 .table = UINT64_C(0x80000000), .ipa = UINT64_C(0x80000078),
                                 .pa = UINT64_C(0x10000000000078), .value = UINT64_C(0x80001003)};
    w.reads[2] = (mmu_desc_read){.stage = 1, .level = 3, .for_s1_level = MMU_NO_LEVEL, .index = 1,
                                 .table = UINT64_C(0x80003000), .ipa = UINT64_C(0x80003008),
                                 .pa = UINT64_C(0x80003008), .value = UINT64_C(0x00000000c0000743),
                                 .updated = true, .new_value = UINT64_C(0x00000000c0000f43)};
    w.result.ipa = UINT64_C(0xc0000000);
    w.result.pa = UINT64_C(0x000f000000000000);
    w.result.s1_size_shift = 12;
    w.result.s2_size_shift = 30;
    w.result.s1_level = 3;
    w.result.s2_level = 1;
    w.result.attr = (mmu_memattr){0xff, 3};
    w.result.s1_attr = (mmu_memattr){0xff, 3};
    w.result.s1perm.ap = 1;
    w.result.s2perm.s2ap = 3;
    w.result.r = w.result.w = true;
    return w;
}

static void emit_walk(walklog *l)
{
    mmu_walk w = lpa2_walk();
    walklog_walk(l, &where, "access", &w);
}

static void test_walk_json(void)
{
    char *text = capture(WALKLOG_JSONL, emit_walk);
    CHECK(text && strchr(text, '\n') == text + strlen(text) - 1); /* exactly one line */
    cJSON *o = cJSON_Parse(text);
    CHECK(o != NULL);
    if (!o) {
        free(text);
        return;
    }
    CHECK_STR(str(o, "type"), "walk");
    CHECK_EQ(num(o, "icount"), 1234);
    CHECK_EQ(hex(o, "pc"), 0x40001008);
    CHECK_EQ(num(o, "el"), 1);
    CHECK_STR(str(o, "insn"), where.insn); /* escapes round-trip */
    CHECK_STR(str(o, "origin"), "access");
    CHECK_STR(str(o, "regime"), "EL1&0");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "access");
    CHECK_EQ(hex(a, "va"), UINT64_C(0x000fffffc0001000));
    CHECK_STR(str(a, "kind"), "write");
    CHECK_EQ(num(a, "el"), 1);
    CHECK(!flag(a, "unpriv") && !flag(a, "pan") && !flag(a, "s1_only") && !flag(a, "no_update"));
    const cJSON *s1 = cJSON_GetObjectItemCaseSensitive(o, "s1");
    CHECK(flag(s1, "enabled"));
    CHECK_EQ(num(s1, "ttbr"), 0);
    CHECK_EQ(num(s1, "asid"), 7);
    CHECK_STR(str(s1, "granule"), "4K");
    CHECK_EQ(num(s1, "txsz"), 12);
    CHECK(flag(s1, "ds"));
    CHECK_EQ(num(s1, "start_level"), -1);
    const cJSON *s2 = cJSON_GetObjectItemCaseSensitive(o, "s2");
    CHECK(flag(s2, "enabled"));
    CHECK_EQ(num(s2, "vmid"), 3);
    CHECK_EQ(num(s2, "t0sz"), 12);
    CHECK_EQ(num(s2, "start_level"), 0);

    const cJSON *reads = cJSON_GetObjectItemCaseSensitive(o, "reads");
    CHECK_EQ(cJSON_GetArraySize(reads), 3);
    const cJSON *r0 = cJSON_GetArrayItem(reads, 0), *r1 = cJSON_GetArrayItem(reads, 1),
                *r2 = cJSON_GetArrayItem(reads, 2);
    CHECK_EQ(num(r0, "stage"), 2);
    CHECK_EQ(num(r0, "for_s1_level"), -1);
    CHECK_EQ(num(r1, "level"), -1);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r1, "for_s1_level")));
    CHECK_EQ(num(r1, "index"), 15);
    CHECK_EQ(hex(r1, "table"), 0x80000000);
    CHECK_EQ(hex(r1, "ipa"), 0x80000078);
    CHECK_EQ(hex(r1, "pa"), UINT64_C(0x10000000000078)); /* above 2^52-1 bits still exact */
    CHECK_EQ(hex(r1, "value"), 0x80001003);
    CHECK(!flag(r1, "updated"));
    CHECK(cJSON_GetObjectItemCaseSensitive(r1, "new_value") == NULL);
    CHECK(flag(r2, "updated"));
    CHECK_EQ(hex(r2, "new_value"), 0xc0000f43);

    CHECK(cJSON_GetObjectItemCaseSensitive(o, "fault") == NULL);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
    CHECK_EQ(hex(res, "pa"), UINT64_C(0x000f000000000000));
    CHECK_EQ(hex(res, "ipa"), 0xc0000000);
    CHECK_EQ(num(res, "s1_size_shift"), 12);
    CHECK_EQ(num(res, "s2_size_shift"), 30);
    CHECK_EQ(num(res, "s1_level"), 3);
    CHECK_EQ(num(res, "s2_level"), 1);
    CHECK_EQ(num(cJSON_GetObjectItemCaseSensitive(res, "s1_perms"), "ap"), 1);
    CHECK_EQ(num(cJSON_GetObjectItemCaseSensitive(res, "s2_perms"), "s2ap"), 3);
    CHECK_EQ(hex(cJSON_GetObjectItemCaseSensitive(res, "attr"), "attr"), 0xff);
    CHECK(flag(res, "r") && flag(res, "w") && !flag(res, "x"));
    cJSON_Delete(o);
    free(text);
}

/* Faults: the FSC follows EncodeLDFSC (notes 4.2): translation at level -1
 * is 0x2B; a stage-2 translation fault at level 0 on a stage-1 walk is
 * 0x04 with S1PTW and the IPA. */
static void emit_faults(walklog *l)
{
    mmu_walk w = lpa2_walk();
    w.n_reads = 2;
    w.reads[1].value = 0;
    w.fault = (mmu_fault){.type = MMU_FAULT_TRANSLATION, .stage = 1, .level = -1, .write = true};
    walklog_walk(l, &where, "access", &w);
    w.n_reads = 1;
    w.reads[0].value = 0;
    w.fault = (mmu_fault){.type = MMU_FAULT_TRANSLATION, .stage = 2, .level = 0, .s1ptw = true,
                          .ipa_valid = true, .ipa = UINT64_C(0x80000078)};
    walklog_walk(l, &where, "at", &w);
}

static void test_fault_json(void)
{
    char *text = capture(WALKLOG_JSONL, emit_faults);
    char *second = text ? strchr(text, '\n') : NULL;
    CHECK(second != NULL);
    if (!second) {
        free(text);
        return;
    }
    *second++ = '\0';
    cJSON *a = cJSON_Parse(text), *b = cJSON_Parse(second);
    CHECK(a && b);
    if (a && b) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(a, "fault");
        CHECK(cJSON_GetObjectItemCaseSensitive(a, "result") == NULL);
        CHECK_STR(str(f, "type"), "translation");
        CHECK_EQ(num(f, "stage"), 1);
        CHECK_EQ(num(f, "level"), -1);
        CHECK(!flag(f, "s1ptw"));
        CHECK(flag(f, "write"));
        CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, "ipa")));
        CHECK_EQ(hex(f, "fsc"), 0x2B);
        f = cJSON_GetObjectItemCaseSensitive(b, "fault");
        CHECK_STR(str(b, "origin"), "at");
        CHECK_EQ(num(f, "stage"), 2);
        CHECK_EQ(num(f, "level"), 0);
        CHECK(flag(f, "s1ptw"));
        CHECK_EQ(hex(f, "ipa"), 0x80000078);
        CHECK_EQ(hex(f, "fsc"), 0x04);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(text);
}

static void emit_others(walklog *l)
{
    walklog_tlbi t = {.op = "RVAE1IS", .has_operand = true, .operand = UINT64_C(0x0007400000000010),
                      .has_asid = true, .asid = 7, .has_range = true,
                      .start = UINT64_C(0x100000), .end = UINT64_C(0x104000), .removed = 2};
    walklog_tlbi_op(l, &where, &t);
    walklog_exception e = {.kind = "data-abort", .from_el = 1, .to_el = 2,
                           .esr = UINT64_C(0x92000084), .elr = UINT64_C(0x40001008),
                           .spsr = 0x3c5, .has_far = true, .far = UINT64_C(0xfffffc0001000),
                           .has_hpfar = true, .hpfar = UINT64_C(0x8000070),
                           .vector = UINT64_C(0x40000400)};
    walklog_exception_taken(l, &where, &e);
    walklog_register_write(l, &where, "TCR_EL1", 0, UINT64_C(0x800000000000000c));
}

static void test_other_records(void)
{
    char *text = capture(WALKLOG_JSONL, emit_others);
    CHECK(text != NULL);
    if (!text)
        return;
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *o = cJSON_Parse(line);
        CHECK(o != NULL);
        if (!o)
            continue;
        const char *type = str(o, "type");
        CHECK_EQ(num(o, "icount"), 1234);
        if (!strcmp(type, "tlbi")) {
            CHECK_STR(str(o, "op"), "RVAE1IS");
            CHECK_EQ(hex(o, "operand"), UINT64_C(0x0007400000000010));
            CHECK_EQ(num(o, "asid"), 7);
            CHECK_EQ(hex(o, "start"), 0x100000);
            CHECK_EQ(hex(o, "end"), 0x104000);
            CHECK_EQ(num(o, "removed"), 2);
            CHECK(cJSON_GetObjectItemCaseSensitive(o, "vmid") == NULL);
        } else if (!strcmp(type, "exception")) {
            CHECK_STR(str(o, "kind"), "data-abort");
            CHECK_EQ(num(o, "from_el"), 1);
            CHECK_EQ(num(o, "to_el"), 2);
            CHECK_EQ(hex(o, "esr"), 0x92000084);
            CHECK_EQ(num(o, "ec"), 0x24); /* ESR[31:26] */
            CHECK_EQ(hex(o, "far"), UINT64_C(0xfffffc0001000));
            CHECK_EQ(hex(o, "hpfar"), 0x8000070);
            CHECK_EQ(hex(o, "vector"), 0x40000400);
        } else if (!strcmp(type, "register")) {
            CHECK_STR(str(o, "reg"), "TCR_EL1");
            CHECK_EQ(hex(o, "old"), 0);
            CHECK_EQ(hex(o, "new"), UINT64_C(0x800000000000000c));
        } else {
            CHECK(!"unexpected record type");
        }
        cJSON_Delete(o);
    }
    CHECK_EQ(lines, 3);
    free(text);
}

static void test_text(void)
{
    char *text = capture(WALKLOG_TEXT, emit_walk);
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK(strstr(text, "#1234 EL1 pc=0x40001008 ldr x0") == text);
    CHECK(strstr(text, "va=0xfffffc0001000") != NULL);
    CHECK(strstr(text, "sl=-1") != NULL);
    CHECK(strstr(text, "s1 L-1 [  15] @0x10000000000078 = 0x0000000080001003") != NULL);
    CHECK(strstr(text, "s2 L0  [   0] @0x40100000 = 0x0000000040101003  (for s1 L-1)") != NULL);
    CHECK(strstr(text, "-> 0x00000000c0000f43") != NULL);
    CHECK(strstr(text, "-> pa=0xf000000000000 ipa=0xc0000000 s1 4K L3 s2 1G L1 attr=0xff sh=3 rw-") != NULL);
    free(text);
}

static void test_selection(void)
{
    FILE *f = tmpfile();
    walklog *l = walklog_from_stream(f, WALKLOG_JSONL);
    walklog_select(l, WALKLOG_TLBIS);
    CHECK(walklog_wants(l, WALKLOG_TLBIS));
    CHECK(!walklog_wants(l, WALKLOG_WALKS));
    CHECK(!walklog_wants(NULL, WALKLOG_WALKS));
    emit_walk(l);
    char err[64];
    CHECK_EQ(walklog_close(l, err, sizeof err), 0);
    CHECK_EQ(ftell(f), 0);
    fclose(f);
}

/* Many records through the 64 KiB buffer: every line still parses. */
static void emit_many(walklog *l)
{
    mmu_walk w = lpa2_walk();
    w.n_reads = MMU_MAX_READS;
    for (int i = 3; i < MMU_MAX_READS; i++)
        w.reads[i] = w.reads[i % 3];
    for (int i = 0; i < 500; i++) {
        w.access.va = (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15);
        walklog_walk(l, &where, "replay", &w);
    }
}

static void test_many(void)
{
    char *text = capture(WALKLOG_JSONL, emit_many);
    CHECK(text != NULL);
    if (!text)
        return;
    int lines = 0, bad = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *o = cJSON_Parse(line);
        if (!o || cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "reads")) != MMU_MAX_READS)
            bad++;
        cJSON_Delete(o);
    }
    CHECK_EQ(lines, 500);
    CHECK_EQ(bad, 0);
    free(text);
}

static void test_open_errors(void)
{
    walklog *l;
    char err[256] = "";
    CHECK_EQ(walklog_open(&l, "/nonexistent-dir/x.jsonl", WALKLOG_JSONL, err, sizeof err), -1);
    CHECK(l == NULL);
    CHECK(strstr(err, "/nonexistent-dir/x.jsonl") != NULL);
    CHECK_EQ(walklog_close(NULL, err, sizeof err), 0);
}

/* Strings longer than the writer keeps (256 characters) are clipped, and
 * control characters escaped, without breaking the record. */
static char long_insn[10000];

static void emit_long(walklog *l)
{
    memset(long_insn, '\x01', sizeof long_insn - 1);
    walklog_where w = where;
    w.insn = long_insn;
    mmu_walk wk = lpa2_walk();
    wk.n_reads = MMU_MAX_READS;
    for (int i = 0; i < MMU_MAX_READS; i++)
        wk.reads[i] = wk.reads[2];
    for (int i = 0; i < 20; i++)
        walklog_walk(l, &w, long_insn, &wk);
    walklog_tlbi t = {.op = long_insn, .removed = -1};
    walklog_tlbi_op(l, &w, &t);
}

static void test_long_strings(void)
{
    char *text = capture(WALKLOG_JSONL, emit_long);
    CHECK(text != NULL);
    if (!text)
        return;
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *o = cJSON_Parse(line);
        CHECK(o != NULL);
        if (o)
            CHECK_EQ(strlen(str(o, "insn")), 256);
        cJSON_Delete(o);
    }
    CHECK_EQ(lines, 21);
    free(text);
    text = capture(WALKLOG_TEXT, emit_long);
    CHECK(text && strlen(text) > 20 * MMU_MAX_READS * 50);
    free(text);
}

TEST_MAIN(TEST(test_walk_json), TEST(test_long_strings), TEST(test_fault_json), TEST(test_other_records), TEST(test_text),
          TEST(test_selection), TEST(test_many), TEST(test_open_errors))
