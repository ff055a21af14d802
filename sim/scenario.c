/* Scenario files: JSON -> struct scenario. The schema is docs/scenario.md;
 * every key is checked, every error names the file and the key path. */
#define _POSIX_C_SOURCE 200809L /* readlink, access */

#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "desc.h"
#include "json_value.h"
#include "sysreg.h"

#define SCN_MAX_FILE (16u << 20)  /* scenario files are small; refuse anything huge */
#define PA_SPACE_BITS 52

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int out_of_memory(jv_ctx *c)
{
    return jv_fail(c, NULL, "out of memory");
}

/* Duplicates into *dst; -1 on allocation failure. */
static int set_str(jv_ctx *c, char **dst, const char *s)
{
    free(*dst);
    *dst = dup_str(s);
    return *dst ? 0 : out_of_memory(c);
}

static void *alloc_array(jv_ctx *c, size_t n, size_t size, int *status)
{
    void *p = calloc(n ? n : 1, size);
    *status = p ? 0 : out_of_memory(c);
    return p;
}

/* The scenario's defaults: the platform contract of DESIGN.md. */
static int set_defaults(jv_ctx *c, scenario *s)
{
    memset(s, 0, sizeof *s);
    s->preset = cpu_preset_find(SCN_DEFAULT_PRESET);
    s->regions = calloc(1, sizeof *s->regions);
    if (!s->regions)
        return out_of_memory(c);
    s->n_regions = 1;
    s->regions[0].base = SCN_DEFAULT_RAM_BASE;
    s->regions[0].size = SCN_DEFAULT_RAM_SIZE;
    if (set_str(c, &s->regions[0].name, "ram"))
        return -1;
    s->entry.el = 2;
    s->log.format = WALKLOG_JSONL;
    s->log.kinds = WALKLOG_ALL;
    s->max_insns = SCN_DEFAULT_MAX_INSNS;
    return 0;
}

/* ------------------------------------------------------------------------
 * Sections
 * ------------------------------------------------------------------------ */

static int parse_cpu(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"preset", "fields", NULL};
    if (jv_object(c, v, "cpu", keys))
        return -1;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(v, "preset");
    if (p) {
        const char *name;
        if (jv_string(c, p, "cpu.preset", &name))
            return -1;
        s->preset = cpu_preset_find(name);
        if (!s->preset) {
            char list[200] = "";
            size_t n, used = 0;
            const cpu_preset *all = cpu_preset_all(&n);
            for (size_t i = 0; i < n && used < sizeof list; i++) {
                int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", all[i].name);
                if (k > 0)
                    used += (size_t)k;
            }
            return jv_fail(c, "cpu.preset", "unknown preset \"%s\" (known: %s)", name, list);
        }
    }
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "fields");
    if (!f)
        return 0;
    if (!cJSON_IsObject(f))
        return jv_fail(c, "cpu.fields", "expected an object of \"REG.Field\": value");
    int st;
    size_t n = (size_t)cJSON_GetArraySize(f);
    s->fields = alloc_array(c, n, sizeof *s->fields, &st);
    if (st)
        return -1;
    for (const cJSON *k = f->child; k; k = k->next) {
        char path[JV_PATH_MAX];
        jv_path_key(path, "cpu.fields", k->string);
        mmu_reg reg;
        uint64_t mask, value;
        char why[200];
        if (cpu_field_lookup(k->string, &reg, &mask, why, sizeof why))
            return jv_fail(c, path, "%s", why);
        if (jv_u64(c, k, path, &value))
            return -1;
        uint64_t max = mask >> field_shift(mask);
        if (value > max)
            return jv_fail(c, path, "value 0x%llx does not fit the field (max 0x%llx)",
                           (unsigned long long)value, (unsigned long long)max);
        scn_cpu_field *sf = &s->fields[s->n_fields++];
        if (set_str(c, &sf->name, k->string))
            return -1;
        sf->value = value;
    }
    return 0;
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

static int parse_memory(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"base", "size", "name", NULL};
    size_t n;
    int st;
    if (jv_array(c, v, "memory", &n))
        return -1;
    for (size_t i = 0; i < s->n_regions; i++)
        free(s->regions[i].name);
    free(s->regions);
    s->n_regions = 0;
    s->regions = alloc_array(c, n, sizeof *s->regions, &st);
    if (st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(v, (int)i);
        char path[JV_PATH_MAX], sub[JV_PATH_MAX];
        jv_path_index(path, "memory", i);
        if (jv_object(c, r, path, keys))
            return -1;
        scn_region *reg = &s->regions[s->n_regions++];
        const cJSON *base = cJSON_GetObjectItemCaseSensitive(r, "base");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(r, "size");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "name");
        if (!base || !size)
            return jv_fail(c, path, "needs \"base\" and \"size\"");
        jv_path_key(sub, path, "base");
        if (jv_u64(c, base, sub, &reg->base))
            return -1;
        if (reg->base & 0xFFF)
            return jv_fail(c, sub, "must be 4 KiB aligned");
        jv_path_key(sub, path, "size");
        if (jv_u64(c, size, sub, &reg->size))
            return -1;
        if (!reg->size || (reg->size & 0xFFF))
            return jv_fail(c, sub, "must be a non-zero multiple of 4 KiB");
        if (reg->base >> PA_SPACE_BITS || reg->size > (UINT64_C(1) << PA_SPACE_BITS) - reg->base)
            return jv_fail(c, path, "region must lie within the 52-bit physical address space");
        if (name) {
            const char *nm;
            jv_path_key(sub, path, "name");
            if (jv_string(c, name, sub, &nm) || set_str(c, &reg->name, nm))
                return -1;
        }
        for (size_t j = 0; j + 1 < s->n_regions; j++)
            if (overlaps(reg->base, reg->size, s->regions[j].base, s->regions[j].size))
                return jv_fail(c, path, "overlaps memory[%zu]", j);
    }
    return 0;
}

