/*
 * hv's IDT and the C side of every trap (SDM vol. 3A 6.10-6.14); the frame
 * is lib/trapframe.h's.
 */
#ifndef MON_TRAP_H
#define MON_TRAP_H

#include "lib/trapframe.h"

#ifndef ASM_FILE
#include <stdint.h>

/*
 * A fault hv expects from its own code (self-tests, probing the real CPU):
 * when the next trap with this vector arrives from EIP `at`, trap_dispatch
 * records it and resumes at `resume` instead of panicking.  One shot: the
 * hit disarms it.  This is hv's only way to survive a fault of its own
 * (docs/ARCHITECTURE.md, "Failure"); the guarded accessors below use it.
 */
struct trap_expect {
	uint32_t vector;
	uint32_t at;
	uint32_t resume;
	int hit;
	uint32_t errcode, cr2;
};
extern struct trap_expect trap_expected;

void idt_init(void);

/*
 * RDMSR and WRMSR on the real CPU, guarded: 0, or EXC_GP when the CPU
 * refused (an MSR it does not have, a reserved bit), which hv survives.
 * trap_rdmsr leaves *v alone then.
 */
int trap_rdmsr(uint32_t idx, uint64_t *v);
int trap_wrmsr(uint32_t idx, uint64_t v);
#endif

#endif
