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
 * Shadows are kept per guest address space (up to NSPACES, by the guest's
 * CR3) and survive switches.  They stay coherent with the guest's tables
 * the way a TLB does: INVLPG drops one entry, and a CR3 write (or a global
 * flush) re-checks every entry of the shadow it loads against the guest's
 * tables as they are now (validate), keeping those that a fresh fill would
 * make again and dropping the rest.  A bitmap per shadow page table says
 * which entries are filled, so the check costs what the shadow holds, not
 * 1024 entries per table; a shadow table made from a guest 4 MiB page is
 * checked by its guest PDE alone.  Frames come from hv's pool: when it runs
 * dry, the least recently used other address space is emptied, and at
 * last the current one (a guest with many address spaces gets slower,
 * never wrong).
 */
#include "monitor/mm/mm.h"

#include "dt/smc.h"
#include "lib/bootinfo.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "dt/dt.h"

#define NSPACES 32
#define POOL_FRAMES (HV_POOL_MAX / PAGE_SIZE)
#define PDE_KEEP (PTE_ADDR | PTE_P | PTE_PS | PTE_U | PTE_W | PTE_A)

static struct space {
	uint32_t gcr3;		/* the guest's CR3 (page directory base) */
	uint32_t pd_pa;		/* the shadow page directory */
	uint32_t lru;
	uint32_t code_gen;	/* code_gen when last checked */
	uint32_t tables[1024 / 32];	/* PDEs below hv's that hold a table */
	int used;
} spaces[NSPACES], *cur;
static uint32_t lru_clock;
/* Counts frames that became code pages (shadow_protect_frame). */
static uint32_t code_gen;

/* Per pool frame used as a shadow page table. */
static struct pt_meta {
	uint32_t gpde;		/* the guest PDE its entries were made from */
	uint32_t filled[1024 / 32];	/* which entries are present */
} meta[POOL_FRAMES];

struct shadow_stats shadow_stats;
uint32_t shadow_view = SHADOW_NONE;

/* The address space whose shadow is (or is about to be) loaded. */
static void set_cur(struct space *s)
{
	cur = s;
	shadow_view = s ? s->gcr3 : SHADOW_NONE;
}

static uint32_t *pd_of(const struct space *s)
{
	return frame_va(s->pd_pa);
}

static struct pt_meta *meta_of(uint32_t pt_pa)
{
	return &meta[(pt_pa - boot.pool_phys) >> PAGE_SHIFT];
}

static void free_pt(struct space *s, uint32_t pdi)
{
	uint32_t *pd = pd_of(s);

	frame_free(pd[pdi] & PTE_ADDR);
	pd[pdi] = 0;
	s->tables[pdi / 32] &= ~(1u << (pdi % 32));
}

/* Calls fn for every shadow table of s (fn may free it). */
#define EACH_TABLE(s, pdi)                                                    \
	for (uint32_t w_ = 0, bits_; w_ < 1024 / 32; w_++)                     \
		for (bits_ = (s)->tables[w_]; bits_; bits_ &= bits_ - 1)       \
			for (uint32_t pdi = w_ * 32 + (uint32_t)__builtin_ctz(bits_), \
			     once_ = 1; once_; once_ = 0)

/* Empties a shadow: frees its page tables, keeps hv's PDEs. */
static void zap(struct space *s)
{
	uint32_t *pd = pd_of(s);

	EACH_TABLE(s, pdi)
		free_pt(s, pdi);
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
		set_cur(0);
}

static void load(void)
{
	write_cr3(cur ? cur->pd_pa : hv_pd_phys);
}

/*
 * Frees shadows until a frame is free: the least recently used address
 * space other than the current one, else the current one's tables.
 */
static int reclaim(void)
{
	struct space *victim = 0;

	for (int i = 0; i < NSPACES; i++)
		if (spaces[i].used && &spaces[i] != cur &&
		    (!victim || spaces[i].lru < victim->lru))
			victim = &spaces[i];
	shadow_stats.reclaims++;
	if (victim) {
		drop(victim);
		return 0;
	}
	if (!cur)
		return -1;
	for (uint32_t w = 0; w < 1024 / 32; w++)
		if (cur->tables[w]) {
			zap(cur);
			load();
			return 0;
		}
	return -1;
}

static uint32_t alloc_frame(void)
{
	uint32_t pa;

	while (!(pa = frame_alloc()))
		if (reclaim() < 0)
			return 0;
	return pa;
}

