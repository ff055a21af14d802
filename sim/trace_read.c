/* The streaming trace reader: see trace.h; the layout is in docs/trace.md.
 * A file is read through a window buffer refilled so that a whole record
 * (at most REC_MAX bytes) is in memory before it is decoded; every field
 * is bounds-checked and validated, and an error names the field's offset,
 * the record it belongs to and what was expected there. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "trace_codec.h"

#define REC_MAX (1 + 2 * TRACE_VARINT_MAX + TRACE_PAGE_WORDS * (TRACE_VARINT_MAX + 8))
#define WINDOW (256 * 1024)

struct trace_reader {
    char name[256];
    FILE *f;              /* NULL: reading from memory */
    const uint8_t *data;  /* the window (or the whole memory buffer) */
    uint8_t *window;
    size_t len, pos;      /* bytes in data, next byte to decode */
    uint64_t base;        /* offset of data[0] in the trace */
    bool eof;             /* no more bytes beyond data[len] */
    bool ended;           /* END was read */
    bool failed;          /* an error stopped reading */
    trace_codec c;
    /* decoding one record */
    jmp_buf fail;
    char *err;
    size_t errlen;
    const char *rec_name;
    uint64_t rec_offset;
    uint64_t field;       /* offset of the field being decoded */
};

const char *trace_kind_name(trace_kind k)
{
    static const char *const names[] = {"access", "at",  "sysreg", "reg-init", "tlbi", "exception",
                                        "mem",    "nomem", "store", "insn",     "config", "end"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* ---- Errors ------------------------------------------------------------ */

static uint64_t offset_now(const trace_reader *r)
{
    return r->base + r->pos;
}

/* Reports "NAME: offset N: <record> record at offset M: <message>", N
 * being the offset of the field at fault, and abandons the record. */
__attribute__((noreturn, format(printf, 2, 3))) static void fail(trace_reader *r,
                                                                 const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->rec_name)
        snprintf(r->err, r->errlen, "%s: offset %llu: %s record at offset %llu: %s", r->name,
                 (unsigned long long)r->field, r->rec_name, (unsigned long long)r->rec_offset,
                 msg);
    else
        snprintf(r->err, r->errlen, "%s: offset %llu: %s", r->name,
                 (unsigned long long)r->field, msg);
    longjmp(r->fail, 1);
}

/* ---- Input ------------------------------------------------------------- */

/* Makes at least `want` bytes available from pos, unless the file ends. */
static void refill(trace_reader *r, size_t want)
{
    if (!r->f || r->eof || r->len - r->pos >= want)
        return;
    size_t keep = r->len - r->pos;
    memmove(r->window, r->window + r->pos, keep);
    r->base += r->pos;
    r->pos = 0;
    r->len = keep;
    while (r->len < WINDOW && !r->eof) {
        size_t n = fread(r->window + r->len, 1, WINDOW - r->len, r->f);
        r->len += n;
        if (n == 0) {
            if (ferror(r->f))
                fail(r, "read error: %s", strerror(errno));
            r->eof = true;
        }
    }
}

/* One byte of the field being decoded. */
static uint8_t next_byte(trace_reader *r, const char *what)
{
    if (r->pos >= r->len)
        fail(r, "expected %s, got the end of the trace at offset %llu (truncated)", what,
             (unsigned long long)offset_now(r));
    return r->data[r->pos++];
}

/* The getters start a field: errors name its first byte. */
static uint8_t get8(trace_reader *r, const char *what)
{
    r->field = offset_now(r);
    return next_byte(r, what);
}

static uint64_t get_varint(trace_reader *r, const char *what)
{
    uint64_t v = 0;
    r->field = offset_now(r);
    for (unsigned shift = 0;; shift += 7) {
        uint8_t b = next_byte(r, what);
        if (shift == 63 && b > 1)
            fail(r, "expected %s (a varint), got more than 64 bits", what);
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            return v;
    }
}

static uint64_t get_le(trace_reader *r, unsigned bytes, const char *what)
{
    uint64_t v = 0;
    r->field = offset_now(r);
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)next_byte(r, what) << (8 * i);
    return v;
}

static void get_str(trace_reader *r, char *out, size_t max, const char *what)
{
    uint8_t n = get8(r, what);
    if (n >= max)
        fail(r, "expected %s of at most %zu bytes, got length %u", what, max - 1, n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t ch = next_byte(r, what);
        if (ch < 0x20 || ch > 0x7E)
            fail(r, "expected %s in printable ASCII, got byte 0x%02x", what, ch);
        out[i] = (char)ch;
    }
    out[n] = 0;
}

