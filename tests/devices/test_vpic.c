/*
 * drivers/vpic.c against the Intel 8259A data sheet: initialisation,
 * fully nested priorities, EOI forms, rotation, poll, special mask mode,
 * automatic EOI, level triggering and the cascade.
 */
#include "tests/devices/harness.h"

#include "lib/hw/i8259.h"
#include "drivers/vdev.h"

static void init_pair(uint8_t icw4_master)
{
	outb_g(PIC1_CMD, ICW1_INIT | ICW1_IC4);
	outb_g(PIC2_CMD, ICW1_INIT | ICW1_IC4);
	outb_g(PIC1_DATA, 0x20);
	outb_g(PIC2_DATA, 0x28);
	outb_g(PIC1_DATA, 1 << 2);
	outb_g(PIC2_DATA, 2);
	outb_g(PIC1_DATA, icw4_master);
	outb_g(PIC2_DATA, ICW4_8086);
	outb_g(PIC1_DATA, 0x00);
	outb_g(PIC2_DATA, 0x00);
}

static void pulse(int irq)
{
	vpic_set_irq(irq, 1);
	vpic_set_irq(irq, 0);
}

static uint8_t reg(uint16_t cmd, uint8_t ocw3)
{
	outb_g(cmd, ocw3);
	return inb_g(cmd);
}

