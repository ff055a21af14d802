/* Scenario parser: a full scenario parses into the documented struct;
 * every error names the file and the key path; truncated or mangled input
 * never crashes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "desc.h"
#include "scenario.h"

static const char valid[] =
    "{\n"
    "  \"name\": \"t\", \"description\": \"a test\",\n"
    "  \"cpu\": {\"preset\": \"lpa\", \"fields\": {\"ID_AA64MMFR0_EL1.TGran4\": 1, \"ID_AA64ISAR0_EL1.TLB\": \"0x1\"}},\n"
    "  \"memory\": [{\"base\": \"0x4000_0000\", \"size\": \"128M\", \"name\": \"ram\"},\n"
    "             {\"base\": \"0x000f000000000000\", \"size\": 65536, \"name\": \"high\"}],\n"
    "  \"images\": [{\"file\": \"guests/a.elf\"}, {\"file\": \"/abs/b.bin\", \"format\": \"raw\", \"load\": \"0x40080000\"}],\n"
    "  \"entry\": {\"el\": 1, \"sp_el0\": true, \"pc\": \"0x40080000\", \"sp\": \"0x40100000\", \"regs\": {\"x0\": 5, \"x30\": \"0xffffffffffffffff\"}},\n"
    "  \"tlb\": {\"mode\": \"sized\", \"entries\": 64, \"ways\": 4, \"policy\": \"fifo\", \"walk_entries\": 32},\n"
    "  \"registers\": {\"TCR_EL1\": \"0x800000000000000c\", \"vtcr_el2\": 12, \"TTBR0_EL1\": \"0x0007000000000000\"},\n"
    "  \"page_tables\": [\n"
    "    {\"name\": \"s1\", \"stage\": 1, \"granule\": \"4K\", \"ds\": true, \"ia_bits\": 52,\n"
    "     \"table_memory\": {\"base\": \"0x40400000\", \"size\": \"1M\"}, \"root\": \"TTBR0_EL1\",\n"
    "     \"mappings\": [{\"ia\": 0, \"oa\": \"0x40000000\", \"size\": \"2M\", \"attr_index\": 1, \"ap\": \"ro-el0\", \"ng\": true, \"pxn\": true},\n"
    "                  {\"ia\": \"0x200000\", \"oa\": \"0x000f000000000000\", \"size\": \"64K\", \"af\": false, \"contiguous\": true, \"pages_only\": true}]},\n"
    "    {\"stage\": 2, \"granule\": \"64K\", \"lpa\": true, \"ia_bits\": 52, \"start_level\": 1,\n"
    "     \"table_memory\": \"high\", \"root\": \"VTTBR_EL2\",\n"
    "     \"mappings\": [{\"ia\": 0, \"oa\": 0, \"size\": \"0x10000\", \"memattr\": 5, \"s2ap\": \"ro\", \"xn\": 3, \"sh\": 2}]}\n"
    "  ],\n"
    "  \"log\": {\"file\": \"walks.jsonl\", \"format\": \"text\", \"registers\": false},\n"
    "  \"expect\": {\"uart\": \"ok\\n\", \"exit_code\": 0, \"walks\": {\"min\": 3}, \"faults\": 1, \"tlbis\": {\"min\": 1, \"max\": 2}},\n"
    "  \"max_insns\": 1000000\n"
    "}\n";

static void test_valid(void)
{
    scenario s;
    char err[512] = "";
    int rc = scenario_parse(&s, valid, strlen(valid), "dir/x.json", err, sizeof err);
    CHECK_EQ(rc, 0);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        scenario_free(&s);
        return;
    }
    CHECK_STR(s.name, "t");
    CHECK_STR(s.preset->name, "lpa");
    CHECK_EQ(s.n_fields, 2);
    CHECK_STR(s.fields[0].name, "ID_AA64MMFR0_EL1.TGran4");
    CHECK_EQ(s.fields[1].value, 1);
    CHECK_EQ(s.n_regions, 2);
    CHECK_EQ(s.regions[0].base, 0x40000000);
    CHECK_EQ(s.regions[0].size, 128u << 20);
    CHECK_STR(s.regions[0].name, "ram");
    CHECK_EQ(s.regions[1].base, UINT64_C(0x000f000000000000));
    CHECK_STR(s.regions[1].name, "high");
    CHECK_EQ(s.n_images, 2);
    CHECK_STR(s.images[0].path, "dir/guests/a.elf");
    CHECK_EQ(s.images[0].format, SCN_IMAGE_ELF);
    CHECK_STR(s.images[1].path, "/abs/b.bin");
    CHECK_EQ(s.images[1].format, SCN_IMAGE_RAW);
    CHECK_EQ(s.images[1].load, 0x40080000);
    CHECK_EQ(s.entry.el, 1);
    CHECK(s.entry.sp_el0);
    CHECK(s.entry.has_pc && s.entry.pc == 0x40080000);
    CHECK(s.entry.has_sp && s.entry.sp == 0x40100000);
    CHECK_EQ(s.entry.x_set, (1u << 0) | (1u << 30));
    CHECK_EQ(s.entry.x[30], ~UINT64_C(0));
    CHECK(s.tlb.set);
    CHECK_EQ(s.tlb.entries, 64);
    CHECK_EQ(s.tlb.ways, 4);
    CHECK_EQ(s.tlb.policy, SCN_TLB_FIFO);
    CHECK_EQ(s.tlb.walk_entries, 32);
    mmu_tlb_config cfg;
    scenario_tlb_config(&s, &cfg);
    CHECK_EQ(cfg.mode, MMU_TLB_BOUNDED);
    CHECK_EQ(cfg.entries, 64);
    CHECK_EQ(cfg.ways, 4);
    CHECK_EQ(cfg.policy, MMU_TLB_FIFO);
    CHECK_EQ(cfg.walk_entries, 32);
    CHECK_EQ(cfg.walk_ways, 32); /* fully associative */
    CHECK(s.reg_set[MMU_TCR_EL1] && s.reg_set[MMU_VTCR_EL2] && !s.reg_set[MMU_TCR_EL2]);
    CHECK_EQ(s.reg[MMU_TCR_EL1], UINT64_C(0x800000000000000c));
    CHECK_EQ(s.reg[MMU_VTCR_EL2], 12);

    CHECK_EQ(s.n_tables, 2);
    const scn_page_table *t = &s.tables[0];
    CHECK_STR(t->name, "s1");
    CHECK_EQ(t->fmt.stage, 1);
    CHECK_EQ(t->fmt.granule, MMU_GRANULE_4K);
    CHECK(t->fmt.ds && !t->fmt.lpa);
    CHECK_EQ(t->fmt.ia_bits, 52);
    CHECK_EQ(t->fmt.start_level, MMU_NO_LEVEL);
    CHECK_EQ(t->root_reg, MMU_TTBR0_EL1);
    CHECK_EQ(t->n_mappings, 2);
    /* Stage-1 leaf attributes (DDI0487 D8.3): AttrIndx[4:2] = 1, AP[7:6] =
     * 0b11 (read-only, EL0 too), AF[10], nG[11], PXN[53]; with DS the SH
     * bits [9:8] are address bits and stay clear. */
    CHECK_EQ(t->mappings[0].attrs, (1u << 2) | (3u << 6) | (1u << 10) | (1u << 11) | (UINT64_C(1) << 53));
    CHECK_EQ(t->mappings[0].flags, 0);
    CHECK_EQ(t->mappings[1].attrs, 0); /* af: false; attr index 0, AP 0 */
    CHECK_EQ(t->mappings[1].flags, MMU_MAP_CONTIG | MMU_MAP_PAGES_ONLY);
    t = &s.tables[1];
    CHECK_EQ(t->fmt.stage, 2);
    CHECK_EQ(t->fmt.granule, MMU_GRANULE_64K);
    CHECK(t->fmt.lpa);
    CHECK_EQ(t->fmt.start_level, 1);
    CHECK_EQ(t->root_reg, MMU_VTTBR_EL2);
    CHECK_EQ(t->mem_base, UINT64_C(0x000f000000000000)); /* the region named "high" */
    CHECK_EQ(t->mem_size, 65536);
    /* Stage-2 leaf: MemAttr[5:2] = 5, S2AP[7:6] = 0b01 (read), SH = 2,
     * AF, XN[54:53] = 3. */
    CHECK_EQ(t->mappings[0].attrs, (5u << 2) | (1u << 6) | (2u << 8) | (1u << 10) | (UINT64_C(3) << 53));

    CHECK_STR(s.log.file, "walks.jsonl");
    CHECK_EQ(s.log.format, WALKLOG_TEXT);
    CHECK_EQ(s.log.kinds, WALKLOG_ALL & ~WALKLOG_REGISTERS);
    CHECK_STR(s.expect.uart, "ok\n");
    CHECK(s.expect.has_exit_code && s.expect.exit_code == 0);
    CHECK(s.expect.walks.set && s.expect.walks.min == 3 && s.expect.walks.max == UINT64_MAX);
    CHECK(s.expect.faults.min == 1 && s.expect.faults.max == 1);
    CHECK(!s.expect.exceptions.set);
    CHECK_EQ(s.max_insns, 1000000);
    scenario_free(&s);
}

