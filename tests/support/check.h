/* A tiny test framework: CHECK macros that count and report failures with
 * file and line, and TEST_MAIN that runs the listed test functions and ends
 * with "N passed, N failed". */
#ifndef MMUSIM_CHECK_H
#define MMUSIM_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int check_failures;
extern int check_count;
extern const char *check_context;

#define CHECK_FAIL_HDR() \
    fprintf(stderr, "%s:%d: FAIL%s%s: ", __FILE__, __LINE__, check_context ? " in " : "", \
            check_context ? check_context : "")

#define CHECK(cond)                                                  \
    do {                                                             \
        check_count++;                                               \
        if (!(cond)) {                                               \
            check_failures++;                                        \
            CHECK_FAIL_HDR();                                        \
            fprintf(stderr, "%s\n", #cond);                          \
        }                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                    \
        check_count++;                                                                  \
        if (check_a_ != check_b_) {                                                     \
            check_failures++;                                                           \
            CHECK_FAIL_HDR();                                                           \
            fprintf(stderr, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64 "\n", #a, #b,       \
                    check_a_, check_b_);                                                \
        }                                                                               \
    } while (0)

#define CHECK_STR(a, b)                                                                 \
    do {                                                                                \
        const char *check_a_ = (a), *check_b_ = (b);                                    \
        check_count++;                                                                  \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                \
            check_failures++;                                                           \
            CHECK_FAIL_HDR();                                                           \
            fprintf(stderr, "%s == %s: \"%s\" != \"%s\"\n", #a, #b,                     \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");    \
        }                                                                               \
    } while (0)

typedef struct check_test {
    const char *name;
    void (*fn)(void);
} check_test;

#define TEST(fn) {#fn, fn}

#define TEST_MAIN(...)                                                               \
    int check_failures, check_count;                                                 \
    const char *check_context;                                                       \
    int main(void)                                                                   \
    {                                                                                \
        static const check_test tests[] = {__VA_ARGS__};                            \
        int passed = 0, failed = 0;                                                  \
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {                \
            int before = check_failures;                                             \
            check_context = NULL;                                                    \
            tests[i].fn();                                                           \
            if (check_failures == before) {                                          \
                passed++;                                                            \
            } else {                                                                 \
                failed++;                                                            \
                fprintf(stderr, "test %s failed\n", tests[i].name);                  \
            }                                                                        \
        }                                                                            \
        printf("%d checks; %d passed, %d failed\n", check_count, passed, failed);    \
        return failed ? 1 : 0;                                                       \
    }

#endif
