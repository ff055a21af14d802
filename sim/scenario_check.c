/* A scenario's expectations against what a run produced. */
#include "scenario.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_count(const char *what, const scn_count *want, uint64_t got, char *err, size_t errlen)
{
    if (!want->set || (got >= want->min && got <= want->max))
        return 0;
    if (want->min == want->max)
        snprintf(err, errlen, "expect.%s: got %" PRIu64 ", expected %" PRIu64, what, got, want->min);
    else if (want->max == UINT64_MAX)
        snprintf(err, errlen, "expect.%s: got %" PRIu64 ", expected at least %" PRIu64, what, got,
                 want->min);
    else
        snprintf(err, errlen, "expect.%s: got %" PRIu64 ", expected %" PRIu64 "..%" PRIu64, what, got,
                 want->min, want->max);
    return -1;
}

int scenario_check(const scenario *s, const scn_outcome *o, char *err, size_t errlen)
{
    const scn_expect *e = &s->expect;
    const char *uart = o->uart ? o->uart : "";
    if (e->has_exit_code && o->exit_code != e->exit_code) {
        snprintf(err, errlen, "expect.exit_code: got %d, expected %d", o->exit_code, e->exit_code);
        return -1;
    }
    if (e->uart && strcmp(uart, e->uart)) {
        size_t i = 0;
        while (uart[i] && uart[i] == e->uart[i])
            i++;
        snprintf(err, errlen, "expect.uart: output differs at byte %zu (got %zu bytes, expected %zu)", i,
                 strlen(uart), strlen(e->uart));
        return -1;
    }
    if (e->uart_contains && !strstr(uart, e->uart_contains)) {
        snprintf(err, errlen, "expect.uart_contains: \"%s\" not in the output", e->uart_contains);
        return -1;
    }
    if (check_count("instructions", &e->instructions, o->instructions, err, errlen) ||
        check_count("walks", &e->walks, o->walks, err, errlen) ||
        check_count("faults", &e->faults, o->faults, err, errlen) ||
        check_count("tlbis", &e->tlbis, o->tlbis, err, errlen) ||
        check_count("exceptions", &e->exceptions, o->exceptions, err, errlen))
        return -1;
    return 0;
}
