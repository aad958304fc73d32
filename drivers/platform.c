/*
 * The PC platform's reset, A20 gate and CMOS shutdown byte (see
 * platform.h), hv's in every device mode, since each of them takes the
 * machine out of hv's hands:
 *
 *  - Reset.  Port 0xCF9 (the PIIX/ICH reset control register: RCPU going
 *    from 0 to 1, hard or soft), port 0x92 bit 0 going from 0 to 1 ("fast
 *    reset", system control port A of the PS/2 reference) and the i8042's
 *    reset line (a pulse command with bit 0 clear, 0xFE; or an output port
 *    written with bit 0 clear: vkbd.c, kbdgate.c) all come here: hv logs
 *    the reset, checks its own integrity (boot/integrity.c, through the
 *    base library's exit hooks) and resets the real machine, with the
 *    real shutdown byte set for a normal power-on self test.  The guest
 *    starts again from the firmware, as after its own reset: under QEMU,
 *    with -no-reboot, QEMU ends (status 0, as natively); without, the
 *    firmware boots hv again, which starts the guest afresh.  A soft
 *    reset (INIT, which would keep memory) is made a hard one: a guest in
 *    real mode at the reset vector is beyond hv.
 *
 *  - A20.  The real gate stays on (hv lives above 1 MiB).  Port 0x92 is
 *    wholly virtual (no bit reaches the real port); the i8042's output
 *    port and its 0xDD/0xDF commands are the other way to the gate.  As
 *    on QEMU's PC, the gate follows the last write through either, and
 *    each reads back its own latch (some real chipsets OR the two
 *    instead).  plat_hooks.a20 makes the guest's memory wrap
 *    (monitor/mm/a20.c).
 *
 *  - The shutdown byte (CMOS 0x0F) and the resume vector at 40:67: with
 *    rtc=pass the CMOS is passed through but for that byte, which is the
 *    guest's own (initially the real one); with rtc=emulate the whole
 *    CMOS is vrtc.c's.  The real byte is written only here, to 0 before
 *    the reset: the firmware never resumes into the guest's code.  With
 *    rtc=emulate the upper NVRAM bank (0x72/0x73) is read through but its
 *    data writes go nowhere: no CMOS or NVRAM write of the guest reaches
 *    the machine but with rtc=pass.
 */
#include "drivers/platform.h"

#include "drivers/devices.h"
#include "lib/hw/i8042.h"
#include "lib/hw/mc146818.h"
#include "lib/hw/pci.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/uart.h"
#include "lib/x86.h"

struct plat_hooks plat_hooks;

static struct {
	int a20;		/* the guest's gate */
	uint8_t sysa;		/* port 0x92 as the guest wrote it */
	uint8_t rcr;		/* 0xCF9: SRST and FULL as written */
	uint8_t cmos_index;	/* port 0x70 as written (rtc=pass) */
	uint8_t shutdown;	/* the guest's CMOS 0x0F (rtc=pass) */
	uint8_t nvram_index;	/* port 0x72 as written (rtc=emulate) */
} p = { .a20 = 1 };

int plat_a20(void)
{
	return p.a20;
}

void plat_set_a20(int on, const char *how)
{
	on = !!on;
	if (on == p.a20)
		return;
	p.a20 = on;
	log_debug("plat", "guest turns A20 %s (%s)", on ? "on" : "off", how);
	if (plat_hooks.a20)
		plat_hooks.a20(on);
}

/* Waits about a millisecond (port 0x80 writes take about 1 us each). */
static void settle(void)
{
	for (int i = 0; i < 1000; i++)
		outb(PORT_POST, 0);
}

void plat_reset(const char *how)
{
	static const struct dtr none = { 0, 0 };

	log_info("reset", "the guest resets the machine (%s): hv resets it", how);
	if (exit_hooks.flush)
		exit_hooks.flush();	/* a guest line held back for hv's log */
	if (exit_hooks.check)
		exit_hooks.check();	/* "hv: integrity: ..." */
	log_info("reset", "resetting the machine for a power-on self test");
	uart_drain(PORT_COM1);
	uart_drain(PORT_COM2);
	__asm__ volatile("cli");
	/* The firmware must not resume anywhere: a normal POST. */
	outb(PORT_CMOS_INDEX, CMOS_NMI_MASK | CMOS_SHUTDOWN);
	outb(PORT_CMOS_DATA, CMOS_SHUTDOWN_POST);
	/* The chipset's hard reset, then the i8042's reset line, then a
	   triple fault (an IDT with no entry), whichever the machine has. */
	outb(PCI_RESET_CTRL, RCR_SRST);
	outb(PCI_RESET_CTRL, RCR_SRST | RCR_RCPU);
	settle();
	for (int i = 0; i < 100000 && (inb(PORT_KBD_CMD) & KBD_ST_IBF); i++)
		;
	outb(PORT_KBD_CMD, KBC_PULSE | 0x0E);
	settle();
	lidt(&none);
	__asm__ volatile("int3");
	halt_forever();
	__builtin_unreachable();
}

/* --- port 0x92 --- */

static uint32_t sysa_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)port;
	(void)size;
	return p.sysa;	/* its own latch: bit 1 as written here */
}

static void sysa_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	uint8_t old = p.sysa;

	(void)ctx;
	(void)port;
	(void)size;
	p.sysa = (uint8_t)v;
	plat_set_a20(v & SYSA_A20, "port 0x92");
	if ((v & SYSA_RESET) && !(old & SYSA_RESET))
		plat_reset("port 0x92 bit 0");
}

