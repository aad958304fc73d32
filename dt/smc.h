/*
 * Self-modifying code (see smc.c): which guest frames hold translations,
 * and what a write to one of them does.
 */
#ifndef DT_SMC_H
#define DT_SMC_H

#include <stdint.h>

struct dt_block;

/* Does guest frame pa hold translations (and so is write-protected)? */
int smc_is_code(uint32_t pa);
/*
 * A write to guest frame pa is about to happen or has faulted (by the
 * guest, or by hv on its behalf): if translations were made from it, they
 * die (branches chained into them are unlinked) and the frame becomes
 * writable again.  Returns 1 if it held translations.
 */
int smc_write(uint32_t pa);

/* Pages turned checked since boot (smc.c, "Hot pages"). */
extern uint32_t smc_checked_count;

/* For the translator (dt/cache.c, dt/translate.c): */

/* A block is being made from frame pa: protect it (unless it is checked). */
void smc_protect(uint32_t pa);
/* Is frame pa checked: not protected, its blocks verified at each lookup? */
int smc_is_checked(uint32_t pa);
/* Block b is finished: it joins the lists of its frames (and, from a
   checked frame, gets the hash of its bytes). */
void smc_add_block(struct dt_block *b);
/* Checked block b: have its guest bytes changed since it was made? */
int smc_block_stale(const struct dt_block *b);
/* The cache was flushed: no block, no code frame, no hot page. */
void smc_flush(void);

#endif