static void get_fault(trace_reader *r, mmu_fault *f)
{
    uint8_t b = get8(r, "the fault byte");
    unsigned type = b & TRACE_F_TYPE;
    if (type == MMU_FAULT_NONE || type > MMU_FAULT_EXTERNAL_WALK || (b & 0xE0))
        fail(r, "expected a fault byte (type 1..%d, bits 7:5 zero), got 0x%02x",
             MMU_FAULT_EXTERNAL_WALK, b);
    uint8_t lv = get8(r, "the fault level");
    if (lv > MMU_LEVEL_MAX + 1)
        fail(r, "expected a fault level + 1 in 0..%d, got %u", MMU_LEVEL_MAX + 1, lv);
    *f = (mmu_fault){.type = (mmu_fault_type)type, .stage = (b & TRACE_F_STAGE2) ? 2 : 1,
                     .level = (int8_t)(lv - 1), .s1ptw = b & TRACE_F_S1PTW};
}

static uint8_t get_flags(trace_reader *r, trace_access *a)
{
    uint8_t x = get8(r, "the flags byte");
    if (x & TRACE_X_RESERVED)
        fail(r, "expected a flags byte with bit 7 clear, got 0x%02x", x);
    if ((x & TRACE_X_EL) > 2)
        fail(r, "expected EL 0..2 in the flags byte, got 0x%02x (EL3)", x);
    if (x & TRACE_X_FAULT) {
        a->faulted = true;
        get_fault(r, &a->fault);
    }
    return x & TRACE_X_CTX;
}

static void get_where(trace_reader *r, trace_where *w)
{
    w->icount = r->c.last_icount + trace_unzigzag(get_varint(r, "the icount delta"));
    w->pc = r->c.last_pc_other + trace_unzigzag(get_varint(r, "the PC delta"));
    w->el = get8(r, "the EL");
    if (w->el > 2)
        fail(r, "expected an EL 0..2, got %u", w->el);
    r->c.last_icount = w->icount;
    r->c.last_pc_other = w->pc;
}

/* ---- Records ------------------------------------------------------------ */

static void read_access(trace_reader *r, uint8_t tag, trace_record *rec)
{
    trace_codec *c = &r->c;
    unsigned k = tag & TRACE_A_KIND;
    if (k > MMU_ACC_FETCH)
        fail(r, "expected an access kind 0..2 in the tag, got tag 0x%02x", tag);
    trace_access *a = &rec->u.access;
    memset(a, 0, sizeof *a);
    uint8_t ctx = c->ctx;
    if (tag & TRACE_A_EXTRA)
        ctx = get_flags(r, a);
    uint64_t dva = (tag & TRACE_A_VA_STRIDE) ? c->va_stride[k]
                                             : trace_unzigzag(get_varint(r, "the VA delta"));
    uint64_t dic = (tag & TRACE_A_IC_STRIDE) ? c->icount_stride
                                             : trace_unzigzag(get_varint(r, "the icount delta"));
    uint64_t pc = (tag & TRACE_A_PC_SAME)
                      ? c->last_pc[k]
                      : c->last_pc[k] + trace_unzigzag(get_varint(r, "the PC delta"));
    a->acc.kind = (mmu_access_kind)k;
    a->acc.va = c->last_va[k] + dva;
    trace_ctx_apply(ctx, &a->acc);
    a->walked = tag & TRACE_A_WALKED;
    rec->where = (trace_where){.icount = c->last_icount + dic, .pc = pc, .el = a->acc.el};
    c->ctx = ctx;
    c->last_va[k] = a->acc.va;
    c->va_stride[k] = dva;
    c->last_icount += dic;
    c->icount_stride = dic;
    c->last_pc[k] = pc;
}

/* The access an AT implies, as mmu/at.c forms it, for dumps (replay
 * executes the operation itself). Without the registers the EL2&0 host
 * case (S1E1* under E2H and TGE checks EL2) is not known: EL 1 here. */
static void at_access(const mmu_at_op *op, uint64_t va, mmu_access *acc)
{
    *acc = (mmu_access){.va = va, .kind = op->write ? MMU_ACC_WRITE : MMU_ACC_READ,
                        .el = op->target_el == 2 ? 2 : 1, .pan = op->pan,
                        .unpriv = op->target_el == 0, .s1_only = op->stages == MMU_AT_S1,
                        .no_update = true};
}