void test_vpic(void)
{

	harness_reset();
	vpic_init(0xB8, 0, 0, 0);	/* as the BIOS left them */
	group("vpic: initial state and ICWs");
	CHECK_EQ("IMR as the BIOS left it", inb_g(PIC1_DATA), 0xB8);
	pulse(1);
	vpic_set_irq(1, 0);
	outb_g(PIC1_DATA, 0xFD);
	CHECK(vpic_pending(), "IR1 unmasked, requested");
	CHECK_EQ("BIOS vector base", vpic_ack(), 0x08 + 1);
	outb_g(PIC1_CMD, OCW2_EOI);
	init_pair(ICW4_8086);
	CHECK_EQ("ICW1 clears IMR", inb_g(PIC1_DATA), 0);
	CHECK(!vpic_pending(), "ICW1 cleared the edge requests");

	group("vpic: fully nested priority and EOI");
	pulse(4);
	pulse(1);
	pulse(9);
	CHECK_EQ("IRR", reg(PIC1_CMD, OCW3_READ_IRR), (1 << 4) | (1 << 1) | (1 << 2));
	CHECK_EQ("first IR1", vpic_ack(), 0x21);
	CHECK(!vpic_pending(), "IR1 in service holds off IR2 and IR4");
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("then the slave's IR1 (IRQ9) through IR2", vpic_ack(), 0x29);
	CHECK_EQ("ISR master", reg(PIC1_CMD, OCW3_READ_ISR), 1 << 2);
	CHECK_EQ("ISR slave", reg(PIC2_CMD, OCW3_READ_ISR), 1 << 1);
	outb_g(PIC2_CMD, OCW2_EOI);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("then IR4", vpic_ack(), 0x24);
	pulse(3);
	CHECK(vpic_pending(), "IR3 above IR4 in service");
	CHECK_EQ("IR3 nests", vpic_ack(), 0x23);
	outb_g(PIC1_CMD, OCW2_SEOI | 4);
	CHECK_EQ("specific EOI 4 leaves 3", reg(PIC1_CMD, OCW3_READ_ISR), 1 << 3);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("ISR empty", reg(PIC1_CMD, OCW3_READ_ISR), 0);

	group("vpic: masking");
	outb_g(PIC1_DATA, 1 << 5);
	pulse(5);
	CHECK(!vpic_pending(), "masked IR5");
	CHECK_EQ("IRR keeps it", reg(PIC1_CMD, OCW3_READ_IRR) & (1 << 5), 1 << 5);
	outb_g(PIC1_DATA, 0);
	CHECK_EQ("unmasked: taken", vpic_ack(), 0x25);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("spurious IR7 when nothing is requested", vpic_ack(), 0x27);
	CHECK_EQ("spurious sets no ISR bit", reg(PIC1_CMD, OCW3_READ_ISR), 0);

	group("vpic: rotation and set priority");
	outb_g(PIC1_CMD, OCW2_SET_PRIO | 4);	/* IR4 lowest: 5 6 7 0 1 2 3 4 */
	pulse(3);
	pulse(6);
	CHECK_EQ("IR6 first", vpic_ack(), 0x26);
	outb_g(PIC1_CMD, OCW2_ROT_EOI);		/* IR6 to the bottom: 7 0 1 2 3 4 5 6 */
	CHECK_EQ("then IR3", vpic_ack(), 0x23);
	outb_g(PIC1_CMD, OCW2_ROT_SEOI | 3);	/* 4 5 6 7 0 1 2 3 */
	pulse(3);
	pulse(5);
	CHECK_EQ("after rotating on IR3: IR5 before IR3", vpic_ack(), 0x25);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK_EQ("IR3", vpic_ack(), 0x23);
	outb_g(PIC1_CMD, OCW2_EOI);
	outb_g(PIC1_CMD, OCW2_SET_PRIO | 7);

	group("vpic: poll");
	outb_g(PIC1_CMD, OCW3_SEL | OCW3_POLL);
	CHECK_EQ("nothing requested", inb_g(PIC1_CMD) & PIC_POLL_INT, 0);
	pulse(6);
	outb_g(PIC1_CMD, OCW3_SEL | OCW3_POLL);
	CHECK_EQ("poll word", inb_g(PIC1_CMD), PIC_POLL_INT | 6);
	CHECK_EQ("poll acknowledged", reg(PIC1_CMD, OCW3_READ_ISR), 1 << 6);
	CHECK(!vpic_pending(), "and cleared the request");
	outb_g(PIC1_CMD, OCW2_EOI);

	group("vpic: special mask mode");
	pulse(1);
	CHECK_EQ("IR1", vpic_ack(), 0x21);
	pulse(5);
	CHECK(!vpic_pending(), "IR5 below IR1 in service");
	outb_g(PIC1_CMD, OCW3_SEL | OCW3_ESMM | OCW3_SMM);
	outb_g(PIC1_DATA, 1 << 1);
	CHECK(vpic_pending(), "special mask mode, IR1 masked: IR5 passes");
	CHECK_EQ("IR5", vpic_ack(), 0x25);
	outb_g(PIC1_CMD, OCW2_SEOI | 5);
	outb_g(PIC1_CMD, OCW3_SEL | OCW3_ESMM);
	outb_g(PIC1_DATA, 0);
	outb_g(PIC1_CMD, OCW2_SEOI | 1);

	group("vpic: automatic EOI and level triggering");
	init_pair(ICW4_8086 | ICW4_AEOI);
	pulse(3);
	CHECK_EQ("IR3 taken", vpic_ack(), 0x23);
	CHECK_EQ("no ISR bit with automatic EOI", reg(PIC1_CMD, OCW3_READ_ISR), 0);
	outb_g(PIC1_CMD, ICW1_INIT | ICW1_IC4 | ICW1_LTIM);
	outb_g(PIC1_DATA, 0x20);
	outb_g(PIC1_DATA, 1 << 2);
	outb_g(PIC1_DATA, ICW4_8086);
	outb_g(PIC1_DATA, 0);
	vpic_set_irq(4, 1);
	CHECK_EQ("level IR4", vpic_ack(), 0x24);
	outb_g(PIC1_CMD, OCW2_EOI);
	CHECK(vpic_pending(), "still high after the EOI: requested again");
	vpic_set_irq(4, 0);
	CHECK(!vpic_pending(), "line low: request gone");
	init_pair(ICW4_8086);
	outb_g(PIC_ELCR1, 0xFF);
	CHECK_EQ("ELCR writable bits", inb_g(PIC_ELCR1), 0xF8);
	vpic_set_irq(5, 1);
	CHECK_EQ("ELCR level IR5", reg(PIC1_CMD, OCW3_READ_IRR) & (1 << 5), 1 << 5);
	vpic_set_irq(5, 0);
	CHECK_EQ("follows the line", reg(PIC1_CMD, OCW3_READ_IRR) & (1 << 5), 0);
	outb_g(PIC_ELCR1, 0);
}
