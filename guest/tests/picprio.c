/*
 * The 8259A PIC pair: priorities and masking (Intel 8259A data sheet:
 * fully nested mode, OCW1 masks, OCW2 non-specific / specific / rotating
 * EOI and set priority, OCW3 IRR/ISR reads, poll and special mask mode,
 * ICW4 automatic EOI; the slave on IR2).  Requests are made on demand by
 * devices that raise them at once: IRQ0 the PIT's mode 0 terminal count,
 * IRQ1 and IRQ12 the i8042's "write output buffer" commands (0xD2, 0xD3),
 * IRQ4 COM1's THR-empty interrupt, IRQ8 the RTC's periodic flag.  Also
 * level triggering through the PIIX edge/level register (ELCR, 0x4D0):
 * a level request leaves IRR when the line drops, an edge request stays.
 * Every wait is bounded by loop iterations.
 */
#include "guest/lib/guest.h"

#include "lib/hw/i8042.h"
#include "lib/hw/mc146818.h"
#include "lib/uart.h"

GUEST_NAME("picprio");

#define SPIN_MAX	20000000u
#define OCW3_POLL_CMD	0x0C
#define OCW3_SMM_ON	0x68
#define OCW3_SMM_OFF	0x48
#define OCW2_SETPRIO	0xC0
#define OCW2_ROTEOI	0xA0
#define ICW4_AEOI_BIT	0x02
#define PIC_POLL_BIT	0x80
#define PIC_ELCR_MASTER	0x4D0	/* PIIX edge/level control, IRQ0-7 */
#define KBD_CB_TEST	(KBD_CB_XLAT | KBD_CB_SYS | KBD_CB_INT | KBD_CB_INT2)

static volatile int order[16];
static volatile uint32_t norder;
static int rotate_eoi;		/* handlers end with a rotating EOI */

static void record(int irq)
{
	if (norder < 16)
		order[norder] = irq;
	norder++;
}

/* Specific EOIs, so that nesting (special mask mode) ends the right level. */
static void master_eoi(int irq)
{
	outb(PIC1_CMD, rotate_eoi ? OCW2_ROTEOI : OCW2_SEOI | (irq >= 8 ? IRQ_CASCADE : irq));
}

/* --- the request sources --- */

static void kbc_cmd(uint8_t c)
{
	for (uint32_t i = 0; i < 100000 && (inb(PORT_KBD_CMD) & KBD_ST_IBF); i++)
		;
	outb(PORT_KBD_CMD, c);
}

static void kbc_data(uint8_t d)
{
	for (uint32_t i = 0; i < 100000 && (inb(PORT_KBD_CMD) & KBD_ST_IBF); i++)
		;
	outb(PORT_KBD_DATA, d);
}

static void kbd_drain(void)
{
	for (int i = 0; i < 32 && (inb(PORT_KBD_CMD) & KBD_ST_OBF); i++)
		inb(PORT_KBD_DATA);
}

static void raise_irq0(void)
{
	outb(PIT_CMD, 0x30);	/* channel 0, word, mode 0 */
	outb(PIT_CH0, 100);
	outb(PIT_CH0, 0);
}

static void raise_irq1(void)
{
	kbc_cmd(KBC_WRITE_KBD_OB);
	kbc_data(0x5A);
}

static void raise_irq12(void)
{
	kbc_cmd(KBC_WRITE_AUX_OB);
	kbc_data(0xA5);
}

