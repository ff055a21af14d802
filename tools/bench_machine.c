/* Guest instructions per second with stage-1 translation on, for one guest
 * program run four ways in the same process (runs interleaved, the best
 * of REPS runs of each kept):
 *
 *   floor   plain Unicorn 2.1, UC_TLB_VIRTUAL with an identity
 *           UC_HOOK_TLB_FILL hook and no other hook;
 *   mmusim  the machine (sim/machine.h), every translation from mmu/;
 *   +log    the same with a JSON Lines walk log to /dev/null;
 *   QEMU    qemu-system-aarch64 -M virt,virtualization=on -cpu max running
 *           the program as an ELF (-net none, as tests/ run it): the whole
 *           process is timed, and the time of the same ELF doing one
 *           iteration (QEMU's start-up and exit) is subtracted; QEMU gets
 *           more iterations when its loop would be short (bench_qemu).
 *
 * The program (hand-encoded below) starts at EL2 with the MMU off, as QEMU
 * starts a -kernel ELF; it loads TTBR0/TCR/MAIR_EL2 and turns stage 1 on
 * (4K granule, 48-bit VA, 4 levels; the host built the tables into the
 * image with mmu/'s builder: all 128 MiB of RAM identity-mapped in 4K
 * pages, so the identity hook returns the same PAs), runs one of the
 * workloads and exits with semihosting SYS_EXIT:
 *
 *   friendly  ldr/add/str/add/and/subs/b.ne in 64-byte steps over 4 pages
 *   resident  ldr/add/add/and/subs/b.ne in 0x1040-byte steps (a new page
 *             at each load) over 256 pages: beyond Unicorn's cache (256
 *             1 KiB sub-pages), within the machine's 1024-entry TLB model
 *   hopping   the same over 16384 pages: every load walks
 *
 * usage: bench_machine [FRIENDLY_ITERS [RESIDENT_ITERS [HOPPING_ITERS [REPS]]]]
 *        (default 100000000 10000000 1000000 3). The ELFs are left in /tmp.
 *        bench_machine --one WORKLOAD floor|mmusim|log ITERS: one run, to
 *        profile. */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "desc.h"
#include "exception.h"
#include "machine.h"

extern char **environ;

#define RAM_BASE MACHINE_VIRT_RAM_BASE
#define RAM_SIZE MACHINE_VIRT_RAM_SIZE
#define IMG_BASE UINT64_C(0x40100000) /* clear of the DTB QEMU puts at RAM_BASE */
#define IMG_MAX (UINT64_C(1) << 20)   /* code page + page tables */

/* EL2 (E2H = 0) registers the program loads. TCR_EL2: T0SZ 16, IRGN0 and
 * ORGN0 write-back, SH0 inner, TG0 4K, PS 40 bits, RES1 bits 23 and 31.
 * SCTLR_EL2: QEMU's reset value with M, C and I. MAIR attr0: Normal WB. */
#define TCR_EL2_VALUE UINT64_C(0x80823510)
#define SCTLR_EL2_VALUE (UINT64_C(0x30c50830) | BIT64(0) | BIT64(2) | BIT64(12))
#define MAIR_EL2_VALUE UINT64_C(0xff)
#define LEAF_ATTRS (DESC_AF | FIELD_PREP(DESC_SH, 3))

/* The program; parameter words at byte offsets 8..0x57. */
static const uint32_t program[] = {
    0x14000016, /* 00 b     start (0x58) */
    0xd503201f, /* 04 nop */
    0, 0,       /* 08 iterations */
    0, 0,       /* 10 loop: 0 load/add/store, 1 strided loads */
    0, 0,       /* 18 TTBR0_EL2 */
    0, 0,       /* 20 TCR_EL2 */
    0, 0,       /* 28 MAIR_EL2 */
    0, 0,       /* 30 SCTLR_EL2 */
    0, 0,       /* 38 data base */
    0, 0,       /* 40 offset mask: the data area's size - 1 */
    0x20026, 0, /* 48 SYS_EXIT block: ADP_Stopped_ApplicationExit, */
    0, 0,       /* 50    status 0 */
    0x58fffe01, /* 58 ldr   x1, ttbr */
    0xd51c2001, /* 5c msr   ttbr0_el2, x1 */
    0x58fffe01, /* 60 ldr   x1, tcr */
    0xd51c2041, /* 64 msr   tcr_el2, x1 */
    0x58fffe01, /* 68 ldr   x1, mair */
    0xd51ca201, /* 6c msr   mair_el2, x1 */
    0xd5033fdf, /* 70 isb */
    0x58fffde1, /* 74 ldr   x1, sctlr */
    0xd51c1001, /* 78 msr   sctlr_el2, x1 */
    0xd5033fdf, /* 7c isb */
    0x58fffc42, /* 80 ldr   x2, iterations */
    0x58fffdaa, /* 84 ldr   x10, data */
    0x58fffdcc, /* 88 ldr   x12, mask */
    0xd2800004, /* 8c mov   x4, #0 */
    0xd2800005, /* 90 mov   x5, #0 */
    0x58fffbe3, /* 94 ldr   x3, loop */
    0xb5000123, /* 98 cbnz  x3, strided (0xbc) */
    0xf8646943, /* 9c ldr   x3, [x10, x4]        load/add/store: */
    0x91000463, /* a0 add   x3, x3, #1 */
    0xf8246943, /* a4 str   x3, [x10, x4] */
    0x91010084, /* a8 add   x4, x4, #64 */
    0x8a0c0084, /* ac and   x4, x4, x12 */
    0xf1000442, /* b0 subs  x2, x2, #1 */
    0x54ffff41, /* b4 b.ne  0x9c */
    0x14000008, /* b8 b     done (0xd8) */
    0xd282080b, /* bc mov   x11, #0x1040         strided: */
    0xf8646943, /* c0 ldr   x3, [x10, x4] */
    0x8b0300a5, /* c4 add   x5, x5, x3 */
    0x8b0b0084, /* c8 add   x4, x4, x11 */
    0x8a0c0084, /* cc and   x4, x4, x12 */
    0xf1000442, /* d0 subs  x2, x2, #1 */
    0x54ffff61, /* d4 b.ne  0xc0 */
    0x10fffb81, /* d8 adr   x1, exit block (0x48)  done: */
    0xd2800300, /* dc mov   x0, #0x18 (SYS_EXIT) */
    0xd45e0000, /* e0 hlt   #0xf000 */
    0x14000000, /* e4 b     . */
};
#define HLT_OFFSET 0xe0

/* The workloads: which loop, over which data. */
typedef struct workload {
    const char *name;
    int loop;
    uint64_t data, size;
} workload;

static const workload workloads[] = {
    /* 4 pages: after the first iterations nothing reaches the fill hook */
    {"friendly", 0, UINT64_C(0x41000000), UINT64_C(4) << 12},
    /* 256 pages: more than Unicorn's cache holds, less than the TLB
     * model: every load is a fill that hits the model (no walk) */
    {"resident", 1, UINT64_C(0x42000000), UINT64_C(256) << 12},
    /* 16384 pages: every load is a fill, a TLB-model miss and a walk */
    {"hopping", 1, UINT64_C(0x42000000), UINT64_C(16384) << 12},
};

/* Instructions executed: the prologue (b, then 17 to the cbnz), the loop,
 * the branch out or the stride setup, then adr/mov/hlt. */
static uint64_t guest_insns(const workload *w, uint64_t iters)
{
    return 18 + (w->loop ? 6 : 7) * iters + 1 + 3;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench_machine: %s: %s\n", what, err);
    exit(1);
}

/* ---- The image: code and page tables, built on the host ---------------- */

typedef struct image {
    uint8_t bytes[IMG_MAX];
    uint64_t next;  /* bump allocator for tables */
} image;

static bool img_read(void *ctx, uint64_t pa, uint64_t *v)
{
    image *im = ctx;
    if (pa - IMG_BASE > IMG_MAX - 8)
        return false;
    memcpy(v, im->bytes + (pa - IMG_BASE), 8);
    return true;
}

static bool img_write(void *ctx, uint64_t pa, uint64_t v)
{
    image *im = ctx;
    if (pa - IMG_BASE > IMG_MAX - 8)
        return false;
    memcpy(im->bytes + (pa - IMG_BASE), &v, 8);
    return true;
}

static bool img_alloc(void *ctx, uint64_t size, uint64_t align, uint64_t *pa)
{
    image *im = ctx;
    uint64_t at = (im->next + align - 1) & ~(align - 1);
    if (at + size > IMG_BASE + IMG_MAX)
        return false;
    memset(im->bytes + (at - IMG_BASE), 0, size);
    im->next = at + size;
    *pa = at;
    return true;
}

static void put64(image *im, unsigned off, uint64_t v)
{
    memcpy(im->bytes + off, &v, 8);
}