static void test_defaults(void)
{
    scenario s;
    char err[256];
    CHECK_EQ(scenario_parse(&s, "{}", 2, "x.json", err, sizeof err), 0);
    CHECK_STR(s.preset->name, "max");
    CHECK_EQ(s.n_regions, 1);
    CHECK_EQ(s.regions[0].base, 0x40000000); /* QEMU virt RAM */
    CHECK_EQ(s.regions[0].size, 128u << 20);
    CHECK_EQ(s.entry.el, 2);                 /* EL2h, as -M virt,virtualization=on */
    CHECK(!s.entry.sp_el0 && !s.entry.has_pc);
    CHECK(!s.tlb.set);
    mmu_tlb_config cfg;
    scenario_tlb_config(&s, &cfg);
    CHECK_EQ(cfg.mode, MMU_TLB_BOUNDED);
    CHECK_EQ(cfg.entries, SCN_DEFAULT_TLB_ENTRIES);
    CHECK_EQ(cfg.ways, SCN_DEFAULT_TLB_WAYS);
    CHECK_EQ(cfg.walk_entries, 0);
    CHECK_EQ(s.log.kinds, WALKLOG_ALL);
    CHECK(s.log.file == NULL);
    CHECK_STR(s.dir, ".");
    scenario_free(&s);

    CHECK_EQ(scenario_for_elf(&s, "build/prog.elf", err, sizeof err), 0);
    CHECK_EQ(s.n_images, 1);
    CHECK_STR(s.images[0].path, "build/prog.elf");
    CHECK_EQ(s.entry.el, 2);
    scenario_free(&s);
}

