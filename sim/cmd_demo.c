/* mmusim demo: placeholder until the walker lands (replaced in this session). */
#include <stdio.h>

#include "commands.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "demo: not built yet\n");
    return 1;
}
