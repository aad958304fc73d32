/*
 * Global pages (SDM vol. 3A 4.10.2.4: with CR4.PGE = 1 a translation whose
 * PTE, or 4 MiB PDE, has G = 1 is global and survives MOV to CR3; G is
 * ignored while CR4.PGE = 0, and in a PDE that references a page table;
 * 4.10.4.1: INVLPG invalidates the translation of its page, global or
 * not, and for a 4 MiB page from any address inside it; a MOV to CR4
 * that changes PGE, and a MOV to CR0 that clears PG, invalidate every
 * entry including global ones; MOV to CR3 invalidates every non-global
 * one).
 *
 * Only what the architecture guarantees is asserted: after each of these
 * invalidations the new mapping must be seen.  That a stale global entry
 * survives a CR3 load is allowed but never required, so no case looks at
 * a global translation after a change that was not invalidated.
 *
 * Three address spaces share a global identity map and a global page at
 * VA_G; each has its own non-global page at VA_N; ring 3 runs a global
 * code page in each space that reads the space's own data page.
 */
#include "guest/lib/guest.h"

GUEST_NAME("pge");

#define VA_G		0x5C000000u	/* global 4 KiB pages, same in every space */
#define NGLOBAL		8
#define VA_N		0x5C010000u	/* non-global, one page per space */
#define VA_UG		0x5C020000u	/* global user code page */
#define VA_UD		0x5C400000u	/* non-global user data page (pge.S) */
#define VA_G4M		0x5D000000u	/* a global 4 MiB page */
#define VA_T		0x5E000000u	/* PDE with G = 1 over a non-global PTE */

#define NSPACES		3
#define CPUID_PGE	(1u << 13)

#define AT(va)		(*(volatile uint32_t *)(va))

extern uint8_t pge_code_a[], pge_code_b[];

static uint32_t *pds[NSPACES];
static uint32_t *gpage[2][NGLOBAL];	/* two sets of targets for VA_G */
static uint32_t *npage[NSPACES], *udata[NSPACES];
static uint32_t *tpage[2];
static int have_pge;
static volatile uint32_t img_marker = 0x1A6E0001;	/* .data: below 4 MiB */

static void set_cr4_pge(int on)
{
	write_cr4(on ? read_cr4() | CR4_PGE : read_cr4() & ~CR4_PGE);
}

/* Points VA_G + k pages at set s in every space (no invalidation). */
static void retarget_globals(int s)
{
	for (int i = 0; i < NSPACES; i++)
		for (int k = 0; k < NGLOBAL; k++)
			*pg_entry(pds[i], VA_G + k * PAGE_SIZE) =
				(uint32_t)gpage[s][k] | PTE_P | PTE_W | PTE_G;
}

/* Points the global 4 MiB page at physical 0 or 4 MiB in every space. */
static void retarget_4m(uint32_t pa)
{
	for (int i = 0; i < NSPACES; i++)
		pds[i][VA_G4M >> PGDIR_SHIFT] = pa | PTE_P | PTE_W | PTE_PS | PTE_G;
}

static int globals_are(const char *what, int s)
{
	for (int k = 0; k < NGLOBAL; k++)
		if (!t_eq(what, AT(VA_G + k * PAGE_SIZE), gpage[s][k][0]))
			return 0;
	return 1;
}

/* A 4 MiB-aligned region; setup tags one dword every 256 KiB. */
static uint8_t low4m[LARGE_PAGE_SIZE] __attribute__((aligned(LARGE_PAGE_SIZE)));

static uint32_t expected_4m(uint32_t off)
{
	return 0x4D400000 ^ off;
}

