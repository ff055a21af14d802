/* Output through the PL011 data register (QEMU virt: 0x0900_0000). The
 * UART needs no set-up to transmit under QEMU or mmusim. */
#include "guest.h"

void put_char(char c)
{
    *(volatile uint32_t *)UART_BASE = (uint32_t)(unsigned char)c;
}

void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

void put_hex(uint64_t v)
{
    int shift = 60;
    put_str("0x");
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(v >> shift) & 0xf]);
}

void say(const char *label, uint64_t v)
{
    put_str(label);
    put_char(' ');
    put_hex(v);
    put_char('\n');
}

void line(const char *s)
{
    put_str(s);
    put_char('\n');
}
