/* mmusim run: runs a guest (an ELF, or a JSON scenario) on the simulated
 * machine. Standard output carries only the guest's output; mmusim's own
 * messages and the summary go to standard error. The exit status is the
 * guest's semihosting exit status, or one of RUN_EXIT_* below. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "machine.h"
#include "scenario.h"
#include "scenario_machine.h"
#include "trace_sink.h"
#include "tarmac_sink.h"

enum {
    RUN_EXIT_USAGE = 2,      /* bad option, unreadable ELF or scenario */
    RUN_EXIT_RUNAWAY = 3,    /* --max-insns reached */
    RUN_EXIT_STUCK = 4,      /* same exception again and again */
    RUN_EXIT_FAILED = 5,     /* the emulator could not go on */
    RUN_EXIT_EXPECT = 6,     /* the scenario's expectations do not hold */
};

typedef struct run_opts {
    const char *file;
    bool has_max_insns;
    uint64_t max_insns;
    const char *log;
    const char *log_text;
    bool has_log_format;
    walklog_format log_format;
    const char *cpu;
    const char *record;
    bool quiet;
    const char *tarmac;
    bool tarmac_mmu;
} run_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmusim run FILE.elf|FILE.json [options]\n"
            "\n"
            "Runs an AArch64 guest on the simulated machine (QEMU virt layout: RAM at\n"
            "0x4000_0000, PL011 UART at 0x0900_0000, entry at EL2h with the MMU off,\n"
            "semihosting with HLT #0xF000). Every translation comes from mmusim's engine.\n"
            "\n"
            "options:\n"
            "  --max-insns N        stop after N instructions (default %" PRIu64 ")\n"
            "  --log FILE           write the walk log to FILE ('-': standard error)\n"
            "  --log-format FMT     jsonl (default) or text\n"
            "  --log-text FILE      also write a human-readable log to FILE ('-':\n"
            "                       standard error), beside --log\n"
            "  --cpu PRESET         CPU preset instead of the scenario's (default max)\n"
            "  --record TRACE       record an access trace for mmusim replay (docs/trace.md)\n"
            "  --tarmac FILE        write the run as a Tarmac trace (docs/tarmac.md)\n"
            "  --tarmac-mmu         add TTW and TLB FILL lines to it (as FVP's trace_mmu)\n"
            "  --quiet              no end-of-run summary\n"
            "\n"
            "exit status: the guest's semihosting exit status; %d bad input, %d\n"
            "--max-insns reached, %d guest stuck, %d emulator failure, %d scenario\n"
            "expectations not met.\n",
            SCN_DEFAULT_MAX_INSNS, RUN_EXIT_USAGE, RUN_EXIT_RUNAWAY, RUN_EXIT_STUCK,
            RUN_EXIT_FAILED, RUN_EXIT_EXPECT);
}

