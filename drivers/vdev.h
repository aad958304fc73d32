/*
 * The emulated device models (docs/DEVICES.md), one file each:
 *   vpic.c   Intel 8259A pair            vpit.c   Intel 8254 and port 0x61
 *   vuart.c  National PC16550D           vrtc.c   Motorola MC146818A and CMOS
 *   vkbd.c   i8042, port 0x92, port 0x80 vpci.c   PCI configuration mechanism #1
 * Each takes its real device over (hv owns it from then on) and registers
 * its ports with dev_register.
 */
#ifndef DEV_VDEV_H
#define DEV_VDEV_H

#include <stdint.h>

/* --- vpic.c: the guest's PIC pair (drivers/intc.c and drivers/irq.c use it) --- */
/* Power-up as the firmware left the real ones: masks and ELCR. */
void vpic_init(uint8_t imr1, uint8_t imr2, uint8_t elcr1, uint8_t elcr2);
/* Input line irq's level (ISA line; the PIC sees edges in edge mode). */
void vpic_set_irq(int irq, int level);
/* Is line irq level-triggered (ICW1 LTIM or its ELCR bit)? */
int vpic_line_level(int irq);
/* The INT output, and the CPU's acknowledge (the vector). */
int vpic_pending(void);
int vpic_ack(void);

/* --- vpit.c --- */
void vpit_init(void);

/* --- vuart.c: index 0 is COM1, 1 is COM2; hide: no UART at all --- */
void vuart_init(int index, int hide);
/* Sends a guest line held back for hv's log at once. */
void vuart_flush(void);
/*
 * The real UART at base is shared with hv's monitor console: the guest's
 * received bytes come from getc (-1: none) instead of the UART itself.
 */
void vuart_share_rx(uint16_t base, int (*getc)(void));

/* --- vrtc.c --- */
void vrtc_init(void);

/* --- vkbd.c: hide: no keyboard controller (ports 0x60/0x64 read 0xFF) --- */
void vkbd_init(int hide);

/* --- vpci.c: hide: no devices at all; else these functions are hidden --- */
void vpci_init(int hide, const uint16_t *bdf, int n);

#endif
