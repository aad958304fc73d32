/*
 * Guest memory as hv reaches it (see gmem.c).  Addresses are guest linear
 * addresses; while the guest's paging is off they equal physical ones.
 */
#ifndef MON_GMEM_H
#define MON_GMEM_H

#include <stdint.h>

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
/* Physical page of the guest code at la (for the translator). */
int gmem_code_pa(uint32_t la, uint32_t *pa, int *global);
int gmem_is_code(uint32_t page);
/* Accesses with the rights of CPL 3 (user) or supervisor. */
int gmem_read_as(uint32_t la, void *buf, uint32_t len, int user);
int gmem_write_as(uint32_t la, const void *buf, uint32_t len, int user);

/* Unmaps hv's physical range from the guest's view (after loading it). */
void gmem_seal(void);
int gmem_read(uint32_t la, void *buf, uint32_t len);
int gmem_write(uint32_t la, const void *buf, uint32_t len);
int gmem_is_hv(uint32_t pa, uint32_t len);
/*
 * A write to `page` is about to happen (or faulted): if translations were
 * made from it, kill them and make it writable.  Returns 1 if it was a
 * code page.
 */
int gmem_code_write(uint32_t page);
/* gmem_is_checked, gmem_clear_checked: declared in dt/dt.h. */

#endif
