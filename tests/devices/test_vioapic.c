/*
 * drivers/vioapic.c against the Intel 82093AA I/O APIC data sheet (3.0
 * "Register Description", 3.2.4 the redirection table) with the version
 * 0x20 EOI register, delivering to the local APIC model: registers and
 * their writable bits, edge pins (masked edges lost), level pins with
 * remote IRR and EOI (through the local APIC's EOI broadcast and the EOI
 * register), unmasking an asserted level pin, destinations (physical,
 * 0xFF, logical flat and cluster), NMI, ExtINT, SMI/INIT and lowest
 * priority.
 */
#include "tests/devices/vlapic_util.h"

#include "lib/hw/ioapic.h"

#define IOAPIC_ID_GIVEN	2

static int pin_calls, pin_last, ioeoi_calls, ioeoi_last;

static void rec_pin(int pin)
{
	pin_calls++;
	pin_last = pin;
}

static void rec_ioeoi(int pin)
{
	ioeoi_calls++;
	ioeoi_last = pin;
}

static uint32_t ird(uint32_t index)
{
	vioapic_write(IOAPIC_IOREGSEL, 4, index);
	return vioapic_read(IOAPIC_IOWIN, 4);
}

static void iwr(uint32_t index, uint32_t v)
{
	vioapic_write(IOAPIC_IOREGSEL, 4, index);
	vioapic_write(IOAPIC_IOWIN, 4, v);
}

/* Pin's entry: low dword lo, destination dest. */
static void route(int pin, uint32_t lo, uint8_t dest)
{
	iwr(IOAPIC_REDTBL(pin) + 1, (uint32_t)dest << IOAPIC_RTE_DEST_SHIFT);
	iwr(IOAPIC_REDTBL(pin), lo);
}

/* Both APICs at power-up, the local one software-enabled, EOIs wired. */
static void machine(void)
{
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	vioapic_init(VIOAPIC_BASE_DEFAULT, IOAPIC_ID_GIVEN);
	vioapic_pin_hook = rec_pin;
	vioapic_eoi_hook = rec_ioeoi;
	vlapic_eoi_hook = vioapic_eoi;
	pin_calls = ioeoi_calls = 0;
}

static void registers(void)
{
	group("vioapic: registers (82093AA 3.0, 3.2)");
	machine();
	CHECK_EQ("base", vioapic_base_addr(), 0xFEC00000);
	CHECK_EQ("ID", ird(IOAPIC_ID), IOAPIC_ID_GIVEN << 24);
	CHECK_EQ("version 0x20, 24 entries (QEMU's)", ird(IOAPIC_VER), 0x00170020);
	CHECK_EQ("arbitration ID", ird(IOAPIC_ARB), IOAPIC_ID_GIVEN << 24);
	for (int pin = 0; pin < VIOAPIC_PINS; pin++) {
		CHECK_EQ("entry masked at reset", ird(IOAPIC_REDTBL(pin)), IOAPIC_RTE_MASKED);
		CHECK_EQ("destination", ird(IOAPIC_REDTBL(pin) + 1), 0);
		CHECK_EQ("reported masked", vioapic_masked(pin), 1);
	}
	vioapic_write(IOAPIC_IOREGSEL, 4, 0xFFFFFFFF);
	CHECK_EQ("IOREGSEL: bits 0-7", vioapic_read(IOAPIC_IOREGSEL, 4), 0xFF);
	CHECK_EQ("an index past the table reads 0", vioapic_read(IOAPIC_IOWIN, 4), 0);
	iwr(IOAPIC_ID, 0xFFFFFFFF);
	CHECK_EQ("ID: bits 24-27", ird(IOAPIC_ID), 0x0F000000);
	CHECK_EQ("arbitration ID loaded with it", ird(IOAPIC_ARB), 0x0F000000);
	iwr(IOAPIC_VER, 0);
	CHECK_EQ("version read-only", ird(IOAPIC_VER), 0x00170020);
	iwr(IOAPIC_ARB, 0);
	CHECK_EQ("arbitration read-only", ird(IOAPIC_ARB), 0x0F000000);
	iwr(IOAPIC_REDTBL(5), 0xFFFFFFFF);
	CHECK_EQ("entry low: no status, no remote IRR, bits 17-31 reserved",
		 ird(IOAPIC_REDTBL(5)), 0x1AFFF);
	CHECK_EQ("the pin hook", pin_calls == 1 && pin_last == 5, 1);
	iwr(IOAPIC_REDTBL(5) + 1, 0xFFFFFFFF);
	CHECK_EQ("entry high: destination bits 56-63", ird(IOAPIC_REDTBL(5) + 1), 0xFF000000);
	CHECK_EQ("hook again", pin_calls, 2);
	CHECK_EQ("reported: masked", vioapic_masked(5), 1);
	CHECK_EQ("reported: level", vioapic_level(5), 1);
	CHECK_EQ("reported: active low", vioapic_low(5), 1);
	iwr(IOAPIC_REDTBL(5), 0x30);
	CHECK_EQ("unmasked, edge, high", vioapic_masked(5) | vioapic_level(5) | vioapic_low(5), 0);
	vioapic_write(IOAPIC_IOREGSEL, 4, IOAPIC_VER);
	CHECK_EQ("byte 2 of IOWIN", vioapic_read(IOAPIC_IOWIN + 2, 1), 0x17);
	CHECK_EQ("word 0 of IOWIN", vioapic_read(IOAPIC_IOWIN, 2), 0x20);
	vioapic_write(IOAPIC_IOREGSEL, 1, IOAPIC_ID);
	CHECK_EQ("a byte write is not made", vioapic_read(IOAPIC_IOREGSEL, 4), IOAPIC_VER);
	CHECK_EQ("the EOI register reads 0", vioapic_read(IOAPIC_EOIR, 4), 0);
}