static char *join_path(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* The configs/ directory beside the running executable (where the build
 * puts the guests of configs/guests/), or false if unknown. */
static bool exe_configs_dir(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0 || (size_t)n >= len - 1)
        return false;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash || (size_t)(slash - buf) + sizeof "/configs" > len)
        return false;
    memcpy(slash, "/configs", sizeof "/configs");
    return true;
}

/* A relative image path names a file next to the scenario; when there is
 * none there, the built guest of that name under the executable's
 * configs/ directory is used (docs/scenario.md, "images"). */
static int resolve_path(jv_ctx *c, const scenario *s, const char *rel, char **out)
{
    if (rel[0] == '/')
        return set_str(c, out, rel);
    *out = join_path(s->dir, rel);
    if (!*out)
        return out_of_memory(c);
    char dir[4096];
    if (access(*out, F_OK) == 0 || !exe_configs_dir(dir, sizeof dir))
        return 0;
    char *built = join_path(dir, rel);
    if (!built)
        return out_of_memory(c);
    if (access(built, F_OK) == 0) {
        free(*out);
        *out = built;
    } else {
        free(built);
    }
    return 0;
}

static int parse_images(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"file", "format", "load", NULL};
    static const char *const formats[] = {"elf", "raw", NULL};
    size_t n;
    int st;
    if (jv_array(c, v, "images", &n))
        return -1;
    s->images = alloc_array(c, n, sizeof *s->images, &st);
    if (st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *im = cJSON_GetArrayItem(v, (int)i);
        char path[JV_PATH_MAX], sub[JV_PATH_MAX];
        jv_path_index(path, "images", i);
        if (jv_object(c, im, path, keys))
            return -1;
        scn_image *img = &s->images[s->n_images++];
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(im, "file");
        const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(im, "format");
        const cJSON *load = cJSON_GetObjectItemCaseSensitive(im, "load");
        const char *fname;
        if (!file)
            return jv_fail(c, path, "needs \"file\"");
        jv_path_key(sub, path, "file");
        if (jv_string(c, file, sub, &fname))
            return -1;
        if (!*fname)
            return jv_fail(c, sub, "empty file name");
        if (resolve_path(c, s, fname, &img->path))
            return -1;
        int f = SCN_IMAGE_ELF;
        jv_path_key(sub, path, "format");
        if (fmt && jv_enum(c, fmt, sub, formats, &f))
            return -1;
        img->format = (scn_image_format)f;
        jv_path_key(sub, path, "load");
        if (img->format == SCN_IMAGE_RAW) {
            if (!load)
                return jv_fail(c, path, "a raw image needs \"load\" (its physical address)");
            if (jv_u64(c, load, sub, &img->load))
                return -1;
        } else if (load) {
            return jv_fail(c, sub, "ELF images load at their segments' physical addresses; "
                                   "\"load\" is for raw images");
        }
    }
    return 0;
}

static int parse_entry(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"el", "sp_el0", "pc", "sp", "regs", NULL};
    if (jv_object(c, v, "entry", keys))
        return -1;
    const cJSON *x;
    long el;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "el"))) {
        if (jv_int(c, x, "entry.el", 0, 2, &el))
            return -1;
        s->entry.el = (uint8_t)el;
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "sp_el0")) && jv_bool(c, x, "entry.sp_el0", &s->entry.sp_el0))
        return -1;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "pc"))) {
        if (jv_u64(c, x, "entry.pc", &s->entry.pc))
            return -1;
        s->entry.has_pc = true;
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "sp"))) {
        if (jv_u64(c, x, "entry.sp", &s->entry.sp))
            return -1;
        s->entry.has_sp = true;
    }
    const cJSON *regs = cJSON_GetObjectItemCaseSensitive(v, "regs");
    if (!regs)
        return 0;
    if (!cJSON_IsObject(regs))
        return jv_fail(c, "entry.regs", "expected an object of \"x0\"..\"x30\": value");
    for (const cJSON *k = regs->child; k; k = k->next) {
        char path[JV_PATH_MAX];
        jv_path_key(path, "entry.regs", k->string);
        char *end;
        const char *nm = k->string;
        long n = -1;
        if ((nm[0] == 'x' || nm[0] == 'X') && nm[1] >= '0' && nm[1] <= '9')
            n = strtol(nm + 1, &end, 10);
        if (n < 0 || n > 30 || *end)
            return jv_fail(c, path, "unknown register (expected x0..x30)");
        if (s->entry.x_set & (UINT32_C(1) << n))
            return jv_fail(c, path, "register given twice");
        if (jv_u64(c, k, path, &s->entry.x[n]))
            return -1;
        s->entry.x_set |= UINT32_C(1) << n;
    }
    return 0;
}

