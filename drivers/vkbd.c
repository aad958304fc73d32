/*
 * The guest's i8042 keyboard controller, port 0x92 and port 0x80,
 * emulated (kbd=emulate), after the IBM PC/AT and PS/2 technical
 * references for the 8042: the status register (OBF, SYS, A2, AUXB), the
 * controller command byte and its RAM, the controller commands that
 * probing uses (self test, interface tests, enable/disable, read/write
 * output port, write keyboard/auxiliary output buffer, write to the
 * auxiliary device, A20 on/off, pulse reset), and the keyboard and mouse
 * replies to reset, identify, echo, enable/disable, LEDs, rates and
 * status.  IRQ1 / IRQ12 follow the output buffer as the command byte
 * enables them; bytes the real keyboard and mouse send are passed in.
 *
 * A20 and reset are the platform's (drivers/platform.c, which also has
 * port 0x92 in every mode): the output port's bit 1 and commands
 * 0xDD/0xDF set it and the guest's A20 gate, which follows the last
 * write through here or port 0x92;
 * output port bit 0 low or a pulse command with bit 0 clear is the
 * guest's reset.  Port 0x80 (POST codes) swallows writes and reads 0xFF.
 * kbd=hide: no controller (drivers/kbdgate.c answers 0x60 and 0x64 with
 * 0xFF); its IRQ lines are hv's.
 */
#include "drivers/vdev.h"

#include "drivers/devices.h"
#include "drivers/platform.h"
#include "lib/hw/i8042.h"
#include "drivers/irq.h"
#include "lib/log.h"

#define QUEUE	16

static struct {
	uint8_t byte[QUEUE], aux[QUEUE];
	int head, count;
	uint8_t last;			/* what port 0x60 reads when empty */
	uint8_t ram[32];		/* ram[0] is the command byte */
	uint8_t sys, a2;
	uint8_t outport;
	uint8_t pending_cmd;		/* controller command waiting for its data byte */
	uint8_t kbd_arg, aux_arg;	/* device command waiting for its argument */
} k;

#define CB (k.ram[0])

static void push(uint8_t b, int aux)
{
	if (k.count == QUEUE)
		return;	/* a full controller drops what does not fit */
	k.byte[(k.head + k.count) % QUEUE] = b;
	k.aux[(k.head + k.count) % QUEUE] = (uint8_t)aux;
	k.count++;
}

static void update_irq(void)
{
	int aux = k.count && k.aux[k.head];

	irq_set_isa(KBD_IRQ, k.count && !aux && (CB & KBD_CB_INT));
	irq_set_isa(AUX_IRQ, k.count && aux && (CB & KBD_CB_INT2));
}

static void reset_machine(const char *how)
{
	plat_reset(how);
}

static void set_a20(int on)
{
	k.outport = (uint8_t)(on ? k.outport | KBD_OUT_A20 : k.outport & ~KBD_OUT_A20);
	plat_set_a20(on, "i8042");
}

static void kbd_command(uint8_t c)
{
	uint8_t arg = k.kbd_arg;

	if (arg) {
		k.kbd_arg = 0;
		if (arg == KBD_CMD_SCANSET && c == 0) {
			push(KBD_REPLY_ACK, 0);
			push(CB & KBD_CB_XLAT ? 0x41 : 0x02, 0);	/* set 2 */
			return;
		}
		push(KBD_REPLY_ACK, 0);
		return;
	}
	switch (c) {
	case KBD_CMD_RESET:
		push(KBD_REPLY_ACK, 0);
		push(KBD_REPLY_BAT_OK, 0);
		break;
	case KBD_CMD_ID:
		push(KBD_REPLY_ACK, 0);
		push(KBD_ID_1, 0);
		push(CB & KBD_CB_XLAT ? KBD_ID_2_XLAT : KBD_ID_2, 0);
		break;
	case KBD_CMD_ECHO:
		push(KBD_CMD_ECHO, 0);
		break;
	case KBD_CMD_LEDS:
	case KBD_CMD_RATE:
	case KBD_CMD_SCANSET:
		k.kbd_arg = c;
		push(KBD_REPLY_ACK, 0);
		break;
	case KBD_CMD_ENABLE:
	case KBD_CMD_DISABLE:
	case KBD_CMD_DEFAULT:
		push(KBD_REPLY_ACK, 0);
		break;
	default:
		push(KBD_REPLY_RESEND, 0);
		break;
	}
}

static void aux_command(uint8_t c)
{
	if (k.aux_arg) {
		k.aux_arg = 0;
		push(KBD_REPLY_ACK, 1);
		return;
	}
	push(KBD_REPLY_ACK, 1);
	switch (c) {
	case KBD_CMD_RESET:
		push(KBD_REPLY_BAT_OK, 1);
		push(0x00, 1);		/* device ID: standard mouse */
		break;
	case KBD_CMD_ID:
		push(0x00, 1);
		break;
	case AUX_CMD_STATUS:
		push(0x00, 1);		/* stream mode, disabled, scaling 1:1 */
		push(0x02, 1);		/* resolution 4 counts/mm */
		push(100, 1);		/* 100 samples/s */
		break;
	case AUX_CMD_SAMPLE:
	case AUX_CMD_RES:
		k.aux_arg = c;
		break;
	default:
		break;
	}
}

static void write_data(uint8_t v)
{
	uint8_t cmd = k.pending_cmd;

	k.a2 = 0;
	k.pending_cmd = 0;
	if (cmd >= KBC_WRITE_CB && cmd < KBC_WRITE_CB + 32) {
		k.ram[cmd - KBC_WRITE_CB] = v;
		if (cmd == KBC_WRITE_CB)
			k.sys = v & KBD_CB_SYS;
		return;
	}
	switch (cmd) {
	case KBC_WRITE_OUTPUT:
		set_a20(v & KBD_OUT_A20);
		if (!(v & KBD_OUT_RESET))
			reset_machine("i8042 output port bit 0");
		return;
	case KBC_WRITE_KBD_OB:
		push(v, 0);
		return;
	case KBC_WRITE_AUX_OB:
		push(v, 1);
		return;
	case KBC_WRITE_AUX:
		aux_command(v);
		return;
	default:
		kbd_command(v);
		return;
	}
}

