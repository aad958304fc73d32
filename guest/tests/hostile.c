/*
 * A guest that misbehaves on purpose, for hv's robustness tests
 * (scripts/test-hostile.sh), not for the differential suite: it is not in
 * MANIFEST.  `case=` picks the misdeed:
 *   triple     an IDT with no entries, then #DE: #GP, #DF, triple fault
 *   garbage    GDT and IDT loaded from random memory, then a segment load
 *   random     jumps into pseudo-random bytes (seed=N) with all vectors
 *              and the timer leading to the next try; count=N tries
 *   jumphv     jumps into hv's linear region (0xff000000)
 *   writehv    writes to hv's linear region
 *   unsupported a far jump to a TSS (a task switch), which hv cannot do yet
 *   hltcli     halts with interrupts disabled
 * and those of the hostile-guest acceptance test (issue "Shadow paging"),
 * which read hv's frames from the guest's own Multiboot memory map (the
 * reserved ranges of RAM: hv's range, at the top of RAM):
 *   frames     maps every frame hv owns with a PTE (paging on), tries each
 *              as a page table (a PDE pointing at it: each access must
 *              fault), then writes (read=1: reads) through the mapping of
 *              one frame, pick=first|last|mid|N (N: by index), from ring
 *              ring=0|3: hv must stop the guest.  stride=N tries every Nth
 *              frame as a page table; pick=none ends there.
 *   big        a 4 MiB page over hv's first frame, written through
 *   desc       which=gdt|idt|tss: the guest's GDT, IDT or TSS at at=ADDR
 *              (hv's own tables in its linear region, or one of hv's
 *              frames with paging off), then used: a segment load, an
 *              interrupt, a system call from ring 3
 *   hvlinear   reads (write=1: flips bit 16 of the dword) at=ADDR in hv's
 *              linear region from ring=1|3 (ring 1 is the guest kernel),
 *              paging=1 with the guest's paging on, expdown=1 through an
 *              expand-down data segment (base 0, limit 0).  Ring 1 is kept out by
 *              segment limits, which QEMU's TCG does not enforce: there the
 *              ring-1 access goes through (scripts/test-bochs.sh shows it
 *              faults under Bochs)
 *   churn      spaces=S address spaces, each with regions=K page tables,
 *              rewritten and used for rounds=R rounds: more shadow page
 *              tables than hv's pool holds, so it must reclaim; every
 *              write and read is checked (a correct guest: its transcript
 *              is the same natively)
 * Natively these triple-fault, hang or finish; under hv each must end with
 * one clear line in hv's log and a clean exit.
 */
#include "guest/lib/guest.h"

GUEST_NAME("hostile");

static uint8_t junk[4096] __attribute__((aligned(4096)));
static uint32_t rng;
static volatile uint32_t tries, limit;
extern void hostile_next(void);
void hostile_retry(void);

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Every vector during the random case lands here: try the next bytes. */
static void any_trap(struct trapframe *tf)
{
	(void)tf;
	if (tf->vector == PIC_IRQ_VEC(IRQ_PIT))
		pic_eoi(IRQ_PIT);
	hostile_retry();
}

void hostile_retry(void)
{
	if (++tries > limit) {
		gprintf("random: %u tries done\n", limit);
		guest_exit();
	}
	desc_init();	/* the bytes may have changed the tables */
	for (int v = 0; v < 256; v++)
		trap_set_handler(v, any_trap);
	for (unsigned i = 0; i < sizeof(junk) - 16; i++)
		junk[i] = (uint8_t)next_rand();
	memset(junk + sizeof(junk) - 16, 0x90, 16);
	__asm__ volatile("movl %0, %%esp; sti; jmp *%1"
			 : : "r"(0x80000), "r"(junk) : "memory");
	__builtin_unreachable();
}

/* --- hv's frames, as the guest's memory map shows them --------------- */

#define MAX_FRAMES	8192		/* 32 MiB: more than hv ever owns */
#define VA_FRAMES	0x40000000	/* every hv frame mapped from here */
#define VA_TABLE	0x80000000	/* the PDE that points at hv frames */
#define VA_BIG		0xC0000000	/* the 4 MiB page over hv's range */
#define KFLAGS		(PTE_P | PTE_W | PTE_U)

static uint32_t frame_pa[MAX_FRAMES];
static uint32_t nframes;

#define MMAP_NEXT(p)	((p) + ((const multiboot_memory_map_t *)(p))->size + 4)

/* Does a usable range end at `at`? */
static int ram_ends_at(const struct multiboot_info *mbi, uint64_t at)
{
	for (uint32_t p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length;
	     p = MMAP_NEXT(p)) {
		const multiboot_memory_map_t *e = (const multiboot_memory_map_t *)p;

		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr + e->len == at)
			return 1;
	}
	return 0;
}

