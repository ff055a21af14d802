/* mmu/tlbi.h — TLB maintenance instructions (TLBI) of the EL1 and EL2
 * regimes, ARMv8.4 and later: the encoding table, operand decoding and the
 * predicate each operation applies to TLB entries.
 *
 * Arm DDI0487 C5.5 (the TLBI instruction descriptions), D8.13 "TLB
 * maintenance" (what each operation must remove), D8.13.5 "Range-based TLB
 * invalidation" (FEAT_TLBIRANGE), D8.13.6 "TLB maintenance with level hints"
 * (FEAT_TTL); ASL AArch64_TLBI_* / TLBIRange / TLBIMatch. Summary in
 * ../shared/reference/aarch64-translation-notes.md section 5.
 *
 * Nothing here prints or keeps state: decode an instruction into an mmu_tlbi
 * record, then hand it to mmu_tlb_invalidate (tlb.h), or test entries with
 * mmu_tlbi_matches.
 */
#ifndef MMU_TLBI_H
#define MMU_TLBI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "mmu.h"

/* What an operation removes (ASL TLBIOp). */
typedef enum mmu_tlbi_kind {
    MMU_TLBI_VMALL,     /* VMALLE1: stage-1 and combined entries, one VMID */
    MMU_TLBI_VMALLS12,  /* VMALLS12E1: every entry of one VMID, both stages */
    MMU_TLBI_ALLE1,     /* ALLE1: every EL1&0 entry, every VMID */
    MMU_TLBI_ALLE2,     /* ALLE2: every EL2 and EL2&0 entry */
    MMU_TLBI_ASID,      /* ASIDE1: non-global stage-1 entries of one ASID */
    MMU_TLBI_VA,        /* VAE1, VALE1, VAE2, VALE2 and their range forms */
    MMU_TLBI_VAA,       /* VAAE1, VAALE1 (any ASID) and their range forms */
    MMU_TLBI_IPAS2,     /* IPAS2E1, IPAS2LE1, RIPAS2E1, RIPAS2LE1: stage 2 only */
} mmu_tlbi_kind;

typedef enum mmu_tlbi_share {
    MMU_TLBI_NSH = 0,   /* this PE only */
    MMU_TLBI_IS = 1,    /* Inner Shareable */
    MMU_TLBI_OS = 2,    /* Outer Shareable (FEAT_TLBIOS) */
} mmu_tlbi_share;

/* One row of the encoding table: op0 = 1, CRn = 8 (CRn = 9 is the nXS form
 * of the same row, FEAT_XS). */
typedef struct mmu_tlbi_op {
    const char *name;     /* "VAE1IS": upper case, no nXS suffix */
    uint8_t op1, crm, op2;
    mmu_tlbi_kind kind;
    uint8_t el;           /* 1: an EL1 operation, 2: an EL2 operation */
    bool last;            /* the *L* forms: last-level (leaf) entries only */
    bool range;           /* the R* forms (FEAT_TLBIRANGE) */
    mmu_tlbi_share share;
} mmu_tlbi_op;

#define MMU_TLBI_CRN 8
#define MMU_TLBI_CRN_NXS 9

/* The table, for listing and tests: *count rows. */
const mmu_tlbi_op *mmu_tlbi_ops(size_t *count);
/* The row for an encoding; NULL if (op0, op1, CRn, CRm, op2) is not an EL1/EL2
 * TLBI. *nxs is set when CRn = 9. */
const mmu_tlbi_op *mmu_tlbi_op_by_encoding(unsigned op0, unsigned op1, unsigned crn,
                                           unsigned crm, unsigned op2, bool *nxs);
/* The row for a name such as "vae1is" or "RVALE1ISnXS" (case-insensitive);
 * NULL if unknown. */
const mmu_tlbi_op *mmu_tlbi_op_by_name(const char *name, bool *nxs);

/* ------------------------------------------------------------------------
 * Operand fields (Xt)
 * ------------------------------------------------------------------------ */

