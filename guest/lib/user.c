/*
 * Ring 3 entry and the INT 0x80 system calls (see user.h).
 */
#include "guest/lib/user.h"

#include "guest/lib/console.h"
#include "guest/lib/gjmp.h"
#include "lib/x86.h"

#define PUTS_MAX	256

uint8_t user_stack[USER_STACK_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* user.S */
void user_enter(uint32_t eip, uint32_t esp, uint32_t eflags) __attribute__((noreturn));
extern char user_exit_stub[];

static struct gjmp user_jmp;
static volatile uint32_t user_exit_code;
static uint32_t (*syscall_hook)(struct trapframe *tf);
static int syscall_installed;

static void syscall_trap(struct trapframe *tf)
{
	switch (tf->eax) {
	case SYS_EXIT:
		user_exit_code = tf->ebx;
		glongjmp(&user_jmp, 1);
	case SYS_PUTS: {
		const char *s = (const char *)tf->ebx;

		for (uint32_t i = 0; i < tf->ecx && i < PUTS_MAX; i++)
			gputc(s[i]);
		tf->eax = 0;
		break;
	}
	default:
		tf->eax = syscall_hook && tf->eax >= SYS_GUEST ? syscall_hook(tf)
							       : (uint32_t)-1;
		break;
	}
}

void syscall_set_hook(uint32_t (*hook)(struct trapframe *tf))
{
	syscall_hook = hook;
}

uint32_t user_run(uint32_t (*fn)(void), uint32_t esp, uint32_t eflags)
{
	uint32_t *sp = (uint32_t *)esp;

	if (!syscall_installed) {
		trap_set_handler(VEC_SYSCALL, syscall_trap);
		syscall_installed = 1;
	}
	*--sp = (uint32_t)user_exit_stub;	/* fn's return address */
	if (gsetjmp(&user_jmp) == 0)
		user_enter((uint32_t)fn, (uint32_t)sp, eflags);
	return user_exit_code;
}

uint32_t user_call(uint32_t (*fn)(void))
{
	return user_run(fn, (uint32_t)(user_stack + USER_STACK_SIZE), FL_FIXED);
}