/* --- 0xCF8-0xCFB: the reset control register's byte --- */

uint32_t plat_pci_low_read(uint16_t port, int size)
{
	uint32_t v = 0;

	if (port == PCI_CONFIG_ADDR && size == 4)
		return io_native_read(port, size);
	for (int i = 0; i < size; i++) {
		uint16_t b = (uint16_t)(port + i);
		uint32_t byte = b == PCI_RESET_CTRL ? p.rcr : io_native_read(b, 1);

		v |= (byte & 0xFF) << (8 * i);
	}
	return v;
}

void plat_pci_low_write(uint16_t port, int size, uint32_t v)
{
	if (port == PCI_CONFIG_ADDR && size == 4) {
		io_native_write(port, size, v);
		return;
	}
	for (int i = 0; i < size; i++) {
		uint16_t b = (uint16_t)(port + i);
		uint8_t byte = (uint8_t)(v >> (8 * i));

		if (b != PCI_RESET_CTRL) {
			io_native_write(b, 1, byte);
			continue;
		}
		p.rcr = byte & (RCR_SRST | RCR_FULL);
		if (byte & RCR_RCPU)
			plat_reset(byte & RCR_SRST ? "port 0xcf9, hard reset" :
				   "port 0xcf9, soft reset");
	}
}

static uint32_t pci_low_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	return plat_pci_low_read(port, size);
}

static void pci_low_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	plat_pci_low_write(port, size, v);
}

/* --- CMOS with rtc=pass: all but the shutdown byte --- */

static uint32_t cmos_read(void *ctx, uint16_t port, int size)
{
	uint32_t v = 0;

	(void)ctx;
	for (int i = 0; i < size; i++) {
		uint16_t b = (uint16_t)(port + i);
		uint32_t byte;

		if (b == PORT_CMOS_DATA && (p.cmos_index & CMOS_INDEX_MASK) == CMOS_SHUTDOWN)
			byte = p.shutdown;
		else
			byte = io_native_read(b, 1);
		v |= (byte & 0xFF) << (8 * i);
	}
	return v;
}

static void cmos_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	for (int i = 0; i < size; i++) {
		uint16_t b = (uint16_t)(port + i);
		uint8_t byte = (uint8_t)(v >> (8 * i));
		int virt;

		if (b == PORT_CMOS_INDEX) {
			p.cmos_index = byte;
			/* The real chip gets the NMI mask bit and, for the
			   shutdown byte, an index whose data port does nothing
			   when written (register D is read-only). */
			virt = (byte & CMOS_INDEX_MASK) == CMOS_SHUTDOWN;
			io_native_write(b, 1, virt ? (byte & CMOS_NMI_MASK) | RTC_REG_D : byte);
		} else if ((p.cmos_index & CMOS_INDEX_MASK) == CMOS_SHUTDOWN) {
			p.shutdown = byte;
		} else {
			io_native_write(b, 1, byte);
		}
	}
}

/* --- the upper NVRAM bank with rtc=emulate: read, never written --- */

static uint32_t nvram_read(void *ctx, uint16_t port, int size)
{
	(void)ctx;
	(void)size;
	if (port == PORT_NVRAM_INDEX)
		return p.nvram_index;
	io_native_write(PORT_NVRAM_INDEX, 1, p.nvram_index);
	return io_native_read(PORT_NVRAM_DATA, 1);
}

static void nvram_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	(void)size;
	if (port == PORT_NVRAM_INDEX)
		p.nvram_index = (uint8_t)v;
	/* a data byte goes nowhere */
}

void plat_init(int kbd_mode, int rtc_mode, int pci_mode)
{
	p.a20 = 1;
	p.sysa = (uint8_t)(io_native_read(PORT_SYSCTL_A, 1) & ~SYSA_RESET);
	p.rcr = (uint8_t)(io_native_read(PCI_RESET_CTRL, 1) & (RCR_SRST | RCR_FULL));
	io_register(PORT_SYSCTL_A, PORT_SYSCTL_A, "port 0x92 (hv's)", sysa_read, sysa_write, 0);
	if (pci_mode == DEV_PASS)
		io_register(PCI_CONFIG_ADDR, PCI_CONFIG_ADDR + 3, "reset control 0xcf9 (hv's)",
			    pci_low_read, pci_low_write, 0);
	if (rtc_mode == DEV_PASS) {
		io_native_write(PORT_CMOS_INDEX, 1, CMOS_NMI_MASK | CMOS_SHUTDOWN);
		p.shutdown = (uint8_t)io_native_read(PORT_CMOS_DATA, 1);
		io_native_write(PORT_CMOS_INDEX, 1, RTC_REG_D);	/* NMI back on */
		p.cmos_index = RTC_REG_D;
		io_register(PORT_CMOS_INDEX, PORT_CMOS_DATA, "CMOS (passed but for 0x0f)",
			    cmos_read, cmos_write, 0);
	} else {
		io_register(PORT_NVRAM_INDEX, PORT_NVRAM_DATA, "upper NVRAM (read only)",
			    nvram_read, nvram_write, 0);
	}
	if (kbd_mode != DEV_EMULATE)
		kbdgate_init(kbd_mode == DEV_HIDE);
	log_info("plat", "reset (0xcf9, 0x92, i8042), A20 and CMOS 0x0f are hv's");
}