/*
 * Whether shadow entry spte, made for guest PDE gpde and guest PTE gpte
 * (4 KiB pages), is still what a fill would make: the guest's entry is
 * present and accessed and maps the same frame, and the shadow gives no
 * right the guest's tables (and hv's code protection) would refuse now.
 */
static int entry_holds(uint32_t spte, uint32_t gpde, uint32_t gpte)
{
	uint32_t frame = spte & PTE_ADDR;

	if ((gpte & (PTE_P | PTE_A)) != (PTE_P | PTE_A) || (gpte & PTE_ADDR) != frame)
		return 0;
	if ((spte & PTE_U) && !(gpde & gpte & PTE_U))
		return 0;
	if (spte & PTE_W) {
		if (!(gpte & PTE_D) || smc_is_code(frame))
			return 0;
		/* Writable for the guest, or the CR0.WP = 0 kernel-only case. */
		if (!(gpde & gpte & PTE_W) && ((spte & PTE_U) || (gcr.cr0 & CR0_WP)))
			return 0;
	}
	return 1;
}

/* Takes write access to code pages away from the entries of table pt. */
static void unwrite_code(uint32_t *pt, const struct pt_meta *m, uint32_t pdi, int now)
{
	for (uint32_t w = 0; w < 1024 / 32; w++) {
		uint32_t bits = m->filled[w];

		while (bits) {
			uint32_t i = w * 32 + (uint32_t)__builtin_ctz(bits);

			bits &= bits - 1;
			if ((pt[i] & PTE_W) && smc_is_code(pt[i] & PTE_ADDR)) {
				pt[i] &= ~PTE_W;
				if (now)
					invlpg(pdi << PGDIR_SHIFT | i << PAGE_SHIFT);
			}
		}
	}
}

