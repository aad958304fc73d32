/*
 * Guest memory as hv reaches it (see gmem.c).  Addresses are guest linear
 * addresses; while the guest's paging is off they equal physical ones.
 */
#ifndef MON_GMEM_H
#define MON_GMEM_H

#include <stdint.h>

/* Results of gmem_read/gmem_write: 0 or one of these. */
enum { GMEM_OUTSIDE = 1,	/* not below hv's linear region */
       GMEM_HV = 2 };		/* inside hv's physical range */

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

#endif
