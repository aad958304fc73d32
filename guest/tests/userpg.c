/*
 * Ring 3 with paging (SDM vol. 3A 4.6 access rights: user-mode accesses
 * need U/S = 1 at both levels, writes need R/W = 1; supervisor writes to
 * read-only pages fault only with CR0.WP = 1; 4.7 error code with U/S = 1
 * for user accesses): user reads of supervisor pages, user writes to
 * read-only pages and user accesses to unmapped pages raise #PF with the
 * right error code and CR2; and two "processes" whose code sits at the
 * same linear address in two address spaces, run alternately after CR3
 * switches.
 */
#include "guest/lib/guest.h"

GUEST_NAME("userpg");

#define VA_SUPER	0x60000000u	/* present, supervisor only */
#define VA_RO		0x60001000u	/* user, read-only */
#define VA_NONE		0x60002000u	/* not present */
#define VA_PROC		0x08048000u	/* the processes' code */

#define OP_MOV_EAX_IMM	0xB8	/* mov $imm32, %eax */
#define OP_RET		0xC3

static uint32_t *pd, *pd_a, *pd_b;
static uint32_t *super_page, *ro_page;
static uint8_t *code_a, *code_b;

#define AT(va)	(*(volatile uint32_t *)(va))

static uint32_t u_read_super(void) { return *(volatile uint32_t *)VA_SUPER; }
static uint32_t u_read_ro(void) { return *(volatile uint32_t *)VA_RO; }
static uint32_t u_write_ro(void) { *(volatile uint32_t *)VA_RO = 1; return 0; }
static uint32_t u_read_none(void) { return *(volatile uint32_t *)VA_NONE; }

/* A function body "mov $v, %eax; ret" at p. */
static void emit_ret_const(uint8_t *p, uint32_t v)
{
	p[0] = OP_MOV_EAX_IMM;
	memcpy(p + 1, &v, 4);
	p[5] = OP_RET;
}

static uint32_t *user_space(void)
{
	uint32_t *d = pg_dir_new();

	pg_identity4k(d, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_map4k(d, VA_SUPER, (uint32_t)super_page, PTE_W);
	pg_map4k(d, VA_RO, (uint32_t)ro_page, PTE_U);
	return d;
}

static void setup(void)
{
	super_page = pg_alloc();
	ro_page = pg_alloc();
	super_page[0] = 0x5111;
	ro_page[0] = 0x0222;
	code_a = pg_alloc();
	code_b = pg_alloc();
	emit_ret_const(code_a, 0xAAAA);
	emit_ret_const(code_b, 0xBBBB);
	pd = user_space();
	pd_a = user_space();
	pd_b = user_space();
	pg_map4k(pd_a, VA_PROC, (uint32_t)code_a, PTE_U);
	pg_map4k(pd_b, VA_PROC, (uint32_t)code_b, PTE_U);
	pg_enable(pd);
}

static void user_pf(const char *what, uint32_t (*fn)(void), uint32_t err, uint32_t cr2)
{
	int v = TRY(user_call(fn));

	t_fault(what, v, EXC_PF, err, 0);
	t_eq("cr2", g_fault.cr2, cr2);
	t_eq("from ring 3", g_fault.cs, SEL_UCODE);
}

static void access_case(void)
{
	int v;

	t_begin("user_access");
	t_eq("kernel reads the supervisor page", AT(VA_SUPER), 0x5111);
	t_eq("user reads a user read-only page", user_call(u_read_ro), 0x0222);
	user_pf("user read, supervisor page", u_read_super, PFEC_P | PFEC_U, VA_SUPER);
	user_pf("user write, read-only page", u_write_ro, PFEC_P | PFEC_W | PFEC_U, VA_RO);
	user_pf("user read, not present", u_read_none, PFEC_U, VA_NONE);
	t_eq("read-only page unchanged", ro_page[0], 0x0222);
	/* The kernel writing a user read-only page: WP decides. */
	v = TRY(AT(VA_RO) = 3);
	t_fault("kernel write, WP=1", v, EXC_PF, PFEC_P | PFEC_W, 0);
	write_cr0(read_cr0() & ~CR0_WP);
	v = TRY(AT(VA_RO) = 3);
	write_cr0(read_cr0() | CR0_WP);
	t_no_fault("kernel write, WP=0", v);
	t_eq("written", ro_page[0], 3);
	t_end();
}

static void process_case(void)
{
	uint32_t stack = (uint32_t)(user_stack + USER_STACK_SIZE);

	t_begin("two_processes");
	for (int i = 0; i < 3; i++) {
		pg_switch(pd_a);
		t_eq("process A", user_run((uint32_t (*)(void))VA_PROC, stack, FL_FIXED), 0xAAAA);
		pg_switch(pd_b);
		t_eq("process B", user_run((uint32_t (*)(void))VA_PROC, stack, FL_FIXED), 0xBBBB);
	}
	pg_switch(pd);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	access_case();
	process_case();
	pg_disable();
}
