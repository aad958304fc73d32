/* The ring-3 segment reload trampoline (see user3.h). */
#include "monitor/user3.h"

#include "lib/bootinfo.h"
#include "monitor/gdt.h"
#include "lib/layout.h"
#include "lib/panic.h"
#include "monitor/mm/mm.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

#define U3_SLOT		14		/* paging_scratch_va slot: the user alias */
#define U3_DATA		0x80		/* offset of struct u3_data in the page */

struct u3_data {
	uint32_t es, fs, gs, ds;
	uint32_t eip, cs;		/* the far jump's m16:32 */
};

/* Written through hv's own (supervisor) mapping; ring 3 sees the alias. */
static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int ready;

static struct u3_data *data(void)
{
	return (struct u3_data *)(page + U3_DATA);
}

/* mov %cs:off, %sreg (8E /sreg with a 32-bit displacement). */
static uint8_t *emit_load(uint8_t *p, int sreg, uint32_t off)
{
	*p++ = 0x2E;
	*p++ = 0x8E;
	*p++ = (uint8_t)(sreg << 3 | 5);
	memcpy(p, &off, 4);
	return p + 4;
}

static void init(void)
{
	uint32_t alias = paging_scratch_va(U3_SLOT), pa;
	uint8_t *p = page;

	p = emit_load(p, 0, U3_DATA + offsetof(struct u3_data, es));
	p = emit_load(p, 4, U3_DATA + offsetof(struct u3_data, fs));
	p = emit_load(p, 5, U3_DATA + offsetof(struct u3_data, gs));
	p = emit_load(p, 3, U3_DATA + offsetof(struct u3_data, ds));
	*p++ = 0x2E;	/* ljmp *%cs:eip (FF /5, m16:32) */
	*p++ = 0xFF;
	*p++ = 0x2D;
	pa = U3_DATA + offsetof(struct u3_data, eip);
	memcpy(p, &pa, 4);

	pa = paging_lookup((uint32_t)page) & PTE_ADDR;
	if (paging_map(alias, pa, PTE_U) < 0)
		panic("cannot map the ring-3 trampoline");
	/* The PDE lets ring 3 through; every other page under it stays
	   supervisor-only. */
	assert(!(hv_pd[alias >> PGDIR_SHIFT] & PTE_PS));
	for (uint32_t va = alias & ~(LARGE_PAGE_SIZE - 1);
	     va < (alias & ~(LARGE_PAGE_SIZE - 1)) + LARGE_PAGE_SIZE; va += PAGE_SIZE)
		if (va != alias && (paging_lookup(va) & PTE_U))
			panic("hv page %08x is user-accessible", va);
	hv_pd[alias >> PGDIR_SHIFT] |= PTE_U;
	gdt[SEL_INDEX(SEL_U3_CS)] = SEG_DESC(alias, PAGE_SIZE - 1,
					     DESC_P | DESC_DPL(3) | DESC_S | DESC_CODE |
					     DESC_RW | DESC_ACC, DESC_DB);
	shadow_sync_hv();
	ready = 1;
}

static int null_rpl(uint32_t sel)
{
	return (sel & 0xFFFC) == 0 && (sel & 3);
}

int user3_return(struct trapframe *tf)
{
	struct u3_data *d;

	if (!(null_rpl(tf->ds) || null_rpl(tf->es) || null_rpl(tf->fs) || null_rpl(tf->gs)))
		return 0;
	/* Stepped user code (TF) keeps the CPU's behaviour: no trampoline. */
	if (tf->eflags & FL_TF)
		return 0;
	if (!ready)
		init();
	d = data();
	d->es = tf->es;
	d->fs = tf->fs;
	d->gs = tf->gs;
	d->ds = tf->ds;
	d->eip = tf->eip;
	d->cs = tf->cs;
	tf->eip = 0;
	tf->cs = SEL_U3_CS;
	tf->ds = tf->es = tf->fs = tf->gs = 0;
	return 1;
}

void user3_trapped(struct trapframe *tf)
{
	struct u3_data *d = data();

	if (tf->vector < 32 && tf->vector != EXC_NMI)
		guest_stop(tf, "exception %u in hv's ring-3 segment reload at %x", tf->vector,
			   tf->eip);
	tf->eip = d->eip;
	tf->cs = d->cs;
	tf->es = d->es;
	tf->fs = d->fs;
	tf->gs = d->gs;
	tf->ds = d->ds;
}