/*
 * hv's frames: the reserved ranges cut out of RAM in the Multiboot memory
 * map, that is, starting where a usable range ends (hv takes the top of
 * RAM and marks it reserved; the firmware's own reserved ranges follow
 * hv's or lie below 1 MiB).
 */
static void find_frames(const struct multiboot_info *mbi)
{
	uint32_t p, end;

	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		guest_abort("no memory map");
	end = mbi->mmap_addr + mbi->mmap_length;
	for (p = mbi->mmap_addr; p < end; p = MMAP_NEXT(p)) {
		const multiboot_memory_map_t *e = (const multiboot_memory_map_t *)p;

		if (e->type != MULTIBOOT_MEMORY_RESERVED || e->addr < 0x100000 ||
		    !ram_ends_at(mbi, e->addr))
			continue;
		gprintf("hostile: reserved %08x-%08x\n", (uint32_t)e->addr,
			(uint32_t)(e->addr + e->len - 1));
		for (uint64_t a = e->addr & ~0xFFFull; a < e->addr + e->len &&
		     nframes < MAX_FRAMES; a += PAGE_SIZE)
			frame_pa[nframes++] = (uint32_t)a;
	}
	if (!nframes)
		guest_abort("no reserved RAM in the memory map (not under hv?)");
	gprintf("hostile: %u frames to try\n", nframes);
}

/* The low 16 MiB 1:1 (the guest itself), with 4 MiB pages. */
static uint32_t *ident_dir(void)
{
	uint32_t *pd = pg_dir_new();

	pg_identity4m(pd, 0, PG_IDENT_END, KFLAGS);
	return pd;
}

static volatile uint32_t u_addr, u_write, u_ds;

/* At ring 3 or 0: the access of the case (flip a bit, or read), through
   DS = u_ds if set. */
static uint32_t u_access(void)
{
	uint32_t ds = u_ds;

	__asm__ volatile("pushl %%ds\n\t"
			 "testl %0, %0\n\t"
			 "jz 1f\n\t"
			 "movw %w0, %%ds\n"
			 "1:" : : "r"(ds) : "memory");
	if (u_write)
		__asm__ volatile("xorl $0x10000, (%0)" : : "r"(u_addr) : "memory");
	else
		__asm__ volatile("movl (%0), %%eax" : : "r"(u_addr) : "eax", "memory");
	__asm__ volatile("popl %%ds" : : : "memory");
	return 0;
}

/* The access at ring 0 (1 under hv) or 3; returns TRY's vector or -1. */
static int access(uint32_t va, int write, int ring)
{
	u_addr = va;
	u_write = (uint32_t)write;
	if (ring == 3)
		return TRY(user_call(u_access));
	return TRY(u_access());
}

static void report(const char *what, uint32_t va, int ring, int v)
{
	if (v < 0)
		gprintf("hostile: %s at %08x from ring %d went through\n", what, va, ring);
	else
		gprintf("hostile: %s at %08x from ring %d: vector %d error %x cr2 %08x\n",
			what, va, ring, v, g_fault.err, g_fault.cr2);
}

static void case_frames(const struct multiboot_info *mbi)
{
	const char *pick = guest_arg("pick");
	uint32_t stride = guest_arg_u32("stride", 1), npf = 0, nother = 0, i;
	int ring = (int)guest_arg_u32("ring", 0), write = !guest_arg_u32("read", 0), v;
	uint32_t *pd;

	find_frames(mbi);
	pd = ident_dir();
	for (i = 0; i < nframes; i++)
		pg_map4k(pd, VA_FRAMES + i * PAGE_SIZE, frame_pa[i], KFLAGS);
	pg_enable(pd);
	gprintf("hostile: %u PTEs point at hv's frames\n", nframes);

	/* Each frame as a page table: whatever it holds, no access may go
	   through it (hv gives the guest a not-present fault). */
	for (i = 0; i < nframes; i += stride) {
		uint32_t va = VA_TABLE + (i % 1024) * PAGE_SIZE;

		pd[VA_TABLE >> PGDIR_SHIFT] = frame_pa[i] | KFLAGS;
		invlpg(va);
		v = TRY(__asm__ volatile("movl (%0), %%eax" : : "r"(va) : "eax", "memory"));
		if (v == EXC_PF && g_fault.cr2 == va && !(g_fault.err & PFEC_P))
			npf++;
		else if (nother++ < 4)
			report("read through a table in hv's frame", va, 0, v);
	}
	pd[VA_TABLE >> PGDIR_SHIFT] = 0;
	write_cr3(read_cr3());
	gprintf("hostile: %u of hv's frames as page tables: %u not-present faults, "
		"%u other\n", (nframes + stride - 1) / stride, npf, nother);
	if (!pick || !strcmp(pick, "none"))
		return;

	i = !strcmp(pick, "first") ? 0 : !strcmp(pick, "last") ? nframes - 1 :
	    !strcmp(pick, "mid") ? nframes / 2 : guest_arg_u32("pick", 0) % nframes;
	gprintf("hostile: %s frame %u of %u through its PTE from ring %d\n",
		write ? "writing" : "reading", i, nframes, ring);
	v = access(VA_FRAMES + i * PAGE_SIZE + 0x10, write, ring);
	report(write ? "write" : "read", VA_FRAMES + i * PAGE_SIZE + 0x10, ring, v);
}