static void read_at(trace_reader *r, trace_record *rec)
{
    trace_access *a = &rec->u.access;
    memset(a, 0, sizeof *a);
    uint8_t x = get8(r, "the flags byte");
    if (x & ~TRACE_X_FAULT)
        fail(r, "expected a flags byte 0x00 or 0x%02x, got 0x%02x", TRACE_X_FAULT, x);
    if (x & TRACE_X_FAULT) {
        a->faulted = true;
        get_fault(r, &a->fault);
    }
    char name[TRACE_OP_NAME_LEN];
    get_str(r, name, sizeof name, "the AT operation");
    if (!(a->op = mmu_at_op_by_name(name)))
        fail(r, "expected an AT operation such as S1E1R, got '%s'", name);
    uint64_t va = get_varint(r, "the AT operand");
    get_where(r, &rec->where);
    at_access(a->op, va, &a->acc);
}

static mmu_reg get_reg(trace_reader *r)
{
    uint8_t reg = get8(r, "the register number");
    if (reg >= MMU_REG_COUNT)
        fail(r, "expected a register number 0..%d, got %u", MMU_REG_COUNT - 1, reg);
    return (mmu_reg)reg;
}

static void read_tlbi(trace_reader *r, trace_record *rec)
{
    char name[TRACE_OP_NAME_LEN];
    get_str(r, name, sizeof name, "the TLBI operation");
    if (!(rec->u.tlbi.op = mmu_tlbi_op_by_name(name, &rec->u.tlbi.nxs)))
        fail(r, "expected a TLBI operation such as VAE1IS, got '%s'", name);
    rec->u.tlbi.xt = get_varint(r, "the TLBI operand");
    get_where(r, &rec->where);
}

static void read_exception(trace_reader *r, trace_record *rec)
{
    trace_exception *e = &rec->u.exc;
    memset(e, 0, sizeof *e);
    get_str(r, e->kind, sizeof e->kind, "the exception kind");
    uint8_t b = get8(r, "the EL byte");
    if ((b & 3) > 2 || ((b >> 2) & 3) > 2 || (b & 0xC0))
        fail(r, "expected from-EL, to-EL 0..2 and flags in bits 5:4, got 0x%02x", b);
    e->from_el = b & 3;
    e->to_el = (b >> 2) & 3;
    e->has_far = b & 0x10;
    e->has_hpfar = b & 0x20;
    e->esr = get_varint(r, "ESR");
    e->elr = get_varint(r, "ELR");
    e->spsr = get_varint(r, "SPSR");
    if (e->has_far)
        e->far = get_varint(r, "FAR");
    if (e->has_hpfar)
        e->hpfar = get_varint(r, "HPFAR");
    e->vector = get_varint(r, "the vector");
    get_where(r, &rec->where);
}

static uint64_t get_page(trace_reader *r)
{
    uint64_t pfn = get_varint(r, "the page number");
    if (pfn >> (64 - TRACE_PAGE_SHIFT))
        fail(r, "expected a page number below 2^%d, got 0x%llx", 64 - TRACE_PAGE_SHIFT,
             (unsigned long long)pfn);
    return pfn << TRACE_PAGE_SHIFT;
}

static void read_mem(trace_reader *r, trace_record *rec)
{
    rec->u.mem.pa = get_page(r);
    memset(rec->u.mem.words, 0, sizeof rec->u.mem.words);
    uint64_t count = get_varint(r, "the word count");
    if (count > TRACE_PAGE_WORDS)
        fail(r, "expected at most %llu non-zero words, got %llu",
             (unsigned long long)TRACE_PAGE_WORDS, (unsigned long long)count);
    uint64_t next = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t idx = next + get_varint(r, "a word index delta");
        if (idx >= TRACE_PAGE_WORDS || idx < next)
            fail(r, "expected a word index below %llu, got %llu",
                 (unsigned long long)TRACE_PAGE_WORDS, (unsigned long long)idx);
        rec->u.mem.words[idx] = get_le(r, 8, "a word value");
        next = idx + 1;
    }
}

