/*
 * The 8259A programmable interrupt controller pair of the PC: ports and
 * register layout (Intel 8259A data sheet, "Initialization command words"
 * and "Operation command words"; the PC cascades the slave on the
 * master's IR2).  The edge/level control registers (ELCR) at 0x4D0/0x4D1
 * are the PIIX/EISA extension, one bit per line, 1 = level.
 */
#ifndef HW_I8259_H
#define HW_I8259_H

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1
#define PIC_ELCR1	0x4D0
#define PIC_ELCR2	0x4D1

#define PIC_CASCADE_IRQ	2	/* the master's input carrying the slave */
#define PIC_SLAVE_ID	2	/* the slave's identity (its ICW3) */

/* ICW1, written to the command port: bit 4 set. */
#define ICW1_INIT	0x10
#define ICW1_LTIM	0x08	/* level-triggered inputs */
#define ICW1_ADI	0x04	/* call address interval (8080 mode only) */
#define ICW1_SNGL	0x02	/* single PIC, no ICW3 */
#define ICW1_IC4	0x01	/* ICW4 follows */
/* ICW2: vector base (bits 7-3).  ICW3: master: a bit per slave input;
   slave: its identity (bits 2-0). */
#define ICW2_BASE_MASK	0xF8
/* ICW4 */
#define ICW4_SFNM	0x10	/* special fully nested mode */
#define ICW4_BUF	0x08
#define ICW4_MS		0x04
#define ICW4_AEOI	0x02	/* automatic end of interrupt */
#define ICW4_8086	0x01	/* uPM: 8086/8088 mode */

/* OCW2, to the command port with bits 4-3 = 00: R SL EOI | L2-L0. */
#define OCW2_CMD_MASK	0xE0
#define OCW2_LEVEL_MASK	0x07
#define OCW2_ROT_AEOI_CLR 0x00	/* rotate in automatic EOI mode (clear) */
#define OCW2_EOI	0x20	/* non-specific EOI */
#define OCW2_NOP	0x40
#define OCW2_SEOI	0x60	/* specific EOI, | level */
#define OCW2_ROT_AEOI_SET 0x80	/* rotate in automatic EOI mode (set) */
#define OCW2_ROT_EOI	0xA0	/* rotate on non-specific EOI */
#define OCW2_SET_PRIO	0xC0	/* set priority: | the lowest-priority level */
#define OCW2_ROT_SEOI	0xE0	/* rotate on specific EOI, | level */
/* OCW3, to the command port with bits 4-3 = 01. */
#define OCW3_SEL	0x08
#define OCW3_ESMM	0x40	/* enable special mask mode change ... */
#define OCW3_SMM	0x20	/* ... to this */
#define OCW3_POLL	0x04
#define OCW3_RR		0x02	/* read register command ... */
#define OCW3_RIS	0x01	/* ... ISR (1) or IRR (0) */
#define OCW3_READ_IRR	(OCW3_SEL | OCW3_RR)
#define OCW3_READ_ISR	(OCW3_SEL | OCW3_RR | OCW3_RIS)
/* The poll word: bit 7 set if a request was acknowledged, bits 2-0 its level. */
#define PIC_POLL_INT	0x80

#endif
