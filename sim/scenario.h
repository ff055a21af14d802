/* Scenarios: a JSON file describing one run (CPU, memory, images, entry
 * state, TLB, translation registers, page tables to build, log options and
 * expected outcomes). The schema is documented in docs/scenario.md; every
 * unknown key or wrong type is an error naming the file and the key path
 * ("configs/x.json: memory[1].size: expected a number or hex string"). */
#ifndef MMUSIM_SCENARIO_H
#define MMUSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_preset.h"
#include "mmu.h"
#include "tlb.h"
#include "walklog.h"

/* Platform contract (DESIGN.md): QEMU virt-like defaults. */
#define SCN_DEFAULT_RAM_BASE UINT64_C(0x40000000)
#define SCN_DEFAULT_RAM_SIZE UINT64_C(0x8000000) /* 128 MiB, as -m 128M */
#define SCN_DEFAULT_PRESET "max"
#define SCN_DEFAULT_MAX_INSNS UINT64_C(100000000)

typedef struct scn_region {
    uint64_t base, size;
    char *name;           /* may be NULL */
} scn_region;

typedef enum scn_image_format { SCN_IMAGE_ELF, SCN_IMAGE_RAW } scn_image_format;

typedef struct scn_image {
    char *path;           /* resolved: relative paths are taken from the scenario's directory */
    scn_image_format format;
    uint64_t load;        /* raw images: physical load address */
} scn_image;

typedef struct scn_entry {
    uint8_t el;           /* 0, 1 or 2 (default 2: EL2h as on QEMU virt,virtualization=on) */
    bool sp_el0;          /* run on SP_EL0 (ELxt) instead of SP_ELx (ELxh) */
    bool has_pc;          /* otherwise: the first ELF image's entry point */
    uint64_t pc;
    bool has_sp;
    uint64_t sp;
    uint32_t x_set;       /* bit n: x[n] given */
    uint64_t x[31];
} scn_entry;

typedef struct scn_cpu_field {
    char *name;           /* "ID_AA64MMFR0_EL1.TGran4" (validated by cpu_field_lookup) */
    uint64_t value;
} scn_cpu_field;

typedef enum scn_tlb_mode {
    SCN_TLB_SIZED = 0,    /* entries/ways/policy */
    SCN_TLB_NONE,         /* no TLB: every access walks */
    SCN_TLB_UNBOUNDED,    /* never evicts: only TLBI removes entries */
} scn_tlb_mode;

typedef enum scn_tlb_policy { SCN_TLB_LRU = 0, SCN_TLB_FIFO, SCN_TLB_RANDOM } scn_tlb_policy;

typedef struct scn_tlb {
    bool set;             /* the scenario has a "tlb" object (else: the machine's default) */
    scn_tlb_mode mode;
    unsigned entries;     /* SIZED: total entries (0: SCN_DEFAULT_TLB_ENTRIES) */
    unsigned ways;        /* SIZED: associativity; 0 = fully associative */
    scn_tlb_policy policy;
    uint64_t seed;        /* RANDOM: the generator's seed (0: the model's default) */
    unsigned walk_entries; /* walk cache entries (0: no walk cache) */
    unsigned walk_ways;   /* walk cache associativity; 0 = fully associative */
    bool walk_unified;    /* walk-cache entries share the leaf array */
} scn_tlb;

#define SCN_DEFAULT_TLB_ENTRIES 1024
#define SCN_DEFAULT_TLB_WAYS 4

typedef struct scn_mapping {
    uint64_t ia, oa, size;
    uint64_t attrs;       /* leaf attribute bits, built from the named fields */
    unsigned flags;       /* MMU_MAP_* */
} scn_mapping;

typedef struct scn_page_table {
    char *name;           /* may be NULL */
    mmu_pt_format fmt;
    uint64_t mem_base, mem_size; /* where its tables are allocated (inside a memory region) */
    mmu_reg root_reg;     /* receives the root's BADDR (ASID/VMID and CnP kept) */
    size_t n_mappings;
    scn_mapping *mappings;
} scn_page_table;

typedef struct scn_log {
    char *file;           /* NULL: no log (the command line may still ask for one) */
    walklog_format format;
    unsigned kinds;       /* WALKLOG_* */
} scn_log;

/* An expected count: exact (min == max) or a range. */
typedef struct scn_count {
    bool set;
    uint64_t min, max;
} scn_count;

typedef struct scn_expect {
    char *uart;           /* exact UART + semihosting output; NULL: not checked */
    char *uart_contains;  /* substring; NULL: not checked */
    bool has_exit_code;
    int exit_code;
    scn_count instructions, walks, faults, tlbis, exceptions;
} scn_expect;

typedef struct scenario {
    char *path;           /* as given (used in messages) */
    char *dir;            /* its directory, for relative image paths */
    char *name, *description;

    const cpu_preset *preset;
    size_t n_fields;
    scn_cpu_field *fields;

    size_t n_regions;
    scn_region *regions;
    size_t n_images;
    scn_image *images;
    scn_entry entry;
    scn_tlb tlb;

    bool reg_set[MMU_REG_COUNT];
    uint64_t reg[MMU_REG_COUNT]; /* translation registers (not ID registers) */

    size_t n_tables;
    scn_page_table *tables;

    scn_log log;
    scn_expect expect;
    uint64_t max_insns;
} scenario;

/* The scenario a bare ELF runs with: default RAM, preset "max", entry EL2h
 * at the ELF's entry point. 0, or -1 with a message (out of memory). */
int scenario_for_elf(scenario *s, const char *elf_path, char *err, size_t errlen);
/* Reads and parses the scenario file at path. 0, or -1 with a message
 * naming the file and key. *s is always safe to scenario_free. */
int scenario_load(scenario *s, const char *path, char *err, size_t errlen);
/* Parses scenario text; `path` names it in messages and anchors relative
 * image paths. */
int scenario_parse(scenario *s, const char *text, size_t len, const char *path, char *err,
                   size_t errlen);
void scenario_free(scenario *s);

/* Applies the preset, the field overrides and the translation registers to
 * cpu, then builds the declared page tables through cpu->port (see
 * scenario_build_page_tables). 0, or -1 with a message. */
int scenario_setup_cpu(const scenario *s, mmu_cpu *cpu, char *err, size_t errlen);
/* Builds each declared page table with the mmu/ builder, allocating table
 * memory from its table_memory range through cpu->port (zeroed first), and
 * writes the root into its register's BADDR field. 0, or -1 with a message
 * naming the table and mapping. */
int scenario_build_page_tables(const scenario *s, mmu_cpu *cpu, char *err, size_t errlen);

/* The TLB model configuration the scenario asks for (mmu/tlb.h); without a
 * "tlb" object: SCN_DEFAULT_TLB_ENTRIES in SCN_DEFAULT_TLB_WAYS ways, LRU,
 * no walk cache. */
void scenario_tlb_config(const scenario *s, mmu_tlb_config *cfg);

/* What a run produced, to compare against the scenario's expectations. */
typedef struct scn_outcome {
    const char *uart;     /* guest output (UART + semihosting), NUL-terminated */
    int exit_code;
    uint64_t instructions, walks, faults, tlbis, exceptions;
} scn_outcome;

/* 0 when every expectation holds; -1 with a message listing the first
 * mismatch ("expect.walks: 12 not in [3, 5]"). */
int scenario_check(const scenario *s, const scn_outcome *o, char *err, size_t errlen);

#endif
