/*
 * Turning paging on and using it (SDM vol. 3A 4.3 32-bit paging with
 * 4 KiB pages and, with CR4.PSE, 4 MiB pages; 4.8 accessed and dirty
 * flags; 4.10.4 INVLPG and CR3 loads invalidate; 4.10.2.4 global pages):
 * identity maps and aliases, two address spaces switched by CR3, A/D bits
 * set by the CPU, a changed PTE seen after INVLPG (and after a CR3
 * reload), INVLPG of a global page, and paging off again.  Staleness
 * without invalidation is not architectural and is never looked at.
 */
#include "guest/lib/guest.h"

GUEST_NAME("paging");

#define VA_X	0x40000000u	/* test windows far from the identity map */
#define VA_Y	0x40401000u
#define VA_Z	0x40802000u
#define VA_4M	0x80000000u
#define VA_G	0x40C03000u

static uint32_t *pd, *pd_a, *pd_b;
static uint32_t *page_a, *page_b;
static volatile uint32_t marker = 0x600DF00D;

#define AT(va)	(*(volatile uint32_t *)(va))

static void enable_case(void)
{
	t_begin("enable_4k");
	page_a = pg_alloc();
	page_b = pg_alloc();
	page_a[0] = 0xAAAA0000;
	page_b[0] = 0xBBBB0000;
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W);
	pg_map4k(pd, VA_X, (uint32_t)page_a, PTE_W);
	pg_enable(pd);
	t_eq_mask("CR0.PG", read_cr0(), CR0_PG | CR0_WP, CR0_PG | CR0_WP);
	t_eq("CR3", read_cr3(), (uint32_t)pd);
	t_eq("read through VA_X", AT(VA_X), 0xAAAA0000);
	AT(VA_X + 4) = 0x12345678;
	t_eq("write through VA_X seen at the physical page", page_a[1], 0x12345678);
	t_eq("identity data", marker, 0x600DF00D);
	t_end();
}

static void large_case(void)
{
	uint32_t *pd4m;

	t_begin("pse_4m");
	pg_map4m(pd, VA_4M, 0, PTE_W);
	write_cr3((uint32_t)pd);
	t_eq("4 MiB alias read", AT(VA_4M + (uint32_t)&marker), 0x600DF00D);
	AT(VA_4M + (uint32_t)&marker) = 0x5EE0BEEF;
	t_eq("4 MiB alias write", marker, 0x5EE0BEEF);
	marker = 0x600DF00D;
	/* A directory of 4 MiB identity pages only. */
	pd4m = pg_dir_new();
	pg_identity4m(pd4m, 0, PG_IDENT_END, PTE_W);
	pg_switch(pd4m);
	t_eq("running on 4 MiB pages", marker, 0x600DF00D);
	t_eq_mask("CR4.PSE", read_cr4(), CR4_PSE, CR4_PSE);
	pg_switch(pd);
	t_end();
}

static void cr3_case(void)
{
	t_begin("cr3_switch");
	pd_a = pg_dir_new();
	pd_b = pg_dir_new();
	pg_identity4m(pd_a, 0, PG_IDENT_END, PTE_W);
	pg_identity4m(pd_b, 0, PG_IDENT_END, PTE_W);
	pg_map4k(pd_a, VA_X, (uint32_t)page_a, PTE_W);
	pg_map4k(pd_b, VA_X, (uint32_t)page_b, PTE_W);
	for (int i = 0; i < 4; i++) {
		pg_switch(pd_a);
		t_eq("space A", AT(VA_X), 0xAAAA0000);
		AT(VA_X + 8) = 0xA0 + i;
		pg_switch(pd_b);
		t_eq("space B", AT(VA_X), 0xBBBB0000);
		AT(VA_X + 8) = 0xB0 + i;
	}
	t_eq("A's write", page_a[2], 0xA3);
	t_eq("B's write", page_b[2], 0xB3);
	pg_switch(pd);
	t_end();
}

