/*
 * A PCI network controller's bus mastering (PCI 3.0 6.2.2: with Bus Master
 * Enable clear a function generates no memory accesses of its own), for
 * scripts/test-dma.sh; not in MANIFEST (under hv its transcript differs
 * from the native one on purpose).  The guest finds QEMU's e1000 on bus 0,
 * turns its memory decode and bus mastering on, reads the command
 * register back, and transmits one frame through a one-entry ring with
 * "report status" set (8254x manual 3.3.3, 3.4): the controller reads the
 * descriptor and the frame by DMA and writes the descriptor's DD bit
 * back.  Natively it does; under hv with dma=mediate or dma=deny the
 * guest reads the bit it set back as set, and the device never masters
 * the bus, so nothing is written back; with dma=trust it is.
 */
#include "guest/lib/guest.h"
#include "lib/hw/e1000.h"
#include "lib/hw/pci.h"

GUEST_NAME("nicdma");

#define RING_ENTRIES	8	/* TDLEN: a multiple of 128 bytes */

static struct e1000_tx_desc ring[RING_ENTRIES] __attribute__((aligned(128)));
static uint8_t frame[64] __attribute__((aligned(16)));
static volatile uint8_t *regs;

static uint32_t cfg_read(uint16_t bdf, int reg)
{
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (uint32_t)(reg & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

static void cfg_write16(uint16_t bdf, int reg, uint16_t v)
{
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (uint32_t)(reg & 0xFC));
	outw(PCI_CONFIG_DATA + (reg & 2), v);
}

static void wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(regs + reg) = v;
}

static uint32_t rd(uint32_t reg)
{
	return *(volatile uint32_t *)(regs + reg);
}

static int find_nic(uint16_t *out)
{
	for (int dev = 0; dev < 32; dev++) {
		uint16_t bdf = (uint16_t)PCI_BDF(0, dev, 0);
		uint32_t id = cfg_read(bdf, PCI_VENDOR_ID);

		if ((id & 0xFFFF) == E1000_VENDOR && (id >> 16) == E1000_82540EM) {
			*out = bdf;
			return 1;
		}
	}
	return 0;
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	uint16_t bdf = 0;
	uint32_t cmd, bar;
	int spins;

	(void)magic;
	(void)mbi;
	t_begin("nic");
	if (!t_check(find_nic(&bdf), "no e1000 (8086:100e) on bus 0")) {
		t_end();
		return;
	}
	bar = cfg_read(bdf, PCI_BAR0);
	t_check(!(bar & PCI_BAR_IO) && (bar & PCI_BAR_MEM_MASK), "BAR0 %08x is not a memory BAR",
		bar);
	regs = (volatile uint8_t *)(uintptr_t)(bar & PCI_BAR_MEM_MASK);
	cmd = cfg_read(bdf, PCI_COMMAND) & 0xFFFF;
	cfg_write16(bdf, PCI_COMMAND, (uint16_t)(cmd | PCI_CMD_MEM | PCI_CMD_MASTER));
	cmd = cfg_read(bdf, PCI_COMMAND) & 0xFFFF;
	t_check(cmd & PCI_CMD_MASTER, "bus master enable reads back clear (%04x)", cmd);
	t_check(cmd & PCI_CMD_MEM, "memory decode reads back clear (%04x)", cmd);

	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = i < 6 ? 0xFF : (uint8_t)i;	/* to the broadcast address */
	memset(ring, 0, sizeof(ring));
	ring[0].addr = (uint32_t)frame;
	ring[0].length = sizeof(frame);
	ring[0].cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	wr(E1000_TDBAL, (uint32_t)ring);
	wr(E1000_TDBAH, 0);
	wr(E1000_TDLEN, sizeof(ring));
	wr(E1000_TDH, 0);
	wr(E1000_TDT, 0);
	wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	wr(E1000_TDT, 1);
	for (spins = 0; spins < 100000; spins++)
		if (*(volatile uint8_t *)&ring[0].status & E1000_TXD_STAT_DD)
			break;
	gprintf("nicdma: the controller took the descriptor: %s\n", rd(E1000_TDH) == 1 ? "yes" : "no");
	gprintf("nicdma: its status written back by DMA: %s\n",
		*(volatile uint8_t *)&ring[0].status & E1000_TXD_STAT_DD ? "yes" : "no");
	wr(E1000_TCTL, 0);
	t_end();
}
