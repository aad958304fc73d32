/*
 * What an operating system probes at boot besides timers: the i8042
 * keyboard controller and its devices (IBM PC/AT and PS/2 technical
 * references: status register, command byte 0x20/0x60, self test 0xAA,
 * interface tests 0xAB/0xA9, output port 0xD0, write output buffer
 * 0xD2/0xD3, write to the auxiliary device 0xD4; keyboard reset, echo,
 * identify, LEDs; mouse identify and reset), port 0x92 (A20 read back),
 * port 0x80, and PCI configuration mechanism #1 (PCI Local Bus
 * specification 3.0, 3.2.2.3.2): bus 0 enumerated (IDs, class, header
 * type, functions of multi-function devices) and a read/write register.
 *
 * Arguments: pci=none expects no PCI function at all (hv's pci=hide);
 * nokbd expects no keyboard controller (kbd=hide).
 */
#include "guest/lib/guest.h"

#include "lib/hw/i8042.h"
#include "lib/hw/pci.h"

GUEST_NAME("kbdpci");

#define SPIN	200000u
#define CB_PROBE (KBD_CB_XLAT | KBD_CB_SYS)	/* no interrupts, both ports on */

static int wait_ibf_clear(void)
{
	for (uint32_t i = 0; i < SPIN; i++)
		if (!(inb(PORT_KBD_CMD) & KBD_ST_IBF))
			return 1;
	return 0;
}

static void kbc_cmd(uint8_t c)
{
	wait_ibf_clear();
	outb(PORT_KBD_CMD, c);
}

static void kbc_data(uint8_t d)
{
	wait_ibf_clear();
	outb(PORT_KBD_DATA, d);
}

/* The next output byte, or -1; *aux tells where it came from. */
static int kbc_read(int *aux)
{
	for (uint32_t i = 0; i < SPIN; i++) {
		uint8_t st = inb(PORT_KBD_CMD);

		if (st & KBD_ST_OBF) {
			if (aux)
				*aux = !!(st & KBD_ST_AUXB);
			return inb(PORT_KBD_DATA);
		}
	}
	return -1;
}

static void drain(void)
{
	for (int i = 0; i < 32 && (inb(PORT_KBD_CMD) & KBD_ST_OBF); i++)
		inb(PORT_KBD_DATA);
}

/* Expects these bytes (kbd = 0, aux = 1) in order, then nothing. */
static void expect(const char *what, const int *bytes, int n, int aux)
{
	for (int i = 0; i < n; i++) {
		int from = -1, b = kbc_read(&from);

		if (b != bytes[i] || from != aux) {
			t_fail("%s: byte %d is %d (aux %d), want 0x%02x (aux %d)", what, i, b,
			       from, bytes[i], aux);
			drain();
			return;
		}
	}
	if (inb(PORT_KBD_CMD) & KBD_ST_OBF)
		t_fail("%s: more than %d bytes", what, n);
	drain();
	gprintf("%s:", what);
	for (int i = 0; i < n; i++)
		gprintf(" %02x", bytes[i]);
	gprintf("\n");
}

static void controller_case(void)
{
	static const int selftest[] = { KBC_SELF_TEST_OK };
	static const int zero[] = { 0x00 };
	static const int cb[] = { CB_PROBE };
	static const int echo_kbd[] = { 0x5A };
	static const int echo_aux[] = { 0xA5 };
	int st, out;

	t_begin("controller");
	drain();
	kbc_cmd(KBC_WRITE_CB);
	kbc_data(CB_PROBE);
	kbc_cmd(KBC_READ_CB);
	expect("command byte", cb, 1, 0);
	kbc_cmd(KBC_SELF_TEST);
	expect("self test", selftest, 1, 0);
	kbc_cmd(KBC_WRITE_CB);	/* a self test may reset the command byte */
	kbc_data(CB_PROBE);
	st = inb(PORT_KBD_CMD);
	t_eq_mask("status: SYS set, nothing waiting", st, KBD_ST_SYS,
		  KBD_ST_SYS | KBD_ST_OBF | KBD_ST_IBF);
	kbc_cmd(KBC_KBD_TEST);
	expect("keyboard interface test", zero, 1, 0);
	kbc_cmd(KBC_AUX_TEST);
	expect("auxiliary interface test", zero, 1, 0);
	kbc_cmd(KBC_READ_OUTPUT);
	out = kbc_read(0);
	t_eq_mask("output port: A20 on, not in reset", out, KBD_OUT_A20 | KBD_OUT_RESET,
		  KBD_OUT_A20 | KBD_OUT_RESET);
	kbc_cmd(KBC_WRITE_KBD_OB);
	kbc_data(0x5A);
	expect("keyboard output buffer", echo_kbd, 1, 0);
	kbc_cmd(KBC_WRITE_AUX_OB);
	kbc_data(0xA5);
	expect("auxiliary output buffer", echo_aux, 1, 1);
	t_end();
}

