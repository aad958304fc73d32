/*
 * Ring-3 offsets that wrap past 4 GiB (SDM vol. 3A 3.4.5 and 5.3: an
 * expand-up segment with a 4 GiB limit admits every offset, and the
 * linear address is base + offset modulo 2^32; a write through a
 * read-only data segment and an offset beyond the limit raise #GP(0); a
 * page fault of the wrapped access reports the wrapped linear address in
 * CR2, 4.7).  Thread-local storage reached as %gs:negative, as glibc's
 * static TLS model does: loads, the moffs form, stores, read-modify-write
 * ALU forms with their flags, XCHG, MOVZX/MOVSX, BT, PUSH, CALL and JMP
 * through memory, an access crossing a
 * page, positive offsets for comparison, expand-down segments (32- and
 * 16-bit: offsets above the limit, up to 0xFFFFFFFF or 0xFFFF), and the
 * faults above.  Segment
 * limits are checked by Bochs and real CPUs, not by QEMU's TCG: on QEMU
 * this guest only checks the arithmetic.
 */
#include "guest/lib/guest.h"

GUEST_NAME("segwrap");

#define VA_AREA		0x60000000u	/* two user pages, then one not present */
#define VA_NONE		0x60002000u
#define TLS_OFF		0x1800		/* the thread pointer: VA_AREA + this */

#define IDX_TLS		GDT_FREE	/* base VA_AREA + TLS_OFF, 4 GiB, writable */
#define IDX_RO		(GDT_FREE + 1)	/* same base, read-only */
#define IDX_SHORT	(GDT_FREE + 2)	/* same base, limit 0xFFFFEFFF */
#define IDX_PF		(GDT_FREE + 3)	/* base VA_NONE + 0x1010, past the hole */
#define SEL_TLS		SEL(IDX_TLS, 3)
#define SEL_RO		SEL(IDX_RO, 3)
#define SEL_SHORT	SEL(IDX_SHORT, 3)
#define IDX_TINY	(GDT_FREE + 4)	/* limit 0: the probe */
#define IDX_DOWN32	(GDT_FREE + 5)	/* expand-down, base VA_AREA, limit 0xFFF, B=1 */
#define IDX_DOWN16	(GDT_FREE + 6)	/* the same with B=0 (offsets up to 0xFFFF) */
#define SEL_DOWN32	SEL(IDX_DOWN32, 3)
#define SEL_DOWN16	SEL(IDX_DOWN16, 3)
#define SEL_PF		SEL(IDX_PF, 3)
#define SEL_TINY	SEL(IDX_TINY, 3)

static uint32_t *area;		/* VA_AREA's two pages */
static volatile uint32_t res[16];

#define AREA32(off)	(*(volatile uint32_t *)(VA_AREA + (off)))

static void setup(void)
{
	uint32_t *pd = pg_dir_new();
	uint8_t *p0 = pg_alloc(), *p1 = pg_alloc();

	pg_identity4k(pd, 0, PG_IDENT_END, PTE_W | PTE_U);
	pg_map4k(pd, VA_AREA, (uint32_t)p0, PTE_W | PTE_U);
	pg_map4k(pd, VA_AREA + 0x1000, (uint32_t)p1, PTE_W | PTE_U);
	area = (uint32_t *)(uintptr_t)p0;
	gdt_set(IDX_TLS, SEG_DESC(VA_AREA + TLS_OFF, FLAT_LIMIT, ACC_DATA(3), FLAT_FLAGS));
	gdt_set(IDX_RO, SEG_DESC(VA_AREA + TLS_OFF, FLAT_LIMIT, ACC_DATA(3) & ~DESC_RW,
				 FLAT_FLAGS));
	gdt_set(IDX_SHORT, SEG_DESC(VA_AREA + TLS_OFF, 0xFFFFE, ACC_DATA(3), FLAT_FLAGS));
	gdt_set(IDX_PF, SEG_DESC(VA_NONE + 0x1010, FLAT_LIMIT, ACC_DATA(3), FLAT_FLAGS));
	gdt_set(IDX_TINY, SEG_DESC(VA_AREA, 0, ACC_DATA(3), DESC_DB));
	gdt_set(IDX_DOWN32, SEG_DESC(VA_AREA, 0xFFF, ACC_DATA(3) | DESC_DC, DESC_DB));
	gdt_set(IDX_DOWN16, SEG_DESC(VA_AREA, 0xFFF, ACC_DATA(3) | DESC_DC, 0));
	pg_enable(pd);
}

static uint32_t u_target(void)
{
	return 0xCA11ED;
}

