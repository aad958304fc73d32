/*
 * CLI/STI/PUSHF/POPF and what IF does (SDM vol. 3A 6.8.1 masking maskable
 * interrupts, 6.8.3 the STI shadow; vol. 2 POPF: at CPL 0 POPF changes IF
 * and IOPL; 6.12.1.2: an interrupt gate clears IF, a trap gate does not).
 * A pending IRQ0 waits while IF = 0 and is taken after STI's
 * one-instruction shadow, right after a POPF that sets IF, never between
 * STI and CLI, and HLT wakes for it.
 */
#include "guest/lib/guest.h"

GUEST_NAME("intflag");

#define SPIN_MAX	50000000u
#define VEC_TRAPGATE	0x30
#define VEC_INTGATE	0x31

extern char if_sti_after[], if_popf_after[], if_sti_hlt_after[];
void if_sti(void);
void if_sti_cli(void);
void if_popf(void);
void if_sti_hlt(void);

static volatile uint32_t ticks, tick_eip, tick_eflags;

/*
 * One interrupt per case: the handler masks IRQ0 (the 8259's IRR still
 * latches the next edge), so a second tick cannot come in between the
 * handler's IRET and the case's CLI however long the host takes
 * (a loaded host can stall the guest for more than a 10 ms period).
 */
static void irq0(struct trapframe *tf)
{
	ticks++;
	tick_eip = tf->eip;
	tick_eflags = tf->eflags;
	pic_mask(IRQ_PIT);
	pic_eoi(IRQ_PIT);
}

static int irq0_pending(void)
{
	for (uint32_t i = 0; i < SPIN_MAX / 100; i++)
		if (pic_irr() & (1u << IRQ_PIT))
			return 1;
	return 0;
}

static void popf_case(void)
{
	uint32_t f;

	t_begin("pushf_popf");
	cli();
	t_eq_mask("IF after cli", read_eflags(), 0, FL_IF);
	write_eflags(FL_FIXED | FL_IF);		/* PIC is all masked here */
	f = read_eflags();
	cli();
	t_eq_mask("popf sets IF at CPL 0", f, FL_IF, FL_IF);
	write_eflags(FL_FIXED | (3 << FL_IOPL_SHIFT));
	f = read_eflags();
	t_eq_mask("popf sets IOPL at CPL 0", f, FL_IOPL_MASK, FL_IOPL_MASK);
	write_eflags(FL_FIXED | FL_NT | FL_AC | FL_DF);
	f = read_eflags();
	write_eflags(FL_FIXED);
	t_eq_mask("popf NT AC DF", f, FL_NT | FL_AC | FL_DF,
		  FL_NT | FL_AC | FL_DF | FL_IOPL_MASK | FL_IF);
	/* PUSHF never shows VM or RF. */
	t_eq_mask("pushf VM RF", read_eflags(), 0, FL_VM | FL_RF);
	t_end();
}

/* With IRQ0 pending (IRR) and IF = 0, run fn; returns ticks taken. */
static uint32_t with_pending(void (*fn)(void))
{
	uint32_t before;

	cli();
	pic_unmask(IRQ_PIT);
	if (!irq0_pending())
		t_fail("IRQ0 never became pending");
	before = ticks;
	t_eq("nothing taken while IF=0", ticks, before);
	fn();
	return ticks - before;
}

static void shadow_case(void)
{
	t_begin("sti_shadow");
	t_eq("taken after sti", with_pending(if_sti), 1);
	t_eq("pushed eip after the shadowed instruction", tick_eip, (uint32_t)if_sti_after);
	t_eq_mask("pushed IF", tick_eflags, FL_IF, FL_IF);
	t_eq("sti;cli takes none", with_pending(if_sti_cli), 0);
	t_check(pic_irr() & (1u << IRQ_PIT), "IRQ0 still pending after sti;cli");
	t_eq("taken after popf", with_pending(if_popf), 1);
	t_eq("pushed eip right after popf", tick_eip, (uint32_t)if_popf_after);
	t_eq("hlt wakes", with_pending(if_sti_hlt), 1);
	t_eq("pushed eip after hlt", tick_eip, (uint32_t)if_sti_hlt_after);
	t_end();
}

static volatile uint32_t gate_eflags;

static void gate_handler(struct trapframe *tf)
{
	(void)tf;
	gate_eflags = read_eflags();
}

static void gate_case(void)
{
	t_begin("gate_if");
	pic_mask(IRQ_PIT);
	trap_set_handler(VEC_TRAPGATE, gate_handler);
	trap_set_handler(VEC_INTGATE, gate_handler);
	idt_set_gate(VEC_TRAPGATE, (const void *)trap_vector_table[VEC_TRAPGATE], SYS_TRAPGATE32, 0);
	sti();
	__asm__ volatile("int %0" : : "i"(VEC_TRAPGATE));
	cli();
	t_eq_mask("trap gate keeps IF", gate_eflags, FL_IF, FL_IF);
	sti();
	__asm__ volatile("int %0" : : "i"(VEC_INTGATE));
	cli();
	t_eq_mask("interrupt gate clears IF", gate_eflags, 0, FL_IF);
	idt_restore(VEC_TRAPGATE);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	popf_case();
	irq_set_handler(IRQ_PIT, irq0);
	/* 100 Hz: a period long enough that a slower (translated) handler
	   path still finishes within one tick. */
	pit_start(0, PIT_MODE_RATE, PIT_HZ / 100);
	pic_unmask(IRQ_PIT);
	shadow_case();
	gate_case();
}
