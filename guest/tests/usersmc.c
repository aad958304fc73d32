/*
 * User code that modifies itself (SDM vol. 3A 8.1.3 self-modifying code:
 * code stored as data then reached by a branch runs as stored; 11.6 from
 * the P6 family on a store into an already prefetched instruction is
 * noticed, so the next instruction runs as stored even with no branch;
 * 5.5 / 4.6: ring 3 writes code only where its segments, and with paging
 * its pages, allow writes).
 *
 * Every case runs twice at CPL 3: with paging off (flat segments), then
 * under paging with the image mapped user-writable.
 *   next_insn:    a MOV's immediate patched just before it runs, reached
 *                 through a JMP and with no branch at all;
 *   loop:         an ADD's immediate patched in every loop iteration;
 *   redirect:     the rel32 of a CALL patched to another target;
 *   new_function: functions written into a buffer (byte stores, REP
 *                 MOVSB) and called, and one that increments its own
 *                 immediate each time it runs;
 *   cross_ring:   code ring 0 writes run by ring 3, and code ring 3
 *                 writes run by ring 0.
 */
#include "guest/lib/guest.h"

GUEST_NAME("usersmc");

#define OP_MOV_EAX	0xB8
#define OP_RET		0xC3
#define ROUNDS		40
#define BAD(i)		(0x80000000u | (i))

uint32_t us_next_jmp(uint32_t v);
uint32_t us_next_direct(uint32_t v);
uint32_t us_sum_direct(uint32_t n);
uint32_t us_redirect(int which);
extern uint8_t us_tmpl[], us_tmpl_end[];

typedef uint32_t (*fn0)(void);
typedef uint32_t (*fn1)(uint32_t);

/* A page for code written at run time (user-writable either way). */
static uint8_t ubuf[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t *pd;
static volatile uint32_t kernel_seed;

static void emit_ret_const(uint8_t *p, uint32_t v)
{
	p[0] = OP_MOV_EAX;
	memcpy(p + 1, &v, 4);
	p[5] = OP_RET;
}

/* ---- ring 3 ---- */

static uint32_t u_next_insn(void)
{
	for (uint32_t i = 0; i < ROUNDS; i++) {
		if (us_next_jmp(0x1000 + i * 0x01010101u) != 0x1000 + i * 0x01010101u)
			return BAD(i);
		if (us_next_direct(0x2000 + i * 0x00030003u) != 0x2000 + i * 0x00030003u)
			return BAD(0x100 + i);
	}
	return ROUNDS;
}

static uint32_t u_loop(void)
{
	for (uint32_t n = 1; n <= ROUNDS; n++)
		if (us_sum_direct(n * 5) != n * 5 * (n * 5 + 1) / 2)
			return BAD(n);
	return ROUNDS;
}

static uint32_t u_redirect(void)
{
	for (uint32_t i = 0; i < ROUNDS; i++)
		if (us_redirect(i & 1) != (i & 1 ? 0xF2u : 0xF1u))
			return BAD(i);
	return ROUNDS;
}

static uint32_t u_new_function(void)
{
	uint8_t *p = ubuf + 0x40;
	uint32_t self = (uint32_t)(ubuf + 0x200);
	uint8_t *q = (uint8_t *)self;

	/* Byte stores, the same address again and again. */
	for (uint32_t i = 0; i < ROUNDS; i++) {
		emit_ret_const(p, 0xC0DE0000 + i);
		if (((fn0)p)() != 0xC0DE0000 + i)
			return BAD(i);
	}
	/* A template copied with REP MOVSB, at a new offset each time. */
	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint8_t *dst = ubuf + 0x400 + 0x20 * i;
		uint32_t n = us_tmpl_end - us_tmpl;
		const uint8_t *src = us_tmpl;

		__asm__ volatile("rep movsb" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
		if (((fn1)(ubuf + 0x400 + 0x20 * i))(i) != 3 * i + 7)
			return BAD(0x100 + i);
	}
	/* mov $imm, %eax; incl (self+1); ret: counts its own calls. */
	q[0] = OP_MOV_EAX;
	memset(q + 1, 0, 4);
	q[5] = 0xFF;	/* incl disp32 */
	q[6] = 0x05;
	self += 1;
	memcpy(q + 7, &self, 4);
	q[11] = OP_RET;
	for (uint32_t i = 0; i < ROUNDS; i++)
		if (((fn0)q)() != i)
			return BAD(0x200 + i);
	return ROUNDS;
}

/* Ring 3 runs what ring 0 wrote at ubuf + 0x800. */
static uint32_t u_run_kernel_code(void)
{
	return ((fn0)(ubuf + 0x800))();
}

/* Ring 3 writes a function at ubuf + 0xC00 for ring 0. */
static uint32_t u_write_for_kernel(void)
{
	emit_ret_const(ubuf + 0xC00, 0x3000 + kernel_seed);
	return 0;
}

/* ---- ring 0 ---- */

static void cases(const char *mode)
{
	static char names[5][40];
	int v;

	fmt_snprintf(names[0], 40, "%s_next_insn", mode);
	t_begin(names[0]);
	t_eq("patched immediates", user_call(u_next_insn), ROUNDS);
	t_end();

	fmt_snprintf(names[1], 40, "%s_loop", mode);
	t_begin(names[1]);
	t_eq("ADD patched every iteration", user_call(u_loop), ROUNDS);
	t_end();

	fmt_snprintf(names[2], 40, "%s_redirect", mode);
	t_begin(names[2]);
	t_eq("CALL target patched", user_call(u_redirect), ROUNDS);
	t_end();

	fmt_snprintf(names[3], 40, "%s_new_function", mode);
	t_begin(names[3]);
	v = TRY(t_eq("functions written and called", user_call(u_new_function), ROUNDS));
	t_no_fault("ring 3", v);
	t_end();

	fmt_snprintf(names[4], 40, "%s_cross_ring", mode);
	t_begin(names[4]);
	for (uint32_t i = 0; i < 10; i++) {
		emit_ret_const(ubuf + 0x800, 0x2000 + i);
		t_eq("ring 0 writes, ring 3 runs", user_call(u_run_kernel_code), 0x2000 + i);
		kernel_seed = i;
		user_call(u_write_for_kernel);
		t_eq("ring 3 writes, ring 0 runs", ((fn0)(ubuf + 0xC00))(), 0x3000 + i);
	}
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	cases("flat");
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_enable(pd);
	cases("paged");
	pg_disable();
}