/* entries / ways must make a power-of-two number of sets (the model
 * indexes sets with address bits, mmu/tlb.h); ways = 0 is fully
 * associative. */
static int check_geometry(jv_ctx *c, const char *path, unsigned entries, unsigned ways)
{
    if (!ways)
        return 0;
    if (!entries)
        return jv_fail(c, path, "needs the matching entries too");
    if (entries % ways)
        return jv_fail(c, path, "%u entries cannot be split into %u ways", entries, ways);
    unsigned sets = entries / ways;
    if (sets & (sets - 1))
        return jv_fail(c, path, "%u entries / %u ways = %u sets, not a power of two", entries, ways, sets);
    return 0;
}

static int parse_tlb(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"mode", "entries", "ways", "policy", "seed", "walk_entries",
                                       "walk_ways", "walk_unified", NULL};
    static const char *const modes[] = {"sized", "none", "unbounded", NULL};
    static const char *const policies[] = {"lru", "fifo", "random", NULL};
    if (jv_object(c, v, "tlb", keys))
        return -1;
    scn_tlb *t = &s->tlb;
    t->set = true;
    const cJSON *x;
    int e;
    long n;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "mode"))) {
        if (jv_enum(c, x, "tlb.mode", modes, &e))
            return -1;
        t->mode = (scn_tlb_mode)e;
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "policy"))) {
        if (jv_enum(c, x, "tlb.policy", policies, &e))
            return -1;
        t->policy = (scn_tlb_policy)e;
    }
    static const struct { const char *key, *path; long min; size_t off; } sizes[] = {
        {"entries", "tlb.entries", 1, offsetof(scn_tlb, entries)},
        {"ways", "tlb.ways", 0, offsetof(scn_tlb, ways)},
        {"walk_entries", "tlb.walk_entries", 0, offsetof(scn_tlb, walk_entries)},
        {"walk_ways", "tlb.walk_ways", 0, offsetof(scn_tlb, walk_ways)},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if ((x = cJSON_GetObjectItemCaseSensitive(v, sizes[i].key))) {
            if (jv_int(c, x, sizes[i].path, sizes[i].min, 1L << 24, &n))
                return -1;
            *(unsigned *)((char *)t + sizes[i].off) = (unsigned)n;
        }
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "seed")) && jv_u64(c, x, "tlb.seed", &t->seed))
        return -1;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "walk_unified")) &&
        jv_bool(c, x, "tlb.walk_unified", &t->walk_unified))
        return -1;
    if (t->mode != SCN_TLB_SIZED && (cJSON_GetObjectItemCaseSensitive(v, "entries") ||
                                     cJSON_GetObjectItemCaseSensitive(v, "ways") ||
                                     cJSON_GetObjectItemCaseSensitive(v, "policy")))
        return jv_fail(c, "tlb", "entries, ways and policy apply only to mode \"sized\"");
    if (t->seed && t->policy != SCN_TLB_RANDOM)
        return jv_fail(c, "tlb.seed", "applies only to policy \"random\"");
    if (t->walk_unified && (t->walk_entries || t->walk_ways))
        return jv_fail(c, "tlb.walk_unified", "a unified walk cache shares the leaf entries: "
                                              "give no walk_entries/walk_ways");
    return check_geometry(c, "tlb.ways", t->entries, t->ways) ||
                   check_geometry(c, "tlb.walk_ways", t->walk_entries, t->walk_ways)
               ? -1
               : 0;
}

static bool is_id_register(mmu_reg r)
{
    return r == MMU_ID_AA64MMFR0_EL1 || r == MMU_ID_AA64MMFR1_EL1 || r == MMU_ID_AA64MMFR2_EL1 ||
           r == MMU_ID_AA64ISAR0_EL1;
}

