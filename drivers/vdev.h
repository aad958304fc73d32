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

/* --- vpic.c: the guest's PIC pair (used through drivers/intc.h) --- */
/* Takes the real PICs over.  hv_irq: a real line hv keeps for itself, or -1. */
void vpic_init(int hv_irq);
/* An emulated device drives line irq: the real line stays masked; if
   host is given, real interrupts on it go there instead. */
void vpic_own_line(int irq, void (*host)(int irq));
/* A model's interrupt output (level; the PIC sees edges in edge mode). */
void vpic_set_irq(int irq, int level);
int vpic_pending(void);
int vpic_ack(void);
/* A real interrupt on line irq (not hv's wake-up). */
void vpic_host_irq(int irq);

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
