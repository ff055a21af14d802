/* The walk log writer: JSON Lines or text, formatted directly into a 64 KiB
 * buffer that is written out when nearly full. Field names and meanings
 * are documented in docs/walk-record.md; keep the two in step. */
#include "walklog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WALKLOG_BUF 65536
/* Each record is formatted straight into the buffer after one check that
 * RECORD_MAX bytes are free: the largest record (a walk with MMU_MAX_READS
 * reads, about 230 bytes each, plus strings of at most STR_MAX characters,
 * JSON-escaped to 6 bytes each) fits, so the primitives below never check. */
#define RECORD_MAX 16384
#define STR_MAX 256

struct walklog {
    FILE *f;
    bool own;             /* opened by walklog_open: close it */
    bool failed;          /* a write failed */
    int saved_errno;
    walklog_format fmt;
    unsigned kinds;
    size_t len;
    char buf[WALKLOG_BUF];
};

/* ------------------------------------------------------------------------
 * Buffer primitives (unchecked: see RECORD_MAX)
 * ------------------------------------------------------------------------ */

void walklog_flush(walklog *l)
{
    if (l->len && !l->failed) {
        if (fwrite(l->buf, 1, l->len, l->f) != l->len || fflush(l->f)) {
            l->failed = true;
            l->saved_errno = errno;
        }
    }
    l->len = 0;
}

/* Makes room for one record. */
static inline void begin_record(walklog *l)
{
    if (l->len > WALKLOG_BUF - RECORD_MAX)
        walklog_flush(l);
}