/* Builds the program for a workload and iteration count; returns the
 * bytes used from IMG_BASE. */
static uint64_t build_image(image *im, const workload *w, uint64_t iters)
{
    char err[256];
    memset(im->bytes, 0, sizeof im->bytes);
    memcpy(im->bytes, program, sizeof program);
    im->next = IMG_BASE + 0x1000;
    mmu_port port = {im, img_read, img_write};
    mmu_pt_alloc alloc = {im, img_alloc};
    mmu_pt_format fmt = {.stage = 1, .granule = MMU_GRANULE_4K, .ia_bits = 48,
                         .start_level = MMU_NO_LEVEL};
    mmu_builder b;
    if (mmu_pt_init(&b, &fmt, &port, &alloc, err, sizeof err) ||
        mmu_pt_map(&b, RAM_BASE, RAM_BASE, RAM_SIZE, LEAF_ATTRS, MMU_MAP_PAGES_ONLY, err,
                   sizeof err))
        die("page tables", err);
    put64(im, 0x08, iters);
    put64(im, 0x10, (uint64_t)w->loop);
    put64(im, 0x18, mmu_pt_ttbr_baddr(&b));
    put64(im, 0x20, TCR_EL2_VALUE);
    put64(im, 0x28, MAIR_EL2_VALUE);
    put64(im, 0x30, SCTLR_EL2_VALUE);
    put64(im, 0x38, w->data);
    put64(im, 0x40, w->size - 1);
    return im->next - IMG_BASE;
}

/* An ELF64 executable with the image as its one segment. */
static void write_elf(const char *path, const image *im, uint64_t size)
{
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = IMG_BASE;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph = {.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = 0x1000,
                     .p_vaddr = IMG_BASE, .p_paddr = IMG_BASE, .p_filesz = size,
                     .p_memsz = size, .p_align = 0x1000};
    static const uint8_t pad[0x1000];
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(&eh, sizeof eh, 1, f) != 1 || fwrite(&ph, sizeof ph, 1, f) != 1 ||
        fwrite(pad, 0x1000 - sizeof eh - sizeof ph, 1, f) != 1 ||
        fwrite(im->bytes, size, 1, f) != 1 || fclose(f))
        die(path, "cannot write");
}

/* ---- The floor: plain Unicorn with an identity fill hook ---------------- */

static bool identity_fill(uc_engine *uc, uint64_t va, uc_mem_type type, uc_tlb_entry *e,
                          void *ctx)
{
    (void)uc, (void)type, (void)ctx;
    e->paddr = va;
    e->perms = UC_PROT_ALL;
    return true;
}

/* The HLT of semihosting is undefined here (no semihosting): the end. */
static void stop_on_exception(uc_engine *uc, uint32_t intno, void *ctx)
{
    *(uint32_t *)ctx = intno;
    uc_emu_stop(uc);
}

static void uc_check(uc_err e, const char *what)
{
    if (e != UC_ERR_OK)
        die(what, uc_strerror(e));
}

static double run_floor(const image *im, uint64_t size)
{
    uc_engine *uc;
    uc_hook h;
    uint32_t intno = 0;
    uc_check(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc), "uc_open");
    uc_check(uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_MAX), "cpu model");
    uc_check(uc_ctl_tlb_mode(uc, UC_TLB_VIRTUAL), "virtual TLB");
    uc_check(uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, (void *)identity_fill, NULL, 1, 0), "hook");
    uc_check(uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)stop_on_exception, &intno, 1, 0), "hook");
    uc_check(uc_ctl_exits_enable(uc), "exits");
    uc_check(uc_mem_map(uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL), "RAM");
    uc_check(uc_mem_write(uc, IMG_BASE, im->bytes, size), "image");
    /* EL2h as on the virt board: PSTATE, then a CP register write so that
     * QEMU rebuilds its cached flags (SCR_EL3: NS, HCE, RW). */
    uint64_t ps = PSTATE_DAIF | FIELD_PREP(PSTATE_EL, 2) | PSTATE_SP, pc = IMG_BASE;
    uc_arm64_cp_reg scr = {.op0 = 3, .op1 = 6, .crn = 1, .crm = 1, .op2 = 0,
                           .val = BIT64(0) | BIT64(8) | BIT64(10)};
    uc_check(uc_reg_write(uc, UC_ARM64_REG_PSTATE, &ps), "PSTATE");
    uc_check(uc_reg_write(uc, UC_ARM64_REG_CP_REG, &scr), "SCR_EL3");
    double t0 = now();
    uc_check(uc_emu_start(uc, pc, 0, 0, 0), "run");
    double t = now() - t0;
    uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
    if (intno != 1 || pc != IMG_BASE + HLT_OFFSET)
        die("floor", "the program did not end at its HLT");
    uc_close(uc);
    return t;
}

