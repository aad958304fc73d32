/*
 * Shadow page tables (docs/ARCHITECTURE.md, "Shadow paging"; SDM vol. 3A
 * 4.3 32-bit paging, 4.10 TLBs).
 *
 * While the guest's paging is on, the real CR3 points at a shadow page
 * directory hv builds from the guest's tables.  Shadows start empty and are
 * filled on page faults, one PTE at a time, after hv's own walk of the
 * guest's tables (gmem_walk, which also sets the guest's A/D bits the way
 * the CPU would).  A shadow entry is:
 *   - the guest's frame, never one of hv's (such a mapping stops the guest);
 *   - user-accessible if the guest's PDE and PTE both allow it;
 *   - writable only if the guest allows the write, the guest's D bit is
 *     already set (so the first write faults and sets it), and the frame
 *     holds no translated code (so a write reaches dt/ first);
 * Guest 4 MiB pages are shadowed with 4 KiB entries.  hv's region (the last
 * four PDEs) is the same in every shadow.
 *
 * Like a TLB: INVLPG drops one entry; a CR3 write starts the new address
 * space's shadow empty, so guest page-table writes never need tracking yet
 * (keeping shadows across switches is the next step, see the doc).
 */
#include "monitor/shadow.h"

#include "boot/boot.h"
#include "monitor/frame.h"
#include "monitor/gmem.h"
#include "monitor/gphys.h"
#include "monitor/layout.h"
#include "monitor/log.h"
#include "monitor/panic.h"
#include "monitor/string.h"
#include "monitor/vcpu.h"
#include "monitor/x86.h"
#include "dt/dt.h"

#define NSPACES 8

static struct space {
	uint32_t gcr3;		/* the guest's CR3 (page directory base) */
	uint32_t pd_pa;		/* the shadow page directory */
	uint32_t lru;
	int used;
} spaces[NSPACES], *cur;
static uint32_t lru_clock;

struct shadow_stats shadow_stats;

static uint32_t *pd_of(const struct space *s)
{
	return frame_va(s->pd_pa);
}

/* Empties a shadow: frees its page tables, keeps hv's PDEs. */
static void zap(struct space *s)
{
	uint32_t *pd = pd_of(s);

	for (uint32_t i = 0; i < HV_PDE_FIRST; i++) {
		if (pd[i] & PTE_P)
			frame_free(pd[i] & PTE_ADDR);
		pd[i] = 0;
	}
	for (uint32_t i = HV_PDE_FIRST; i < 1024; i++)
		pd[i] = hv_pd[i];
	shadow_stats.zaps++;
}

static void drop(struct space *s)
{
	zap(s);
	frame_free(s->pd_pa);
	s->used = 0;
	if (cur == s)
		cur = 0;
}

/* Frees shadows other than the current one until a frame is free. */
static int reclaim(void)
{
	struct space *victim = 0;

	for (int i = 0; i < NSPACES; i++)
		if (spaces[i].used && &spaces[i] != cur &&
		    (!victim || spaces[i].lru < victim->lru))
			victim = &spaces[i];
	if (!victim)
		return -1;
	drop(victim);
	shadow_stats.reclaims++;
	return 0;
}

static uint32_t alloc_frame(void)
{
	uint32_t pa;

	while (!(pa = frame_alloc()))
		if (reclaim() < 0)
			return 0;
	return pa;
}

static void load(void)
{
	write_cr3(cur ? cur->pd_pa : hv_pd_phys);
}

void shadow_set_cr3(uint32_t gcr3)
{
	struct space *s = 0, *free_slot = 0;

	gcr3 &= PTE_ADDR;
	for (int i = 0; i < NSPACES; i++) {
		if (spaces[i].used && spaces[i].gcr3 == gcr3)
			s = &spaces[i];
		else if (!spaces[i].used && !free_slot)
			free_slot = &spaces[i];
	}
	if (!s) {
		if (!free_slot) {
			cur = 0;
			reclaim();
			for (int i = 0; i < NSPACES && !free_slot; i++)
				if (!spaces[i].used)
					free_slot = &spaces[i];
		}
		s = free_slot;
		s->pd_pa = alloc_frame();
		if (!s->pd_pa)
			panic("no frame left for a shadow page directory");
		s->used = 1;
		s->gcr3 = gcr3;
		memset(pd_of(s), 0, PAGE_SIZE);
		shadow_stats.spaces++;
	}
	/* A CR3 write flushes the TLB: the shadow starts again empty. */
	cur = s;
	zap(s);
	s->lru = ++lru_clock;
	shadow_stats.switches++;
	load();
}

