/* mmu/mmu.h — the public interface of mmusim's translation engine.
 *
 * A pure C11 model of VMSAv8-64 address translation (Arm DDI0487, chapter D8):
 * stage 1 for the EL1&0, EL2 and EL2&0 regimes, stage 2, 4K/16K/64K granules,
 * 48-bit and 52-bit addresses (FEAT_LPA, FEAT_LVA, FEAT_LPA2 with TCR.DS and
 * level -1). No Unicorn, no JSON, no I/O: guest physical memory is reached
 * only through the mmu_port callbacks, and all state lives in structs the
 * caller owns, so several CPUs (or a run and its replay) can coexist.
 *
 * Levels are signed (int8_t, -1..3), like Linux KVM after the LPA2 series.
 */
#ifndef MMU_MMU_H
#define MMU_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Guest physical memory port
 * ------------------------------------------------------------------------ */

typedef struct mmu_port {
    void *ctx;
    /* Read the little-endian 64-bit word at pa. Returns false when nothing
     * is there (the walk then reports a synchronous external abort). */
    bool (*read64)(void *ctx, uint64_t pa, uint64_t *value);
    /* Write the 64-bit word at pa; false when nothing is there. Used for
     * hardware Access flag / dirty state updates and by the table builder. */
    bool (*write64)(void *ctx, uint64_t pa, uint64_t value);
} mmu_port;

/* ------------------------------------------------------------------------
 * Granules, regimes, accesses
 * ------------------------------------------------------------------------ */

/* The value is the granule's shift: log2 of its size. */
typedef enum mmu_granule {
    MMU_GRANULE_4K = 12,
    MMU_GRANULE_16K = 14,
    MMU_GRANULE_64K = 16,
} mmu_granule;

/* 0, 1, 2 for 4K, 16K, 64K: an index for per-granule arrays. */
int mmu_granule_index(mmu_granule g);
const char *mmu_granule_name(mmu_granule g);

#define MMU_LEVEL_MIN (-1)
#define MMU_LEVEL_MAX 3
#define MMU_NO_LEVEL ((int8_t)-128)

typedef enum mmu_regime {
    MMU_REGIME_EL10 = 0, /* EL1&0: TTBR0/1_EL1, TCR_EL1, optional stage 2 */
    MMU_REGIME_EL20 = 1, /* EL2&0 (HCR_EL2.E2H=1): TTBR0/1_EL2, TCR_EL2 in EL1 layout */
    MMU_REGIME_EL2 = 2,  /* EL2 (E2H=0): TTBR0_EL2, TCR_EL2 in its own layout */
    MMU_REGIME_COUNT
} mmu_regime;

const char *mmu_regime_name(mmu_regime r);

typedef enum mmu_access_kind {
    MMU_ACC_READ = 0,
    MMU_ACC_WRITE = 1,
    MMU_ACC_FETCH = 2,
} mmu_access_kind;

const char *mmu_access_kind_name(mmu_access_kind k);

typedef struct mmu_access {
    uint64_t va;          /* as the instruction formed it, tag bits included */
    mmu_access_kind kind;
    uint8_t el;           /* exception level issuing the access: 0, 1 or 2 */
    bool unpriv;          /* LDTR/STTR, AT S1E0*: checked with EL0 permissions */
    bool pan;             /* PSTATE.PAN applies to this access */
    bool s1_only;         /* AT S1E*: stop after stage 1 (the result is an IPA) */
    bool no_update;       /* do not perform hardware AF/dirty updates (debug reads) */
} mmu_access;

/* ------------------------------------------------------------------------
 * Registers and the CPU model
 * ------------------------------------------------------------------------ */

