/* mmusim: an instruction-accurate AArch64 MMU translation simulator. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const mmusim_command commands[] = {
    {"run", "run an AArch64 guest (ELF or JSON scenario) with every translation from the engine", cmd_run},
    {"replay", "replay an access trace through the engine (another TLB or CPU: what-if)", cmd_replay},
    {"trace", "dump an access trace as JSON Lines, or count its records and bytes", cmd_trace},
    {"diff", "compare mmusim's translations with a Tarmac trace (FVP, or run --tarmac)", cmd_diff},
    {"tlbi", "decode a TLBI operand, or encode a range as TLBI operations", cmd_tlbi},
    {"tarmac-stats", "count the records of a Tarmac trace by kind and show bad lines", cmd_tarmac_stats},
};

static void usage(FILE *to)
{
    fprintf(to, "usage: mmusim COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(to, "  %-13s %s\n", commands[i].name, commands[i].summary);
    fprintf(to, "\n'mmusim COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "mmusim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
