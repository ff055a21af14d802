/* The streaming Tarmac reader: a fixed buffer, one line parsed per call. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tarmac_lex.h"

enum { READ_BUFFER = 1 << 20 };

#define TARMAC_STR_(x) #x
#define TARMAC_STR(x) TARMAC_STR_(x)

struct tarmac_reader {
    FILE *in;
    bool owns_in;
    bool eof;
    bool skipping;       /* discarding the rest of an over-long line */
    char *buf;
    size_t start, end;   /* unread bytes: buf[start..end) */
    uint64_t line_no;
    uint64_t counts[TARMAC_KIND_COUNT];
    tarmac_state st;
};

const char *tarmac_kind_name(tarmac_kind k)
{
    static const char *const names[TARMAC_KIND_COUNT] = {
        [TARMAC_INSN] = "insn",       [TARMAC_MEM] = "mem",
        [TARMAC_SYSREG] = "sysreg",   [TARMAC_REG] = "reg",
        [TARMAC_TLBI] = "tlbi",       [TARMAC_AT] = "at",
        [TARMAC_CACHEOP] = "cacheop", [TARMAC_EXCEPTION] = "exception",
        [TARMAC_TTW] = "ttw",         [TARMAC_TLB] = "tlb",
        [TARMAC_EVENT] = "event",     [TARMAC_UNKNOWN] = "unknown",
        [TARMAC_BAD] = "bad",
    };
    return (unsigned)k < TARMAC_KIND_COUNT ? names[k] : "?";
}

const char *tarmac_pas_suffix(tarmac_pas pas)
{
    static const char *const suffixes[] = {"", "_S", "_NS", "_RT", "_RL"};
    return (unsigned)pas <= TARMAC_PAS_REALM ? suffixes[pas] : "";
}

tarmac_reader *tarmac_reader_from_stream(FILE *in, char *err, size_t errlen)
{
    tarmac_reader *r = calloc(1, sizeof *r);
    char *buf = malloc(READ_BUFFER);
    if (!r || !buf) {
        free(r);
        free(buf);
        snprintf(err, errlen, "out of memory for the Tarmac reader");
        return NULL;
    }
    r->in = in;
    r->buf = buf;
    tarmac_state_init(&r->st);
    return r;
}

tarmac_reader *tarmac_reader_open(const char *path, char *err, size_t errlen)
{
    bool is_stdin = !strcmp(path, "-");
    FILE *in = is_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    tarmac_reader *r = tarmac_reader_from_stream(in, err, errlen);
    if (!r) {
        if (!is_stdin)
            fclose(in);
        return NULL;
    }
    r->owns_in = !is_stdin;
    return r;
}

void tarmac_reader_close(tarmac_reader *r)
{
    if (!r)
        return;
    if (r->owns_in)
        fclose(r->in);
    free(r->buf);
    free(r);
}

uint64_t tarmac_reader_count(const tarmac_reader *r, tarmac_kind k)
{
    return (unsigned)k < TARMAC_KIND_COUNT ? r->counts[k] : 0;
}

uint64_t tarmac_reader_lines(const tarmac_reader *r)
{
    return r->line_no;
}

/* Moves the unread bytes to the front and reads more. -1 on a read error. */
static int refill(tarmac_reader *r, char *err, size_t errlen)
{
    size_t keep = r->end - r->start;
    memmove(r->buf, r->buf + r->start, keep);
    r->start = 0;
    r->end = keep;
    size_t got = fread(r->buf + keep, 1, READ_BUFFER - keep, r->in);
    r->end += got;
    if (got == 0) {
        if (ferror(r->in)) {
            snprintf(err, errlen, "read error after line %llu", (unsigned long long)r->line_no);
            return -1;
        }
        r->eof = true;
    }
    return 0;
}

static bool skip_line(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i == n || s[i] == '#';
}

int tarmac_reader_next(tarmac_reader *r, tarmac_record *rec, char *err, size_t errlen)
{
    for (;;) {
        char *s = r->buf + r->start;
        size_t avail = r->end - r->start;
        char *nl = memchr(s, '\n', avail);
        size_t len;
        if (r->skipping) {
            if (!nl) {
                r->start = r->end;
                if (r->eof)
                    return 0;
                if (refill(r, err, errlen) < 0)
                    return -1;
                continue;
            }
            r->skipping = false;
            r->start += (size_t)(nl - s) + 1;
            continue;
        }
        if (nl) {
            len = (size_t)(nl - s);
            r->start += len + 1;
        } else if (avail >= TARMAC_MAX_LINE) {
            len = avail;
            r->start = r->end;
            r->skipping = true;
        } else if (!r->eof) {
            if (refill(r, err, errlen) < 0)
                return -1;
            continue;
        } else if (avail) {
            len = avail; /* a last line without its newline */
            r->start = r->end;
        } else {
            return 0;
        }
        r->line_no++;
        if (len > TARMAC_MAX_LINE) {
            memset(rec, 0, sizeof *rec);
            rec->line = r->line_no;
            rec->text = s;
            rec->text_len = TARMAC_MAX_LINE;
            rec->time = r->st.time;
            rec->has_time = r->st.has_time;
            rec->cpu = r->st.cpu;
            tarmac_bad(rec, "line too long: more than " TARMAC_STR(TARMAC_MAX_LINE) " characters");
        } else if (skip_line(s, len)) {
            continue;
        } else {
            tarmac_parse_line(&r->st, s, len, r->line_no, rec);
        }
        r->counts[rec->kind]++;
        return 1;
    }
}
