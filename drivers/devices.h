/*
 * The guest's devices: passed through or emulated, as hv's options say
 * (docs/DEVICES.md).  dev_init sets them all up; the models register
 * their ports here, so that every emulated access first brings every
 * model up to the present (a PIT edge that is due shows in the PIC's IRR)
 * and afterwards re-arms hv's wake-up for whatever is due next.
 */
#ifndef DEV_DEVICES_H
#define DEV_DEVICES_H

#include <stdint.h>

#include "drivers/ioport.h"

/* How the guest gets a device (docs/DEVICES.md). */
enum dev_mode {
	DEV_DEFAULT = 0,	/* not given: pass, except pic (see below) */
	DEV_PASS,
	DEV_EMULATE,
	DEV_HIDE,
};

/* The devices the options choose for; the index into options.dev[]. */
enum dev_kind { DEVK_PIC, DEVK_PIT, DEVK_COM1, DEVK_COM2, DEVK_RTC, DEVK_KBD, DEVK_PCI,
		DEVK_COUNT };

#define DEV_PCI_HIDE_MAX 8

/* What dev_init sets up (from hv's options, boot/options.c). */
struct dev_config {
	/*
	 * enum dev_mode per enum dev_kind, none DEV_DEFAULT: pic is emulate
	 * when a device that raises interrupts (pit, com1, com2, rtc, kbd)
	 * is emulated, else pass.
	 */
	uint8_t mode[DEVK_COUNT];
	/* With pci=emulate, functions the guest does not see: bus << 8 |
	   device << 3 | function. */
	uint16_t pci_hide[DEV_PCI_HIDE_MAX];
	int npci_hide;
	/* Maps the 4 KiB page of MMIO at pa to hv's linear va, uncached
	   (the local APIC, for hv's clock); 0 or -1. */
	int (*map_mmio)(uint32_t va, uint32_t pa);
};

/* A model that changes with time. */
struct dev_timed {
	const char *name;
	/* Brings the model up to now (raising its interrupt line as due). */
	void (*poll)(uint64_t now);
	/* When poll must run next at the latest; CLOCK_NEVER if not. */
	uint64_t (*next)(uint64_t now);
};

/* Sets up every device as the options say (call once, before the guest). */
void dev_init(const struct dev_config *c);
/* Sends what emulated devices still hold back (call before hv exits). */
void dev_flush(void);

/* For the models: */
void dev_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		  void *ctx);
/* A model no timed model's deadline depends on (the 8259s): no sync after
   its accesses, only the catch-up before. */
void dev_register_untimed(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd,
			  io_write_fn wr, void *ctx);
void dev_add_timed(const struct dev_timed *t);
/* Polls every timed model and re-arms the wake-up. */
void dev_sync(void);
/* The same, if a deadline has come since the last sync (before a guest
   access to a model: the models are at the present either way). */
void dev_catch_up(void);

#endif
