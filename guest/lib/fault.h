/*
 * Expected exceptions: record vector, error code, CR2, EIP, CS, EFLAGS of
 * a fault a test provokes on purpose, and decide where execution goes on.
 * An exception nobody expects fails the open case ("unexpected #GP ...")
 * and ends the guest.
 *
 * Two ways to expect a fault:
 *
 *   TRY(statements): runs the statements; if one faults, unwinds out of
 *   the exception handler back here (like longjmp).  Evaluates to the
 *   vector, or -1 when nothing faulted.  Locals changed inside and read
 *   after a fault must be volatile.  FAULT_HERE in an asm string records
 *   the address of the instruction after it in g_fault_label:
 *
 *	int v = TRY(__asm__ volatile(FAULT_HERE "movw %0, %%ds" : : "r"(sel)));
 *	t_fault("load ds", v, EXC_GP, sel & ~3, g_fault_label);
 *
 *   fault_expect_resume(label): the next exception is recorded and the
 *   handler returns to `label` (assembly snippets: "expect a #GP at Y,
 *   then resume at Z"), or, when label is NULL, to the EIP the CPU pushed
 *   (traps such as #BP and #OF, or a fault whose cause the test removed).
 *   All registers but EIP come back as they were at the fault.
 *
 * Both are one-shot: the first exception disarms them.  TRY does not nest
 * (one catch point at a time); TRY(user_call(fn)) catches ring-3 faults.
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include <stdint.h>

#include "guest/lib/gjmp.h"
#include "guest/lib/trap.h"

struct fault {
	uint32_t vector, err, eip, cs, eflags, cr2;
	uint32_t esp, ss;	/* the interrupted stack, when it was ring 3 */
};

extern struct fault g_fault;		/* the last expected exception */
extern uint32_t g_fault_count;		/* how many were caught so far */
extern volatile uint32_t g_fault_label;	/* set by FAULT_HERE */
extern struct gjmp g_catch_jmp;

#define FAULT_HERE	"movl $9731f, g_fault_label\n9731:\n\t"

void fault_arm_unwind(void);
void fault_expect_resume(const void *label);
void fault_disarm(void);

#define TRY(...)                                                              \
	({                                                                    \
		int try_v_ = gsetjmp(&g_catch_jmp);                           \
		if (try_v_ == 0) {                                            \
			fault_arm_unwind();                                   \
			__VA_ARGS__;                                          \
			fault_disarm();                                       \
		}                                                             \
		try_v_ - 1;                                                   \
	})

/* Copies the frame into g_fault (handlers of their own may call it). */
void fault_record(const struct trapframe *tf);
/* trap.c: the default for exceptions; returns 1 when one was expected. */
int fault_catch(struct trapframe *tf);

/*
 * Checks a fault result: `seen` is TRY's value (or g_fault.vector), the
 * expected vector, error code, and faulting EIP (0: don't check EIP).
 */
int t_fault(const char *what, int seen, int vec, uint32_t err, uint32_t eip);
/* Checks that TRY's value says nothing faulted. */
int t_no_fault(const char *what, int seen);

#endif
