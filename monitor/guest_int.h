/*
 * Inside the guest runner (monitor/guest.c, monitor/guest_user.c); the
 * rest of hv uses monitor/guest.h.
 */
#ifndef MON_GUEST_INT_H
#define MON_GUEST_INT_H

#include <stdint.h>

#include "dt/decode.h"
#include "monitor/emul.h"
#include "monitor/next.h"
#include "monitor/trap.h"

/* tf set up to run guest user code at eip (blocked: in an STI/MOV SS shadow). */
void guest_enter_user(struct trapframe *tf, uint32_t eip, int blocked);
/* A #GP from user code hv may have to finish: 1 with *n what comes next. */
int guest_user_gp(struct trapframe *tf, uint32_t eip, struct next *n);
/* I/O instructions of user code hv emulated. */
extern uint32_t guest_user_io;
/*
 * A #GP(0) from user code at eip whose memory operand (insn, len bytes,
 * decoded as d) only hv's segment truncation refused: performed, 1 with *n
 * set (user_wrap.c).
 */
int user_wrap(struct trapframe *tf, uint32_t eip, const uint8_t *insn, int len,
	      const struct dt_insn *d, struct next *n);
/* Those user_wrap performed. */
extern uint32_t user_wrap_count;

#endif
