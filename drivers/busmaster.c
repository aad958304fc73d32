/*
 * Bus Master Enable kept off for the PCI functions whose DMA hv does not
 * mediate (PCI Local Bus specification 3.0, 6.2.2 "Command Register", bit
 * 2: while it is clear the function may not generate memory or I/O
 * accesses of its own; docs/DEVICES.md, "DMA").
 *
 * With dma=mediate every function but the mediated IDE controllers and
 * the bridges is filtered, with dma=deny every function but the bridges
 * (a bridge forwards its secondary side's requests; the functions behind
 * it are filtered themselves).  At boot hv clears the bit on the real bus
 * and keeps what the firmware had left as the guest's view.  Afterwards a
 * configuration write that covers the bit records it as the guest's and
 * reaches the bus with the bit clear; a read returns the guest's bit in
 * its place.  So a driver that sets the bit reads it back set, and its
 * device never masters the bus: a DMA it starts does not happen.
 *
 * On q35 a guest could write the bit through PCIe's memory-mapped
 * configuration space, which hv does not watch: hv turns that space off
 * at the chipset (busmaster_ecam_off) and refuses the guest's writes to
 * the register that would turn it on again; the MCFG table is renamed.
 */
#include "drivers/dma.h"

#include "lib/hw/pci.h"
#include "lib/log.h"

#define BME_BIT 2	/* PCI_CMD_MASTER */

static struct {
	uint16_t bdf;
	uint8_t guest_on;	/* the bit as the guest last wrote it */
	uint8_t said;		/* the guest's first setting logged */
} fn[BUSMASTER_MAX];
static int nfn;
static int ecam_off;	/* q35's PCIEXBAR turned off by hv, and kept so */

/* Q35's MCH (Intel 3 Series / ICH9 datasheet: 00:00.0, 8086:29C0) decodes
   PCIe's memory-mapped configuration space at PCIEXBAR (0x60, bit 0). */
#define Q35_MCH_ID	0x29C08086u
#define Q35_PCIEXBAR	0x60

static int find(uint16_t bdf)
{
	for (int i = 0; i < nfn; i++)
		if (fn[i].bdf == bdf)
			return i;
	return -1;
}

void busmaster_keep_off(uint16_t bdf, uint32_t id, uint32_t class, uint32_t cmd,
			void (*write_cmd)(uint16_t bdf, uint16_t cmd))
{
	if (nfn == BUSMASTER_MAX) {
		log_warn("dma", "%02x:%02x.%x: more than %d PCI functions: its bus mastering "
			 "is not kept off", bdf >> 8, bdf >> 3 & 0x1F, bdf & 7, BUSMASTER_MAX);
		return;
	}
	fn[nfn].bdf = bdf;
	fn[nfn].guest_on = (cmd & PCI_CMD_MASTER) != 0;
	nfn++;
	if (cmd & PCI_CMD_MASTER)
		write_cmd(bdf, (uint16_t)(cmd & ~PCI_CMD_MASTER));
	if ((class >> 24) == PCI_CLASS_STORAGE)
		log_warn("dma", "%02x:%02x.%x (%04x:%04x, class %04x): a disk controller whose DMA "
			 "hv cannot mediate: bus mastering kept off, its transfers will fail "
			 "(an IOMMU, or dma=trust, runs it)", bdf >> 8, bdf >> 3 & 0x1F, bdf & 7,
			 id & 0xFFFF, id >> 16, class >> 16);
	else
		log_info("dma", "%02x:%02x.%x (%04x:%04x, class %04x): bus mastering kept off",
			 bdf >> 8, bdf >> 3 & 0x1F, bdf & 7, id & 0xFFFF, id >> 16, class >> 16);
}

int busmaster_filtered(void)
{
	return nfn;
}

/* The bit's position in an access of size bytes at reg, or -1. */
static int bit_in(int reg, int size)
{
	if (reg > PCI_COMMAND || reg + size <= PCI_COMMAND)
		return -1;
	return (PCI_COMMAND - reg) * 8 + BME_BIT;
}

uint32_t busmaster_read(uint16_t bdf, int reg, int size, uint32_t v)
{
	int i = find(bdf), pos = bit_in(reg, size);

	if (i < 0 || pos < 0)
		return v;
	return (v & ~(1u << pos)) | (uint32_t)fn[i].guest_on << pos;
}

uint32_t busmaster_write(uint16_t bdf, int reg, int size, uint32_t v)
{
	int i = find(bdf), pos = bit_in(reg, size);

	if (i < 0 || pos < 0)
		return v;
	fn[i].guest_on = (v >> pos) & 1;
	if (fn[i].guest_on && !fn[i].said) {
		fn[i].said = 1;
		log_info("dma", "%02x:%02x.%x: the guest enables bus mastering: kept off",
			 bdf >> 8, bdf >> 3 & 0x1F, bdf & 7);
	}
	return v & ~(1u << pos);
}

int busmaster_ecam_off(uint32_t id0, uint32_t pciexbar, void (*write_bar)(uint32_t v))
{
	if (id0 != Q35_MCH_ID || !(pciexbar & 1))
		return 0;
	write_bar(pciexbar & ~1u);
	ecam_off = 1;
	log_info("dma", "00:00.0 (8086:29c0): PCIe's memory-mapped configuration space at %08x "
		 "turned off, the guest's configuration goes through ports 0xcf8/0xcfc",
		 pciexbar & 0xF0000000u);
	return 1;
}

int busmaster_write_refused(uint16_t bdf, int reg, int size)
{
	/* The guest may not turn it back on, nor move it. */
	return ecam_off && bdf == 0 && reg < Q35_PCIEXBAR + 8 && reg + size > Q35_PCIEXBAR;
}
