/*
 * The 8254 programmable interval timer (Intel 82C54 data sheet: control
 * word, modes 0-5, read-back command).  Channel 0 drives IRQ0.
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include <stdint.h>

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182

#define PIT_SEL(ch)	((ch) << 6)
#define PIT_LATCH	0x00	/* access field 00: counter latch */
#define PIT_ACCESS_LOHI	0x30
#define PIT_MODE(m)	((m) << 1)
#define PIT_MODE_TERMINAL	0	/* interrupt on terminal count: one shot */
#define PIT_MODE_RATE		2	/* rate generator: periodic */
#define PIT_MODE_SQUARE		3
/* Read-back: latch the status (not the count) of the selected channels. */
#define PIT_READBACK		0xC0
#define PIT_RB_NO_COUNT		0x20
#define PIT_RB_CH(ch)		(0x02 << (ch))
/* Status byte: bit 7 OUT pin, bit 6 null count, 5-0 as programmed. */
#define PIT_STATUS_OUT		0x80
#define PIT_STATUS_NULL		0x40
#define PIT_STATUS_PROGRAM	0x3F

/* Programs a channel: mode, lo/hi access, binary count `divisor`. */
void pit_start(int ch, int mode, uint16_t divisor);
/* The channel's read-back status byte. */
uint8_t pit_status(int ch);

#endif