/* Each bad input gives exactly this message. */
static const struct {
    const char *text;
    const char *message;
} bad[] = {
    {"{\"bogus\": 1}", "c/x.json: bogus: unknown key (expected one of: name, description, cpu, memory, "
                       "images, entry, tlb, registers, page_tables, log, expect, max_insns)"},
    {"{\"memory\": [{\"base\": 0, \"size\": \"4K\"}, {\"base\": \"0x100000\", \"size\": true}]}",
     "c/x.json: memory[1].size: expected a number or hex string, found a boolean"},
    {"{\"memory\": [{\"base\": \"0xZZ\", \"size\": 4096}]}",
     "c/x.json: memory[0].base: bad number \"0xZZ\" (expected hex \"0x...\", decimal, or decimal with "
     "K/M/G/T, fitting 64 bits)"},
    {"{\"memory\": [{\"base\": \"0x10000000000000000\", \"size\": 4096}]}",
     "c/x.json: memory[0].base: bad number \"0x10000000000000000\" (expected hex \"0x...\", decimal, or "
     "decimal with K/M/G/T, fitting 64 bits)"},
    {"{\"memory\": [{\"base\": 0, \"size\": 4096, \"colour\": \"red\"}]}",
     "c/x.json: memory[0].colour: unknown key (expected one of: base, size, name)"},
    {"{\"memory\": [{\"base\": 0, \"size\": 8192}, {\"base\": 4096, \"size\": 4096}]}",
     "c/x.json: memory[1]: overlaps memory[0]"},
    {"{\"memory\": [{\"base\": \"0x000ffffffffff000\", \"size\": 8192}]}",
     "c/x.json: memory[0]: region must lie within the 52-bit physical address space"},
    {"{\"memory\": [{\"base\": 1.5, \"size\": 4096}]}",
     "c/x.json: memory[0].base: expected a non-negative integer below 2^53 (use a hex string such as "
     "\"0x1000\" for larger values)"},
    /* Beyond uint64_t and infinite: rejected before any conversion (found
     * by tools/fuzz/run_scenario.sh: UBSan, float-cast-overflow). */
    {"{\"memory\": [{\"base\": 1e25, \"size\": 4096}]}",
     "c/x.json: memory[0].base: expected a non-negative integer below 2^53 (use a hex string such as "
     "\"0x1000\" for larger values)"},
    {"{\"memory\": [{\"base\": 0, \"size\": -1e999}]}",
     "c/x.json: memory[0].size: expected a non-negative integer below 2^53 (use a hex string such as "
     "\"0x1000\" for larger values)"},
    {"{\"cpu\": {\"preset\": \"v9\"}}",
     "c/x.json: cpu.preset: unknown preset \"v9\" (known: max, v8.0, lpa, pa48-va52, lpa-va48, lpa2-va48)"},
    {"{\"cpu\": {\"fields\": {\"ID_AA64MMFR0_EL1.TGran4\": 16}}}",
     "c/x.json: cpu.fields.ID_AA64MMFR0_EL1.TGran4: value 0x10 does not fit the field (max 0xf)"},
    {"{\"entry\": {\"el\": 3}}", "c/x.json: entry.el: expected an integer in [0, 2]"},
    {"{\"entry\": {\"el\": 2.9e26}}", "c/x.json: entry.el: expected an integer in [0, 2]"},
    {"{\"entry\": {\"el\": -1e999}}", "c/x.json: entry.el: expected an integer in [0, 2]"},
    {"{\"entry\": {\"regs\": {\"x31\": 0}}}", "c/x.json: entry.regs.x31: unknown register (expected x0..x30)"},
    {"{\"registers\": {\"TCR_EL3\": 0}}",
     "c/x.json: registers.TCR_EL3: unknown translation register (e.g. TCR_EL1, VTCR_EL2, HCR_EL2)"},
    {"{\"registers\": {\"ID_AA64MMFR0_EL1\": 0}}",
     "c/x.json: registers.ID_AA64MMFR0_EL1: ID registers are set through cpu.preset and cpu.fields"},
    {"{\"tlb\": {\"mode\": \"huge\"}}",
     "c/x.json: tlb.mode: unknown value \"huge\" (expected one of \"sized\", \"none\", \"unbounded\")"},
    {"{\"tlb\": {\"entries\": 10, \"ways\": 4}}", "c/x.json: tlb.ways: 10 entries cannot be split into 4 ways"},
    {"{\"tlb\": {\"entries\": 48, \"ways\": 4}}",
     "c/x.json: tlb.ways: 48 entries / 4 ways = 12 sets, not a power of two"},
    {"{\"tlb\": {\"walk_entries\": 24, \"walk_ways\": 4}}",
     "c/x.json: tlb.walk_ways: 24 entries / 4 ways = 6 sets, not a power of two"},
    {"{\"tlb\": {\"seed\": 7}}", "c/x.json: tlb.seed: applies only to policy \"random\""},
    {"{\"tlb\": {\"mode\": \"none\", \"entries\": 16}}",
     "c/x.json: tlb: entries, ways and policy apply only to mode \"sized\""},
    {"{\"images\": [{\"file\": \"a.bin\", \"format\": \"raw\"}]}",
     "c/x.json: images[0]: a raw image needs \"load\" (its physical address)"},
    {"{\"page_tables\": [{\"stage\": 2, \"granule\": \"4K\", \"ia_bits\": 40, \"root\": \"VTTBR_EL2\", "
     "\"table_memory\": {\"base\": \"0x40000000\", \"size\": \"64K\"}}]}",
     "c/x.json: page_tables[0]: a stage-2 table needs \"start_level\" (as VTCR_EL2.SL0/SL2 select)"},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48, \"root\": \"VTTBR_EL2\", "
     "\"table_memory\": {\"base\": \"0x40000000\", \"size\": \"64K\"}}]}",
     "c/x.json: page_tables[0].root: a stage-1 root goes to TTBR0_EL1, TTBR1_EL1, TTBR0_EL2 or TTBR1_EL2"},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48, \"root\": \"TTBR0_EL1\", "
     "\"table_memory\": {\"base\": \"0x10000\", \"size\": \"64K\"}}]}",
     "c/x.json: page_tables[0].table_memory: must be a non-empty range inside one memory region"},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ds\": true, \"ia_bits\": 48, \"root\": "
     "\"TTBR0_EL1\", \"table_memory\": {\"base\": \"0x40000000\", \"size\": \"64K\"}, \"mappings\": "
     "[{\"ia\": 0, \"oa\": 0, \"size\": 4096, \"sh\": 3}]}]}",
     "c/x.json: page_tables[0].mappings[0].sh: not available with ds (descriptor bits [9:8] hold "
     "OA[51:50]; shareability comes from TCR/VTCR)"},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48, \"root\": \"TTBR0_EL1\", "
     "\"table_memory\": {\"base\": \"0x40000000\", \"size\": \"64K\"}, \"mappings\": "
     "[{\"ia\": 0, \"oa\": 0, \"size\": 4096, \"s2ap\": 3}]}]}",
     "c/x.json: page_tables[0].mappings[0].s2ap: not a stage-1 attribute"},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48, \"root\": \"TTBR0_EL1\", "
     "\"table_memory\": {\"base\": \"0x40000000\", \"size\": \"64K\"}, \"mappings\": "
     "[{\"ia\": 0, \"size\": 4096}]}]}",
     "c/x.json: page_tables[0].mappings[0]: needs \"oa\""},
    {"{\"page_tables\": [{\"stage\": 1, \"granule\": \"4K\", \"ia_bits\": 48, \"root\": \"TTBR0_EL1\", "
     "\"table_memory\": \"tables\"}]}",
     "c/x.json: page_tables[0].table_memory: no memory region named \"tables\""},
    {"{\"expect\": {\"walks\": {\"min\": 5, \"max\": 2}}}", "c/x.json: expect.walks: min is above max"},
    {"{\"expect\": {\"exit_code\": \"zero\"}}",
     "c/x.json: expect.exit_code: expected an integer in [0, 255], found \"zero\""},
    {"{\"name\": \"a\", \"name\": \"b\"}", "c/x.json: name: key given twice"},
    {"[1, 2]", "c/x.json: expected an object, found an array"},
    {"{\"max_insns\": 0}", "c/x.json: max_insns: must be at least 1"},
    {"{\"log\": {\"format\": \"xml\"}}",
     "c/x.json: log.format: unknown value \"xml\" (expected one of \"jsonl\", \"text\")"},
    {"{\n  \"name\": \"a\",\n  \"cpu\": {\"preset\" \"max\"}\n}", "c/x.json:3:20: malformed JSON"},
    {"{\"name\": \"a\"", "c/x.json:1:12: malformed JSON"},
    {"{} {}", "c/x.json:1:4: unexpected text after the scenario object"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scenario s;
        char err[512] = "";
        check_context = bad[i].text;
        CHECK_EQ(scenario_parse(&s, bad[i].text, strlen(bad[i].text), "c/x.json", err, sizeof err), -1);
        CHECK_STR(err, bad[i].message);
        scenario_free(&s);
    }
}

static void test_missing_file(void)
{
    scenario s;
    char err[512] = "";
    CHECK_EQ(scenario_load(&s, "/nonexistent/dir/s.json", err, sizeof err), -1);
    CHECK_STR(err, "/nonexistent/dir/s.json: cannot open: No such file or directory");
    scenario_free(&s);
}

/* Every prefix of a valid scenario, and many single-byte mutations of it:
 * the parser returns (ok or an error naming the file), never crashes or
 * leaks (ASan builds check the latter). */
static void test_truncations(void)
{
    size_t n = strlen(valid), failures = 0;
    char *buf = malloc(n + 1);
    for (size_t len = 0; len < n; len++) {
        memcpy(buf, valid, len);
        buf[len] = '\0';
        scenario s;
        char err[512] = "";
        int rc = scenario_parse(&s, buf, len, "t.json", err, sizeof err);
        /* Only the prefix without the final newline is still complete. */
        if ((rc != -1 && len != n - 1) || (rc && strncmp(err, "t.json", 6)))
            failures++;
        scenario_free(&s);
    }
    CHECK_EQ(failures, 0);

    uint64_t seed = 0x243f6a8885a308d3u;
    static const char replacements[] = "{}[]\":,0x-9aZ\\ \n\x01\xff";
    for (int i = 0; i < 3000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        memcpy(buf, valid, n + 1);
        size_t at = (size_t)(seed >> 33) % n;
        buf[at] = replacements[(seed >> 20) % (sizeof replacements - 1)];
        scenario s;
        char err[512] = "";
        int rc = scenario_parse(&s, buf, n, "t.json", err, sizeof err);
        if (rc != 0 && strncmp(err, "t.json", 6)) {
            fprintf(stderr, "mutation at %zu: %s\n", at, err);
            failures++;
        }
        scenario_free(&s);
    }
    CHECK_EQ(failures, 0);
    free(buf);
}