static void edges(void)
{
	group("vioapic: edge-triggered pins (82093AA 3.2.4)");
	machine();
	route(1, 0x31, ID);
	vioapic_set_irq(1, 1);
	CHECK_EQ("asserting edge: delivered", bit(LAPIC_IRR, 0x31), 1);
	CHECK_EQ("as edge", bit(LAPIC_TMR, 0x31), 0);
	CHECK_EQ("delivery status idle", ird(IOAPIC_REDTBL(1)), 0x31);
	vlapic_ack();
	vioapic_set_irq(1, 1);
	CHECK_EQ("held: no new edge", bit(LAPIC_IRR, 0x31), 0);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("edge: no EOI reaches the pin", ioeoi_calls, 0);
	vioapic_set_irq(1, 0);
	CHECK_EQ("deasserted: nothing", bit(LAPIC_IRR, 0x31), 0);
	vioapic_set_irq(1, 1);
	CHECK_EQ("a new edge", bit(LAPIC_IRR, 0x31), 1);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	vioapic_set_irq(1, 0);
	route(1, IOAPIC_RTE_MASKED | 0x31, ID);
	vioapic_set_irq(1, 1);
	route(1, 0x31, ID);
	CHECK_EQ("an edge while masked is lost", bit(LAPIC_IRR, 0x31), 0);
	route(2, IOAPIC_RTE_ACTIVE_LOW | 0x32, ID);
	vioapic_set_irq(2, 1);
	CHECK_EQ("active low: asserted is asserted", bit(LAPIC_IRR, 0x32), 1);
}