/* A TLB flush of shadow s, loaded next: keeps the entries that still hold. */
static void validate(struct space *s)
{
	uint32_t *pd = pd_of(s);
	int new_code = s->code_gen != code_gen;

	EACH_TABLE(s, pdi) {
		struct pt_meta *m;
		uint32_t gpde, *pt;

		m = meta_of(pd[pdi] & PTE_ADDR);
		gpde = gphys_read32(s->gcr3 + pdi * 4);
		if ((m->gpde & PTE_PS) && (gcr.cr4 & CR4_PSE)) {
			/* From a guest 4 MiB page: the PDE is the whole story. */
			if (gpde != m->gpde) {
				free_pt(s, pdi);
				shadow_stats.dropped_pts++;
			} else if (new_code) {
				unwrite_code(frame_va(pd[pdi] & PTE_ADDR), m, pdi, 0);
			}
			continue;
		}
		if ((gpde & PDE_KEEP) != (m->gpde & PDE_KEEP) || !(gpde & PTE_A)) {
			free_pt(s, pdi);
			shadow_stats.dropped_pts++;
			continue;
		}
		pt = frame_va(pd[pdi] & PTE_ADDR);
		for (uint32_t w = 0; w < 1024 / 32; w++) {
			uint32_t bits = m->filled[w];

			while (bits) {
				uint32_t i = w * 32 + (uint32_t)__builtin_ctz(bits);
				uint32_t gpte = gphys_read32((gpde & PTE_ADDR) + i * 4);

				bits &= bits - 1;
				shadow_stats.checked++;
				if (!entry_holds(pt[i], gpde, gpte)) {
					pt[i] = 0;
					m->filled[w] &= ~(1u << (i % 32));
					shadow_stats.dropped++;
				}
			}
		}
	}
	s->code_gen = code_gen;
	shadow_stats.validations++;
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
	if (s) {
		/* A CR3 write flushes the TLB: what the shadow keeps must hold. */
		validate(s);
	} else {
		if (!free_slot) {
			set_cur(0);
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
		memset(s->tables, 0, sizeof(s->tables));
		zap(s);
		shadow_stats.spaces++;
	}
	set_cur(s);
	s->lru = ++lru_clock;
	shadow_stats.switches++;
	load();
}

void shadow_sync_hv(void)
{
	for (int i = 0; i < NSPACES; i++)
		if (spaces[i].used)
			for (uint32_t j = HV_PDE_FIRST; j < 1024; j++)
				pd_of(&spaces[i])[j] = hv_pd[j];
	load();
}

void shadow_paging_changed(void)
{
	/* The rules shadows were made by changed: every one starts again. */
	for (int i = 0; i < NSPACES; i++)
		if (spaces[i].used)
			zap(&spaces[i]);
	if (gcr.cr0 & CR0_PG) {
		shadow_set_cr3(gcr.cr3);
	} else {
		set_cur(0);
		load();
	}
}

void shadow_flush(void)
{
	if (cur) {
		validate(cur);
		load();
	}
}

void shadow_invlpg(uint32_t la)
{
	uint32_t *pd, *pt, pdi = la >> PGDIR_SHIFT, i = (la >> PAGE_SHIFT) & 1023;

	if (!cur || la >= HV_BASE)
		return;
	pd = pd_of(cur);
	if (pd[pdi] & PTE_P) {
		struct pt_meta *m = meta_of(pd[pdi] & PTE_ADDR);
		uint32_t gpde = gmem_guest_pde(la);

		if (((gpde & PTE_P) && (gpde & PTE_PS) && (gcr.cr4 & CR4_PSE)) ||
		    ((m->gpde & PTE_PS) && (gcr.cr4 & CR4_PSE))) {
			/* A guest 4 MiB page: its shadow is a whole page table. */
			free_pt(cur, pdi);
			load();
		} else {
			pt = frame_va(pd[pdi] & PTE_ADDR);
			pt[i] = 0;
			m->filled[i / 32] &= ~(1u << (i % 32));
		}
	}
	invlpg(la);
	shadow_stats.invlpgs++;
}

void shadow_protect_frame(uint32_t pa)
{
	/*
	 * The frame now holds translated code: no shadow may map it
	 * writable.  The current shadow loses its writable entries to it now;
	 * the others are checked (validate) before they are loaded again.
	 */
	uint32_t *pd;

	(void)pa;
	code_gen++;
	if (!cur)
		return;
	pd = pd_of(cur);
	EACH_TABLE(cur, pdi)
		unwrite_code(frame_va(pd[pdi] & PTE_ADDR), meta_of(pd[pdi] & PTE_ADDR), pdi, 1);
	cur->code_gen = code_gen;
}

int shadow_fault(uint32_t la, uint32_t err, int user, int (*rmw)(void *ctx), void *ctx,
		 uint32_t *pa_out)
{
	uint32_t pa, eff, *pd, *pt, pte, gpde, i = (la >> PAGE_SHIFT) & 1023;
	struct pt_meta *m;
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
	if (mm_hidden(pa))
		return SHADOW_MMIO;
	if ((err & PFEC_W) && smc_is_code(pa))
		return SHADOW_CODE_WRITE;	/* the caller invalidates, then refills */

	pd = pd_of(cur);
	gpde = gmem_guest_pde(la);	/* as the walk above left it (A, D) */
	if ((pd[la >> PGDIR_SHIFT] & PTE_P) &&
	    ((meta_of(pd[la >> PGDIR_SHIFT] & PTE_ADDR)->gpde ^ gpde) & PDE_KEEP)) {
		/* The guest changed the PDE: entries made from the old one go. */
		free_pt(cur, la >> PGDIR_SHIFT);
		load();
		shadow_stats.dropped_pts++;
	}
	if (!(pd[la >> PGDIR_SHIFT] & PTE_P)) {
		uint32_t pt_pa = alloc_frame();

		if (!pt_pa)
			panic("no frame left for a shadow page table");
		memset(meta_of(pt_pa)->filled, 0, sizeof(meta[0].filled));
		pd[la >> PGDIR_SHIFT] = pt_pa | PTE_P | PTE_W | PTE_U;
		cur->tables[la >> PGDIR_SHIFT >> 5] |= 1u << ((la >> PGDIR_SHIFT) % 32);
	}
	pt = frame_va(pd[la >> PGDIR_SHIFT] & PTE_ADDR);
	m = meta_of(pd[la >> PGDIR_SHIFT] & PTE_ADDR);
	m->gpde = gpde;
	m->filled[i / 32] |= 1u << (i % 32);
	pte = pa | PTE_P | PTE_A;
	if (eff & PTE_U)
		pte |= PTE_U;
	if ((eff & PTE_D) && !smc_is_code(pa)) {
		if (eff & PTE_W)
			pte |= PTE_W | PTE_D;
		else if (!user && !(gcr.cr0 & CR0_WP)) {
			/* CR0.WP = 0: the guest kernel may write a read-only page;
			   ring 3 must not, so this entry is kernel-only. */
			pte = (pte | PTE_W | PTE_D) & ~PTE_U;
		}
	}
	pt[i] = pte;
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
	log_info("shadow", "flushes %u: entries checked %u, dropped %u; tables dropped %u",
		 shadow_stats.validations, shadow_stats.checked, shadow_stats.dropped,
		 shadow_stats.dropped_pts);
}
