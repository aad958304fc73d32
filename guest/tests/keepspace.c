/*
 * Page-table writes made while an address space is not current, and TLB
 * flushes of the current one (SDM vol. 3A 4.10.4.1: MOV to CR3 invalidates
 * every non-global TLB entry and the paging-structure caches; a change of
 * CR4.PGE invalidates all entries, global ones too; 4.10.4.2: an entry of
 * a space that is not current needs no invalidation, the CR3 load that
 * makes it current is enough; 4.8: a translation made after the flush
 * sets A, and D on a write, again where software cleared them; 4.6 a
 * read-only or supervisor entry faults from then on).
 *
 * Two address spaces A and B map the guest 1:1 (B's kernel half through
 * 4 KiB tables, A's through 4 MiB pages) plus test pages at VA_T with
 * different frames.  Each case runs in A, edits B's tables (no INVLPG),
 * switches to B and checks what B sees, then goes back to A:
 *   remap     B's PTE points at another frame
 *   unmap     B's PTE loses P: #PF (not present)
 *   readonly  B's PTE loses W: a write faults (present, write)
 *   user      B's PTE loses U: a ring-3 read faults
 *   accessed  A and D cleared in B's PTE are set again by B's next read
 *             and write
 *   pde       B's PDE points at another page table
 *   big       A's 4 MiB PDE of a test region points at another 4 MiB frame
 *             while B is current, then A sees the new frame
 *   reload    the current space's PTE changed, then MOV CR3 with the same
 *             value: the new frame
 *   global    a global PTE changed, MOV CR3 (may still show the old frame:
 *             not checked), then CR4.PGE off and on: the new frame
 *   code      a page of code (a function returning a constant) run, its
 *             PTE pointed at another frame with other code, MOV CR3 with
 *             the same value: the new code runs; the same with a global
 *             page and CR4.PGE off and on
 * and then 200 rounds of switches alternating writes in both spaces, whose
 * sums are checked.
 */
#include "guest/lib/guest.h"

GUEST_NAME("keepspace");

#define VA_T		0x40000000u	/* test pages, one page table */
#define VA_T2		0x40001000u
#define VA_CODE		0x40002000u	/* a page of code */
#define VA_BIG		0x40400000u	/* a 4 MiB test region (A only) */
#define BIG_FRAME1	0x00800000u	/* 4 MiB frames inside the 16 MiB map */
#define BIG_FRAME2	0x00C00000u
#define NFRAMES		4

#define AT(va)		(*(volatile uint32_t *)(va))

static uint32_t *pd_a, *pd_b;
static uint8_t *frame[NFRAMES];
static volatile uint32_t u_va, u_seen;

static uint32_t fr(int k)
{
	return (uint32_t)frame[k];
}

static uint32_t u_read(void)
{
	u_seen = AT(u_va);
	return 0;
}

