/*
 * The guest's interrupt controller with the PIC passed through (see
 * intc.h): a small FIFO of guest vectors, one entry per acknowledged line,
 * since the real PIC will not raise that line again before the guest's
 * EOI.
 */
#include "drivers/intc.h"

#include <stdint.h>

#include "drivers/pic.h"
#include "monitor/log.h"

#define QUEUE 32

static uint8_t queue[QUEUE];
static int head, count;

void irq_host(int irq)
{
	int vec = pic_guest_vector(irq);

	for (int i = 0; i < count; i++)
		if (queue[(head + i) % QUEUE] == vec)
			return;	/* already waiting, as one IRR bit */
	if (count == QUEUE) {
		log_warn("intc", "interrupt queue full: vector %d dropped", vec);
		return;
	}
	queue[(head + count++) % QUEUE] = (uint8_t)vec;
}

int intc_pending(void)
{
	return count > 0;
}

int intc_ack(void)
{
	int v;

	if (!count)
		return -1;
	v = queue[head];
	head = (head + 1) % QUEUE;
	count--;
	return v;
}

int intc_real_if_follows_guest(void)
{
	return 1;
}
