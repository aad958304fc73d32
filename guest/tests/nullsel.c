/*
 * Null selectors with RPL bits at CPL 0: loading 1, 2 or 3 into ES or FS
 * is legal and keeps the value (SDM vol. 3A 3.4.2: the null selector, any
 * RPL; vol. 2A MOV, PUSH: a segment register reads back as loaded).  An
 * IRET from CPL 0 to CPL 0 leaves them alone (vol. 2A IRET: data segment
 * registers are checked only on a return to an outer level), so nothing
 * that happens between two instructions of this guest may change them:
 * the first touch of a page under paging, a PUSH of ES onto a page not
 * touched yet, the instruction after MOV SS, hardware interrupts at any
 * point of a loop, the frame an interrupt handler sees.  (The values are
 * this guest's own; expectations are what the CPU does natively.)
 */
#include "guest/lib/guest.h"

GUEST_NAME("nullsel");

#define VA_FRESH	0x60000000u	/* pages each touched first by one case */
#define NFRESH		16
#define TICK_DIVISOR	120		/* PIT ~10 kHz */
#define LOOP_ROUNDS	200000u

static uint32_t *pd;
static int fresh_next;

/* A page nobody has touched yet (through this mapping). */
static uint32_t fresh_page(void)
{
	if (fresh_next >= NFRESH)
		guest_abort("out of fresh pages");
	return VA_FRESH + (uint32_t)fresh_next++ * PAGE_SIZE;
}

static void setup(void)
{
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W);
	for (int i = 0; i < NFRESH; i++)
		pg_map4k(pd, VA_FRESH + (uint32_t)i * PAGE_SIZE, (uint32_t)pg_alloc(), PTE_W);
	pg_enable(pd);
}

/* ES = sel, a store to a page not touched yet, ES read back. */
static uint32_t es_after_store(uint32_t sel, uint32_t va)
{
	uint32_t got;

	__asm__ volatile("mov %%es, %%edx\n\t"
			 "mov %w1, %%es\n\t"
			 "movl $0x5a5a5a5a, (%2)\n\t"
			 "mov %%es, %0\n\t"
			 "mov %%dx, %%es"
			 : "=&r"(got) : "r"(sel), "r"(va) : "edx", "memory");
	return got & 0xFFFF;
}

/* The same with FS. */
static uint32_t fs_after_store(uint32_t sel, uint32_t va)
{
	uint32_t got;

	__asm__ volatile("mov %%fs, %%edx\n\t"
			 "mov %w1, %%fs\n\t"
			 "movl $0x5a5a5a5a, (%2)\n\t"
			 "mov %%fs, %0\n\t"
			 "mov %%dx, %%fs"
			 : "=&r"(got) : "r"(sel), "r"(va) : "edx", "memory");
	return got & 0xFFFF;
}

/* ES = sel, PUSH ES with ESP at the top of a page not touched yet. */
static uint32_t es_pushed(uint32_t sel, uint32_t stack_top)
{
	uint32_t got;

	__asm__ volatile("mov %%es, %%edx\n\t"
			 "mov %w1, %%es\n\t"
			 "mov %%esp, %%ecx\n\t"
			 "mov %2, %%esp\n\t"
			 "push %%es\n\t"
			 "pop %0\n\t"
			 "mov %%ecx, %%esp\n\t"
			 "mov %%dx, %%es"
			 : "=&r"(got) : "r"(sel), "r"(stack_top) : "ecx", "edx", "memory");
	return got & 0xFFFF;
}

/* ES = sel, MOV SS (its shadow), then ES read right after it. */
static uint32_t es_after_mov_ss(uint32_t sel)
{
	uint32_t got;

	__asm__ volatile("mov %%es, %%edx\n\t"
			 "mov %w1, %%es\n\t"
			 "mov %%ss, %%ecx\n\t"
			 "mov %%ecx, %%ss\n\t"
			 "mov %%es, %0\n\t"
			 "mov %%dx, %%es"
			 : "=&r"(got) : "r"(sel) : "ecx", "edx", "memory");
	return got & 0xFFFF;
}

