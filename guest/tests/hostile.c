/*
 * A guest that misbehaves on purpose, for hv's robustness tests
 * (scripts/test-hostile.sh), not for the differential suite: it is not in
 * MANIFEST.  `case=` picks the misdeed:
 *   triple     an IDT with no entries, then #DE: #GP, #DF, triple fault
 *   garbage    GDT and IDT loaded from random memory, then a segment load
 *   random     jumps into pseudo-random bytes (seed=N) with all vectors
 *              and the timer leading to the next try; count=N tries
 *   jumphv     jumps into hv's linear region (0xff000000)
 *   writehv    writes to hv's linear region
 *   unsupported SYSEXIT with SYSENTER_CS set, which hv cannot emulate yet
 *   hltcli     halts with interrupts disabled
 * Natively these triple-fault, hang or finish; under hv each must end with
 * one clear line in hv's log and a clean exit.
 */
#include "guest/lib/guest.h"

GUEST_NAME("hostile");

static uint8_t junk[4096] __attribute__((aligned(4096)));
static uint32_t rng;
static volatile uint32_t tries, limit;
extern void hostile_next(void);
void hostile_retry(void);

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Every vector during the random case lands here: try the next bytes. */
static void any_trap(struct trapframe *tf)
{
	(void)tf;
	if (tf->vector == PIC_IRQ_VEC(IRQ_PIT))
		pic_eoi(IRQ_PIT);
	hostile_retry();
}

void hostile_retry(void)
{
	if (++tries > limit) {
		gprintf("random: %u tries done\n", limit);
		guest_exit();
	}
	desc_init();	/* the bytes may have changed the tables */
	for (int v = 0; v < 256; v++)
		trap_set_handler(v, any_trap);
	for (unsigned i = 0; i < sizeof(junk) - 16; i++)
		junk[i] = (uint8_t)next_rand();
	memset(junk + sizeof(junk) - 16, 0x90, 16);
	__asm__ volatile("movl %0, %%esp; sti; jmp *%1"
			 : : "r"(0x80000), "r"(junk) : "memory");
	__builtin_unreachable();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	(void)mbi;
	if (!c) {
		gprintf("hostile: no case= given\n");
		guest_exit();
	}
	gprintf("hostile: %s\n", c);
	if (!strcmp(c, "triple")) {
		idt_load_limit(0);
		__asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; xorl %%ecx, %%ecx; divl %%ecx"
				 : : : "eax", "ecx", "edx");
	} else if (!strcmp(c, "garbage")) {
		struct dtr d = { 0xFFFF, 0x00300000 };

		for (uint32_t *p = (uint32_t *)0x00300000; p < (uint32_t *)0x00310000; p++)
			*p = 0x9E3779B9u * (uint32_t)(uintptr_t)p;
		lgdt(&d);
		lidt(&d);
		__asm__ volatile("movw %w0, %%ds" : : "r"(0x1234));
	} else if (!strcmp(c, "random")) {
		rng = guest_arg_u32("seed", 1) | 1;
		limit = guest_arg_u32("count", 50);
		pic_init();
		pit_start(0, PIT_MODE_RATE, PIT_HZ / 100);
		pic_unmask(IRQ_PIT);
		hostile_retry();
	} else if (!strcmp(c, "jumphv")) {
		__asm__ volatile("jmp *%0" : : "r"(0xFF000000));
	} else if (!strcmp(c, "writehv")) {
		*(volatile uint32_t *)0xFF000000 = 0xDEADBEEF;
		gprintf("hostile: the write to 0xff000000 went through\n");
	} else if (!strcmp(c, "unsupported")) {
		/* wrmsr IA32_SYSENTER_CS (0x174) = 0x08, then sysexit */
		__asm__ volatile("wrmsr; sysexit" : : "c"(0x174), "a"(0x08), "d"(0));
	} else if (!strcmp(c, "hltcli")) {
		__asm__ volatile("cli; hlt");
	}
	gprintf("hostile: %s survived\n", c);
	guest_exit();
}