static void levels(void)
{
	group("vioapic: level-triggered pins, remote IRR, EOI (82093AA 3.2.4)");
	machine();
	route(9, IOAPIC_RTE_LEVEL | 0x39, ID);
	vioapic_set_irq(9, 1);
	CHECK_EQ("asserted: delivered", bit(LAPIC_IRR, 0x39), 1);
	CHECK_EQ("level: TMR", bit(LAPIC_TMR, 0x39), 1);
	CHECK_EQ("remote IRR", ird(IOAPIC_REDTBL(9)),
		 IOAPIC_RTE_REMOTE_IRR | IOAPIC_RTE_LEVEL | 0x39);
	CHECK_EQ("taken", vlapic_ack(), 0x39);
	vioapic_set_irq(9, 1);
	CHECK_EQ("remote IRR holds it", bit(LAPIC_IRR, 0x39), 0);
	iwr(IOAPIC_REDTBL(9), IOAPIC_RTE_LEVEL | 0x39);
	CHECK_EQ("remote IRR is read-only: kept", ird(IOAPIC_REDTBL(9)) & IOAPIC_RTE_REMOTE_IRR,
		 IOAPIC_RTE_REMOTE_IRR);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("the local APIC's EOI reaches the pin", ioeoi_calls == 1 && ioeoi_last == 9, 1);
	CHECK_EQ("still asserted: delivered again", bit(LAPIC_IRR, 0x39), 1);
	CHECK_EQ("remote IRR again", ird(IOAPIC_REDTBL(9)) & IOAPIC_RTE_REMOTE_IRR,
		 IOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(9, 0);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	CHECK_EQ("remote IRR clear", ird(IOAPIC_REDTBL(9)) & IOAPIC_RTE_REMOTE_IRR, 0);
	CHECK_EQ("deasserted: no more", bit(LAPIC_IRR, 0x39), 0);
	CHECK_EQ("two EOIs", ioeoi_calls, 2);

	vioapic_set_irq(9, 1);
	vlapic_ack();
	vioapic_write(IOAPIC_EOIR, 4, 0x38);
	CHECK_EQ("EOI register, another vector: kept", ird(IOAPIC_REDTBL(9)) &
		 IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(9, 0);
	vioapic_write(IOAPIC_EOIR, 4, 0x39);
	CHECK_EQ("EOI register, its vector: clear", ird(IOAPIC_REDTBL(9)) &
		 IOAPIC_RTE_REMOTE_IRR, 0);
	CHECK_EQ("hook", ioeoi_calls, 3);
	wr(LAPIC_EOI, 0);

	/* An 82093AA (version 0x11, Bochs's) has no EOI register. */
	vioapic_version = 0x11;
	CHECK_EQ("version 0x11, 24 entries", ird(IOAPIC_VER), 0x00170011);
	vioapic_set_irq(9, 1);
	vlapic_ack();
	vioapic_write(IOAPIC_EOIR, 4, 0x39);
	CHECK_EQ("version 0x11: no EOI register", ird(IOAPIC_REDTBL(9)) &
		 IOAPIC_RTE_REMOTE_IRR, IOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(9, 0);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("version 0x11: the local APIC's EOI clears it", ird(IOAPIC_REDTBL(9)) &
		 IOAPIC_RTE_REMOTE_IRR, 0);
	vioapic_version = 0x20;
	ioeoi_calls = 3;

	route(10, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | 0x3A, ID);
	vioapic_set_irq(10, 1);
	CHECK_EQ("masked: nothing", bit(LAPIC_IRR, 0x3A), 0);
	route(10, IOAPIC_RTE_LEVEL | 0x3A, ID);
	CHECK_EQ("unmasked while asserted: delivered", bit(LAPIC_IRR, 0x3A), 1);
	route(11, IOAPIC_RTE_LEVEL | 0x3A, ID);
	vioapic_set_irq(11, 1);
	vioapic_set_irq(10, 0);
	vioapic_set_irq(11, 0);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	CHECK_EQ("one vector, two pins: both cleared",
		 (ird(IOAPIC_REDTBL(10)) | ird(IOAPIC_REDTBL(11))) & IOAPIC_RTE_REMOTE_IRR, 0);
	CHECK_EQ("a hook call each", ioeoi_calls, 5);
	route(12, IOAPIC_RTE_LEVEL | 0x3C, ID);
	vioapic_set_irq(12, 1);
	route(12, 0x3C, ID);
	CHECK_EQ("made edge: remote IRR gone", ird(IOAPIC_REDTBL(12)) & IOAPIC_RTE_REMOTE_IRR, 0);
}

static void destinations(void)
{
	group("vioapic: destinations (82093AA 3.2.4; SDM 10.6.2)");
	machine();
	route(3, IOAPIC_RTE_LEVEL | 0x43, 5);
	vioapic_set_irq(3, 1);
	CHECK_EQ("APIC 5: nobody", bit(LAPIC_IRR, 0x43), 0);
	CHECK_EQ("not accepted: no remote IRR", ird(IOAPIC_REDTBL(3)) & IOAPIC_RTE_REMOTE_IRR, 0);
	route(3, IOAPIC_RTE_LEVEL | 0x43, ID);
	CHECK_EQ("its own ID: delivered", bit(LAPIC_IRR, 0x43), 1);
	route(4, 0x44, 0xFF);
	vioapic_set_irq(4, 1);
	CHECK_EQ("physical 0xFF: delivered", bit(LAPIC_IRR, 0x44), 1);
	wr(LAPIC_LDR, 0x02000000);
	route(5, IOAPIC_RTE_LOGICAL | 0x45, 0x01);
	vioapic_set_irq(5, 1);
	CHECK_EQ("logical flat 0x01, LDR 0x02: no", bit(LAPIC_IRR, 0x45), 0);
	route(6, IOAPIC_RTE_LOGICAL | 0x46, 0x03);
	vioapic_set_irq(6, 1);
	CHECK_EQ("logical flat 0x03: yes", bit(LAPIC_IRR, 0x46), 1);
	wr(LAPIC_DFR, 0x0FFFFFFF);
	wr(LAPIC_LDR, 0x12000000);
	route(7, IOAPIC_RTE_LOGICAL | 0x47, 0x22);
	vioapic_set_irq(7, 1);
	CHECK_EQ("cluster 2: no", bit(LAPIC_IRR, 0x47), 0);
	route(8, IOAPIC_RTE_LOGICAL | 0x48, 0x16);
	vioapic_set_irq(8, 1);
	CHECK_EQ("cluster 1 members 1, 2: yes", bit(LAPIC_IRR, 0x48), 1);
}

static void modes(void)
{
	group("vioapic: delivery modes (82093AA 3.2.4)");
	machine();
	route(2, LAPIC_DM_NMI, ID);
	vioapic_set_irq(2, 1);
	CHECK_EQ("NMI", vlapic_take_nmi(), 1);
	CHECK_EQ("not in the IRR", vlapic_pending(), -1);
	vioapic_set_irq(2, 0);
	route(2, IOAPIC_RTE_LEVEL | LAPIC_DM_NMI, ID);
	vioapic_set_irq(2, 1);
	CHECK_EQ("NMI programmed level: still an edge", vlapic_take_nmi(), 1);
	CHECK_EQ("no remote IRR", ird(IOAPIC_REDTBL(2)) & IOAPIC_RTE_REMOTE_IRR, 0);
	vioapic_set_irq(2, 1);
	CHECK_EQ("held: once", vlapic_take_nmi(), 0);
	route(0, LAPIC_DM_EXTINT, ID);
	vioapic_set_irq(0, 1);
	CHECK_EQ("ExtINT: the CPU takes the 8259's vector", vlapic_extint(), 1);
	vlapic_extint_ack();
	CHECK_EQ("until it has", vlapic_extint(), 0);
	route(13, LAPIC_DM_LOWEST | 0x4D, ID);
	vioapic_set_irq(13, 1);
	CHECK_EQ("lowest priority: one CPU takes it", bit(LAPIC_IRR, 0x4D), 1);
	route(14, LAPIC_DM_INIT, ID);
	vioapic_set_irq(14, 1);
	CHECK_EQ("INIT: to hv", ipi_calls == 1 && ipi_mode == VAPIC_DM_INIT, 1);
	route(15, LAPIC_DM_SMI, ID);
	vioapic_set_irq(15, 1);
	CHECK_EQ("SMI: to hv", ipi_calls == 2 && ipi_mode == VAPIC_DM_SMI, 1);
}

void test_vioapic(void)
{
	registers();
	edges();
	levels();
	destinations();
	modes();
}
