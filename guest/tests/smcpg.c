/*
 * Self-modifying code with paging on (SDM vol. 3A 8.1.3; 4.10 for the
 * TLB side): code written through a second linear alias of its physical
 * page and run through the first, the same linear address running
 * different code in two address spaces (CR3 switches) and after its PTE
 * is repointed (INVLPG), code run through a 4 MiB alias of the image,
 * and smc.c's in-place patches repeated with paging on.
 */
#include "guest/lib/guest.h"

GUEST_NAME("smcpg");

#define VA_EXEC		0x70000000u
#define VA_WRITE	0x70400000u
#define VA_4M		0x80000000u

#define OP_MOV_EAX_IMM	0xB8
#define OP_RET		0xC3

extern uint8_t smc_get_imm[], smc_tmpl[], smc_tmpl_end[];
uint32_t smc_get(void);
uint32_t smc_inline(uint32_t v);
uint32_t smc_loop(uint32_t n);

typedef uint32_t (*fn0)(void);
typedef uint32_t (*fn1)(uint32_t);

static uint32_t *pd, *pd_a, *pd_b;
static uint8_t *code_a, *code_b;

static void emit_ret_const(uint8_t *p, uint32_t v)
{
	p[0] = OP_MOV_EAX_IMM;
	memcpy(p + 1, &v, 4);
	p[5] = OP_RET;
}

static uint32_t *space(uint8_t *exec_page)
{
	uint32_t *d = pg_dir_new();

	pg_identity4k(d, 0, PG_IDENT_END, PTE_W);
	pg_map4k(d, VA_EXEC, (uint32_t)exec_page, PTE_W);
	pg_map4k(d, VA_WRITE, (uint32_t)exec_page, PTE_W);
	pg_map4m(d, VA_4M, 0, PTE_W);
	return d;
}

static void setup(void)
{
	code_a = pg_alloc();
	code_b = pg_alloc();
	emit_ret_const(code_a, 0xA0);
	emit_ret_const(code_b, 0xB0);
	pd = space(code_a);
	pd_a = space(code_a);
	pd_b = space(code_b);
	pg_enable(pd);
}

static void alias_case(void)
{
	t_begin("write_alias");
	t_eq("initial", ((fn0)VA_EXEC)(), 0xA0);
	for (uint32_t i = 0; i < 20; i++) {
		emit_ret_const((uint8_t *)VA_WRITE, 0x1000 + i);
		if (((fn0)VA_EXEC)() != 0x1000 + i) {
			t_fail("round %u: expected 0x%x, saw 0x%x", i, 0x1000 + i,
			       ((fn0)VA_EXEC)());
			break;
		}
	}
	memcpy((uint8_t *)VA_WRITE, smc_tmpl, smc_tmpl_end - smc_tmpl);
	t_eq("template via alias", ((fn1)VA_EXEC)(50), 101);
	emit_ret_const((uint8_t *)VA_WRITE, 0xA0);
	t_end();
}

static void spaces_case(void)
{
	t_begin("cr3_same_va");
	for (int i = 0; i < 5; i++) {
		pg_switch(pd_a);
		t_eq("space A", ((fn0)VA_EXEC)(), 0xA0);
		pg_switch(pd_b);
		t_eq("space B", ((fn0)VA_EXEC)(), 0xB0);
	}
	pg_switch(pd);
	t_end();
}

static void remap_case(void)
{
	uint32_t *pte = pg_entry(pd, VA_EXEC);

	t_begin("remap_invlpg");
	t_eq("page A", ((fn0)VA_EXEC)(), 0xA0);
	*pte = (uint32_t)code_b | PTE_P | PTE_W;
	invlpg(VA_EXEC);
	t_eq("page B after INVLPG", ((fn0)VA_EXEC)(), 0xB0);
	*pte = (uint32_t)code_a | PTE_P | PTE_W;
	invlpg(VA_EXEC);
	t_eq("page A again", ((fn0)VA_EXEC)(), 0xA0);
	t_end();
}

static void large_case(void)
{
	fn0 get4m = (fn0)(VA_4M + (uint32_t)smc_get);
	uint32_t v;

	t_begin("large_page_alias");
	for (uint32_t i = 0; i < 10; i++) {
		v = 0x4000 + i;
		memcpy(smc_get_imm, &v, 4);		/* through the identity map */
		t_eq("run through the 4 MiB alias", get4m(), v);
		v = 0x5000 + i;
		memcpy((uint8_t *)(VA_4M + (uint32_t)smc_get_imm), &v, 4);
		t_eq("written through the alias", smc_get(), v);
	}
	t_end();
}

static void inplace_case(void)
{
	t_begin("in_place");
	for (uint32_t i = 0; i < 20; i++)
		t_eq("smc_inline", smc_inline(i + 100), i + 100);
	t_eq("smc_loop(100)", smc_loop(100), 5050);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	alias_case();
	spaces_case();
	remap_case();
	large_case();
	inplace_case();
	pg_disable();
}
