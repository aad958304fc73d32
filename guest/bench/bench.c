/*
 * The benchmark guest (issue 8): nanobenchmarks of what a code-monitoring
 * hypervisor makes expensive, each reported in TSC cycles per operation.
 * Run natively and under hv by scripts/bench/bench.sh, which compares them.
 *
 * Every benchmark runs its body once untimed with a sixteenth of its
 * iterations (so hv has translated the code and filled its shadows), then
 * reads the TSC, runs N operations, reads the TSC again and prints
 *
 *     bench NAME CYCLES_PER_OP        (two decimals)
 *
 * and at the end `END bench`, leaving through port 0xf4 with 0.  Under
 * QEMU TCG the TSC follows the host's clock; with `-icount shift=0` it
 * counts executed instructions (one per ns), hv's included.
 *
 * Arguments: only=NAME runs one benchmark; scale=N multiplies every
 * iteration count (default 1).  Nothing waits without a bound: the timer
 * benchmark bounds its loop by iterations, not by interrupts.
 *
 * Everything runs with paging on (the low 16 MiB identity-mapped with
 * 4 KiB user pages, CR0.WP set), in ring 0 except the system calls.
 */
#include "guest/lib/guest.h"

GUEST_NAME("bench");

/* Linear addresses of the paging benchmarks' own pages (outside the
 * identity map, in their own page table). */
#define VA_PF		0x40000000u	/* demand-mapped by the #PF handler */
#define VA_TLB		0x40001000u	/* PTE rewritten, then INVLPG */
#define VA_SPACE	0x40002000u	/* a different frame in each space */

static uint32_t scale = 1;
static const char *only;

static void report(const char *name, uint64_t cycles, uint32_t ops)
{
	uint64_t c100 = ops ? cycles * 100 / ops : 0;

	gprintf("bench %s %u.%02u\n", name, (uint32_t)(c100 / 100),
		(uint32_t)(c100 % 100));
}

/*
 * Runs body(n) untimed with n/16 (at least 1), then timed with n; prints
 * the cycles per operation, `per` operations per iteration.
 */
static void bench(const char *name, void (*body)(uint32_t n), uint32_t n,
		  uint32_t per)
{
	uint64_t t0, t1;

	if (only && strcmp(only, name))
		return;
	n *= scale;
	body(n / 16 ? n / 16 : 1);
	t0 = rdtsc();
	body(n);
	t1 = rdtsc();
	report(name, t1 - t0, n * per);
	/* For per-operation counters: hv's count everything since boot. */
	gprintf("# ops %s timed=%u warmup=%u\n", name, n * per,
		(n / 16 ? n / 16 : 1) * per);
}

/* ---- integer compute ---- */

#define SIEVE_N	8192
static uint8_t sieve_flags[SIEVE_N];
static volatile uint32_t sink;

/* One Eratosthenes sieve over 8192 numbers per operation. */
static void b_sieve(uint32_t n)
{
	uint32_t count = 0;

	while (n--) {
		memset(sieve_flags, 1, sizeof(sieve_flags));
		count = 0;
		for (uint32_t i = 2; i < SIEVE_N; i++) {
			if (!sieve_flags[i])
				continue;
			count++;
			for (uint32_t j = i + i; j < SIEVE_N; j += i)
				sieve_flags[j] = 0;
		}
	}
	if (count != 1028)	/* primes below 8192 */
		guest_abort("sieve counted %u primes", count);
	sink = count;
}

static uint8_t crc_buf[1024];

/* Bitwise CRC-32 (IEEE, reflected) of 1 KiB per operation. */
static void b_crc32(uint32_t n)
{
	uint32_t crc = 0;

	for (uint32_t i = 0; i < sizeof(crc_buf); i++)
		crc_buf[i] = (uint8_t)(i * 7 + 1);
	while (n--) {
		crc = 0xFFFFFFFFu;
		for (uint32_t i = 0; i < sizeof(crc_buf); i++) {
			crc ^= crc_buf[i];
			for (int k = 0; k < 8; k++)
				crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
		}
		crc = ~crc;
	}
	sink = crc;
}

/* ---- calls ---- */

static uint32_t fib_calls;

__attribute__((noinline)) static uint32_t fib(uint32_t k)
{
	fib_calls++;
	return k < 2 ? k : fib(k - 1) + fib(k - 2);
}

#define FIB_K		20
#define FIB_CALLS	21891	/* calls made by fib(20) */

/* n runs of fib(20); the operation is one call (and its ret). */
static void b_fib(uint32_t n)
{
	fib_calls = 0;
	while (n--)
		sink = fib(FIB_K);
	sink = fib_calls;
}

__attribute__((noinline)) static uint32_t f0(uint32_t x) { return x + 1; }
__attribute__((noinline)) static uint32_t f1(uint32_t x) { return x ^ 3; }
__attribute__((noinline)) static uint32_t f2(uint32_t x) { return x * 5; }
__attribute__((noinline)) static uint32_t f3(uint32_t x) { return x - 7; }
static uint32_t (*volatile table[4])(uint32_t) = { f0, f1, f2, f3 };

