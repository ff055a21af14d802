/* Aborts as ESR_ELx reports them, and faults and PAR_EL1 values in words,
 * for the diff. ESR fields: Arm DDI0487 D24.2.40 ESR_ELx (EC; ISS of Data
 * and Instruction Aborts); fault status codes: ASL EncodeLDFSC (mmu/fault.c
 * encodes them); PAR_EL1: D24.2.118. */
#include <inttypes.h>
#include <stdio.h>

#include "diff_parts.h"
#include "exception.h"

#define ISS_FSC GENMASK64(5, 0)
#define ISS_WNR BIT64(6)
#define ISS_S1PTW BIT64(7)
#define ISS_CM BIT64(8)

int8_t diff_reg_el(const char *name, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (name[i] == '_' && (name[i + 1] == 'E' || name[i + 1] == 'e') &&
            (name[i + 2] == 'L' || name[i + 2] == 'l') && name[i + 3] >= '0' && name[i + 3] <= '3')
            return (int8_t)(name[i + 3] - '0');
    return -1;
}

diff_abort diff_abort_from_esr(uint64_t esr, int8_t to_el)
{
    diff_abort a = {.ec = (uint8_t)FIELD_GET(ESR_EC, esr), .to_el = to_el};
    a.fetch = a.ec == EC_IABT_LOWER || a.ec == EC_IABT_SAME;
    a.is_abort = a.fetch || a.ec == EC_DABT_LOWER || a.ec == EC_DABT_SAME;
    if (a.is_abort) {
        a.fsc = (uint8_t)FIELD_GET(ISS_FSC, esr);
        a.s1ptw = esr & ISS_S1PTW;
        a.wnr = !a.fetch && (esr & ISS_WNR);
        a.cm = !a.fetch && (esr & ISS_CM);
    }
    return a;
}

diff_abort diff_abort_from_fault(const mmu_fault *f, bool sea, bool fetch, bool cm,
                                 uint8_t from_el, uint8_t to_el)
{
    bool same = from_el == to_el;
    diff_abort a = {.is_abort = true, .fetch = fetch, .to_el = (int8_t)to_el, .cm = cm};
    a.ec = fetch ? (same ? EC_IABT_SAME : EC_IABT_LOWER) : (same ? EC_DABT_SAME : EC_DABT_LOWER);
    a.fsc = sea ? FSC_SEA : mmu_fsc(f);
    a.s1ptw = !sea && f->s1ptw;
    a.wnr = !fetch && (f->write || cm);
    return a;
}

bool diff_abort_same(const diff_abort *a, const diff_abort *b)
{
    return a->is_abort == b->is_abort && a->ec == b->ec && a->fsc == b->fsc &&
           a->s1ptw == b->s1ptw && a->to_el == b->to_el;
}

/* The fault a status code names (ASL EncodeLDFSC, read backwards). */
static void fsc_describe(uint8_t fsc, char *buf, size_t len)
{
    static const char *const kinds[] = {"address size fault", "translation fault",
                                        "access flag fault", "permission fault"};
    if (fsc < 0x10)
        snprintf(buf, len, "%s, level %d", kinds[fsc >> 2], fsc & 3);
    else if (fsc == 0x29 || fsc == 0x2b)
        snprintf(buf, len, "%s, level -1", kinds[fsc == 0x2b]);
    else if (fsc == FSC_SEA)
        snprintf(buf, len, "external abort");
    else if (fsc == 0x13 || (fsc >= 0x14 && fsc <= 0x17))
        snprintf(buf, len, "external abort on a walk, level %d", fsc == 0x13 ? -1 : fsc - 0x14);
    else if (fsc == 0x21)
        snprintf(buf, len, "alignment fault");
    else if (fsc == 0x30)
        snprintf(buf, len, "TLB conflict abort");
    else
        snprintf(buf, len, "fault status 0x%02x", fsc);
}

void diff_abort_describe(const diff_abort *a, char *buf, size_t len)
{
    if (!a->is_abort) {
        snprintf(buf, len, "no abort (EC 0x%02x) to EL%d", a->ec, a->to_el);
        return;
    }
    char what[64];
    fsc_describe(a->fsc, what, sizeof what);
    snprintf(buf, len, "%s abort to EL%d (EC 0x%02x): %s (FSC 0x%02x)%s%s%s",
             a->fetch ? "instruction" : "data", a->to_el, a->ec, what, a->fsc,
             a->s1ptw ? ", S1PTW" : "", a->wnr ? ", WnR" : "", a->cm ? ", CM" : "");
}

void diff_fault_describe(const mmu_fault *f, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s fault, stage %d, level %d%s%s", mmu_fault_type_name(f->type),
                     f->stage, f->level, f->s1ptw ? ", S1PTW" : "", f->write ? ", write" : "");
    if (f->ipa_valid && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ", IPA 0x%" PRIx64, f->ipa);
}

#define PAR_F BIT64(0)
#define PAR_FST GENMASK64(6, 1)
#define PAR_PTW BIT64(8)
#define PAR_S BIT64(9)
#define PAR_SH GENMASK64(8, 7)
#define PAR_PA GENMASK64(51, 12)
#define PAR_ATTR GENMASK64(63, 56)

void diff_par_describe(uint64_t par, char *buf, size_t len)
{
    if (par & PAR_F) {
        char what[64];
        fsc_describe((uint8_t)FIELD_GET(PAR_FST, par), what, sizeof what);
        snprintf(buf, len, "PAR_EL1 0x%016" PRIx64 ": %s, stage %d%s", par, what,
                 (par & PAR_S) ? 2 : 1, (par & PAR_PTW) ? ", PTW" : "");
    } else {
        snprintf(buf, len, "PAR_EL1 0x%016" PRIx64 ": PA 0x%" PRIx64 ", attr 0x%02x, sh %u", par,
                 par & PAR_PA, (unsigned)FIELD_GET(PAR_ATTR, par),
                 (unsigned)FIELD_GET(PAR_SH, par));
    }
}