static void setup(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	have_pge = (r[3] & CPUID_PGE) != 0;
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < NGLOBAL; k++) {
			gpage[s][k] = pg_alloc();
			gpage[s][k][0] = 0x6000 + s * 0x100 + k;
		}
	for (int i = 0; i < NSPACES; i++) {
		npage[i] = pg_alloc();
		npage[i][0] = 0x7000 + i;
		udata[i] = pg_alloc();
		udata[i][0] = 0x100 * (i + 1);
	}
	for (int s = 0; s < 2; s++) {
		tpage[s] = pg_alloc();
		tpage[s][0] = 0x7700 + s;
	}
	pds[0] = pg_dir_new();
	/* A global identity map, shared (same page tables) by every space. */
	pg_identity4k(pds[0], 0, PG_IDENT_END, PTE_W | PTE_U | PTE_G);
	for (int i = 1; i < NSPACES; i++) {
		pds[i] = pg_dir_new();
		for (uint32_t a = 0; a < PG_IDENT_END; a += LARGE_PAGE_SIZE)
			pds[i][a >> PGDIR_SHIFT] = pds[0][a >> PGDIR_SHIFT];
	}
	for (int i = 0; i < NSPACES; i++) {
		for (int k = 0; k < NGLOBAL; k++)
			pg_map4k(pds[i], VA_G + k * PAGE_SIZE, (uint32_t)gpage[0][k],
				 PTE_W | PTE_G);
		pg_map4k(pds[i], VA_N, (uint32_t)npage[i], PTE_W);
		pg_map4k(pds[i], VA_UG, (uint32_t)pge_code_a, PTE_U | PTE_G);
		pg_map4k(pds[i], VA_UD, (uint32_t)udata[i], PTE_U | PTE_W);
		pg_map4k(pds[i], VA_T, (uint32_t)tpage[0], PTE_W);
		pds[i][VA_T >> PGDIR_SHIFT] |= PTE_G;	/* ignored in a PDE */
	}
	/* The global 4 MiB page goes back and forth: image, low4m[]. */
	for (uint32_t off = 0; off < LARGE_PAGE_SIZE; off += 0x40000)
		*(uint32_t *)(low4m + off + 0x3C) = 0x4D400000 ^ (off + 0x3C);
	retarget_4m(0);
	pg_enable(pds[0]);
	if (have_pge)
		set_cr4_pge(1);
}

static void spaces_case(void)
{
	t_begin("global_and_local");
	gprintf("CPUID.PGE %d\n", have_pge);
	t_check(have_pge, "CPUID.01H:EDX.PGE clear");
	t_eq_mask("CR4.PGE", read_cr4(), have_pge ? CR4_PGE : 0, CR4_PGE);
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < NSPACES; i++) {
			pg_switch(pds[i]);
			globals_are("global page", 0);
			/* CR3 loads invalidate every non-global translation. */
			t_eq("the space's own page", AT(VA_N), 0x7000 + i);
		}
	pg_switch(pds[0]);
	t_end();
}

static void invlpg_case(void)
{
	t_begin("invlpg_global");
	t_check((uint32_t)&img_marker < LARGE_PAGE_SIZE, "img_marker above 4 MiB");
	for (int round = 0; round < 4; round++) {
		int s = (round + 1) & 1;

		globals_are("before", !s);
		retarget_globals(s);
		for (int k = 0; k < NGLOBAL; k++)
			invlpg(VA_G + k * PAGE_SIZE);
		globals_are("after INVLPG", s);
		/* The other spaces' PTEs changed too, and nothing is cached. */
		pg_switch(pds[1 + (round & 1)]);
		globals_are("after INVLPG, another space", s);
		pg_switch(pds[0]);
	}
	/* One page alone: its INVLPG is enough for it. */
	*pg_entry(pds[0], VA_G + 3 * PAGE_SIZE) = (uint32_t)gpage[1][3] | PTE_P | PTE_W | PTE_G;
	invlpg(VA_G + 3 * PAGE_SIZE);
	t_eq("single page", AT(VA_G + 3 * PAGE_SIZE), gpage[1][3][0]);
	*pg_entry(pds[0], VA_G + 3 * PAGE_SIZE) = (uint32_t)gpage[0][3] | PTE_P | PTE_W | PTE_G;
	invlpg(VA_G + 3 * PAGE_SIZE);
	t_eq("single page back", AT(VA_G + 3 * PAGE_SIZE), gpage[0][3][0]);
	/* A global 4 MiB page, invalidated from an address far inside it. */
	for (int round = 0; round < 4; round++) {
		uint32_t pa = round & 1 ? 0 : (uint32_t)low4m;
		uint32_t off = 0x40000 * (3 + round) + 0x3C;

		retarget_4m(pa);
		invlpg(VA_G4M + 0x3FF000 - 0x1000 * round);
		if (pa)
			t_eq("4 MiB global page", AT(VA_G4M + off), expected_4m(off));
		else
			t_eq("4 MiB global page (image)", AT(VA_G4M + (uint32_t)&img_marker),
			     0x1A6E0001);
	}
	t_end();
}

