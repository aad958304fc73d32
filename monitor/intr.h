/*
 * Exceptions and interrupts for the guest (see intr.c).
 */
#ifndef MON_INTR_H
#define MON_INTR_H

#include <stdint.h>

#include "monitor/emul.h"

enum intr_kind {
	INTR_EXC,	/* exception (a fault or a trap) */
	INTR_EXT,	/* hardware interrupt: EXT set in error codes */
	INTR_SOFT,	/* INT n, INT3, INTO: the gate's DPL is checked */
	INTR_ICEBP,	/* INT1: no DPL check */
};

/*
 * Delivers vector vec with the return address ret_eip through the guest's
 * IDT; escalates a fault during delivery to #DF and a fault during #DF to
 * a triple fault (the guest is stopped).  On return vcpu.eip is the
 * handler's EIP.
 */
int intr_deliver(struct trapframe *tf, int vec, int kind, int has_err, uint32_t err,
		 uint32_t ret_eip, struct fault *f);
/* INT n/INT3/INTO: a fault of the delivery itself comes back in f. */
int intr_soft(struct trapframe *tf, int vec, uint32_t next_eip, struct fault *f);

void vcpu_sync_cr(void);

#endif
