/*
 * setjmp/longjmp for the guest library (no libc).  Used to unwind out of
 * an exception handler back to the code that expected the fault (TRY in
 * fault.h) and to come back from ring 3 (user.c).  The jump restores the
 * callee-saved registers, ESP, EFLAGS and all segment registers but CS.
 */
#ifndef GUEST_GJMP_H
#define GUEST_GJMP_H

#include <stdint.h>

struct gjmp {
	uint32_t ebx, esi, edi, ebp, esp, eip, eflags;
	uint32_t ss, ds, es, fs, gs;
};

/* Returns 0 when called, then the value given to glongjmp (never 0). */
int gsetjmp(struct gjmp *j) __attribute__((returns_twice));
void glongjmp(const struct gjmp *j, int value) __attribute__((noreturn));

#endif
