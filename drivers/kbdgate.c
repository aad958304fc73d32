/*
 * The i8042's reset line and A20 gate, hv's while the controller itself
 * is passed through (kbd=pass) or hidden (kbd=hide); with kbd=emulate
 * vkbd.c does the same in its model.  After the IBM PC/AT and PS/2
 * technical references for the 8042: output port bit 0 is the CPU's
 * reset line (low: reset), bit 1 the A20 gate; command 0xD1 writes the
 * output port with the next data byte, 0xD0 reads it into the output
 * buffer, 0xF0-0xFF pulse output port bits 3-0 low (0xFE: the reset
 * line), and 0xDD/0xDF (A20 off/on) are the newer controllers' and
 * QEMU's.
 *
 * Passed through, every other access goes to the real controller as it
 * was; the output port byte after 0xD1 goes with the reset and A20 bits
 * forced high (the real machine neither resets nor loses A20), and the
 * output port read after 0xD0 comes back with the A20 bit the guest set
 * there (the gate follows the last write here or to port 0x92).
 * Hidden, ports 0x60 and 0x64 read 0xFF and take nothing, but for the
 * commands above: the reset line and the A20 gate are the platform's
 * (drivers/platform.c), and a guest that pulses them gets what the
 * machine would do.
 */
#include "drivers/platform.h"

#include "drivers/devices.h"
#include "lib/hw/i8042.h"
#include "lib/log.h"

static int hidden;
static int a20 = 1;	/* the output port's A20 bit as the guest set it */
static uint8_t pending;	/* KBC_WRITE_OUTPUT or KBC_READ_OUTPUT, else 0 */

static void command(uint8_t c)
{
	pending = 0;
	if (c == KBC_A20_OFF || c == KBC_A20_ON) {
		a20 = c == KBC_A20_ON;
		plat_set_a20(a20, "i8042 command");
		return;		/* the real gate stays on */
	}
	if (c >= KBC_PULSE && !(c & KBD_OUT_RESET))
		plat_reset("i8042 pulse command");
	if (c == KBC_WRITE_OUTPUT || c == KBC_READ_OUTPUT)
		pending = c;
	if (!hidden)
		io_native_write(PORT_KBD_CMD, 1, c);
}

static void data(uint8_t v)
{
	if (pending == KBC_WRITE_OUTPUT) {
		pending = 0;
		a20 = !!(v & KBD_OUT_A20);
		plat_set_a20(a20, "i8042 output port");
		if (!(v & KBD_OUT_RESET))
			plat_reset("i8042 output port bit 0");
		v |= KBD_OUT_A20 | KBD_OUT_RESET;
	}
	if (!hidden)
		io_native_write(PORT_KBD_DATA, 1, v);
}

static uint32_t gate_read(void *ctx, uint16_t port, int size)
{
	uint8_t v;

	(void)ctx;
	(void)size;
	if (hidden)
		return 0xFF;
	v = (uint8_t)io_native_read(port, 1);
	if (port == PORT_KBD_DATA && pending == KBC_READ_OUTPUT) {
		pending = 0;
		v = (uint8_t)((v & ~KBD_OUT_A20) | (a20 ? KBD_OUT_A20 : 0));
	}
	return v;
}

static void gate_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)size;
	if (port == PORT_KBD_CMD)
		command((uint8_t)v);
	else
		data((uint8_t)v);
}

void kbdgate_init(int hide)
{
	hidden = hide;
	a20 = 1;
	io_register(PORT_KBD_DATA, PORT_KBD_DATA, hide ? "keyboard data (hidden)" :
		    "keyboard data (passed)", gate_read, gate_write, 0);
	io_register(PORT_KBD_CMD, PORT_KBD_CMD, hide ? "keyboard status (hidden)" :
		    "keyboard controller (passed but for reset and A20)", gate_read,
		    gate_write, 0);
	log_debug("plat", "i8042 %s: reset and A20 commands are hv's", hide ? "hidden" :
		  "passed through");
}
