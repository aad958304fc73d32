/*
 * A PCI network controller's bus mastering (PCI 3.0 6.2.2: with Bus Master
 * Enable clear a function generates no memory accesses of its own), for
 * scripts/test-dma.sh; not in MANIFEST (under hv its transcript differs
 * from the native one on purpose).  case=tx (the default): the guest finds
 * QEMU's e1000 on bus 0,
 * turns its memory decode and bus mastering on, reads the command
 * register back, and transmits one frame through a one-entry ring with
 * "report status" set (8254x manual 3.3.3, 3.4): the controller reads the
 * descriptor and the frame by DMA and writes the descriptor's DD bit
 * back.  Natively it does; under hv with dma=mediate or dma=deny the
 * guest reads the bit it set back as set, and the device never masters
 * the bus, so nothing is written back; with dma=trust it is.  case=arp:
 * see case_arp (with an IOMMU the same natively and under hv).
 */
#include "guest/lib/guest.h"
#include "lib/hw/e1000.h"
#include "lib/hw/pci.h"

GUEST_NAME("nicdma");

#define RING_ENTRIES	8	/* TDLEN: a multiple of 128 bytes */

static struct e1000_tx_desc ring[RING_ENTRIES] __attribute__((aligned(128)));
static struct e1000_rx_desc rxring[RING_ENTRIES] __attribute__((aligned(128)));
static uint8_t frame[64] __attribute__((aligned(16)));
static uint8_t rxbuf[2048] __attribute__((aligned(16)));
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

/* Makes the transmit ring's first descriptor send len bytes at frame. */
static void transmit(uint32_t len)
{
	memset(ring, 0, sizeof(ring));
	ring[0].addr = (uint32_t)frame;
	ring[0].length = (uint16_t)len;
	ring[0].cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	wr(E1000_TDBAL, (uint32_t)ring);
	wr(E1000_TDBAH, 0);
	wr(E1000_TDLEN, sizeof(ring));
	wr(E1000_TDH, 0);
	wr(E1000_TDT, 0);
	wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	wr(E1000_TDT, 1);
}

/* Waits for the controller to set bit in *status (at most spins reads). */
static int done(volatile uint8_t *status, uint8_t bit, int spins)
{
	while (spins--)
		if (*status & bit)
			return 1;
	return 0;
}

/* The controller, its memory decode and bus mastering turned on. */
static int setup(void)
{
	uint16_t bdf = 0;
	uint32_t cmd, bar;

	if (!t_check(find_nic(&bdf), "no e1000 (8086:100e) on bus 0"))
		return 0;
	bar = cfg_read(bdf, PCI_BAR0);
	if (!t_check(!(bar & PCI_BAR_IO) && (bar & PCI_BAR_MEM_MASK),
		     "BAR0 %08x is not a memory BAR", bar))
		return 0;
	regs = (volatile uint8_t *)(uintptr_t)(bar & PCI_BAR_MEM_MASK);
	cmd = cfg_read(bdf, PCI_COMMAND) & 0xFFFF;
	cfg_write16(bdf, PCI_COMMAND, (uint16_t)(cmd | PCI_CMD_MEM | PCI_CMD_MASTER));
	cmd = cfg_read(bdf, PCI_COMMAND) & 0xFFFF;
	t_check(cmd & PCI_CMD_MASTER, "bus master enable reads back clear (%04x)", cmd);
	return t_check(cmd & PCI_CMD_MEM, "memory decode reads back clear (%04x)", cmd);
}

/*
 * case=tx ecam=ADDR (q35): first PCIe's memory-mapped configuration space
 * there (PCIe 3.0 7.2.2: bus << 20 | device << 15 | function << 12): the
 * host bridge's id read through it, the e1000's bus mastering turned on
 * through it, and through ports 0xCF8/0xCFC the enable bit of q35's
 * PCIEXBAR (00:00.0, 0x60) set again, then the id read once more.
 */
static void ecam_probe(uint32_t ecam)
{
	uint16_t bdf = 0;
	volatile uint32_t *hb = (volatile uint32_t *)ecam;

	gprintf("nicdma: through ECAM, 00:00.0 reads %08x\n", hb[0]);
	if (find_nic(&bdf)) {
		volatile uint16_t *cmd = (volatile uint16_t *)(ecam + ((uint32_t)bdf << 12) +
							   PCI_COMMAND);

		*cmd = (uint16_t)(*cmd | PCI_CMD_MEM | PCI_CMD_MASTER);
	}
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | 0x60);
	outl(PCI_CONFIG_DATA, inl(PCI_CONFIG_DATA) | 1);
	gprintf("nicdma: PCIEXBAR set on again; through ECAM, 00:00.0 reads %08x\n", hb[0]);
}