/* VA-based operand (TLBI VAE1 etc.) */
#define TLBI_ASID GENMASK64(63, 48)
#define TLBI_TTL GENMASK64(47, 44)
#define TLBI_TTL_TG GENMASK64(47, 46)     /* TTL[3:2]: 0 no hint, 1 4K, 2 16K, 3 64K */
#define TLBI_TTL_LEVEL GENMASK64(45, 44)  /* TTL[1:0] */
#define TLBI_VA GENMASK64(43, 0)          /* VA[55:12] */
#define TLBI_IPA GENMASK64(39, 0)         /* IPAS2*: IPA[51:12] */
/* Range operand (TLBI RVAE1 etc.) */
#define TLBI_R_TG GENMASK64(47, 46)       /* 0 reserved, 1 4K, 2 16K, 3 64K */
#define TLBI_R_SCALE GENMASK64(45, 44)
#define TLBI_R_NUM GENMASK64(43, 39)
#define TLBI_R_TTL GENMASK64(38, 37)      /* 0 any level, else the leaf level */
#define TLBI_R_BADDR GENMASK64(36, 0)

/* TTL[3:2] and the range TG use this encoding (not TCR.TG0/TG1's). */
unsigned mmu_tlbi_tg_encode(mmu_granule g);
/* false for the reserved value 0 */
bool mmu_tlbi_tg_decode(unsigned tg, mmu_granule *g);

/* ------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------ */

/* The CPU state an operation is interpreted in. mmu_tlbi_context() takes it
 * from an mmu_cpu; tools that have no CPU (mmusim tlbi) fill it by hand. */
typedef struct mmu_tlbi_ctx {
    bool e2h, tge;        /* HCR_EL2.E2H and TGE */
    uint16_t vmid;        /* current VMID (VTTBR_EL2.VMID, 8 or 16 bits) */
    bool asid16_el1;      /* TCR_EL1.AS: 16-bit ASIDs in the EL1&0 regime */
    bool asid16_el2;      /* TCR_EL2.AS (EL2&0) */
    /* TCR_ELx.DS of each regime and VTCR_EL2.DS, as programmed when FEAT_LPA2
     * is implemented (else 0): the BaseADDR unit of the range operations
     * (range_ds() in tlbi.c says which one each operation consults). */
    bool ds[MMU_REGIME_COUNT];
    bool s2_ds;
    /* FEAT_LPA2 is implemented: TTL 4K level 0 and 16K level 1 are hints. */
    bool lpa2;
} mmu_tlbi_ctx;

/* The VMID EL1&0 TLB entries are tagged with, also when stage 2 is off:
 * VTTBR_EL2.VMID, bits [63:48] with VTCR_EL2.VS and FEAT_VMID16, else
 * bits [55:48]. */
uint16_t mmu_current_vmid(const mmu_cpu *cpu);

/* Fills ctx from the CPU's registers (HCR_EL2, VTTBR_EL2, TCR_ELx, VTCR_EL2)
 * and features. */
void mmu_tlbi_context(const mmu_cpu *cpu, mmu_tlbi_ctx *ctx);

/* A decoded operation: which entries it removes. Think of it as the
 * predicate mmu_tlbi_matches() evaluates over the TLB (ASL TLBIRecord). */
typedef struct mmu_tlbi {
    const mmu_tlbi_op *op;
    bool nxs;
    uint64_t xt;
    /* scope */
    mmu_regime regime;       /* EL1&0, EL2&0; for ALLE2 both EL2 and EL2&0 */
    bool stage1;             /* removes stage-1 and combined entries */
    bool stage2;             /* removes stage-2-only entries */
    bool any_vmid;           /* ALLE1, ALLE2 */
    uint16_t vmid;           /* otherwise (EL1&0 only) */
    bool use_asid;           /* VA/ASID ops of a regime with ASIDs */
    uint16_t asid;
    bool asid16;             /* compare 16 ASID bits (else the low 8) */
    bool all_addresses;      /* VMALL*, ALL*, ASIDE1 */
    uint64_t start, last;    /* address range, inclusive: VA (sign-extended
                                from bit 55) or IPA */
    bool last_level;         /* leaf entries only (VALE1, RVALE1, IPAS2LE1...) */
    /* level hint: only leaf entries of this granule and level match */
    bool ttl_valid;
    mmu_granule ttl_granule;
    int8_t ttl_level;
    /* range forms */
    mmu_granule tg;          /* from the TG field (range forms only) */
    unsigned tg_raw, scale, num, ttl_raw;
    uint64_t baddr;
    bool ds;                 /* BaseADDR in 64KB units */
    const char *ds_source;   /* register field consulted, e.g. "TCR_EL1.DS" */
    bool nothing;            /* reserved TG: the operation removes nothing */
} mmu_tlbi;

