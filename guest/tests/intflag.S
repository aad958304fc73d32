/*
 * Snippets for intflag.c around the moment an interrupt is recognised
 * (SDM vol. 3A 6.8.3: after STI, interrupts are recognised after the next
 * instruction; POPF has no such shadow; vol. 2 STI).  An IRQ0 is already
 * pending in the PIC when each of these runs with IF = 0.
 */
	.text
/* STI; one instruction; then the interrupt: pushed EIP = if_sti_after */
	.globl if_sti, if_sti_after
if_sti:
	sti
	movl $1, %eax			/* the instruction in STI's shadow */
if_sti_after:
	cli
	ret

/* STI; CLI: the shadow covers CLI, so no interrupt at all */
	.globl if_sti_cli
if_sti_cli:
	sti
	cli
	ret

/* POPF setting IF: the interrupt comes right after it */
	.globl if_popf, if_popf_after
if_popf:
	pushl $0x202			/* IF | bit 1 */
	popfl
if_popf_after:
	cli
	ret

/* STI; HLT: the interrupt wakes HLT; pushed EIP is after the HLT */
	.globl if_sti_hlt, if_sti_hlt_after
if_sti_hlt:
	sti
	hlt
if_sti_hlt_after:
	cli
	ret