static void read_store(trace_reader *r, trace_record *rec)
{
    uint64_t pa = r->c.last_store_pa + trace_unzigzag(get_varint(r, "the store address delta"));
    uint8_t size = get8(r, "the store size");
    if (size < 1 || size > 8)
        fail(r, "expected a store size 1..8, got %u", size);
    uint64_t v = get_varint(r, "the stored value");
    if (size < 8 && (v >> (8 * size)))
        fail(r, "expected a value of %u bytes, got 0x%llx", size, (unsigned long long)v);
    rec->u.store.pa = pa;
    rec->u.store.size = size;
    rec->u.store.value = v;
    r->c.last_store_pa = pa;
}

static void read_insn(trace_reader *r, trace_record *rec)
{
    rec->u.insn.pc = get_varint(r, "the PC");
    uint8_t known = get8(r, "the known byte");
    if (known > 1)
        fail(r, "expected a known byte 0 or 1, got %u", known);
    rec->u.insn.known = known;
    rec->u.insn.word = known ? (uint32_t)get_le(r, 4, "the instruction word") : 0;
}

/* A TLB size: at most what a scenario may ask for (docs/scenario.md). */
static unsigned get_tlb_size(trace_reader *r, const char *what)
{
    uint64_t v = get_varint(r, what);
    if (v > TRACE_TLB_MAX)
        fail(r, "expected %s at most %u, got %llu", what, TRACE_TLB_MAX, (unsigned long long)v);
    return (unsigned)v;
}

static void read_config(trace_reader *r, trace_record *rec)
{
    trace_config *c = &rec->u.config;
    memset(c, 0, sizeof *c);
    uint8_t mode = get8(r, "the TLB mode");
    if (mode > MMU_TLB_UNBOUNDED)
        fail(r, "expected a TLB mode 0..%d, got %u", MMU_TLB_UNBOUNDED, mode);
    c->tlb.mode = (mmu_tlb_mode)mode;
    c->tlb.entries = get_tlb_size(r, "the TLB entries");
    c->tlb.ways = get_tlb_size(r, "the TLB ways");
    uint8_t policy = get8(r, "the TLB policy");
    if (policy > MMU_TLB_RANDOM)
        fail(r, "expected a TLB policy 0..%d, got %u", MMU_TLB_RANDOM, policy);
    c->tlb.policy = (mmu_tlb_policy)policy;
    c->tlb.seed = get_varint(r, "the TLB seed");
    c->tlb.walk_entries = get_tlb_size(r, "the walk-cache entries");
    c->tlb.walk_ways = get_tlb_size(r, "the walk-cache ways");
    uint8_t unified = get8(r, "the walk-cache unified byte");
    if (unified > 1)
        fail(r, "expected a walk-cache unified byte 0 or 1, got %u", unified);
    c->tlb.walk_unified = unified;
    get_str(r, c->preset, sizeof c->preset, "the preset name");
}

static void read_end(trace_reader *r, trace_record *rec)
{
    trace_summary *s = &rec->u.summary;
    s->insns = get_varint(r, "the instruction count");
    s->accesses = get_varint(r, "the access count");
    s->walks = get_varint(r, "the walk count");
    s->hits = get_varint(r, "the TLB hit count");
    s->misses = get_varint(r, "the TLB miss count");
    s->faults = get_varint(r, "the fault count");
}

static const struct {
    uint8_t tag;
    trace_kind kind;
} tags[] = {
    {TRACE_TAG_SYSREG, TRACE_SYSREG},   {TRACE_TAG_REG_INIT, TRACE_REG_INIT},
    {TRACE_TAG_TLBI, TRACE_TLBI},       {TRACE_TAG_AT, TRACE_AT},
    {TRACE_TAG_EXCEPTION, TRACE_EXCEPTION}, {TRACE_TAG_MEM, TRACE_MEM},
    {TRACE_TAG_NOMEM, TRACE_NOMEM},     {TRACE_TAG_STORE, TRACE_STORE},
    {TRACE_TAG_INSN, TRACE_INSN},       {TRACE_TAG_CONFIG, TRACE_CONFIG},
    {TRACE_TAG_END, TRACE_END},
};

static void read_record(trace_reader *r, trace_record *rec)
{
    rec->offset = offset_now(r);
    r->rec_offset = rec->offset;
    r->rec_name = NULL;
    r->field = rec->offset;
    if (r->pos >= r->len)
        fail(r, "expected a record or END, got the end of the trace (truncated)");
    uint8_t tag = get8(r, "a record tag");
    if (tag <= TRACE_TAG_ACCESS_MAX) {
        rec->kind = TRACE_ACCESS;
        r->rec_name = "access";
        read_access(r, tag, rec);
        return;
    }
    size_t i = 0;
    while (i < sizeof tags / sizeof tags[0] && tags[i].tag != tag)
        i++;
    if (i == sizeof tags / sizeof tags[0])
        fail(r, "expected a record tag (0x00-0x7f access, 0x%02x-0x%02x), got 0x%02x",
             TRACE_TAG_SYSREG, TRACE_TAG_END, tag);
    rec->kind = tags[i].kind;
    r->rec_name = trace_kind_name(rec->kind);
    switch (rec->kind) {
    case TRACE_SYSREG:
    case TRACE_REG_INIT:
        rec->u.reg.reg = get_reg(r);
        rec->u.reg.value = get_varint(r, "the register value");
        if (rec->kind == TRACE_SYSREG)
            get_where(r, &rec->where);
        break;
    case TRACE_TLBI:
        read_tlbi(r, rec);
        break;
    case TRACE_AT:
        read_at(r, rec);
        break;
    case TRACE_EXCEPTION:
        read_exception(r, rec);
        break;
    case TRACE_MEM:
        read_mem(r, rec);
        break;
    case TRACE_NOMEM:
        rec->u.mem.pa = get_page(r);
        break;
    case TRACE_STORE:
        read_store(r, rec);
        break;
    case TRACE_INSN:
        read_insn(r, rec);
        break;
    case TRACE_CONFIG:
        read_config(r, rec);
        break;
    case TRACE_END:
        read_end(r, rec);
        refill(r, 1);
        r->field = offset_now(r);
        if (r->pos < r->len)
            fail(r, "expected the end of the trace after END, got more bytes");
        r->ended = true;
        break;
    case TRACE_ACCESS:
        break;
    }
}

int trace_next(trace_reader *r, trace_record *rec, char *err, size_t errlen)
{
    if (r->ended)
        return 0;
    if (r->failed) {
        snprintf(err, errlen, "%s: offset %llu: reading stopped there (an earlier error)",
                 r->name, (unsigned long long)r->field);
        return -1;
    }
    r->err = err;
    r->errlen = errlen;
    r->rec_name = NULL;
    if (setjmp(r->fail)) {
        r->failed = true;
        return -1;
    }
    refill(r, REC_MAX);
    read_record(r, rec);
    return 1;
}

uint64_t trace_reader_offset(const trace_reader *r)
{
    return offset_now(r);
}

/* ---- Opening ----------------------------------------------------------- */

static int read_header(trace_reader *r, char *err, size_t errlen)
{
    r->err = err;
    r->errlen = errlen;
    r->rec_name = NULL;
    if (setjmp(r->fail))
        return -1;
    refill(r, TRACE_MAGIC_LEN + TRACE_VARINT_MAX);
    for (unsigned i = 0; i < TRACE_MAGIC_LEN; i++) {
        uint8_t b = get8(r, "the magic \"" TRACE_MAGIC "\"");
        if (b != (uint8_t)TRACE_MAGIC[i])
            fail(r, "expected the magic \"" TRACE_MAGIC "\" (not an mmusim trace), got byte 0x%02x",
                 b);
    }
    uint64_t v = get_varint(r, "the format version");
    if (v != TRACE_VERSION)
        fail(r, "expected format version %d, got %llu", TRACE_VERSION, (unsigned long long)v);
    return 0;
}

static trace_reader *new_reader(const char *name)
{
    trace_reader *r = calloc(1, sizeof *r);
    if (r) {
        snprintf(r->name, sizeof r->name, "%s", name);
        trace_codec_init(&r->c);
    }
    return r;
}

int trace_reader_from_memory(trace_reader **out, const void *buf, size_t len, const char *name,
                             char *err, size_t errlen)
{
    trace_reader *r = new_reader(name);
    *out = NULL;
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->data = buf;
    r->len = len;
    r->eof = true;
    if (read_header(r, err, errlen)) {
        free(r);
        return -1;
    }
    *out = r;
    return 0;
}

int trace_reader_open(trace_reader **out, const char *path, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    trace_reader *r = new_reader(path);
    if (!r || !(r->window = malloc(WINDOW))) {
        free(r);
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->f = f;
    r->data = r->window;
    if (read_header(r, err, errlen)) {
        trace_reader_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

void trace_reader_close(trace_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->window);
    free(r);
}
