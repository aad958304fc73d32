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
/* A hardware interrupt on PIC line irq, while hv itself was running. */
void host_irq(int irq);
void guest_print_stats(void);


#endif
