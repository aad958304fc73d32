/*
 * hv's own I/O APIC, the real one (see ioapic.c).
 */
#ifndef DEV_IOAPIC_H
#define DEV_IOAPIC_H

#include <stdint.h>

/*
 * Maps the I/O APIC at physical base (map_mmio: to a page of hv's) and
 * masks every pin; without map_mmio or at base 0 there is none, and the
 * other calls do nothing.  Returns its number of pins (0: none).
 */
int ioapic_init(uint32_t base, int (*map_mmio)(uint32_t va, uint32_t pa));

/* The real I/O APIC's version (0x11: 82093AA; 0x20: with an EOI register), or 0. */
int ioapic_version(void);
/* Pin pin to hv's vector vec on this CPU, fixed, physical destination. */
void ioapic_route(int pin, int vec, int level, int active_low, int masked);
void ioapic_mask(int pin, int masked);

#endif
