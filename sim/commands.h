/* The mmusim subcommands. Each returns the process exit status; only these
 * (and main) print to stdout/stderr and decide the exit status. */
#ifndef MMUSIM_COMMANDS_H
#define MMUSIM_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mmusim_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
} mmusim_command;

/* A command-line number: decimal, 0x hex or 0 octal, no sign, nothing
 * after it, within 64 bits. false otherwise (*v unchanged). */
bool cli_parse_u64(const char *s, uint64_t *v);

/* One line per subcommand; each lives in sim/cmd_<name>.c. */
int cmd_tarmac_stats(int argc, char **argv);
int cmd_tlbi(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