static inline void put_mem(walklog *l, const char *s, size_t n)
{
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

#define PUT(l, lit) put_mem((l), lit, sizeof(lit) - 1)

static inline void put_char(walklog *l, char c)
{
    l->buf[l->len++] = c;
}

/* A string for the text form, at most STR_MAX characters. */
static void put_str(walklog *l, const char *s)
{
    size_t n = strlen(s);
    put_mem(l, s, n < STR_MAX ? n : STR_MAX);
}

static void put_u64(walklog *l, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        l->buf[l->len++] = tmp[--n];
}

static void put_i64(walklog *l, int64_t v)
{
    if (v < 0) {
        put_char(l, '-');
        put_u64(l, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(l, (uint64_t)v);
    }
}

/* "0x" and the hex digits of v, at least `width` of them. */
static void put_hex_w(walklog *l, uint64_t v, int width)
{
    static const char digits[] = "0123456789abcdef";
    int n = v ? (67 - __builtin_clzll(v)) / 4 : 1;
    if (n < width)
        n = width;
    char *p = l->buf + l->len;
    p[0] = '0', p[1] = 'x';
    for (int i = n + 1; i >= 2; i--, v >>= 4)
        p[i] = digits[v & 0xF];
    l->len += (size_t)n + 2;
}

static void put_hex(walklog *l, uint64_t v)
{
    put_hex_w(l, v, 1);
}

/* A JSON string (at most STR_MAX characters of s): quotes, with the
 * escapes RFC 8259 requires. */
static void put_json_str(walklog *l, const char *s)
{
    static const char digits[] = "0123456789abcdef";
    put_char(l, '"');
    for (size_t i = 0; s[i] && i < STR_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            put_char(l, '\\');
            put_char(l, (char)c);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', digits[c >> 4], digits[c & 0xF]};
            put_mem(l, esc, 6);
        } else {
            put_char(l, (char)c);
        }
    }
    put_char(l, '"');
}

/* ,"key": with the key a string literal. */
#define KEY(l, k) PUT(l, ",\"" k "\":")

static void put_qhex(walklog *l, uint64_t v)
{
    put_char(l, '"');
    put_hex(l, v);
    put_char(l, '"');
}

static void put_bool(walklog *l, bool v)
{
    if (v)
        PUT(l, "true");
    else
        PUT(l, "false");
}

static void put_str_or_null(walklog *l, const char *v)
{
    if (v)
        put_json_str(l, v);
    else
        PUT(l, "null");
}

static void put_level(walklog *l, int8_t level)
{
    if (level == MMU_NO_LEVEL)
        PUT(l, "null");
    else
        put_i64(l, level);
}

#define kv_hex(l, k, v) (KEY(l, k), put_qhex(l, v))
#define kv_int(l, k, v) (KEY(l, k), put_i64(l, v))
#define kv_bool(l, k, v) (KEY(l, k), put_bool(l, v))
#define kv_str(l, k, v) (KEY(l, k), put_str_or_null(l, v))
#define kv_level(l, k, v) (KEY(l, k), put_level(l, v))

/* ------------------------------------------------------------------------
 * Opening and closing
 * ------------------------------------------------------------------------ */

static walklog *new_log(FILE *f, bool own, walklog_format fmt)
{
    walklog *l = malloc(sizeof *l);
    if (!l)
        return NULL;
    l->f = f;
    l->own = own;
    l->failed = false;
    l->saved_errno = 0;
    l->fmt = fmt;
    l->kinds = WALKLOG_ALL;
    l->len = 0;
    return l;
}

int walklog_open(walklog **out, const char *path, walklog_format fmt, char *err, size_t errlen)
{
    *out = NULL;
    bool to_stderr = !strcmp(path, "-");
    FILE *f = to_stderr ? stderr : fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open log for writing: %s", path, strerror(errno));
        return -1;
    }
    *out = new_log(f, !to_stderr, fmt);
    if (!*out) {
        if (!to_stderr)
            fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    return 0;
}

walklog *walklog_from_stream(FILE *f, walklog_format fmt)
{
    return new_log(f, false, fmt);
}

int walklog_close(walklog *l, char *err, size_t errlen)
{
    if (!l)
        return 0;
    walklog_flush(l);
    bool failed = l->failed;
    int e = l->saved_errno;
    if (l->own && fclose(l->f) && !failed) {
        failed = true;
        e = errno;
    }
    free(l);
    if (failed) {
        snprintf(err, errlen, "writing the walk log failed: %s", strerror(e));
        return -1;
    }
    return 0;
}

void walklog_select(walklog *l, unsigned kinds)
{
    l->kinds = kinds & WALKLOG_ALL;
}

bool walklog_wants(const walklog *l, unsigned kind)
{
    return l && (l->kinds & kind);
}

/* ------------------------------------------------------------------------
 * JSON Lines records
 * ------------------------------------------------------------------------ */

static void json_head(walklog *l, const char *type, const walklog_where *w)
{
    PUT(l, "{\"type\":");
    put_json_str(l, type);
    kv_int(l, "icount", (int64_t)w->icount);
    kv_hex(l, "pc", w->pc);
    kv_int(l, "el", w->el);
    kv_str(l, "insn", w->insn);
}

static void json_end(walklog *l)
{
    PUT(l, "}\n");
}

static void json_walk(walklog *l, const walklog_where *w, const char *origin, const mmu_walk *wk)
{
    json_head(l, "walk", w);
    kv_str(l, "origin", origin);

    const mmu_access *a = &wk->access;
    KEY(l, "access");
    PUT(l, "{\"va\":\"");
    put_hex(l, a->va);
    put_char(l, '"');
    kv_str(l, "kind", mmu_access_kind_name(a->kind));
    kv_int(l, "el", a->el);
    kv_bool(l, "unpriv", a->unpriv);
    kv_bool(l, "pan", a->pan);
    kv_bool(l, "s1_only", a->s1_only);
    kv_bool(l, "no_update", a->no_update);
    put_char(l, '}');

    kv_str(l, "regime", mmu_regime_name(wk->regime));

    KEY(l, "s1");
    PUT(l, "{\"enabled\":");
    if (wk->s1_enabled) {
        PUT(l, "true");
        kv_int(l, "ttbr", wk->ttbr);
        kv_int(l, "asid", wk->asid);
        kv_str(l, "granule", mmu_granule_name(wk->s1_granule));
        kv_int(l, "txsz", wk->s1_txsz);
        kv_bool(l, "ds", wk->s1_ds);
        kv_level(l, "start_level", wk->s1_start_level);
    } else {
        PUT(l, "false");
    }
    put_char(l, '}');

    KEY(l, "s2");
    PUT(l, "{\"enabled\":");
    if (wk->s2_enabled) {
        PUT(l, "true");
        kv_int(l, "vmid", wk->vmid);
        kv_str(l, "granule", mmu_granule_name(wk->s2_granule));
        kv_int(l, "t0sz", wk->s2_t0sz);
        kv_bool(l, "ds", wk->s2_ds);
        kv_level(l, "start_level", wk->s2_start_level);
    } else {
        PUT(l, "false");
    }
    put_char(l, '}');

    KEY(l, "reads");
    put_char(l, '[');
    unsigned n = wk->n_reads < MMU_MAX_READS ? wk->n_reads : MMU_MAX_READS;
    for (unsigned i = 0; i < n; i++) {
        const mmu_desc_read *r = &wk->reads[i];
        if (i)
            put_char(l, ',');
        PUT(l, "{\"stage\":");
        put_i64(l, r->stage);
        kv_level(l, "level", r->level);
        kv_level(l, "for_s1_level", r->for_s1_level);
        kv_hex(l, "table", r->table);
        kv_int(l, "index", r->index);
        kv_hex(l, "ipa", r->ipa);
        kv_hex(l, "pa", r->pa);
        kv_hex(l, "value", r->value);
        kv_bool(l, "updated", r->updated);
        if (r->updated)
            kv_hex(l, "new_value", r->new_value);
        put_char(l, '}');
    }
    put_char(l, ']');

    if (wk->fault.type != MMU_FAULT_NONE) {
        const mmu_fault *f = &wk->fault;
        KEY(l, "fault");
        PUT(l, "{\"type\":");
        put_json_str(l, mmu_fault_type_name(f->type));
        kv_int(l, "stage", f->stage);
        kv_level(l, "level", f->level);
        kv_bool(l, "s1ptw", f->s1ptw);
        KEY(l, "ipa");
        if (f->ipa_valid) {
            put_char(l, '"');
            put_hex(l, f->ipa);
            put_char(l, '"');
        } else {
            PUT(l, "null");
        }
        kv_bool(l, "write", f->write);
        kv_hex(l, "fsc", mmu_fsc(f));
        put_char(l, '}');
    } else {
        const mmu_result *r = &wk->result;
        KEY(l, "result");
        PUT(l, "{\"ipa\":\"");
        put_hex(l, r->ipa);
        put_char(l, '"');
        kv_hex(l, "pa", r->pa);
        kv_int(l, "s1_size_shift", r->s1_size_shift);
        kv_int(l, "s2_size_shift", r->s2_size_shift);
        kv_level(l, "s1_level", wk->s1_enabled ? r->s1_level : MMU_NO_LEVEL);
        kv_level(l, "s2_level", wk->s2_enabled ? r->s2_level : MMU_NO_LEVEL);
        kv_bool(l, "s1_contig", r->s1_contig);
        kv_bool(l, "s2_contig", r->s2_contig);
        kv_bool(l, "ng", r->ng);
        KEY(l, "s1_perms");
        PUT(l, "{\"ap\":");
        put_u64(l, r->s1perm.ap);
        kv_bool(l, "uxn", r->s1perm.uxn);
        kv_bool(l, "pxn", r->s1perm.pxn);
        kv_bool(l, "dbm", r->s1perm.dbm);
        put_char(l, '}');
        KEY(l, "s2_perms");
        PUT(l, "{\"s2ap\":");
        put_u64(l, r->s2perm.s2ap);
        kv_int(l, "xn", r->s2perm.xn);
        kv_bool(l, "dbm", r->s2perm.dbm);
        put_char(l, '}');
        KEY(l, "s1_attr");
        PUT(l, "{\"attr\":\"");
        put_hex_w(l, r->s1_attr.attr, 2);
        put_char(l, '"');
        kv_int(l, "sh", r->s1_attr.sh);
        put_char(l, '}');
        KEY(l, "attr");
        PUT(l, "{\"attr\":\"");
        put_hex_w(l, r->attr.attr, 2);
        put_char(l, '"');
        kv_int(l, "sh", r->attr.sh);
        put_char(l, '}');
        kv_bool(l, "r", r->r);
        kv_bool(l, "w", r->w);
        kv_bool(l, "x", r->x);
        put_char(l, '}');
    }
    json_end(l);
}

static void json_tlbi(walklog *l, const walklog_where *w, const walklog_tlbi *t)
{
    json_head(l, "tlbi", w);
    kv_str(l, "op", t->op);
    if (t->has_operand)
        kv_hex(l, "operand", t->operand);
    if (t->has_asid)
        kv_int(l, "asid", t->asid);
    if (t->has_vmid)
        kv_int(l, "vmid", t->vmid);
    if (t->has_range) {
        kv_hex(l, "start", t->start);
        kv_hex(l, "end", t->end);
    }
    if (t->has_level)
        kv_int(l, "level", t->level);
    kv_bool(l, "last_level", t->last_level);
    if (t->removed >= 0)
        kv_int(l, "removed", t->removed);
    json_end(l);
}

static void json_exception(walklog *l, const walklog_where *w, const walklog_exception *e)
{
    json_head(l, "exception", w);
    kv_str(l, "kind", e->kind);
    kv_int(l, "from_el", e->from_el);
    kv_int(l, "to_el", e->to_el);
    kv_hex(l, "esr", e->esr);
    kv_int(l, "ec", (int64_t)((e->esr >> 26) & 0x3F));
    if (e->has_far)
        kv_hex(l, "far", e->far);
    if (e->has_hpfar)
        kv_hex(l, "hpfar", e->hpfar);
    kv_hex(l, "elr", e->elr);
    kv_hex(l, "spsr", e->spsr);
    kv_hex(l, "vector", e->vector);
    json_end(l);
}

static void json_register(walklog *l, const walklog_where *w, const char *reg, uint64_t old_value,
                          uint64_t new_value)
{
    json_head(l, "register", w);
    kv_str(l, "reg", reg);
    kv_hex(l, "old", old_value);
    kv_hex(l, "new", new_value);
    json_end(l);
}

/* ------------------------------------------------------------------------
 * Text records: a header line, then indented detail lines.
 *
 *   #1234 EL1 pc=0x40001000 ldr x0, [x1]
 *     walk read va=0x8000001000 EL1&0 | s1 ttbr0 asid=0 4K txsz=12 ds sl=-1 | s2 vmid=1 4K t0sz=12 ds sl=0
 *       s2 L0  [   0] @0x40100000 = 0x0000000040101003  (for s1 L-1)
 *       s1 L-1 [   0] @0x40200000 = 0x0000000040201003  ipa 0x80000000
 *     -> pa=0x40305000 ipa=0x80005000 s1 4K L3 s2 2M L2 attr=0xff sh=3 rw-
 * ------------------------------------------------------------------------ */

static void text_head(walklog *l, const walklog_where *w)
{
    put_char(l, '#');
    put_u64(l, w->icount);
    PUT(l, " EL");
    put_u64(l, w->el);
    PUT(l, " pc=");
    put_hex(l, w->pc);
    if (w->insn) {
        put_char(l, ' ');
        put_str(l, w->insn);
    }
    put_char(l, '\n');
}

static void text_level(walklog *l, int8_t level)
{
    put_char(l, 'L');
    put_i64(l, level);
    if (level >= 0)
        put_char(l, ' ');
}

static void text_index(walklog *l, unsigned index)
{
    char tmp[8];
    int n = snprintf(tmp, sizeof tmp, "%4u", index);
    put_mem(l, tmp, (size_t)n);
}

/* log2 size as "4K", "2M", "1G", "512G"... */
static void text_size(walklog *l, unsigned shift)
{
    static const char units[] = "KMGTP";
    if (shift < 10) {
        put_u64(l, UINT64_C(1) << shift);
        return;
    }
    unsigned u = (shift - 10) / 10;
    if (u > 4)
        u = 4;
    put_u64(l, UINT64_C(1) << (shift - 10 - 10 * u));
    put_char(l, units[u]);
}

static void text_walk(walklog *l, const walklog_where *w, const char *origin, const mmu_walk *wk)
{
    text_head(l, w);
    PUT(l, "  walk");
    if (origin && strcmp(origin, "access")) {
        put_char(l, '(');
        put_str(l, origin);
        put_char(l, ')');
    }
    put_char(l, ' ');
    put_str(l, mmu_access_kind_name(wk->access.kind));
    if (wk->access.unpriv)
        PUT(l, " unpriv");
    if (wk->access.s1_only)
        PUT(l, " s1-only");
    PUT(l, " va=");
    put_hex(l, wk->access.va);
    put_char(l, ' ');
    put_str(l, mmu_regime_name(wk->regime));
    if (wk->s1_enabled) {
        PUT(l, " | s1 ttbr");
        put_u64(l, wk->ttbr);
        PUT(l, " asid=");
        put_u64(l, wk->asid);
        put_char(l, ' ');
        put_str(l, mmu_granule_name(wk->s1_granule));
        PUT(l, " txsz=");
        put_u64(l, wk->s1_txsz);
        if (wk->s1_ds)
            PUT(l, " ds");
        PUT(l, " sl=");
        put_i64(l, wk->s1_start_level);
    } else {
        PUT(l, " | s1 off");
    }
    if (wk->s2_enabled) {
        PUT(l, " | s2 vmid=");
        put_u64(l, wk->vmid);
        put_char(l, ' ');
        put_str(l, mmu_granule_name(wk->s2_granule));
        PUT(l, " t0sz=");
        put_u64(l, wk->s2_t0sz);
        if (wk->s2_ds)
            PUT(l, " ds");
        PUT(l, " sl=");
        put_i64(l, wk->s2_start_level);
    }
    put_char(l, '\n');

    unsigned n = wk->n_reads < MMU_MAX_READS ? wk->n_reads : MMU_MAX_READS;
    for (unsigned i = 0; i < n; i++) {
        const mmu_desc_read *r = &wk->reads[i];
        PUT(l, "    s");
        put_i64(l, r->stage);
        put_char(l, ' ');
        text_level(l, r->level);
        PUT(l, " [");
        text_index(l, r->index);
        PUT(l, "] @");
        put_hex(l, r->pa);
        PUT(l, " = ");
        put_hex_w(l, r->value, 16);
        if (r->updated) {
            PUT(l, " -> ");
            put_hex_w(l, r->new_value, 16);
        }
        if (r->stage == 2 && r->for_s1_level != MMU_NO_LEVEL) {
            PUT(l, "  (for s1 L");
            put_i64(l, r->for_s1_level);
            put_char(l, ')');
        } else if (r->stage == 2) {
            PUT(l, "  (final ipa)");
        } else if (r->ipa != r->pa) {
            PUT(l, "  ipa ");
            put_hex(l, r->ipa);
        }
        put_char(l, '\n');
    }

    if (wk->fault.type != MMU_FAULT_NONE) {
        const mmu_fault *f = &wk->fault;
        PUT(l, "  -> fault ");
        put_str(l, mmu_fault_type_name(f->type));
        PUT(l, " s");
        put_i64(l, f->stage);
        PUT(l, " L");
        put_i64(l, f->level);
        PUT(l, " fsc=");
        put_hex_w(l, mmu_fsc(f), 2);
        if (f->s1ptw)
            PUT(l, " s1ptw");
        if (f->write)
            PUT(l, " wnr");
        if (f->ipa_valid) {
            PUT(l, " ipa=");
            put_hex(l, f->ipa);
        }
    } else {
        const mmu_result *r = &wk->result;
        PUT(l, "  -> pa=");
        put_hex(l, r->pa);
        if (wk->s2_enabled || wk->access.s1_only) {
            PUT(l, " ipa=");
            put_hex(l, r->ipa);
        }
        if (wk->s1_enabled) {
            PUT(l, " s1 ");
            text_size(l, r->s1_size_shift);
            PUT(l, " L");
            put_i64(l, r->s1_level);
            if (r->s1_contig)
                PUT(l, " contig");
        }
        if (wk->s2_enabled) {
            PUT(l, " s2 ");
            text_size(l, r->s2_size_shift);
            PUT(l, " L");
            put_i64(l, r->s2_level);
            if (r->s2_contig)
                PUT(l, " contig");
        }
        PUT(l, " attr=");
        put_hex_w(l, r->attr.attr, 2);
        PUT(l, " sh=");
        put_u64(l, r->attr.sh);
        if (r->ng)
            PUT(l, " nG");
        put_char(l, ' ');
        put_char(l, r->r ? 'r' : '-');
        put_char(l, r->w ? 'w' : '-');
        put_char(l, r->x ? 'x' : '-');
    }
    put_char(l, '\n');
}

static void text_tlbi(walklog *l, const walklog_where *w, const walklog_tlbi *t)
{
    text_head(l, w);
    PUT(l, "  tlbi ");
    put_str(l, t->op ? t->op : "?");
    if (t->has_operand) {
        PUT(l, " xt=");
        put_hex(l, t->operand);
    }
    if (t->has_asid) {
        PUT(l, " asid=");
        put_u64(l, t->asid);
    }
    if (t->has_vmid) {
        PUT(l, " vmid=");
        put_u64(l, t->vmid);
    }
    if (t->has_range) {
        PUT(l, " [");
        put_hex(l, t->start);
        PUT(l, ", ");
        put_hex(l, t->end);
        put_char(l, ')');
    }
    if (t->has_level) {
        PUT(l, " ttl=L");
        put_i64(l, t->level);
    }
    if (t->last_level)
        PUT(l, " last-level");
    if (t->removed >= 0) {
        PUT(l, " removed=");
        put_i64(l, t->removed);
    }
    put_char(l, '\n');
}

static void text_exception(walklog *l, const walklog_where *w, const walklog_exception *e)
{
    text_head(l, w);
    PUT(l, "  exception ");
    put_str(l, e->kind ? e->kind : "?");
    PUT(l, " EL");
    put_u64(l, e->from_el);
    PUT(l, "->EL");
    put_u64(l, e->to_el);
    PUT(l, " esr=");
    put_hex(l, e->esr);
    if (e->has_far) {
        PUT(l, " far=");
        put_hex(l, e->far);
    }
    if (e->has_hpfar) {
        PUT(l, " hpfar=");
        put_hex(l, e->hpfar);
    }
    PUT(l, " elr=");
    put_hex(l, e->elr);
    PUT(l, " spsr=");
    put_hex(l, e->spsr);
    PUT(l, " vector=");
    put_hex(l, e->vector);
    put_char(l, '\n');
}

static void text_register(walklog *l, const walklog_where *w, const char *reg, uint64_t old_value,
                          uint64_t new_value)
{
    text_head(l, w);
    PUT(l, "  msr ");
    put_str(l, reg ? reg : "?");
    put_char(l, ' ');
    put_hex(l, old_value);
    PUT(l, " -> ");
    put_hex(l, new_value);
    put_char(l, '\n');
}

/* ------------------------------------------------------------------------
 * Public record writers
 * ------------------------------------------------------------------------ */

void walklog_walk(walklog *l, const walklog_where *w, const char *origin, const mmu_walk *walk)
{
    if (!walklog_wants(l, WALKLOG_WALKS))
        return;
    begin_record(l);
    if (l->fmt == WALKLOG_JSONL)
        json_walk(l, w, origin, walk);
    else
        text_walk(l, w, origin, walk);
}

walklog_tlbi walklog_tlbi_of(const mmu_tlbi *t, long removed, char name[WALKLOG_TLBI_NAME_LEN])
{
    snprintf(name, WALKLOG_TLBI_NAME_LEN, "%s%s", t->op->name, t->nxs ? "nXS" : "");
    mmu_tlbi_kind k = t->op->kind;
    return (walklog_tlbi){.op = name,
                          .has_operand = k == MMU_TLBI_ASID || k == MMU_TLBI_VA ||
                                         k == MMU_TLBI_VAA || k == MMU_TLBI_IPAS2,
                          .operand = t->xt, .has_asid = t->use_asid,
                          .has_vmid = !t->any_vmid && t->regime == MMU_REGIME_EL10,
                          .has_range = !t->all_addresses, .has_level = t->ttl_valid,
                          .asid = t->asid, .vmid = t->vmid, .start = t->start, .end = t->last + 1,
                          .level = t->ttl_level, .last_level = t->last_level, .removed = removed};
}

void walklog_tlbi_op(walklog *l, const walklog_where *w, const walklog_tlbi *t)
{
    if (!walklog_wants(l, WALKLOG_TLBIS))
        return;
    begin_record(l);
    if (l->fmt == WALKLOG_JSONL)
        json_tlbi(l, w, t);
    else
        text_tlbi(l, w, t);
}

void walklog_exception_taken(walklog *l, const walklog_where *w, const walklog_exception *e)
{
    if (!walklog_wants(l, WALKLOG_EXCEPTIONS))
        return;
    begin_record(l);
    if (l->fmt == WALKLOG_JSONL)
        json_exception(l, w, e);
    else
        text_exception(l, w, e);
}

void walklog_register_write(walklog *l, const walklog_where *w, const char *reg, uint64_t old_value,
                            uint64_t new_value)
{
    if (!walklog_wants(l, WALKLOG_REGISTERS))
        return;
    begin_record(l);
    if (l->fmt == WALKLOG_JSONL)
        json_register(l, w, reg, old_value, new_value);
    else
        text_register(l, w, reg, old_value, new_value);
}
