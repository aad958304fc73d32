/*
 * Finding the PCI IDE controllers and following their bus-master BAR
 * (PCI Local Bus specification 3.0: 6.2.1 class code, 6.2.2 command
 * register, 6.2.5.1 I/O base address registers; 3.2.2.3.2 configuration
 * mechanism #1; PCI-to-PCI bridge architecture 1.1, 3.2.5.4 secondary
 * bus; docs/DEVICES.md, "DMA").
 *
 * At boot hv walks bus 0 and the buses behind its bridges for functions
 * of class 01:01 and hands each one's BAR4 (an I/O BAR of 16 ports) to
 * idedma.c.  The guest may move the BAR or turn the function's I/O decode
 * off and on: every configuration write of the guest reaches
 * idepci_config_written once it is on the real bus (vpci.c calls it with
 * pci=emulate; with pci=pass hv takes CONFIG_DATA here and passes it
 * through), which reads the BAR and the command register back and moves
 * the mediation to where the controller now decodes.  A BAR that would
 * put one of the bus master's ports on a port hv already takes (whose
 * handler may pass it to the real machine unmediated) stops the guest.
 */
#include "drivers/dma.h"

#include "drivers/acpi.h"
#include "drivers/devices.h"
#include "drivers/ioport.h"
#include "lib/hw/idebm.h"
#include "lib/hw/pci.h"
#include "lib/log.h"

static uint16_t ide_bdf[IDEDMA_MAX];
static int nide;

/* A configuration dword of hv's, the guest's CONFIG_ADDRESS kept. */
static uint32_t cfg_read(uint16_t bdf, int reg)
{
	uint32_t saved = io_native_read(PCI_CONFIG_ADDR, 4), v;

	io_native_write(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (uint32_t)reg);
	v = io_native_read(PCI_CONFIG_DATA, 4);
	io_native_write(PCI_CONFIG_ADDR, 4, saved);
	return v;
}

/* Writes function bdf's command register (a word), CONFIG_ADDRESS kept. */
static void cmd_write(uint16_t bdf, uint16_t cmd)
{
	uint32_t saved = io_native_read(PCI_CONFIG_ADDR, 4);

	io_native_write(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | PCI_COMMAND);
	io_native_write(PCI_CONFIG_DATA + (PCI_COMMAND & 3), 2, cmd);
	io_native_write(PCI_CONFIG_ADDR, 4, saved);
}

/* q35's PCIEXBAR, low dword (00:00.0, register 0x60). */
static void pciexbar_write(uint32_t v)
{
	uint32_t saved = io_native_read(PCI_CONFIG_ADDR, 4);

	io_native_write(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | 0x60);
	io_native_write(PCI_CONFIG_DATA, 4, v);
	io_native_write(PCI_CONFIG_ADDR, 4, saved);
}

/* Where function bdf's bus master decodes now: 0 for nowhere. */
static uint16_t decoded_base(uint16_t bdf)
{
	uint32_t bar = cfg_read(bdf, PCI_BAR4), cmd = cfg_read(bdf, PCI_COMMAND);
	uint32_t base = bar & PCI_BAR_IO_MASK;

	if (!(bar & PCI_BAR_IO) || !(cmd & PCI_CMD_IO) || !base || base > 0x10000 - BM_PORTS)
		return 0;
	return (uint16_t)base;
}

void idepci_config_written(uint16_t bdf, int reg, int size)
{
	for (int i = 0; i < nide; i++) {
		if (ide_bdf[i] != bdf)
			continue;
		/* Only the command register and BAR4 move the ports. */
		if ((reg < PCI_COMMAND + 2 && reg + size > PCI_COMMAND) ||
		    (reg < PCI_BAR4 + 4 && reg + size > PCI_BAR4))
			idedma_move(i, decoded_base(bdf));
		return;
	}
}

/* --- CONFIG_DATA with pci=pass: through, watched --- */