/* One call through a table of four functions per operation. */
static void b_indirect(uint32_t n)
{
	uint32_t x = 1;

	for (uint32_t i = 0; i < n; i++)
		x = table[i & 3](x);
	sink = x;
}

/* ---- ring 3 system calls ---- */

static volatile uint32_t sys_n;

static uint32_t sys_hook(struct trapframe *tf)
{
	return tf->ebx + 1;
}

static uint32_t u_syscalls(void)
{
	uint32_t x = 0;

	for (uint32_t i = sys_n; i; i--)
		x = usys(SYS_GUEST, x, 0);
	return x;
}

/* One INT 0x80 from ring 3 and back (the guest's handler returns). */
static void b_syscall(uint32_t n)
{
	sys_n = n;
	if (user_call(u_syscalls) != n)
		guest_abort("syscall loop returned a wrong count");
}

/* ---- paging ---- */

static uint32_t *pd_a, *pd_b;
static uint32_t *pte_pf, *pte_tlb;	/* the PTEs of VA_PF and VA_TLB in pd_a */
static uint32_t frame_pf, frame_tlb[2];
static volatile uint32_t pf_count;

static void pf_handler(struct trapframe *tf)
{
	if (trap_cr2 != VA_PF || (tf->errcode & PFEC_P))
		guest_abort("unexpected #PF err=0x%x eip=0x%08x cr2=0x%08x",
			    tf->errcode, tf->eip, trap_cr2);
	*pte_pf = frame_pf | PTE_P | PTE_W;
	pf_count++;
}

/* Touch a not-present page, the handler maps it; unmap it, INVLPG. */
static void b_pagefault(uint32_t n)
{
	pf_count = 0;
	trap_set_handler(EXC_PF, pf_handler);
	for (uint32_t i = 0; i < n; i++) {
		sink = *(volatile uint32_t *)VA_PF;
		*pte_pf = 0;
		invlpg(VA_PF);
	}
	trap_set_handler(EXC_PF, NULL);
	if (pf_count != n)
		guest_abort("%u page faults for %u touches", pf_count, n);
}

/* Write a PTE (alternating two frames), INVLPG, read through it. */
static void b_invlpg(uint32_t n)
{
	uint32_t x = 0;

	for (uint32_t i = 0; i < n; i++) {
		*pte_tlb = frame_tlb[i & 1] | PTE_P | PTE_W;
		invlpg(VA_TLB);
		x += *(volatile uint32_t *)VA_TLB;
	}
	if (x != (n / 2) * 0x11 + (n & 1) * 0x10)
		guest_abort("invlpg read 0x%x", x);
}

/* Two CR3 loads per iteration (to B, back to A), each followed by a read
 * of a page mapped differently in the two spaces. */
static void b_cr3(uint32_t n)
{
	uint32_t a = (uint32_t)pd_a, b = (uint32_t)pd_b, x = 0;

	for (uint32_t i = 0; i < n; i++) {
		write_cr3(b);
		x += *(volatile uint32_t *)VA_SPACE;
		write_cr3(a);
		x += *(volatile uint32_t *)VA_SPACE;
	}
	if (x != n * 0x300)
		guest_abort("cr3 reads summed to 0x%x", x);
}

/* ---- virtualization-sensitive instructions ---- */

static void b_clisti(uint32_t n)
{
	/* The PIC masks every line, so IF=1 lets nothing in. */
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("cli; sti" : : : "memory");
	cli();
}

static void b_pushfpopf(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("pushfl; popfl" : : : "memory", "cc");
}

/* IN from the master PIC's IMR (hv intercepts the PIC's ports). */
static void b_inb(uint32_t n)
{
	uint32_t x = 0;

	for (uint32_t i = 0; i < n; i++)
		x += inb(PIC1_DATA);
	sink = x;
}

/* ---- timer interrupts ---- */

#define PIT_DIV		239	/* about 5 kHz */
#define TIMER_IRQS	200	/* interrupts sampled (times scale, at most 2000) */
#define TIMER_MAX	2000
#define TIMER_SPINS	20000000u	/* the bound of the sampling loop */
static volatile uint32_t ticks;
static uint32_t gap[TIMER_MAX], quiet[TIMER_MAX];

static void irq0_handler(struct trapframe *tf)
{
	(void)tf;
	ticks++;
	pic_eoi(IRQ_PIT);
}

static uint32_t median(uint32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint32_t x = v[i], j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[n / 2];
}

/*
 * Cycles per timer interrupt: a loop reads the TSC and the tick count
 * over and over with IF=1 while the PIT ticks at about 5 kHz.  An
 * interrupt seen in iteration i lands in the TSC interval of iteration i
 * or i+1, so the sample is d(i) + d(i+1); the quiet sample is the two
 * intervals before.  The result is the median sample minus the median
 * quiet one: delivery, the guest's handler with its EOI, and IRET, with
 * one-off stalls (the host, hv's translation) left out by the median.
 * The loop is bounded by its iteration count, not by the interrupts.
 */
