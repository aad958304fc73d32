/*
 * Returning to guest user code with null selectors that carry RPL bits.
 *
 * IRET to ring 3 re-checks DS, ES, FS and GS, and QEMU (like the SDM's
 * pseudo-code for a register whose hidden DPL is below the new CPL)
 * clears a null selector's RPL bits in DS and ES: hv loads them at ring 0,
 * where a null load records DPL 0.  Guest user code that loaded, say,
 * DS = 3 would read back 0 after any trap hv takes in its place, a
 * difference it can see.  So when such a selector is live, hv returns to
 * a small trampoline running at ring 3 (hv's own code segment, DPL 3, on a
 * read-only user page of hv's region) that loads the four registers from
 * that page and far-jumps to the guest's CS:EIP.
 */
#ifndef MON_USER3_H
#define MON_USER3_H

#include "monitor/trap.h"

/* Before IRET to ring 3: route through the trampoline if needed (1). */
int user3_return(struct trapframe *tf);
/* A trap from the trampoline: puts back the guest's view of tf. */
void user3_trapped(struct trapframe *tf);

#endif
