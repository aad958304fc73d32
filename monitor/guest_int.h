/*
 * Inside the guest runner (monitor/guest.c, monitor/guest_user.c); the
 * rest of hv uses monitor/guest.h.
 */
#ifndef MON_GUEST_INT_H
#define MON_GUEST_INT_H

#include <stdint.h>

#include "monitor/emul.h"
#include "monitor/trap.h"

/*
 * Goes on with the guest at guest EIP eip (at cache address addr, or 0 to
 * look it up), after any interrupt it can take now.
 */
void guest_resume(struct trapframe *tf, uint32_t eip, uint32_t addr);
/* Reflects exception f, raised by the instruction at eip, to the guest. */
void guest_reflect(struct trapframe *tf, uint32_t eip, const struct fault *f);
/* tf set up to run guest user code at eip (blocked: in an STI/MOV SS shadow). */
void guest_enter_user(struct trapframe *tf, uint32_t eip, int blocked);
/* A #GP from user code hv may have to finish; 1 if it did. */
int guest_user_gp(struct trapframe *tf, uint32_t eip);
/* I/O instructions of user code hv emulated. */
extern uint32_t guest_user_io;

#endif
