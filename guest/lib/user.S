/*
 * Entry to ring 3 with IRET (SDM vol. 3A 6.12.1 / IRET in vol. 2: to an
 * outer privilege level IRET pops EIP, CS, EFLAGS, ESP, SS), and the stub
 * a ring-3 function returns into.
 */
#include "guest/lib/desc.h"
#include "guest/lib/user.h"

	.text
	/* void user_enter(uint32_t eip, uint32_t esp, uint32_t eflags) */
	.globl user_enter
user_enter:
	movl 4(%esp), %ecx
	movl 8(%esp), %edx
	movl 12(%esp), %eax
	pushl $SEL_UDATA		/* SS */
	pushl %edx			/* ESP */
	pushl %eax			/* EFLAGS */
	pushl $SEL_UCODE		/* CS */
	pushl %ecx			/* EIP */
	movw $SEL_UDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %edi, %edi
	xorl %ebp, %ebp
	iret

	/* Ring 3: the function returned its exit code in EAX. */
	.globl user_exit_stub
user_exit_stub:
	movl %eax, %ebx
	movl $SYS_EXIT, %eax
	int $VEC_SYSCALL
	ud2
