/*
 * Accessed and dirty flags of 4 KiB pages (SDM vol. 3A 4.8: the processor
 * sets A in every paging-structure entry it uses for a translation, and D
 * only in the entry that maps the page, on a write; bit 6 of a PDE that
 * references a page table is ignored; the flags are sticky and a cleared
 * one is set again once the translation is invalidated, 4.10.4.1 INVLPG
 * and MOV to CR3; 6.15 interrupt 14: on a page-level protection fault A is
 * set in the PDE, while A in the PTE is model specific and not checked;
 * table 4-6: a PTE with P = 0 is ignored, so the CPU never writes it;
 * vol. 2 CMPXCHG: the destination gets a write cycle whatever the result
 * of the comparison; 3.4.5 the CPU's own write of a descriptor's accessed
 * bit and 6.12.1 the interrupt frame it pushes are writes like others).
 *
 * Each check starts from entries with A = D = 0 and an INVLPG, so only
 * what the SDM guarantees is asserted.  Reads never set D; faulting
 * writes never set D (nothing was written).
 */
#include "guest/lib/guest.h"

GUEST_NAME("adbits");

#define VA_BASE		0x50000000u	/* one page table of test pages */
#define VA_GDT		0x50400000u	/* a copy of the GDT */
#define VA_STK		0x50401000u	/* a stack page for an INT frame */
#define VA_CODE		0x50402000u	/* adbits_code_page */
#define VA_RO_DIR	0x50800000u	/* pages under a read-only PDE */
#define VA_NP		0x50C00000u	/* a PDE with P = 0 */

#define NPAGES		24
#define AD		(PTE_A | PTE_D)
#define ADBITS_VEC	0x90
#define SEL_TEST	SEL(GDT_FREE, 0)

#define AT(va)		(*(volatile uint32_t *)(va))
#define PG(k)		(VA_BASE + (k) * PAGE_SIZE)

static uint32_t *pd;
static uint8_t *pages[NPAGES];
static volatile uint32_t u_addr;

extern uint8_t adbits_code_page[];
extern uint32_t adbits_fetch(void);
extern char adbits_int_ret[], adbits_iret[];
void adbits_int_frame(uint32_t esp);

static uint32_t *pde_of(uint32_t va) { return &pd[va >> PGDIR_SHIFT]; }
static uint32_t *pte_of(uint32_t va) { return pg_entry(pd, va); }

/* Maps va onto page with flags; PTE and PDE A/D clear; INVLPG. */
static void fresh(uint32_t va, const void *page, uint32_t flags)
{
	pg_map4k(pd, va, (uint32_t)page, flags);
	*pde_of(va) &= ~AD;
	invlpg(va);
}

static int ad_is(const char *what, uint32_t va, uint32_t want)
{
	return t_eq(what, *pte_of(va) & AD, want);
}

static uint32_t u_write(void) { AT(u_addr) = 0x5A5A; return 0; }

static void setup(void)
{
	for (int i = 0; i < NPAGES; i++) {
		pages[i] = pg_alloc();
		((uint32_t *)pages[i])[0] = 0xA0000000 + i;
	}
	pd = pg_dir_new();
	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	for (int i = 0; i < NPAGES; i++)
		pg_map4k(pd, PG(i), (uint32_t)pages[i], PTE_W);
	pg_enable(pd);
}

static void levels_case(void)
{
	uint32_t *pde = pde_of(VA_BASE);

	t_begin("read_write_levels");
	fresh(PG(0), pages[0], PTE_W);
	t_eq("PDE clear", *pde & AD, 0);
	ad_is("PTE clear", PG(0), 0);
	t_eq("read", AT(PG(0)), 0xA0000000);
	ad_is("read: PTE A, no D", PG(0), PTE_A);
	t_eq("read: PDE A, bit 6 untouched", *pde & AD, PTE_A);
	AT(PG(0) + 8) = 1;
	ad_is("write: PTE D", PG(0), AD);
	t_eq("write: PDE bit 6 untouched", *pde & AD, PTE_A);
	/* A first access that is a write sets both at once. */
	fresh(PG(1), pages[1], PTE_W);
	AT(PG(1) + 8) = 2;
	ad_is("first access a write", PG(1), AD);
	t_eq("PDE", *pde & AD, PTE_A);
	/* Only the PDE cleared: the PTE keeps its flags, the PDE gets A. */
	*pde &= ~PTE_A;
	invlpg(PG(1));
	(void)AT(PG(1));
	t_eq("PDE A set again", *pde & AD, PTE_A);
	ad_is("PTE unchanged", PG(1), AD);
	t_end();
}