/* PUSH, CALL and JMP through %gs:negative. */
static uint32_t u_stack_forms(void)
{
	uint32_t a, b, c;

	__asm__ volatile("movw %w0, %%gs" : : "r"(SEL_TLS));
	__asm__ volatile("pushl %%gs:(%1)\n\tpopl %0" : "=r"(a) : "r"(-0x54) : "memory");
	__asm__ volatile("movl %1, %%gs:(%2)\n\tcall *%%gs:(%2)"
			 : "=a"(b) : "r"(u_target), "S"(-0x58) : "ecx", "edx", "memory", "cc");
	__asm__ volatile("movl $2f, %%gs:(%1)\n\t"
			 "jmp *%%gs:(%1)\n\t"
			 "movl $0, %0\n\t"
			 "jmp 3f\n"
			 "2:\tmovl $1, %0\n"
			 "3:" : "=r"(c) : "r"(-0x5C) : "memory");
	res[12] = a;
	res[13] = b;
	res[14] = c;
	return 0;
}

/* Loads, stores and ALU forms through %gs at negative offsets. */
static uint32_t u_forms(void)
{
	uint32_t a, b, f;

	__asm__ volatile("movw %w0, %%gs" : : "r"(SEL_TLS));
	/* mov %gs:(%edx), %eax with EDX = -0x54, as in glibc. */
	__asm__ volatile("movl %%gs:(%1), %0" : "=r"(a) : "r"(-0x54));
	res[0] = a;
	__asm__ volatile("movl %%gs:0xffffffac, %%eax" : "=a"(a));	/* moffs (A1) */
	res[1] = a;
	__asm__ volatile("movl $0x13572468, %%gs:-8(%0)" : : "r"(-0x40) : "memory");
	__asm__ volatile("addl $5, %%gs:(%0)" : : "r"(-0x30) : "memory", "cc");
	__asm__ volatile("incl %%gs:(%0)" : : "r"(-0x30) : "memory", "cc");
	/* SUB setting CF and ZF: the flags come back from the emulation. */
	a = 0x100;
	__asm__ volatile("subl %%gs:(%2), %0\n\tpushfl\n\tpopl %1"
			 : "+r"(a), "=r"(f) : "r"(-0x2C) : "cc");
	res[2] = a;
	res[3] = f & (FL_CF | FL_ZF | FL_SF | FL_OF | FL_PF);
	b = 0xCAFEF00D;
	__asm__ volatile("xchgl %%gs:(%1), %0" : "+r"(b) : "r"(-0x28) : "memory");
	res[4] = b;
	__asm__ volatile("movzbl %%gs:(%1), %0" : "=r"(a) : "r"(-0x23));
	res[5] = a;
	__asm__ volatile("movswl %%gs:(%1), %0" : "=r"(a) : "r"(-0x22));
	res[6] = a;
	__asm__ volatile("btl $7, %%gs:(%1)\n\tsbbl %0, %0" : "=r"(a) : "r"(-0x20) : "cc");
	res[7] = a;
	/* Crossing from VA_AREA's first page into its second. */
	__asm__ volatile("movl %%gs:(%1), %0" : "=r"(a) : "r"(0x1000 - TLS_OFF - 2));
	res[8] = a;
	/* Positive offsets: within every limit. */
	__asm__ volatile("movl %%gs:0x14, %0" : "=r"(a));
	res[9] = a;
	return 0;
}

static void forms_case(void)
{
	static const uint32_t neg[] = { 0x54, 0x40 + 8, 0x30, 0x2C, 0x28, 0x24, 0x20 };

	t_begin("forms");
	for (unsigned i = 0; i < sizeof(neg) / sizeof(neg[0]); i++)
		AREA32(TLS_OFF - neg[i]) = 0x01010101u * (i + 1) + 0x80;
	AREA32(TLS_OFF - 0x24) = 0x8A7F6E5D;
	AREA32(0xFFC) = 0x44332211;
	AREA32(0x1000) = 0x88776655;
	AREA32(TLS_OFF + 0x14) = 0x5AFEC0DE;
	t_eq("ring 3 ran", user_call(u_forms), 0);
	t_eq("mov %gs:(%edx)", res[0], 0x01010181);
	t_eq("mov moffs", res[1], 0x01010181);
	t_eq("stored", AREA32(TLS_OFF - 0x48), 0x13572468);
	t_eq("add, inc", AREA32(TLS_OFF - 0x30), 0x03030383 + 6);
	t_eq("sub", res[2], 0x100 - 0x04040484);
	t_eq("sub flags", res[3], FL_CF | FL_SF);	/* 0xFBFBFC7C */
	t_eq("xchg old", res[4], 0x05050585);
	t_eq("xchg new", AREA32(TLS_OFF - 0x28), 0xCAFEF00D);
	t_eq("movzbl", res[5], 0x6E);
	t_eq("movswl", res[6], 0xFFFF8A7F);
	t_eq("bt (CF into sbb)", res[7], 0xFFFFFFFF);
	t_eq("crossing a page", res[8], 0x66554433);
	t_eq("positive offset", res[9], 0x5AFEC0DE);
	t_eq("ring 3 ran the stack forms", user_call(u_stack_forms), 0);
	t_eq("push %gs:(%eax)", res[12], 0x01010181);
	t_eq("call *%gs:(%esi)", res[13], 0xCA11ED);
	t_eq("jmp *%gs:(%ecx)", res[14], 1);
	t_end();
}