/* ---- mmusim ------------------------------------------------------------ */

typedef struct mm_result {
    double secs;
    uint64_t insns, fills, walks;
} mm_result;

static mm_result run_mmusim(const char *elf, bool log)
{
    char err[512];
    machine *m = calloc(1, sizeof *m);
    uint64_t entry;
    if (!m || machine_init(m, err, sizeof err) ||
        machine_add_virt_board(m, RAM_SIZE, err, sizeof err) ||
        machine_load_elf(m, elf, &entry, err, sizeof err) ||
        machine_set_entry(m, entry, 2, false, 0, err, sizeof err))
        die("mmusim", err);
    m->out = NULL;
    FILE *devnull = NULL;
    walklog *wl = NULL;
    if (log) {
        devnull = fopen("/dev/null", "w");
        wl = devnull ? walklog_from_stream(devnull, WALKLOG_JSONL) : NULL;
        if (!wl || machine_attach_walklog(m, wl, err, sizeof err))
            die("walk log", wl ? err : "cannot open /dev/null");
    }
    double t0 = now();
    machine_stop_reason why = machine_run(m);
    mm_result r = {now() - t0, m->stats.insns, m->stats.fills, m->stats.walks};
    if (why != MACHINE_EXITED || m->stop.exit_code != 0)
        die("mmusim run", m->stop.message);
    if (wl && walklog_close(wl, err, sizeof err))
        die("walk log", err);
    if (devnull)
        fclose(devnull);
    machine_destroy(m);
    free(m);
    return r;
}

/* ---- QEMU -------------------------------------------------------------- */

/* Seconds the whole qemu-system-aarch64 process took, or -1 when it could
 * not run or did not exit with status 0. */
