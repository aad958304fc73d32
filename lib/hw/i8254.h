/*
 * The 8254 programmable interval timer of the PC and port 0x61: ports and
 * register layout (Intel 82C54 data sheet: control word, counter latch,
 * read-back command, status byte; IBM PC/AT technical reference for port
 * 0x61, "system control port B").  Channel 0 drives IRQ0, channel 1 is
 * the old DRAM refresh, channel 2 the speaker, gated by port 0x61 bit 0.
 */
#ifndef HW_I8254_H
#define HW_I8254_H

#define PIT_CH0		0x40	/* + channel */
#define PIT_CMD		0x43
#define PIT_HZ		1193182	/* input clock: 14.31818 MHz / 12 */
#define PIT_IRQ		0

/* Control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD */
#define PIT_CW_SC(cw)	(((cw) >> 6) & 3)	/* 3: read-back command */
#define PIT_CW_RW(cw)	(((cw) >> 4) & 3)	/* 0: counter latch command */
#define PIT_CW_MODE(cw)	(((cw) >> 1) & 7)	/* 6 and 7 are modes 2 and 3 */
#define PIT_CW_BCD	0x01
#define PIT_SC_READBACK	3
#define PIT_RW_LATCH	0
#define PIT_RW_LSB	1
#define PIT_RW_MSB	2
#define PIT_RW_WORD	3
/* Read-back command: 11 COUNT# STATUS# CNT2 CNT1 CNT0 0 (active low) */
#define PIT_READBACK	0xC0
#define PIT_RB_NO_COUNT	0x20
#define PIT_RB_NO_STATUS 0x10
#define PIT_RB_CH(ch)	(0x02 << (ch))
/* Status byte: OUTPUT, NULL COUNT, then the control word's bits 5-0. */
#define PIT_ST_OUT	0x80
#define PIT_ST_NULL	0x40
#define PIT_ST_CW_MASK	0x3F

/* Port 0x61 (system control port B) */
#define PORT_SYSCTL_B	0x61
#define SYSB_GATE2	0x01	/* R/W: channel 2 gate */
#define SYSB_SPKR	0x02	/* R/W: speaker data enable */
#define SYSB_PARITY_DIS	0x04	/* R/W: parity check disable */
#define SYSB_IOCHK_DIS	0x08	/* R/W: channel check disable */
#define SYSB_REFRESH	0x10	/* R: toggles with refresh cycles */
#define SYSB_OUT2	0x20	/* R: channel 2 output */
#define SYSB_WRITABLE	0x0F

#endif