static void test_check(void)
{
    scenario s;
    char err[512] = "";
    CHECK_EQ(scenario_parse(&s, valid, strlen(valid), "x.json", err, sizeof err), 0);
    scn_outcome o = {.uart = "ok\n", .exit_code = 0, .walks = 3, .faults = 1, .tlbis = 2};
    CHECK_EQ(scenario_check(&s, &o, err, sizeof err), 0);
    o.walks = 2;
    CHECK_EQ(scenario_check(&s, &o, err, sizeof err), -1);
    CHECK_STR(err, "expect.walks: got 2, expected at least 3");
    o.walks = 3;
    o.tlbis = 3;
    CHECK_EQ(scenario_check(&s, &o, err, sizeof err), -1);
    CHECK_STR(err, "expect.tlbis: got 3, expected 1..2");
    o.tlbis = 1;
    o.uart = "ok!";
    CHECK_EQ(scenario_check(&s, &o, err, sizeof err), -1);
    CHECK_STR(err, "expect.uart: output differs at byte 2 (got 3 bytes, expected 3)");
    o.uart = "ok\n";
    o.exit_code = 1;
    CHECK_EQ(scenario_check(&s, &o, err, sizeof err), -1);
    CHECK_STR(err, "expect.exit_code: got 1, expected 0");
    scenario_free(&s);
}

TEST_MAIN(TEST(test_valid), TEST(test_defaults), TEST(test_errors), TEST(test_missing_file),
          TEST(test_truncations), TEST(test_check))