static void case_big(const struct multiboot_info *mbi)
{
	uint32_t *pd, base, va;

	find_frames(mbi);
	pd = ident_dir();
	base = frame_pa[0] & ~(LARGE_PAGE_SIZE - 1);
	pg_map4m(pd, VA_BIG, base, KFLAGS);
	pg_enable(pd);
	va = VA_BIG + (frame_pa[0] - base) + 0x10;
	report("write through a 4 MiB page", va, 0, access(va, 1, 0));
}

static uint32_t u_syscall(void)
{
	return usys(SYS_GUEST, 0, 0);
}

static void case_desc(const struct multiboot_info *mbi)
{
	const char *which = guest_arg("which");
	uint32_t at = guest_arg_u32("at", 0);
	struct dtr d;
	int v;

	if (!which)
		guest_abort("desc: which=gdt|idt|tss");
	if (!at) {
		find_frames(mbi);
		at = frame_pa[nframes / 2];
	}
	gprintf("hostile: the guest's %s at %08x\n", which, at);
	if (!strcmp(which, "gdt")) {
		d.limit = 0xFFFF;
		d.base = at;
		lgdt(&d);
		v = TRY(__asm__ volatile("movw %w0, %%ds" : : "r"(SEL_KDATA)));
		desc_init();
		report("data segment load", at + SEL_KDATA, 0, v);
	} else if (!strcmp(which, "idt")) {
		d.limit = IDT_LIMIT;
		d.base = at;
		lidt(&d);
		__asm__ volatile("int $0x30");
		desc_init();
		gprintf("hostile: int $0x30 through an IDT at %08x returned\n", at);
	} else if (!strcmp(which, "tss")) {
		gdt_set(GDT_FREE, SEG_DESC(at, sizeof(struct tss32) - 1,
					   DESC_P | SYS_TSS32_AVAIL, 0));
		ltr(SEL(GDT_FREE, 0));
		v = TRY(user_call(u_syscall));
		report("system call with the TSS", at, 3, v);
	}
}

static void case_hvlinear(void)
{
	uint32_t at = guest_arg_u32("at", 0xFF000000);
	int ring = (int)guest_arg_u32("ring", 1), write = (int)guest_arg_u32("write", 0);

	if (guest_arg_u32("paging", 0))
		pg_enable(ident_dir());
	if (guest_arg_u32("expdown", 0)) {
		/* An expand-down data segment, base 0, limit 0: offsets 1 to
		   4 GiB - 1, as DS for the access at either ring. */
		int dpl = ring == 3 ? 3 : 0;

		gdt_set(GDT_FREE, SEG_DESC(0, 0, ACC_DATA(dpl) | DESC_DC, DESC_DB));
		u_ds = SEL(GDT_FREE, dpl);
	}
	report(write ? "write" : "read", at, ring, access(at, write, ring == 3 ? 3 : 0));
	u_ds = 0;
}

/* --- page-table churn -------------------------------------------------- */

#define CHURN_SPACES	48
#define CHURN_REGIONS	64
#define VA_CHURN	0x40000000

