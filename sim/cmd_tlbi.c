/* mmusim tlbi: decode one TLBI operation (what does this Xt invalidate?) or
 * encode a range the way a correct kernel would (which TLBIs cover
 * [START, END)?). The architecture lives in mmu/tlbi.c; this file only parses
 * arguments and prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "commands.h"
#include "tlbi.h"

#define MAX_ENCODED 4096

static void usage(FILE *to)
{
    fprintf(to,
            "usage: mmusim tlbi OP [XT] [options]        decode one operation (XT: the operand)\n"
            "       mmusim tlbi --encode START END [options]  operations covering [START, END)\n"
            "\n"
            "options:\n"
            "  --ds               LPA2: TCR_ELx.DS = VTCR_EL2.DS = 1 (range BaseADDR in 64KB units)\n"
            "  --granule G        4k (default), 16k or 64k: the granule in use\n"
            "  --vmid N           current VMID (VTTBR_EL2.VMID), default 0\n"
            "  --e2h, --tge       HCR_EL2.E2H / TGE (EL1 ops act on EL2&0 with both)\n"
            "  --json             one JSON object on stdout\n"
            "  --asid N           (--encode) ASID operand, default 0\n"
            "  --op NAME          (--encode) range operation, default rvae1is\n"
            "  --ttl LEVEL        (--encode) leaf level hint, 0..3\n"
            "\n"
            "OP is a TLBI name such as vae1is, rvale1, ripas2e1is or vale1isnxs.\n");
}

typedef struct tlbi_args {
    bool encode, json, ds, e2h, tge;
    mmu_granule granule;
    uint64_t vmid, asid, xt, start, end;
    int ttl;
    const mmu_tlbi_op *op;
    bool nxs;
} tlbi_args;

static int parse_u64(const char *s, const char *what, uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (!cli_parse_u64(s, &v) || v > max) {
        fprintf(stderr, "mmusim tlbi: bad %s '%s' (a number up to 0x%llx)\n", what, s,
                (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_granule(const char *s, mmu_granule *g)
{
    if (!strcmp(s, "4k") || !strcmp(s, "4K"))
        *g = MMU_GRANULE_4K;
    else if (!strcmp(s, "16k") || !strcmp(s, "16K"))
        *g = MMU_GRANULE_16K;
    else if (!strcmp(s, "64k") || !strcmp(s, "64K"))
        *g = MMU_GRANULE_64K;
    else {
        fprintf(stderr, "mmusim tlbi: bad --granule '%s' (4k, 16k or 64k)\n", s);
        return -1;
    }
    return 0;
}

static int parse_op(const char *s, tlbi_args *a)
{
    a->op = mmu_tlbi_op_by_name(s, &a->nxs);
    if (!a->op) {
        fprintf(stderr, "mmusim tlbi: unknown TLBI operation '%s'\n", s);
        return -1;
    }
    return 0;
}

/* VMALL*, ALL*: Xt is ignored, so it may be left out. */
static bool takes_no_operand(const mmu_tlbi_op *op)
{
    return op->kind == MMU_TLBI_VMALL || op->kind == MMU_TLBI_VMALLS12 ||
           op->kind == MMU_TLBI_ALLE1 || op->kind == MMU_TLBI_ALLE2;
}

/* Returns 0, 1 for --help, -1 on a bad argument. */
static int parse_args(int argc, char **argv, tlbi_args *a)
{
    const char *pos[3];
    int npos = 0;
    const char *op_name = NULL;
    uint64_t ttl = 0;
    bool have_ttl = false;

    memset(a, 0, sizeof *a);
    a->granule = MMU_GRANULE_4K;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(s, "--help") || !strcmp(s, "-h"))
            return 1;
        if (!strcmp(s, "--encode"))
            a->encode = true;
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (!strcmp(s, "--ds"))
            a->ds = true;
        else if (!strcmp(s, "--e2h"))
            a->e2h = true;
        else if (!strcmp(s, "--tge"))
            a->tge = true;
        else if (!strcmp(s, "--granule") || !strcmp(s, "--vmid") || !strcmp(s, "--asid") ||
                 !strcmp(s, "--op") || !strcmp(s, "--ttl")) {
            if (!has_value) {
                fprintf(stderr, "mmusim tlbi: %s needs a value\n", s);
                return -1;
            }
            const char *v = argv[++i];
            int rc = 0;
            if (!strcmp(s, "--granule"))
                rc = parse_granule(v, &a->granule);
            else if (!strcmp(s, "--vmid"))
                rc = parse_u64(v, "--vmid", 0xFFFF, &a->vmid);
            else if (!strcmp(s, "--asid"))
                rc = parse_u64(v, "--asid", 0xFFFF, &a->asid);
            else if (!strcmp(s, "--ttl"))
                rc = parse_u64(v, "--ttl", 3, &ttl), have_ttl = true;
            else
                op_name = v;
            if (rc)
                return -1;
        } else if (s[0] == '-' && s[1] == '-') {
            fprintf(stderr, "mmusim tlbi: unknown option '%s'\n", s);
            return -1;
        } else if (npos < 3) {
            pos[npos++] = s;
        } else {
            fprintf(stderr, "mmusim tlbi: unexpected argument '%s'\n", s);
            return -1;
        }
    }
    a->ttl = have_ttl ? (int)ttl : MMU_NO_LEVEL;
    if (!a->encode && npos == 1 && parse_op(pos[0], a) == 0 && takes_no_operand(a->op))
        pos[npos++] = "0";
    if (npos != 2) {
        fprintf(stderr, "mmusim tlbi: expected %s\n", a->encode ? "START END" : "OP XT");
        return -1;
    }
    if (a->encode) {
        if (parse_op(op_name ? op_name : "rvae1is", a))
            return -1;
        if (!a->op->range) {
            fprintf(stderr, "mmusim tlbi: --op %s is not a range operation\n", a->op->name);
            return -1;
        }
        return parse_u64(pos[0], "START", UINT64_MAX, &a->start) ||
                       parse_u64(pos[1], "END", UINT64_MAX, &a->end)
                   ? -1
                   : 0;
    }
    if (op_name || a->asid || have_ttl) {
        fprintf(stderr, "mmusim tlbi: --op, --asid and --ttl go with --encode\n");
        return -1;
    }
    if (parse_op(pos[0], a))
        return -1;
    return parse_u64(pos[1], "XT", UINT64_MAX, &a->xt);
}