static void toggle_case(void)
{
	uint32_t off = 0x40000 * 7 + 0x3C;

	t_begin("pge_toggle_flush");
	globals_are("start", 0);
	for (int round = 0; round < 4; round++) {
		int s = (round + 1) & 1;

		/* PGE 1 -> 0 flushes everything, globals included. */
		retarget_globals(s);
		retarget_4m(s ? (uint32_t)low4m : 0);
		set_cr4_pge(0);
		t_eq_mask("CR4.PGE off", read_cr4(), 0, CR4_PGE);
		globals_are("after clearing PGE", s);
		if (s)
			t_eq("4 MiB after clearing PGE", AT(VA_G4M + off), expected_4m(off));
		/* PGE 0 -> 1 flushes too. */
		retarget_globals(!s);
		retarget_4m(!s ? (uint32_t)low4m : 0);
		set_cr4_pge(1);
		globals_are("after setting PGE", !s);
		if (!s)
			t_eq("4 MiB after setting PGE", AT(VA_G4M + off), expected_4m(off));
		/* Back to set 0 for the next round: INVLPG each. */
		retarget_globals(0);
		for (int k = 0; k < NGLOBAL; k++)
			invlpg(VA_G + k * PAGE_SIZE);
		globals_are("reset", 0);
	}
	/* CR0.PG 1 -> 0 flushes globals as well. */
	retarget_globals(1);
	pg_disable();
	write_cr0(read_cr0() | CR0_PG);
	globals_are("after paging off and on", 1);
	retarget_globals(0);
	set_cr4_pge(0);
	set_cr4_pge(1);
	globals_are("reset", 0);
	t_end();
}

static void ignored_case(void)
{
	t_begin("g_ignored");
	/* PGE = 0: G = 1 means nothing, a CR3 load flushes the translation. */
	set_cr4_pge(0);
	globals_are("PGE=0", 0);
	for (int round = 0; round < 4; round++) {
		int s = (round + 1) & 1;

		retarget_globals(s);
		write_cr3(read_cr3());
		globals_are("PGE=0, after a CR3 load", s);
	}
	retarget_globals(0);
	write_cr3(read_cr3());
	set_cr4_pge(1);
	/* PGE = 1, G = 1 only in the PDE of a page table: not global. */
	t_eq("PDE.G over a non-global PTE", AT(VA_T), 0x7700);
	for (int round = 0; round < 4; round++) {
		int s = (round + 1) & 1;

		*pg_entry(pds[0], VA_T) = (uint32_t)tpage[s] | PTE_P | PTE_W;
		write_cr3(read_cr3());
		t_eq("after a CR3 load", AT(VA_T), 0x7700 + s);
	}
	t_end();
}

static uint32_t run_user(void)
{
	return user_call((uint32_t (*)(void))VA_UG);
}

static void user_case(void)
{
	uint8_t *code[2] = { pge_code_a, pge_code_b };
	const uint32_t add[2] = { 0xA0000, 0xB0000 };

	t_begin("global_user_code");
	for (int round = 0; round < 4; round++) {
		int c = round & 1;

		for (int i = 0; i < NSPACES; i++) {
			pg_switch(pds[i]);
			t_eq("ring 3 in each space", run_user(), add[c] + 0x100 * (i + 1));
		}
		/* Retarget the global code page everywhere, then INVLPG. */
		pg_switch(pds[0]);
		for (int i = 0; i < NSPACES; i++)
			*pg_entry(pds[i], VA_UG) = (uint32_t)code[!c] | PTE_P | PTE_U | PTE_G;
		invlpg(VA_UG);
	}
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	spaces_case();
	if (have_pge) {
		invlpg_case();
		toggle_case();
		ignored_case();
		user_case();
	}
	set_cr4_pge(0);
	pg_disable();
}
