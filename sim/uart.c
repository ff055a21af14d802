/* PL011 data and flag registers: see uart.h. */
#include "uart.h"

#include <inttypes.h>
#include <stdio.h>

#include "bits.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_RXFE BIT64(4) /* receive FIFO empty */
#define UARTFR_TXFE BIT64(7) /* transmit FIFO empty */

static uint64_t uart_read(uc_engine *uc, uint64_t offset, unsigned size, void *ctx)
{
    (void)uc;
    (void)size;
    (void)ctx;
    return offset == UARTFR ? UARTFR_TXFE | UARTFR_RXFE : 0;
}

static void uart_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ctx)
{
    (void)uc;
    (void)size;
    uart *u = ctx;
    if (offset == UARTDR) {
        char c = (char)(value & 0xFF); /* DATA[7:0]; the rest is error flags */
        u->sink(u->sink_ctx, &c, 1);
    }
}

int uart_attach(uart *u, physmem *pm, uint64_t base, uart_sink sink, void *sink_ctx, char *err,
                size_t errlen)
{
    u->sink = sink;
    u->sink_ctx = sink_ctx;
    if (physmem_add_device(pm, "uart", base, UART_SIZE, err, errlen))
        return -1;
    uc_err e = uc_mmio_map(pm->uc, base, UART_SIZE, uart_read, u, uart_write, u);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "uart at 0x%" PRIx64 ": Unicorn refused the MMIO region: %s", base,
                 uc_strerror(e));
        return -1;
    }
    return 0;
}
