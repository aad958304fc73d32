/*
 * pse.c's code reached through 4 MiB aliases of the image: it touches no
 * memory, so an instruction fetch is the only access through the alias.
 */
	.text
	.globl pse_answer
pse_answer:
	movl $0x4242A5A5, %eax
	ret
