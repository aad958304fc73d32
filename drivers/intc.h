/*
 * The guest's interrupt controllers, as the virtual CPU sees them
 * (docs/ARCHITECTURE.md, "Flags and interrupts"; docs/DEVICES.md).
 *
 * hv owns the real 8259s, I/O APIC and local APIC: every real interrupt
 * enters hv at one of hv's vectors (lib/layout.h) and is handed to
 * intc_host(), which feeds the guest's emulated controllers
 * (drivers/irq.c).  The virtual CPU asks intc_pending() at every clean
 * guest boundary where the guest's IF is set, and takes a vector with
 * intc_ack(), as a CPU's INTA cycle would.
 *
 * How the guest's IF is kept, chosen by pic=:
 *  - pass (the default, with a local APIC): the real IF follows the
 *    guest's while its code runs, so its CLI, STI and POPF run natively
 *    and a real interrupt waits in the real controllers until the guest
 *    could take it.  An interrupt that becomes pending for the guest while
 *    its IF is clear (an EOI, a model's timer) is remembered with a kick:
 *    a self-IPI of hv's that the real local APIC holds until the guest's
 *    STI, which brings hv back to deliver it.
 *  - emulate: hv takes every real interrupt at once (the real IF stays
 *    set while guest code runs); the guest's IF is virtual.
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
/* A pending NMI for the guest CPU (taken: 1, and no longer pending). */
int intc_take_nmi(void);

/*
 * PIC mode (MP specification 1.4, 3.6.2.1): the 8259s' INTR goes to the
 * CPU directly, whatever the local APIC's LINT0 says.  A machine whose
 * firmware leaves LINT0 masked works so (Bochs); with virtual wire (LINT0
 * in ExtINT mode, as SeaBIOS leaves it) the 8259s pass through LINT0.
 */
void intc_set_pic_mode(int on);
/* A model may have changed (drivers/devices.c's dev_sync says so). */
void intc_changed(void);
/* 1 if the real EFLAGS.IF follows the guest's while guest code runs. */
int intc_real_if_follows_guest(void);
/*
 * The guest is entered with its IF clear: if an interrupt waits for it,
 * arm the kick (see above), so that its STI brings hv back.
 */
void intc_entering_if_clear(void);
/*
 * Takes the real interrupts that wait for the real IF (hv runs with it
 * clear): before the guest looks at its controllers or devices, they
 * must hold what the real ones hold.
 */
void intc_collect(void);

/*
 * For drivers/devices.c: virtual_if: pic=emulate; own_pit: IRQ0 is hv's
 * wake-up; map_mmio maps the real I/O APIC's page.
 */
void intc_init(int virtual_if, int own_pit, int (*map_mmio)(uint32_t va, uint32_t pa));

#endif