static double run_qemu(const char *elf)
{
    char *argv[] = {"qemu-system-aarch64", "-M", "virt,virtualization=on", "-cpu", "max",
                    "-m", "128M", "-nographic", "-semihosting", "-net", "none", "-kernel", (char *)elf,
                    NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int status;
    double t0 = now();
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    double t = now() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

/* ---- The comparison ---------------------------------------------------- */

static double best(double a, double b) { return a < 0 ? b : b < 0 ? a : a < b ? a : b; }

/* QEMU's start-up (~50 ms) varies by milliseconds from run to run, and
 * QEMU runs some loops far faster than Unicorn: its iteration count is
 * multiplied by 4 until the loop itself takes QEMU_MIN_SECS (at most
 * 4^QEMU_MAX_STEPS times the others' count). */
#define QEMU_MIN_SECS 0.5
#define QEMU_MAX_STEPS 5

typedef struct qemu_result {
    uint64_t iters;
    double loop, process, startup; /* loop = process - startup; < 0: failed */
} qemu_result;

static qemu_result bench_qemu(image *im, const workload *w, uint64_t iters, int reps)
{
    char elf[128];
    snprintf(elf, sizeof elf, "/tmp/bench_machine-%s-qemu.elf", w->name);
    qemu_result q = {.iters = 1, .loop = -1, .startup = -1};
    write_elf(elf, im, build_image(im, w, 1));
    for (int r = 0; r < reps; r++)
        q.startup = best(q.startup, run_qemu(elf));
    if (q.startup < 0)
        return q;
    for (int step = 0;; step++) {
        q.iters = iters << (2 * step);
        write_elf(elf, im, build_image(im, w, q.iters));
        q.process = run_qemu(elf);
        if (q.process < 0 || q.process - q.startup >= QEMU_MIN_SECS || step == QEMU_MAX_STEPS)
            break;
    }
    for (int r = 1; r < reps && q.process >= 0; r++)
        q.process = best(q.process, run_qemu(elf));
    q.loop = q.process < 0 ? -1 : q.process - q.startup;
    return q;
}

static void bench(const workload *w, uint64_t iters, int reps)
{
    static image im;
    char elf[128];
    snprintf(elf, sizeof elf, "/tmp/bench_machine-%s.elf", w->name);
    uint64_t size = build_image(&im, w, iters);
    write_elf(elf, &im, size);

    double t_floor = -1;
    mm_result off = {.secs = -1}, on = {.secs = -1};
    for (int r = 0; r < reps; r++) {
        t_floor = best(t_floor, run_floor(&im, size));
        mm_result a = run_mmusim(elf, false), b = run_mmusim(elf, true);
        off = off.secs < 0 || a.secs < off.secs ? a : off;
        on = on.secs < 0 || b.secs < on.secs ? b : on;
    }
    uint64_t n = guest_insns(w, iters);
    if (off.insns != n)
        fprintf(stderr, "bench_machine: mmusim counted %" PRIu64 " instructions, expected %" PRIu64
                        "\n", off.insns, n);
    double floor_ips = (double)n / t_floor;
    printf("%s: %" PRIu64 " pages, %" PRIu64 " iterations, %" PRIu64 " instructions; mmusim: %"
           PRIu64 " fills, %" PRIu64 " walks\n", w->name, w->size >> 12, iters, n, off.fills,
           off.walks);
    printf("  %-34s %8.1f M insn/s %7.3f s  1.00x\n", "floor: Unicorn + identity hook",
           floor_ips / 1e6, t_floor);
    printf("  %-34s %8.1f M insn/s %7.3f s  %.2fx\n", "mmusim, log off", n / off.secs / 1e6,
           off.secs, n / off.secs / floor_ips);
    printf("  %-34s %8.1f M insn/s %7.3f s  %.2fx\n", "mmusim, walk log to /dev/null",
           n / on.secs / 1e6, on.secs, n / on.secs / floor_ips);

    qemu_result q = bench_qemu(&im, w, iters, reps);
    if (q.loop <= 0) {
        printf("  %-34s not measured (qemu-system-aarch64 missing, failed or too fast)\n",
               "QEMU");
        return;
    }
    double q_ips = (double)guest_insns(w, q.iters) / q.loop;
    printf("  %-34s %8.1f M insn/s %7.3f s  %.2fx  (%" PRIu64 " iterations; process %.3f s, "
           "start-up %.3f s)\n", "QEMU system, start-up subtracted", q_ips / 1e6, q.loop,
           q_ips / floor_ips, q.iters, q.process, q.startup);
}

/* --one WORKLOAD VARIANT ITERS: one run of one variant (floor, mmusim or
 * log), for a profiler (perf record, valgrind --tool=callgrind
 * --smc-check=all) to see nothing else. */
static int run_one(const char *name, const char *variant, uint64_t iters)
{
    static image im;
    const workload *w = NULL;
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (!strcmp(workloads[i].name, name))
            w = &workloads[i];
    bool is_floor = !strcmp(variant, "floor"), log = !strcmp(variant, "log");
    if (!w || !iters || !(is_floor || log || !strcmp(variant, "mmusim")))
        die("usage", "bench_machine --one friendly|resident|hopping floor|mmusim|log ITERS");
    uint64_t size = build_image(&im, w, iters);
    if (is_floor) {
        printf("%s floor: %.3f s\n", w->name, run_floor(&im, size));
        return 0;
    }
    char elf[128];
    snprintf(elf, sizeof elf, "/tmp/bench_machine-%s.elf", w->name);
    write_elf(elf, &im, size);
    mm_result r = run_mmusim(elf, log);
    printf("%s %s: %.3f s, %" PRIu64 " instructions, %" PRIu64 " fills, %" PRIu64 " walks\n",
           w->name, variant, r.secs, r.insns, r.fills, r.walks);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--one"))
        return run_one(argv[2], argv[3], strtoull(argv[4], NULL, 0));
    enum { NW = sizeof workloads / sizeof workloads[0] };
    uint64_t iters[NW] = {100000000, 10000000, 1000000};
    for (int i = 0; i < NW && i + 1 < argc; i++)
        iters[i] = strtoull(argv[i + 1], NULL, 0);
    int reps = argc > NW + 1 ? atoi(argv[NW + 1]) : 3;
    for (int i = 0; i < NW; i++)
        if (!iters[i] || reps < 1)
            die("usage", "bench_machine [FRIENDLY [RESIDENT [HOPPING [REPS]]]], all >= 1");
    printf("instructions/s; ratios against the floor measured in this run; best of %d runs\n",
           reps);
    for (int i = 0; i < NW; i++)
        bench(&workloads[i], iters[i], reps);
    printf("reproduce: build/tools/bench_machine %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n",
           iters[0], iters[1], iters[2], reps);
    return 0;
}
