/* mmusim replay: runs a recorded access trace through the engine and the
 * TLB model — no guest code — and writes the walk log the run would have
 * written with this configuration. The summary puts the replay's counters
 * beside the recording's; accesses that fault differently are listed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "replay.h"

enum {
    REPLAY_EXIT_BAD_TRACE = 1, /* the trace is unreadable or corrupt (after what could be replayed) */
    REPLAY_EXIT_USAGE = 2,
    REPLAY_EXIT_MISMATCH = 3,  /* some access faults differently from the recording */
};

#define MISMATCHES_SHOWN 20

typedef struct replay_args {
    const char *trace;
    const char *log;
    walklog_format log_format;
    bool quiet;
    uint64_t show;        /* mismatches listed; UINT64_MAX: all */
    replay_opts opts;
} replay_args;

/* The mismatch listing's state (on_mismatch's context). */
typedef struct mismatch_list {
    uint64_t show, seen;
} mismatch_list;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mmusim replay TRACE [options]\n"
            "\n"
            "Replays an access trace (mmusim run --record) through mmusim's engine and TLB\n"
            "model without running the guest, and compares with the recorded run.\n"
            "\n"
            "options:\n"
            "  --tlb CONFIG         none, unbounded, or ENTRIES[:WAYS] (LRU; WAYS defaults\n"
            "                       to ENTRIES: fully associative). Default: the recording's\n"
            "  --cpu PRESET         ID registers of this CPU preset instead of the recording's\n"
            "  --log FILE           write the walk log to FILE ('-': standard error)\n"
            "  --log-format FMT     jsonl (default) or text\n"
            "  --mismatches N       list at most N accesses that fault differently (default\n"
            "                       %d; 'all' for every one); all are counted\n"
            "  --quiet              no summary\n"
            "\n"
            "exit status: 0 replayed, %d bad trace (the records before the error were\n"
            "replayed and are summarised), %d usage, %d some access faults differently\n"
            "from the recording.\n",
            MISMATCHES_SHOWN, REPLAY_EXIT_BAD_TRACE, REPLAY_EXIT_USAGE, REPLAY_EXIT_MISMATCH);
}

static bool parse_uint(const char *s, const char *end, unsigned *v)
{
    if (s == end)
        return false;
    uint64_t x = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || x > UINT32_MAX / 10)
            return false;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    if (x > UINT32_MAX)
        return false;
    *v = (unsigned)x;
    return true;
}

static int parse_tlb(const char *s, mmu_tlb_config *c)
{
    memset(c, 0, sizeof *c);
    if (!strcmp(s, "none")) {
        c->mode = MMU_TLB_NONE;
        return 0;
    }
    if (!strcmp(s, "unbounded")) {
        c->mode = MMU_TLB_UNBOUNDED;
        c->entries = 1024;
        c->ways = 4;
        return 0;
    }
    const char *colon = strchr(s, ':');
    const char *end = colon ? colon : s + strlen(s);
    c->mode = MMU_TLB_BOUNDED;
    c->policy = MMU_TLB_LRU;
    if (!parse_uint(s, end, &c->entries))
        return -1;
    c->ways = c->entries;
    if (colon && !parse_uint(colon + 1, colon + strlen(colon), &c->ways))
        return -1;
    return c->entries > TRACE_TLB_MAX || c->ways > TRACE_TLB_MAX ? -1 : 0;
}

/* The model's own checks (ways dividing entries into 2^n sets). */
static int check_tlb(const mmu_tlb_config *c, char *err, size_t errlen)
{
    mmu_tlb t;
    if (mmu_tlb_init(&t, c, err, errlen))
        return -1;
    mmu_tlb_free(&t);
    return 0;
}

static int parse_args(int argc, char **argv, replay_args *a)
{
    memset(a, 0, sizeof *a);
    a->show = MISMATCHES_SHOWN;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(o, "--quiet")) {
            a->quiet = true;
        } else if (!strcmp(o, "--tlb") || !strcmp(o, "--cpu") || !strcmp(o, "--log") ||
                   !strcmp(o, "--log-format") || !strcmp(o, "--mismatches")) {
            if (!val) {
                fprintf(stderr, "mmusim replay: %s needs a value\n", o);
                return -1;
            }
            i++;
            if (!strcmp(o, "--tlb")) {
                char err[160];
                if (parse_tlb(val, &a->opts.tlb)) {
                    fprintf(stderr,
                            "mmusim replay: --tlb: expected none, unbounded or ENTRIES[:WAYS] "
                            "(at most %u), got '%s'\n",
                            TRACE_TLB_MAX, val);
                    return -1;
                }
                if (check_tlb(&a->opts.tlb, err, sizeof err)) {
                    fprintf(stderr, "mmusim replay: --tlb %s: %s\n", val, err);
                    return -1;
                }
                a->opts.has_tlb = true;
            } else if (!strcmp(o, "--cpu")) {
                if (!(a->opts.preset = cpu_preset_find(val))) {
                    fprintf(stderr, "mmusim replay: --cpu: unknown preset '%s'\n", val);
                    return -1;
                }
            } else if (!strcmp(o, "--log")) {
                a->log = val;
            } else if (!strcmp(o, "--mismatches")) {
                unsigned n;
                if (!strcmp(val, "all")) {
                    a->show = UINT64_MAX;
                } else if (parse_uint(val, val + strlen(val), &n)) {
                    a->show = n;
                } else {
                    fprintf(stderr, "mmusim replay: --mismatches: expected a count or 'all', "
                                    "got '%s'\n", val);
                    return -1;
                }
            } else if (!strcmp(val, "jsonl") || !strcmp(val, "text")) {
                a->log_format = strcmp(val, "text") ? WALKLOG_JSONL : WALKLOG_TEXT;
            } else {
                fprintf(stderr, "mmusim replay: --log-format is jsonl or text, got '%s'\n", val);
                return -1;
            }
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr, "mmusim replay: unknown option '%s'\n", o);
            return -1;
        } else if (a->trace) {
            fprintf(stderr, "mmusim replay: one trace only ('%s' and '%s')\n", a->trace, o);
            return -1;
        } else {
            a->trace = o;
        }
    }
    if (!a->trace) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static void describe_outcome(bool faulted, const mmu_fault *f, char *buf, size_t len)
{
    if (!faulted)
        snprintf(buf, len, "translated");
    else
        snprintf(buf, len, "%s fault, stage %d, level %d%s", mmu_fault_type_name(f->type),
                 f->stage, f->level, f->s1ptw ? " (S1PTW)" : "");
}