void shadow_paging_changed(void)
{
	if (vcpu.cr0 & CR0_PG) {
		shadow_set_cr3(vcpu.cr3);
	} else {
		cur = 0;
		load();
	}
}

void shadow_flush(void)
{
	if (cur) {
		zap(cur);
		load();
	}
}

void shadow_invlpg(uint32_t la)
{
	uint32_t *pd, *pt;

	if (!cur || la >= HV_BASE)
		return;
	pd = pd_of(cur);
	if (pd[la >> PGDIR_SHIFT] & PTE_P) {
		uint32_t gpde = gmem_guest_pde(la);

		if ((gpde & PTE_P) && (gpde & PTE_PS) && (vcpu.cr4 & CR4_PSE)) {
			/* A guest 4 MiB page: its shadow is a whole page table. */
			frame_free(pd[la >> PGDIR_SHIFT] & PTE_ADDR);
			pd[la >> PGDIR_SHIFT] = 0;
			load();
		} else {
			pt = frame_va(pd[la >> PGDIR_SHIFT] & PTE_ADDR);
			pt[(la >> PAGE_SHIFT) & 1023] = 0;
		}
	}
	invlpg(la);
	shadow_stats.invlpgs++;
}

void shadow_protect_frame(uint32_t pa)
{
	/* The frame now holds translated code: no shadow may map it writable.
	   Without a reverse map, every shadow is emptied. */
	for (int i = 0; i < NSPACES; i++)
		if (spaces[i].used)
			zap(&spaces[i]);
	if (cur)
		load();
	(void)pa;
}

int shadow_fault(uint32_t la, uint32_t err, int user, int (*rmw)(void *ctx), void *ctx,
		 uint32_t *pa_out)
{
	uint32_t pa, eff, *pd, *pt, pte;
	int acc = (err & PFEC_W ? GACC_WRITE : 0) | (user ? GACC_USER : 0);

	shadow_stats.faults++;
	if (gmem_walk(la, acc, &pa, &eff))
		return SHADOW_GUEST_FAULT;
	/*
	 * A read by a read-modify-write instruction: it writes the same place
	 * before the guest can look, so its D bit may be set now.  That saves
	 * the second fault, and QEMU 7.2 mis-restores the flags of RCL/RCR
	 * on memory when their store faults.
	 */
	if (!(acc & GACC_WRITE) && (eff & PTE_W) && !(eff & PTE_D) && rmw(ctx) &&
	    gmem_walk(la, acc | GACC_WRITE, &pa, &eff))
		return SHADOW_GUEST_FAULT;
	pa &= PTE_ADDR;
	*pa_out = pa;
	if (la >= HV_BASE)
		return SHADOW_HV_LINEAR;
	if (gmem_is_hv(pa, PAGE_SIZE))
		return SHADOW_HV_FRAME;
	if ((err & PFEC_W) && gmem_is_code(pa))
		return SHADOW_CODE_WRITE;	/* the caller invalidates, then refills */

	pd = pd_of(cur);
	if (!(pd[la >> PGDIR_SHIFT] & PTE_P)) {
		uint32_t pt_pa = alloc_frame();

		if (!pt_pa)
			panic("no frame left for a shadow page table");
		pd[la >> PGDIR_SHIFT] = pt_pa | PTE_P | PTE_W | PTE_U;
	}
	pt = frame_va(pd[la >> PGDIR_SHIFT] & PTE_ADDR);
	pte = pa | PTE_P | PTE_A;
	if (eff & PTE_U)
		pte |= PTE_U;
	if ((eff & PTE_D) && !gmem_is_code(pa)) {
		if (eff & PTE_W)
			pte |= PTE_W | PTE_D;
		else if (!user && !(vcpu.cr0 & CR0_WP)) {
			/* CR0.WP = 0: the guest kernel may write a read-only page;
			   ring 3 must not, so this entry is kernel-only. */
			pte = (pte | PTE_W | PTE_D) & ~PTE_U;
		}
	}
	pt[(la >> PAGE_SHIFT) & 1023] = pte;
	invlpg(la);
	shadow_stats.fills++;
	return SHADOW_FILLED;
}

void shadow_print_stats(void)
{
	log_info("shadow", "faults %u, fills %u, invlpg %u, switches %u, zaps %u, "
		 "address spaces %u, reclaims %u", shadow_stats.faults, shadow_stats.fills,
		 shadow_stats.invlpgs, shadow_stats.switches, shadow_stats.zaps,
		 shadow_stats.spaces, shadow_stats.reclaims);
}
