/*
 * The guest's interrupt controller, as the virtual CPU sees it
 * (docs/ARCHITECTURE.md, "Flags and interrupts"; docs/DEVICES.md).
 *
 * Every real interrupt enters hv at one of hv's vectors (lib/layout.h)
 * and is handed to intc_host(); the virtual CPU asks intc_pending() at
 * every clean guest boundary where the guest's IF is set, and takes a
 * vector with intc_ack(), as a CPU's INTA cycle would.
 *
 * Two implementations behind these functions, chosen by pic=:
 *  - passed through (drivers/pic.c): the real PIC holds IRR, ISR and IMR;
 *    hv only remembers which guest vector each acknowledged line stands
 *    for until the guest can take it, and the real IF follows the guest's
 *    so that nothing is acknowledged before the guest could be.
 *  - emulated (drivers/vpic.c, connected to the real lines by
 *    drivers/irq.c): hv owns the real PICs and takes every real interrupt
 *    at once; the model decides what the guest sees.
 */
#ifndef DEV_INTC_H
#define DEV_INTC_H

#include <stdint.h>

/* Is vec one of hv's interrupt vectors (not an exception)? */
int intc_is_irq(unsigned vec);
/* A real interrupt arrived at hv's vector vec. */
void intc_host(unsigned vec);
/* An interrupt waits for the guest CPU. */
int intc_pending(void);
/* The guest CPU takes it: returns its vector, or -1 if none. */
int intc_ack(void);
/*
 * 1 if the real EFLAGS.IF must follow the guest's while guest code runs
 * (passed-through PIC), 0 if hv must always take interrupts (its own
 * device models need them).
 */
int intc_real_if_follows_guest(void);

/*
 * For drivers/devices.c: which PIC; own_pit: IRQ0 is hv's wake-up;
 * map_mmio maps the real I/O APIC's page.
 */
void intc_init(int emulated, int own_pit, int (*map_mmio)(uint32_t va, uint32_t pa));

#endif
