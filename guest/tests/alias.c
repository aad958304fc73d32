/*
 * A code page aliased at two linear addresses: written through one, run
 * through the other (SDM vol. 3A 8.1.3: code stored as data and reached
 * by a branch runs as stored; 11.6: the processor's check for stores into
 * cached code is by physical address, so the linear address used for the
 * store does not matter; 4.3/4.6: the alias that runs the code is
 * read-only, the one that writes it is writable, in ring 0 and ring 3).
 *
 *   ring0_patch_imm:  immediates of a loop patched through a 4 KiB and a
 *                     4 MiB writable alias, run through a read-only one;
 *   ring0_self_alias: code that patches its own next instruction through
 *                     the other alias and jumps to it;
 *   ring0_branch:     the rel32 of a direct JMP switched between targets;
 *   ring0_cross_page: an instruction spanning two pages, its two halves
 *                     written through two different aliases;
 *   ring3_alias:      the same from ring 3 through user aliases;
 *   mixed_rings:      ring 0 writes what ring 3 runs and the other way;
 *   cross_space:      one address space only writes the page, another
 *                     only runs it (CR3 switches in between).
 */
#include "guest/lib/guest.h"

GUEST_NAME("alias");

#define VA_X		0x70000000u	/* supervisor, read-only: runs the code */
#define VA_W		0x70400000u	/* supervisor, writable */
#define VA_UX		0x71000000u	/* user, read-only */
#define VA_UW		0x71400000u	/* user, writable */
#define VA_W4M		0x72000000u	/* 4 MiB supervisor alias of the image */
#define ROUNDS		30
#define BAD(i)		(0x80000000u | (i))

#define OP_MOV_EAX	0xB8
#define OP_RET		0xC3

extern uint8_t al_mul_tmpl[], al_mul_count[], al_mul_add[], al_mul_end[];
extern uint8_t al_self_tmpl[], al_self_end[];
extern uint8_t al_branch_tmpl[], al_branch_rel[], al_branch_a[], al_branch_b[],
	al_branch_end[];

typedef uint32_t (*fn0)(void);
typedef uint32_t (*fn2)(uint32_t, uint32_t);

/* The two code pages, never touched through the identity map. */
static uint8_t code[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t *pd, *pd_a, *pd_b;
static volatile uint32_t seed;

#define X(off)		(VA_X + (off))
#define W(off)		(VA_W + (off))
#define UX(off)		(VA_UX + (off))
#define UW(off)		(VA_UW + (off))
#define W4(off)		(VA_W4M + ((uint32_t)code & (LARGE_PAGE_SIZE - 1)) + (off))

#define MUL_COUNT	(al_mul_count - al_mul_tmpl)
#define MUL_ADD		(al_mul_add - al_mul_tmpl)

static void put(uint32_t at, const uint8_t *t, const uint8_t *end)
{
	memcpy((void *)at, t, end - t);
}

static void put32(uint32_t at, uint32_t v)
{
	memcpy((void *)at, &v, 4);
}

static void emit_ret_const(uint32_t at, uint32_t v)
{
	*(volatile uint8_t *)at = OP_MOV_EAX;
	put32(at + 1, v);
	*(volatile uint8_t *)(at + 5) = OP_RET;
}

static void map_both(uint32_t *d, uint32_t va, uint32_t flags)
{
	pg_map4k(d, va, (uint32_t)code, flags);
	pg_map4k(d, va + PAGE_SIZE, (uint32_t)code + PAGE_SIZE, flags);
}

static void setup(void)
{
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	map_both(pd, VA_X, 0);
	map_both(pd, VA_W, PTE_W);
	map_both(pd, VA_UX, PTE_U);
	map_both(pd, VA_UW, PTE_U | PTE_W);
	pg_map4m(pd, VA_W4M, (uint32_t)code & PDE_ADDR_4M, PTE_W);
	/* Two spaces: one writes page 1 at VA_W, the other runs it. */
	pd_a = pg_dir_new();
	pd_b = pg_dir_new();
	pg_identity4m(pd_a, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_identity4m(pd_b, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_map4k(pd_a, VA_W + PAGE_SIZE, (uint32_t)code + PAGE_SIZE, PTE_W);
	pg_map4k(pd_b, VA_X + PAGE_SIZE, (uint32_t)code + PAGE_SIZE, 0);
	pg_map4k(pd_b, VA_UX + PAGE_SIZE, (uint32_t)code + PAGE_SIZE, PTE_U);
	pg_enable(pd);
}

static void patch_imm_case(void)
{
	t_begin("ring0_patch_imm");
	put(W(0), al_mul_tmpl, al_mul_end);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint32_t count = 1 + i % 7, add = 0x10001 * i + 3;

		/* Odd rounds write through the 4 MiB alias. */
		put32(i & 1 ? W4(MUL_COUNT) : W(MUL_COUNT), count);
		put32(i & 1 ? W4(MUL_ADD) : W(MUL_ADD), add);
		if (!t_eq("count * add", ((fn0)X(0))(), count * add))
			break;
	}
	t_end();
}

static void self_alias_case(void)
{
	t_begin("ring0_self_alias");
	put(W(0x100), al_self_tmpl, al_self_end);
	for (uint32_t i = 0; i < ROUNDS; i++)
		if (!t_eq("patched through the other alias",
			  ((fn2)X(0x100))(0xA1100000 + i, VA_W - VA_X), 0xA1100000 + i))
			break;
	t_end();
}

static void branch_case(void)
{
	uint32_t rel_b = al_branch_b - al_branch_a;

	t_begin("ring0_branch");
	put(W(0x200), al_branch_tmpl, al_branch_end);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		put32(W(0x200 + (al_branch_rel - al_branch_tmpl)), i & 1 ? rel_b : 0);
		if (!t_eq("jmp target", ((fn0)X(0x200))(), i & 1 ? 0xBBBB : 0xAAAA))
			break;
	}
	t_end();
}

static void cross_page_case(void)
{
	t_begin("ring0_cross_page");
	t_check(((uint32_t)code & PDE_ADDR_4M) == (((uint32_t)code + 2 * PAGE_SIZE - 1) & PDE_ADDR_4M),
		"code[] crosses a 4 MiB boundary");
	/* mov $imm32, %eax at 0xFFD: the immediate is 0xFFE-0x1001. */
	*(volatile uint8_t *)W(0xFFD) = OP_MOV_EAX;
	*(volatile uint8_t *)W(0x1002) = OP_RET;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint32_t v = 0x12340000 ^ (i * 0x01020304);

		*(volatile uint16_t *)W(0xFFE) = (uint16_t)v;
		*(volatile uint16_t *)W4(0x1000) = (uint16_t)(v >> 16);
		if (!t_eq("instruction across the page boundary", ((fn0)X(0xFFD))(), v))
			break;
	}
	t_end();
}

