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
 * A fault hv expects from its own code (self-tests, probing): when the next
 * trap with this vector arrives from EIP `at`, trap_dispatch records it and
 * resumes at `resume` instead of panicking.
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
#endif

#endif
