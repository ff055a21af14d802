/* TTW and TLB FILL lines against mmusim's walk: see diff_parts.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diff_parts.h"

/* Bits the hardware may update in a descriptor after it was read (FEAT_HAFDBS):
 * AF (bit 10) and the dirty state, AP[2] (stage 1) / S2AP[1] (stage 2), both bit 7. */
#define DESC_HW_UPDATED (BIT64(10) | BIT64(7))

bool diff_reg_name(const tarmac_reg *r, char name[DIFF_REG_NAME_LEN])
{
    if (r->name_len >= DIFF_REG_NAME_LEN)
        return false;
    for (size_t i = 0; i < r->name_len; i++)
        name[i] = (char)(r->name[i] >= 'a' && r->name[i] <= 'z' ? r->name[i] - 32 : r->name[i]);
    name[r->name_len] = '\0';
    return true;
}

bool diff_common_line(diff_report *r, diff_mmu_lines *mmu, const tarmac_record *rec)
{
    switch (rec->kind) {
    case TARMAC_BAD:
        diff_bad(r, rec);
        return true;
    case TARMAC_UNKNOWN:
        r->unknown_lines++;
        return true;
    case TARMAC_TTW:
    case TARMAC_TLB:
        if (mmu)
            diff_mmu_lines_add(mmu, rec);
        return true;
    default:
        return false;
    }
}

void diff_mmu_lines_add(diff_mmu_lines *p, const tarmac_record *rec)
{
    if (rec->kind == TARMAC_TTW) {
        const tarmac_ttw *t = &rec->u.ttw;
        if (!t->has_addr || !t->has_data)
            return;
        if (p->n_ttw == DIFF_MAX_TTW) { /* more reads than any walk makes: keep the last ones */
            memmove(&p->ttw[0], &p->ttw[1], (DIFF_MAX_TTW - 1) * sizeof p->ttw[0]);
            p->n_ttw--;
        }
        uint64_t pa = t->addr.has_pa ? t->addr.pa : t->addr.va;
        p->ttw[p->n_ttw++] = (diff_ttw_line){.line = rec->line, .pa = pa, .value = t->data};
    } else if (rec->kind == TARMAC_TLB && rec->u.tlb.fill && !rec->u.tlb.walkcache) {
        p->has_fill = true;
        p->fill_line = rec->line;
        p->fill = rec->u.tlb;
        p->fill.id = NULL;
        p->fill.id_len = 0;
    }
}

static void check_ttw(diff_mmu_lines *p, diff_report *rep, const diff_where *w,
                      const mmu_walk *walk)
{
    unsigned j = 0;
    diff_where at = *w;
    for (unsigned i = 0; i < p->n_ttw; i++) {
        const diff_ttw_line *t = &p->ttw[i];
        while (j < walk->n_reads && walk->reads[j].pa != t->pa)
            j++;
        bool last = i + 1 == p->n_ttw;
        const char *problem = NULL;
        if (j == walk->n_reads)
            problem = "mmusim's walk does not read this descriptor (or not in this order)";
        else if ((walk->reads[j].value ^ t->value) & ~DESC_HW_UPDATED)
            problem = "mmusim reads another value there";
        else if (last && j + 1 != walk->n_reads)
            problem = "the trace's walk stops here; mmusim's reads further";
        if (!problem) {
            j++;
            continue;
        }
        at.line = t->line;
        diff_divergence *d = diff_disagree(rep, DIFF_TTW, &at);
        snprintf(d->trace, sizeof d->trace, "descriptor at PA 0x%" PRIx64 " = 0x%016" PRIx64,
                 t->pa, t->value);
        if (j < walk->n_reads)
            snprintf(d->ours, sizeof d->ours, "stage %d level %d at PA 0x%" PRIx64 " = 0x%016" PRIx64,
                     walk->reads[j].stage, walk->reads[j].level, walk->reads[j].pa,
                     walk->reads[j].value);
        else
            snprintf(d->ours, sizeof d->ours, "%u descriptor reads, none at this PA after the "
                     "previous one", walk->n_reads);
        snprintf(d->note, sizeof d->note, "%s", problem);
        d->has_walk = true;
        d->walk = *walk;
        return;
    }
    diff_agree(rep, DIFF_TTW);
}

static void check_fill(diff_mmu_lines *p, diff_report *rep, const diff_where *w,
                       const mmu_walk *walk, bool ok)
{
    const tarmac_tlb *t = &p->fill;
    diff_where at = *w;
    at.line = p->fill_line;
    char ours[DIFF_TEXT] = "";
    bool same = ok;
    if (ok) {
        const mmu_result *r = &walk->result;
        unsigned shift = r->s1_size_shift;
        if (walk->s2_enabled && r->s2_size_shift < shift)
            shift = r->s2_size_shift;
        uint64_t size = UINT64_C(1) << shift, mask = ~(size - 1);
        bool el10 = walk->regime == MMU_REGIME_EL10;
        snprintf(ours, sizeof ours, "%" PRIu64 " bytes, VA 0x%" PRIx64 " -> PA 0x%" PRIx64
                 "%s asid=%u vmid=%u", size, walk->access.va & mask, r->pa & mask,
                 r->ng ? " nG" : "", walk->asid, el10 ? walk->vmid : 0);
        if (t->size && t->size != size)
            same = false;
        if (t->has_va && (t->va & mask) != (walk->access.va & mask))
            same = false;
        if (t->has_pa && (t->pa & mask) != (r->pa & mask))
            same = false;
        if (t->ng != r->ng || (t->ng && t->has_asid && t->asid != walk->asid))
            same = false;
        if (t->has_vmid && el10 && t->vmid != walk->vmid)
            same = false;
    } else {
        char f[DIFF_TEXT - 16];
        diff_fault_describe(&walk->fault, f, sizeof f);
        snprintf(ours, sizeof ours, "no entry: %s", f);
    }
    if (same) {
        diff_agree(rep, DIFF_TLB_FILL);
        return;
    }
    diff_divergence *d = diff_disagree(rep, DIFF_TLB_FILL, &at);
    snprintf(d->trace, sizeof d->trace, "%" PRIu64 " bytes, VA 0x%" PRIx64 " -> PA 0x%" PRIx64
             "%s asid=%u vmid=%u", t->size, t->va, t->pa, t->ng ? " nG" : "", t->asid, t->vmid);
    snprintf(d->ours, sizeof d->ours, "%s", ours);
    snprintf(d->note, sizeof d->note, "the entry the access after this line installs");
    d->has_walk = true;
    d->walk = *walk;
}

void diff_mmu_lines_check(diff_mmu_lines *p, diff_report *rep, const diff_where *w,
                          const mmu_walk *walk, bool ok)
{
    if (p->n_ttw)
        check_ttw(p, rep, w, walk);
    if (p->has_fill)
        check_fill(p, rep, w, walk, ok);
    p->n_ttw = 0;
    p->has_fill = false;
}
