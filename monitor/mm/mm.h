/*
 * The memory subsystem (monitor/mm/): hv's frames and page tables, its
 * access to guest-physical and guest-linear memory, the guest's memory map
 * and the shadow page tables (docs/ARCHITECTURE.md, "Memory", "Shadow paging").
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "lib/bootinfo.h"
#include <stdint.h>

/*
 * hv's physical frame allocator.  It hands out 4 KiB frames from hv's pool
 * (the range boot_relocate reserved at the top of RAM), which the guest
 * never sees.  A frame is given out only if the memory map marks it usable
 * and it is not part of hv's image or a boot module.
 */
void frame_init(void);
/* A zeroed frame's physical address, or 0 when the pool is exhausted. */
uint32_t frame_alloc(void);
void frame_free(uint32_t pa);
uint32_t frame_free_count(void);
/* True if [pa, pa+len) touches anything hv owns (image, modules, pool). */
int frame_hv_owns(uint32_t pa, uint32_t len);
/* hv's linear address of a pool frame (mapped at HV_POOL_BASE). */
void *frame_va(uint32_t pa);

/*
 * hv's own page tables (32-bit paging, SDM vol. 3A 4.3): mapping and
 * unmapping 4 KiB pages in hv's region, and walking a page directory.
 * Page tables hv creates come from the frame pool.
 */
/* hv's page directory (linear) and its physical address. */
extern uint32_t hv_pd[1024];
extern uint32_t hv_pd_phys;
/*
 * Fills hv's final page tables for the layout boot/reloc.c chose (inside
 * the image, before it is copied to image_phys); returns the directory's
 * physical address in the copy.
 */
uint32_t paging_build(uint32_t image_phys, uint32_t image_size, uint32_t cache_phys,
		      uint32_t cache_size, uint32_t meta_phys, uint32_t pool_phys,
		      uint32_t pool_size);

/* Scratch linear window inside hv's first 4 MiB, after the image. */
#define PAGING_SCRATCH_PAGES 32	/* 0-15 self-tests and probes, 16-31 gphys.c */
uint32_t paging_scratch_va(int slot);

/*
 * Maps the 4 KiB page at linear va to physical pa with PTE flags (PTE_W,
 * PTE_U, ...; PTE_P is implied) in hv's page directory.  Returns 0, or -1
 * when va lies in a 4 MiB mapping or no frame is left for a page table.
 */
int paging_map(uint32_t va, uint32_t pa, uint32_t flags);
void paging_unmap(uint32_t va);
/* The PTE (or 4 MiB PDE) mapping va in hv's directory; 0 if none. */
uint32_t paging_lookup(uint32_t va);

/*
 * hv's access to guest-physical memory (see gphys.c).
 */
/* 0, or GMEM_HV when the range touches hv's own memory. */
int gphys_read(uint32_t pa, void *buf, uint32_t len);
int gphys_write(uint32_t pa, const void *buf, uint32_t len);
uint32_t gphys_read32(uint32_t pa);
/* Would gphys_read refuse [pa, pa+len) (hv's memory, a hidden device page)? */
int gphys_refused(uint32_t pa, uint32_t len);
void gphys_write32(uint32_t pa, uint32_t v);

/*
 * Guest memory as hv reaches it (see gmem.c).  Addresses are guest linear
 * addresses; while the guest's paging is off they equal physical ones.
 */
/*
 * The guest's control registers.  The virtual CPU writes them (MOV to
 * CRn, LMSW, CLTS, loaders) and tells this layer what changed
 * (shadow_set_cr3, shadow_paging_changed, ...); guest page walks read them.
 */
struct guest_cr {
	uint32_t cr0, cr2, cr3, cr4;
};
extern struct guest_cr gcr;

/* Results of gmem_read/gmem_write: 0 or one of these. */
enum { GMEM_OUTSIDE = 1,	/* not below hv's linear region */
       GMEM_HV = 2,		/* inside hv's physical range */
       GMEM_PF = 3 };		/* the guest's page walk faults: see gmem_pf */

/* The #PF of the last failed walk. */
struct gmem_pf {
	uint32_t cr2, err;
};
extern struct gmem_pf gmem_pf;

/* Access kinds for gmem_walk. */
#define GACC_WRITE 1
#define GACC_USER 2
#define GACC_PEEK 4	/* look only: set no A/D bits */

/*
 * The guest's page walk: la -> *pa with the rights of the access, setting
 * A/D bits; *eff (may be 0) gets the combined PTE flags.  -1: #PF in gmem_pf.
 */
int gmem_walk(uint32_t la, int acc, uint32_t *pa, uint32_t *eff);
/*
 * Physical page of the guest code at la, setting accessed bits (-1: not
 * mapped); with global, whether a global page maps it (CR4.PGE set).
 */
int gmem_code_pa(uint32_t la, uint32_t *pa, int *global);
/* The same without setting accessed bits; and the guest PDE for la. */
int gmem_peek_pa(uint32_t la, uint32_t *pa);
uint32_t gmem_guest_pde(uint32_t la);
/*
 * Copies up to len guest code bytes at linear la with user or supervisor
 * rights; returns how many could be read (it stops at the first page the
 * guest cannot fetch from, and then sets *why to a DTF_* kind, dt/dt.h).
 */
int gmem_fetch(uint32_t la, uint8_t *buf, uint32_t len, int user, int *why);
/* Accesses with the rights of CPL 3 (user) or supervisor. */
int gmem_read_as(uint32_t la, void *buf, uint32_t len, int user);
int gmem_write_as(uint32_t la, const void *buf, uint32_t len, int user);