static int parse_registers(jv_ctx *c, scenario *s, const cJSON *v)
{
    if (!cJSON_IsObject(v))
        return jv_fail(c, "registers", "expected an object of \"REGISTER\": value");
    for (const cJSON *k = v->child; k; k = k->next) {
        char path[JV_PATH_MAX];
        jv_path_key(path, "registers", k->string);
        mmu_reg r = mmu_reg_by_name(k->string);
        if (r == MMU_REG_COUNT)
            return jv_fail(c, path, "unknown translation register (e.g. TCR_EL1, VTCR_EL2, HCR_EL2)");
        if (is_id_register(r))
            return jv_fail(c, path, "ID registers are set through cpu.preset and cpu.fields");
        if (s->reg_set[r])
            return jv_fail(c, path, "register given twice");
        if (jv_u64(c, k, path, &s->reg[r]))
            return -1;
        s->reg_set[r] = true;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Page tables
 * ------------------------------------------------------------------------ */

static const char *const ap_names[] = {"rw", "rw-el0", "ro", "ro-el0", NULL};
static const char *const s2ap_names[] = {"none", "ro", "wo", "rw", NULL};

/* AP / S2AP: a number 0..3 or a name. */
static int parse_perm(jv_ctx *c, const cJSON *v, const char *path, const char *const *names, long *out)
{
    if (cJSON_IsString(v) && !(v->valuestring[0] >= '0' && v->valuestring[0] <= '9')) {
        int e;
        if (jv_enum(c, v, path, names, &e))
            return -1;
        *out = e;
        return 0;
    }
    return jv_int(c, v, path, 0, 3, out);
}

/* A mapping's leaf attribute bits from its named fields (Arm DDI0487 D8.3,
 * "Memory attribute fields in the VMSAv8-64 translation table format
 * descriptors"; masks in mmu/desc.h). */
static int parse_mapping_attrs(jv_ctx *c, const cJSON *m, const char *path, const scn_page_table *pt,
                               scn_mapping *map)
{
    static const char *const s1_only[] = {"attr_index", "ap", "ng", "pxn", "uxn", "ns", NULL};
    static const char *const s2_only[] = {"memattr", "s2ap", NULL};
    const char *const *wrong = pt->fmt.stage == 1 ? s2_only : s1_only;
    for (const char *const *k = wrong; *k; k++) {
        if (cJSON_GetObjectItemCaseSensitive(m, *k)) {
            char sub[JV_PATH_MAX];
            jv_path_key(sub, path, *k);
            return jv_fail(c, sub, "not a stage-%d attribute", pt->fmt.stage);
        }
    }
    char sub[JV_PATH_MAX];
    const cJSON *x;
    bool b;
    uint64_t a = DESC_AF;
    bool ds = pt->fmt.ds;
    /* With DS = 1, descriptor bits [9:8] hold OA[51:50]: shareability comes
     * from TCR_ELx.SHn / VTCR_EL2.SH0 (DDI0487 D8.3.1, R_PRHVR). */
    long sh = ds ? 0 : 3;
    if ((x = cJSON_GetObjectItemCaseSensitive(m, "sh"))) {
        jv_path_key(sub, path, "sh");
        if (ds)
            return jv_fail(c, sub, "not available with ds (descriptor bits [9:8] hold OA[51:50]; "
                                   "shareability comes from TCR/VTCR)");
        if (jv_int(c, x, sub, 0, 3, &sh))
            return -1;
    }
    a |= FIELD_PREP(DESC_SH, (uint64_t)sh);
    if ((x = cJSON_GetObjectItemCaseSensitive(m, "af"))) {
        jv_path_key(sub, path, "af");
        if (jv_bool(c, x, sub, &b))
            return -1;
        if (!b)
            a &= ~DESC_AF;
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(m, "dbm"))) {
        jv_path_key(sub, path, "dbm");
        if (jv_bool(c, x, sub, &b))
            return -1;
        if (b)
            a |= DESC_DBM;
    }
    if (pt->fmt.stage == 1) {
        long idx = 0, ap = 0;
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "attr_index"))) {
            jv_path_key(sub, path, "attr_index");
            if (jv_int(c, x, sub, 0, 7, &idx))
                return -1;
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "ap"))) {
            jv_path_key(sub, path, "ap");
            if (parse_perm(c, x, sub, ap_names, &ap))
                return -1;
        }
        a |= FIELD_PREP(DESC_ATTRINDX, (uint64_t)idx) | FIELD_PREP(DESC_AP, (uint64_t)ap);
        static const struct { const char *key; uint64_t bit; } flags[] = {
            {"ng", DESC_NG}, {"pxn", DESC_PXN}, {"uxn", DESC_UXN}, {"xn", DESC_UXN}, {"ns", DESC_NS},
        };
        for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
            if ((x = cJSON_GetObjectItemCaseSensitive(m, flags[i].key))) {
                jv_path_key(sub, path, flags[i].key);
                if (jv_bool(c, x, sub, &b))
                    return -1;
                if (b)
                    a |= flags[i].bit;
            }
        }
        if (cJSON_GetObjectItemCaseSensitive(m, "xn") && cJSON_GetObjectItemCaseSensitive(m, "uxn")) {
            jv_path_key(sub, path, "xn");
            return jv_fail(c, sub, "xn and uxn are the same bit (54); give one");
        }
    } else {
        long memattr = 0xF, s2ap = 3, xn = 0;
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "memattr"))) {
            jv_path_key(sub, path, "memattr");
            if (jv_int(c, x, sub, 0, 15, &memattr))
                return -1;
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "s2ap"))) {
            jv_path_key(sub, path, "s2ap");
            if (parse_perm(c, x, sub, s2ap_names, &s2ap))
                return -1;
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "xn"))) {
            jv_path_key(sub, path, "xn");
            if (cJSON_IsBool(x))
                xn = cJSON_IsTrue(x) ? 2 : 0; /* XN[1] alone: no execution at any EL */
            else if (jv_int(c, x, sub, 0, 3, &xn))
                return -1;
        }
        a |= FIELD_PREP(DESC_S2_MEMATTR, (uint64_t)memattr) | FIELD_PREP(DESC_S2AP, (uint64_t)s2ap) |
             FIELD_PREP(DESC_S2_XN, (uint64_t)xn);
        if (cJSON_GetObjectItemCaseSensitive(m, "pxn") || cJSON_GetObjectItemCaseSensitive(m, "uxn")) {
            jv_path_key(sub, path, cJSON_GetObjectItemCaseSensitive(m, "pxn") ? "pxn" : "uxn");
            return jv_fail(c, sub, "not a stage-2 attribute (use xn: 0..3)");
        }
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(m, "bits"))) {
        uint64_t extra;
        jv_path_key(sub, path, "bits");
        if (jv_u64(c, x, sub, &extra))
            return -1;
        a |= extra;
    }
    map->attrs = a;
    return 0;
}

