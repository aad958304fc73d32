/*
 * drivers/irq.c, the real 8259s behind the guest's emulated ones, against
 * the Intel 8259A data sheet: hv's vector bases in the real PICs, real
 * edges merged into one request as a real IRR bit would merge them, the
 * spurious IR7, and a level-triggered real line held masked from its
 * interrupt until the guest's EOI.  Built as its own binary (irq_unit)
 * with the real irq.c and vpic.c.
 */
#include "tests/devices/harness.h"

#include "drivers/irq.h"
#include "drivers/vdev.h"
#include "lib/hw/i8259.h"
#include "lib/layout.h"

static void init_pair(void)
{
	outb_g(PIC1_CMD, ICW1_INIT | ICW1_IC4);
	outb_g(PIC2_CMD, ICW1_INIT | ICW1_IC4);
	outb_g(PIC1_DATA, 0x20);
	outb_g(PIC2_DATA, 0x28);
	outb_g(PIC1_DATA, 1 << 2);
	outb_g(PIC2_DATA, 2);
	outb_g(PIC1_DATA, ICW4_8086);
	outb_g(PIC2_DATA, ICW4_8086);
	outb_g(PIC1_DATA, 0x00);
	outb_g(PIC2_DATA, 0x00);
}

/* The guest reads its slave's IRR (OCW3). */
static uint8_t reg_irr2(void)
{
	outb_g(PIC2_CMD, OCW3_READ_IRR);
	return inb_g(PIC2_CMD);
}

void test_irq(void)
{
	int v;

	harness_reset();
	real_port[PIC1_DATA] = 0xB8;	/* what the BIOS left */
	irq_init(0, 0);
	group("irq: the real PICs are hv's");
	CHECK_EQ("the guest's IMR as the BIOS left it", inb_g(PIC1_DATA), 0xB8);
	CHECK_EQ("real slave IMR: every passed-through line open", real_port[PIC2_DATA], 0);
	CHECK_EQ("real master IMR: hv's line 0 open", real_port[PIC1_DATA] & 1, 0);
	CHECK_EQ("ISA IRQ 0 arrives at GSI 2 (the MADT's override)", irq_isa_gsi(0), 2);

	group("irq: passed-through real edges");
	init_pair();
	irq_real_8259(3);
	CHECK(real_port[PIC1_CMD] == (OCW2_SEOI | 3), "real EOI sent");
	real_port[PIC1_CMD] = 1 << 3;	/* the real IRR shows another edge */
	CHECK_EQ("real IRQ3 becomes a request", vpic_ack(), 0x23);
	outb_g(PIC1_CMD, OCW2_EOI);
	real_port[PIC1_CMD] = 0;
	irq_real_8259(3);	/* that edge, latched before the acknowledge */
	CHECK(!vpic_pending(), "merged into the request taken before");
	irq_real_8259(3);
	CHECK(vpic_pending(), "a later edge requests again");
	v = vpic_ack();
	CHECK_EQ("IR3 again", v, 0x23);
	outb_g(PIC1_CMD, OCW2_EOI);
	real_port[PIC1_CMD] = 0;	/* real ISR (read for IR7) empty */
	irq_real_8259(7);
	CHECK(!vpic_pending(), "spurious real IRQ7 ignored");

	group("irq: a level-triggered real line");
	outb_g(PIC_ELCR2, 1 << 3);	/* IRQ 11 level, as a PCI device's */
	CHECK_EQ("the guest's ELCR reaches the real one", real_port[PIC_ELCR2], 1 << 3);
	irq_real_8259(11);
	CHECK_EQ("real IRQ 11 masked while the guest holds it",
		 real_port[PIC2_DATA] >> 3 & 1, 1);
	CHECK(vpic_pending(), "a request in the guest's PIC");
	CHECK_EQ("taken at the guest's slave base", vpic_ack(), 0x28 + 3);
	real_port[PIC2_CMD] = 1 << 3;	/* the device still asserts it */
	outb_g(PIC2_CMD, OCW2_EOI);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("the guest's EOI lets the real line in again",
		 real_port[PIC2_DATA] >> 3 & 1, 0);
	irq_real_8259(11);
	real_port[PIC2_CMD] = 0;	/* the device let go before the guest looked */
	CHECK_EQ("guest's IRR follows the real one", reg_irr2(), 0);
	CHECK_EQ("and the real line is open again", real_port[PIC2_DATA] >> 3 & 1, 0);
}
