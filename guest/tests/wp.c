/*
 * Access rights and CR0.WP (SDM vol. 3A 4.6 with 32-bit paging, no SMEP
 * or SMAP: a supervisor-mode access may read any present page; with
 * CR0.WP = 0 it may write any page, with CR0.WP = 1 only where R/W = 1 in
 * every paging-structure entry of the translation; a user-mode access
 * needs U/S = 1 in every entry, and a user write also R/W = 1 in every
 * entry, whatever CR0.WP is; implicit accesses to descriptor tables are
 * supervisor-mode even at CPL 3.  4.7: the error code has P = 1 for these
 * protection faults, W/R and U/S from the access; CR2 the linear address.
 * 4.8: a write that faults does not set D; one that succeeds does.
 * 4.10.2.2: the TLB caches the entries' R/W and U/S, not CR0.WP, so a new
 * CR0.WP applies to the next access without any invalidation).
 *
 * The matrix: every combination of U/S and R/W in the PDE and the PTE of
 * a 4 KiB page (16) and in the PDE of a 4 MiB page (4), each accessed by
 * supervisor reads and writes with CR0.WP = 0 and 1, and by user reads
 * and writes with CR0.WP = 0 and 1; then CR0.WP toggled back and forth
 * over one cached translation, and a CPL-3 segment load whose descriptor
 * accessed-bit write is a supervisor write to a read-only GDT page.
 */
#include "guest/lib/guest.h"

GUEST_NAME("wp");

#define VA_4K		0x60000000u	/* 16 PDEs, one per 4 KiB combination */
#define VA_4M		0x64000000u	/* 4 PDEs of 4 MiB pages onto 0-4 MiB */
#define VA_GDT		0x68000000u	/* a read-only copy of the GDT */

#define NCOMBO_4K	16
#define NCOMBO_4M	4
#define NCOMBO		(NCOMBO_4K + NCOMBO_4M)
#define SEL_TEST	SEL(GDT_FREE, 3)	/* DPL-3 data, accessed bit clear */

#define AT(va)		(*(volatile uint32_t *)(va))

struct combo {
	uint32_t va;		/* the test address */
	volatile uint32_t *data;	/* the same dword through the identity map */
	uint32_t *leaf;		/* the PTE, or the PDE of a 4 MiB page */
	int pde_u, pde_w, pte_u, pte_w, large;
};

static uint32_t *pd;
static struct combo combos[NCOMBO];
static volatile uint32_t m4[NCOMBO_4M * 4];	/* 4 MiB combos' dwords */
static volatile uint32_t u_addr, u_val;
static uint32_t stamp = 0xC0DE0000;

static uint32_t u_read(void) { return AT(u_addr); }
static uint32_t u_write(void) { AT(u_addr) = u_val; return 0; }

static uint32_t rw_flags(int u, int w)
{
	return (u ? PTE_U : 0) | (w ? PTE_W : 0);
}

static void setup(void)
{
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	for (int i = 0; i < NCOMBO_4K; i++) {
		struct combo *c = &combos[i];
		uint32_t *page = pg_alloc(), *pt = pg_alloc();

		c->pde_u = i & 1;
		c->pde_w = (i >> 1) & 1;
		c->pte_u = (i >> 2) & 1;
		c->pte_w = (i >> 3) & 1;
		c->va = VA_4K + i * LARGE_PAGE_SIZE + 0x1000 + 4 * i;
		c->data = &page[i];
		page[i] = 0x11110000 + i;
		pt[1] = (uint32_t)page | PTE_P | rw_flags(c->pte_u, c->pte_w);
		pd[c->va >> PGDIR_SHIFT] = (uint32_t)pt | PTE_P | rw_flags(c->pde_u, c->pde_w);
		c->leaf = &pt[1];
	}
	for (int i = 0; i < NCOMBO_4M; i++) {
		struct combo *c = &combos[NCOMBO_4K + i];

		c->large = 1;
		c->pde_u = c->pte_u = i & 1;
		c->pde_w = c->pte_w = (i >> 1) & 1;
		c->data = &m4[4 * i];
		*c->data = 0x44440000 + i;
		c->va = VA_4M + i * LARGE_PAGE_SIZE + (uint32_t)c->data;
		pg_map4m(pd, VA_4M + i * LARGE_PAGE_SIZE, 0, rw_flags(c->pde_u, c->pde_w));
		c->leaf = &pd[c->va >> PGDIR_SHIFT];
	}
	pg_enable(pd);
}

static void describe(char *buf, int n, const struct combo *c, int user, int write, int wp)
{
	if (c->large)
		fmt_snprintf(buf, n, "4M U%dW%d %s %s WP=%d", c->pde_u, c->pde_w,
			     user ? "user" : "sup", write ? "write" : "read", wp);
	else
		fmt_snprintf(buf, n, "PDE U%dW%d PTE U%dW%d %s %s WP=%d", c->pde_u, c->pde_w,
			     c->pte_u, c->pte_w, user ? "user" : "sup",
			     write ? "write" : "read", wp);
}

