/*
 * Running the guest (see guest.c).
 */
#ifndef MON_GUEST_H
#define MON_GUEST_H

#include <stdint.h>

#include "monitor/trap.h"

/* Multiboot leaves ESP undefined; hv starts guests with this one. */
#define GUEST_INITIAL_ESP 0x7000

/* Enters the guest at entry with eax/ebx/esi set; never returns. */
void guest_start(uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esi)
	__attribute__((noreturn));
/* A trap from guest code (trap_dispatch sends every trap from ring 1/3). */
void guest_trap(struct trapframe *tf);
/* A hardware interrupt at hv's vector vec, while hv itself was running. */
void host_interrupt(unsigned vec);
void guest_print_stats(void);
/* How dt/ must translate guest code now (DT_MODE_*, dt/dt.h). */
int guest_dt_mode(void);

/* What a resume hook tells the virtual CPU (bits). */
#define GUEST_R_RESTART	1	/* the guest stopped: addr is stale, start at eip */
#define GUEST_R_SINGLE	2	/* run the instruction at eip alone */
#define GUEST_R_NOIRQ	4	/* and deliver no interrupt before it */

/*
 * What the layers above the virtual CPU (the debugger and the diagnosis,
 * monitor/debug/) hook into it; dbg_init and diag_init register them.
 * Each may be 0.
 */
struct guest_hooks {
	/*
	 * At every resumption, at a clean guest-instruction boundary: the
	 * guest goes on at *eip (cache address addr if not 0); the debugger
	 * may stop it there and change *eip.  Returns GUEST_R_* bits.
	 */
	int (*resume)(struct trapframe *tf, uint32_t *eip, uint32_t addr);
	/* A breakpoint exit (DTX_DEBUG) at guest EIP eip. */
	void (*breakpoint)(uint32_t eip);
	/* Is there a breakpoint at linear lin?  (The translator asks.) */
	int (*breakpoint_at)(uint32_t lin);
	/*
	 * A branch or an indirect-branch miss reaches guest EIP eip; nonzero:
	 * do not chain it, so that every arrival comes here (the guest's
	 * panic()).
	 */
	int (*dispatched)(struct trapframe *tf, uint32_t eip);
	/* hv stops the guest (why): the diagnosis, then the post-mortem. */
	void (*stopped)(struct trapframe *tf, const char *why);
};
extern struct guest_hooks guest_hooks;

/*
 * The watchdog's view of the guest (monitor/debug/watchdog.c): the virtual
 * CPU sets progress (an interrupt delivered, user code entered); the
 * watchdog clears it when it looks, and sets fired when seconds went by
 * without progress, which stops the guest at its next trap.
 */
struct guest_watch {
	volatile int progress, fired;
	uint32_t seconds;
};
extern struct guest_watch guest_watch;


#endif