static uint32_t data_read(void *ctx, uint16_t port, int size)
{
	uint32_t addr = io_native_read(PCI_CONFIG_ADDR, 4), v = io_native_read(port, size);

	(void)ctx;
	if (!(addr & PCI_ADDR_ENABLE))
		return v;
	return busmaster_read((uint16_t)PCI_ADDR_BDF(addr),
			      (int)PCI_ADDR_REG(addr) + (port - PCI_CONFIG_DATA), size, v);
}

static void data_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	uint32_t addr = io_native_read(PCI_CONFIG_ADDR, 4);
	uint16_t bdf = (uint16_t)PCI_ADDR_BDF(addr);
	int reg = (int)PCI_ADDR_REG(addr) + (port - PCI_CONFIG_DATA);

	(void)ctx;
	if (!(addr & PCI_ADDR_ENABLE)) {
		io_native_write(port, size, v);
		return;
	}
	if (busmaster_write_refused(bdf, reg, size))
		return;
	io_native_write(port, size, busmaster_write(bdf, reg, size, v));
	idepci_config_written(bdf, reg, size);
}

/* --- the walk --- */

static void scan_bus(int bus, int depth, enum dma_mode mode)
{
	for (int dev = 0; dev < 32; dev++) {
		for (int fn = 0; fn < 8; fn++) {
			uint16_t bdf = (uint16_t)PCI_BDF(bus, dev, fn);
			uint32_t id = cfg_read(bdf, PCI_VENDOR_ID), class, ht;

			if ((id & 0xFFFF) == 0xFFFF) {
				if (fn == 0)
					break;
				continue;
			}
			class = cfg_read(bdf, PCI_CLASS_REG);
			ht = cfg_read(bdf, PCI_HEADER_TYPE & ~3) >> 16 & 0xFF;
			if ((class >> 16) == PCI_CLASS_IDE && mode == DMA_MEDIATE &&
			    nide < IDEDMA_MAX) {
				idedma_add(nide, bdf, decoded_base(bdf));
				ide_bdf[nide++] = bdf;
			} else if ((class >> 24) != PCI_CLASS_BRIDGE) {
				busmaster_keep_off(bdf, id, class, cfg_read(bdf, PCI_COMMAND),
						   cmd_write);
			}
			if ((ht & 0x7F) == 1 && depth < 8)
				scan_bus((int)(cfg_read(bdf, PCI_SECONDARY_BUS & ~3) >> 8 & 0xFF),
					 depth + 1, mode);
			if (fn == 0 && !(ht & PCI_HT_MULTI))
				break;
		}
	}
}

int dma_init(enum dma_mode mode, int pci_mode, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	const char *why;
	int n;

	if (mode == DMA_TRUST) {
		log_warn("dma", "dma=trust: the devices the guest drives can write hv's memory");
		return 0;
	}
	if (mode == DMA_AUTO || mode == DMA_IOMMU) {
		n = iommu_init(map_mmio, &why);
		if (n > 0)
			return 0;	/* it keeps every device out */
		if (mode == DMA_IOMMU) {
			log_err("dma", "dma=iommu: no usable IOMMU: %s", why);
			return -1;
		}
		if (n < 0)
			log_warn("dma", "the IOMMU cannot be used (%s): DMA mediated instead", why);
		mode = DMA_MEDIATE;
	}
	/* No configuration writes hv does not see: q35's ECAM off, and the
	   guest finds no MCFG table to look for it. */
	if (busmaster_ecam_off(cfg_read(0, PCI_VENDOR_ID), cfg_read(0, 0x60), pciexbar_write) &&
	    acpi_table("MCFG"))
		acpi_rename(acpi_table("MCFG"), "HVMC");
	scan_bus(0, 0, mode);
	if (!nide && mode == DMA_MEDIATE)
		log_info("dma", "no PCI IDE controller: nothing to mediate");
	if (!nide && !busmaster_filtered())
		return 0;
	if (pci_mode == DEV_PASS)
		io_register(PCI_CONFIG_DATA, PCI_CONFIG_DATA + 3, "PCI config data (watched)",
			    data_read, data_write, 0);
	return 0;
}