/* One access, checked against the rules of SDM 4.6. */
static void access(struct combo *c, int user, int write, int wp)
{
	int u_all = c->pde_u && c->pte_u, w_all = c->pde_w && c->pte_w;
	int allowed = user ? u_all && (!write || w_all) : !write || !wp || w_all;
	uint32_t before = *c->data, val = stamp++;
	volatile uint32_t seen = 0;
	char what[80];
	int v;

	describe(what, sizeof(what), c, user, write, wp);
	*c->leaf &= ~PTE_D;
	invlpg(c->va);
	if (user) {
		u_addr = c->va;
		u_val = val;
		v = TRY(seen = user_call(write ? u_write : u_read));
	} else if (write) {
		v = TRY(__asm__ volatile(FAULT_HERE "movl %1, (%0)"
					 : : "r"(c->va), "r"(val) : "memory"));
	} else {
		uint32_t r;

		v = TRY(__asm__ volatile(FAULT_HERE "movl (%1), %0"
					 : "=r"(r) : "r"(c->va) : "memory"); seen = r);
	}
	if (allowed) {
		if (!t_no_fault(what, v))
			return;
		if (write) {
			t_check(*c->data == val, "%s: wrote 0x%x, memory has 0x%x", what, val,
				*c->data);
			t_check(*c->leaf & PTE_D, "%s: D not set", what);
		} else {
			t_check(seen == before, "%s: read 0x%x, memory has 0x%x", what, seen,
				before);
		}
		return;
	}
	if (!t_fault(what, v, EXC_PF,
		     PFEC_P | (write ? PFEC_W : 0) | (user ? PFEC_U : 0),
		     user ? 0 : g_fault_label))
		return;
	t_check(g_fault.cr2 == c->va, "%s: cr2 0x%x, expected 0x%x", what, g_fault.cr2, c->va);
	t_check(*c->data == before, "%s: memory changed to 0x%x", what, *c->data);
	t_check(!(*c->leaf & PTE_D), "%s: D set by a faulting write", what);
}

static void matrix_case(const char *name, int user, int wp)
{
	uint32_t faults = g_fault_count;

	t_begin(name);
	if (wp)
		write_cr0(read_cr0() | CR0_WP);
	else
		write_cr0(read_cr0() & ~CR0_WP);
	t_eq_mask("CR0.WP", read_cr0(), wp ? CR0_WP : 0, CR0_WP);
	for (int i = 0; i < NCOMBO; i++) {
		access(&combos[i], user, 0, wp);
		access(&combos[i], user, 1, wp);
	}
	gprintf("%s: %d accesses, %u faulted\n", name, 2 * NCOMBO, g_fault_count - faults);
	write_cr0(read_cr0() | CR0_WP);
	t_end();
}

/* CR0.WP changes take effect with no invalidation (4.10.2.2). */
static void toggle_case(void)
{
	struct combo *ro = &combos[1 | 4];	/* PDE U1W0, PTE U1W0 */
	int v;

	t_begin("wp_toggle");
	t_check(!ro->pde_w && !ro->pte_w && ro->pde_u && ro->pte_u, "combo layout");
	(void)AT(ro->va);	/* a cached translation */
	for (uint32_t i = 0; i < 6; i++) {
		write_cr0(read_cr0() & ~CR0_WP);
		v = TRY(AT(ro->va) = 0x70000 + i);
		t_no_fault("WP=0 write", v);
		t_eq("written", *ro->data, 0x70000 + i);
		write_cr0(read_cr0() | CR0_WP);
		v = TRY(AT(ro->va) = 0x80000 + i);
		t_fault("WP=1 write", v, EXC_PF, PFEC_P | PFEC_W, 0);
		t_eq("not written", *ro->data, 0x70000 + i);
		u_addr = ro->va;
		u_val = 0x90000 + i;
		v = TRY(user_call(u_write));
		t_fault("user write", v, EXC_PF, PFEC_P | PFEC_W | PFEC_U, 0);
		t_eq("user read", user_call(u_read), 0x70000 + i);
	}
	t_end();
}

static uint32_t u_load_ds(void)
{
	__asm__ volatile(FAULT_HERE "movw %w0, %%ds; movw %w1, %%ds"
			 : : "r"(SEL_TEST), "r"(SEL_UDATA) : "memory");
	return 0;
}

/* The accessed-bit write of a CPL-3 segment load is a supervisor write. */
static void implicit_case(void)
{
	uint64_t *copy = pg_alloc();
	uint32_t desc = VA_GDT + GDT_FREE * 8;
	struct dtr d, old;
	int v;

	t_begin("implicit_supervisor_write");
	memcpy(copy, gdt, sizeof(gdt));
	copy[GDT_FREE] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(3) & ~DESC_ACC, FLAT_FLAGS);
	pg_map4k(pd, VA_GDT, (uint32_t)copy, 0);	/* supervisor, read-only */
	invlpg(VA_GDT);
	sgdt(&old);
	d.limit = sizeof(gdt) - 1;
	d.base = VA_GDT;
	lgdt(&d);
	/* WP = 1: the write faults; U/S = 0 in the error code. */
	v = TRY(user_call(u_load_ds));
	t_fault("CPL-3 load, WP=1", v, EXC_PF, PFEC_P | PFEC_W, g_fault_label);
	t_check(g_fault.cr2 >= desc && g_fault.cr2 < desc + 8, "cr2 0x%x outside the descriptor",
		g_fault.cr2);
	t_eq("from ring 3", g_fault.cs, SEL_UCODE);
	t_eq_mask("accessed bit still clear", (uint32_t)(copy[GDT_FREE] >> 40), 0, DESC_ACC);
	/* WP = 0: the same load goes through and sets the bit. */
	write_cr0(read_cr0() & ~CR0_WP);
	v = TRY(user_call(u_load_ds));
	write_cr0(read_cr0() | CR0_WP);
	t_no_fault("CPL-3 load, WP=0", v);
	t_eq_mask("accessed bit set", (uint32_t)(copy[GDT_FREE] >> 40), DESC_ACC, DESC_ACC);
	t_eq_mask("GDT page dirty", *pg_entry(pd, VA_GDT), PTE_D, PTE_D);
	lgdt(&old);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	matrix_case("supervisor_wp0", 0, 0);
	matrix_case("supervisor_wp1", 0, 1);
	matrix_case("user_wp0", 1, 0);
	matrix_case("user_wp1", 1, 1);
	toggle_case();
	implicit_case();
	pg_disable();
}
