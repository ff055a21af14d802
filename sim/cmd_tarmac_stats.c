/* mmusim tarmac-stats FILE: counts the records of a Tarmac trace by kind
 * and shows the first problems (garbled lines, unknown lines) with their
 * line numbers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "tarmac.h"

static void usage(FILE *to)
{
    fprintf(to, "usage: mmusim tarmac-stats [--show N] FILE\n"
                "  Reads a Tarmac trace (Fast Models, gem5 or ES/LD/ST style; '-' is stdin),\n"
                "  prints the number of records of each kind, then the first N (default 10)\n"
                "  bad and unknown lines with their line numbers.\n");
}

static void show(const tarmac_record *rec, const char *what)
{
    int n = rec->text_len > 100 ? 100 : (int)rec->text_len;
    printf("  line %" PRIu64 ": %s%s%s: %.*s%s\n", rec->line, what, rec->problem ? ": " : "",
           rec->problem ? rec->problem : "", n, rec->text, rec->text_len > 100 ? "..." : "");
}

int cmd_tarmac_stats(int argc, char **argv)
{
    const char *path = NULL;
    long shown_max = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--show") && i + 1 < argc) {
            char *end;
            shown_max = strtol(argv[++i], &end, 10);
            if (*end || shown_max < 0) {
                fprintf(stderr, "tarmac-stats: --show needs a count, not '%s'\n", argv[i]);
                return 2;
            }
        } else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
            path = argv[i];
        } else {
            fprintf(stderr, "tarmac-stats: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }

    char err[256];
    tarmac_reader *r = tarmac_reader_open(path, err, sizeof err);
    if (!r) {
        fprintf(stderr, "tarmac-stats: %s\n", err);
        return 1;
    }
    tarmac_record rec;
    long shown = 0;
    int status;
    printf("%s:\n", path);
    while ((status = tarmac_reader_next(r, &rec, err, sizeof err)) > 0) {
        if ((rec.kind == TARMAC_BAD || rec.kind == TARMAC_UNKNOWN) && shown < shown_max) {
            if (!shown++)
                printf("problems:\n");
            show(&rec, rec.kind == TARMAC_BAD ? "bad" : "unknown");
        }
    }
    if (status < 0) {
        fprintf(stderr, "tarmac-stats: %s: %s\n", path, err);
        tarmac_reader_close(r);
        return 1;
    }
    uint64_t problems = tarmac_reader_count(r, TARMAC_BAD) + tarmac_reader_count(r, TARMAC_UNKNOWN);
    if ((uint64_t)shown < problems)
        printf("  ... %" PRIu64 " more\n", problems - (uint64_t)shown);
    printf("lines: %" PRIu64 "\n", tarmac_reader_lines(r));
    for (int k = 0; k < TARMAC_KIND_COUNT; k++)
        printf("%-10s %" PRIu64 "\n", tarmac_kind_name((tarmac_kind)k),
               tarmac_reader_count(r, (tarmac_kind)k));
    tarmac_reader_close(r);
    return 0;
}
