/* A PL011 UART as QEMU's virt board has it at 0x0900_0000: bytes written to
 * the data register (UARTDR, offset 0) go to the guest's output; the flag
 * register (UARTFR, offset 0x18) always says "transmit FIFO empty, receive
 * FIFO empty" so polling guests never wait. Other registers read as zero
 * and ignore writes (PrimeCell PL011 TRM, DDI0183, section 3.2). */
#ifndef MMUSIM_UART_H
#define MMUSIM_UART_H

#include <stddef.h>
#include <stdint.h>

#include "physmem.h"

#define UART_BASE UINT64_C(0x09000000)
#define UART_SIZE UINT64_C(0x1000)

/* Where the UART's bytes go. */
typedef void (*uart_sink)(void *ctx, const char *bytes, size_t len);

typedef struct uart {
    uart_sink sink;
    void *sink_ctx;
} uart;

/* Maps the UART at `base` as Unicorn MMIO and registers it in pm. 0 on
 * success; -1 with a message. `u` must outlive the Unicorn instance. */
int uart_attach(uart *u, physmem *pm, uint64_t base, uart_sink sink, void *sink_ctx, char *err,
                size_t errlen);

#endif
