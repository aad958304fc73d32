/*
 * hv's IDT and the C side of every trap (SDM vol. 3A 6.10-6.14); the frame
 * is lib/trapframe.h's.
 */
#ifndef MON_TRAP_H
#define MON_TRAP_H

#include "lib/trapframe.h"

#ifndef ASM_FILE
#include <stdint.h>

/* The esp the interrupted code had (hv traps push no esp/ss). */
static inline uint32_t tf_interrupted_esp(const struct trapframe *tf)
{
	return (tf->cs & 3) ? tf->esp : (uint32_t)tf + offsetof(struct trapframe, esp);
}

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