static int parse_mappings(jv_ctx *c, const cJSON *v, const char *ptpath, scn_page_table *pt)
{
    static const char *const keys[] = {"ia", "oa", "size", "contiguous", "pages_only", "sh", "af",
                                       "dbm", "attr_index", "ap", "ng", "pxn", "uxn", "xn", "ns",
                                       "memattr", "s2ap", "bits", NULL};
    char path[JV_PATH_MAX];
    size_t n;
    int st;
    jv_path_key(path, ptpath, "mappings");
    if (jv_array(c, v, path, &n))
        return -1;
    pt->mappings = alloc_array(c, n, sizeof *pt->mappings, &st);
    if (st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *m = cJSON_GetArrayItem(v, (int)i);
        char mp[JV_PATH_MAX], sub[JV_PATH_MAX];
        jv_path_index(mp, path, i);
        if (jv_object(c, m, mp, keys))
            return -1;
        scn_mapping *map = &pt->mappings[pt->n_mappings++];
        static const char *const addr_keys[] = {"ia", "oa", "size"};
        uint64_t *dst[] = {&map->ia, &map->oa, &map->size};
        for (int k = 0; k < 3; k++) {
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(m, addr_keys[k]);
            jv_path_key(sub, mp, addr_keys[k]);
            if (!x)
                return jv_fail(c, mp, "needs \"%s\"", addr_keys[k]);
            if (jv_u64(c, x, sub, dst[k]))
                return -1;
        }
        if (!map->size)
            return jv_fail(c, mp, "size must not be zero");
        const cJSON *x;
        bool b;
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "contiguous"))) {
            jv_path_key(sub, mp, "contiguous");
            if (jv_bool(c, x, sub, &b))
                return -1;
            if (b)
                map->flags |= MMU_MAP_CONTIG;
        }
        if ((x = cJSON_GetObjectItemCaseSensitive(m, "pages_only"))) {
            jv_path_key(sub, mp, "pages_only");
            if (jv_bool(c, x, sub, &b))
                return -1;
            if (b)
                map->flags |= MMU_MAP_PAGES_ONLY;
        }
        if (parse_mapping_attrs(c, m, mp, pt, map))
            return -1;
    }
    return 0;
}

static bool region_contains(const scenario *s, uint64_t base, uint64_t size)
{
    for (size_t i = 0; i < s->n_regions; i++)
        if (base >= s->regions[i].base && size <= s->regions[i].size &&
            base - s->regions[i].base <= s->regions[i].size - size)
            return true;
    return false;
}

/* table_memory: {"base", "size"}, or the name of a memory region (all of it). */
static int parse_table_memory(jv_ctx *c, const scenario *s, const cJSON *x, const char *path,
                              scn_page_table *pt)
{
    if (cJSON_IsString(x)) {
        for (size_t i = 0; i < s->n_regions; i++) {
            if (s->regions[i].name && !strcmp(s->regions[i].name, x->valuestring)) {
                pt->mem_base = s->regions[i].base;
                pt->mem_size = s->regions[i].size;
                return 0;
            }
        }
        return jv_fail(c, path, "no memory region named \"%s\"", x->valuestring);
    }
    static const char *const mem_keys[] = {"base", "size", NULL};
    if (!cJSON_IsObject(x))
        return jv_fail(c, path, "expected {\"base\", \"size\"} or the name of a memory region");
    if (jv_object(c, x, path, mem_keys))
        return -1;
    const cJSON *mb = cJSON_GetObjectItemCaseSensitive(x, "base");
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(x, "size");
    if (!mb || !ms)
        return jv_fail(c, path, "needs \"base\" and \"size\"");
    char sub[JV_PATH_MAX];
    jv_path_key(sub, path, "base");
    if (jv_u64(c, mb, sub, &pt->mem_base))
        return -1;
    jv_path_key(sub, path, "size");
    return jv_u64(c, ms, sub, &pt->mem_size);
}

