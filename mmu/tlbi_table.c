/* The encoding table of the EL1 and EL2 TLBI operations (op0 = 1, CRn = 8;
 * CRn = 9 is the nXS form of every row, FEAT_XS). Arm DDI0487 C5.5 "A64
 * system instructions for TLB maintenance" and the encoding index in C5.1;
 * cross-checked against ../shared/reference/aarch64-translation-notes.md
 * section 5.3. One row per operation; nothing else in mmusim lists them. */
#include <ctype.h>
#include <string.h>

#include "tlbi.h"

#define ROW(nm, o1, cm, o2, k, e, l, r, sh) \
    {.name = nm, .op1 = o1, .crm = cm, .op2 = o2, .kind = k, .el = e, .last = l, .range = r, .share = sh}

/* The EL1 operations exist in three shareability domains; CRm picks it:
 * non-range 7 / 3 (IS) / 1 (OS), range 6 / 2 (IS) / 5 (OS). */
#define EL1_OPS(sfx, crm, rcrm, sh)                                                  \
    ROW("VMALLE1" sfx, 0, crm, 0, MMU_TLBI_VMALL, 1, false, false, sh),              \
    ROW("VAE1" sfx, 0, crm, 1, MMU_TLBI_VA, 1, false, false, sh),                    \
    ROW("ASIDE1" sfx, 0, crm, 2, MMU_TLBI_ASID, 1, false, false, sh),                \
    ROW("VAAE1" sfx, 0, crm, 3, MMU_TLBI_VAA, 1, false, false, sh),                  \
    ROW("VALE1" sfx, 0, crm, 5, MMU_TLBI_VA, 1, true, false, sh),                    \
    ROW("VAALE1" sfx, 0, crm, 7, MMU_TLBI_VAA, 1, true, false, sh),                  \
    ROW("RVAE1" sfx, 0, rcrm, 1, MMU_TLBI_VA, 1, false, true, sh),                   \
    ROW("RVAAE1" sfx, 0, rcrm, 3, MMU_TLBI_VAA, 1, false, true, sh),                 \
    ROW("RVALE1" sfx, 0, rcrm, 5, MMU_TLBI_VA, 1, true, true, sh),                   \
    ROW("RVAALE1" sfx, 0, rcrm, 7, MMU_TLBI_VAA, 1, true, true, sh)

/* EL2 regime operations: non-range CRm 7 / 3 (IS) / 1 (OS), range 6 / 2 / 5. */
#define EL2_OPS(sfx, crm, rcrm, sh)                                                  \
    ROW("ALLE2" sfx, 4, crm, 0, MMU_TLBI_ALLE2, 2, false, false, sh),                \
    ROW("VAE2" sfx, 4, crm, 1, MMU_TLBI_VA, 2, false, false, sh),                    \
    ROW("ALLE1" sfx, 4, crm, 4, MMU_TLBI_ALLE1, 2, false, false, sh),                \
    ROW("VALE2" sfx, 4, crm, 5, MMU_TLBI_VA, 2, true, false, sh),                    \
    ROW("VMALLS12E1" sfx, 4, crm, 6, MMU_TLBI_VMALLS12, 2, false, false, sh),        \
    ROW("RVAE2" sfx, 4, rcrm, 1, MMU_TLBI_VA, 2, false, true, sh),                   \
    ROW("RVALE2" sfx, 4, rcrm, 5, MMU_TLBI_VA, 2, true, true, sh)

static const mmu_tlbi_op ops[] = {
    EL1_OPS("", 7, 6, MMU_TLBI_NSH),
    EL1_OPS("IS", 3, 2, MMU_TLBI_IS),
    EL1_OPS("OS", 1, 5, MMU_TLBI_OS),
    EL2_OPS("", 7, 6, MMU_TLBI_NSH),
    EL2_OPS("IS", 3, 2, MMU_TLBI_IS),
    EL2_OPS("OS", 1, 5, MMU_TLBI_OS),
    /* Stage-2 by IPA: the IS forms sit in CRm 0, the others in CRm 4. */
    ROW("IPAS2E1IS", 4, 0, 1, MMU_TLBI_IPAS2, 2, false, false, MMU_TLBI_IS),
    ROW("RIPAS2E1IS", 4, 0, 2, MMU_TLBI_IPAS2, 2, false, true, MMU_TLBI_IS),
    ROW("IPAS2LE1IS", 4, 0, 5, MMU_TLBI_IPAS2, 2, true, false, MMU_TLBI_IS),
    ROW("RIPAS2LE1IS", 4, 0, 6, MMU_TLBI_IPAS2, 2, true, true, MMU_TLBI_IS),
    ROW("IPAS2E1OS", 4, 4, 0, MMU_TLBI_IPAS2, 2, false, false, MMU_TLBI_OS),
    ROW("IPAS2E1", 4, 4, 1, MMU_TLBI_IPAS2, 2, false, false, MMU_TLBI_NSH),
    ROW("RIPAS2E1", 4, 4, 2, MMU_TLBI_IPAS2, 2, false, true, MMU_TLBI_NSH),
    ROW("RIPAS2E1OS", 4, 4, 3, MMU_TLBI_IPAS2, 2, false, true, MMU_TLBI_OS),
    ROW("IPAS2LE1OS", 4, 4, 4, MMU_TLBI_IPAS2, 2, true, false, MMU_TLBI_OS),
    ROW("IPAS2LE1", 4, 4, 5, MMU_TLBI_IPAS2, 2, true, false, MMU_TLBI_NSH),
    ROW("RIPAS2LE1", 4, 4, 6, MMU_TLBI_IPAS2, 2, true, true, MMU_TLBI_NSH),
    ROW("RIPAS2LE1OS", 4, 4, 7, MMU_TLBI_IPAS2, 2, true, true, MMU_TLBI_OS),
};

const mmu_tlbi_op *mmu_tlbi_ops(size_t *count)
{
    *count = sizeof ops / sizeof ops[0];
    return ops;
}

const mmu_tlbi_op *mmu_tlbi_op_by_encoding(unsigned op0, unsigned op1, unsigned crn,
                                           unsigned crm, unsigned op2, bool *nxs)
{
    if (op0 != 1 || (crn != MMU_TLBI_CRN && crn != MMU_TLBI_CRN_NXS))
        return NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].op1 == op1 && ops[i].crm == crm && ops[i].op2 == op2) {
            *nxs = crn == MMU_TLBI_CRN_NXS;
            return &ops[i];
        }
    }
    return NULL;
}

static bool name_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)a[i]) != b[i])
            return false;
    return true;
}

const mmu_tlbi_op *mmu_tlbi_op_by_name(const char *name, bool *nxs)
{
    size_t len = strlen(name);
    bool x = len > 3 && name_eq(name + len - 3, "NXS", 3);
    if (x)
        len -= 3;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strlen(ops[i].name) == len && name_eq(name, ops[i].name, len)) {
            *nxs = x;
            return &ops[i];
        }
    }
    return NULL;
}