static void insn_case(void)
{
	uint32_t r;

	t_begin("instructions");
	/* Reads: CMP, BT, PUSH m32, a dword straddling two pages. */
	fresh(PG(2), pages[2], PTE_W);
	__asm__ volatile("cmpl %0, (%1)" : : "r"(0), "r"(PG(2)) : "cc", "memory");
	ad_is("cmp m32", PG(2), PTE_A);
	fresh(PG(3), pages[3], PTE_W);
	__asm__ volatile("btl $5, (%0)" : : "r"(PG(3)) : "cc", "memory");
	ad_is("bt m32", PG(3), PTE_A);
	fresh(PG(4), pages[4], PTE_W);
	__asm__ volatile("pushl (%1); popl %0" : "=r"(r) : "r"(PG(4)) : "memory");
	t_eq("push m32 value", r, 0xA0000004);
	ad_is("push m32 (source)", PG(4), PTE_A);
	fresh(PG(5), pages[5], PTE_W);
	fresh(PG(6), pages[6], PTE_W);
	(void)AT(PG(6) - 2);
	ad_is("straddling read, first page", PG(5), PTE_A);
	ad_is("straddling read, second page", PG(6), PTE_A);
	/* Writes: ADD to memory, BTS, POP m32, SETcc, XCHG, MOVB. */
	fresh(PG(7), pages[7], PTE_W);
	__asm__ volatile("addl %0, (%1)" : : "r"(1), "r"(PG(7)) : "cc", "memory");
	t_eq("add m32", AT(PG(7)), 0xA0000008);
	ad_is("add m32", PG(7), AD);
	fresh(PG(8), pages[8], PTE_W);
	__asm__ volatile("btsl $31, 4(%0)" : : "r"(PG(8)) : "cc", "memory");
	ad_is("bts m32", PG(8), AD);
	fresh(PG(9), pages[9], PTE_W);
	__asm__ volatile("pushl $0x9090; popl 12(%0)" : : "r"(PG(9)) : "memory");
	t_eq("pop m32 value", AT(PG(9) + 12), 0x9090);
	ad_is("pop m32 (destination)", PG(9), AD);
	fresh(PG(10), pages[10], PTE_W);
	__asm__ volatile("cmpl %%eax, %%eax; sete 16(%0)" : : "r"(PG(10)) : "eax", "cc", "memory");
	ad_is("setcc m8", PG(10), AD);
	fresh(PG(11), pages[11], PTE_W);
	r = 0x1111;
	__asm__ volatile("xchgl %0, (%1)" : "+r"(r) : "r"(PG(11)) : "memory");
	t_eq("xchg old value", r, 0xA000000B);
	ad_is("xchg m32", PG(11), AD);
	fresh(PG(12), pages[12], PTE_W);
	__asm__ volatile("movb $7, 1(%0)" : : "r"(PG(12)) : "memory");
	ad_is("mov m8", PG(12), AD);
	/* CMPXCHG whose comparison fails still writes (its own value back). */
	fresh(PG(13), pages[13], PTE_W);
	r = 0;
	__asm__ volatile("cmpxchgl %2, (%1)" : "+a"(r) : "r"(PG(13)), "r"(5) : "cc", "memory");
	t_eq("cmpxchg failed: eax = old", r, 0xA000000D);
	t_eq("cmpxchg failed: memory kept", AT(PG(13)), 0xA000000D);
	ad_is("cmpxchg failed: D", PG(13), AD);
	fresh(PG(14), pages[14], PTE_W);
	r = 0;
	__asm__ volatile("lock cmpxchgl %2, (%1)" : "+a"(r) : "r"(PG(14)), "r"(5) : "cc", "memory");
	ad_is("lock cmpxchg failed: D", PG(14), AD);
	/* MOVSD: the source gets A, the destination A and D. */
	fresh(PG(15), pages[15], PTE_W);
	fresh(PG(16), pages[16], PTE_W);
	{
		uint32_t s = PG(15), d = PG(16) + 32;

		__asm__ volatile("movsl" : "+S"(s), "+D"(d) : : "memory");
	}
	t_eq("movs copied", AT(PG(16) + 32), 0xA000000F);
	ad_is("movs source", PG(15), PTE_A);
	ad_is("movs destination", PG(16), AD);
	/* REP STOSB across a page boundary: both pages written. */
	fresh(PG(17), pages[17], PTE_W);
	fresh(PG(18), pages[18], PTE_W);
	{
		uint32_t d = PG(18) - 3, c = 6;

		__asm__ volatile("rep stosb" : "+D"(d), "+c"(c) : "a"(0xEE) : "memory");
	}
	ad_is("rep stos, first page", PG(17), AD);
	ad_is("rep stos, second page", PG(18), AD);
	t_eq("rep stos bytes", AT(PG(18)), 0xA0EEEEEE);
	t_eq("pde bit 6 untouched", *pde_of(VA_BASE) & PTE_D, 0);
	t_end();
}