static int parse_page_table(jv_ctx *c, scenario *s, const cJSON *v, const char *path, scn_page_table *pt)
{
    static const char *const keys[] = {"name", "stage", "granule", "ds", "lpa", "ia_bits",
                                       "start_level", "table_memory", "root", "mappings", NULL};
    static const char *const granules[] = {"4K", "16K", "64K", NULL};
    static const mmu_granule granule_of[] = {MMU_GRANULE_4K, MMU_GRANULE_16K, MMU_GRANULE_64K};
    if (jv_object(c, v, path, keys))
        return -1;
    char sub[JV_PATH_MAX];
    const cJSON *x;
    long n;
    int e;
    static const char *const required[] = {"stage", "granule", "ia_bits", "table_memory", "root"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(v, required[i]))
            return jv_fail(c, path, "needs \"%s\"", required[i]);

    if ((x = cJSON_GetObjectItemCaseSensitive(v, "name"))) {
        const char *nm;
        jv_path_key(sub, path, "name");
        if (jv_string(c, x, sub, &nm) || set_str(c, &pt->name, nm))
            return -1;
    }
    jv_path_key(sub, path, "stage");
    if (jv_int(c, cJSON_GetObjectItemCaseSensitive(v, "stage"), sub, 1, 2, &n))
        return -1;
    pt->fmt.stage = (int)n;
    jv_path_key(sub, path, "granule");
    if (jv_enum(c, cJSON_GetObjectItemCaseSensitive(v, "granule"), sub, granules, &e))
        return -1;
    pt->fmt.granule = granule_of[e];
    jv_path_key(sub, path, "ia_bits");
    if (jv_int(c, cJSON_GetObjectItemCaseSensitive(v, "ia_bits"), sub, 16, 52, &n))
        return -1;
    pt->fmt.ia_bits = (uint8_t)n;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "ds"))) {
        jv_path_key(sub, path, "ds");
        if (jv_bool(c, x, sub, &pt->fmt.ds))
            return -1;
        if (pt->fmt.ds && pt->fmt.granule == MMU_GRANULE_64K)
            return jv_fail(c, sub, "DS (LPA2) applies to the 4K and 16K granules only; 64K uses lpa");
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "lpa"))) {
        jv_path_key(sub, path, "lpa");
        if (jv_bool(c, x, sub, &pt->fmt.lpa))
            return -1;
        if (pt->fmt.lpa && pt->fmt.granule != MMU_GRANULE_64K)
            return jv_fail(c, sub, "the LPA descriptor format is 64K only; 4K/16K use ds");
    }
    pt->fmt.start_level = MMU_NO_LEVEL;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "start_level"))) {
        jv_path_key(sub, path, "start_level");
        if (jv_int(c, x, sub, MMU_LEVEL_MIN, MMU_LEVEL_MAX, &n))
            return -1;
        pt->fmt.start_level = (int8_t)n;
    } else if (pt->fmt.stage == 2) {
        return jv_fail(c, path, "a stage-2 table needs \"start_level\" (as VTCR_EL2.SL0/SL2 select)");
    }

    jv_path_key(sub, path, "table_memory");
    x = cJSON_GetObjectItemCaseSensitive(v, "table_memory");
    if (parse_table_memory(c, s, x, sub, pt))
        return -1;
    if (!pt->mem_size || !region_contains(s, pt->mem_base, pt->mem_size))
        return jv_fail(c, sub, "must be a non-empty range inside one memory region");

    jv_path_key(sub, path, "root");
    const char *rname;
    if (jv_string(c, cJSON_GetObjectItemCaseSensitive(v, "root"), sub, &rname))
        return -1;
    pt->root_reg = mmu_reg_by_name(rname);
    bool s1_reg = pt->root_reg == MMU_TTBR0_EL1 || pt->root_reg == MMU_TTBR1_EL1 ||
                  pt->root_reg == MMU_TTBR0_EL2 || pt->root_reg == MMU_TTBR1_EL2;
    if (pt->fmt.stage == 1 && !s1_reg)
        return jv_fail(c, sub, "a stage-1 root goes to TTBR0_EL1, TTBR1_EL1, TTBR0_EL2 or TTBR1_EL2");
    if (pt->fmt.stage == 2 && pt->root_reg != MMU_VTTBR_EL2)
        return jv_fail(c, sub, "a stage-2 root goes to VTTBR_EL2");
    for (size_t i = 0; i < s->n_tables; i++)
        if (&s->tables[i] != pt && s->tables[i].root_reg == pt->root_reg)
            return jv_fail(c, sub, "%s already receives page_tables[%zu]", rname, i);

    if ((x = cJSON_GetObjectItemCaseSensitive(v, "mappings")))
        return parse_mappings(c, x, path, pt);
    return 0;
}

