/* libFuzzer harness for the Tarmac reader; see tools/fuzz/run_tarmac.sh.
 * Checks on every record: the kind is in range, line numbers increase, a
 * bad record says why and no other record does, and the text is no longer
 * than TARMAC_MAX_LINE. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "tarmac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *why, uint64_t line)
{
    fprintf(stderr, "tarmac reader invariant broken at line %llu: %s\n", (unsigned long long)line,
            why);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    FILE *in = fmemopen((void *)data, size, "rb");
    if (!in)
        return 0;
    char err[256];
    tarmac_reader *r = tarmac_reader_from_stream(in, err, sizeof err);
    tarmac_record rec;
    uint64_t last = 0, records = 0;
    while (r && tarmac_reader_next(r, &rec, err, sizeof err) > 0) {
        if ((unsigned)rec.kind >= TARMAC_KIND_COUNT)
            broken("kind out of range", rec.line);
        if (rec.line <= last)
            broken("line number did not increase", rec.line);
        if ((rec.kind == TARMAC_BAD) != (rec.problem != NULL))
            broken("problem set on a good record or missing on a bad one", rec.line);
        if (rec.text_len > TARMAC_MAX_LINE)
            broken("text longer than TARMAC_MAX_LINE", rec.line);
        last = rec.line;
        records++;
    }
    if (r && records > tarmac_reader_lines(r))
        broken("more records than lines", last);
    tarmac_reader_close(r);
    fclose(in);
    return 0;
}