static void fetch_case(void)
{
	uint32_t (*fn)(void) = (uint32_t (*)(void))(VA_CODE + ((uint32_t)adbits_fetch & 0xFFF));

	t_begin("fetch");
	t_eq("code page aligned", (uint32_t)adbits_code_page & 0xFFF, 0);
	fresh(VA_CODE, adbits_code_page, PTE_W);
	t_eq("run through the fresh mapping", fn(), 0xFE7C4ED0);
	ad_is("fetch: A, no D", VA_CODE, PTE_A);
	t_eq("PDE A", *pde_of(VA_CODE) & AD, PTE_A);
	/* Code through a read-only mapping runs as well. */
	fresh(VA_CODE, adbits_code_page, 0);
	t_eq("run through a read-only mapping", fn(), 0xFE7C4ED0);
	ad_is("fetch from a read-only page: A", VA_CODE, PTE_A);
	t_end();
}

static void fault_case(void)
{
	uint32_t *ro = (uint32_t *)pages[19];
	uint32_t *pde_ro = pde_of(VA_RO_DIR);
	int v;

	t_begin("faulting_accesses");
	/* Supervisor write to a read-only PTE with CR0.WP = 1. */
	fresh(PG(19), pages[19], 0);
	v = TRY(__asm__ volatile(FAULT_HERE "movl %%eax, 4(%0)" : : "r"(PG(19)), "a"(1) : "memory"));
	t_fault("write, read-only PTE", v, EXC_PF, PFEC_P | PFEC_W, g_fault_label);
	t_eq("cr2", g_fault.cr2, PG(19) + 4);
	t_eq("not written", ro[1], 0);
	t_eq("PTE: no D", *pte_of(PG(19)) & PTE_D, 0);
	t_eq("PDE: A (6.15)", *pde_of(PG(19)) & AD, PTE_A);
	/* The same with a read-modify-write instruction. */
	fresh(PG(19), pages[19], 0);
	v = TRY(__asm__ volatile(FAULT_HERE "addl $1, (%0)" : : "r"(PG(19)) : "cc", "memory"));
	t_fault("add to a read-only page", v, EXC_PF, PFEC_P | PFEC_W, g_fault_label);
	t_eq("not written", ro[0], 0xA0000013);
	t_eq("PTE: no D", *pte_of(PG(19)) & PTE_D, 0);
	/* Reads of the same page work and set A. */
	t_eq("read of the read-only page", AT(PG(19)), 0xA0000013);
	ad_is("read sets A", PG(19), PTE_A);

	/* A read-only PDE above a writable PTE. */
	pg_map4k(pd, VA_RO_DIR, (uint32_t)pages[20], PTE_W);
	*pde_ro = (*pde_ro & ~(PTE_W | AD));
	*pte_of(VA_RO_DIR) &= ~AD;
	invlpg(VA_RO_DIR);
	v = TRY(__asm__ volatile(FAULT_HERE "movl %%eax, (%0)" : : "r"(VA_RO_DIR + 12), "a"(1) : "memory"));
	t_fault("write under a read-only PDE", v, EXC_PF, PFEC_P | PFEC_W, g_fault_label);
	t_eq("PTE: no D", *pte_of(VA_RO_DIR) & PTE_D, 0);
	t_eq("PDE: A (6.15)", *pde_ro & AD, PTE_A);

	/* Ring 3 writing a supervisor page. */
	fresh(PG(21), pages[21], PTE_W);
	u_addr = PG(21);
	v = TRY(user_call(u_write));
	t_fault("user write, supervisor page", v, EXC_PF, PFEC_P | PFEC_W | PFEC_U, 0);
	t_eq("cr2", g_fault.cr2, PG(21));
	t_eq("PTE: no D", *pte_of(PG(21)) & PTE_D, 0);
	t_eq("PDE: A (6.15)", *pde_of(PG(21)) & AD, PTE_A);
	t_eq("not written", ((uint32_t *)pages[21])[0], 0xA0000015);

	/* REP STOSB from a writable page into a read-only one. */
	fresh(PG(22), pages[22], PTE_W);
	fresh(PG(23), pages[23], 0);
	{
		uint32_t d = PG(23) - 4, c = 8;

		v = TRY(__asm__ volatile("rep stosb"
					 : "+D"(d), "+c"(c) : "a"(0x77) : "memory"));
		t_fault("rep stos into a read-only page", v, EXC_PF, PFEC_P | PFEC_W, 0);
		t_eq("cr2", g_fault.cr2, PG(23));
	}
	t_eq("first page written", ((uint32_t *)pages[22])[1023], 0x77777777);
	ad_is("first page: D", PG(22), AD);
	t_eq("second page: no D", *pte_of(PG(23)) & PTE_D, 0);
	t_eq("second page not written", ((uint32_t *)pages[23])[0], 0xA0000017);

	/* Not-present entries keep every bit the guest put there. */
	*pte_of(PG(20)) = 0x13572460;
	invlpg(PG(20));
	v = TRY(AT(PG(20)));
	t_fault("PTE with P = 0", v, EXC_PF, 0, 0);
	t_eq("PTE unchanged", *pte_of(PG(20)), 0x13572460);
	*pde_of(VA_NP) = 0x2468ACE0;
	invlpg(VA_NP);
	v = TRY(AT(VA_NP + 0x5000) = 1);
	t_fault("PDE with P = 0", v, EXC_PF, PFEC_W, 0);
	t_eq("PDE unchanged", *pde_of(VA_NP), 0x2468ACE0);
	t_end();
}