static int parse_page_tables(jv_ctx *c, scenario *s, const cJSON *v)
{
    size_t n;
    int st;
    if (jv_array(c, v, "page_tables", &n))
        return -1;
    s->tables = alloc_array(c, n, sizeof *s->tables, &st);
    if (st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char path[JV_PATH_MAX];
        jv_path_index(path, "page_tables", i);
        scn_page_table *pt = &s->tables[s->n_tables++];
        if (parse_page_table(c, s, cJSON_GetArrayItem(v, (int)i), path, pt))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Log and expectations
 * ------------------------------------------------------------------------ */

static int parse_log(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"file", "format", "walks", "tlbis", "exceptions", "registers", NULL};
    static const char *const formats[] = {"jsonl", "text", NULL};
    static const struct { const char *key; unsigned kind; } kinds[] = {
        {"walks", WALKLOG_WALKS},
        {"tlbis", WALKLOG_TLBIS},
        {"exceptions", WALKLOG_EXCEPTIONS},
        {"registers", WALKLOG_REGISTERS},
    };
    if (jv_object(c, v, "log", keys))
        return -1;
    const cJSON *x;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "file"))) {
        const char *f;
        if (jv_string(c, x, "log.file", &f))
            return -1;
        if (!*f)
            return jv_fail(c, "log.file", "empty file name");
        if (set_str(c, &s->log.file, f))
            return -1;
    }
    int e;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "format"))) {
        if (jv_enum(c, x, "log.format", formats, &e))
            return -1;
        s->log.format = (walklog_format)e;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        bool b;
        char path[JV_PATH_MAX];
        jv_path_key(path, "log", kinds[i].key);
        if ((x = cJSON_GetObjectItemCaseSensitive(v, kinds[i].key))) {
            if (jv_bool(c, x, path, &b))
                return -1;
            s->log.kinds = b ? (s->log.kinds | kinds[i].kind) : (s->log.kinds & ~kinds[i].kind);
        }
    }
    return 0;
}

/* A count: an integer (exact) or {"min": a, "max": b}. */
static int parse_count(jv_ctx *c, const cJSON *v, const char *path, scn_count *out)
{
    out->set = true;
    if (!cJSON_IsObject(v)) {
        if (cJSON_IsNumber(v) || cJSON_IsString(v)) {
            if (jv_u64(c, v, path, &out->min))
                return -1;
            out->max = out->min;
            return 0;
        }
        return jv_fail(c, path, "expected a count (integer) or {\"min\": n, \"max\": n}");
    }
    static const char *const keys[] = {"min", "max", NULL};
    if (jv_object(c, v, path, keys))
        return -1;
    char sub[JV_PATH_MAX];
    const cJSON *x;
    out->min = 0;
    out->max = UINT64_MAX;
    jv_path_key(sub, path, "min");
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "min")) && jv_u64(c, x, sub, &out->min))
        return -1;
    jv_path_key(sub, path, "max");
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "max")) && jv_u64(c, x, sub, &out->max))
        return -1;
    if (out->min > out->max)
        return jv_fail(c, path, "min is above max");
    return 0;
}

static int parse_expect(jv_ctx *c, scenario *s, const cJSON *v)
{
    static const char *const keys[] = {"uart", "uart_contains", "exit_code", "instructions", "walks",
                                       "faults", "tlbis", "exceptions", NULL};
    if (jv_object(c, v, "expect", keys))
        return -1;
    scn_expect *e = &s->expect;
    const cJSON *x;
    const char *str;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "uart")))
        if (jv_string(c, x, "expect.uart", &str) || set_str(c, &e->uart, str))
            return -1;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "uart_contains")))
        if (jv_string(c, x, "expect.uart_contains", &str) || set_str(c, &e->uart_contains, str))
            return -1;
    if ((x = cJSON_GetObjectItemCaseSensitive(v, "exit_code"))) {
        long code;
        if (jv_int(c, x, "expect.exit_code", 0, 255, &code))
            return -1;
        e->has_exit_code = true;
        e->exit_code = (int)code;
    }
    static const struct { const char *key; size_t off; } counts[] = {
        {"instructions", offsetof(scn_expect, instructions)},
        {"walks", offsetof(scn_expect, walks)},
        {"faults", offsetof(scn_expect, faults)},
        {"tlbis", offsetof(scn_expect, tlbis)},
        {"exceptions", offsetof(scn_expect, exceptions)},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char path[JV_PATH_MAX];
        jv_path_key(path, "expect", counts[i].key);
        if ((x = cJSON_GetObjectItemCaseSensitive(v, counts[i].key)) &&
            parse_count(c, x, path, (scn_count *)((char *)e + counts[i].off)))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The whole file
 * ------------------------------------------------------------------------ */

static int set_location(jv_ctx *c, scenario *s, const char *path)
{
    if (set_str(c, &s->path, path))
        return -1;
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    s->dir = malloc(n + 2);
    if (!s->dir)
        return out_of_memory(c);
    if (slash == path)
        n = 1; /* "/x.json": the root directory */
    if (slash)
        memcpy(s->dir, path, n);
    else
        s->dir[n++] = '.';
    s->dir[n] = '\0';
    return 0;
}

/* Line and column (1-based) of byte `at` in text. */
static void position(const char *text, size_t at, unsigned *line, unsigned *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n')
            (*line)++, *col = 1;
        else
            (*col)++;
    }
}

