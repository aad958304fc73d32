/*
 * The I/O APIC (Intel 82093AA data sheet, 3.0: IOREGSEL/IOWIN, the ID,
 * version and arbitration registers, the redirection table: vector,
 * delivery and destination mode, polarity, trigger mode, remote IRR, mask;
 * the EOI register of version 0x20 parts) with the local APIC behind it
 * (Intel SDM vol. 3A 10.8.4: TMR set for level-triggered messages, 10.8.5:
 * their EOI goes back to the I/O APIC).
 *
 * Both 8259s are fully masked; the ISA devices reach the I/O APIC as the
 * ACPI MADT of QEMU's PC says: IRQ0 (PIT) on pin 2 (interrupt source
 * override), IRQ1 (i8042) on pin 1, IRQ4 (COM1) on pin 4.  COM1 is the
 * console too, so its THR-empty interrupt is only on while nothing prints.
 * QEMU 7.2 drives nothing on pin 0 (its I/O APIC moves ISA IRQ0 to pin 2),
 * so ExtINT through pin 0 is not tried.  Every wait is bounded.
 */
#include "guest/lib/guest.h"

#include "lib/hw/i8042.h"
#include "lib/uart.h"

GUEST_NAME("ioapic");

#define VEC_SPURIOUS	0xFF
#define VEC_KBD		0x41
#define VEC_PIT		0x42
#define VEC_COM1	0x44
#define VEC_LEVEL	0x54
#define PIN_KBD		1
#define PIN_PIT		2
#define PIN_COM1	4
#define SPIN		2000000u
#define PIT_DIVISOR	(PIT_HZ / 1000)
#define KBD_CB_TEST	(KBD_CB_XLAT | KBD_CB_SYS | KBD_CB_INT)
#define IOAPIC_ID_SHIFT	24

static volatile uint32_t pit_ticks, com1_irqs, kbd_n, level_n, spurious;
static volatile uint8_t kbd_bytes[8];
static volatile uint32_t rte_in[2], rte_after[2], tmr_in;
static volatile int level_mode;
static uint8_t dest;

static void spin_until(volatile uint32_t *c, uint32_t want)
{
	sti();
	irq_wait(c, want, SPIN * 5);
	cli();
}

static void spin(uint32_t n)
{
	sti();
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("pause" : : : "memory");
	cli();
}

/* --- sources --- */

