/*
 * The real-mode code a guest of reset.c leaves behind for the BIOS: if a
 * reset ends in a BIOS resume through the far pointer at 40:67 (shutdown
 * byte 0x05 or 0x0A, PC/AT BIOS convention), this runs in real mode at
 * the segment the guest copied it to, says so on COM1 and leaves QEMU
 * with the failure status.  Position-independent within its segment.
 */
	.text
	.code16
	.globl reset_resume_stub, reset_resume_stub_end
reset_resume_stub:
	movw %cs, %ax
	movw %ax, %ds
	movw $(resume_msg - reset_resume_stub), %si
	movw $0x3F8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	movb $1, %al			/* DEBUG_EXIT_FAIL */
	outb %al, $0xF4
3:	cli
	hlt
	jmp 3b
resume_msg:
	.asciz "reset: FAIL: the BIOS resumed into the guest's code\n"
reset_resume_stub_end:
	.code32
