/*
 * A guest for hv's watchdog test (scripts/test-hv.sh), not for the
 * differential suite: it is not in MANIFEST.  `case=` picks:
 *   kernel   spins in guest-kernel code with interrupts enabled and no
 *            timer running: no progress, forever
 *   cli      the same with interrupts disabled
 *   halt     halts with interrupts enabled and every PIC line masked:
 *            nothing will ever wake it
 *   idle     halts for `ms=` milliseconds of 1 kHz PIT ticks, then exits:
 *            an idle guest, which is progress
 *   user     spins in ring 3 for `ms=` milliseconds of ticks, then exits:
 *            user code running, which is progress
 */
#include "guest/lib/guest.h"

GUEST_NAME("spin");

static volatile uint32_t ticks;
static uint32_t want;

static void tick(struct trapframe *tf)
{
	(void)tf;
	ticks++;
	pic_eoi(IRQ_PIT);
}

void spin_forever(void);

static uint32_t user_spin(void)
{
	while (ticks < want)
		;
	return 0;
}

static void start_ticks(void)
{
	want = guest_arg_u32("ms", 1000);
	pic_init();
	irq_set_handler(IRQ_PIT, tick);
	pit_start(0, PIT_MODE_RATE, PIT_HZ / 1000);
	pic_unmask(IRQ_PIT);
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	(void)mbi;
	if (!c)
		c = "";
	gprintf("spin: %s\n", c);
	if (!strcmp(c, "kernel")) {
		pic_init();	/* every line masked */
		sti();
		spin_forever();
	} else if (!strcmp(c, "halt")) {
		pic_init();
		for (;;)
			__asm__ volatile("sti; hlt" : : : "memory");
	} else if (!strcmp(c, "cli")) {
		cli();
		spin_forever();
	} else if (!strcmp(c, "idle")) {
		start_ticks();
		while (ticks < want)
			__asm__ volatile("sti; hlt; cli" : : : "memory");
	} else if (!strcmp(c, "user")) {
		start_ticks();
		user_run(user_spin, (uint32_t)(user_stack + USER_STACK_SIZE), FL_FIXED | FL_IF);
		cli();
	} else {
		gprintf("spin: case= takes kernel, cli, halt, idle or user\n");
	}
	gprintf("spin: %s done after %u ticks\n", c, ticks);
	guest_exit();
}

__asm__(".globl spin_forever\n"
	"spin_forever:\n"
	"1:	addl $1, %eax\n"
	"	jmp 1b\n");
