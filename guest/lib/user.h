/*
 * Ring 3 and system calls (SDM vol. 3A 5.5 privilege levels, 6.12.1:
 * an interrupt from ring 3 switches to SS0:ESP0 of the TSS; IRET to ring
 * 3 pops SS:ESP).
 *
 * user_run() enters ring 3 with IRET at fn, on the given stack, with the
 * given EFLAGS, and returns when ring 3 makes the SYS_EXIT system call
 * (or when fn returns: a stub makes the call with fn's return value).
 * System calls are INT 0x80 with EAX = number, EBX/ECX = arguments, result
 * in EAX; other registers are preserved.  Code, data and stack that ring 3
 * touches must be user-accessible when paging is on.
 */
#ifndef GUEST_USER_H
#define GUEST_USER_H

#include "guest/lib/desc.h"
#include "guest/lib/trap.h"

#define SYS_EXIT	0	/* EBX = exit code */
#define SYS_PUTS	1	/* EBX = string, ECX = length: print */
#define SYS_GUEST	16	/* numbers from here on go to the guest's hook */

#define USER_STACK_SIZE	8192

#ifndef ASM_FILE
#include <stdint.h>

/* A stack ring 3 can use (the default of user_call). */
extern uint8_t user_stack[USER_STACK_SIZE];

/* Runs fn in ring 3; returns the SYS_EXIT code. */
uint32_t user_run(uint32_t (*fn)(void), uint32_t esp, uint32_t eflags);
/* user_run on user_stack with EFLAGS = FL_FIXED (IF=0, IOPL 0). */
uint32_t user_call(uint32_t (*fn)(void));
/* Handles system calls >= SYS_GUEST; returns EAX for the caller. */
void syscall_set_hook(uint32_t (*hook)(struct trapframe *tf));

/* For code running in ring 3. */
static inline uint32_t usys(uint32_t nr, uint32_t a, uint32_t b)
{
	uint32_t r;

	__asm__ volatile("int %1"
			 : "=a"(r) : "i"(VEC_SYSCALL), "0"(nr), "b"(a), "c"(b)
			 : "memory");
	return r;
}

static inline void uputs(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	usys(SYS_PUTS, (uint32_t)s, n);
}

#endif /* !ASM_FILE */

#endif
