/* The smallest program: UART output and a semihosting exit at EL2. */
#include "guest.h"

int main(void);
int main(void)
{
    line("hello from the guest");
    say("EL", current_el());
    return 0;
}
