/*
 * Code cache internals shared by dt/cache.c and dt/translate.c: the bump
 * allocator over the cache region, block/exit/pcmap allocation, and the
 * addresses of the shared routines at the start of the cache.
 */
#ifndef DT_CACHE_H
#define DT_CACHE_H

#include <stdint.h>

#include "dt/dt.h"

/* Limits of one block: a block never needs more cache than this. */
#define DT_BLOCK_INSNS	32
#define DT_BLOCK_MAXCODE 4096

/* Records live in the region dt_init was given (HV_META_BASE in hv). */
#define MAX_BLOCKS	32768
#define MAX_EXITS	65536
#define MAX_PCS		(MAX_BLOCKS * 4)
#define MAX_INSNS	8192	/* decoded instructions of EMUL exits, in hv's bss */

/* The shared indirect-branch lookup (eax = guest linear target). */
extern uint8_t *dt_lookup_routine;

/*
 * Starts a new block: makes sure there is room for the largest block, a
 * block slot, exits and pcmap entries, flushing the whole cache first if
 * not.  Returns the block with code set to the bump pointer.
 */
struct dt_block *cache_begin_block(uint32_t eip, uint32_t cs_base);
/* Finishes the block started last: code_len bytes were used. */
void cache_end_block(struct dt_block *b);
/* Drops the block started last (translation failed). */
void cache_abort_block(struct dt_block *b);
struct dt_exit *cache_new_exit(void);
struct dt_pc *cache_new_pc(void);
uint32_t cache_pc_index(void);
struct dt_pc *cache_pc(uint32_t i);
/* A copy of decoded instruction d for an EMUL exit (dt_exit.insn). */
const struct dt_insn *cache_new_insn(const struct dt_insn *d);
/* Blocks by index (dt/smc.c keeps per-block data in arrays). */
extern struct dt_block *cache_blocks;
static inline uint32_t cache_block_index(const struct dt_block *b)
{
	return (uint32_t)(b - cache_blocks);
}
static inline struct dt_block *cache_block(uint32_t i)
{
	return &cache_blocks[i];
}
/* Kills block b: branches chained into it unlinked, its ibtc entry gone. */
void cache_kill_block(struct dt_block *b);

/*
 * Translation (dt/translate.c) in mode DT_MODE_*; single: a one-instruction
 * block.  Returns 0 or -1 with fail filled.
 */
int dt_translate(struct dt_block *b, int mode, int single, struct dt_fail *fail);

/* Emitting bytes. */
struct emit {
	uint8_t *p;
};
static inline void emit1(struct emit *e, uint8_t v) { *e->p++ = v; }
static inline void emit4(struct emit *e, uint32_t v)
{
	*(uint32_t *)e->p = v;
	e->p += 4;
}
/* A jump's rel32 field at p, pointed at target. */
static inline void set_rel32(uint8_t *p, const void *target)
{
	*(int32_t *)p = (int32_t)((const uint8_t *)target - (p + 4));
}
/* `int $VEC_DT_EXIT; .long x` */
void emit_exit_stub(struct emit *e, struct dt_exit *x);

#endif
