/*
 * 8254 PIT (see pit.h).
 */
#include "guest/lib/pit.h"

#include "lib/x86.h"

void pit_start(int ch, int mode, uint16_t divisor)
{
	outb(PIT_CMD, PIT_SEL(ch) | PIT_ACCESS_LOHI | PIT_MODE(mode));
	outb(PIT_CH0 + ch, divisor & 0xFF);
	outb(PIT_CH0 + ch, divisor >> 8);
}

uint8_t pit_status(int ch)
{
	outb(PIT_CMD, PIT_READBACK | PIT_RB_NO_COUNT | PIT_RB_CH(ch));
	return inb(PIT_CH0 + ch);
}