static void write_command(uint8_t c)
{
	k.a2 = 1;
	k.pending_cmd = 0;
	if (c >= KBC_READ_CB && c < KBC_READ_CB + 32) {
		push(k.ram[c - KBC_READ_CB], 0);
		return;
	}
	if ((c >= KBC_WRITE_CB && c < KBC_WRITE_CB + 32) || c == KBC_WRITE_OUTPUT ||
	    c == KBC_WRITE_KBD_OB || c == KBC_WRITE_AUX_OB || c == KBC_WRITE_AUX) {
		k.pending_cmd = c;
		return;
	}
	if (c >= KBC_PULSE) {
		if (!(c & KBD_OUT_RESET))
			reset_machine("i8042 pulse command");
		return;
	}
	switch (c) {
	case KBC_AUX_DISABLE:
		CB |= KBD_CB_AUX_DIS;
		break;
	case KBC_AUX_ENABLE:
		CB &= ~KBD_CB_AUX_DIS;
		break;
	case KBC_AUX_TEST:
	case KBC_KBD_TEST:
	case KBC_READ_TEST:
		push(0x00, 0);
		break;
	case KBC_SELF_TEST:
		k.sys = KBD_ST_SYS;
		push(KBC_SELF_TEST_OK, 0);
		break;
	case KBC_KBD_DISABLE:
		CB |= KBD_CB_KBD_DIS;
		break;
	case KBC_KBD_ENABLE:
		CB &= ~KBD_CB_KBD_DIS;
		break;
	case KBC_READ_INPUT:
		push(0x80, 0);	/* keyboard not inhibited */
		break;
	case KBC_READ_OUTPUT:
		push((uint8_t)((k.outport & (KBD_OUT_RESET | KBD_OUT_A20)) |
			       (k.count && !k.aux[k.head] ? KBD_OUT_OBF : 0) |
			       (k.count && k.aux[k.head] ? KBD_OUT_AUXOBF : 0)), 0);
		break;
	case KBC_A20_OFF:
		set_a20(0);
		break;
	case KBC_A20_ON:
		set_a20(1);
		break;
	default:
		log_debug("vkbd", "controller command %02x ignored", c);
		break;
	}
}

static uint32_t kbd_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)size;
	if (port == PORT_KBD_CMD)
		return (uint32_t)((k.count ? KBD_ST_OBF : 0) | k.sys | (k.a2 ? KBD_ST_A2 : 0) |
				  KBD_ST_INH | (k.count && k.aux[k.head] ? KBD_ST_AUXB : 0));
	if (k.count) {
		k.last = k.byte[k.head];
		k.head = (k.head + 1) % QUEUE;
		k.count--;
		/* The next byte is a new output-buffer-full: a new edge. */
		irq_set_isa(KBD_IRQ, 0);
		irq_set_isa(AUX_IRQ, 0);
	}
	update_irq();
	return k.last;
}

static void kbd_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)size;
	if (port == PORT_KBD_CMD)
		write_command((uint8_t)v);
	else
		write_data((uint8_t)v);
	update_irq();
}

static uint32_t post_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)port;
	(void)size;
	return 0xFFFFFFFFu;
}

static void post_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)port;
	(void)size;
	(void)v;
}

/* A byte from the real keyboard or mouse. */
static void host_input(int irq)
{
	uint8_t st = (uint8_t)io_native_read(PORT_KBD_CMD, 1);

	if (!(st & KBD_ST_OBF))
		return;
	push((uint8_t)io_native_read(PORT_KBD_DATA, 1), irq == AUX_IRQ);
	update_irq();
}

void vkbd_init(int hide)
{
	if (hide) {
		/* The ports are drivers/kbdgate.c's. */
		irq_own_line(KBD_IRQ, 0);
		irq_own_line(AUX_IRQ, 0);
		return;
	}
	/* What the guest finds: the real controller's command byte. */
	for (int spin = 0; spin < 100000; spin++)
		if (!(io_native_read(PORT_KBD_CMD, 1) & KBD_ST_IBF))
			break;
	while (io_native_read(PORT_KBD_CMD, 1) & KBD_ST_OBF)
		io_native_read(PORT_KBD_DATA, 1);
	io_native_write(PORT_KBD_CMD, 1, KBC_READ_CB);
	for (int spin = 0; spin < 100000; spin++)
		if (io_native_read(PORT_KBD_CMD, 1) & KBD_ST_OBF)
			break;
	CB = (uint8_t)io_native_read(PORT_KBD_DATA, 1);
	k.sys = (uint8_t)(io_native_read(PORT_KBD_CMD, 1) & KBD_ST_SYS);
	k.outport = KBD_OUT_RESET | KBD_OUT_A20;
	irq_own_line(KBD_IRQ, host_input);
	irq_own_line(AUX_IRQ, host_input);
	dev_register(PORT_KBD_DATA, PORT_KBD_DATA, "keyboard data (emulated)", kbd_read,
		     kbd_write, 0);
	dev_register(PORT_KBD_CMD, PORT_KBD_CMD, "keyboard controller (emulated)", kbd_read,
		     kbd_write, 0);
	dev_register(PORT_POST, PORT_POST, "POST port (emulated)", post_read, post_write, 0);
	log_debug("vkbd", "emulated i8042: command byte %02x", CB);
}