typedef enum mmu_reg {
    MMU_ID_AA64MMFR0_EL1,
    MMU_ID_AA64MMFR1_EL1,
    MMU_ID_AA64MMFR2_EL1,
    MMU_ID_AA64ISAR0_EL1,
    MMU_SCTLR_EL1,
    MMU_TCR_EL1,
    MMU_TTBR0_EL1,
    MMU_TTBR1_EL1,
    MMU_MAIR_EL1,
    MMU_SCTLR_EL2,
    MMU_TCR_EL2,
    MMU_TTBR0_EL2,
    MMU_TTBR1_EL2,
    MMU_MAIR_EL2,
    MMU_HCR_EL2,
    MMU_VTCR_EL2,
    MMU_VTTBR_EL2,
    MMU_REG_COUNT
} mmu_reg;

/* "TCR_EL1" etc.; NULL for an out-of-range id. */
const char *mmu_reg_name(mmu_reg r);
/* Looks a register up by its architectural name (case-insensitive);
 * returns MMU_REG_COUNT when unknown. */
mmu_reg mmu_reg_by_name(const char *name);

/* What the ID registers say the CPU implements, decoded once per ID write. */
typedef struct mmu_features {
    uint8_t pa_bits;             /* PAMax, from ID_AA64MMFR0_EL1.PARange */
    bool s1_granule[3];          /* by mmu_granule_index */
    bool s2_granule[3];
    bool s1_lpa2[3];             /* 52-bit with this granule at stage 1 (4K, 16K) */
    bool s2_lpa2[3];             /* ... at stage 2 */
    bool lpa;                    /* FEAT_LPA: 52-bit PA with 64K (PARange = 52) */
    bool lva;                    /* FEAT_LVA: 52-bit VA with 64K (VARange = 1) */
    bool ttst;                   /* FEAT_TTST: TxSZ up to 48/47 */
    bool hafdbs_af;              /* FEAT_HAFDBS: hardware Access flag */
    bool hafdbs_dirty;           /* ... and dirty state */
    bool vmid16;
    bool asid16;
    bool xnx;                    /* FEAT_XNX: stage-2 XN[1:0] */
    bool e0pd;                   /* FEAT_E0PD */
    bool ttl;                    /* FEAT_TTL: TLBI level hints */
    bool tlbios;                 /* FEAT_TLBIOS */
    bool tlbirange;              /* FEAT_TLBIRANGE */
    bool pan;                    /* FEAT_PAN */
    bool hpds;                   /* FEAT_HPDS: TCR.HPDn honoured */
} mmu_features;

/* Stage-1 parameters of one VA range (one TTBR), decoded from TCR/TTBR. */
typedef struct mmu_s1_range {
    mmu_granule granule;
    uint8_t txsz;         /* as programmed */
    uint8_t ia_bits;      /* 64 - TxSZ */
    int8_t start_level;
    bool txsz_fault;      /* TxSZ outside [min, max]: Translation fault, level 0 */
    bool epd;             /* walks disabled (EPDn) */
    bool e0pd;            /* EL0 accesses fault (E0PDn, FEAT_E0PD) */
    bool hpd;             /* hierarchical permissions disabled */
    bool tbi;             /* top byte ignored */
    bool ds;              /* effective TCR.DS for this range's granule (LPA2 format) */
    bool lpa_desc;        /* 64K with PAMax 52: OA[51:48] in desc[15:12] */
    uint8_t oa_bits;      /* effective output size: min(IPS/PS, PAMax), 48 unless 52 is encodable */
    uint8_t sh, irgn, orgn;
    uint64_t table;       /* initial table address (PA, or IPA under stage 2) */
    bool table_oob;       /* table address above the OA size: Address size fault L0 */
    uint16_t asid;        /* the ASID this range's walks are tagged with */
    /* For the walker, derived from the fields above: */
    uint64_t va_range_bits; /* VA bits [top:ia_bits] that must all equal the
                               range's sign (top 55 with TBI, else 63) */
    uint8_t start_shift;  /* lowest VA bit the start level indexes */
} mmu_s1_range;

