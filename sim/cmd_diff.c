/* mmusim diff: compares mmusim's translations with a Tarmac trace (an FVP
 * run, or `mmusim run --tarmac`), by replaying the trace through the
 * engine or by running the same guest in lock-step. The report goes to
 * standard output; see docs/diff.md. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diff.h"
#include "scenario_machine.h"

enum {
    DIFF_EXIT_SAME = 0,
    DIFF_EXIT_DIFFERENT = 1,
    DIFF_EXIT_USAGE = 2,     /* bad option, unreadable trace or scenario */
};

#define DEFAULT_MAX_REPORT 10

typedef struct diff_opts {
    const char *trace;
    const char *scenario;    /* a .json scenario or an ELF; NULL: none */
    bool lockstep, json;
    size_t max_report;
    const char *cpu;
    bool has_max_insns;
    uint64_t max_insns;
} diff_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmusim diff TRACE [--scenario S.json | S.json | PROG.elf] [options]\n"
            "\n"
            "Compares mmusim's translations with a Tarmac trace (an FVP TarmacTrace file, or\n"
            "'mmusim run --tarmac'): the PA of every access, faults (class, status, level,\n"
            "S1PTW, target EL), FAR/HPFAR, PAR_EL1 after AT, the set each TLBI invalidates,\n"
            "and TLB FILL/TTW lines when the trace has them.\n"
            "\n"
            "modes:\n"
            "  (default)            replay the trace's accesses, register writes, AT and TLBI\n"
            "                       through the engine, on the scenario's or ELF's initial\n"
            "                       memory and registers (none: memory is only what the\n"
            "                       trace stores) plus the trace's stores\n"
            "  --lockstep           run the scenario/ELF and compare each instruction with\n"
            "                       the trace's, aligned by instruction count\n"
            "\n"
            "options:\n"
            "  --scenario FILE      the scenario (.json) or ELF the trace comes from\n"
            "  --json               the report as one JSON object (docs/diff.md)\n"
            "  --max-report N       report the first N disagreements and bad lines (default %d)\n"
            "  --cpu PRESET         CPU preset instead of the scenario's (default max)\n"
            "  --max-insns N        lock-step: stop the run after N instructions\n"
            "\n"
            "exit status: 0 no disagreement, 1 disagreements, 2 bad arguments or input.\n",
            DEFAULT_MAX_REPORT);
}

/* 0 to go on, 1 after --help, -1 on a usage error (printed). */
static int parse_args(int argc, char **argv, diff_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_report = DEFAULT_MAX_REPORT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--lockstep")) {
            o->lockstep = true;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--max-report") || !strcmp(a, "--max-insns")) {
            if (!cli_parse_u64(val, &n) || (!strcmp(a, "--max-report") && n > 1000000)) {
                fprintf(stderr, "mmusim diff: %s needs a number, got '%s'\n", a, val ? val : "");
                return -1;
            }
            if (!strcmp(a, "--max-report")) {
                o->max_report = (size_t)n;
            } else {
                o->max_insns = n;
                o->has_max_insns = true;
            }
            i++;
        } else if (!strcmp(a, "--scenario") || !strcmp(a, "--cpu")) {
            if (!val) {
                fprintf(stderr, "mmusim diff: %s needs a value\n", a);
                return -1;
            }
            if (!strcmp(a, "--cpu")) {
                o->cpu = val;
            } else if (o->scenario) {
                fprintf(stderr, "mmusim diff: one scenario or ELF only\n");
                return -1;
            } else {
                o->scenario = val;
            }
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "mmusim diff: unknown option '%s'\n", a);
            usage(stderr);
            return -1;
        } else if (!o->trace) {
            o->trace = a;
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            fprintf(stderr, "mmusim diff: unexpected argument '%s'\n", a);
            return -1;
        }
    }
    if (!o->trace) {
        usage(stderr);
        return -1;
    }
    if (o->lockstep && !o->scenario) {
        fprintf(stderr, "mmusim diff: --lockstep needs the scenario or ELF to run\n");
        return -1;
    }
    return 0;
}

/* The machine the trace is compared against: the scenario's, or a bare
 * one (no memory, preset max or --cpu) for a replay without a scenario. */
static int build_machine(machine *m, const diff_opts *o, char *err, size_t errlen)
{
    if (!o->scenario) {
        if (machine_init(m, err, errlen))
            return -1;
        if (o->cpu) {
            const cpu_preset *p = cpu_preset_find(o->cpu);
            if (!p) {
                snprintf(err, errlen, "--cpu: unknown preset '%s'", o->cpu);
                return -1;
            }
            cpu_preset_apply(&m->cpu, p);
        }
        return 0;
    }
    scenario s;
    int rc = scenario_machine_load(&s, o->scenario, err, errlen);
    if (!rc)
        rc = scenario_machine_setup(m, &s, o->cpu, err, errlen);
    scenario_free(&s);
    if (rc)
        return -1;
    if (o->has_max_insns)
        m->max_insns = o->max_insns;
    m->out = NULL; /* the guest's output is not part of the report */
    return 0;
}

int cmd_diff(int argc, char **argv)
{
    diff_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc > 0 ? DIFF_EXIT_SAME : DIFF_EXIT_USAGE;

    char err[512];
    tarmac_reader *r = tarmac_reader_open(o.trace, err, sizeof err);
    if (!r) {
        fprintf(stderr, "mmusim diff: %s\n", err);
        return DIFF_EXIT_USAGE;
    }
    machine *m = calloc(1, sizeof *m);
    diff_report rep;
    bool have_rep = false;
    rc = DIFF_EXIT_USAGE;
    if (!m) {
        snprintf(err, sizeof err, "out of memory");
    } else if (!build_machine(m, &o, err, sizeof err) &&
               !diff_report_init(&rep, o.lockstep ? "lockstep" : "replay", o.max_report, err,
                                 sizeof err)) {
        have_rep = true;
        int st = o.lockstep ? diff_lockstep(m, r, &rep, err, sizeof err)
                            : diff_replay(m, r, &rep, err, sizeof err);
        if (!st) {
            if (o.json)
                diff_report_json(&rep, o.trace, stdout);
            else
                diff_report_text(&rep, o.trace, stdout);
            rc = diff_disagreements(&rep) ? DIFF_EXIT_DIFFERENT : DIFF_EXIT_SAME;
        }
    }
    if (rc == DIFF_EXIT_USAGE)
        fprintf(stderr, "mmusim diff: %s\n", err);
    if (have_rep)
        diff_report_free(&rep);
    if (m)
        machine_destroy(m);
    free(m);
    tarmac_reader_close(r);
    return rc;
}
