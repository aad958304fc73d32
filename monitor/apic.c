/*
 * The guest's APIC platform (docs/DEVICES.md, "APICs"): its local APIC
 * and I/O APIC models (drivers/vlapic.c, drivers/vioapic.c) placed where
 * the guest finds them, their pages hidden from it (monitor/mm/hidden.c)
 * so that each access faults and is emulated here (monitor/mmio.c), the
 * guest's IA32_APIC_BASE (SDM vol. 3A 10.4.4: enable, relocation), and one
 * CPU kept one: an IPI to another APIC ID reaches no CPU (SDM 10.6: one
 * that is not there never answers), and an INIT to itself would reset the
 * virtual CPU into real mode (SDM 9.1), which hv cannot run yet, so the
 * guest stops there.
 *
 * The real local APIC's page stays hidden wherever the guest's is, and so
 * does the real I/O APIC's: the guest never writes hv's controllers.  A
 * hidden page no model answers at (the real APIC's after the guest moved
 * its own away) reads as all ones and ignores writes, as an address with
 * nothing behind it does on the PC's bus.
 */
#include "monitor/apic.h"

#include "drivers/acpi.h"
#include "drivers/devices.h"
#include "drivers/intc.h"
#include "drivers/ioapic.h"
#include "drivers/irq.h"
#include "drivers/lapic.h"
#include "drivers/vapic.h"
#include "lib/fmt.h"
#include "lib/hw/ioapic.h"
#include "lib/hw/lapic.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "monitor/mm/mm.h"
#include "monitor/mmio.h"
#include "monitor/vcpu.h"

static uint32_t hidden_base;	/* the guest's APIC page we hide, 0 if none */
static const char *stop_why;	/* set by an IPI hv must stop the guest for */
static uint32_t accesses;	/* instructions emulated on the hidden pages */

static uint32_t none_read(uint32_t offset, int size)
{
	(void)offset;
	return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}

static void none_write(uint32_t offset, int size, uint32_t value)
{
	(void)offset;
	(void)size;
	(void)value;
}

static const struct mmio_dev dev_lapic = { vlapic_read, vlapic_write };
static const struct mmio_dev dev_ioapic = { vioapic_read, vioapic_write };
static const struct mmio_dev dev_none = { none_read, none_write };

static void ipi(int mode, int vector, uint8_t dest, int shorthand)
{
	static int told;

	if (mode == VAPIC_DM_INIT && (shorthand == 1 ||
				      (shorthand == 0 && dest == lapic_firmware.id) ||
				      shorthand == 2)) {
		stop_why = "guest sent INIT to its own CPU (a reset into real mode: "
			   "not supported yet)";
		return;
	}
	if (!told++)
		log_info("apic", "guest IPI (mode %d, vector %02x, to %02x, shorthand %d) "
			 "reaches no CPU: hv keeps one", mode, vector, dest, shorthand);
}

/* The guest's APIC page is hidden where it is now. */
static void place_lapic(void)
{
	uint32_t base = vlapic_enabled() ? vlapic_base_addr() : 0;

	if (base == hidden_base)
		return;
	if (hidden_base)
		mm_unhide_page(hidden_base);
	hidden_base = 0;
	if (base && mm_hide_page(base) == 0)
		hidden_base = base;
}

void apic_init(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	vlapic_tsc_deadline = (r[2] & CPUID1_ECX_TSC_DEADLINE) != 0;
	vlapic_init(lapic_firmware.id);
	vioapic_init(acpi_ioapic_base(), acpi_ioapic_id());
	if (ioapic_version())
		vioapic_version = (uint8_t)ioapic_version();
	/* As the firmware left the machine: virtual wire (SDM 10.5.1). */
	if (lapic_present()) {
		vlapic_write(LAPIC_SVR, 4, lapic_firmware.svr);
		vlapic_write(LAPIC_LVT_LINT0, 4, lapic_firmware.lint0);
		vlapic_write(LAPIC_LVT_LINT1, 4, lapic_firmware.lint1);
		if ((lapic_firmware.lint0 & (LAPIC_LVT_MASKED | LAPIC_LVT_DM)) != LAPIC_DM_EXTINT) {
			intc_set_pic_mode(1);
			log_info("apic", "PIC mode: the firmware left LINT0 at %05x, not virtual wire; "
				 "the 8259s' INTR reaches the CPU past the local APIC",
				 lapic_firmware.lint0);
		}
		mm_hide_page((uint32_t)lapic_firmware.base & APIC_BASE_ADDR);
	}
	mm_hide_page(acpi_ioapic_base());
	vlapic_ipi_hook = ipi;
	vlapic_eoi_hook = vioapic_eoi;
	vioapic_pin_hook = irq_ioapic_changed;
	vioapic_eoi_hook = irq_ioapic_done;
	place_lapic();
}

