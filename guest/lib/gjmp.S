/*
 * gsetjmp/glongjmp (see gjmp.h).  The offsets follow struct gjmp.
 */
#define J_EBX	0
#define J_ESI	4
#define J_EDI	8
#define J_EBP	12
#define J_ESP	16
#define J_EIP	20
#define J_EFL	24
#define J_SS	28
#define J_DS	32
#define J_ES	36
#define J_FS	40
#define J_GS	44

	.text
	.globl gsetjmp
gsetjmp:
	movl 4(%esp), %eax
	movl %ebx, J_EBX(%eax)
	movl %esi, J_ESI(%eax)
	movl %edi, J_EDI(%eax)
	movl %ebp, J_EBP(%eax)
	leal 4(%esp), %ecx		/* ESP after our return */
	movl %ecx, J_ESP(%eax)
	movl (%esp), %ecx
	movl %ecx, J_EIP(%eax)
	pushfl
	popl J_EFL(%eax)
	movl $0, J_SS(%eax)
	movw %ss, J_SS(%eax)
	movl $0, J_DS(%eax)
	movw %ds, J_DS(%eax)
	movl $0, J_ES(%eax)
	movw %es, J_ES(%eax)
	movl $0, J_FS(%eax)
	movw %fs, J_FS(%eax)
	movl $0, J_GS(%eax)
	movw %gs, J_GS(%eax)
	xorl %eax, %eax
	ret

	.globl glongjmp
glongjmp:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movw J_DS(%edx), %ds		/* all flat ring-0 data: EDX stays usable */
	movw J_ES(%edx), %es
	movw J_FS(%edx), %fs
	movw J_GS(%edx), %gs
	movw J_SS(%edx), %ss
	movl J_ESP(%edx), %esp		/* no interrupt between SS and ESP loads */
	movl J_EBX(%edx), %ebx
	movl J_ESI(%edx), %esi
	movl J_EDI(%edx), %edi
	movl J_EBP(%edx), %ebp
	pushl J_EFL(%edx)
	popfl
	jmp *J_EIP(%edx)
