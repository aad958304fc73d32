/*
 * Stopping hv.  Two different things (docs/ARCHITECTURE.md, "Failure"):
 *  - panic(): a broken hv invariant.  Prints file, line, the reason and a
 *    register dump, then halts (or exits QEMU with exit_on_panic).
 *  - hv_exit(): a clean stop with a status, after a clear log line: the
 *    guest finished, a bad module or option, a guest stopped for misbehaving.
 * Under QEMU both leave through the isa-debug-exit port, so QEMU's exit
 * status is (code << 1) | 1.
 */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

#include "lib/trapframe.h"

enum hv_exit_code {
	HV_EXIT_OK = 0,		/* QEMU status 1 */
	HV_EXIT_BAD_INPUT = 2,	/* QEMU status 5: bad module or option */
	HV_EXIT_GUEST_STOPPED = 3, /* QEMU status 7: guest stopped by hv */
	HV_EXIT_PANIC = 0x7f,	/* QEMU status 255 */
};

extern int exit_on_panic;

/*
 * What hv_exit() and panic() reach in the layers above the base library,
 * which includes and calls nothing above it: boot/main.c registers these
 * at boot.  Each may be 0.
 */
struct exit_hooks {
	void (*flush)(void);		/* output a device model holds back */
	void (*check)(void);		/* hv's integrity check, before any exit */
	void (*panic_dump)(void);	/* on a panic: the guest's state, the debugger */
};
extern struct exit_hooks exit_hooks;

__attribute__((noreturn)) void hv_exit(enum hv_exit_code code);

__attribute__((noreturn, format(printf, 4, 5)))
void panic_at(const char *file, int line, const struct trapframe *tf,
	      const char *fmt, ...);

#define panic(...) panic_at(__FILE__, __LINE__, 0, __VA_ARGS__)
#define panic_tf(tf, ...) panic_at(__FILE__, __LINE__, (tf), __VA_ARGS__)
#define assert(c) \
	do { if (!(c)) panic("assertion failed: %s", #c); } while (0)

void dump_trapframe(const struct trapframe *tf);

#endif