static void b_timer(void)
{
	uint32_t want = TIMER_IRQS * scale, n = 0, seen, pend = 0;
	uint64_t prev, t;
	uint32_t d, d1 = 0, d2 = 0, spins;

	if (only && strcmp(only, "timer"))
		return;
	if (want > TIMER_MAX)
		want = TIMER_MAX;
	irq_set_handler(IRQ_PIT, irq0_handler);
	pit_start(0, PIT_MODE_RATE, PIT_DIV);
	pic_unmask(IRQ_PIT);
	seen = ticks;
	sti();
	prev = rdtsc();
	for (spins = 0; n < want && spins < TIMER_SPINS; spins++) {
		t = rdtsc();
		d = (uint32_t)(t - prev);
		prev = t;
		if (pend) {
			/* Skip the first few: the loop and handler are being
			 * translated. */
			if (seen > 4) {
				gap[n] = pend + d;
				quiet[n] = d1 + d2;
				n++;
			}
			pend = 0;
			d1 = d2 = 0;
		} else if (ticks != seen) {
			seen = ticks;
			pend = d;
		} else {
			d2 = d1;
			d1 = d;
		}
	}
	cli();
	pic_mask(IRQ_PIT);
	pit_start(0, PIT_MODE_TERMINAL, 0xFFFF);
	if (n < want)
		gprintf("# bench timer: %u of %u interrupts in %u spins\n", n, want, spins);
	if (!n) {
		report("timer", 0, 0);
		return;
	}
	uint32_t g = median(gap, n), q = median(quiet, n);

	report("timer", g > q ? g - q : 0, 1);
	gprintf("# ops timer timed=%u warmup=0\n", n);
}

/* ---- self-modifying code ---- */

/* A page of its own: "mov $imm32, %eax; ret", the immediate rewritten. */
static uint8_t smc_code[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Rewrite the immediate, then call the code. */
static void b_smc(uint32_t n)
{
	volatile uint8_t *p = smc_code;
	uint32_t (*fn)(void) = (uint32_t (*)(void))smc_code;
	uint32_t x = 0;

	p[0] = 0xB8;		/* mov $imm32, %eax */
	p[5] = 0xC3;		/* ret */
	for (uint32_t i = 0; i < n; i++) {
		*(volatile uint32_t *)(p + 1) = i;
		__asm__ volatile("" : : : "memory");
		x += fn() - i;
	}
	if (x)
		guest_abort("self-modified code returned stale immediates");
}

/* ---- setup ---- */

static uint32_t *space(void)
{
	uint32_t *d = pg_dir_new();

	pg_identity4k(d, 0, PG_IDENT_END, PTE_W | PTE_U);
	return d;
}

static void setup(void)
{
	uint32_t *sa, *sb;

	pd_a = space();
	pd_b = space();
	frame_pf = (uint32_t)pg_alloc();
	frame_tlb[0] = (uint32_t)pg_alloc();
	frame_tlb[1] = (uint32_t)pg_alloc();
	((uint32_t *)frame_tlb[0])[0] = 0x01;
	((uint32_t *)frame_tlb[1])[0] = 0x10;
	sa = pg_alloc();
	sb = pg_alloc();
	sa[0] = 0x100;
	sb[0] = 0x200;
	pg_map4k(pd_a, VA_PF, frame_pf, PTE_W);
	pg_map4k(pd_a, VA_TLB, frame_tlb[0], PTE_W);
	pg_map4k(pd_a, VA_SPACE, (uint32_t)sa, PTE_W);
	pg_map4k(pd_b, VA_SPACE, (uint32_t)sb, PTE_W);
	pte_pf = pg_entry(pd_a, VA_PF);
	pte_tlb = pg_entry(pd_a, VA_TLB);
	*pte_pf = 0;
	pg_enable(pd_a);
	pic_init();
	syscall_set_hook(sys_hook);
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	scale = guest_arg_u32("scale", 1);
	if (!scale)
		scale = 1;
	only = guest_arg("only");
	setup();

	bench("sieve", b_sieve, 400, 1);
	bench("crc32", b_crc32, 600, 1);
	bench("fib", b_fib, 50, FIB_CALLS);
	bench("indirect", b_indirect, 1000000, 1);
	bench("syscall", b_syscall, 10000, 1);
	bench("pagefault", b_pagefault, 10000, 1);
	bench("invlpg", b_invlpg, 20000, 1);
	bench("cr3", b_cr3, 2500, 2);
	bench("clisti", b_clisti, 1000000, 1);
	bench("pushfpopf", b_pushfpopf, 1000000, 1);
	bench("inb", b_inb, 50000, 1);
	b_timer();
	bench("smc", b_smc, 4000, 1);

	pg_disable();
	gprintf("END bench\n");
	outb(PORT_DEBUG_EXIT, DEBUG_EXIT_PASS);
	for (;;)
		hlt();
}
