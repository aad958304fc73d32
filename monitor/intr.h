/*
 * Exceptions and interrupts for the guest (see intr.c).
 */
#ifndef MON_INTR_H
#define MON_INTR_H

#include <stdint.h>

#include "monitor/emul.h"
#include "monitor/next.h"

/*
 * Delivers ev through the guest's IDT with the frame the CPU would push,
 * following the SDM's rules for faults during delivery (#DF, triple fault:
 * intr.c).  Returns NX_GO at the handler, or NX_STOP.
 */
struct next intr_deliver(struct trapframe *tf, const struct event *ev);


#endif