static void setup(void)
{
	pd_a = pg_dir_new();
	pd_b = pg_dir_new();
	pg_identity4m(pd_a, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_identity4k(pd_b, 0, PG_IDENT_END, PTE_W | PTE_U);
	for (int k = 0; k < NFRAMES; k++) {
		frame[k] = pg_alloc();
		AT(frame[k]) = 0x1000u * (k + 1);
	}
	/* The same linear page, different frames in A and B. */
	pg_map4k(pd_a, VA_T, fr(0), PTE_W | PTE_U);
	pg_map4k(pd_b, VA_T, fr(1), PTE_W | PTE_U);
	pg_map4k(pd_a, VA_T2, fr(2), PTE_W | PTE_U);
	pg_map4k(pd_b, VA_T2, fr(3), PTE_W | PTE_U);
	pg_map4m(pd_a, VA_BIG, BIG_FRAME1, PTE_W);
	AT(BIG_FRAME1) = 0xB1;
	AT(BIG_FRAME2) = 0xB2;
	pg_enable(pd_a);
	/* Both spaces have used their entries (shadows filled, if any). */
	pg_switch(pd_b);
	(void)AT(VA_T);
	AT(VA_T2) += 0;
	pg_switch(pd_a);
	(void)AT(VA_T);
	(void)AT(VA_BIG);
}

static void c_remap(void)
{
	t_begin("remap");
	*pg_entry(pd_b, VA_T) = fr(3) | PTE_P | PTE_W | PTE_U;
	pg_switch(pd_b);
	t_eq("B sees", AT(VA_T), 0x4000);
	pg_switch(pd_a);
	t_eq("A sees", AT(VA_T), 0x1000);
	*pg_entry(pd_b, VA_T) = fr(1) | PTE_P | PTE_W | PTE_U;
	pg_switch(pd_b);
	t_eq("B sees again", AT(VA_T), 0x2000);
	pg_switch(pd_a);
	t_end();
}

static void c_unmap(void)
{
	int v;

	t_begin("unmap");
	pg_switch(pd_b);
	(void)AT(VA_T);
	pg_switch(pd_a);
	*pg_entry(pd_b, VA_T) &= ~PTE_P;
	pg_switch(pd_b);
	v = TRY((void)AT(VA_T));
	pg_switch(pd_a);
	t_eq("vector", (uint32_t)v, EXC_PF);
	t_eq("error", g_fault.err, 0);
	t_eq("cr2", g_fault.cr2, VA_T);
	*pg_entry(pd_b, VA_T) |= PTE_P;
	t_end();
}

static void c_readonly(void)
{
	int v;

	t_begin("readonly");
	pg_switch(pd_b);
	AT(VA_T) = 0x2000;	/* writable and dirty in B */
	pg_switch(pd_a);
	*pg_entry(pd_b, VA_T) &= ~PTE_W;
	pg_switch(pd_b);
	t_eq("read", AT(VA_T), 0x2000);
	v = TRY(AT(VA_T) = 0x2222);
	pg_switch(pd_a);
	t_eq("vector", (uint32_t)v, EXC_PF);
	t_eq("error", g_fault.err, PFEC_P | PFEC_W);
	t_eq("unchanged", AT(fr(1)), 0x2000);
	*pg_entry(pd_b, VA_T) |= PTE_W;
	t_end();
}

static void c_user(void)
{
	int v;

	t_begin("user");
	pg_switch(pd_b);
	u_va = VA_T;
	u_seen = 0;
	t_eq("ring 3 exit", user_call(u_read), 0);
	t_eq("ring 3 read", u_seen, 0x2000);
	pg_switch(pd_a);
	*pg_entry(pd_b, VA_T) &= ~PTE_U;
	pg_switch(pd_b);
	u_seen = 0;
	v = TRY(user_call(u_read));
	pg_switch(pd_a);
	t_eq("vector", (uint32_t)v, EXC_PF);
	t_eq("error", g_fault.err, PFEC_P | PFEC_U);
	t_eq("nothing read", u_seen, 0);
	*pg_entry(pd_b, VA_T) |= PTE_U;
	t_end();
}

static void c_accessed(void)
{
	uint32_t *pte = pg_entry(pd_b, VA_T2);

	t_begin("accessed");
	pg_switch(pd_b);
	AT(VA_T2) = 0x4000;
	pg_switch(pd_a);
	t_eq("A, D after the write", *pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	*pte &= ~(PTE_A | PTE_D);
	pg_switch(pd_b);
	t_eq("read", AT(VA_T2), 0x4000);
	pg_switch(pd_a);
	t_eq("A, D after a read", *pte & (PTE_A | PTE_D), PTE_A);
	pg_switch(pd_b);
	AT(VA_T2) = 0x4000;
	pg_switch(pd_a);
	t_eq("A, D after a write", *pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	t_end();
}

static void c_pde(void)
{
	uint32_t *pt = pg_alloc(), old;

	t_begin("pde");
	pt[(VA_T >> PAGE_SHIFT) & 1023] = fr(2) | PTE_P | PTE_W | PTE_U;
	old = pd_b[VA_T >> PGDIR_SHIFT];
	pd_b[VA_T >> PGDIR_SHIFT] = (uint32_t)pt | PDE_TABLE_FLAGS;
	pg_switch(pd_b);
	t_eq("B through the new table", AT(VA_T), 0x3000);
	t_check(TRY((void)AT(VA_T2)) == EXC_PF, "VA_T2 is not mapped by the new table");
	pg_switch(pd_a);
	pd_b[VA_T >> PGDIR_SHIFT] = old;
	pg_switch(pd_b);
	t_eq("B through the old table", AT(VA_T), 0x2000);
	pg_switch(pd_a);
	t_end();
}

static void c_big(void)
{
	t_begin("big");
	t_eq("A before", AT(VA_BIG), 0xB1);
	pg_switch(pd_b);
	pd_a[VA_BIG >> PGDIR_SHIFT] = BIG_FRAME2 | PTE_P | PTE_W | PTE_PS;
	pg_switch(pd_a);
	t_eq("A after", AT(VA_BIG), 0xB2);
	pd_a[VA_BIG >> PGDIR_SHIFT] = BIG_FRAME1 | PTE_P | PTE_W | PTE_PS;
	pg_switch(pd_a);
	t_eq("A back", AT(VA_BIG), 0xB1);
	t_end();
}

static void c_reload(void)
{
	uint32_t *pte = pg_entry(pd_a, VA_T);

	t_begin("reload");
	t_eq("before", AT(VA_T), 0x1000);
	*pte = fr(3) | PTE_P | PTE_W | PTE_U;
	pg_switch(pd_a);
	t_eq("after mov cr3", AT(VA_T), 0x4000);
	*pte = fr(0) | PTE_P | PTE_W | PTE_U;
	pg_switch(pd_a);
	t_eq("back", AT(VA_T), 0x1000);
	t_end();
}

static void c_global(void)
{
	uint32_t *pte = pg_entry(pd_a, VA_T);
	uint32_t seen;

	t_begin("global");
	write_cr4(read_cr4() | CR4_PGE);
	*pte = fr(0) | PTE_P | PTE_W | PTE_U | PTE_G;
	pg_switch(pd_a);
	t_eq("global page", AT(VA_T), 0x1000);
	*pte = fr(3) | PTE_P | PTE_W | PTE_U | PTE_G;
	pg_switch(pd_a);
	seen = AT(VA_T);	/* either frame: the old one may stay cached */
	t_check(seen == 0x1000 || seen == 0x4000, "after mov cr3: %x", seen);
	write_cr4(read_cr4() & ~CR4_PGE);
	write_cr4(read_cr4() | CR4_PGE);
	t_eq("after CR4.PGE off and on", AT(VA_T), 0x4000);
	*pte = fr(0) | PTE_P | PTE_W | PTE_U;
	write_cr4(read_cr4() & ~CR4_PGE);
	t_eq("back", AT(VA_T), 0x1000);
	t_end();
}

/* A function `mov $v,%eax; ret` at the start of page p. */
static void put_fn(uint8_t *p, uint32_t v)
{
	p[0] = 0xB8;
	memcpy(p + 1, &v, 4);
	p[5] = 0xC3;
}

static void c_code(void)
{
	uint8_t *c1 = pg_alloc(), *c2 = pg_alloc();
	uint32_t (*fn)(void) = (uint32_t (*)(void))VA_CODE;
	uint32_t *pte;

	t_begin("code");
	put_fn(c1, 0x111);
	put_fn(c2, 0x222);
	pg_map4k(pd_a, VA_CODE, (uint32_t)c1, PTE_W);
	pte = pg_entry(pd_a, VA_CODE);
	pg_switch(pd_a);
	t_eq("first frame", fn(), 0x111);
	t_eq("first frame again", fn(), 0x111);
	*pte = (uint32_t)c2 | PTE_P | PTE_W;
	pg_switch(pd_a);
	t_eq("after MOV CR3", fn(), 0x222);
	/* Global: a CR3 load may keep the old one; CR4.PGE off and on not. */
	write_cr4(read_cr4() | CR4_PGE);
	*pte = (uint32_t)c1 | PTE_P | PTE_W | PTE_G;
	pg_switch(pd_a);
	t_eq("global page", fn(), 0x111);
	*pte = (uint32_t)c2 | PTE_P | PTE_W | PTE_G;
	write_cr4(read_cr4() & ~CR4_PGE);
	t_eq("after CR4.PGE off", fn(), 0x222);
	*pte = (uint32_t)c1 | PTE_P | PTE_W;
	pg_switch(pd_a);
	t_eq("back", fn(), 0x111);
	t_end();
}

static void c_rounds(void)
{
	uint32_t sum = 0;

	t_begin("rounds");
	for (uint32_t i = 0; i < 200; i++) {
		pg_switch(i & 1 ? pd_b : pd_a);
		AT(VA_T2) += i;
		sum += AT(VA_T);
	}
	pg_switch(pd_a);
	t_eq("sum of reads", sum, 100 * 0x1000 + 100 * 0x2000);
	t_eq("A's page", AT(fr(2)), 0x3000 + 2 * (99 * 100 / 2));
	t_eq("B's page", AT(fr(3)), 0x4000 + 2 * (99 * 100 / 2) + 100);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	c_remap();
	c_unmap();
	c_readonly();
	c_user();
	c_accessed();
	c_pde();
	c_big();
	c_reload();
	c_global();
	c_code();
	c_rounds();
	guest_exit();
}
