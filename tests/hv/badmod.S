/*
 * A minimal Multiboot ELF kernel from which scripts/test-hv.sh derives
 * the bad-module cases (link address, word size and e_machine are varied
 * there).  It only halts: it is never meant to run.
 */
#include <multiboot.h>

#define FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

	.text
	.align 4
	.long MULTIBOOT_HEADER_MAGIC
	.long FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + FLAGS)
	.globl _start
_start:
	cli
1:	hlt
	jmp 1b

	.data
	/* Enough data that truncating the file cuts a segment. */
	.fill 16384, 1, 0x5a
