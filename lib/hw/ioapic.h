/*
 * The I/O APIC, as hv's driver, the guest's model and the test guests see
 * it (Intel 82093AA I/O Advanced Programmable Interrupt Controller data
 * sheet, 3.0 "Register Description"; the EOI register at 0x40 of later
 * I/O APICs, version 0x20, as QEMU models it).
 */
#ifndef HW_IOAPIC_H
#define HW_IOAPIC_H

/* Memory-mapped: an index, a data window, and (version 0x20) EOI. */
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_REGSEL_MASK	0xFF	/* its bits 0-7 */
#define IOAPIC_IOWIN		0x10
#define IOAPIC_EOIR		0x40

/* Indirect registers. */
#define IOAPIC_ID		0x00	/* bits 24-27 */
#define IOAPIC_ID_SHIFT		24
#define IOAPIC_ID_MASK		0x0F000000
#define IOAPIC_VER		0x01	/* version bits 0-7, max entry bits 16-23 */
#define IOAPIC_VER_MAXRTE_SHIFT	16
#define IOAPIC_ARB		0x02
#define IOAPIC_REDTBL(pin)	(0x10 + 2 * (pin))	/* low dword; high is +1 */

/* A redirection entry's low dword (the high one: destination, bits 24-31). */
#define IOAPIC_RTE_VECTOR	0xFF
#define IOAPIC_RTE_DM		0x700
#define IOAPIC_RTE_LOGICAL	0x800
#define IOAPIC_RTE_PENDING	0x1000	/* delivery status */
#define IOAPIC_RTE_ACTIVE_LOW	0x2000
#define IOAPIC_RTE_REMOTE_IRR	0x4000
#define IOAPIC_RTE_LEVEL	0x8000
#define IOAPIC_RTE_MASKED	0x10000
#define IOAPIC_RTE_DEST_SHIFT	24	/* in the high dword */

#endif
