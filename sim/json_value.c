/* Typed reading of cJSON values, with the key path in every error. */
#include "json_value.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int jv_fail(jv_ctx *c, const char *path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (path && *path)
        snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
    return -1;
}

void jv_path_key(char *buf, const char *parent, const char *key)
{
    if (parent && *parent)
        snprintf(buf, JV_PATH_MAX, "%s.%s", parent, key);
    else
        snprintf(buf, JV_PATH_MAX, "%s", key);
}

void jv_path_index(char *buf, const char *parent, size_t i)
{
    snprintf(buf, JV_PATH_MAX, "%s[%zu]", parent ? parent : "", i);
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "an invalid value";
}

int jv_object(jv_ctx *c, const cJSON *v, const char *path, const char *const *allowed)
{
    if (!cJSON_IsObject(v))
        return jv_fail(c, path, "expected an object, found %s", type_name(v));
    for (const cJSON *k = v->child; k; k = k->next) {
        char sub[JV_PATH_MAX];
        jv_path_key(sub, path, k->string ? k->string : "");
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++)
            known = k->string && !strcmp(*a, k->string);
        if (!known) {
            char list[200] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a && used < sizeof list; a++) {
                int n = snprintf(list + used, sizeof list - used, "%s%s", a == allowed ? "" : ", ", *a);
                if (n > 0)
                    used += (size_t)n;
            }
            return jv_fail(c, sub, "unknown key (expected one of: %s)", list);
        }
        for (const cJSON *d = v->child; d != k; d = d->next)
            if (d->string && !strcmp(d->string, k->string))
                return jv_fail(c, sub, "key given twice");
    }
    return 0;
}

int jv_array(jv_ctx *c, const cJSON *v, const char *path, size_t *n)
{
    if (!cJSON_IsArray(v))
        return jv_fail(c, path, "expected an array, found %s", type_name(v));
    *n = (size_t)cJSON_GetArraySize(v);
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

bool jv_parse_u64_text(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    bool any = false;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (s += 2; *s; s++) {
            if (*s == '_' && any)
                continue;
            int d = hexval(*s);
            if (d < 0 || (v >> 60))
                return false;
            v = v << 4 | (uint64_t)d;
            any = true;
        }
        *out = v;
        return any;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
        any = true;
    }
    if (!any)
        return false;
    unsigned shift = 0;
    switch (*s) {
    case '\0': break;
    case 'K': shift = 10; s++; break;
    case 'M': shift = 20; s++; break;
    case 'G': shift = 30; s++; break;
    case 'T': shift = 40; s++; break;
    default: return false;
    }
    if (*s || (shift && (v >> (64 - shift))))
        return false;
    *out = v << shift;
    return true;
}

int jv_u64(jv_ctx *c, const cJSON *v, const char *path, uint64_t *out)
{
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* Doubles hold integers exactly only below 2^53. The range comes
         * first: converting a double beyond uint64_t (1e25, inf) is
         * undefined behaviour. */
        if (!(d >= 0 && d < 9007199254740992.0) || d != (double)(uint64_t)d)
            return jv_fail(c, path,
                           "expected a non-negative integer below 2^53 (use a hex string such as "
                           "\"0x1000\" for larger values)");
        *out = (uint64_t)d;
        return 0;
    }
    if (cJSON_IsString(v)) {
        if (!jv_parse_u64_text(v->valuestring, out))
            return jv_fail(c, path,
                           "bad number \"%s\" (expected hex \"0x...\", decimal, or decimal with "
                           "K/M/G/T, fitting 64 bits)",
                           v->valuestring);
        return 0;
    }
    return jv_fail(c, path, "expected a number or hex string, found %s", type_name(v));
}

int jv_int(jv_ctx *c, const cJSON *v, const char *path, long min, long max, long *out)
{
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* As in jv_u64, the range comes before the conversion; (double)max
         * may round up to 2^63, so long's own range is checked as well. */
        if (!(d >= (double)min && d <= (double)max && d >= -0x1p63 && d < 0x1p63) ||
            d != (double)(long)d)
            return jv_fail(c, path, "expected an integer in [%ld, %ld]", min, max);
        *out = (long)d;
        return 0;
    }
    if (cJSON_IsString(v)) {
        uint64_t u;
        if (!jv_parse_u64_text(v->valuestring, &u) || u > (uint64_t)max || (long)u < min)
            return jv_fail(c, path, "expected an integer in [%ld, %ld], found \"%s\"", min, max,
                           v->valuestring);
        *out = (long)u;
        return 0;
    }
    return jv_fail(c, path, "expected an integer in [%ld, %ld], found %s", min, max, type_name(v));
}

int jv_bool(jv_ctx *c, const cJSON *v, const char *path, bool *out)
{
    if (!cJSON_IsBool(v))
        return jv_fail(c, path, "expected true or false, found %s", type_name(v));
    *out = cJSON_IsTrue(v);
    return 0;
}

int jv_string(jv_ctx *c, const cJSON *v, const char *path, const char **out)
{
    if (!cJSON_IsString(v))
        return jv_fail(c, path, "expected a string, found %s", type_name(v));
    *out = v->valuestring;
    return 0;
}

int jv_enum(jv_ctx *c, const cJSON *v, const char *path, const char *const *names, int *out)
{
    const char *s = NULL;
    if (jv_string(c, v, path, &s))
        return -1;
    for (int i = 0; names[i]; i++) {
        if (!strcmp(names[i], s)) {
            *out = i;
            return 0;
        }
    }
    char list[200] = "";
    size_t used = 0;
    for (int i = 0; names[i] && used < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s\"%s\"", i ? ", " : "", names[i]);
        if (n > 0)
            used += (size_t)n;
    }
    return jv_fail(c, path, "unknown value \"%s\" (expected one of %s)", s, list);
}