static void raise_irq4(void)
{
	outb(PORT_COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	outb(PORT_COM1 + UART_IER, UART_IER_THRI);
}

static void clear_irq4(void)
{
	outb(PORT_COM1 + UART_IER, 0);
	inb(PORT_COM1 + UART_IIR);
	outb(PORT_COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(PORT_CMOS_INDEX, CMOS_NMI_MASK | reg);
	return inb(PORT_CMOS_DATA);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(PORT_CMOS_INDEX, CMOS_NMI_MASK | reg);
	outb(PORT_CMOS_DATA, v);
}

static void raise_irq8(void)
{
	cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_A, RTC_A_DV_32K | 6);	/* 1024 Hz */
	cmos_write(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
}

static void clear_irq8(void)
{
	cmos_write(RTC_REG_B, RTC_B_24H);
	cmos_read(RTC_REG_C);
}

/* --- handlers: each clears its source, records, and ends the interrupt --- */

static void h_irq0(struct trapframe *tf)
{
	(void)tf;
	record(0);
	master_eoi(0);
}

static void h_irq1(struct trapframe *tf)
{
	(void)tf;
	inb(PORT_KBD_DATA);
	record(1);
	master_eoi(1);
}

static void h_irq4(struct trapframe *tf)
{
	(void)tf;
	clear_irq4();
	record(4);
	master_eoi(4);
}

static uint16_t isr_in_irq8;

static void h_irq8(struct trapframe *tf)
{
	(void)tf;
	isr_in_irq8 = pic_isr();
	clear_irq8();
	record(8);
	outb(PIC2_CMD, OCW2_SEOI | 0);
	master_eoi(8);
}

static void h_irq12(struct trapframe *tf)
{
	(void)tf;
	inb(PORT_KBD_DATA);
	record(12);
	outb(PIC2_CMD, OCW2_SEOI | 4);
	master_eoi(12);
}

/* Waits (IF clear) until every IRQ in mask is requested. */
static int wait_irr(uint16_t mask)
{
	for (uint32_t i = 0; i < SPIN_MAX / 100; i++)
		if ((pic_irr() & mask) == mask)
			return 1;
	return 0;
}

/* Makes the requests in mask while all is masked, then lets them in. */
static void run_batch(uint16_t mask)
{
	cli();
	pic_set_imr(0xFFFF);
	norder = 0;
	if (mask & (1u << 0))
		raise_irq0();
	if (mask & (1u << 1))
		raise_irq1();
	if (mask & (1u << 4))
		raise_irq4();
	if (mask & (1u << 8))
		raise_irq8();
	if (mask & (1u << 12))
		raise_irq12();
	t_check(wait_irr(mask), "requests 0x%04x never all in IRR (0x%04x)", mask, pic_irr());
	if (mask & (1u << 8))
		cmos_write(RTC_REG_B, RTC_B_24H);	/* one periodic request is enough */
	pic_set_imr((uint16_t)~(mask | (mask & 0xFF00 ? 1u << IRQ_CASCADE : 0)));
	sti();
	for (uint32_t i = 0; i < SPIN_MAX && norder < (uint32_t)__builtin_popcount(mask); i++)
		__asm__ volatile("pause");
	cli();
	pic_set_imr(0xFFFF);
}

static void expect_order(const char *what, const int *want, uint32_t n)
{
	uint32_t ok = norder == n;

	for (uint32_t i = 0; ok && i < n; i++)
		ok = order[i] == want[i];
	if (!ok)
		t_fail("%s: %u interrupts, order %d %d %d %d %d", what, norder, order[0],
		       order[1], order[2], order[3], order[4]);
	gprintf("%s:", what);
	for (uint32_t i = 0; i < n; i++)
		gprintf(" %d", want[i]);
	gprintf("\n");
}

static void priority_case(void)
{
	static const int fixed[] = { 0, 1, 8, 4 };
	static const int slave[] = { 8, 12 };

	t_begin("fixed_priority");
	run_batch(1u << 0 | 1u << 1 | 1u << 4 | 1u << 8);
	expect_order("fully nested", fixed, 4);
	t_eq_mask("in IRQ8: ISR master IR2 and slave IR0", isr_in_irq8, 0x0104, 0x0104);
	run_batch(1u << 8 | 1u << 12);
	expect_order("on the slave", slave, 2);
	t_end();
}

static void rotation_case(void)
{
	static const int bottom1[] = { 8, 4, 0, 1 };
	static const int first[] = { 0, 1 };
	static const int second[] = { 4, 0, 1 };

	t_begin("rotation");
	outb(PIC1_CMD, OCW2_SETPRIO | 1);	/* IR1 lowest: 2 3 4 5 6 7 0 1 */
	run_batch(1u << 0 | 1u << 1 | 1u << 4 | 1u << 8);
	expect_order("set priority, IR1 lowest", bottom1, 4);
	outb(PIC1_CMD, OCW2_SETPRIO | 7);
	rotate_eoi = 1;	/* each level served goes to the bottom */
	run_batch(1u << 0 | 1u << 1);
	expect_order("rotating EOI", first, 2);
	run_batch(1u << 0 | 1u << 1 | 1u << 4);
	expect_order("rotating EOI, after IR1", second, 3);
	rotate_eoi = 0;
	outb(PIC1_CMD, OCW2_SETPRIO | 7);
	t_end();
}

static void mask_case(void)
{
	t_begin("mask");
	cli();
	pic_set_imr(0xFFFF);
	norder = 0;
	raise_irq1();
	t_check(wait_irr(1u << 1), "IRQ1 never requested");
	pic_set_imr(0xFFFF);	/* IR1 still masked */
	sti();
	for (uint32_t i = 0; i < SPIN_MAX / 20; i++)
		__asm__ volatile("pause");
	cli();
	t_eq("masked IR1 taken", norder, 0);
	t_eq_mask("masked IR1 still in IRR", pic_irr(), 1u << 1, 1u << 1);
	pic_set_imr((uint16_t)~(1u << 1));
	sti();
	for (uint32_t i = 0; i < SPIN_MAX && !norder; i++)
		__asm__ volatile("pause");
	cli();
	t_eq("taken at unmask", norder, 1);
	pic_set_imr(0xFFFF);
	t_end();
}

static uint8_t poll(void)
{
	outb(PIC1_CMD, OCW3_POLL_CMD);
	return inb(PIC1_CMD);
}

static void poll_case(void)
{
	uint8_t p;

	t_begin("poll_and_eoi");
	cli();
	pic_set_imr(0xFFFF);
	kbd_drain();
	pic_set_imr((uint16_t)~(1u << 1 | 1u << 4));	/* IF is clear: polling only */
	p = poll();
	t_eq_mask("poll with no request", p, 0, PIC_POLL_BIT);
	raise_irq4();
	t_check(wait_irr(1u << 4), "IRQ4 never requested");
	t_eq("poll IR4", poll(), PIC_POLL_BIT | 4);
	t_eq("ISR after poll", pic_isr() & 0xFF, 1u << 4);
	t_eq_mask("IRR after poll", pic_irr(), 0, 1u << 4);
	clear_irq4();
	raise_irq1();
	t_check(wait_irr(1u << 1), "IRQ1 never requested");
	t_eq("poll IR1 above IR4 in service", poll(), PIC_POLL_BIT | 1);
	t_eq("ISR with both", pic_isr() & 0xFF, 1u << 1 | 1u << 4);
	inb(PORT_KBD_DATA);
	outb(PIC1_CMD, OCW2_SEOI | 4);
	t_eq("ISR after specific EOI 4", pic_isr() & 0xFF, 1u << 1);
	outb(PIC1_CMD, OCW2_EOI);
	t_eq("ISR after non-specific EOI", pic_isr() & 0xFF, 0);
	pic_set_imr(0xFFFF);
	t_end();
}

static volatile int smm;

static void h_irq1_smm(struct trapframe *tf)
{
	(void)tf;
	inb(PORT_KBD_DATA);
	record(1);
	if (smm) {
		/* The mode, then the mask (QEMU looks again only at mask writes). */
		outb(PIC1_CMD, OCW3_SMM_ON);
		pic_mask(1);
	}
	sti();
	for (uint32_t i = 0; i < SPIN_MAX / 10 && norder < 2; i++)
		__asm__ volatile("pause");
	cli();
	record(-1);
	if (smm) {
		outb(PIC1_CMD, OCW3_SMM_OFF);
		pic_unmask(1);
	}
	outb(PIC1_CMD, OCW2_SEOI | 1);
}

static void smm_case(void)
{
	static const int blocked[] = { 1, -1, 0 };
	static const int nested[] = { 1, 0, -1 };

	t_begin("special_mask");
	irq_set_handler(1, h_irq1_smm);
	outb(PIC1_CMD, OCW2_SETPRIO | 0);	/* IR0 lowest: IR1 in service holds it off */
	for (smm = 0; smm < 2; smm++) {
		run_batch(1u << 0 | 1u << 1);
		for (uint32_t i = 0; i < SPIN_MAX && norder < 3; i++) {
			sti();
			__asm__ volatile("pause");
			cli();
		}
		expect_order(smm ? "special mask mode: IR0 nests in IR1" :
			     "fully nested: IR0 waits for IR1's EOI", smm ? nested : blocked, 3);
	}
	outb(PIC1_CMD, OCW2_SETPRIO | 7);
	irq_set_handler(1, h_irq1);
	t_end();
}

static uint16_t isr_in_aeoi;

static void h_irq1_aeoi(struct trapframe *tf)
{
	(void)tf;
	inb(PORT_KBD_DATA);
	isr_in_aeoi = pic_isr();
	record(1);
}

static void aeoi_case(void)
{
	t_begin("auto_eoi");
	cli();
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	outb(PIC1_DATA, PIC_VEC_MASTER);
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	outb(PIC1_DATA, ICW4_8086 | ICW4_AEOI_BIT);
	irq_set_handler(1, h_irq1_aeoi);
	isr_in_aeoi = 0xFFFF;
	run_batch(1u << 1);
	t_eq("taken", norder, 1);
	t_eq("ISR in the handler", isr_in_aeoi & 0xFF, 0);
	irq_set_handler(1, h_irq1);
	pic_init();	/* back to normal EOI, all masked */
	t_end();
}

static void level_case(void)
{
	uint8_t elcr = inb(PIC_ELCR_MASTER);

	t_begin("edge_level");
	cli();
	pic_set_imr(0xFFFF);
	outb(PIC_ELCR_MASTER, elcr & ~(1u << 4));
	raise_irq4();
	t_check(wait_irr(1u << 4), "IRQ4 never requested");
	clear_irq4();
	t_eq_mask("edge: request stays after the line drops", pic_irr(), 1u << 4, 1u << 4);
	pic_set_imr((uint16_t)~(1u << 4));
	t_eq("poll takes it", poll(), PIC_POLL_BIT | 4);
	outb(PIC1_CMD, OCW2_EOI);
	pic_set_imr(0xFFFF);
	outb(PIC_ELCR_MASTER, elcr | 1u << 4);
	t_eq_mask("ELCR bit 4", inb(PIC_ELCR_MASTER), 1u << 4, 1u << 4);
	raise_irq4();
	t_check(wait_irr(1u << 4), "level IRQ4 never requested");
	clear_irq4();
	for (uint32_t i = 0; i < SPIN_MAX / 100 && (pic_irr() & (1u << 4)); i++)
		;
	t_eq_mask("level: request gone with the line", pic_irr(), 0, 1u << 4);
	outb(PIC_ELCR_MASTER, elcr);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	irq_set_handler(0, h_irq0);
	irq_set_handler(1, h_irq1);
	irq_set_handler(4, h_irq4);
	irq_set_handler(8, h_irq8);
	irq_set_handler(12, h_irq12);
	kbc_cmd(KBC_WRITE_CB);
	kbc_data(KBD_CB_TEST);
	kbd_drain();
	priority_case();
	rotation_case();
	mask_case();
	poll_case();
	smm_case();
	aeoi_case();
	level_case();
	cli();
	pic_set_imr(0xFFFF);
	kbd_drain();
	t_begin("no_spurious");
	t_eq("spurious IRQ7/IRQ15", pic_spurious, 0);
	t_end();
}
