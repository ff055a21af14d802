/* bench_tarmac: Tarmac parsing speed and memory.
 *
 * Generates a Fast Models style trace of N lines (default 10 million) with
 * the Tarmac writer: instructions with VA:PA, register writes, loads and
 * stores with VA:PA, and now and then translation-register writes, TLBI,
 * AT + PAR, aborted accesses and exceptions. Then streams it through the
 * reader, checks that every record came back with the kind it was written
 * as, and prints lines/s, MB/s and the peak resident memory, and the parse
 * time against a floor measured in the same run: reading every line with
 * fgets, no parsing.
 *
 *   bench_tarmac [--lines N] [--file PATH] [--keep]
 *
 * The trace is written to PATH (default /tmp/mmusim-bench.tarmac) and
 * removed afterwards unless --keep. It is read back right after being
 * written, so it is in the page cache: the figure is parsing speed, not
 * disk speed. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_clock.h"
#include "tarmac.h"

/* A small deterministic generator (numbers, not secrets). */
static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Writes about `lines` lines; counts what it wrote by record kind. */
static int generate(FILE *out, uint64_t lines, uint64_t counts[TARMAC_KIND_COUNT])
{
    static const char *const disasm[] = {"ldr x0, [x1, #8]", "str x2, [sp, #-16]!",
                                         "add x3, x3, #1", "b.ne 0xffff800000081200",
                                         "mov x4, x5"};
    tarmac_writer w;
    tarmac_writer_init(&w, out, -1);
    uint64_t t = 0, pc = 0xffff800000080000u;
    const uint64_t va_to_pa = 0xffff800000080000u - 0x40080000u;
    int rc = 0;
    memset(counts, 0, sizeof(uint64_t) * TARMAC_KIND_COUNT);
    while (w.lines < lines && rc == 0) {
        uint64_t r = next_random();
        t++;
        pc += 4;
        rc |= tarmac_write_insn(&w, t, t, pc, pc - va_to_pa, TARMAC_PAS_NS, (uint32_t)r, 1, true,
                                true, disasm[r % 5]);
        counts[TARMAC_INSN]++;
        if ((r >> 8) % 10 < 6) {
            char name[8];
            snprintf(name, sizeof name, "X%u", (unsigned)((r >> 16) % 31));
            rc |= tarmac_write_reg(&w, t, name, r);
            counts[TARMAC_REG]++;
        }
        if ((r >> 24) % 10 < 3) {
            uint64_t va = 0x0000ffff00000000u + ((r >> 32) & 0xfffff8);
            rc |= tarmac_write_mem(&w, t, ((r >> 40) & 1) ? TARMAC_MEM_WRITE : 0, 8, va, va - 0x0000ffff00000000u + 0x80000000u,
                                   TARMAC_PAS_NS, r);
            counts[TARMAC_MEM]++;
        }
        if (t % 1000 == 0) {
            rc |= tarmac_write_reg(&w, t, "TTBR0_EL1", 0x0001000081000000u | (r & 0xfff000));
            rc |= tarmac_write_reg(&w, t, "TCR_EL1", 0x00000035b5193519u);
            rc |= tarmac_write_tlbi(&w, t, "VAE1IS", (1u << 16 | (r & 0xffff)) << 32 | (r >> 40));
            rc |= tarmac_write_at(&w, t, "S1E1R", pc);
            rc |= tarmac_write_reg(&w, t, "PAR_EL1", (pc - va_to_pa) & ~0xfffu);
            counts[TARMAC_SYSREG] += 3;
            counts[TARMAC_TLBI]++;
            counts[TARMAC_AT]++;
        }
        if (t % 5000 == 0) {
            rc |= tarmac_write_mem_abort(&w, t, 0, 8, 0xdead0000);
            rc |= tarmac_write_exception(&w, t, pc, 0x84, "CoreEvent_CURRENT_SPx_SYNC");
            rc |= tarmac_write_reg(&w, t, "ESR_EL1", 0x96000007);
            rc |= tarmac_write_reg(&w, t, "FAR_EL1", 0xdead0000);
            counts[TARMAC_MEM]++;
            counts[TARMAC_EXCEPTION]++;
            counts[TARMAC_SYSREG] += 2;
        }
    }
    if (rc)
        fprintf(stderr, "bench_tarmac: %s\n", w.err);
    return rc ? -1 : 0;
}

/* The floor: the same file read line by line with fgets into a 64 KiB
 * line buffer, no parsing; seconds, or -1 when it cannot be read. */
static double read_floor(const char *path, uint64_t *lines)
{
    static char line[65536];
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    *lines = 0;
    double t0 = now();
    while (fgets(line, sizeof line, f))
        *lines += strchr(line, '\n') != NULL;
    double t = now() - t0;
    fclose(f);
    return t;
}

int main(int argc, char **argv)
{
    uint64_t lines = 10000000;
    const char *path = "/tmp/mmusim-bench.tarmac";
    int keep = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--lines") && i + 1 < argc) {
            lines = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--keep")) {
            keep = 1;
        } else {
            fprintf(stderr, "usage: bench_tarmac [--lines N] [--file PATH] [--keep]\n");
            return 2;
        }
    }

    uint64_t written[TARMAC_KIND_COUNT];
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        return 1;
    }
    double t0 = now();
    int rc = generate(out, lines, written);
    if (fclose(out) != 0)
        rc = -1;
    double t_gen = now() - t0;
    if (rc) {
        remove(path);
        return 1;
    }
    uint64_t floor_lines = 0;
    double t_floor = read_floor(path, &floor_lines);
    long rss_before = peak_rss_kib();

    char err[256];
    tarmac_reader *r = tarmac_reader_open(path, err, sizeof err);
    if (!r) {
        fprintf(stderr, "bench_tarmac: %s\n", err);
        return 1;
    }
    tarmac_record rec;
    uint64_t bytes = 0, checksum = 0;
    int status;
    t0 = now();
    while ((status = tarmac_reader_next(r, &rec, err, sizeof err)) > 0) {
        bytes += rec.text_len + 1;
        checksum += rec.kind == TARMAC_MEM ? rec.u.mem.addr.pa : rec.line;
    }
    double t_parse = now() - t0;
    uint64_t n = tarmac_reader_lines(r);
    int mismatch = status < 0;
    for (int k = 0; k < TARMAC_KIND_COUNT; k++) {
        if (tarmac_reader_count(r, (tarmac_kind)k) != written[k]) {
            fprintf(stderr, "bench_tarmac: %s: wrote %" PRIu64 ", read %" PRIu64 "\n",
                    tarmac_kind_name((tarmac_kind)k), written[k],
                    tarmac_reader_count(r, (tarmac_kind)k));
            mismatch = 1;
        }
    }
    tarmac_reader_close(r);
    if (!keep)
        remove(path);

    printf("trace:    %s, %" PRIu64 " lines, %.1f MB (written in %.2f s)\n", path, n,
           (double)bytes / 1e6, t_gen);
    printf("parse:    %.2f s, %.2f M lines/s, %.0f MB/s (checksum %016" PRIx64 ")\n", t_parse,
           (double)n / t_parse / 1e6, (double)bytes / t_parse / 1e6, checksum);
    printf("floor:    fgets of every line, no parsing: %.2f s, %.2f M lines/s; parsing takes "
           "%.2fx the floor\n", t_floor, (double)floor_lines / t_floor / 1e6, t_parse / t_floor);
    printf("memory:   peak RSS %ld KiB before parsing, %ld KiB after\n", rss_before,
           peak_rss_kib());
    printf("records:  all %s\n", mismatch ? "NOT read back as written" : "read back as written");
    return mismatch;
}