static void on_mismatch(void *ctx, const replay_mismatch *m)
{
    mismatch_list *l = ctx;
    if (l->seen++ >= l->show)
        return;
    char rec[96], now[96];
    describe_outcome(m->rec_faulted, &m->rec_fault, rec, sizeof rec);
    describe_outcome(m->faulted, &m->fault, now, sizeof now);
    printf("mismatch: offset %" PRIu64 ", icount %" PRIu64 ", pc 0x%016" PRIx64 ": %s%s%s at "
           "EL%u, VA 0x%016" PRIx64 ": recorded %s; replay %s\n",
           m->offset, m->where.icount, m->where.pc, m->at ? "AT " : "",
           m->acc.unpriv ? "unprivileged " : "", mmu_access_kind_name(m->acc.kind), m->acc.el,
           m->acc.va, rec, now);
}

static void row(const char *name, bool known, uint64_t rec, uint64_t now)
{
    if (known)
        printf("  %-12s %14" PRIu64 " %14" PRIu64 "\n", name, rec, now);
    else
        printf("  %-12s %14s %14" PRIu64 "\n", name, "?", now);
}

static void summary(const replay_stats *s, const mismatch_list *l)
{
    if (l->seen > l->show)
        printf("mismatch: ... and %" PRIu64 " more (--mismatches all lists them)\n",
               l->seen - l->show);
    printf("summary:           recorded         replay\n");
    bool end = s->has_end;
    row("accesses", end, s->rec.accesses, s->accesses);
    row("walks", true, end ? s->rec.walks : s->rec_walks, s->walks);
    row("TLB hits", end, s->rec.hits, s->hits);
    row("TLB misses", end, s->rec.misses, s->misses);
    row("faults", true, end ? s->rec.faults : s->rec_faults, s->faults);
    printf("summary: %" PRIu64 " records, %" PRIu64 " ATs, %" PRIu64 " TLBIs, %" PRIu64
           " register writes, %" PRIu64 " exceptions, %" PRIu64 " stores, %" PRIu64
           " page snapshots\n",
           s->records, s->ats, s->tlbis, s->sysregs, s->exceptions, s->stores, s->pages);
    printf("summary: %" PRIu64 " accesses fault differently from the recording\n", s->mismatches);
    if (s->untracked_reads)
        printf("warning: %" PRIu64 " descriptor reads of memory the trace had not described yet "
               "(read as absent): this configuration walks where the run did not\n",
               s->untracked_reads);
}

int cmd_replay(int argc, char **argv)
{
    replay_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc > 0 ? 0 : REPLAY_EXIT_USAGE;
    char err[400];
    trace_reader *r;
    if (trace_reader_open(&r, a.trace, err, sizeof err)) {
        fprintf(stderr, "mmusim replay: %s\n", err);
        return REPLAY_EXIT_BAD_TRACE;
    }
    walklog *log = NULL;
    if (a.log && walklog_open(&log, a.log, a.log_format, err, sizeof err)) {
        fprintf(stderr, "mmusim replay: --log: %s\n", err);
        trace_reader_close(r);
        return REPLAY_EXIT_USAGE;
    }
    mismatch_list shown = {.show = a.show};
    a.opts.log = log;
    a.opts.on_mismatch = on_mismatch;
    a.opts.ctx = &shown;
    replay rp;
    int status = 0;
    if (replay_init(&rp, &a.opts, err, sizeof err)) {
        fprintf(stderr, "mmusim replay: %s\n", err);
        status = REPLAY_EXIT_USAGE;
    } else {
        bool bad = replay_run(&rp, r, err, sizeof err) != 0;
        if (!a.quiet)
            summary(&rp.stats, &shown);
        fflush(stdout);
        if (bad) {
            /* Reader errors name the file; replay's own name the offset only. */
            bool named = !strncmp(err, a.trace, strlen(a.trace));
            fprintf(stderr, "mmusim replay: %s%s%s\n", named ? "" : a.trace, named ? "" : ": ",
                    err);
            status = REPLAY_EXIT_BAD_TRACE;
        } else if (rp.stats.mismatches) {
            status = REPLAY_EXIT_MISMATCH;
        }
        replay_free(&rp);
    }
    trace_reader_close(r);
    if (log && walklog_close(log, err, sizeof err)) {
        fprintf(stderr, "mmusim replay: walk log: %s\n", err);
        if (!status)
            status = REPLAY_EXIT_BAD_TRACE;
    }
    return status;
}