static void com1_raise(void)
{
	outb(PORT_COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	outb(PORT_COM1 + UART_IER, UART_IER_THRI);
}

static void com1_clear(void)
{
	outb(PORT_COM1 + UART_IER, 0);
	inb(PORT_COM1 + UART_IIR);
	outb(PORT_COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

static void kbc_wait(void)
{
	for (uint32_t i = 0; i < 100000 && (inb(PORT_KBD_CMD) & KBD_ST_IBF); i++)
		;
}

static void kbc_cmd(uint8_t c, uint8_t data)
{
	kbc_wait();
	outb(PORT_KBD_CMD, c);
	kbc_wait();
	outb(PORT_KBD_DATA, data);
}

static void kbd_drain(void)
{
	for (int i = 0; i < 32 && (inb(PORT_KBD_CMD) & KBD_ST_OBF); i++)
		inb(PORT_KBD_DATA);
}

/* --- handlers --- */

static void pit_irq(struct trapframe *tf)
{
	(void)tf;
	pit_ticks++;
	lapic_eoi();
}

static void com1_irq(struct trapframe *tf)
{
	(void)tf;
	com1_clear();
	com1_irqs++;
	lapic_eoi();
}

static void kbd_irq(struct trapframe *tf)
{
	uint8_t b = inb(PORT_KBD_DATA);

	(void)tf;
	if (kbd_n < sizeof(kbd_bytes))
		kbd_bytes[kbd_n] = b;
	kbd_n++;
	lapic_eoi();
}

/*
 * COM1 as a level-triggered, active-high line.  level_mode 0: clear the
 * source, then the local APIC's EOI; 1: the first time, EOI with the
 * line still high (it must come again); 2: clear the source, then the I/O
 * APIC's own EOI register, then the local APIC's EOI.
 */
static void level_irq(struct trapframe *tf)
{
	uint32_t i = level_n < 2 ? level_n : 1;

	(void)tf;
	rte_in[i] = ioapic_rte(PIN_COM1);
	tmr_in = lapic_vec_bit(LAPIC_TMR, VEC_LEVEL);
	if (level_mode != 1 || level_n > 0)
		com1_clear();
	if (level_mode == 2) {
		*(volatile uint32_t *)(ioapic_base + IOAPIC_EOIR) = VEC_LEVEL;
		rte_after[i] = ioapic_rte(PIN_COM1);
	}
	level_n++;
	lapic_eoi();
	if (level_mode != 2)
		rte_after[i] = ioapic_rte(PIN_COM1);
}

static void spurious_irq(struct trapframe *tf)
{
	(void)tf;
	spurious++;
}

/* --- cases --- */

static void regs_case(void)
{
	uint32_t ver = ioapic_read(IOAPIC_VER), id = ioapic_read(IOAPIC_ID);
	int pins = (int)((ver >> 16) & 0xFF) + 1;

	t_begin("registers");
	t_check((ver & 0xFF) == 0x11 || (ver & 0xFF) == 0x20, "version 0x%x", ver & 0xFF);
	t_check(pins >= 16, "%d redirection entries", pins);
	for (int pin = 0; pin < pins; pin++)
		t_eq_mask("pin masked from reset", ioapic_rte(pin), IOAPIC_RTE_MASKED,
			  IOAPIC_RTE_MASKED);
	gprintf("I/O APIC ID %u, version 0x%02x, %d pins\n", (id >> IOAPIC_ID_SHIFT) & 0xF,
		ver & 0xFF, pins);
	ioapic_write(IOAPIC_ID, 0x5u << IOAPIC_ID_SHIFT);
	t_eq_mask("ID written", ioapic_read(IOAPIC_ID), 0x5u << IOAPIC_ID_SHIFT, 0xFu << 24);
	ioapic_write(IOAPIC_ID, id);
	t_eq("ID restored", ioapic_read(IOAPIC_ID), id);
	/* Every writable field of an entry; delivery status, remote IRR read-only. */
	ioapic_route(PIN_COM1, IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW |
		     IOAPIC_RTE_LOGICAL | IOAPIC_RTE_REMOTE_IRR | IOAPIC_RTE_PENDING |
		     LAPIC_DM_LOWEST | 0x5A, 0xAB);
	t_eq("entry low", ioapic_rte(PIN_COM1), IOAPIC_RTE_MASKED | IOAPIC_RTE_LEVEL |
	     IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LOGICAL | LAPIC_DM_LOWEST | 0x5A);
	t_eq_mask("entry high", ioapic_read(IOAPIC_REDTBL(PIN_COM1) + 1), 0xABu << 24,
		  0xFFu << 24);
	ioapic_route(PIN_COM1, IOAPIC_RTE_MASKED, 0);
	t_end();
}

static void pit_case(void)
{
	t_begin("pit_pin2");
	pit_ticks = 0;
	ioapic_route(PIN_PIT, VEC_PIT, dest);	/* fixed, physical, edge, high */
	pit_start(0, PIT_MODE_RATE, PIT_DIVISOR);
	spin_until(&pit_ticks, 5);
	t_check(pit_ticks >= 5, "%u of 5 timer interrupts", pit_ticks);
	t_eq("TMR (edge)", lapic_vec_bit(LAPIC_TMR, VEC_PIT), 0);
	t_eq_mask("entry: idle, no remote IRR", ioapic_rte(PIN_PIT), 0,
		  IOAPIC_RTE_PENDING | IOAPIC_RTE_REMOTE_IRR);
	gprintf("pit: 5 interrupts on pin 2\n");
	t_end();

	t_begin("pin_mask");
	ioapic_route(PIN_PIT, IOAPIC_RTE_MASKED | VEC_PIT, dest);
	spin(SPIN / 20);	/* one already on its way may come in */
	pit_ticks = 0;
	spin(SPIN);
	t_eq("timer interrupts while masked", pit_ticks, 0);
	ioapic_route(PIN_PIT, VEC_PIT, dest);
	spin_until(&pit_ticks, 3);
	t_check(pit_ticks >= 3, "%u of 3 after unmasking", pit_ticks);
	ioapic_route(PIN_PIT, IOAPIC_RTE_MASKED | VEC_PIT, dest);
	spin(SPIN / 20);
	t_end();
}

static void com1_case(void)
{
	t_begin("com1_pin4");
	com1_irqs = 0;
	ioapic_route(PIN_COM1, VEC_COM1, dest);
	for (uint32_t n = 1; n <= 3; n++) {
		com1_raise();
		spin_until(&com1_irqs, n);
		spin(SPIN / 20);
		t_eq("THR-empty interrupts", com1_irqs, n);
	}
	com1_clear();
	ioapic_route(PIN_COM1, IOAPIC_RTE_MASKED, 0);
	gprintf("com1: 3 THR-empty interrupts on pin 4\n");
	t_end();
}

static void kbd_case(void)
{
	static const uint8_t bytes[] = { 0x1E, 0x30, 0x2E };

	t_begin("kbd_pin1");
	kbc_cmd(KBC_WRITE_CB, KBD_CB_TEST);
	kbd_drain();
	kbd_n = 0;
	ioapic_route(PIN_KBD, VEC_KBD, dest);
	for (uint32_t i = 0; i < sizeof(bytes); i++) {
		kbc_cmd(KBC_WRITE_KBD_OB, bytes[i]);
		spin_until(&kbd_n, i + 1);
	}
	spin(SPIN / 20);
	t_eq("keyboard interrupts", kbd_n, 3);
	for (uint32_t i = 0; i < sizeof(bytes); i++)
		t_eq("byte read in the handler", kbd_bytes[i], bytes[i]);
	ioapic_route(PIN_KBD, IOAPIC_RTE_MASKED, 0);
	gprintf("kbd: 0xD2 bytes 1e 30 2e on pin 1\n");
	t_end();
}

static void level_case(const char *name, int mode)
{
	uint32_t want = mode == 1 ? 2 : 1;

	t_begin(name);
	level_mode = mode;
	level_n = 0;
	rte_in[0] = rte_in[1] = rte_after[0] = rte_after[1] = 0xFFFFFFFFu;
	ioapic_route(PIN_COM1, IOAPIC_RTE_LEVEL | VEC_LEVEL, dest);
	com1_raise();
	spin_until(&level_n, want);
	spin(SPIN / 20);
	com1_clear();
	t_eq("interrupts", level_n, want);
	t_eq("TMR in the handler (level)", tmr_in, 1);
	for (uint32_t i = 0; i < want; i++)
		t_eq_mask("remote IRR in the handler", rte_in[i], IOAPIC_RTE_REMOTE_IRR,
			  IOAPIC_RTE_REMOTE_IRR);
	/* (With the line still high, the first EOI sends the message again.) */
	t_eq_mask("remote IRR after the last EOI", rte_after[want - 1], 0,
		  IOAPIC_RTE_REMOTE_IRR);
	ioapic_route(PIN_COM1, IOAPIC_RTE_MASKED, 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();		/* OCW1 0xFF to both: the 8259s take no part */
	trap_set_handler(VEC_PIT, pit_irq);
	trap_set_handler(VEC_COM1, com1_irq);
	trap_set_handler(VEC_KBD, kbd_irq);
	trap_set_handler(VEC_LEVEL, level_irq);
	trap_set_handler(VEC_SPURIOUS, spurious_irq);
	lapic_setup(VEC_SPURIOUS);
	dest = lapic_id();

	regs_case();
	pit_case();
	com1_case();
	kbd_case();
	level_case("level_eoi", 0);
	level_case("level_redeliver", 1);
	if ((ioapic_read(IOAPIC_VER) & 0xFF) >= 0x20)
		level_case("level_eoir", 2);

	ioapic_mask_all();
	t_begin("no_spurious");
	t_eq("spurious interrupts", spurious + pic_spurious, 0);
	t_end();
}