static uint32_t u_alias(void)
{
	put(UW(0x400), al_self_tmpl, al_self_end);
	put(UW(0x500), al_mul_tmpl, al_mul_end);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		emit_ret_const(UW(0x300), 0x3000 + i);
		if (((fn0)UX(0x300))() != 0x3000 + i)
			return BAD(i);
		if (((fn2)UX(0x400))(0x3300 + i, VA_UW - VA_UX) != 0x3300 + i)
			return BAD(0x100 + i);
		put32(UW(0x500 + MUL_COUNT), 2 + i % 3);
		put32(UW(0x500 + MUL_ADD), i);
		if (((fn0)UX(0x500))() != (2 + i % 3) * i)
			return BAD(0x200 + i);
	}
	return ROUNDS;
}

static uint32_t u_run_600(void) { return ((fn0)UX(0x600))(); }
static uint32_t u_write_700(void) { emit_ret_const(UW(0x700), 0x7000 + seed); return 0; }
static uint32_t u_run_1800(void) { return ((fn0)UX(0x1800))(); }

static void ring3_case(void)
{
	int v;
	volatile uint32_t r = 0;

	t_begin("ring3_alias");
	v = TRY(r = user_call(u_alias));
	if (t_no_fault("ring 3", v))
		t_eq("rounds", r, ROUNDS);
	t_end();
}

static void mixed_case(void)
{
	t_begin("mixed_rings");
	for (uint32_t i = 0; i < 10; i++) {
		emit_ret_const(W(0x600), 0x6000 + i);
		t_eq("ring 0 writes, ring 3 runs", user_call(u_run_600), 0x6000 + i);
		seed = i;
		user_call(u_write_700);
		t_eq("ring 3 writes, ring 0 runs", ((fn0)X(0x700))(), 0x7000 + i);
	}
	t_end();
}

static void cross_space_case(void)
{
	t_begin("cross_space");
	for (uint32_t i = 0; i < 10; i++) {
		pg_switch(pd_a);
		emit_ret_const(W(0x1800), 0x1800000 + i);
		pg_switch(pd_b);
		t_eq("space B, ring 0", ((fn0)X(0x1800))(), 0x1800000 + i);
		t_eq("space B, ring 3", user_call(u_run_1800), 0x1800000 + i);
	}
	pg_switch(pd);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	patch_imm_case();
	self_alias_case();
	branch_case();
	cross_page_case();
	ring3_case();
	mixed_case();
	cross_space_case();
	pg_disable();
}
