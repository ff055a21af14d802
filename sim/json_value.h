/* Typed reading of cJSON values with errors that name the file and the key
 * path ("configs/x.json: memory[1].size: expected a number or hex string").
 * Used by the scenario parser; every reader returns 0, or -1 after writing
 * the message into the context's buffer. */
#ifndef MMUSIM_JSON_VALUE_H
#define MMUSIM_JSON_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define JV_PATH_MAX 160

typedef struct jv_ctx {
    const char *file;     /* names the input in messages */
    char *err;
    size_t errlen;
} jv_ctx;

/* Writes "file: path: message" (path may be empty) and returns -1. */
int jv_fail(jv_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "parent.key" (or "key" at the top) and "parent[i]". */
void jv_path_key(char *buf, const char *parent, const char *key);
void jv_path_index(char *buf, const char *parent, size_t i);

/* `v` must be an object whose keys all appear in the NULL-terminated
 * `allowed` list, each at most once. */
int jv_object(jv_ctx *c, const cJSON *v, const char *path, const char *const *allowed);
/* `v` must be an array; *n receives its length. */
int jv_array(jv_ctx *c, const cJSON *v, const char *path, size_t *n);

/* A 64-bit unsigned value: a JSON integer below 2^53, or a string holding
 * hex ("0x4000_0000", underscores allowed), decimal, or a decimal with a
 * K/M/G/T suffix (powers of 1024: "64K", "2M"). */
int jv_u64(jv_ctx *c, const cJSON *v, const char *path, uint64_t *out);
/* An integer in [min, max] (JSON number, or a string as for jv_u64). */
int jv_int(jv_ctx *c, const cJSON *v, const char *path, long min, long max, long *out);
int jv_bool(jv_ctx *c, const cJSON *v, const char *path, bool *out);
int jv_string(jv_ctx *c, const cJSON *v, const char *path, const char **out);
/* A string that must be one of the NULL-terminated `names`; *out gets its
 * index. */
int jv_enum(jv_ctx *c, const cJSON *v, const char *path, const char *const *names, int *out);

/* Parses the text forms jv_u64 accepts. False when malformed or too big. */
bool jv_parse_u64_text(const char *s, uint64_t *out);

#endif
