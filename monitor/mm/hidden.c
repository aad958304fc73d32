/*
 * Device pages hidden from the guest (docs/ARCHITECTURE.md, "Memory"):
 * physical pages whose device hv emulates (the guest's local APIC and
 * I/O APIC) or owns (the real ones), which no guest mapping ever reaches.
 * With the guest's paging off, hv's own tables (the guest's then) leave
 * the page not present; with it on, a shadow fill that meets the frame
 * refuses it (SHADOW_MMIO).  Either way the guest's access faults, and the
 * virtual CPU emulates the one instruction against the device
 * (monitor/mmio.c).  hv's own accesses on the guest's behalf (a
 * descriptor table, a stack, an exception frame there) are refused like
 * those to hv's memory.  The set is small and changes rarely (the guest
 * relocating or disabling its APIC), so a change empties every shadow.
 */
#include "monitor/mm/mm.h"

#include "lib/layout.h"
#include "lib/panic.h"
#include "lib/x86.h"

static struct {
	uint32_t pa;		/* page; 0: free slot */
	uint32_t pte;		/* hv's PTE for it before it was hidden */
	int refs;
} hidden[MM_HIDDEN_MAX];
/* Bounds of the hidden pages (mm.h's inline test). */
uint32_t mm_hidden_lo = 0xFFFFFFFFu, mm_hidden_hi;

static int find(uint32_t pa)
{
	for (int i = 0; i < MM_HIDDEN_MAX; i++)
		if (hidden[i].refs && hidden[i].pa == pa)
			return i;
	return -1;
}

int mm_hidden(uint32_t pa)
{
	return pa >= mm_hidden_lo && pa <= mm_hidden_hi && find(pa & PTE_ADDR) >= 0;
}

int mm_hidden_pages(uint32_t pa, uint32_t len)
{
	uint32_t p = pa & PTE_ADDR, last = (pa + len - 1) & PTE_ADDR;

	if (!len)
		return 0;
	for (;; p += PAGE_SIZE) {
		if (find(p) >= 0)
			return 1;
		if (p == last)
			return 0;
	}
}

static void changed(void)
{
	mm_hidden_lo = 0xFFFFFFFFu;
	mm_hidden_hi = 0;
	for (int i = 0; i < MM_HIDDEN_MAX; i++) {
		if (!hidden[i].refs)
			continue;
		if (hidden[i].pa < mm_hidden_lo)
			mm_hidden_lo = hidden[i].pa;
		if (hidden[i].pa + (PAGE_SIZE - 1) > mm_hidden_hi)
			mm_hidden_hi = hidden[i].pa + (PAGE_SIZE - 1);
	}
	if (gcr.cr0 & CR0_PG)
		shadow_paging_changed();
	else
		write_cr3(read_cr3());
}

int mm_hide_page(uint32_t pa)
{
	int i = find(pa &= PTE_ADDR);
	uint32_t *pte;

	if (i >= 0) {
		hidden[i].refs++;
		return 0;
	}
	if (pa >= HV_BASE || gmem_is_hv(pa, PAGE_SIZE))
		return -1;	/* hv's own: hidden anyway */
	for (i = 0; i < MM_HIDDEN_MAX && hidden[i].refs; i++)
		;
	if (i == MM_HIDDEN_MAX)
		panic("more than %d hidden device pages (hiding %08x)", MM_HIDDEN_MAX, pa);
	pte = mm_hv_pte(pa);
	hidden[i].pa = pa;
	hidden[i].pte = *pte;
	hidden[i].refs = 1;
	*pte = 0;
	changed();
	return 0;
}

void mm_unhide_page(uint32_t pa)
{
	int i = find(pa &= PTE_ADDR);

	if (i < 0 || --hidden[i].refs)
		return;
	*mm_hv_pte(pa) = hidden[i].pte;
	changed();
}