typedef struct mmu_s1_regime {
    bool enabled;         /* SCTLR_ELx.M (and HCR_EL2.DC / TGE overrides) */
    bool two_ranges;      /* TTBR1 exists (EL1&0, EL2&0) */
    bool ha, hd;          /* effective hardware AF / dirty updates */
    bool wxn;
    bool icache_on;       /* SCTLR_ELx.I: fetches to Normal memory cacheable */
    bool dcache_on;       /* SCTLR_ELx.C: data accesses to Normal memory cacheable */
    bool dc;              /* HCR_EL2.DC: EL1&0 stage 1 off, data Normal WB */
    uint64_t mair;
    mmu_s1_range range[2];
} mmu_s1_regime;

typedef struct mmu_s2_regime {
    bool enabled;         /* HCR_EL2.VM (or DC) */
    mmu_granule granule;
    uint8_t t0sz, ia_bits;
    int8_t start_level;
    uint8_t concat;       /* number of concatenated initial tables, 1..16 */
    bool config_fault;    /* T0SZ/SL0/SL2 illegal: Translation fault, level 0 */
    bool ds, ha, hd;
    bool lpa_desc;
    uint8_t oa_bits;
    uint8_t sh, irgn, orgn;
    uint64_t table;
    bool table_oob;
    uint16_t vmid;
    uint8_t start_shift;  /* lowest IPA bit the start level indexes (walker) */
} mmu_s2_regime;

typedef struct mmu_cpu {
    uint64_t reg[MMU_REG_COUNT];
    mmu_features feat;
    mmu_s1_regime s1[MMU_REGIME_COUNT];
    mmu_s2_regime s2;
    mmu_port port;
} mmu_cpu;

/* Resets every register to zero (all ID fields "not implemented" except what
 * zero means) and sets the memory port. Call mmu_cpu_set_reg for the ID
 * registers (or sim/'s presets) before translating. */
void mmu_cpu_init(mmu_cpu *cpu, const mmu_port *port);
/* Writes a register and re-decodes every parameter that depends on it. */
void mmu_cpu_set_reg(mmu_cpu *cpu, mmu_reg reg, uint64_t value);
uint64_t mmu_cpu_get_reg(const mmu_cpu *cpu, mmu_reg reg);
/* The regime an access from `el` uses (HCR_EL2.E2H/TGE pick EL2&0). */
mmu_regime mmu_regime_for_el(const mmu_cpu *cpu, uint8_t el);
/* True when stage 2 applies to `regime` (EL1&0 with HCR_EL2.VM or DC). */
bool mmu_stage2_active(const mmu_cpu *cpu, mmu_regime regime);

/* ------------------------------------------------------------------------
 * Walk record: every translation's full story
 * ------------------------------------------------------------------------ */

/* Worst case: 5 stage-1 levels, each descriptor address translated by a
 * 5-level stage 2, a hardware update of the stage-1 leaf translated by
 * stage 2 again (as a write), then the final IPA: 5*5 + 5 + 5 + 5 = 40. */
#define MMU_MAX_READS 40

typedef struct mmu_desc_read {
    int8_t stage;         /* 1 or 2 */
    int8_t level;         /* -1..3 */
    int8_t for_s1_level;  /* stage-2 read serving a stage-1 table read at
                             this level, MMU_NO_LEVEL for the final IPA or
                             for stage-1 reads */
    uint16_t index;       /* entry index in the table (concatenated tables
                             count as one large table) */
    uint64_t table;       /* table base in the stage's input space */
    uint64_t ipa;         /* descriptor address before stage 2 (== pa when
                             stage 2 is off, and for stage-2 reads) */
    uint64_t pa;          /* descriptor address in physical memory */
    uint64_t value;       /* the descriptor as read */
    bool updated;         /* hardware AF/dirty update written back */
    uint64_t new_value;   /* the value written back when updated */
} mmu_desc_read;

typedef enum mmu_fault_type {
    MMU_FAULT_NONE = 0,
    MMU_FAULT_ADDRESS_SIZE,
    MMU_FAULT_TRANSLATION,
    MMU_FAULT_ACCESS_FLAG,
    MMU_FAULT_PERMISSION,
    MMU_FAULT_EXTERNAL_WALK,   /* synchronous external abort on a table walk */
} mmu_fault_type;

