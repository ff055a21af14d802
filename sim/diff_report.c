/* The diff report: counts, kept divergences and bad lines, written as text
 * or JSON. See diff.h and docs/diff.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "walklog.h"

const char *diff_kind_name(diff_kind k)
{
    static const char *const names[DIFF_KIND_COUNT] = {
        "fetch-pa", "data-pa", "fault", "far", "hpfar", "par",
        "tlbi",     "tlb-fill", "ttw",  "register", "flow"};
    return (unsigned)k < DIFF_KIND_COUNT ? names[k] : "?";
}

int diff_report_init(diff_report *r, const char *mode, size_t max_report, char *err,
                     size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->max_report = max_report;
    if (max_report) {
        r->div = calloc(max_report, sizeof *r->div);
        r->bad = calloc(max_report, sizeof *r->bad);
        if (!r->div || !r->bad) {
            diff_report_free(r);
            snprintf(err, errlen, "out of memory for %zu report entries", max_report);
            return -1;
        }
    }
    return 0;
}

void diff_report_free(diff_report *r)
{
    free(r->div);
    free(r->bad);
    r->div = NULL;
    r->bad = NULL;
}

void diff_agree(diff_report *r, diff_kind k)
{
    r->agree[k]++;
}

diff_divergence *diff_disagree(diff_report *r, diff_kind k, const diff_where *w)
{
    r->disagree[k]++;
    diff_divergence *d = r->n_div < r->max_report ? &r->div[r->n_div++] : &r->scratch;
    d->kind = k;
    d->line = w->line;
    d->insn_line = w->insn_line;
    d->icount = w->icount;
    d->pc = w->pc;
    d->el = w->el;
    snprintf(d->insn, sizeof d->insn, "%s", w->insn ? w->insn : "");
    d->trace[0] = d->ours[0] = d->note[0] = '\0';
    d->has_walk = false;
    return d;
}

void diff_bad(diff_report *r, const tarmac_record *rec)
{
    r->bad_lines++;
    if (r->n_bad >= r->max_report)
        return;
    diff_bad_line *b = &r->bad[r->n_bad++];
    b->line = rec->line;
    b->problem = rec->problem ? rec->problem : "bad line";
    size_t n = rec->text_len < sizeof b->text - 1 ? rec->text_len : sizeof b->text - 1;
    /* The text may hold NUL and control bytes: keep it printable. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rec->text[i];
        b->text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    b->text[n] = '\0';
}

uint64_t diff_disagreements(const diff_report *r)
{
    uint64_t n = 0;
    for (int k = 0; k < DIFF_KIND_COUNT; k++)
        n += r->disagree[k];
    return n;
}

/* ---- Text ------------------------------------------------------------------ */

static void text_walk(const diff_divergence *d, FILE *f)
{
    walklog *l = walklog_from_stream(f, WALKLOG_TEXT);
    if (!l)
        return;
    walklog_where w = {.icount = d->icount, .pc = d->pc, .el = (uint8_t)(d->el < 0 ? 0 : d->el),
                       .insn = d->insn[0] ? d->insn : NULL};
    fprintf(f, "  mmusim's walk:\n");
    walklog_walk(l, &w, "diff", &d->walk);
    char err[64];
    walklog_close(l, err, sizeof err);
}