static uint32_t u_write_ro(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_RO));
	__asm__ volatile("movl $1, %%fs:(%0)" : : "r"(-0x10) : "memory");
	return 0;
}

static uint32_t u_read_ro(void)
{
	uint32_t a;

	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_RO));
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(a) : "r"(-0x10));
	return a;
}

static uint32_t u_beyond_limit(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_SHORT));
	__asm__ volatile("movl %%fs:(%0), %%eax" : : "r"(-0x10) : "eax");
	return 0;
}

static uint32_t u_within_short(void)
{
	uint32_t a;

	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_SHORT));
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(a) : "r"(-0x1010));
	return a;
}

static uint32_t u_not_present(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_PF));
	__asm__ volatile("movl %%fs:(%0), %%eax" : : "r"(-0x20) : "eax");
	return 0;
}

static uint32_t u_store_not_present(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_PF));
	__asm__ volatile("movl $7, %%fs:(%0)" : : "r"(-0x20) : "memory");
	return 0;
}

/* Expand-down segments: reads and a store above their limit. */
static uint32_t u_expdown(void)
{
	uint32_t a, b;

	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_DOWN32));
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(a) : "r"(0x1800));
	__asm__ volatile("addl %0, %%fs:0x1c00" : : "r"(a) : "memory", "cc");
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_DOWN16));
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(b) : "r"(0x1804));
	res[10] = a;
	res[11] = b;
	return 0;
}

static uint32_t u_expdown_below(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_DOWN32));
	__asm__ volatile("movl %%fs:0x800, %%eax" : : : "eax");
	return 0;
}

static uint32_t u_expdown16_above(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_DOWN16));
	__asm__ volatile("movl %%fs:(%0), %%eax" : : "r"(0xFFFE) : "eax");
	return 0;
}

/* Offset 4 of a segment whose limit is 0. */
static uint32_t u_probe(void)
{
	__asm__ volatile("movw %w0, %%fs" : : "r"(SEL_TINY));
	__asm__ volatile("movl %%fs:4, %%eax" : : : "eax");
	return 0;
}

static void user_fault(const char *what, uint32_t (*fn)(void), int vec, uint32_t err)
{
	int v = TRY(user_call(fn));

	t_fault(what, v, vec, err, 0);
	t_eq("from ring 3", g_fault.cs, SEL_UCODE);
}

static void faults_case(void)
{
	int checks = TRY(user_call(u_probe)) == EXC_GP;

	t_begin("faults");
	/* QEMU's TCG checks neither data-segment limits nor writability. */
	gprintf("this CPU checks data-segment limits: %s\n", checks ? "yes" : "no");
	AREA32(TLS_OFF - 0x10) = 0x600DF00D;
	if (checks) {
		user_fault("write through a read-only segment", u_write_ro, EXC_GP, 0);
		t_eq("unchanged", AREA32(TLS_OFF - 0x10), 0x600DF00D);
		user_fault("offset beyond a 0xFFFFEFFF limit", u_beyond_limit, EXC_GP, 0);
	}
	t_eq("read through a read-only segment", user_call(u_read_ro), 0x600DF00D);
	AREA32(0x1800) = 0x1234;
	AREA32(0x1804) = 0x5678;
	AREA32(0x1C00) = 0x10000;
	t_eq("expand-down ran", user_call(u_expdown), 0);
	t_eq("expand-down 32-bit read", res[10], 0x1234);
	t_eq("expand-down 32-bit add", AREA32(0x1C00), 0x11234);
	t_eq("expand-down 16-bit read", res[11], 0x5678);
	if (checks) {
		user_fault("expand-down: offset at or below the limit", u_expdown_below, EXC_GP, 0);
		user_fault("expand-down 16-bit: past 0xFFFF", u_expdown16_above, EXC_GP, 0);
	}
	AREA32(TLS_OFF - 0x1010) = 0x0FF5E7;
	t_eq("offset 0xFFFFEFF0 within that limit", user_call(u_within_short), 0x0FF5E7);
	user_fault("wrapped read of a not-present page", u_not_present, EXC_PF, PFEC_U);
	t_eq("cr2", g_fault.cr2, VA_NONE + 0xFF0);
	user_fault("wrapped write of a not-present page", u_store_not_present, EXC_PF,
		   PFEC_U | PFEC_W);
	t_eq("cr2", g_fault.cr2, VA_NONE + 0xFF0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	setup();
	forms_case();
	faults_case();
	pg_disable();
}
