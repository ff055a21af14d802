/* Semihosting: see semihost.h. */
#include "semihost.h"

#include <inttypes.h>
#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_ISTTY = 0x09,
    SYS_ERRNO = 0x13,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
};

/* SYS_EXIT reason for a normal application exit (semihosting 5.17). */
#define ADP_STOPPED_APPLICATION_EXIT UINT64_C(0x20026)

/* Handles SYS_OPEN(":tt") returns: by mode 0-3 (read), 4-7 (write),
 * 8-11 (append), as the specification's ":tt" convention says. */
enum { HANDLE_STDIN = 1, HANDLE_STDOUT = 2, HANDLE_STDERR = 3 };

#define SEMIHOST_MAX_STRING 4096

static uint64_t get_x(machine *m, int n)
{
    uint64_t v = 0;
    uc_reg_read(m->uc, UC_ARM64_REG_X0 + n, &v);
    return v;
}

static void set_x0(machine *m, uint64_t v)
{
    uc_reg_write(m->uc, UC_ARM64_REG_X0, &v);
}

/* Reads n 64-bit words of the parameter block at va. */
static bool read_block(machine *m, uint64_t va, uint64_t *words, size_t n, uint64_t pc)
{
    if (machine_read_va(m, va, words, n * sizeof *words, MMU_ACC_READ))
        return true;
    machine_halt(m, MACHINE_FAILED, 0,
                 "semihosting call at 0x%016" PRIx64 ": parameter block 0x%016" PRIx64
                 " is not readable",
                 pc, va);
    return false;
}

static void write_handle(machine *m, uint64_t handle, const char *bytes, size_t len)
{
    if (handle == HANDLE_STDERR) {
        fwrite(bytes, 1, len, m->guest_err);
        fflush(m->guest_err);
    } else {
        machine_guest_output(m, bytes, len);
    }
}

/* SYS_WRITE0: the string at va, up to its NUL. */
static void write0(machine *m, uint64_t va)
{
    char buf[256];
    for (size_t done = 0; done < SEMIHOST_MAX_STRING;) {
        size_t n = 0;
        while (n < sizeof buf && machine_read_va(m, va + done + n, &buf[n], 1, MMU_ACC_READ) &&
               buf[n])
            n++;
        machine_guest_output(m, buf, n);
        done += n;
        if (n < sizeof buf)
            return;
    }
}

static void sys_write(machine *m, uint64_t pc, uint64_t block)
{
    uint64_t w[3]; /* handle, buffer, length */
    if (!read_block(m, block, w, 3, pc))
        return;
    if (w[0] != HANDLE_STDOUT && w[0] != HANDLE_STDERR) {
        set_x0(m, w[2]); /* nothing written */
        return;
    }
    uint64_t left = w[2];
    char buf[256];
    for (uint64_t va = w[1]; left;) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (!machine_read_va(m, va, buf, n, MMU_ACC_READ))
            break;
        write_handle(m, w[0], buf, n);
        va += n;
        left -= n;
    }
    set_x0(m, left); /* bytes not written */
}

static void sys_open(machine *m, uint64_t pc, uint64_t block)
{
    uint64_t w[3]; /* name, mode, name length */
    char name[4] = {0};
    if (!read_block(m, block, w, 3, pc))
        return;
    if (w[2] != 3 || !machine_read_va(m, w[0], name, 3, MMU_ACC_READ) ||
        strcmp(name, ":tt")) {
        set_x0(m, UINT64_MAX); /* -1: only the console is available */
        return;
    }
    set_x0(m, w[1] < 4 ? HANDLE_STDIN : w[1] < 8 ? HANDLE_STDOUT : HANDLE_STDERR);
}

static void sys_exit(machine *m, uint64_t pc, uint64_t block)
{
    /* AArch64 passes a block {reason, subcode}; the exit status is the
     * subcode for ADP_Stopped_ApplicationExit, 1 for any other reason. */
    uint64_t w[2];
    if (!read_block(m, block, w, 2, pc))
        return;
    int code = w[0] == ADP_STOPPED_APPLICATION_EXIT ? (int)(uint32_t)w[1] : 1;
    machine_halt(m, MACHINE_EXITED, code, "guest exited with status %d", code);
}

void semihost_call(machine *m, uint64_t pc)
{
    uint32_t op = (uint32_t)get_x(m, 0);
    uint64_t arg = get_x(m, 1);
    switch (op) {
    case SYS_OPEN:
        sys_open(m, pc, arg);
        break;
    case SYS_CLOSE:
    case SYS_ERRNO:
        set_x0(m, 0);
        break;
    case SYS_ISTTY:
        set_x0(m, 1);
        break;
    case SYS_WRITEC: {
        char c;
        if (machine_read_va(m, arg, &c, 1, MMU_ACC_READ))
            machine_guest_output(m, &c, 1);
        break;
    }
    case SYS_WRITE0:
        write0(m, arg);
        break;
    case SYS_WRITE:
        sys_write(m, pc, arg);
        break;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED:
        sys_exit(m, pc, arg);
        break;
    default:
        machine_halt(m, MACHINE_FAILED, 0,
                     "unsupported semihosting operation 0x%02x at 0x%016" PRIx64, op, pc);
        break;
    }
}
