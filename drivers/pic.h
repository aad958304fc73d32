/*
 * The 8259A PIC pair passed through to the guest (pic=pass, see pic.c).
 */
#ifndef DEV_PIC_H
#define DEV_PIC_H

#include <stdint.h>

#include "lib/hw/i8259.h"

/*
 * Moves the real PICs' vector bases to hv's (VEC_IRQ_BASE) keeping their
 * masks, and intercepts the guest's initialisation so that the bases the
 * guest programs are remembered instead of reaching the PICs.
 */
void pic_init_passthrough(void);
/* The guest vector of a real IRQ line (0-15). */
int pic_guest_vector(int irq);

/* The implementation of drivers/intc.h with the PIC passed through. */
void pic_pass_irq(int irq);
int pic_pass_pending(void);
int pic_pass_ack(void);

#endif
