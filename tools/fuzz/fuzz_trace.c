/* libFuzzer harness for the trace reader and replay; see
 * tools/fuzz/run_trace.sh. Every input is read record by record and each
 * record is replayed (walk log to /dev/null; inputs of odd length with
 * another CPU and TLB, as `mmusim replay --cpu v8.0 --tlb unbounded`).
 * Checked: the reader either delivers records whose fields are in range,
 * at increasing offsets inside the input, or stops with a message naming
 * the input and an offset; after END nothing of the input is left; replay
 * errors name an offset. Nothing may crash or leak. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.trace"

static void broken(const char *why, uint64_t offset)
{
    fprintf(stderr, "trace reader invariant broken at offset %llu: %s\n",
            (unsigned long long)offset, why);
    abort();
}

static void check_record(const trace_record *rec, uint64_t last, uint64_t next, size_t size)
{
    if (rec->offset < last || rec->offset >= next || next > size)
        broken("record offsets out of order or outside the input", rec->offset);
    if ((unsigned)rec->kind > TRACE_END)
        broken("kind out of range", rec->offset);
    switch (rec->kind) {
    case TRACE_ACCESS:
    case TRACE_AT:
        if (rec->u.access.acc.kind > MMU_ACC_FETCH || rec->u.access.acc.el > 2 ||
            rec->where.el > 2)
            broken("access kind or EL out of range", rec->offset);
        if ((rec->kind == TRACE_AT) != (rec->u.access.op != NULL))
            broken("AT operation missing, or set on an access", rec->offset);
        if (rec->u.access.faulted && (rec->u.access.fault.type == MMU_FAULT_NONE ||
                                      rec->u.access.fault.level < -1 ||
                                      rec->u.access.fault.level > 3))
            broken("fault out of range", rec->offset);
        break;
    case TRACE_STORE:
        if (rec->u.store.size < 1 || rec->u.store.size > 8)
            broken("store size out of range", rec->offset);
        break;
    case TRACE_SYSREG:
    case TRACE_REG_INIT:
        if ((unsigned)rec->u.reg.reg >= MMU_REG_COUNT)
            broken("register out of range", rec->offset);
        break;
    case TRACE_MEM:
    case TRACE_NOMEM:
        if (rec->u.mem.pa & (TRACE_PAGE_SIZE - 1))
            broken("page address not aligned", rec->offset);
        break;
    case TRACE_CONFIG:
        if (rec->u.config.tlb.entries > TRACE_TLB_MAX || rec->u.config.tlb.ways > TRACE_TLB_MAX)
            broken("TLB size beyond the limit", rec->offset);
        break;
    default:
        break;
    }
}

static bool names_offset(const char *err, bool reader)
{
    return reader ? !strncmp(err, NAME ": offset ", strlen(NAME ": offset "))
                  : !strncmp(err, "offset ", strlen("offset "));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    char err[400];
    trace_reader *r;
    if (trace_reader_from_memory(&r, data, size, NAME, err, sizeof err)) {
        if (!names_offset(err, true))
            broken(err, 0);
        return 0;
    }
    walklog *log = walklog_from_stream(devnull, WALKLOG_JSONL);
    replay_opts o = {.log = log};
    if (size & 1) {
        o.preset = cpu_preset_find("v8.0");
        o.has_tlb = true;
        o.tlb = (mmu_tlb_config){.mode = MMU_TLB_UNBOUNDED, .entries = 64, .ways = 4};
    }
    replay rp;
    if (replay_init(&rp, &o, err, sizeof err))
        abort();
    trace_record *rec = malloc(sizeof *rec);
    uint64_t last = 0;
    int rc;
    bool replaying = true;
    while ((rc = trace_next(r, rec, err, sizeof err)) == 1) {
        uint64_t next = trace_reader_offset(r);
        check_record(rec, last, next, size);
        last = next;
        if (replaying && replay_record(&rp, rec, err, sizeof err)) {
            if (!names_offset(err, false))
                broken(err, rec->offset);
            replaying = false; /* as replay_run: stop at the first bad record */
        }
    }
    if (rc < 0 && !names_offset(err, true))
        broken(err, last);
    if (rc == 0 && trace_reader_offset(r) != size)
        broken("END read but input left", trace_reader_offset(r));
    if (trace_next(r, rec, err, sizeof err) == 1 && rc <= 0)
        broken("a record after the end or an error", trace_reader_offset(r));
    free(rec);
    replay_free(&rp);
    trace_reader_close(r);
    walklog_close(log, err, sizeof err);
    return 0;
}
