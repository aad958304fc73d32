/*
 * drivers/vkbd.c (i8042) against the PC/AT and PS/2 technical references,
 * and drivers/vpci.c (configuration mechanism #1) against the PCI Local
 * Bus specification; their reset and A20 parts go to drivers/platform.c
 * (test_platform.c has the rest of it).
 */
#include "tests/devices/harness.h"

#include "lib/hw/i8042.h"
#include "drivers/devices.h"
#include "drivers/ioport.h"
#include "drivers/platform.h"
#include "drivers/dma.h"
#include "lib/hw/pci.h"
#include "drivers/vdev.h"

static int obf(void)
{
	return inb_g(PORT_KBD_CMD) & KBD_ST_OBF;
}

void test_vkbd(void)
{
	int e1, e12;

	harness_reset();
	real_port[PORT_KBD_DATA] = 0x61;	/* the BIOS's command byte */
	real_port[PORT_SYSCTL_A] = SYSA_A20;
	plat_init(DEV_EMULATE, DEV_EMULATE, DEV_EMULATE);	/* port 0x92 */
	vkbd_init(0);
	real_writes_64 = 0;	/* the init read the real command byte */

	group("vkbd: controller commands");
	outb_g(PORT_KBD_CMD, KBC_READ_CB);
	CHECK_EQ("command byte as the BIOS left it", inb_g(PORT_KBD_DATA), 0x61);
	CHECK_EQ("empty again", obf(), 0);
	outb_g(PORT_KBD_CMD, KBC_SELF_TEST);
	CHECK_EQ("status: OBF, SYS, A2", inb_g(PORT_KBD_CMD) &
		 (KBD_ST_OBF | KBD_ST_SYS | KBD_ST_A2), KBD_ST_OBF | KBD_ST_SYS | KBD_ST_A2);
	CHECK_EQ("self test", inb_g(PORT_KBD_DATA), KBC_SELF_TEST_OK);
	outb_g(PORT_KBD_CMD, KBC_WRITE_CB);
	outb_g(PORT_KBD_DATA, KBD_CB_INT | KBD_CB_INT2 | KBD_CB_XLAT);
	CHECK_EQ("A2 clear after data", inb_g(PORT_KBD_CMD) & KBD_ST_A2, 0);
	e1 = line_edges[KBD_IRQ];
	e12 = line_edges[AUX_IRQ];
	outb_g(PORT_KBD_DATA, KBD_CMD_ID);
	CHECK_EQ("IRQ1 with keyboard data", line_edges[KBD_IRQ] - e1, 1);
	CHECK_EQ("ack", inb_g(PORT_KBD_DATA), KBD_REPLY_ACK);
	CHECK_EQ("a new edge for the next byte", line_edges[KBD_IRQ] - e1, 2);
	CHECK_EQ("id 1", inb_g(PORT_KBD_DATA), KBD_ID_1);
	CHECK_EQ("id 2, translated", inb_g(PORT_KBD_DATA), KBD_ID_2_XLAT);
	CHECK_EQ("line low when empty", line_level[KBD_IRQ], 0);
	outb_g(PORT_KBD_CMD, KBC_WRITE_AUX_OB);
	outb_g(PORT_KBD_DATA, 0x77);
	CHECK_EQ("AUXB", inb_g(PORT_KBD_CMD) & KBD_ST_AUXB, KBD_ST_AUXB);
	CHECK_EQ("IRQ12 with auxiliary data", line_edges[AUX_IRQ] - e12, 1);
	CHECK_EQ("the byte", inb_g(PORT_KBD_DATA), 0x77);
	outb_g(PORT_KBD_DATA, 0x12);	/* an unknown keyboard command */
	CHECK_EQ("resend", inb_g(PORT_KBD_DATA), KBD_REPLY_RESEND);

	group("vkbd: A20 and reset");
	outb_g(PORT_KBD_CMD, KBC_READ_OUTPUT);
	CHECK_EQ("output port", inb_g(PORT_KBD_DATA) & 3, KBD_OUT_A20 | KBD_OUT_RESET);
	outb_g(PORT_KBD_CMD, KBC_A20_OFF);
	CHECK_EQ("0xDD: the guest's gate off", plat_a20(), 0);
	outb_g(PORT_KBD_CMD, KBC_READ_OUTPUT);
	CHECK_EQ("the output port reads it", inb_g(PORT_KBD_DATA) & KBD_OUT_A20, 0);
	CHECK_EQ("port 0x92 keeps its own latch", inb_g(PORT_SYSCTL_A) & SYSA_A20, SYSA_A20);
	outb_g(PORT_KBD_CMD, KBC_WRITE_OUTPUT);
	outb_g(PORT_KBD_DATA, KBD_OUT_RESET | KBD_OUT_A20);
	CHECK_EQ("output port written: gate on", plat_a20(), 1);
	outb_g(PORT_KBD_CMD, KBC_READ_OUTPUT);
	CHECK_EQ("and back", inb_g(PORT_KBD_DATA) & KBD_OUT_A20, KBD_OUT_A20);
	CHECK_EQ("no reset yet", plat_resets, 0);
	EXPECT_RESET(outb_g(PORT_KBD_CMD, KBC_PULSE | 0x0E));
	CHECK_EQ("pulse command 0xFE: hv's reset", plat_resets, 1);
	EXPECT_RESET(outb_g(PORT_KBD_CMD, KBC_WRITE_OUTPUT); outb_g(PORT_KBD_DATA, KBD_OUT_A20));
	CHECK_EQ("output port bit 0 low: hv's reset", plat_resets, 2);
	outb_g(PORT_KBD_CMD, KBC_PULSE | 0x0F);
	CHECK_EQ("a pulse of no line resets nothing", plat_resets, 2);
	CHECK_EQ("the real controller got none of it", real_writes_64, 0);
	CHECK_EQ("the real port 0x92 untouched", real_port[PORT_SYSCTL_A], SYSA_A20);
	CHECK_EQ("port 0x80 reads 0xFF", inb_g(PORT_POST), 0xFF);
}