static void context_from_args(const tlbi_args *a, mmu_tlbi_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->e2h = a->e2h;
    ctx->tge = a->tge;
    ctx->vmid = (uint16_t)a->vmid;
    ctx->asid16_el1 = ctx->asid16_el2 = true;
    for (int r = 0; r < MMU_REGIME_COUNT; r++)
        ctx->ds[r] = a->ds;
    ctx->s2_ds = a->ds;
    ctx->lpa2 = a->ds;
}

static void hex(char *buf, size_t len, uint64_t v)
{
    snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/* [start, end) of what t covers, end exclusive; false for whole-space ops.
 * A single-address op covers the granule page holding its address. */
static bool covered(const mmu_tlbi *t, mmu_granule g, uint64_t *start, char *end, size_t len)
{
    if (t->all_addresses || t->nothing)
        return false;
    uint64_t s = t->start, last = t->last;
    if (!t->op->range) {
        s &= ~((UINT64_C(1) << g) - 1);
        last = s + ((UINT64_C(1) << g) - 1);
    }
    *start = s;
    if (last == UINT64_MAX)
        snprintf(end, len, "0x10000000000000000");
    else
        hex(end, len, last + 1);
    return true;
}

static const char *tg_mismatch(const mmu_tlbi *t, mmu_granule g)
{
    return t->op->range && !t->nothing && t->tg != g ? "TG does not match the granule in use" : NULL;
}

static cJSON *insn_json(const mmu_tlbi *t, mmu_granule g)
{
    char buf[640];
    cJSON *o = cJSON_CreateObject();
    snprintf(buf, sizeof buf, "%s%s", t->op->name, t->nxs ? "nXS" : "");
    cJSON_AddStringToObject(o, "op", buf);
    hex(buf, sizeof buf, t->xt);
    cJSON_AddStringToObject(o, "xt", buf);
    cJSON_AddStringToObject(o, "regime", t->op->kind == MMU_TLBI_ALLE2 ? "EL2 and EL2&0"
                                                                      : mmu_regime_name(t->regime));
    cJSON_AddStringToObject(o, "stages", t->stage1 && t->stage2 ? "1,2" : t->stage1 ? "1" : "2");
    if (t->regime == MMU_REGIME_EL10 && !t->any_vmid)
        cJSON_AddNumberToObject(o, "vmid", t->vmid);
    else
        cJSON_AddNullToObject(o, "vmid");
    if (t->use_asid)
        cJSON_AddNumberToObject(o, "asid", t->asid);
    else
        cJSON_AddNullToObject(o, "asid");
    cJSON_AddBoolToObject(o, "last_level", t->last_level);
    if (t->ttl_valid) {
        cJSON_AddNumberToObject(o, "ttl", t->ttl_level);
        cJSON_AddStringToObject(o, "ttl_granule", mmu_granule_name(t->ttl_granule));
    } else {
        cJSON_AddNullToObject(o, "ttl");
        cJSON_AddNullToObject(o, "ttl_granule");
    }
    if (t->op->range) {
        if (t->nothing)
            cJSON_AddNullToObject(o, "tg");
        else
            cJSON_AddStringToObject(o, "tg", mmu_granule_name(t->tg));
        cJSON_AddNumberToObject(o, "scale", t->scale);
        cJSON_AddNumberToObject(o, "num", t->num);
        hex(buf, sizeof buf, t->baddr);
        cJSON_AddStringToObject(o, "baseaddr", buf);
        cJSON_AddBoolToObject(o, "ds", t->ds);
        cJSON_AddStringToObject(o, "ds_source", t->ds_source);
    } else {
        cJSON_AddNullToObject(o, "tg");
        cJSON_AddNullToObject(o, "scale");
        cJSON_AddNullToObject(o, "num");
    }
    uint64_t start;
    char end[32];
    if (covered(t, g, &start, end, sizeof end)) {
        hex(buf, sizeof buf, start);
        cJSON_AddStringToObject(o, "start", buf);
        cJSON_AddStringToObject(o, "end", end);
    } else {
        cJSON_AddNullToObject(o, "start");
        cJSON_AddNullToObject(o, "end");
    }
    const char *why = t->nothing ? "TG=0 is reserved" : tg_mismatch(t, g);
    cJSON_AddBoolToObject(o, "invalidates_nothing", why != NULL);
    if (why)
        cJSON_AddStringToObject(o, "reason", why);
    mmu_tlbi_describe(t, buf, sizeof buf);
    cJSON_AddStringToObject(o, "description", buf);
    return o;
}

static int print_json(cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        fprintf(stderr, "mmusim tlbi: out of memory\n");
        return 1;
    }
    printf("%s\n", text);
    cJSON_free(text);
    return 0;
}

