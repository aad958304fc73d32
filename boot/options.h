/*
 * hv's command line (documented in README.md, "Hypervisor options").
 *   console=com1|com2|e9|none  where hv's log goes (default com1)
 *   loglevel=0..3              0 errors, 1 warnings, 2 info (default), 3 debug
 *   exit_on_panic              on a panic, exit QEMU through port 0xf4
 *   selftest                   test hv's own pieces at boot
 *   selftest=panic             ... and then panic on purpose (tests the panic path)
 *   selftest=stack             ... and then overrun hv's stack (tests its guard page)
 *   hvmem=N[K|M]               size of hv's frame pool (default 4M, 1M to 4M)
 *   dtcache=N[K|M]             size of the code cache (default 4M, 8K to 4M)
 *   pic= pit= com1= com2= rtc= kbd= pci=
 *                              each device passed through (pass) or emulated
 *                              by hv (emulate); com1, com2, kbd and pci also
 *                              take hide (docs/DEVICES.md)
 *   dma=iommu|mediate|deny|trust
 *                              iommu: VT-d keeps devices out of hv's memory;
 *                              mediate: bus-master DMA of the IDE controllers
 *                              checked against hv's memory and every other PCI
 *                              function's bus mastering kept off; deny: kept
 *                              off for all; trust: neither (unsafe).  Default:
 *                              iommu where VT-d is, else mediate
 *                              (docs/DEVICES.md, "DMA")
 *   acpi_rsdp=ADDR             the ACPI RSDP's physical address (hex), for a
 *                              loader without Multiboot 2's ACPI tags (hvboot
 *                              on UEFI passes it so); the tags win
 *   watchdog=SECONDS           stop a guest that neither halts nor runs user
 *                              code for that long (default 0: off; 1 to 3600)
 *   pcihide=BB:DD.F[,...]      with pci=emulate, PCI functions the guest
 *                              does not see (at most OPT_PCI_HIDE_MAX: more
 *                              is an error)
 *   monitor=com1..com4|off     hv's monitor console (monitor/debug/console.c); on
 *                              the guest's COM1/COM2 it shares the line
 *                              (that UART defaults to emulate)
 *   gdb=com1..com4|off         the GDB stub (monitor/debug/gdbstub.c); the guest
 *                              waits for gdb; COM1/COM2 default to hide
 * The first word is skipped when it is the image's path (it holds '/' or
 * '.'), as GRUB and QEMU put it there.  The first BOOT_CMDLINE_MAX - 1
 * bytes are read (a warning names where the rest starts); a word longer
 * than 255 characters is an error.  Each problem is a line of its own.
 */
#ifndef BOOT_OPTIONS_H
#define BOOT_OPTIONS_H

#include <stdint.h>

#include "drivers/devices.h"
#include "drivers/dma.h"
#include "lib/log.h"

#define OPT_PCI_HIDE_MAX DEV_PCI_HIDE_MAX


struct options {
	enum console_kind console;
	int loglevel;
	int exit_on_panic;
	int selftest;		/* 1: selftest, 2: selftest=panic, 3: selftest=stack */
	uint32_t pool_size;
	uint32_t cache_size;
	uint32_t watchdog;	/* seconds; 0: off */
	uint32_t acpi_rsdp;	/* acpi_rsdp=: the RSDP's address; 0: none given */
	/*
	 * enum dev_mode per enum dev_kind.  After options_report, no entry is
	 * DEV_DEFAULT: pic is emulate when a device that raises interrupts
	 * (pit, com1, com2, rtc, kbd) is emulated, else pass.
	 */
	uint8_t dev[DEVK_COUNT];
	/* pcihide=: bus << 8 | device << 3 | function */
	uint16_t pci_hide[OPT_PCI_HIDE_MAX];
	int npci_hide;
	enum dma_mode dma;	/* dma=: DMA_AUTO by default */
	int monitor, gdb;	/* 0 off, 1-4 COMn (enum dbg_port, monitor/debug/debug.h) */
};


extern struct options opt;

/* Parses the command line; problems are kept until options_report. */
void options_parse(const char *cmdline);
/*
 * Logs the problems found (call once the console is up): unknown options
 * are warnings; a bad value of a known option is an error.  Returns the
 * number of errors.
 */
int options_report(void);

#endif
