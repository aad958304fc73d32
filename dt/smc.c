/*
 * Self-modifying code (docs/ARCHITECTURE.md, "Self-modifying code"): the
 * guest frames translations were made from, their write protection, the
 * blocks made from each frame, what a write to one does, and the frames
 * written and executed so often that they are checked instead.
 *
 * Protection.  Translating from a frame protects it (dth_protect_frame:
 * read-only in hv's own page tables and in every shadow).  A write to it,
 * a guest fault or hv's own write on the guest's behalf, comes here first
 * (smc_write): every block made from the frame dies, branches chained
 * into them are unlinked, and the frame is writable again until the next
 * translation from it.  A cache flush leaves frames protected; their next
 * write finds no blocks and just unprotects.
 *
 * Blocks by frame.  Each block is on the list of the one or two frames it
 * was read from (a hash of frame numbers to chains through smc_next), so
 * a write costs the blocks of that frame, not a walk of the whole cache.
 * Dead blocks leave a chain when a write walks it.  Blocks of checked
 * frames are on no list: those frames are not protected, so no write
 * reaches smc_write for them.
 *
 * Hot pages.  A frame both written and executed often would thrash: a
 * write fault, every block killed, retranslation, again and again.  After
 * HOT_WRITES writes that killed translations (counted in a small
 * direct-mapped table) a frame becomes checked until the next flush: no
 * longer protected, its blocks never chained into nor in the indirect
 * table (dt/cache.c), ended after every instruction that writes memory
 * (dt/translate.c), and verified at every lookup against an FNV-1a hash of
 * the guest bytes they were made from (smc_block_stale).
 */
#include "dt/smc.h"

#include "dt/cache.h"
#include "dt/dt.h"
#include "dt/host.h"
#include "lib/layout.h"
#include "lib/string.h"
#include "lib/x86.h"

/* One bit per 4 KiB frame below HV_BASE: it holds translated code. */
static uint32_t code_frames[(HV_BASE >> PAGE_SHIFT) / 32];

#define HOT_SLOTS	256
#define HOT_WRITES	64
static struct {
	uint32_t frame, writes;
} hot[HOT_SLOTS];
static uint32_t checked_frames[(HV_BASE >> PAGE_SHIFT) / 32];
uint32_t smc_checked_count;

/*
 * Blocks by frame: bucket heads and, per block and per frame it was read
 * from (page[0], page[1]), the next block of the same bucket.  A link is
 * block index * 2 + which page, plus one (0 ends a chain).
 */
#define FRAME_BUCKETS	4096
static uint32_t bucket[FRAME_BUCKETS];
static uint32_t smc_next[MAX_BLOCKS][2];
/*
 * Checked blocks: the hash of their guest bytes.  The last one found
 * stale: its range and the hash of the bytes there now, which the block
 * translated in its place in the same dt_get (the same range, as a rule)
 * takes over instead of hashing the same bytes again.
 */
static uint32_t block_hash[MAX_BLOCKS];
static struct { uint32_t lookup, eip, end, hash; } last_stale;

static int bit(const uint32_t *map, uint32_t pa)
{
	uint32_t i = pa >> PAGE_SHIFT;

	return pa < HV_BASE && ((map[i / 32] >> (i % 32)) & 1);
}

static void set_bit(uint32_t *map, uint32_t pa, int on)
{
	uint32_t i = pa >> PAGE_SHIFT;

	if (on)
		map[i / 32] |= 1u << (i % 32);
	else
		map[i / 32] &= ~(1u << (i % 32));
}

static uint32_t bucket_of(uint32_t pa)
{
	return ((pa >> PAGE_SHIFT) * 2654435761u >> 20) % FRAME_BUCKETS;
}

int smc_is_code(uint32_t pa)
{
	return bit(code_frames, pa & PTE_ADDR);
}

int smc_is_checked(uint32_t pa)
{
	return bit(checked_frames, pa & PTE_ADDR);
}

void smc_protect(uint32_t pa)
{
	pa &= PTE_ADDR;
	if (pa >= HV_BASE || bit(code_frames, pa) || bit(checked_frames, pa))
		return;
	set_bit(code_frames, pa, 1);	/* first: the shadows ask smc_is_code */
	if (dth_protect_frame(pa) < 0)
		set_bit(code_frames, pa, 0);
}

/* FNV-1a of the guest's bytes of block b as they are now; 0 if unreadable. */
static uint32_t guest_hash(const struct dt_block *b)
{
	uint8_t buf[DT_BLOCK_INSNS * 15];	/* 15: the longest instruction */
	uint32_t len = b->end - b->eip, h = 2166136261u;
	int why;

	if (len > sizeof(buf) || dth_fetch(b->eip, buf, len, &why) != (int)len)
		return 0;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ buf[i]) * 16777619u;
	return h;
}

void smc_add_block(struct dt_block *b)
{
	uint32_t i = cache_block_index(b);

	if (b->checked) {
		/* Its frames are not protected: no write comes here for it. */
		if (last_stale.lookup == dt_stats.lookups && b->eip == last_stale.eip &&
		    b->end == last_stale.end)
			block_hash[i] = last_stale.hash;	/* the same bytes, just hashed */
		else
			block_hash[i] = guest_hash(b);
		return;
	}
	for (uint32_t k = 0; k < 2; k++) {
		uint32_t h;

		if (b->page[k] == ~0u)
			continue;
		h = bucket_of(b->page[k]);
		smc_next[i][k] = bucket[h];
		bucket[h] = i * 2 + k + 1;
	}
}

int smc_block_stale(const struct dt_block *b)
{
	uint32_t h = guest_hash(b);

	if (h == block_hash[cache_block_index(b)])
		return 0;
	last_stale.lookup = dt_stats.lookups;	/* this dt_get's, no other's */
	last_stale.eip = b->eip;
	last_stale.end = b->end;
	last_stale.hash = h;
	return 1;
}

/* Kills the blocks made from frame pa, taking them off its chain. */
static void kill_frame(uint32_t pa)
{
	uint32_t *link = &bucket[bucket_of(pa)];

	while (*link) {
		uint32_t i = (*link - 1) / 2, k = (*link - 1) % 2;
		struct dt_block *b = cache_block(i);

		if (b->page[k] != pa) {
			link = &smc_next[i][k];
			continue;
		}
		if (!b->dead)
			cache_kill_block(b);
		*link = smc_next[i][k];
	}
}

/* A write that killed translations: often enough, and the frame is hot. */
static void count_write(uint32_t pa)
{
	uint32_t slot = (pa >> PAGE_SHIFT) % HOT_SLOTS;

	if (hot[slot].frame != pa) {
		hot[slot].frame = pa;
		hot[slot].writes = 0;
	}
	if (++hot[slot].writes == HOT_WRITES) {
		set_bit(checked_frames, pa, 1);
		smc_checked_count++;
	}
}

int smc_write(uint32_t pa)
{
	pa &= PTE_ADDR;
	if (!bit(code_frames, pa))
		return 0;
	set_bit(code_frames, pa, 0);
	count_write(pa);
	dt_stats.invalidations++;
	kill_frame(pa);
	dth_unprotect_frame(pa);
	return 1;
}

void smc_flush(void)
{
	memset(bucket, 0, sizeof(bucket));
	memset(checked_frames, 0, sizeof(checked_frames));
	memset(hot, 0, sizeof(hot));
}
