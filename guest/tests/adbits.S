/*
 * adbits.c's assembly: a code page of its own (fetched through a fresh
 * mapping, it must get A and never D), and an INT n whose frame the CPU
 * pushes on a stack page of the test's choosing (SDM vol. 3A 6.12.1: at
 * the same privilege level the CPU pushes EFLAGS, CS, EIP on the current
 * stack; the gate's handler only IRETs, so the frame is the only write).
 */
#define ADBITS_VEC	0x90

	.section .text.adbits_page, "ax"
	.balign 4096
	.globl adbits_code_page, adbits_fetch
adbits_code_page:
adbits_fetch:
	movl $0xFE7C4ED0, %eax
	ret
	.balign 4096

	.text
	/* void adbits_int_frame(uint32_t esp): INT ADBITS_VEC on that stack */
	.globl adbits_int_frame, adbits_int_ret, adbits_iret
adbits_int_frame:
	movl 4(%esp), %eax
	movl %esp, saved_esp
	movl %eax, %esp
	int $ADBITS_VEC
adbits_int_ret:
	movl saved_esp, %esp
	ret

adbits_iret:
	iret

	.bss
	.align 4
saved_esp:
	.space 4
