/* Numbers on the command line: see commands.h. */
#include <errno.h>
#include <stdlib.h>

#include "commands.h"

bool cli_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long n = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *v = n;
    return true;
}