const char *mmu_fault_type_name(mmu_fault_type t);

/* Fault information, kept apart from its encoded syndrome (mmu_fsc etc.). */
typedef struct mmu_fault {
    mmu_fault_type type;
    int8_t stage;         /* 1 or 2 */
    int8_t level;         /* -1..3 */
    bool s1ptw;           /* stage-2 fault on a stage-1 table walk */
    bool ipa_valid;       /* stage-2 fault: ipa holds the faulting IPA */
    uint64_t ipa;
    bool write;           /* WnR: the access was a write (also on its S1 walk) */
} mmu_fault;

/* Memory attributes in MAIR byte form, plus shareability (0 NSH, 2 OSH, 3 ISH). */
typedef struct mmu_memattr {
    uint8_t attr;
    uint8_t sh;
} mmu_memattr;

/* The permission-relevant bits a leaf grants, after hierarchical controls,
 * kept raw so a cached translation can be re-checked for another EL/PAN. */
typedef struct mmu_s1_perms {
    bool off;             /* stage 1 disabled: everything allowed */
    uint8_t ap;           /* AP[2:1] after APTable */
    bool uxn, pxn;        /* after UXNTable/PXNTable (EL2: uxn is XN) */
    bool dbm;             /* DBM=1 with HD: writable once dirtied */
} mmu_s1_perms;

typedef struct mmu_s2_perms {
    uint8_t s2ap;         /* bit0 read, bit1 write */
    uint8_t xn;           /* XN[1:0] (FEAT_XNX) or XN<<1 without it */
    bool dbm;
} mmu_s2_perms;

typedef struct mmu_result {
    uint64_t ipa;         /* output of stage 1 (== pa when stage 2 is off) */
    uint64_t pa;
    uint8_t s1_size_shift;  /* log2 of the stage-1 block/page/contiguous size */
    uint8_t s2_size_shift;  /* same for stage 2 (0 when off) */
    int8_t s1_level, s2_level;
    bool s1_contig, s2_contig;
    bool ng;
    mmu_s1_perms s1perm;
    mmu_s2_perms s2perm;
    /* Attributes as the descriptors (MAIR, MemAttr, SH) or the MMU-off rules
     * give them, before the cacheability controls of the access's kind;
     * kept so a cached translation can be re-finished for another access. */
    mmu_memattr s1_desc_attr, s2_desc_attr;
    mmu_memattr s1_attr;  /* stage 1 alone (what AT S1E* reports) */
    mmu_memattr attr;     /* after combining with stage 2 */
    bool r, w, x;         /* what this access's context may do */
} mmu_result;

typedef struct mmu_walk {
    mmu_access access;
    mmu_regime regime;
    bool s1_enabled, s2_enabled;
    uint8_t ttbr;         /* 0 or 1 */
    uint16_t asid, vmid;
    mmu_granule s1_granule, s2_granule;
    uint8_t s1_txsz, s2_t0sz;
    bool s1_ds, s2_ds;
    int8_t s1_start_level, s2_start_level;
    unsigned n_reads;
    mmu_desc_read reads[MMU_MAX_READS];
    mmu_fault fault;
    mmu_result result;
} mmu_walk;

/* Translates one access by walking the tables (no TLB): stage 1, each
 * stage-1 table address through stage 2, then the final IPA. Fills *walk
 * whatever the outcome. Returns true on success, false on a fault
 * (walk->fault says which). */
bool mmu_walk_translate(mmu_cpu *cpu, const mmu_access *acc, mmu_walk *walk);

/* Permission check for a cached translation: may `acc` use a translation
 * whose raw permission bits are those in `res` (regime `regime`, stage 2 on
 * or off)? Fills r/w/x in res; returns the fault (type NONE when allowed). */
mmu_fault mmu_check_permissions(const mmu_cpu *cpu, mmu_regime regime, bool s2_enabled,
                                const mmu_access *acc, mmu_result *res);

