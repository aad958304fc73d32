/*
 * The A20 probe of a20.c: turns the A20 gate off, looks at memory one
 * MiB up, turns it on and looks again.  With A20 off, bit 20 of every
 * physical address is forced to 0 (PC/AT "gate A20"; SDM vol. 3A
 * 8.7.13.4, A20M#), so 0x101000 is 0x001000.  The gate is worked one of
 * three ways (method): port 0x92 bit 1 (PS/2 system control port A), the
 * i8042's output port (command 0xD1 and a data byte: 0xDD off, 0xDF on)
 * or the i8042's commands 0xDD/0xDF; its state is read back from port
 * 0x92, or from the output port (command 0xD0).
 *
 * The guest's code, data and stack are above 1 MiB and would wrap too:
 * a20.c copies this routine below 1 MiB and calls it there with
 * interrupts off, and between the two gate changes it touches no stack
 * (the gate and read-back sequences are macros, not calls).
 *
 * void a20_probe(uint32_t method, uint32_t *res): res[0] the state read
 * back with A20 off, res[1] the dword at 0x101000 then, res[2] the dword
 * at 0x1000 after A20_PATTERN was written at 0x101000; res[3]-res[5] the
 * same after A20 is on again.
 */
#define A20_HI		0x101000
#define A20_LO		0x001000
#define A20_PATTERN	0x5A5A0A20
#define SPIN		200000

	.text
	.code32

/* Waits (bounded) for the i8042's input buffer to be empty. */
.macro WAIT_IBF
	movl $SPIN, %ecx
8:	inb $0x64, %al
	testb $0x02, %al
	jz 7f
	loop 8b
7:
.endm

/* Sets the gate by method ESI to EBP (0 off, 1 on). */
.macro GATE
	cmpl $0, %esi
	jne 1f
	inb $0x92, %al
	andb $0xFC, %al			/* A20 off, no reset */
	testl %ebp, %ebp
	jz 0f
	orb $0x02, %al
0:	outb %al, $0x92
	jmp 9f
1:	cmpl $1, %esi
	jne 2f
	WAIT_IBF
	movb $0xD1, %al			/* write output port */
	outb %al, $0x64
	WAIT_IBF
	movb $0xDD, %al			/* reset line high, A20 off */
	testl %ebp, %ebp
	jz 0f
	movb $0xDF, %al
0:	outb %al, $0x60
	WAIT_IBF
	jmp 9f
2:	WAIT_IBF
	movb $0xDD, %al			/* A20 off command */
	testl %ebp, %ebp
	jz 0f
	movb $0xDF, %al
0:	outb %al, $0x64
	WAIT_IBF
9:
.endm

/* EAX = the gate's state as method ESI reads it back (bit 1). */
.macro READBACK
	cmpl $0, %esi
	jne 1f
	inb $0x92, %al
	jmp 9f
1:	WAIT_IBF
	movb $0xD0, %al			/* read output port */
	outb %al, $0x64
	movl $SPIN, %ecx
6:	inb $0x64, %al
	testb $0x01, %al
	jnz 5f
	loop 6b
5:	inb $0x60, %al
9:	movzbl %al, %eax
	andl $0x02, %eax
.endm

	.globl a20_probe, a20_probe_end
a20_probe:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	movl 20(%esp), %esi
	movl 24(%esp), %edi
	xorl %ebp, %ebp
	GATE
	READBACK
	movl %eax, 0(%edi)
	movl A20_HI, %eax
	movl %eax, 4(%edi)
	movl $A20_PATTERN, A20_HI
	movl A20_LO, %eax
	movl %eax, 8(%edi)
	movl $1, %ebp
	GATE
	READBACK
	movl %eax, 12(%edi)
	movl A20_HI, %eax
	movl %eax, 16(%edi)
	movl A20_LO, %eax
	movl %eax, 20(%edi)
	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	ret
a20_probe_end:
