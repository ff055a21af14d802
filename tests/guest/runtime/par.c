#include "guest.h"

#define PAR_F BIT64(0)
#define PAR_OK_DEFINED (GENMASK64(63, 56) | GENMASK64(51, 12) | BIT64(11) | GENMASK64(8, 7) | PAR_F)
#define PAR_FAULT_DEFINED (BIT64(11) | BIT64(9) | BIT64(8) | GENMASK64(6, 1) | PAR_F)

void say_par(const char *label, uint64_t par)
{
    say(label, par & ((par & PAR_F) ? PAR_FAULT_DEFINED : PAR_OK_DEFINED));
}