static void devices_case(void)
{
	static const int reset[] = { KBD_REPLY_ACK, KBD_REPLY_BAT_OK };
	static const int echo[] = { KBD_CMD_ECHO };
	static const int id[] = { KBD_REPLY_ACK, KBD_ID_1, KBD_ID_2_XLAT };
	static const int ack[] = { KBD_REPLY_ACK };
	static const int mouse_id[] = { KBD_REPLY_ACK, 0x00 };
	static const int mouse_reset[] = { KBD_REPLY_ACK, KBD_REPLY_BAT_OK, 0x00 };

	t_begin("keyboard_and_mouse");
	kbc_data(KBD_CMD_RESET);
	expect("keyboard reset", reset, 2, 0);
	kbc_data(KBD_CMD_ECHO);
	expect("keyboard echo", echo, 1, 0);
	kbc_data(KBD_CMD_ID);
	expect("keyboard identify (translated)", id, 3, 0);
	kbc_data(KBD_CMD_LEDS);
	expect("set LEDs", ack, 1, 0);
	kbc_data(0x00);
	expect("LED bits", ack, 1, 0);
	kbc_data(KBD_CMD_ENABLE);
	expect("keyboard enable", ack, 1, 0);
	kbc_cmd(KBC_WRITE_AUX);
	kbc_data(KBD_CMD_ID);
	expect("mouse identify", mouse_id, 2, 1);
	kbc_cmd(KBC_WRITE_AUX);
	kbc_data(KBD_CMD_RESET);
	expect("mouse reset", mouse_reset, 3, 1);
	t_end();
}

static void ports_case(void)
{
	t_begin("port92_port80");
	t_eq_mask("port 0x92: A20 on", inb(PORT_SYSCTL_A), SYSA_A20, SYSA_A20 | SYSA_RESET);
	outb(PORT_SYSCTL_A, SYSA_A20);
	t_eq_mask("port 0x92 after writing A20 on", inb(PORT_SYSCTL_A), SYSA_A20,
		  SYSA_A20 | SYSA_RESET);
	outb(PORT_POST, 0x42);	/* a POST code: goes nowhere */
	t_end();
}

static void hidden_kbd_case(void)
{
	t_begin("no_controller");
	t_eq("status port", inb(PORT_KBD_CMD), 0xFF);
	t_eq("data port", inb(PORT_KBD_DATA), 0xFF);
	t_end();
}

static uint32_t cfg_read(uint16_t bdf, uint8_t reg)
{
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (reg & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

static void pci_case(int expect_none)
{
	int n = 0;
	uint16_t rw_dev = 0;

	t_begin("pci_bus0");
	for (int dev = 0; dev < 32; dev++) {
		for (int fn = 0; fn < 8; fn++) {
			uint16_t bdf = (uint16_t)PCI_BDF(0, dev, fn);
			uint32_t id = cfg_read(bdf, PCI_VENDOR_ID);
			uint32_t class, ht;

			if ((id & 0xFFFF) == 0xFFFF) {
				if (fn == 0)
					break;
				continue;
			}
			class = cfg_read(bdf, 0x08);
			ht = cfg_read(bdf, 0x0C) >> 16 & 0xFF;
			gprintf("pci 00:%02x.%x %04x:%04x class %06x header %02x\n", dev, fn,
				id & 0xFFFF, id >> 16, class >> 8, ht);
			n++;
			if (!rw_dev && dev)
				rw_dev = bdf;
			if (fn == 0 && !(ht & PCI_HT_MULTI))
				break;
		}
	}
	if (expect_none) {
		t_eq("functions seen", n, 0);
		t_end();
		return;
	}
	t_check(n > 0, "no PCI function on bus 0");
	if (rw_dev) {
		uint32_t v = cfg_read(rw_dev, 0x3C), w;
		uint8_t b, line = (uint8_t)v;

		/* The interrupt line register is read/write: byte access at 0xCFC. */
		outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)rw_dev << 8 | 0x3C);
		outb(PCI_CONFIG_DATA, 0x5A);
		b = inb(PCI_CONFIG_DATA);
		w = inw(PCI_CONFIG_DATA + 2);
		outb(PCI_CONFIG_DATA, line);
		t_eq("interrupt line written", b, 0x5A);
		t_eq("word at 0xCFE", w, v >> 16);
		t_eq("restored", cfg_read(rw_dev, 0x3C), v);
	}
	outl(PCI_CONFIG_ADDR, 0);
	t_eq("CONFIG_ADDRESS reads back", inl(PCI_CONFIG_ADDR), 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *pci = guest_arg("pci");

	(void)magic;
	(void)mbi;
	if (guest_arg("nokbd")) {
		hidden_kbd_case();
	} else {
		controller_case();
		devices_case();
	}
	ports_case();
	pci_case(pci && !strcmp(pci, "none"));
}