int scenario_parse(scenario *s, const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    jv_ctx ctx = {path, err, errlen}, *c = &ctx;
    if (set_defaults(c, s) || set_location(c, s, path))
        return -1;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        unsigned line, col;
        position(text, at, &line, &col);
        snprintf(err, errlen, "%s:%u:%u: malformed JSON", path, line, col);
        return -1;
    }
    /* cJSON stops after the first value: anything else but whitespace is an error. */
    size_t at = (size_t)(end - text);
    while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
        at++;
    int rc = 0;
    if (at < len && text[at]) {
        unsigned line, col;
        position(text, at, &line, &col);
        snprintf(err, errlen, "%s:%u:%u: unexpected text after the scenario object", path, line, col);
        rc = -1;
    }
    static const char *const keys[] = {"name", "description", "cpu", "memory", "images", "entry", "tlb",
                                       "registers", "page_tables", "log", "expect", "max_insns", NULL};
    if (!rc)
        rc = jv_object(c, root, "", keys);
    const cJSON *x;
    const char *str;
    if (!rc && (x = cJSON_GetObjectItemCaseSensitive(root, "name")))
        rc = jv_string(c, x, "name", &str) || set_str(c, &s->name, str) ? -1 : 0;
    if (!rc && (x = cJSON_GetObjectItemCaseSensitive(root, "description")))
        rc = jv_string(c, x, "description", &str) || set_str(c, &s->description, str) ? -1 : 0;
    /* memory before page_tables: table memory must lie in a region. */
    static const struct { const char *key; int (*parse)(jv_ctx *, scenario *, const cJSON *); } sections[] = {
        {"cpu", parse_cpu},         {"memory", parse_memory}, {"images", parse_images},
        {"entry", parse_entry},     {"tlb", parse_tlb},       {"registers", parse_registers},
        {"page_tables", parse_page_tables}, {"log", parse_log}, {"expect", parse_expect},
    };
    for (size_t i = 0; !rc && i < sizeof sections / sizeof sections[0]; i++)
        if ((x = cJSON_GetObjectItemCaseSensitive(root, sections[i].key)))
            rc = sections[i].parse(c, s, x);
    if (!rc && (x = cJSON_GetObjectItemCaseSensitive(root, "max_insns"))) {
        rc = jv_u64(c, x, "max_insns", &s->max_insns);
        if (!rc && !s->max_insns)
            rc = jv_fail(c, "max_insns", "must be at least 1");
    }
    cJSON_Delete(root);
    return rc;
}

int scenario_load(scenario *s, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(SCN_MAX_FILE + 1);
    if (!text) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t len = fread(text, 1, SCN_MAX_FILE + 1, f);
    bool read_error = ferror(f);
    fclose(f);
    int rc;
    if (read_error) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    } else if (len > SCN_MAX_FILE) {
        snprintf(err, errlen, "%s: larger than %u MiB; not a scenario", path, SCN_MAX_FILE >> 20);
        rc = -1;
    } else {
        text[len] = '\0';
        rc = scenario_parse(s, text, len, path, err, errlen);
    }
    free(text);
    return rc;
}

int scenario_for_elf(scenario *s, const char *elf_path, char *err, size_t errlen)
{
    jv_ctx ctx = {elf_path, err, errlen};
    if (set_defaults(&ctx, s) || set_location(&ctx, s, elf_path))
        return -1;
    s->images = calloc(1, sizeof *s->images);
    if (!s->images)
        return out_of_memory(&ctx);
    s->n_images = 1;
    s->images[0].format = SCN_IMAGE_ELF;
    return set_str(&ctx, &s->images[0].path, elf_path);
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->description);
    for (size_t i = 0; i < s->n_fields; i++)
        free(s->fields[i].name);
    free(s->fields);
    for (size_t i = 0; i < s->n_regions; i++)
        free(s->regions[i].name);
    free(s->regions);
    for (size_t i = 0; i < s->n_images; i++)
        free(s->images[i].path);
    free(s->images);
    for (size_t i = 0; i < s->n_tables; i++) {
        free(s->tables[i].name);
        free(s->tables[i].mappings);
    }
    free(s->tables);
    free(s->log.file);
    free(s->expect.uart);
    free(s->expect.uart_contains);
    memset(s, 0, sizeof *s);
}