/* Decodes `op` (nxs form or not) with operand xt in context ctx. Returns 0,
 * or -1 with a message in err for an operation that does not apply here (an
 * EL2 op in a context that cannot issue it is not such a case: the
 * architecture defines them all from EL2). */
int mmu_tlbi_decode(const mmu_tlbi_op *op, bool nxs, uint64_t xt, const mmu_tlbi_ctx *ctx,
                    mmu_tlbi *out, char *err, size_t errlen);

/* How a TLB entry is tagged, for matching (ASL TLBContext + level/size). */
typedef enum mmu_tlbe_kind {
    MMU_TLBE_S1 = 0,        /* stage-1 leaf (no stage 2, or a stage-1-only lookup) */
    MMU_TLBE_S12 = 1,       /* combined stage 1+2 leaf: VA -> PA */
    MMU_TLBE_S2 = 2,        /* walk cache: a stage-2 leaf descriptor */
    MMU_TLBE_S1_TABLE = 3,  /* walk cache: a stage-1 table descriptor */
    MMU_TLBE_S2_TABLE = 4,  /* walk cache: a stage-2 table descriptor */
    MMU_TLBE_S2_ONLY = 5,   /* stage-2-only leaf: IPA -> PA, for EL1&0 with
                               stage 1 off (the IPA is the VA) */
    MMU_TLBE_KIND_COUNT
} mmu_tlbe_kind;

typedef struct mmu_tlb_tags {
    mmu_tlbe_kind kind;
    mmu_regime regime;
    bool global;            /* nG = 0, or a regime without ASIDs */
    uint16_t asid, vmid;
    mmu_granule granule;
    int8_t level;           /* level of the descriptor (leaf or table) */
    uint8_t size_shift;     /* log2 of the input range the entry covers
                               (block/page size, times the contiguous run) */
    uint64_t ia;            /* input address (VA or IPA), size-aligned */
} mmu_tlb_tags;

/* Does operation t remove an entry tagged e? */
bool mmu_tlbi_matches(const mmu_tlbi *t, const mmu_tlb_tags *e);

/* Describes t in words ("stage-1 entries of EL1&0, VMID 3, ASID 5, ...")
 * into buf. */
void mmu_tlbi_describe(const mmu_tlbi *t, char *buf, size_t len);

/* ------------------------------------------------------------------------
 * Encoding a range (the inverse: what a correct kernel issues)
 * ------------------------------------------------------------------------ */

typedef struct mmu_tlbi_insn {
    const mmu_tlbi_op *op;
    uint64_t xt;
} mmu_tlbi_insn;

typedef struct mmu_tlbi_range_req {
    uint64_t start, end;      /* [start, end), granule-aligned */
    mmu_granule granule;
    bool ds;                  /* LPA2: range BaseADDR in 64KB units */
    uint16_t asid;
    int8_t ttl_level;         /* leaf level hint (1..3 for range ops), or MMU_NO_LEVEL */
    const mmu_tlbi_op *range_op;  /* e.g. RVAE1IS; its non-range twin is used for
                                     single pages */
    bool ipa;                 /* RIPAS2*: operands are IPAs */
} mmu_tlbi_range_req;

/* The non-range twin of a range operation (RVAE1IS -> VAE1IS), or NULL. */
const mmu_tlbi_op *mmu_tlbi_single_op(const mmu_tlbi_op *range_op);

/* Encodes the operand of a single-page operation for addr (VA or IPA), with
 * a TTL hint when level is 0..3 and the hint is encodable. */
uint64_t mmu_tlbi_encode_va(uint64_t addr, uint16_t asid, mmu_granule g, int8_t level,
                            bool lpa2, bool ipa);

/* Fills out[] (capacity max) with the operations that invalidate exactly
 * the pages of [start, end): range operations from the largest SCALE down,
 * single-page operations for a head that is not 64KB aligned under DS and
 * for a last odd page. Returns the number of operations, or -1 with err
 * (misaligned or empty range, max too small). */
int mmu_tlbi_encode_range(const mmu_tlbi_range_req *req, mmu_tlbi_insn *out, size_t max,
                          char *err, size_t errlen);

#endif