static void store_case(void)
{
	char what[32];

	t_begin("first_touch");
	for (uint32_t rpl = 1; rpl <= 3; rpl++) {
		fmt_snprintf(what, sizeof(what), "es=%u after a store", rpl);
		t_eq(what, es_after_store(rpl, fresh_page()), rpl);
		fmt_snprintf(what, sizeof(what), "fs=%u after a store", rpl);
		t_eq(what, fs_after_store(rpl, fresh_page() + 0x800), rpl);
	}
	t_end();
}

static void push_case(void)
{
	char what[32];

	t_begin("push_es");
	for (uint32_t rpl = 1; rpl <= 3; rpl++) {
		fmt_snprintf(what, sizeof(what), "pushed es=%u", rpl);
		t_eq(what, es_pushed(rpl, fresh_page() + PAGE_SIZE), rpl);
	}
	t_end();
}

static void mov_ss_case(void)
{
	char what[32];

	t_begin("mov_ss_shadow");
	for (uint32_t rpl = 1; rpl <= 3; rpl++) {
		fmt_snprintf(what, sizeof(what), "es=%u after mov ss", rpl);
		t_eq(what, es_after_mov_ss(rpl), rpl);
	}
	t_end();
}

static volatile uint32_t ticks, loop_ticks, frame_es_bad;
extern const uint8_t nullsel_loop[], nullsel_loop_end[];	/* the loop with ES = 3 */

static void tick(struct trapframe *tf)
{
	ticks++;
	if (tf->eip >= (uint32_t)nullsel_loop && tf->eip < (uint32_t)nullsel_loop_end) {
		loop_ticks++;
		if ((tf->es & 0xFFFF) != 3)
			frame_es_bad++;
	}
	pic_eoi(IRQ_PIT);
}

/*
 * ES = 3 with interrupts arriving anywhere in a loop of flag and stack
 * instructions; every round reads ES back.  Returns the rounds that saw
 * something else.
 */
static __attribute__((noinline)) uint32_t loop_with_interrupts(uint32_t rounds)
{
	uint32_t bad = 0;

	__asm__ volatile("mov %%es, %%edx\n\t"
			 "mov $3, %%eax\n\t"
			 "mov %%eax, %%es\n"
			 "nullsel_loop:\n\t"
			 "1:\n\t"
			 "pushf\n\t"
			 "popf\n\t"
			 "push %%es\n\t"
			 "pop %%eax\n\t"
			 "cmp $3, %%ax\n\t"
			 "je 2f\n\t"
			 "inc %0\n"
			 "2:\n\t"
			 "mov %%es, %%eax\n\t"
			 "cmp $3, %%ax\n\t"
			 "je 3f\n\t"
			 "inc %0\n"
			 "3:\n\t"
			 "dec %1\n\t"
			 "jnz 1b\n"
			 "nullsel_loop_end:\n\t"
			 "mov %%dx, %%es"
			 : "+r"(bad), "+r"(rounds) : : "eax", "edx", "memory", "cc");
	return bad;
}

static void interrupt_case(void)
{
	uint32_t bad;

	t_begin("interrupts");
	pic_init();
	irq_set_handler(IRQ_PIT, tick);
	pit_start(0, PIT_MODE_RATE, TICK_DIVISOR);
	pic_unmask(IRQ_PIT);
	sti();
	bad = loop_with_interrupts(LOOP_ROUNDS);
	cli();
	pic_mask(IRQ_PIT);
	t_eq("rounds that read es other than 3", bad, 0);
	t_eq("interrupt frames with es other than 3", frame_es_bad, 0);
	t_check(loop_ticks > 0, "no interrupt arrived during the loop");
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	store_case();
	push_case();
	mov_ss_case();
	interrupt_case();
	pg_disable();
}