void diff_report_text(const diff_report *r, const char *trace_path, FILE *f)
{
    fprintf(f, "mmusim diff (%s): %s\n", r->mode, trace_path);
    fprintf(f, "%" PRIu64 " lines, %" PRIu64 " instructions, %" PRIu64 " unknown lines, %" PRIu64
               " bad lines\n",
            r->lines, r->insns, r->unknown_lines, r->bad_lines);
    fprintf(f, "%-10s %12s %10s\n", "compared", "agree", "disagree");
    for (int k = 0; k < DIFF_KIND_COUNT; k++)
        if (r->agree[k] || r->disagree[k])
            fprintf(f, "%-10s %12" PRIu64 " %10" PRIu64 "\n", diff_kind_name((diff_kind)k),
                    r->agree[k], r->disagree[k]);
    const diff_skipped *s = &r->skipped;
    fprintf(f,
            "not compared: %" PRIu64 " secure/EL3, %" PRIu64 " without PA, %" PRIu64
            " before any EL, %" PRIu64 " unknown TLBI/AT, %" PRIu64 " AT without PAR line, %" PRIu64
            " TLB reloads, %" PRIu64 " untracked descriptor reads, %" PRIu64
            " instructions not run\n",
            s->secure, s->no_pa, s->no_el, s->unknown_op, s->par_unprinted, s->tlb_reloads,
            s->untracked_reads, s->not_run);
    if (r->stopped[0])
        fprintf(f, "stopped: %s\n", r->stopped);
    uint64_t total = diff_disagreements(r);
    fprintf(f, "disagreements: %" PRIu64 "%s\n", total,
            total <= r->n_div ? "" : r->n_div ? " (the first ones follow)" : " (none shown)");
    for (size_t i = 0; i < r->n_div; i++) {
        const diff_divergence *d = &r->div[i];
        fprintf(f, "\nline %" PRIu64 ": %s", d->line, diff_kind_name(d->kind));
        if (d->insn_line)
            fprintf(f, " at instruction (%" PRIu64 ") line %" PRIu64 " EL%d pc=0x%" PRIx64 " %s",
                    d->icount, d->insn_line, d->el, d->pc, d->insn);
        fprintf(f, "\n  trace:  %s\n  mmusim: %s\n", d->trace, d->ours);
        if (d->note[0])
            fprintf(f, "  note:   %s\n", d->note);
        if (d->has_walk)
            text_walk(d, f);
    }
    if (r->bad_lines) {
        fprintf(f, "\nbad lines: %" PRIu64 "%s\n", r->bad_lines,
                r->bad_lines > r->n_bad ? " (the first ones follow)" : "");
        for (size_t i = 0; i < r->n_bad; i++)
            fprintf(f, "  line %" PRIu64 ": %s: %s\n", r->bad[i].line, r->bad[i].problem,
                    r->bad[i].text);
    }
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_walk(const diff_divergence *d, FILE *f)
{
    walklog *l = walklog_from_stream(f, WALKLOG_JSONL);
    if (!l) {
        fprintf(f, "null");
        return;
    }
    walklog_where w = {.icount = d->icount, .pc = d->pc, .el = (uint8_t)(d->el < 0 ? 0 : d->el),
                       .insn = d->insn[0] ? d->insn : NULL};
    walklog_walk(l, &w, "diff", &d->walk); /* one object and a newline */
    char err[64];
    walklog_close(l, err, sizeof err);
}

void diff_report_json(const diff_report *r, const char *trace_path, FILE *f)
{
    fprintf(f, "{\"trace\":");
    json_str(f, trace_path);
    fprintf(f, ",\"mode\":\"%s\",\"lines\":%" PRIu64 ",\"instructions\":%" PRIu64
               ",\"unknown_lines\":%" PRIu64 ",\"bad_lines\":%" PRIu64 ",\"counts\":{",
            r->mode, r->lines, r->insns, r->unknown_lines, r->bad_lines);
    for (int k = 0; k < DIFF_KIND_COUNT; k++)
        fprintf(f, "%s\"%s\":{\"agree\":%" PRIu64 ",\"disagree\":%" PRIu64 "}", k ? "," : "",
                diff_kind_name((diff_kind)k), r->agree[k], r->disagree[k]);
    const diff_skipped *s = &r->skipped;
    fprintf(f,
            "},\"not_compared\":{\"secure\":%" PRIu64 ",\"no_pa\":%" PRIu64 ",\"no_el\":%" PRIu64
            ",\"unknown_op\":%" PRIu64 ",\"par_unprinted\":%" PRIu64 ",\"tlb_reloads\":%" PRIu64
            ",\"untracked_reads\":%" PRIu64 ",\"not_run\":%" PRIu64 "},\"stopped\":",
            s->secure, s->no_pa, s->no_el, s->unknown_op, s->par_unprinted, s->tlb_reloads,
            s->untracked_reads, s->not_run);
    if (r->stopped[0])
        json_str(f, r->stopped);
    else
        fprintf(f, "null");
    fprintf(f, ",\"disagreements\":%" PRIu64 ",\"divergences\":[", diff_disagreements(r));
    for (size_t i = 0; i < r->n_div; i++) {
        const diff_divergence *d = &r->div[i];
        fprintf(f, "%s\n{\"kind\":\"%s\",\"line\":%" PRIu64 ",\"insn_line\":%" PRIu64
                   ",\"icount\":%" PRIu64 ",\"pc\":\"0x%" PRIx64 "\",\"el\":",
                i ? "," : "", diff_kind_name(d->kind), d->line, d->insn_line, d->icount, d->pc);
        if (d->el < 0)
            fprintf(f, "null");
        else
            fprintf(f, "%d", d->el);
        fprintf(f, ",\"insn\":");
        json_str(f, d->insn);
        fprintf(f, ",\"trace\":");
        json_str(f, d->trace);
        fprintf(f, ",\"ours\":");
        json_str(f, d->ours);
        fprintf(f, ",\"note\":");
        json_str(f, d->note);
        fprintf(f, ",\"walk\":");
        if (d->has_walk)
            json_walk(d, f);
        else
            fprintf(f, "null");
        fprintf(f, "}");
    }
    fprintf(f, "],\"bad\":[");
    for (size_t i = 0; i < r->n_bad; i++) {
        fprintf(f, "%s\n{\"line\":%" PRIu64 ",\"problem\":", i ? "," : "", r->bad[i].line);
        json_str(f, r->bad[i].problem);
        fprintf(f, ",\"text\":");
        json_str(f, r->bad[i].text);
        fprintf(f, "}");
    }
    fprintf(f, "]}\n");
}
