/*
 * The 8259A PIC pair as hv shares it with the guest (see pic.c).
 */
#ifndef DEV_PIC_H
#define DEV_PIC_H

#include <stdint.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1

/*
 * Moves the real PICs' vector bases to hv's (VEC_IRQ_BASE) keeping their
 * masks, and intercepts the guest's initialisation so that the bases the
 * guest programs are remembered instead of reaching the PICs.
 */
void pic_init_passthrough(void);
/* The guest vector of a real IRQ line (0-15). */
int pic_guest_vector(int irq);

#endif