/*
 * hv's copy through the guest's live mapping (see gdirect.c): 0, or -1
 * (some bytes may have been copied) where the loaded page tables refuse
 * it; gmem.c then walks.  gdirect_fixup is hv's #PF handler's: 1, with
 * *eip moved to the copy's failure exit, for a fault of that copy at a
 * guest address, else 0.
 */
int gdirect_copy(void *dst, const void *src, uint32_t len);
int gdirect_fixup(uint32_t *eip);
struct gmem_stats {
	uint32_t direct, direct_faults;
};
extern struct gmem_stats gmem_stats;

/* Unmaps hv's physical range from the guest's view (after loading it). */
void gmem_seal(void);
int gmem_read(uint32_t la, void *buf, uint32_t len);
int gmem_write(uint32_t la, const void *buf, uint32_t len);
int gmem_is_hv(uint32_t pa, uint32_t len);
/*
 * The write protection of frames holding translations (dt/smc.c decides,
 * through dt/host.h): read-only in hv's own tables (the guest's while its
 * paging is off) and in every shadow; -1 for one of hv's frames.
 */
int mm_protect_frame(uint32_t pa);
void mm_unprotect_frame(uint32_t pa);

/*
 * Device pages hidden from the guest (see hidden.c): its accesses fault.
 * Hiding counts references (the same page may be hidden for two reasons);
 * a page of hv's cannot be hidden (-1: it is hidden anyway).
 */
#define MM_HIDDEN_MAX 16
int mm_hide_page(uint32_t pa);
void mm_unhide_page(uint32_t pa);
int mm_hidden(uint32_t pa);
int mm_hidden_pages(uint32_t pa, uint32_t len);
extern uint32_t mm_hidden_lo, mm_hidden_hi;
/* Does [pa, pa+len) touch a hidden page?  (On every access hv makes to
   guest memory: below the lowest hidden page, one compare.  A range that
   wraps past 4 GiB is hv's, refused before this is asked.) */
static inline int mm_hidden_range(uint32_t pa, uint32_t len)
{
	return __builtin_expect(pa + len > mm_hidden_lo, 0) && pa <= mm_hidden_hi &&
	       mm_hidden_pages(pa, len);
}
/* hv's PTE for a guest-physical page below HV_BASE (its 4 MiB page split). */
uint32_t *mm_hv_pte(uint32_t pa);

/*
 * The guest's A20 gate (see a20.c): off, its paging-off view of
 * [1 MiB, 2 MiB) wraps onto the first MiB.  mm_a20_pa gives the physical
 * address of a paging-off linear one; mm_frame_rights changes the rights
 * hv's tables give frame pa (and its alias, while there is one).
 */
extern int mm_a20_off;
void mm_set_a20(int on);
uint32_t mm_a20_pa(uint32_t la);
void mm_frame_rights(uint32_t pa, uint32_t set, uint32_t clear);

/*
 * The guest's view of physical memory (see gmap.c).
 */
#define GUEST_MMAP_MAX (BOOT_MAX_MMAP + 3)

/* The boot memory map with hv's range cut out and marked reserved. */
int guest_memmap(struct boot_mmap *out, int max);
/* Is [at, at+len) usable guest RAM (inside one usable range, not hv's)? */
int guest_ram_room(uint32_t at, uint32_t len);
/* The end of the usable guest RAM range that contains `at`, or 0. */
uint32_t guest_ram_end(uint32_t at);
/* Gives the guest the modules below `lo` at the bottom of hv's range
   (before gmem_seal). */
void guest_ram_reclaim(uint32_t lo);

/*
 * Shadow page tables for a guest with paging on (see shadow.c).
 */
/* shadow_fault results */
enum {
	SHADOW_FILLED,		/* retry the access */
	SHADOW_GUEST_FAULT,	/* the guest's own tables fault: gmem_pf */
	SHADOW_CODE_WRITE,	/* a write to a frame with translations */
	SHADOW_HV_FRAME,	/* the guest maps one of hv's frames */
	SHADOW_HV_LINEAR,	/* the guest uses hv's linear region */
	SHADOW_MMIO,		/* the frame is a hidden device page */
};

/*
 * A real #PF at la (error code err) while the guest's paging is on.  For a
 * read of a writable page that is not dirty yet, rmw(ctx) tells whether
 * the faulting instruction writes the same operand right after.
 */
int shadow_fault(uint32_t la, uint32_t err, int user, int (*rmw)(void *ctx), void *ctx,
		 uint32_t *pa);
/* The guest wrote CR3 (paging on): switch to that address space's shadow. */
void shadow_set_cr3(uint32_t gcr3);
/* CR0.PG, CR0.WP or CR4.PSE changed: every shadow starts over. */
void shadow_paging_changed(void);
/* A TLB flush of the current shadow (entries that no longer hold go). */
void shadow_flush(void);
void shadow_invlpg(uint32_t la);
/*
 * The guest CR3 whose shadow is loaded, SHADOW_NONE (not page-aligned, so
 * no CR3 matches it) while hv's own directory is: with paging on, the
 * loaded directory is the guest's view of now only when this equals
 * gcr.cr3's base (not between a MOV to CR3 and its shadow switch).
 */
#define SHADOW_NONE 1u
extern uint32_t shadow_view;
/* hv changed its own PDEs (hv_pd): every shadow takes them again. */
void shadow_sync_hv(void);
/* A frame now holds translated code: no shadow may map it writable. */
void shadow_protect_frame(uint32_t pa);

struct shadow_stats {
	uint32_t faults, fills, invlpgs, switches, zaps, spaces, reclaims;
	uint32_t validations, checked, dropped, dropped_pts;
};
extern struct shadow_stats shadow_stats;
void shadow_print_stats(void);

#endif
