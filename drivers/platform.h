/*
 * The PC platform's reset, A20 gate and CMOS shutdown byte, which are
 * hv's whatever the device options say (docs/DEVICES.md, "Reset, A20 and
 * the shutdown byte"): platform.c keeps them, kbdgate.c filters the
 * passed-through (or hidden) i8042, and vkbd.c and vpci.c call in here
 * for the parts of their ports that are the platform's.
 */
#ifndef DEV_PLATFORM_H
#define DEV_PLATFORM_H

#include <stdint.h>

/* What the platform reaches above drivers/ (boot/main.c sets it). */
struct plat_hooks {
	/* The guest's A20 gate changed: what it sees of memory wraps at
	   1 MiB (off) or not (on). */
	void (*a20)(int on);
};
extern struct plat_hooks plat_hooks;

/* Takes 0x92, 0xCF9 (with pci=pass) and CMOS 0x0F (with rtc=pass), and
   the i8042's reset and A20 commands (kbd=pass, hide); modes are
   enum dev_mode.  Call once, before the device models. */
void plat_init(int kbd_mode, int rtc_mode, int pci_mode);

/* The guest's A20 gate: 1 on (the power-up state), 0 off. */
int plat_a20(void);
/* The guest sets its A20 gate (how: "port 0x92", ...). */
void plat_set_a20(int on, const char *how);

/*
 * The guest resets the machine (how: "port 0xcf9", ...): logged, hv's
 * integrity checked, then the real machine is reset for a power-on self
 * test (never a BIOS resume through 40:67).
 */
__attribute__((noreturn)) void plat_reset(const char *how);

/* Accesses to 0xCF8-0xCFB that are not CONFIG_ADDRESS dwords: the reset
   control register's byte is hv's, the others go to the real ports
   (for vpci.c, which has the whole range with pci=emulate or hide). */
uint32_t plat_pci_low_read(uint16_t port, int size);
void plat_pci_low_write(uint16_t port, int size, uint32_t v);

/* kbdgate.c: the i8042 passed through (hide: absent) but for its reset
   and A20 commands. */
void kbdgate_init(int hide);

#endif
