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

struct options;

/* A model that changes with time. */
struct dev_timed {
	const char *name;
	/* Brings the model up to now (raising its interrupt line as due). */
	void (*poll)(uint64_t now);
	/* When poll must run next at the latest; CLOCK_NEVER if not. */
	uint64_t (*next)(uint64_t now);
};

/* Sets up every device as the options say (call once, before the guest). */
void dev_init(const struct options *o);
/* Sends what emulated devices still hold back (call before hv exits). */
void dev_flush(void);

/* For the models: */
void dev_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		  void *ctx);
void dev_add_timed(const struct dev_timed *t);
/* Polls every timed model and re-arms the wake-up. */
void dev_sync(void);

#endif