/* ------------------------------------------------------------------------
 * Syndrome encoders (fault info -> architectural register values)
 * ------------------------------------------------------------------------ */

/* Long-descriptor fault status code (DFSC/IFSC/PAR.FST), levels -1..3
 * (ASL EncodeLDFSC). */
uint8_t mmu_fsc(const mmu_fault *f);
/* ISS of a Data Abort (EC 0x24/0x25) for this fault: DFSC, WnR, S1PTW, CM. */
uint32_t mmu_dabt_iss(const mmu_fault *f, bool cm);
/* ISS of an Instruction Abort (EC 0x20/0x21): IFSC, S1PTW. */
uint32_t mmu_iabt_iss(const mmu_fault *f);
/* HPFAR_EL2 for a faulting IPA: FIPA = IPA[51:12] at bits [43:4]. */
uint64_t mmu_hpfar(uint64_t ipa);
/* PAR_EL1 for a successful AT: PA[51:12], ATTR, SH (NS=0: non-secure
 * accesses are reported with NS=1 when stage 1 is NS; see par.c). */
uint64_t mmu_par_success(uint64_t pa, mmu_memattr attr);
/* PAR_EL1 for a faulting AT: F=1, FST, PTW, S. */
uint64_t mmu_par_fault(const mmu_fault *f);

/* ------------------------------------------------------------------------
 * Page-table builder
 * ------------------------------------------------------------------------ */

/* The table format a builder writes. */
typedef struct mmu_pt_format {
    int stage;            /* 1 or 2 */
    mmu_granule granule;
    bool ds;              /* LPA2 format: OA[51:50] in desc[9:8] (4K, 16K) */
    bool lpa;             /* 64K 52-bit: OA[51:48] in desc[15:12] */
    uint8_t ia_bits;      /* input address size */
    int8_t start_level;   /* stage 2: from SL0/SL2; stage 1: derived, pass
                             MMU_NO_LEVEL to have it computed */
} mmu_pt_format;

/* Memory for new tables: returns the PA of `size` zeroed bytes aligned to
 * `align`, or false when exhausted. */
typedef struct mmu_pt_alloc {
    void *ctx;
    bool (*alloc)(void *ctx, uint64_t size, uint64_t align, uint64_t *pa);
} mmu_pt_alloc;

typedef struct mmu_builder {
    mmu_pt_format fmt;
    mmu_port port;
    mmu_pt_alloc alloc;
    uint64_t root;        /* PA of the initial table (TTBR/VTTBR BADDR) */
    uint8_t concat;       /* concatenated initial tables (stage 2) */
} mmu_builder;

enum {
    MMU_MAP_PAGES_ONLY = 1u << 0, /* never use block descriptors */
    MMU_MAP_CONTIG = 1u << 1,     /* set the contiguous bit on aligned runs */
};

/* Checks the format and allocates the initial table(s). 0 on success, -1
 * with a message in err. */
int mmu_pt_init(mmu_builder *b, const mmu_pt_format *fmt, const mmu_port *port,
                const mmu_pt_alloc *alloc, char *err, size_t errlen);
/* Maps [ia, ia+size) to [oa, oa+size) with the largest blocks alignment
 * allows. `attrs` holds the leaf's attribute bits (everything but the
 * address and the type bits: AttrIndx/MemAttr, AP/S2AP, SH, AF, nG, XN...).
 * Existing mappings in the range are replaced (blocks are split). */
int mmu_pt_map(mmu_builder *b, uint64_t ia, uint64_t oa, uint64_t size, uint64_t attrs,
               unsigned flags, char *err, size_t errlen);
/* Invalidates every leaf in [ia, ia+size), splitting blocks at the edges. */
int mmu_pt_unmap(mmu_builder *b, uint64_t ia, uint64_t size, char *err, size_t errlen);
/* The TTBR/VTTBR BADDR field value for the builder's root (52-bit forms
 * fold PA[51:48] into bits [5:2]). */
uint64_t mmu_pt_ttbr_baddr(const mmu_builder *b);

#endif