/* One frame to the broadcast address; is its descriptor written back? */
static void case_tx(void)
{
	uint32_t ecam = guest_arg_u32("ecam", 0);

	t_begin("tx");
	if (ecam)
		ecam_probe(ecam);
	if (setup()) {
		for (unsigned i = 0; i < sizeof(frame); i++)
			frame[i] = i < 6 ? 0xFF : (uint8_t)i;
		transmit(sizeof(frame));
		done(&ring[0].status, E1000_TXD_STAT_DD, 1000000);	/* at once, in QEMU */
		gprintf("nicdma: the controller took the descriptor: %s\n",
			rd(E1000_TDH) == 1 ? "yes" : "no");
		gprintf("nicdma: its status written back by DMA: %s\n",
			ring[0].status & E1000_TXD_STAT_DD ? "yes" : "no");
		wr(E1000_TCTL, 0);
	}
	t_end();
}

/* The CMOS clock's seconds register (MC146818: index 0 at port 0x70). */
static uint8_t rtc_seconds(void)
{
	outb(0x70, 0);
	return inb(0x71);
}

/*
 * The reply comes when QEMU's network backend gets to it, in the host's
 * time: waits for the DD bit up to 10 seconds by the real-time clock.
 */
static int wait_rx(volatile uint8_t *status)
{
	uint8_t last = rtc_seconds();

	for (int ticks = 0; ticks < 10;) {
		for (int i = 0; i < 100000; i++)
			if (*status & E1000_RXD_STAT_DD)
				return 1;
		if (rtc_seconds() != last) {
			last = rtc_seconds();
			ticks++;
		}
	}
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * An ARP request for 10.0.2.2 (QEMU's user network answers for its
 * gateway; RFC 826), the reply received by DMA into buf=ADDR (default:
 * the guest's own buffer; under hv an attack aims it at hv's memory).
 * unit=ADDR first writes 0 to the global command register of a VT-d unit
 * there (an attack on the IOMMU hv programs).
 */
static void case_arp(void)
{
	static const uint8_t me_ip[4] = { 10, 0, 2, 15 }, gw_ip[4] = { 10, 0, 2, 2 };
	uint32_t buf = guest_arg_u32("buf", (uint32_t)rxbuf), unit = guest_arg_u32("unit", 0);
	uint32_t ral, rah;
	uint8_t mac[6], *f = frame;
	int got;

	t_begin("arp");
	if (!setup()) {
		t_end();
		return;
	}
	ral = rd(E1000_RAL0);
	rah = rd(E1000_RAH0);
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(ral >> (8 * i));
	mac[4] = (uint8_t)rah;
	mac[5] = (uint8_t)(rah >> 8);
	gprintf("nicdma: station address %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", mac[0],
		mac[1], mac[2], mac[3], mac[4], mac[5],
		rd(E1000_STATUS) & E1000_STATUS_LU ? "up" : "down");
	if (unit) {
		/* A VT-d unit's global command register (10.4.4): 0 turns
		   translation off, natively. */
		*(volatile uint32_t *)(unit + 0x18) = 0;
		gprintf("nicdma: wrote 0 to the command register at %08x; status reads %08x\n",
			unit + 0x18, *(volatile uint32_t *)(unit + 0x1C));
	}
	memset(rxring, 0, sizeof(rxring));
	for (int i = 0; i < RING_ENTRIES; i++)
		rxring[i].addr = buf;
	wr(E1000_RDBAL, (uint32_t)rxring);
	wr(E1000_RDBAH, 0);
	wr(E1000_RDLEN, sizeof(rxring));
	wr(E1000_RDH, 0);
	wr(E1000_RDT, RING_ENTRIES - 1);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);

	memset(frame, 0, sizeof(frame));
	memset(f, 0xFF, 6);			/* to everyone */
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0806);			/* ARP */
	put16(f + 14, 1);			/* Ethernet */
	put16(f + 16, 0x0800);			/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);			/* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, me_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	transmit(42);
	got = wait_rx(&rxring[0].status);
	gprintf("nicdma: a frame received: %s\n", got ? "yes" : "no");
	if (got && buf == (uint32_t)rxbuf) {
		const uint8_t *r = rxbuf;

		gprintf("nicdma: %u bytes, type %02x%02x, ARP op %u, from "
			"%02x:%02x:%02x:%02x:%02x:%02x (%u.%u.%u.%u) for %u.%u.%u.%u\n",
			rxring[0].length, r[12], r[13], r[20] << 8 | r[21], r[22], r[23], r[24],
			r[25], r[26], r[27], r[28], r[29], r[30], r[31], r[38], r[39], r[40],
			r[41]);
		t_check(r[20] == 0 && r[21] == 2 && !memcmp(r + 28, gw_ip, 4),
			"not an ARP reply from 10.0.2.2");
	}
	wr(E1000_RCTL, 0);
	wr(E1000_TCTL, 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	(void)mbi;
	if (c && !strcmp(c, "arp"))
		case_arp();
	else
		case_tx();
}
