/* Address fields of descriptors and translation table base registers. */
#include "geometry.h"
#include "desc.h"
#include "sysreg.h"

uint64_t desc_encode_address(uint64_t oa, bool ds, bool lpa_desc)
{
    if (ds)
        return (oa & GENMASK64(49, 12)) | FIELD_PREP(DESC_OA_LPA2_HI, oa >> 50);
    uint64_t d = oa & GENMASK64(47, 12);
    if (lpa_desc)
        d |= FIELD_PREP(DESC_OA_LPA_HI, oa >> 48);
    return d;
}

uint64_t ttbr_table_address(uint64_t ttbr, bool baddr52, uint64_t table_bytes)
{
    uint64_t align = table_bytes;
    uint64_t base;
    if (baddr52) {
        base = (ttbr & GENMASK64(47, 6)) | (FIELD_GET(TTBR_BADDR_52_HI, ttbr) << 48);
        if (align < 64)
            align = 64;
    } else {
        base = ttbr & TTBR_BADDR;
    }
    return base & ~(align - 1);
}