/* 0 to run, 1 when --help was given, -1 on a usage error (printed). */
static int parse_args(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--max-insns")) {
            if (!cli_parse_u64(val, &o->max_insns)) {
                fprintf(stderr, "mmusim run: --max-insns needs a number, got '%s'\n",
                        val ? val : "");
                return -1;
            }
            o->has_max_insns = true;
            i++;
        } else if (!strcmp(a, "--log") || !strcmp(a, "--log-text") || !strcmp(a, "--cpu") ||
                   !strcmp(a, "--record") || !strcmp(a, "--tarmac")) {
            if (!val) {
                fprintf(stderr, "mmusim run: %s needs a value\n", a);
                return -1;
            }
            *(!strcmp(a, "--log")      ? &o->log
              : !strcmp(a, "--cpu")    ? &o->cpu
              : !strcmp(a, "--record") ? &o->record
              : !strcmp(a, "--tarmac") ? &o->tarmac
                                       : &o->log_text) = val;
            i++;
        } else if (!strcmp(a, "--tarmac-mmu")) {
            o->tarmac_mmu = true;
        } else if (!strcmp(a, "--log-format")) {
            if (!val || (strcmp(val, "jsonl") && strcmp(val, "text"))) {
                fprintf(stderr, "mmusim run: --log-format is jsonl or text, got '%s'\n",
                        val ? val : "");
                return -1;
            }
            o->has_log_format = true;
            o->log_format = strcmp(val, "text") ? WALKLOG_JSONL : WALKLOG_TEXT;
            i++;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "mmusim run: unknown option '%s'\n", a);
            usage(stderr);
            return -1;
        } else if (o->file) {
            fprintf(stderr, "mmusim run: one FILE only ('%s' and '%s')\n", o->file, a);
            return -1;
        } else {
            o->file = a;
        }
    }
    if (!o->file) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* The walk logs of a run: --log (or the scenario's) and --log-text. */
typedef struct run_logs {
    walklog *logs[2];
    int n;
    FILE *tarmac_file;       /* --tarmac */
    tarmac_sink *tarmac;
} run_logs;

static int open_tarmac(machine *m, run_logs *rl, const char *path, bool mmu, char *err,
                       size_t errlen)
{
    rl->tarmac_file = fopen(path, "w");
    if (!rl->tarmac_file) {
        snprintf(err, errlen, "--tarmac %s: %s", path, strerror(errno));
        return -1;
    }
    rl->tarmac = tarmac_sink_new(rl->tarmac_file, mmu ? TARMAC_SINK_MMU : 0);
    if (!rl->tarmac) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return tarmac_sink_attach(rl->tarmac, m, err, errlen);
}

static int open_log(machine *m, run_logs *rl, const char *path, walklog_format fmt,
                    unsigned kinds, char *err, size_t errlen)
{
    walklog *l;
    if (walklog_open(&l, path, fmt, err, errlen))
        return -1;
    rl->logs[rl->n++] = l;
    walklog_select(l, kinds);
    return machine_attach_walklog(m, l, err, errlen);
}

/* Closes every log; 0, or -1 with the first failure's message. */
static int close_logs(run_logs *rl, char *err, size_t errlen)
{
    int rc = 0;
    for (int i = 0; i < rl->n; i++)
        if (walklog_close(rl->logs[i], err, errlen) && !rc)
            rc = -1;
    rl->n = 0;
    if (rl->tarmac && tarmac_sink_status(rl->tarmac, err, errlen) && !rc)
        rc = -1;
    if (rl->tarmac_file && fclose(rl->tarmac_file) && !rc) {
        snprintf(err, errlen, "Tarmac trace: %s", strerror(errno));
        rc = -1;
    }
    tarmac_sink_free(rl->tarmac);
    rl->tarmac = NULL;
    rl->tarmac_file = NULL;
    return rc;
}

/* The preset name a trace records (informational: its registers say it all). */
static const char *preset_name(const scenario *s, const run_opts *o)
{
    return o->cpu ? o->cpu : s->preset ? s->preset->name : "max";
}

/* Builds the machine the scenario describes, with its logs and recorder.
 * 0, or -1 with a message. */
static int setup(machine *m, run_logs *rl, trace_sink **rec, const scenario *s,
                 const run_opts *o, char *err, size_t errlen)
{
    if (scenario_machine_setup(m, s, o->cpu, err, errlen))
        return -1;
    m->max_insns = o->has_max_insns ? o->max_insns : s->max_insns;
    m->capture = true;
    const char *log = o->log ? o->log : s->log.file;
    unsigned kinds = s->log.kinds ? s->log.kinds : WALKLOG_ALL;
    if (log && open_log(m, rl, log, o->has_log_format ? o->log_format : s->log.format, kinds, err,
                        errlen))
        return -1;
    if (o->log_text && open_log(m, rl, o->log_text, WALKLOG_TEXT, kinds, err, errlen))
        return -1;
    if (o->tarmac && open_tarmac(m, rl, o->tarmac, o->tarmac_mmu, err, errlen))
        return -1;
    /* Last: everything in memory and the registers now is the trace's
     * initial state. */
    if (o->record && trace_sink_open(rec, m, o->record, preset_name(s, o), err, errlen))
        return -1;
    return 0;
}

static int exit_status(const machine *m)
{
    switch (m->stop.reason) {
    case MACHINE_EXITED:
        return m->stop.exit_code;
    case MACHINE_MAX_INSNS:
        return RUN_EXIT_RUNAWAY;
    case MACHINE_STUCK:
        return RUN_EXIT_STUCK;
    default:
        return RUN_EXIT_FAILED;
    }
}

/* Where the run's files went, so that the summary points to them. */
static void write_outputs(const run_opts *o, const scenario *s)
{
    const char *log = o->log ? o->log : s->log.file;
    walklog_format fmt = o->has_log_format ? o->log_format : s->log.format;
    if (log && strcmp(log, "-"))
        fprintf(stderr, "mmusim: walk log (%s) in %s; its records: docs/walk-record.md\n",
                fmt == WALKLOG_TEXT ? "text" : "JSON Lines", log);
    if (o->log_text && strcmp(o->log_text, "-"))
        fprintf(stderr, "mmusim: walk log (text) in %s\n", o->log_text);
    if (o->record)
        fprintf(stderr, "mmusim: access trace in %s: mmusim replay %s\n", o->record, o->record);
    if (o->tarmac)
        fprintf(stderr, "mmusim: Tarmac trace in %s: mmusim diff %s %s\n", o->tarmac, o->tarmac,
                o->file);
}

/* The scenario's expectations against the run (an ELF's scenario has
 * none). 0, or -1 with the first unmet one. */
static int check_expectations(const machine *m, const scenario *s, char *err, size_t errlen)
{
    const machine_stats *st = &m->stats;
    uint64_t faults = 0, exceptions = 0;
    for (int k = 0; k < MACHINE_FAULT_KINDS; k++)
        faults += st->faults[k];
    for (int k = 0; k < EXC_KIND_COUNT; k++)
        exceptions += st->exceptions[k];
    scn_outcome out = {.uart = m->captured ? m->captured : "",
                       .exit_code = m->stop.exit_code, .instructions = st->insns,
                       .walks = st->walks, .faults = faults, .tlbis = st->tlbis,
                       .exceptions = exceptions};
    return scenario_check(s, &out, err, errlen);
}

int cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : RUN_EXIT_USAGE;

    char err[512];
    scenario s;
    if (scenario_machine_load(&s, o.file, err, sizeof err)) {
        fprintf(stderr, "mmusim run: %s\n", err);
        scenario_free(&s);
        return RUN_EXIT_USAGE;
    }
    machine *m = calloc(1, sizeof *m);
    run_logs logs = {0};
    trace_sink *rec = NULL;
    bool log_failed = false;
    if (!m || setup(m, &logs, &rec, &s, &o, err, sizeof err)) {
        fprintf(stderr, "mmusim run: %s\n", m ? err : "out of memory");
        close_logs(&logs, err, sizeof err);
        if (m)
            machine_destroy(m);
        free(m);
        scenario_free(&s);
        return RUN_EXIT_USAGE;
    }

    machine_run(m);
    /* The logs first: a text log on standard error ends before the summary. */
    if (close_logs(&logs, err, sizeof err)) {
        fprintf(stderr, "mmusim run: walk log: %s\n", err);
        log_failed = true;
    }
    if (trace_sink_close(rec, m, err, sizeof err)) {
        fprintf(stderr, "mmusim run: --record: %s\n", err);
        log_failed = true;
    }
    if (m->stop.reason != MACHINE_EXITED || !o.quiet)
        fprintf(stderr, "mmusim: %s\n", m->stop.message);
    if (!o.quiet) {
        machine_write_summary(m, stderr);
        write_outputs(&o, &s);
    }
    rc = exit_status(m);
    if (log_failed && !rc)
        rc = RUN_EXIT_FAILED;
    if (check_expectations(m, &s, err, sizeof err)) {
        fprintf(stderr, "mmusim run: %s: expectation not met: %s\n", o.file, err);
        rc = RUN_EXIT_EXPECT;
    }
    machine_destroy(m);
    free(m);
    scenario_free(&s);
    return rc;
}
