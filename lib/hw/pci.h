/*
 * PCI configuration mechanism #1 (PCI Local Bus specification 3.0,
 * 3.2.2.3.2): the CONFIG_ADDRESS dword at 0xCF8 selects bus, device,
 * function and register, CONFIG_DATA at 0xCFC-0xCFF reads and writes it.
 * Byte and word accesses to 0xCF8-0xCFB are not configuration cycles
 * (0xCF9 is the PIIX reset control register).
 */
#ifndef HW_PCI_H
#define HW_PCI_H

#define PCI_CONFIG_ADDR	0xCF8
#define PCI_CONFIG_DATA	0xCFC
#define PCI_ADDR_ENABLE	0x80000000u
#define PCI_ADDR_BDF(a)	(((a) >> 8) & 0xFFFF)	/* bus << 8 | dev << 3 | fn */
#define PCI_ADDR_REG(a)	((a) & 0xFC)
#define PCI_BDF(bus, dev, fn) ((bus) << 8 | (dev) << 3 | (fn))

/* The reset control register at 0xCF9 (Intel 82371AB PIIX4 data sheet,
   RC register; the same on the PIIX3 and ICH): RCPU going from 0 to 1
   resets, hard with SRST set, soft (INIT) without; FULL (ICH) also
   cycles power. */
#define PCI_RESET_CTRL	0xCF9
#define RCR_SRST	0x02
#define RCR_RCPU	0x04
#define RCR_FULL	0x08

/* Configuration header registers (PCI 3.0, 6.1-6.2), byte offsets. */
#define PCI_VENDOR_ID	0x00
#define PCI_COMMAND	0x04
#define PCI_CMD_IO	0x0001		/* I/O space decode */
#define PCI_CMD_MEM	0x0002		/* memory space decode */
#define PCI_CMD_MASTER	0x0004		/* Bus Master Enable (6.2.2) */
#define PCI_CLASS_REG	0x08		/* revision, prog-if, subclass, class */
#define PCI_CLASS_STORAGE 0x01		/* base class: mass storage */
#define PCI_CLASS_BRIDGE 0x06		/* base class: bridges */
#define PCI_HEADER_TYPE	0x0E
#define PCI_HT_MULTI	0x80
#define PCI_BAR0	0x10
#define PCI_BAR_IO	0x1		/* bit 0: an I/O BAR */
#define PCI_BAR_IO_MASK	0xFFFFFFFCu
#define PCI_BAR_MEM_MASK 0xFFFFFFF0u
#define PCI_SECONDARY_BUS 0x19		/* a PCI-PCI bridge's (header type 1) */

#endif
