/*
 * A guest that resets the machine, in one of the PC's ways (argument
 * via=): the reset control register at 0xCF9 (Intel PIIX4 data sheet, RC:
 * SRST then RCPU, a hard reset; cf9soft: RCPU alone), port 0x92 bit 0
 * ("fast reset", system control port A), the i8042's pulse command 0xFE
 * (kbd) or its output port written with bit 0 clear (kbdout, command
 * 0xD1; IBM PC/AT and PS/2 technical references).  It prints one line
 * and resets; with -no-reboot QEMU then ends with status 0, natively and
 * under hv.  Should the machine still run a while later, the case fails.
 *
 * resume: before the reset, the guest sets the CMOS shutdown byte (0x0F)
 * to 0x0A, "jump through 40:67", with that far pointer on real-mode code
 * of its own (reset.S), and counts its boots in CMOS byte 0x7D (unused on
 * the PC).  Run without -no-reboot: the second boot finds the count, says
 * so and passes; a BIOS resume into the guest's code prints a failure
 * and exits with status 3 instead.
 */
#include "guest/lib/guest.h"

#include "lib/hw/i8042.h"
#include "lib/hw/mc146818.h"
#include "lib/hw/pci.h"

GUEST_NAME("reset");

#define STUB_SEG	0x2000		/* reset.S's code goes to 0x20000 */
#define CMOS_BOOTS	0x7D
#define BOOTED_ONCE	0x5A
#define SPIN		2000000u

extern const char reset_resume_stub[], reset_resume_stub_end[];

static uint8_t cmos_read(uint8_t reg)
{
	outb(PORT_CMOS_INDEX, reg);
	return inb(PORT_CMOS_DATA);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(PORT_CMOS_INDEX, reg);
	outb(PORT_CMOS_DATA, v);
}

/* A store to a low physical address (gcc takes those for null pointers). */
static void poke16(uint32_t addr, uint16_t v)
{
	__asm__ volatile("movw %1, (%0)" : : "r"(addr), "r"(v) : "memory");
}

static void kbc_wait(void)
{
	for (uint32_t i = 0; i < SPIN && (inb(PORT_KBD_CMD) & KBD_ST_IBF); i++)
		;
}

/* 0 on the first boot; 1 on the boot after the reset. */
static int resume_setup(void)
{
	uint32_t n = (uint32_t)(reset_resume_stub_end - reset_resume_stub);

	if (cmos_read(CMOS_BOOTS) == BOOTED_ONCE) {
		cmos_write(CMOS_BOOTS, 0);
		gprintf("reset: booted again after the reset\n");
		return 1;
	}
	cmos_write(CMOS_BOOTS, BOOTED_ONCE);
	memcpy((void *)(STUB_SEG << 4), reset_resume_stub, n);
	poke16(BDA_RESUME_VECTOR, 0);			/* offset */
	poke16(BDA_RESUME_VECTOR + 2, STUB_SEG);	/* segment */
	cmos_write(CMOS_SHUTDOWN, CMOS_SHUTDOWN_JMP);
	t_begin("shutdown_byte");
	t_eq("CMOS 0x0f reads back", cmos_read(CMOS_SHUTDOWN), CMOS_SHUTDOWN_JMP);
	t_end();
	gprintf("reset: shutdown byte 0x0a, 40:67 = %04x:0000\n", STUB_SEG);
	return 0;
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *via = guest_arg("via");

	(void)magic;
	(void)mbi;
	if (!via)
		guest_abort("no via= argument");
	if (guest_arg("resume") && resume_setup()) {
		t_begin("second_boot");
		t_end();
		return;
	}
	gprintf("reset: resetting through %s\n", via);
	__asm__ volatile("cli");
	if (!strcmp(via, "cf9")) {
		outb(PCI_RESET_CTRL, RCR_SRST);
		outb(PCI_RESET_CTRL, RCR_SRST | RCR_RCPU);
	} else if (!strcmp(via, "cf9soft")) {
		outb(PCI_RESET_CTRL, RCR_RCPU);
	} else if (!strcmp(via, "92")) {
		uint8_t v = inb(PORT_SYSCTL_A) & ~SYSA_RESET;

		outb(PORT_SYSCTL_A, v);
		outb(PORT_SYSCTL_A, v | SYSA_RESET);
	} else if (!strcmp(via, "kbd")) {
		kbc_wait();
		outb(PORT_KBD_CMD, KBC_PULSE | 0x0E);
	} else if (!strcmp(via, "kbdout")) {
		kbc_wait();
		outb(PORT_KBD_CMD, KBC_WRITE_OUTPUT);
		kbc_wait();
		outb(PORT_KBD_DATA, KBD_OUT_A20 | 0xDC);	/* bit 0 clear: reset */
	} else {
		guest_abort("via=%s: not cf9, cf9soft, 92, kbd or kbdout", via);
	}
	for (uint32_t i = 0; i < SPIN; i++)
		inb(PORT_POST);
	t_begin("reset");
	t_fail("the machine still runs after the reset through %s", via);
	t_end();
}
