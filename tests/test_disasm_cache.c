/* The disassembly cache gives exactly Capstone's text, keyed by PC and
 * encoding: a changed instruction at a PC, or the same PC-relative
 * instruction at another PC, is decoded again; lines that collide evict
 * each other; an undecodable word gives NULL. */
#include "check.h"
#include "disasm_cache.h"

static void test_text_and_keys(void)
{
    csh cs;
    disasm_cache c;
    CHECK(cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK);
    CHECK_EQ(disasm_cache_init(&c), 0);
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000000, 0xf9400c01), "ldr x1, [x0, #0x18]");
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000000, 0xf9400c01), "ldr x1, [x0, #0x18]");
    /* Another instruction at the same PC (self-modifying code). */
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000000, 0xd503201f), "nop");
    /* b . prints its target: the PC is part of the key. */
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000100, 0x14000000), "b #0x40000100");
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000200, 0x14000000), "b #0x40000200");
    /* Two PCs on the same line (DISASM_CACHE_LINES words apart). */
    uint64_t other = 0x40000100 + 4 * DISASM_CACHE_LINES;
    CHECK_STR(disasm_cache_text(&c, cs, other, 0x14000000), "b #0x40000500");
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000100, 0x14000000), "b #0x40000100");
    /* An encoding Capstone cannot decode; asked twice, from the cache the second time. */
    CHECK(disasm_cache_text(&c, cs, 0x40000300, 0xffffffff) == NULL);
    CHECK(disasm_cache_text(&c, cs, 0x40000300, 0xffffffff) == NULL);
    CHECK_STR(disasm_cache_text(&c, cs, 0x40000300, 0xd503201f), "nop");
    disasm_cache_free(&c);
    cs_close(&cs);
}

TEST_MAIN(TEST(test_text_and_keys))
