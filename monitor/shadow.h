/*
 * Shadow page tables for a guest with paging on (see shadow.c).
 */
#ifndef MON_SHADOW_H
#define MON_SHADOW_H

#include <stdint.h>

/* shadow_fault results */
enum {
	SHADOW_FILLED,		/* retry the access */
	SHADOW_GUEST_FAULT,	/* the guest's own tables fault: gmem_pf */
	SHADOW_CODE_WRITE,	/* a write to a frame with translations */
	SHADOW_HV_FRAME,	/* the guest maps one of hv's frames */
	SHADOW_HV_LINEAR,	/* the guest uses hv's linear region */
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
