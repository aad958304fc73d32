/*
 * The guest's PCI configuration space through mechanism #1 (PCI Local
 * Bus specification 3.0, 3.2.2.3.2), intercepted (pci=emulate, pci=hide).
 *
 * CONFIG_ADDRESS is the guest's own register: a dword write at 0xCF8
 * sets it and a dword read returns it.  A CONFIG_DATA access (any size
 * at 0xCFC-0xCFF) with the enable bit set is made on the real bus for
 * the function the guest addressed, unless that function is hidden: then
 * reads return all ones (no device answers, so the vendor ID reads
 * 0xFFFF) and writes go nowhere.  pci=hide hides every function;
 * pcihide= lists the ones to hide.  Byte and word accesses to 0xCF8-0xCFB
 * are not configuration cycles: the reset control register at 0xCF9 is
 * hv's (drivers/platform.c), the other bytes go to the real ports.
 */
#include "drivers/vdev.h"

#include "drivers/devices.h"
#include "drivers/dma.h"
#include "drivers/platform.h"
#include "lib/hw/pci.h"
#include "lib/log.h"

#define MAX_HIDDEN 8

static int hide_all;
static uint16_t hidden[MAX_HIDDEN];
static int nhidden;
static uint32_t address;

static int is_hidden(uint16_t bdf)
{
	if (hide_all)
		return 1;
	for (int i = 0; i < nhidden; i++)
		if (hidden[i] == bdf)
			return 1;
	return 0;
}

static uint32_t pci_read(void *ctx, uint16_t port, int size)
{
	uint32_t ones = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
	uint32_t v;

	(void)ctx;
	if (port < PCI_CONFIG_DATA) {
		if (port == PCI_CONFIG_ADDR && size == 4)
			return address;
		return plat_pci_low_read(port, size);
	}
	if (!(address & PCI_ADDR_ENABLE) || is_hidden((uint16_t)PCI_ADDR_BDF(address)))
		return ones;
	io_native_write(PCI_CONFIG_ADDR, 4, address);
	v = io_native_read(port, size);
	return busmaster_read((uint16_t)PCI_ADDR_BDF(address),
			      (int)PCI_ADDR_REG(address) + (port - PCI_CONFIG_DATA), size, v);
}

static void pci_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	uint16_t bdf;
	int reg;

	(void)ctx;
	if (port < PCI_CONFIG_DATA) {
		if (port == PCI_CONFIG_ADDR && size == 4)
			address = v;
		else
			plat_pci_low_write(port, size, v);
		return;
	}
	if (!(address & PCI_ADDR_ENABLE) || is_hidden((uint16_t)PCI_ADDR_BDF(address)))
		return;
	io_native_write(PCI_CONFIG_ADDR, 4, address);
	bdf = (uint16_t)PCI_ADDR_BDF(address);
	reg = (int)PCI_ADDR_REG(address) + (port - PCI_CONFIG_DATA);
	/* Bus mastering stays off where hv keeps it off; a moved IDE bus
	   master (dma=mediate) is followed. */
	if (busmaster_write_refused(bdf, reg, size))
		return;
	io_native_write(port, size, busmaster_write(bdf, reg, size, v));
	idepci_config_written(bdf, reg, size);
}

void vpci_init(int hide, const uint16_t *bdf, int n)
{
	hide_all = hide;
	for (int i = 0; i < n && i < MAX_HIDDEN; i++) {
		hidden[nhidden++] = bdf[i];
		log_info("dev", "pci: %02x:%02x.%x hidden from the guest", bdf[i] >> 8,
			 bdf[i] >> 3 & 0x1F, bdf[i] & 7);
	}
	address = io_native_read(PCI_CONFIG_ADDR, 4);
	dev_register(PCI_CONFIG_ADDR, PCI_CONFIG_DATA + 3, hide ? "PCI config (hidden)" :
		     "PCI config (emulated)", pci_read, pci_write, 0);
}