uint64_t apic_get_base(void)
{
	return vlapic_get_base();
}

int apic_set_base(uint64_t v)
{
	if (vlapic_set_base(v) < 0)
		return -1;
	place_lapic();
	dev_sync();	/* its timer and interrupts as they now are */
	return 0;
}

struct next apic_mmio(struct trapframe *tf, uint32_t eip, uint32_t lin, uint32_t pa)
{
	uint8_t insn[16];
	const struct mmio_dev *dev = &dev_none;
	uint32_t page = pa & ~0xFFFu;
	int why, n, len;

	if (vlapic_enabled() && page == vlapic_base_addr())
		dev = &dev_lapic;
	else if (page == vioapic_base_addr())
		dev = &dev_ioapic;
	n = gmem_fetch(vcpu.seg[VS_CS].base + eip, insn, sizeof(insn), vcpu.cpl == 3, &why);
	if (n <= 0)
		return nx_stop("cannot read the instruction at %08x that touched device page %08x",
			       eip, page);
	/* As for a port of an emulated device (drivers/devices.c): the models
	   at the present before, hv's wake-up re-armed after. */
	intc_collect();
	dev_catch_up();
	len = mmio_emulate(tf, insn, n, lin, dev);
	dev_sync();
	accesses++;
	if (len < 0)
		return nx_stop("%s at %08x (device page %08x)", mmio_why(len), eip, page);
	if (stop_why)
		return nx_stop("%s", stop_why);
	return nx_go(eip + (uint32_t)len, 0);
}

void apic_print(void (*line)(const char *text))
{
	char buf[200];
	int n;
	uint32_t sel;

	fmt_snprintf(buf, sizeof(buf), "%u accesses to the APIC pages emulated", accesses);
	line(buf);
	fmt_snprintf(buf, sizeof(buf), "local APIC (virtual): base %08x %s, ID %02x, SVR %03x, "
		     "TPR %02x, PPR %02x, LVT timer %05x LINT0 %05x LINT1 %05x, count %08x of %08x",
		     vlapic_base_addr(), vlapic_enabled() ? "enabled" : "disabled",
		     vlapic_read(LAPIC_ID, 4) >> 24, vlapic_read(LAPIC_SVR, 4),
		     vlapic_read(LAPIC_TPR, 4), vlapic_read(LAPIC_PPR, 4),
		     vlapic_read(LAPIC_LVT_TIMER, 4), vlapic_read(LAPIC_LVT_LINT0, 4),
		     vlapic_read(LAPIC_LVT_LINT1, 4), vlapic_read(LAPIC_TIMER_CUR, 4),
		     vlapic_read(LAPIC_TIMER_INIT, 4));
	line(buf);
	for (int r = 0; r < 2; r++) {
		uint32_t reg = r ? LAPIC_IRR : LAPIC_ISR;

		n = fmt_snprintf(buf, sizeof(buf), "  %s", r ? "IRR" : "ISR");
		for (int i = 7; i >= 0; i--)
			n += fmt_snprintf(buf + n, sizeof(buf) - (size_t)n, " %08x",
					  vlapic_read(reg + 0x10 * (uint32_t)i, 4));
		line(buf);
	}
	n = fmt_snprintf(buf, sizeof(buf), "I/O APIC (virtual) at %08x, unmasked pins:",
			 vioapic_base_addr());
	sel = vioapic_read(IOAPIC_IOREGSEL, 4);	/* the guest's, put back below */
	for (int pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint32_t lo, hi;

		vioapic_write(IOAPIC_IOREGSEL, 4, IOAPIC_REDTBL(pin));
		lo = vioapic_read(IOAPIC_IOWIN, 4);
		vioapic_write(IOAPIC_IOREGSEL, 4, IOAPIC_REDTBL(pin) + 1);
		hi = vioapic_read(IOAPIC_IOWIN, 4);
		if (!(lo & IOAPIC_RTE_MASKED) && n < (int)sizeof(buf) - 24)
			n += fmt_snprintf(buf + n, sizeof(buf) - (size_t)n, " %d:%08x.%08x", pin,
					  hi, lo);
	}
	vioapic_write(IOAPIC_IOREGSEL, 4, sel);
	if (n == 0 || buf[n - 1] == ':')
		fmt_snprintf(buf + n, sizeof(buf) - (size_t)n, " none");
	line(buf);
}
