/* mmusim trace: look inside an access trace (docs/trace.md).
 *   dump TRACE    every record as one JSON object per line
 *   stats TRACE   records and bytes by kind, bytes per access */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "trace.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: mmusim trace dump TRACE\n"
               "       mmusim trace stats TRACE\n"
               "\n"
               "dump prints every record of an access trace (mmusim run --record) as JSON\n"
               "Lines; stats counts records and bytes by kind. A bad record ends the output\n"
               "with an error naming its offset (exit status 1).\n");
}

static void print_fault(const mmu_fault *f)
{
    printf(",\"fault\":{\"type\":\"%s\",\"stage\":%d,\"level\":%d,\"s1ptw\":%s}",
           mmu_fault_type_name(f->type), f->stage, f->level, f->s1ptw ? "true" : "false");
}

static void print_where(const trace_where *w)
{
    printf(",\"icount\":%" PRIu64 ",\"pc\":\"0x%" PRIx64 "\",\"el\":%u", w->icount, w->pc, w->el);
}

static void print_access(const trace_record *r)
{
    const trace_access *a = &r->u.access;
    print_where(&r->where);
    if (r->kind == TRACE_AT)
        printf(",\"op\":\"%s\"", a->op->name);
    printf(",\"va\":\"0x%" PRIx64 "\",\"kind\":\"%s\",\"pan\":%s,\"unpriv\":%s", a->acc.va,
           mmu_access_kind_name(a->acc.kind), a->acc.pan ? "true" : "false",
           a->acc.unpriv ? "true" : "false");
    if (r->kind == TRACE_AT)
        printf(",\"s1_only\":%s", a->acc.s1_only ? "true" : "false");
    else
        printf(",\"walked\":%s", a->walked ? "true" : "false");
    if (a->faulted)
        print_fault(&a->fault);
}

static void print_record(const trace_record *r)
{
    printf("{\"offset\":%" PRIu64 ",\"type\":\"%s\"", r->offset, trace_kind_name(r->kind));
    switch (r->kind) {
    case TRACE_ACCESS:
    case TRACE_AT:
        print_access(r);
        break;
    case TRACE_SYSREG:
    case TRACE_REG_INIT:
        if (r->kind == TRACE_SYSREG)
            print_where(&r->where);
        printf(",\"reg\":\"%s\",\"value\":\"0x%" PRIx64 "\"", mmu_reg_name(r->u.reg.reg),
               r->u.reg.value);
        break;
    case TRACE_TLBI:
        print_where(&r->where);
        printf(",\"op\":\"%s%s\",\"xt\":\"0x%" PRIx64 "\"", r->u.tlbi.op->name,
               r->u.tlbi.nxs ? "nXS" : "", r->u.tlbi.xt);
        break;
    case TRACE_EXCEPTION: {
        const trace_exception *e = &r->u.exc;
        print_where(&r->where);
        printf(",\"kind\":\"%s\",\"from_el\":%u,\"to_el\":%u,\"esr\":\"0x%" PRIx64
               "\",\"elr\":\"0x%" PRIx64 "\",\"spsr\":\"0x%" PRIx64 "\"",
               e->kind, e->from_el, e->to_el, e->esr, e->elr, e->spsr);
        if (e->has_far)
            printf(",\"far\":\"0x%" PRIx64 "\"", e->far);
        if (e->has_hpfar)
            printf(",\"hpfar\":\"0x%" PRIx64 "\"", e->hpfar);
        printf(",\"vector\":\"0x%" PRIx64 "\"", e->vector);
        break;
    }
    case TRACE_MEM: {
        printf(",\"pa\":\"0x%" PRIx64 "\",\"words\":{", r->u.mem.pa);
        bool first = true;
        for (unsigned i = 0; i < TRACE_PAGE_WORDS; i++)
            if (r->u.mem.words[i]) {
                printf("%s\"%u\":\"0x%016" PRIx64 "\"", first ? "" : ",", i * 8,
                       r->u.mem.words[i]);
                first = false;
            }
        printf("}");
        break;
    }
    case TRACE_NOMEM:
        printf(",\"pa\":\"0x%" PRIx64 "\"", r->u.mem.pa);
        break;
    case TRACE_STORE:
        printf(",\"pa\":\"0x%" PRIx64 "\",\"size\":%u,\"value\":\"0x%" PRIx64 "\"",
               r->u.store.pa, r->u.store.size, r->u.store.value);
        break;
    case TRACE_INSN:
        printf(",\"pc\":\"0x%" PRIx64 "\"", r->u.insn.pc);
        if (r->u.insn.known)
            printf(",\"word\":\"0x%08" PRIx32 "\"", r->u.insn.word);
        break;
    case TRACE_CONFIG: {
        const mmu_tlb_config *t = &r->u.config.tlb;
        static const char *const modes[] = {"bounded", "none", "unbounded"};
        static const char *const policies[] = {"lru", "fifo", "random"};
        printf(",\"tlb\":{\"mode\":\"%s\",\"entries\":%u,\"ways\":%u,\"policy\":\"%s\","
               "\"seed\":%" PRIu64 ",\"walk_entries\":%u,\"walk_ways\":%u,\"walk_unified\":%s},"
               "\"preset\":\"%s\"",
               modes[t->mode], t->entries, t->ways, policies[t->policy], t->seed,
               t->walk_entries, t->walk_ways, t->walk_unified ? "true" : "false",
               r->u.config.preset);
        break;
    }
    case TRACE_END: {
        const trace_summary *s = &r->u.summary;
        printf(",\"insns\":%" PRIu64 ",\"accesses\":%" PRIu64 ",\"walks\":%" PRIu64
               ",\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 ",\"faults\":%" PRIu64,
               s->insns, s->accesses, s->walks, s->hits, s->misses, s->faults);
        break;
    }
    }
    printf("}\n");
}

#define N_KINDS (TRACE_END + 1)

int cmd_trace(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "dump") && strcmp(argv[1], "stats"))) {
        usage(stderr);
        return 2;
    }
    bool dump = !strcmp(argv[1], "dump");
    char err[400];
    trace_reader *r;
    if (trace_reader_open(&r, argv[2], err, sizeof err)) {
        fprintf(stderr, "mmusim trace: %s\n", err);
        return 1;
    }
    trace_record *rec = malloc(sizeof *rec);
    if (!rec) {
        trace_reader_close(r);
        fprintf(stderr, "mmusim trace: out of memory\n");
        return 1;
    }
    uint64_t count[N_KINDS] = {0}, bytes[N_KINDS] = {0};
    int rc;
    uint64_t at = trace_reader_offset(r), header = at;
    while ((rc = trace_next(r, rec, err, sizeof err)) == 1) {
        uint64_t next = trace_reader_offset(r);
        count[rec->kind]++;
        bytes[rec->kind] += next - at;
        at = next;
        if (dump)
            print_record(rec);
    }
    free(rec);
    trace_reader_close(r);
    if (!dump) {
        printf("header: %" PRIu64 " bytes\n", header);
        for (int k = 0; k < N_KINDS; k++)
            if (count[k])
                printf("%-10s %10" PRIu64 " records %12" PRIu64 " bytes\n",
                       trace_kind_name((trace_kind)k), count[k], bytes[k]);
        uint64_t acc = count[TRACE_ACCESS];
        if (acc)
            printf("bytes per access: %.2f (access records alone: %.2f)\n",
                   (double)at / (double)acc, (double)bytes[TRACE_ACCESS] / (double)acc);
    }
    fflush(stdout);
    if (rc < 0) {
        fprintf(stderr, "mmusim trace: %s\n", err);
        return 1;
    }
    return 0;
}