static uint32_t churn_pd[CHURN_SPACES][1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t churn_pt[CHURN_REGIONS][1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t churn_data[CHURN_REGIONS][1024] __attribute__((aligned(PAGE_SIZE)));

static uint32_t marker(uint32_t r, uint32_t s, uint32_t k)
{
	return 0x5A000000u | r << 16 | s << 8 | k;
}

/*
 * Round r: region k's table maps its page j onto data page (k + j + r) % K,
 * so space s writes marker(r, s, k) into word s of data page (k + s + r) % K
 * through region k; no two writes meet.  Then every space reads its words
 * back through its mappings, in the other order, and the data pages are
 * checked directly.
 */
static void case_churn(void)
{
	uint32_t S = guest_arg_u32("spaces", 40), K = guest_arg_u32("regions", 64);
	uint32_t R = guest_arg_u32("rounds", 3);

	if (S > CHURN_SPACES || K > CHURN_REGIONS || S > 1024)
		guest_abort("churn: at most %u spaces and %u regions", CHURN_SPACES,
			    CHURN_REGIONS);
	for (uint32_t s = 0; s < S; s++) {
		for (uint32_t a = 0; a < PG_IDENT_END; a += LARGE_PAGE_SIZE)
			churn_pd[s][a >> PGDIR_SHIFT] = a | KFLAGS | PTE_PS;
		for (uint32_t k = 0; k < K; k++)
			churn_pd[s][(VA_CHURN >> PGDIR_SHIFT) + k] = (uint32_t)churn_pt[k] | KFLAGS;
	}
	pg_enable(churn_pd[0]);
	for (uint32_t r = 0; r < R; r++) {
		uint32_t bad_read = 0, bad_data = 0;

		for (uint32_t k = 0; k < K; k++)
			for (uint32_t j = 0; j < 1024; j++)
				churn_pt[k][j] = (uint32_t)churn_data[(k + j + r) % K] | KFLAGS;
		for (uint32_t s = 0; s < S; s++) {
			pg_switch(churn_pd[s]);	/* also flushes the old PTEs */
			for (uint32_t k = 0; k < K; k++)
				*(volatile uint32_t *)(VA_CHURN + k * LARGE_PAGE_SIZE +
						       s * PAGE_SIZE + s * 4) = marker(r, s, k);
		}
		for (uint32_t s = S; s-- > 0;) {
			pg_switch(churn_pd[s]);
			for (uint32_t k = K; k-- > 0;)
				if (*(volatile uint32_t *)(VA_CHURN + k * LARGE_PAGE_SIZE +
							   s * PAGE_SIZE + s * 4) != marker(r, s, k))
					bad_read++;
		}
		for (uint32_t s = 0; s < S; s++)
			for (uint32_t k = 0; k < K; k++)
				if (churn_data[(k + s + r) % K][s] != marker(r, s, k))
					bad_data++;
		gprintf("churn: round %u: %u spaces x %u tables: %u writes, %u bad reads, "
			"%u bad words\n", r, S, K, S * K, bad_read, bad_data);
	}
	pg_disable();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	if (!c) {
		gprintf("hostile: no case= given\n");
		guest_exit();
	}
	gprintf("hostile: %s\n", c);
	if (!strcmp(c, "triple")) {
		idt_load_limit(0);
		__asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; xorl %%ecx, %%ecx; divl %%ecx"
				 : : : "eax", "ecx", "edx");
	} else if (!strcmp(c, "garbage")) {
		struct dtr d = { 0xFFFF, 0x00300000 };

		for (uint32_t *p = (uint32_t *)0x00300000; p < (uint32_t *)0x00310000; p++)
			*p = 0x9E3779B9u * (uint32_t)(uintptr_t)p;
		lgdt(&d);
		lidt(&d);
		__asm__ volatile("movw %w0, %%ds" : : "r"(0x1234));
	} else if (!strcmp(c, "random")) {
		rng = guest_arg_u32("seed", 1) | 1;
		limit = guest_arg_u32("count", 50);
		pic_init();
		pit_start(0, PIT_MODE_RATE, PIT_HZ / 100);
		pic_unmask(IRQ_PIT);
		hostile_retry();
	} else if (!strcmp(c, "jumphv")) {
		__asm__ volatile("jmp *%0" : : "r"(0xFF000000));
	} else if (!strcmp(c, "writehv")) {
		*(volatile uint32_t *)0xFF000000 = 0xDEADBEEF;
		gprintf("hostile: the write to 0xff000000 went through\n");
	} else if (!strcmp(c, "unsupported")) {
		gdt_set(GDT_FREE, SEG_DESC((uint32_t)&tss, sizeof(struct tss32) - 1,
					   DESC_P | SYS_TSS32_AVAIL, 0));
		__asm__ volatile("ljmp %0, $0" : : "i"(SEL(GDT_FREE, 0)));
	} else if (!strcmp(c, "hltcli")) {
		__asm__ volatile("cli; hlt");
	} else if (!strcmp(c, "frames")) {
		case_frames(mbi);
	} else if (!strcmp(c, "big")) {
		case_big(mbi);
	} else if (!strcmp(c, "desc")) {
		case_desc(mbi);
	} else if (!strcmp(c, "hvlinear")) {
		case_hvlinear();
	} else if (!strcmp(c, "churn")) {
		case_churn();
	}
	gprintf("hostile: %s survived\n", c);
	guest_exit();
}
