/*
 * void native_run(void *code): runs one instruction natively for the MMIO
 * emulator's test (test_mmio.c), the oracle.  The general registers and
 * the six arithmetic flags come from nat_regs (struct regs: eax ecx edx
 * ebx esp ebp esi edi eflags, at 4-byte steps), and go back into it.
 * code holds the instruction followed by a JMP to native_back.
 *
 * Between the POPF and the PUSHF only MOVs and the instruction run, so the
 * flags are the instruction's; ESP is any value the test chose (no stack
 * is used in between: the JMPs are direct or through memory).
 */
#define ARITH 0x8D5	/* CF PF AF ZF SF OF */

	.text
	.globl native_run, native_back
native_run:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	movl %eax, nat_code
	movl %esp, nat_host_esp
	pushfl
	popl %edx
	movl %edx, nat_host_flags
	andl $~ARITH, %edx		/* the host's own flags, DF clear ... */
	movl nat_regs + 32, %ecx
	andl $ARITH, %ecx		/* ... with the test's arithmetic ones */
	orl %ecx, %edx
	pushl %edx
	popfl
	movl nat_regs + 4, %ecx
	movl nat_regs + 8, %edx
	movl nat_regs + 12, %ebx
	movl nat_regs + 20, %ebp
	movl nat_regs + 24, %esi
	movl nat_regs + 28, %edi
	movl nat_regs + 16, %esp
	movl nat_regs + 0, %eax
	jmp *nat_code
native_back:
	movl %eax, nat_regs + 0
	movl %ecx, nat_regs + 4
	movl %edx, nat_regs + 8
	movl %ebx, nat_regs + 12
	movl %esp, nat_regs + 16
	movl %ebp, nat_regs + 20
	movl %esi, nat_regs + 24
	movl %edi, nat_regs + 28
	movl nat_host_esp, %esp
	pushfl
	popl nat_regs + 32
	pushl nat_host_flags
	popfl
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.bss
	.align 4
nat_code:	.long 0
nat_host_esp:	.long 0
nat_host_flags:	.long 0

	.section .note.GNU-stack, "", @progbits