static int run_decode(const tlbi_args *a, const mmu_tlbi_ctx *ctx)
{
    mmu_tlbi t;
    char err[160];
    if (mmu_tlbi_decode(a->op, a->nxs, a->xt, ctx, &t, err, sizeof err)) {
        fprintf(stderr, "mmusim tlbi: %s\n", err);
        return 2;
    }
    if (a->json)
        return print_json(insn_json(&t, a->granule));
    char text[640];
    mmu_tlbi_describe(&t, text, sizeof text);
    printf("%s\n", text);
    if (tg_mismatch(&t, a->granule))
        printf("invalidates nothing: TG=%s does not match the %s granule in use\n",
               mmu_granule_name(t.tg), mmu_granule_name(a->granule));
    return 0;
}

static int run_encode(const tlbi_args *a, const mmu_tlbi_ctx *ctx)
{
    static mmu_tlbi_insn insns[MAX_ENCODED];
    char err[160];
    bool ipa = a->op->kind == MMU_TLBI_IPAS2;
    mmu_tlbi_range_req req = {
        .start = a->start,
        .end = a->end,
        .granule = a->granule,
        .ds = ipa ? ctx->s2_ds : a->ds,
        .asid = a->op->kind == MMU_TLBI_VA ? (uint16_t)a->asid : 0,
        .ttl_level = (int8_t)a->ttl,
        .range_op = a->op,
        .ipa = ipa,
    };
    int n = mmu_tlbi_encode_range(&req, insns, MAX_ENCODED, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "mmusim tlbi --encode: %s\n", err);
        return 2;
    }
    cJSON *root = a->json ? cJSON_CreateObject() : NULL;
    cJSON *list = NULL;
    if (root) {
        char buf[32];
        hex(buf, sizeof buf, a->start);
        cJSON_AddStringToObject(root, "start", buf);
        hex(buf, sizeof buf, a->end);
        cJSON_AddStringToObject(root, "end", buf);
        cJSON_AddStringToObject(root, "granule", mmu_granule_name(a->granule));
        cJSON_AddBoolToObject(root, "ds", a->ds);
        list = cJSON_AddArrayToObject(root, "ops");
    }
    for (int i = 0; i < n; i++) {
        mmu_tlbi t;
        if (mmu_tlbi_decode(insns[i].op, false, insns[i].xt, ctx, &t, err, sizeof err)) {
            fprintf(stderr, "mmusim tlbi --encode: %s\n", err);
            cJSON_Delete(root);
            return 1;
        }
        if (root) {
            cJSON_AddItemToArray(list, insn_json(&t, a->granule));
            continue;
        }
        uint64_t start = 0;
        char end[32] = "";
        covered(&t, a->granule, &start, end, sizeof end);
        printf("TLBI %-10s 0x%016llx  [0x%llx, %s)", t.op->name, (unsigned long long)t.xt,
               (unsigned long long)start, end);
        if (t.op->range)
            printf("  SCALE=%u NUM=%u BaseADDR=0x%llx", t.scale, t.num,
                   (unsigned long long)t.baddr);
        printf("\n");
    }
    if (root)
        return print_json(root);
    printf("%d operation%s\n", n, n == 1 ? "" : "s");
    return 0;
}

int cmd_tlbi(int argc, char **argv)
{
    tlbi_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc == 1) {
        usage(stdout);
        return 0;
    }
    if (rc) {
        usage(stderr);
        return 2;
    }
    mmu_tlbi_ctx ctx;
    context_from_args(&a, &ctx);
    return a.encode ? run_encode(&a, &ctx) : run_decode(&a, &ctx);
}
