/*
 * The guest's A20 gate, off: what it sees of memory wraps at 1 MiB.
 *
 * On the PC, address line 20 is gated: with A20 off, bit 20 of every
 * physical address the processor puts out is forced to 0 (the 8086's
 * wrap at 1 MiB; SDM vol. 3A 8.7.13.4 "A20M#" and the PC/AT technical
 * reference's "gate A20"), so 0x101000 reads 0x001000.  hv never turns
 * the real gate off (it lives above 1 MiB); drivers/platform.c keeps the
 * guest's and calls mm_set_a20.
 *
 * Extent: while the guest's paging is off (linear = physical, through
 * hv's own page directory), the MiB above 1 MiB, [0x100000, 0x200000),
 * wraps onto the first MiB: the 64 KiB a real-mode address can reach
 * above 1 MiB (the "high memory area") and the rest of that MiB.  hv
 * maps those 256 linear pages onto the frames below 1 MiB, with each
 * low frame's own rights (a frame holding translations stays read-only
 * through its alias too), and hv's own accesses on the guest's behalf
 * take the same wrap (mm_a20_pa).  Memory from 2 MiB up does not wrap,
 * and with the guest's paging on nothing wraps (its page tables give
 * physical addresses as they are).  Translations made from the aliased
 * linear pages are killed at each change of the gate.
 */
#include "monitor/mm/mm.h"

#include "dt/dt.h"
#include "lib/log.h"
#include "lib/x86.h"

#define A20_BIT		0x00100000u
#define ALIAS_PAGES	(A20_BIT / PAGE_SIZE)	/* [1 MiB, 2 MiB) */

int mm_a20_off;
/* hv's PTEs for [1 MiB, 2 MiB) as they are with A20 on, while it is off. */
static uint32_t saved[ALIAS_PAGES];
static int warned;

static int aliased(uint32_t la)
{
	return (la & ~(A20_BIT - 1)) == A20_BIT;
}

uint32_t mm_a20_pa(uint32_t la)
{
	return mm_a20_off && aliased(la) ? la & ~A20_BIT : la;
}

/* The PTE that holds frame pa's own rights, while the gate is as it is. */
static uint32_t *own_pte(uint32_t pa)
{
	if (mm_a20_off && aliased(pa))
		return &saved[(pa - A20_BIT) >> PAGE_SHIFT];
	return mm_hv_pte(pa);
}

void mm_frame_rights(uint32_t pa, uint32_t set, uint32_t clear)
{
	uint32_t *pte = own_pte(pa);

	*pte = (*pte & ~clear) | set;
	if (mm_a20_off && pa < A20_BIT) {
		/* The alias one MiB up maps the same frame: the same rights. */
		pte = mm_hv_pte(pa | A20_BIT);
		*pte = (*pte & ~clear) | set;
		if (!(gcr.cr0 & CR0_PG))
			invlpg(pa | A20_BIT);
	}
}

void mm_set_a20(int on)
{
	if ((!on) == mm_a20_off)
		return;
	for (uint32_t i = 0; i < ALIAS_PAGES; i++) {
		uint32_t *pte = mm_hv_pte(A20_BIT + i * PAGE_SIZE);

		if (on) {
			*pte = saved[i];
		} else {
			saved[i] = *pte;
			*pte = (i * PAGE_SIZE) | (*mm_hv_pte(i * PAGE_SIZE) & (PAGE_SIZE - 1));
		}
	}
	mm_a20_off = !on;
	log_debug("mm", "A20 %s: [00100000, 00200000) %s", on ? "on" : "off",
		  on ? "is itself again" : "wraps onto [00000000, 00100000)");
	/* hv's directory is the guest's only while its paging is off; with
	   paging on, the shadows never held these entries. */
	if (gcr.cr0 & CR0_PG) {
		if (!on && !warned++)
			log_warn("mm", "the guest turns A20 off with its paging on: its memory "
				 "wraps only while paging is off");
		return;
	}
	write_cr3(read_cr3());
	for (uint32_t i = 0; i < ALIAS_PAGES; i++)
		dt_check_page(A20_BIT + i * PAGE_SIZE);
}
