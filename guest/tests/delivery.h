/*
 * Addresses and selectors shared by delivery.c and delivery.S.
 */
#ifndef GUEST_TESTS_DELIVERY_H
#define GUEST_TESTS_DELIVERY_H

#include "guest/lib/desc.h"

/*
 * Linear layout with paging on (the low 16 MiB stay 1:1): a test stack of
 * two mapped pages with a page that is never mapped below it, handler
 * addresses that are never mapped, and a page that is never mapped for
 * the touches.
 */
#define DV_STACK_HOLE	0x40000000	/* not present, below the test stack */
#define DV_STACK	0x40001000	/* two present pages */
#define DV_STACK_TOP	0x40003000
#define DV_CODE_HOLE	0x50000000	/* handler code that is not mapped */
#define DV_HOLE		0x60000000	/* the touched page, not mapped */

/* A code segment with P = 0 (cs-np): its selector, and the error code that
   names it (EXT and IDT where a selector has its RPL). */
#define DV_GDT_NP	(GDT_FREE + 0)
#define DV_SEL_NP_ERR	SEL(DV_GDT_NP, 0)

/* Selectors beyond the GDT's limit: a load is #GP(selector without RPL). */
#define DV_SEL_BEYOND	SEL(GDT_ENTRIES + 7, 3)
#define DV_SEL_BEYOND2	SEL(GDT_ENTRIES + 9, 1)

#define DV_VEC_INT	0x40	/* int $0x40: a present gate (DPL 3) */
#define DV_VEC_BADTYPE	0x41	/* int $0x41: a gate of a reserved type */
#define DV_VEC_NPCS	0x42	/* int $0x42: a gate to a code segment with P = 0 */

#endif
