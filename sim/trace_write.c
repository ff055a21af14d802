/* The trace recorder: see trace.h; the layout is in docs/trace.md. Each
 * record is encoded into a buffer, then written with one fwrite. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "trace_codec.h"
#include "trace_mem.h"

/* The largest record: a MEM snapshot with every word non-zero. */
#define REC_MAX (1 + 2 * TRACE_VARINT_MAX + TRACE_PAGE_WORDS * (TRACE_VARINT_MAX + 8))

struct trace_rec {
    FILE *f;
    bool own;
    bool failed;
    int error;            /* errno of the first failed write */
    uint64_t bytes;
    trace_codec c;
    trace_mem shadow;     /* what the trace has said about memory */
    trace_insn_map insns; /* what the trace has said about instructions */
    mmu_port orig;        /* the port trace_rec_wrap_port replaced */
    uint8_t buf[REC_MAX];
    size_t len;
};

/* ---- Encoding ---------------------------------------------------------- */

static void put8(trace_rec *r, uint8_t b)
{
    r->buf[r->len++] = b;
}

static void put_varint(trace_rec *r, uint64_t v)
{
    while (v >= 0x80) {
        put8(r, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put8(r, (uint8_t)v);
}

static void put_le(trace_rec *r, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        put8(r, (uint8_t)(v >> (8 * i)));
}

static void put_str(trace_rec *r, const char *s, size_t max)
{
    size_t n = 0;
    while (n < max - 1 && s[n])
        n++;
    put8(r, (uint8_t)n);
    memcpy(r->buf + r->len, s, n);
    r->len += n;
}

static void emit(trace_rec *r)
{
    if (!r->failed && fwrite(r->buf, 1, r->len, r->f) != r->len) {
        r->failed = true;
        r->error = errno;
    }
    r->bytes += r->len;
    r->len = 0;
}

static void put_fault(trace_rec *r, const mmu_fault *f)
{
    put8(r, (uint8_t)((f->type & TRACE_F_TYPE) | (f->stage == 2 ? TRACE_F_STAGE2 : 0) |
                      (f->s1ptw ? TRACE_F_S1PTW : 0)));
    put8(r, (uint8_t)(f->level + 1));
}

/* An INSN record when the trace has not said that pc holds this word. */
static void note_insn(trace_rec *r, const trace_where *w)
{
    uint64_t val = w->has_insn ? (w->insn | TRACE_INSN_KNOWN) : 0, old;
    if (trace_insn_map_get(&r->insns, w->pc, &old) && old == val)
        return;
    if (!trace_insn_map_put(&r->insns, w->pc, val)) {
        r->failed = true;
        r->error = ENOMEM;
        return;
    }
    put8(r, TRACE_TAG_INSN);
    put_varint(r, w->pc);
    put8(r, w->has_insn);
    if (w->has_insn)
        put_le(r, w->insn, 4);
    emit(r);
}

/* The place of a record other than ACCESS. */
static void put_where(trace_rec *r, const trace_where *w)
{
    put_varint(r, trace_zigzag(w->icount - r->c.last_icount));
    put_varint(r, trace_zigzag(w->pc - r->c.last_pc_other));
    put8(r, w->el);
    r->c.last_icount = w->icount;
    r->c.last_pc_other = w->pc;
}

/* ---- Lifecycle ----------------------------------------------------------- */

int trace_rec_from_stream(trace_rec **out, FILE *f, char *err, size_t errlen)
{
    trace_rec *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->f = f;
    trace_codec_init(&r->c);
    trace_mem_init(&r->shadow);
    trace_insn_map_init(&r->insns);
    memcpy(r->buf, TRACE_MAGIC, TRACE_MAGIC_LEN);
    r->len = TRACE_MAGIC_LEN;
    put_varint(r, TRACE_VERSION);
    emit(r);
    *out = r;
    return 0;
}

int trace_rec_open(trace_rec **out, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (trace_rec_from_stream(out, f, err, errlen)) {
        fclose(f);
        return -1;
    }
    (*out)->own = true;
    return 0;
}

int trace_rec_close(trace_rec *r, const trace_summary *s, char *err, size_t errlen)
{
    if (!r)
        return 0;
    put8(r, TRACE_TAG_END);
    trace_summary none = {0};
    if (!s)
        s = &none;
    put_varint(r, s->insns);
    put_varint(r, s->accesses);
    put_varint(r, s->walks);
    put_varint(r, s->hits);
    put_varint(r, s->misses);
    put_varint(r, s->faults);
    emit(r);
    if (fflush(r->f) && !r->failed) {
        r->failed = true;
        r->error = errno;
    }
    if (r->own && fclose(r->f) && !r->failed) {
        r->failed = true;
        r->error = errno;
    }
    int rc = 0;
    if (r->failed) {
        snprintf(err, errlen, "writing the trace failed: %s", strerror(r->error));
        rc = -1;
    }
    trace_mem_free(&r->shadow);
    trace_insn_map_free(&r->insns);
    free(r);
    return rc;
}

uint64_t trace_rec_bytes(const trace_rec *r)
{
    return r->bytes + r->len;
}

void trace_rec_start(trace_rec *r, const mmu_cpu *cpu, const mmu_tlb_config *tlb,
                     const char *preset)
{
    put8(r, TRACE_TAG_CONFIG);
    put8(r, (uint8_t)tlb->mode);
    put_varint(r, tlb->entries);
    put_varint(r, tlb->ways);
    put8(r, (uint8_t)tlb->policy);
    put_varint(r, tlb->seed);
    put_varint(r, tlb->walk_entries);
    put_varint(r, tlb->walk_ways);
    put8(r, tlb->walk_unified);
    put_str(r, preset ? preset : "", TRACE_PRESET_LEN);
    emit(r);
    for (int i = 0; i < MMU_REG_COUNT; i++) {
        put8(r, TRACE_TAG_REG_INIT);
        put8(r, (uint8_t)i);
        put_varint(r, cpu->reg[i]);
        emit(r);
    }
}

/* ---- Memory ------------------------------------------------------------ */

/* The first descriptor read in a page: its snapshot (or "nothing there"). */
static trace_page *snapshot(trace_rec *r, uint64_t pa)
{
    uint64_t base = pa & ~(TRACE_PAGE_SIZE - 1), words[TRACE_PAGE_WORDS];
    bool ram = true;
    for (unsigned i = 0; i < TRACE_PAGE_WORDS && ram; i++)
        ram = r->orig.read64(r->orig.ctx, base + 8 * i, &words[i]);
    trace_page *p = trace_mem_add(&r->shadow, base, ram);
    if (!p) {
        r->failed = true;
        r->error = ENOMEM;
        return NULL;
    }
    if (!ram) {
        put8(r, TRACE_TAG_NOMEM);
        put_varint(r, base >> TRACE_PAGE_SHIFT);
        emit(r);
        return p;
    }
    memcpy(p->words, words, sizeof words);
    unsigned nonzero = 0;
    for (unsigned i = 0; i < TRACE_PAGE_WORDS; i++)
        nonzero += words[i] != 0;
    put8(r, TRACE_TAG_MEM);
    put_varint(r, base >> TRACE_PAGE_SHIFT);
    put_varint(r, nonzero);
    unsigned next = 0;
    for (unsigned i = 0; i < TRACE_PAGE_WORDS; i++)
        if (words[i]) {
            put_varint(r, i - next);
            put_le(r, words[i], 8);
            next = i + 1;
        }
    emit(r);
    return p;
}

static void put_store(trace_rec *r, uint64_t pa, unsigned size, uint64_t value)
{
    put8(r, TRACE_TAG_STORE);
    put_varint(r, trace_zigzag(pa - r->c.last_store_pa));
    put8(r, (uint8_t)size);
    put_varint(r, value);
    emit(r);
    r->c.last_store_pa = pa;
}

static bool port_read(void *ctx, uint64_t pa, uint64_t *value)
{
    trace_rec *r = ctx;
    bool ok = r->orig.read64(r->orig.ctx, pa, value);
    trace_page *p = trace_mem_find(&r->shadow, pa);
    if (!p)
        p = snapshot(r, pa);
    uint64_t seen;
    /* A value the trace does not explain: a store nobody reported. */
    if (ok && p && p->words && trace_mem_read(&r->shadow, pa, 8, &seen) && seen != *value) {
        trace_mem_write(&r->shadow, pa, 8, *value);
        put_store(r, pa, 8, *value);
    }
    return ok;
}

static bool port_write(void *ctx, uint64_t pa, uint64_t value)
{
    trace_rec *r = ctx;
    bool ok = r->orig.write64(r->orig.ctx, pa, value);
    /* Hardware AF/dirty updates: replay's engine makes them again. */
    if (ok)
        trace_mem_write(&r->shadow, pa, 8, value);
    return ok;
}

void trace_rec_wrap_port(trace_rec *r, mmu_port *port)
{
    r->orig = *port;
    *port = (mmu_port){.ctx = r, .read64 = port_read, .write64 = port_write};
}

bool trace_rec_tracks(const trace_rec *r, uint64_t pa)
{
    const trace_page *p = trace_mem_find(&r->shadow, pa);
    return p && p->words;
}

/* A store inside one page. */
static void store_in_page(trace_rec *r, uint64_t pa, unsigned size, uint64_t value)
{
    uint64_t old;
    if (!trace_rec_tracks(r, pa))
        return;
    if (trace_mem_read(&r->shadow, pa, size, &old) && old == value)
        return; /* nothing changes */
    trace_mem_write(&r->shadow, pa, size, value);
    put_store(r, pa, size, value);
}

void trace_rec_store(trace_rec *r, uint64_t pa, unsigned size, uint64_t value)
{
    if (size == 0 || size > 8)
        return;
    if (size < 8)
        value &= (UINT64_C(1) << (8 * size)) - 1;
    /* A store across two pages is two stores: either page may be one the
     * trace does not track (replay has no memory there). */
    unsigned first = (unsigned)(TRACE_PAGE_SIZE - (pa & (TRACE_PAGE_SIZE - 1)));
    if (first >= size) {
        store_in_page(r, pa, size, value);
        return;
    }
    store_in_page(r, pa, first, value & ((UINT64_C(1) << (8 * first)) - 1));
    store_in_page(r, pa + first, size - first, value >> (8 * first));
}

/* ---- Records with a place ---------------------------------------------- */

void trace_rec_access(trace_rec *r, const trace_where *w, const trace_access *a)
{
    trace_codec *c = &r->c;
    unsigned k = a->acc.kind;
    note_insn(r, w);
    uint8_t tag = (uint8_t)k | (a->walked ? TRACE_A_WALKED : 0);
    uint8_t ctx = trace_ctx_of(&a->acc);
    uint64_t dva = a->acc.va - c->last_va[k], dic = w->icount - c->last_icount;
    if (dva == c->va_stride[k])
        tag |= TRACE_A_VA_STRIDE;
    if (dic == c->icount_stride)
        tag |= TRACE_A_IC_STRIDE;
    if (w->pc == c->last_pc[k])
        tag |= TRACE_A_PC_SAME;
    if (ctx != c->ctx || a->faulted)
        tag |= TRACE_A_EXTRA;
    put8(r, tag);
    if (tag & TRACE_A_EXTRA) {
        put8(r, ctx | (a->faulted ? TRACE_X_FAULT : 0));
        if (a->faulted)
            put_fault(r, &a->fault);
    }
    if (!(tag & TRACE_A_VA_STRIDE))
        put_varint(r, trace_zigzag(dva));
    if (!(tag & TRACE_A_IC_STRIDE))
        put_varint(r, trace_zigzag(dic));
    if (!(tag & TRACE_A_PC_SAME))
        put_varint(r, trace_zigzag(w->pc - c->last_pc[k]));
    emit(r);
    c->ctx = ctx;
    c->last_va[k] = a->acc.va;
    c->va_stride[k] = dva;
    c->last_icount = w->icount;
    c->icount_stride = dic;
    c->last_pc[k] = w->pc;
}

void trace_rec_at(trace_rec *r, const trace_where *w, const trace_access *a)
{
    note_insn(r, w);
    put8(r, TRACE_TAG_AT);
    put8(r, a->faulted ? TRACE_X_FAULT : 0);
    if (a->faulted)
        put_fault(r, &a->fault);
    put_str(r, a->op->name, TRACE_OP_NAME_LEN);
    put_varint(r, a->acc.va);
    put_where(r, w);
    emit(r);
}

void trace_rec_sysreg(trace_rec *r, const trace_where *w, mmu_reg reg, uint64_t value)
{
    note_insn(r, w);
    put8(r, TRACE_TAG_SYSREG);
    put8(r, (uint8_t)reg);
    put_varint(r, value);
    put_where(r, w);
    emit(r);
}

void trace_rec_tlbi(trace_rec *r, const trace_where *w, const mmu_tlbi_op *op, bool nxs,
                    uint64_t xt)
{
    char name[TRACE_OP_NAME_LEN];
    snprintf(name, sizeof name, "%s%s", op->name, nxs ? "nXS" : "");
    note_insn(r, w);
    put8(r, TRACE_TAG_TLBI);
    put_str(r, name, TRACE_OP_NAME_LEN);
    put_varint(r, xt);
    put_where(r, w);
    emit(r);
}

void trace_rec_exception(trace_rec *r, const trace_where *w, const trace_exception *e)
{
    note_insn(r, w);
    put8(r, TRACE_TAG_EXCEPTION);
    put_str(r, e->kind, TRACE_EXC_KIND_LEN);
    put8(r, (uint8_t)(e->from_el | e->to_el << 2 | (e->has_far ? 0x10 : 0) |
                      (e->has_hpfar ? 0x20 : 0)));
    put_varint(r, e->esr);
    put_varint(r, e->elr);
    put_varint(r, e->spsr);
    if (e->has_far)
        put_varint(r, e->far);
    if (e->has_hpfar)
        put_varint(r, e->hpfar);
    put_varint(r, e->vector);
    put_where(r, w);
    emit(r);
}
