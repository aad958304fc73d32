/*
 * The application processor's start-up code for smp.c (Intel SDM vol. 3A
 * 8.4.4 and the MP spec 1.4 B.4: after INIT and a STARTUP IPI with vector
 * VV the AP starts in real mode at VV00:0000).  Copied below 1 MiB by the
 * BSP and run from there, so everything is addressed relative to CS.  It
 * writes "AP up" to COM1 (polling the line status, bounded), counts its
 * start in tramp_count, leaves tramp_mark for the BSP and halts for good.
 */
#define COM1		0x3F8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20
#include "guest/tests/smp.h"

	.section .rodata
	.code16
	.globl smp_tramp, smp_tramp_end, smp_tramp_count, smp_tramp_mark
smp_tramp:
	cli
	movw %cs, %ax
	movw %ax, %ds
	movw $(tramp_msg - smp_tramp), %si
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $COM1_LSR, %dx
	movw $0xFFFF, %cx
2:	inb %dx, %al
	testb $LSR_THRE, %al
	loopz 2b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	lock incl (smp_tramp_count - smp_tramp)
	movl $SMP_TRAMP_MARK, (smp_tramp_mark - smp_tramp)
4:	cli
	hlt
	jmp 4b
tramp_msg:
	.asciz "AP up\n"
	.balign 4
smp_tramp_count:
	.long 0
smp_tramp_mark:
	.long 0
smp_tramp_end:
	.code32