static void invalidate_case(void)
{
	uint32_t *pte, *pde = pde_of(VA_BASE);
	int bad = 0;

	t_begin("clear_invalidate");
	fresh(PG(0), pages[0], PTE_W);
	pte = pte_of(PG(0));
	for (uint32_t round = 0; round < 8 && !bad; round++) {
		*pte &= ~AD;
		*pde &= ~AD;
		/* INVLPG on even rounds, a CR3 reload on odd ones. */
		if (round & 1)
			write_cr3(read_cr3());
		else
			invlpg(PG(0));
		bad |= !t_eq("read", AT(PG(0)), 0xA0000000);
		bad |= !t_eq("A again, no D", *pte & AD, PTE_A);
		bad |= !t_eq("PDE A again", *pde & AD, PTE_A);
		AT(PG(0) + 64 + 4 * round) = round;
		bad |= !t_eq("D again", *pte & AD, AD);
		bad |= !t_eq("written", ((uint32_t *)pages[0])[16 + round], round);
		/* D cleared alone: set again by the next write. */
		*pte &= ~PTE_D;
		invlpg(PG(0));
		AT(PG(0) + 64 + 4 * round) = ~round;
		bad |= !t_eq("D alone again", *pte & AD, AD);
	}
	t_end();
}

static void implicit_case(void)
{
	uint64_t *copy = pg_alloc();
	uint32_t *stk = pg_alloc();
	uint32_t top = VA_STK + PAGE_SIZE;
	struct dtr d, old;

	t_begin("cpu_writes");
	/* The descriptor's accessed bit, through a GDT at VA_GDT. */
	memcpy(copy, gdt, sizeof(gdt));
	copy[GDT_FREE] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_ACC, FLAT_FLAGS);
	fresh(VA_GDT, copy, PTE_W);
	sgdt(&old);
	d.limit = sizeof(gdt) - 1;
	d.base = VA_GDT;
	lgdt(&d);
	load_es(SEL_TEST);
	load_es(SEL_KDATA);
	lgdt(&old);
	t_eq_mask("descriptor accessed bit set", (uint32_t)(copy[GDT_FREE] >> 40), DESC_ACC,
		  DESC_ACC);
	ad_is("GDT page: A and D from the accessed-bit write", VA_GDT, AD);

	/* INT n at CPL 0 pushes EFLAGS, CS, EIP on a fresh stack page. */
	idt_set_gate(ADBITS_VEC, adbits_iret, SYS_INTGATE32, 0);
	fresh(VA_STK, stk, PTE_W);
	adbits_int_frame(top);
	idt_restore(ADBITS_VEC);
	t_eq("frame eip", stk[1021], (uint32_t)adbits_int_ret);
	t_eq("frame cs", stk[1022] & 0xFFFF, SEL_KCODE);
	t_eq_mask("frame eflags", stk[1023], FL_FIXED, FL_FIXED | FL_IF | FL_TF);
	ad_is("stack page: A and D from the frame", VA_STK, AD);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	levels_case();
	insn_case();
	fetch_case();
	fault_case();
	invalidate_case();
	implicit_case();
	pg_disable();
}