static uint32_t cfg(uint16_t bdf, uint8_t reg)
{
	gout(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | reg);
	return gin(PCI_CONFIG_DATA, 4);
}

static uint16_t cmd_written;

static void write_cmd(uint16_t bdf, uint16_t cmd)
{
	(void)bdf;
	cmd_written = cmd;
}

/* Bus Master Enable kept off (drivers/busmaster.c, PCI 3.0 6.2.2), through
   vpci's configuration accesses; the harness's bus answers every function
   with the same four bytes. */
static void test_busmaster(void)
{
	uint16_t fn = PCI_BDF(0, 4, 0);

	group("busmaster: bus mastering kept off");
	busmaster_keep_off(fn, 0x100E8086, 0x02000000, PCI_CMD_MEM | PCI_CMD_MASTER, write_cmd);
	CHECK_EQ("the bit cleared on the bus at boot", cmd_written, PCI_CMD_MEM);
	real_port[PCI_CONFIG_DATA] = PCI_CMD_MEM;	/* the command register, low byte */
	real_port[PCI_CONFIG_DATA + 1] = 0;
	gout(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | (uint32_t)fn << 8 | PCI_COMMAND);
	CHECK_EQ("the guest reads the firmware's bit", gin(PCI_CONFIG_DATA, 2),
		 PCI_CMD_MEM | PCI_CMD_MASTER);
	gout(PCI_CONFIG_DATA, 2, PCI_CMD_IO | PCI_CMD_MEM);
	CHECK_EQ("the guest clears it", gin(PCI_CONFIG_DATA, 1), PCI_CMD_IO | PCI_CMD_MEM);
	gout(PCI_CONFIG_DATA, 1, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
	CHECK_EQ("a byte write setting it reaches the bus without it",
		 real_port[PCI_CONFIG_DATA], PCI_CMD_IO | PCI_CMD_MEM);
	CHECK_EQ("and reads back set, as a dword", gin(PCI_CONFIG_DATA, 4) & 0xFFFF,
		 PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
	gout(PCI_CONFIG_ADDR, 4, PCI_ADDR_ENABLE | (uint32_t)PCI_BDF(0, 5, 0) << 8 | PCI_COMMAND);
	CHECK_EQ("another function's bit passes", gin(PCI_CONFIG_DATA, 1),
		 PCI_CMD_IO | PCI_CMD_MEM);
	gout(PCI_CONFIG_DATA, 1, PCI_CMD_MASTER);
	CHECK_EQ("both ways", real_port[PCI_CONFIG_DATA], PCI_CMD_MASTER);
}

void test_vpci(void)
{
	static const uint16_t hide[] = { PCI_BDF(0, 3, 0) };
	uint8_t cf9;

	harness_reset();
	real_port[PCI_CONFIG_DATA] = 0x86;	/* the "bus": any function reads 8086:1237 */
	real_port[PCI_CONFIG_DATA + 1] = 0x80;
	real_port[PCI_CONFIG_DATA + 2] = 0x37;
	real_port[PCI_CONFIG_DATA + 3] = 0x12;
	vpci_init(0, hide, 1);

	group("vpci: configuration mechanism #1");
	gout(PCI_CONFIG_ADDR, 4, 0x80001234);
	CHECK_EQ("CONFIG_ADDRESS reads back", gin(PCI_CONFIG_ADDR, 4), 0x80001234);
	CHECK_EQ("a visible function", cfg(PCI_BDF(0, 1, 0), 0), 0x12378086);
	CHECK_EQ("the real CONFIG_ADDRESS", io_native_read(PCI_CONFIG_ADDR, 4),
		 PCI_ADDR_ENABLE | PCI_BDF(0, 1, 0) << 8);
	CHECK_EQ("word at 0xCFE", gin(PCI_CONFIG_DATA + 2, 2), 0x1237);
	CHECK_EQ("a hidden function", cfg(PCI_BDF(0, 3, 0), 0), 0xFFFFFFFF);
	CHECK_EQ("a hidden byte", gin(PCI_CONFIG_DATA + 1, 1), 0xFF);
	gout(PCI_CONFIG_DATA, 4, 0);
	CHECK_EQ("writes to it go nowhere", io_native_read(PCI_CONFIG_DATA, 4), 0x12378086);
	gout(PCI_CONFIG_ADDR, 4, 0x00000800);
	CHECK_EQ("enable bit clear", gin(PCI_CONFIG_DATA, 4), 0xFFFFFFFF);
	/* (The harness's ports are bytes: the real CONFIG_ADDRESS dword
	   written above shares its second byte with 0xCF9.) */
	cf9 = real_port[PCI_RESET_CTRL];
	gout(PCI_RESET_CTRL, 1, RCR_SRST);
	CHECK_EQ("0xCF9 is hv's: the real one untouched", real_port[PCI_RESET_CTRL], cf9);
	CHECK_EQ("and it reads back", gin(PCI_RESET_CTRL, 1), RCR_SRST);
	gout(PCI_CONFIG_ADDR + 2, 1, 0x12);
	CHECK_EQ("other bytes of 0xCF8-0xCFB go to the real ports",
		 real_port[PCI_CONFIG_ADDR + 2], 0x12);
	EXPECT_RESET(gout(PCI_RESET_CTRL, 1, RCR_SRST | RCR_RCPU));
	CHECK_EQ("RCPU: hv's reset", plat_resets, 1);
	EXPECT_RESET(gout(PCI_CONFIG_ADDR, 2, RCR_RCPU << 8));
	CHECK_EQ("a word write covering 0xCF9 too", plat_resets, 2);
	CHECK_EQ("the real 0xCF9 never written", real_port[PCI_RESET_CTRL], cf9);
	test_busmaster();
}