static void ad_case(void)
{
	uint32_t *pte, *pde, *pde4m;

	t_begin("accessed_dirty");
	pg_map4k(pd, VA_Y, (uint32_t)page_b, PTE_W);
	pte = pg_entry(pd, VA_Y);
	pde = &pd[VA_Y >> PGDIR_SHIFT];
	*pde &= ~(PTE_A | PTE_D);
	invlpg(VA_Y);
	t_eq("A/D clear at first", *pte & (PTE_A | PTE_D), 0);
	(void)AT(VA_Y);
	t_eq("read sets A only", *pte & (PTE_A | PTE_D), PTE_A);
	t_eq_mask("walk sets the PDE's A", *pde, PTE_A, PTE_A);
	AT(VA_Y + 12) = 1;
	t_eq("write sets D", *pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	/* 4 MiB page: A and D live in the PDE. */
	pde4m = &pd[VA_4M >> PGDIR_SHIFT];
	*pde4m &= ~(PTE_A | PTE_D);
	invlpg(VA_4M);
	(void)AT(VA_4M + (uint32_t)&marker);
	t_eq("4M read sets A", *pde4m & (PTE_A | PTE_D), PTE_A);
	AT(VA_4M + (uint32_t)&marker) = 0x600DF00D;
	t_eq("4M write sets D", *pde4m & (PTE_A | PTE_D), PTE_A | PTE_D);
	gprintf("pte=%08x pde4m=%08x\n", *pte, *pde4m);
	t_end();
}

static void invlpg_case(void)
{
	uint32_t *pte;

	t_begin("invlpg");
	pg_map4k(pd, VA_Z, (uint32_t)page_a, PTE_W);
	invlpg(VA_Z);
	t_eq("before", AT(VA_Z), 0xAAAA0000);
	pte = pg_entry(pd, VA_Z);
	*pte = (uint32_t)page_b | PTE_P | PTE_W;
	invlpg(VA_Z);
	t_eq("after INVLPG: the new page", AT(VA_Z), 0xBBBB0000);
	*pte = (uint32_t)page_a | PTE_P | PTE_W;
	write_cr3(read_cr3());
	t_eq("after a CR3 reload: the new page", AT(VA_Z), 0xAAAA0000);
	t_end();
}

#define CPUID_PGE	(1u << 13)

static void global_case(void)
{
	uint32_t r[4], *pte;

	t_begin("global_invlpg");
	cpuid(1, 0, r);
	if (!(r[3] & CPUID_PGE)) {
		gprintf("no PGE: skipped\n");
		t_end();
		return;
	}
	write_cr4(read_cr4() | CR4_PGE);
	pg_map4k(pd, VA_G, (uint32_t)page_a, PTE_W | PTE_G);
	invlpg(VA_G);
	t_eq("global page", AT(VA_G), 0xAAAA0000);
	pte = pg_entry(pd, VA_G);
	*pte = (uint32_t)page_b | PTE_P | PTE_W | PTE_G;
	invlpg(VA_G);
	t_eq("INVLPG flushes a global entry", AT(VA_G), 0xBBBB0000);
	/* Clearing CR4.PGE flushes global entries too. */
	*pte = (uint32_t)page_a | PTE_P | PTE_W | PTE_G;
	write_cr4(read_cr4() & ~CR4_PGE);
	t_eq("CR4.PGE off flushes", AT(VA_G), 0xAAAA0000);
	t_end();
}

static void disable_case(void)
{
	t_begin("disable");
	pg_disable();
	t_eq_mask("CR0.PG off", read_cr0(), 0, CR0_PG);
	t_eq("identity data", marker, 0x600DF00D);
	t_eq("physical page", page_b[0], 0xBBBB0000);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	enable_case();
	large_case();
	cr3_case();
	ad_case();
	invlpg_case();
	global_case();
	disable_case();
}
