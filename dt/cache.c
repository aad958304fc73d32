/*
 * The code cache: where translations live, how they are found, chained,
 * invalidated and flushed (docs/ARCHITECTURE.md, "The code cache").
 *
 * The cache region (dt_init's; HV_CACHE_BASE in hv, dtcache= bytes) starts with the shared
 * routines, written once; translations are bump-allocated after them.
 * Block, exit and pcmap records live in hv's image.  When any of these
 * runs out, everything is flushed at once (dt_flush): the guest never holds
 * a cache address (CALL pushes guest addresses, interrupts and faults are
 * reported with guest EIPs), so a flush is invisible to it.
 *
 * Blocks are found by guest EIP through a chained hash table; the inline
 * indirect-branch table (dt_fast.ibtc) is a direct-mapped cache of it
 * that translated code reads without leaving ring 1.
 */
#include "dt/cache.h"

#include "dt/fast.h"
#include "dt/host.h"
#include "dt/sens.h"
#include "dt/smc.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "lib/x86.h"

/* The fast area (dt/fast.h), on a page of its own: SEL_R1_GS covers it. */
struct dt_fast dt_fast __attribute__((aligned(PAGE_SIZE)));

_Static_assert(__builtin_offsetof(struct dt_fast, s_eax) == VF_S_EAX, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, s_ecx) == VF_S_ECX, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, s_target) == VF_S_TARGET, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, s_guest) == VF_S_GUEST, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, ibtc) == VF_IBTC, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, hv_gs) == VF_HV_GS, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, guest_gs) == VF_GUEST_GS, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, pushf_fix) == VF_PUSHF_FIX, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, popf_exit) == VF_POPF_EXIT, "fast area");
_Static_assert(__builtin_offsetof(struct dt_fast, io_exit) == VF_IO_EXIT, "fast area");

struct dt_stats dt_stats;
uint32_t dt_flush_gen;
uint8_t *dt_lookup_routine;
uint8_t *dt_miss_routine;
uint8_t *dt_reload_routine, *dt_reload_end;

static uint8_t *cache_base;	/* the region */
static uint8_t *cache_start;	/* first byte after the shared routines */
static uint8_t *cache_next;	/* bump pointer */
static uint8_t *cache_end;

/* The records, in their own region (dt_init's; HV_META_BASE in hv; never
   zeroed as a whole: each is cleared when it is handed out). */
#define META_SIZE (MAX_BLOCKS * sizeof(struct dt_block) + \
		   MAX_EXITS * sizeof(struct dt_exit) + MAX_PCS * sizeof(struct dt_pc))
_Static_assert(META_SIZE <= HV_META_SIZE, "translator records fit");
struct dt_block *cache_blocks;
static struct dt_exit *exits;
static struct dt_pc *pcs;
static uint32_t nblocks, nexits, npcs;
/* The decoded instructions of EMUL exits (dt_exit.insn). */
static struct dt_insn insns[MAX_INSNS];
static uint32_t ninsns;
/* The table of sensitive instructions (dt/sens.h). */
static const struct dt_sens_table *sens_table;

/* Per 4 MiB region of linear space: blocks there, and the guest PDE
   seen when they were checked last (dt_check_mappings). */
static uint16_t region_blocks[1024];
static uint32_t region_pde[1024];
/* The regions with blocks, in the order they got their first one. */
static uint16_t region_list[1024];
static uint32_t nregions;
/* Regions holding a block whose page is not global (since the flush). */
static uint32_t region_local[1024 / 32];
/*
 * The frame each linear page with blocks of non-global pages was
 * translated from (open addressing, a few probes; a page that finds no
 * slot is checked block by block instead).
 */
#define PSEEN_SIZE	16384
#define PSEEN_PROBES	4
static struct { uint32_t tag, pa; } pseen[PSEEN_SIZE];	/* tag: page | 1 */
static int pseen_full;	/* some page found no slot since the flush */

static uint32_t *pseen_slot(uint32_t page, int add)
{
	uint32_t h = (page >> PAGE_SHIFT) * 2654435761u;

	for (int k = 0; k < PSEEN_PROBES; k++) {
		uint32_t i = (h + (uint32_t)k) % PSEEN_SIZE;

		if (pseen[i].tag == (page | 1))
			return &pseen[i].pa;
		if (add && !pseen[i].tag) {
			pseen[i].tag = page | 1;
			return &pseen[i].pa;
		}
	}
	return 0;
}
/* One bit per linear page below 4 GiB: some block starts there. */
static uint32_t lin_pages[(1u << 20) / 32];

#define HASH_BUCKETS 16384
static struct dt_block *hash[HASH_BUCKETS];

/* The shared lookup's miss exit, and where empty ibtc entries lead. */
static struct dt_exit ib_miss_exit;
static uint8_t *ib_miss_stub;

static uint32_t hash_eip(uint32_t eip)
{
	return (eip ^ (eip >> 14)) & (HASH_BUCKETS - 1);
}

void emit_exit_stub(struct emit *e, struct dt_exit *x)
{
	x->stub = e->p;
	emit1(e, 0xCD);			/* int imm8 */
	emit1(e, VEC_DT_EXIT);
	emit4(e, (uint32_t)x);
}

/* gs-relative operand bytes: 65 <op> <modrm disp32> */
static void emit_gs_rm(struct emit *e, uint8_t op, uint8_t reg, uint32_t off)
{
	emit1(e, 0x65);
	emit1(e, op);
	emit1(e, (uint8_t)(reg << 3 | 5));	/* mod 00, rm 101: disp32 */
	emit4(e, off);
}

/* op with a %cs:abs32 operand (CS is flat, so hv's own address). */
static void emit_cs_rm(struct emit *e, uint8_t op, uint8_t reg, const uint32_t *at)
{
	emit1(e, 0x2E);
	emit1(e, op);
	emit1(e, (uint8_t)(reg << 3 | 5));	/* mod 00, rm 101: disp32 */
	emit4(e, (uint32_t)at);
}

/*
 * The shared indirect-branch lookup.  Entered with the guest target in eax
 * and the guest's eax and ecx saved in s_eax/s_ecx.  It must not change
 * EFLAGS (the guest's flags are live), so the comparison is done with
 * not/lea/jecxz: ecx = ~key + 1 + target = target - key.
 */
static void emit_shared(struct emit *e)
{
	uint8_t *jecxz_rel;

	dt_lookup_routine = e->p;
	emit1(e, 0x65); emit1(e, 0xA3); emit4(e, VF_S_GUEST);	/* mov %eax,%gs:s_guest */
	emit1(e, 0x0F); emit1(e, 0xB7); emit1(e, 0xC8);		/* movzwl %ax,%ecx */
	emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0C); emit1(e, 0xCD);
	emit4(e, VF_IBTC);					/* mov ibtc(,%ecx,8),%ecx */
	emit1(e, 0xF7); emit1(e, 0xD1);				/* not %ecx */
	emit1(e, 0x8D); emit1(e, 0x4C); emit1(e, 0x01); emit1(e, 0x01); /* lea 1(%ecx,%eax),%ecx */
	emit1(e, 0xE3); jecxz_rel = e->p; emit1(e, 0);		/* jecxz hit */
	/* miss: restore the guest's registers and exit */
	emit_gs_rm(e, 0x8B, 1, VF_S_ECX);			/* mov %gs:s_ecx,%ecx */
	emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);	/* mov %gs:s_eax,%eax */
	ib_miss_exit.kind = DTX_IND;
	emit_exit_stub(e, &ib_miss_exit);
	*jecxz_rel = (uint8_t)(e->p - (jecxz_rel + 1));
	/* hit: */
	emit1(e, 0x0F); emit1(e, 0xB7); emit1(e, 0xC8);		/* movzwl %ax,%ecx */
	emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0C); emit1(e, 0xCD);
	emit4(e, VF_IBTC + 4);					/* mov ibtc+4(,%ecx,8),%ecx */
	emit_gs_rm(e, 0x89, 1, VF_S_TARGET);			/* mov %ecx,%gs:s_target */
	emit_gs_rm(e, 0x8B, 1, VF_S_ECX);			/* mov %gs:s_ecx,%ecx */
	emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);	/* mov %gs:s_eax,%eax */
	emit_gs_rm(e, 0xFF, 4, VF_S_TARGET);			/* jmp *%gs:s_target */
	/*
	 * Reloads DS, ES, FS and GS at ring 1, then goes on: IRET from hv
	 * clears a null selector's RPL bits in DS and ES (its hidden DPL is
	 * 0), which the guest would see; loading them here keeps them
	 * (monitor/nullsel.h).  Through %cs, since %gs may be the guest's
	 * (inside the expansion of a %gs access).
	 */
	dt_reload_routine = e->p;
	emit_cs_rm(e, 0x8E, 3, &dt_fast.sv_ds);			/* mov %cs:sv_ds,%ds */
	emit_cs_rm(e, 0x8E, 0, &dt_fast.sv_es);			/* mov %cs:sv_es,%es */
	emit_cs_rm(e, 0x8E, 4, &dt_fast.sv_fs);			/* mov %cs:sv_fs,%fs */
	emit_cs_rm(e, 0x8E, 5, &dt_fast.sv_gs);			/* mov %cs:sv_gs,%gs */
	emit_cs_rm(e, 0xFF, 4, &dt_fast.sv_target);		/* jmp *%cs:sv_target */
	dt_reload_end = e->p;
	/* Entered like the lookup, but never hits (one-instruction blocks). */
	dt_miss_routine = e->p;
	emit1(e, 0x65); emit1(e, 0xA3); emit4(e, VF_S_GUEST);	/* mov %eax,%gs:s_guest */
	emit_gs_rm(e, 0x8B, 1, VF_S_ECX);			/* mov %gs:s_ecx,%ecx */
	emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);	/* mov %gs:s_eax,%eax */
	{
		static struct dt_exit single_exit = { .kind = DTX_IND };
		emit_exit_stub(e, &single_exit);
	}
	/* Where empty table entries lead: s_guest holds the target. */
	ib_miss_stub = e->p;
	{
		static struct dt_exit empty_exit = { .kind = DTX_IND };
		emit_exit_stub(e, &empty_exit);
	}
}

static void ibtc_clear(void)
{
	for (uint32_t i = 0; i < 65536; i++) {
		dt_fast.ibtc[i].guest = 0;
		dt_fast.ibtc[i].cache = (uint32_t)ib_miss_stub;
	}
}

void dt_init(void *cache, uint32_t cache_size, void *meta, uint32_t meta_size,
	     const struct dt_sens_table *sens, uint16_t fast_sel)
{
	struct emit e = { cache };

	sens_table = sens;
	dt_fast.hv_gs = fast_sel;
	if (meta_size < META_SIZE)
		panic("translator records need %u bytes, have %u", (uint32_t)META_SIZE, meta_size);
	cache_blocks = meta;
	exits = (struct dt_exit *)(cache_blocks + MAX_BLOCKS);
	pcs = (struct dt_pc *)(exits + MAX_EXITS);
	cache_base = cache;
	emit_shared(&e);
	cache_start = (uint8_t *)(((uint32_t)e.p + 63) & ~63u);
	cache_next = cache_start;
	cache_end = cache_base + cache_size;
	if (cache_end - cache_start < DT_BLOCK_MAXCODE + 1024)
		panic("code cache of %u bytes is too small", cache_size);
	ibtc_clear();
}

void dt_flush(void)
{
	dt_stats.flushes++;
	dt_flush_gen++;
	cache_next = cache_start;
	nblocks = nexits = npcs = ninsns = 0;
	memset(hash, 0, sizeof(hash));
	memset(region_blocks, 0, sizeof(region_blocks));
	memset(region_local, 0, sizeof(region_local));
	memset(pseen, 0, sizeof(pseen));
	pseen_full = 0;
	nregions = 0;
	memset(lin_pages, 0, sizeof(lin_pages));
	ibtc_clear();
	smc_flush();
	log_debug("dt", "cache flushed");
}

struct dt_block *cache_begin_block(uint32_t eip, uint32_t cs_base)
{
	struct dt_block *b;

	if (cache_end - cache_next < DT_BLOCK_MAXCODE || nblocks == MAX_BLOCKS ||
	    nexits + 2 * DT_BLOCK_INSNS + 2 > MAX_EXITS ||
	    npcs + DT_BLOCK_INSNS > MAX_PCS || ninsns + DT_BLOCK_INSNS > MAX_INSNS)
		dt_flush();
	b = &cache_blocks[nblocks++];
	memset(b, 0, sizeof(*b));
	b->eip = eip;
	b->cs_base = cs_base;
	b->code = cache_next;
	b->pc_first = npcs;
	b->insn_first = ninsns;
	b->page[1] = ~0u;
	return b;
}

void cache_end_block(struct dt_block *b)
{
	assert(b->code_len <= DT_BLOCK_MAXCODE);
	cache_next = b->code + ((b->code_len + 15) & ~15u);
	dt_stats.translations++;
	dt_stats.bytes_out += b->code_len;
	dt_stats.bytes_in += b->end - b->eip;
}

void cache_abort_block(struct dt_block *b)
{
	assert(b == &cache_blocks[nblocks - 1]);
	nblocks--;
	npcs = b->pc_first;
	ninsns = b->insn_first;
}

struct dt_exit *cache_new_exit(void)
{
	struct dt_exit *x;

	assert(nexits < MAX_EXITS);
	x = &exits[nexits++];
	memset(x, 0, sizeof(*x));
	return x;
}

struct dt_pc *cache_new_pc(void)
{
	assert(npcs < MAX_PCS);
	return &pcs[npcs++];
}

/* The pcmap entry of the guest instruction cache address addr belongs to. */
static const struct dt_pc *pc_at(const struct dt_block *b, uint32_t addr)
{
	uint32_t off = addr - (uint32_t)b->code;
	const struct dt_pc *best = 0;

	for (uint32_t i = 0; i < b->npc; i++) {
		const struct dt_pc *pc = &pcs[b->pc_first + i];

		if (pc->coff > off)
			break;
		best = pc;
	}
	assert(best);
	return best;
}

const struct dt_insn *cache_new_insn(const struct dt_insn *d)
{
	assert(ninsns < MAX_INSNS);
	insns[ninsns] = *d;
	return &insns[ninsns++];
}

const struct dt_sens *dt_sens_find(const struct dt_insn *d)
{
	if (!dt_sens_wanted(d))
		return 0;
	for (uint32_t i = 0; i < sens_table->nrows; i++) {
		const struct dt_sens *s = &sens_table->rows[i];

		if (s->map != d->map || s->opcode != d->opcode)
			continue;
		if (s->reg != DTS_ANY && (!d->has_modrm || s->reg != d->reg))
			continue;
		if (s->mod == DTS_MOD_MEM && (!d->has_modrm || d->mod == 3))
			continue;
		if (s->mod == DTS_MOD_REG && (!d->has_modrm || d->mod != 3 ||
					      (s->rm != DTS_ANY && s->rm != d->rm)))
			continue;
		return s;
	}
	return sens_table->other;
}

int dt_insn_rmw(const struct dt_block *b, uint32_t addr)
{
	return pc_at(b, addr)->rmw;
}

uint32_t cache_pc_index(void)
{
	return npcs;
}

struct dt_pc *cache_pc(uint32_t i)
{
	return &pcs[i];
}



static struct dt_block *lookup(uint32_t eip, uint32_t cs_base)
{
	for (struct dt_block *b = hash[hash_eip(eip)]; b; b = b->hash_next) {
		if (b->eip != eip || b->cs_base != cs_base || b->dead)
			continue;
		if (b->checked && smc_block_stale(b)) {
			/* A checked page was written under it: translate again. */
			dt_stats.checked_stale++;
			cache_kill_block(b);
			return 0;
		}
		return b;
	}
	return 0;
}

struct dt_block *dt_get(uint32_t eip, uint32_t cs_base, int mode, struct dt_fail *fail)
{
	struct dt_block *b;
	int large;

	dt_stats.lookups++;
	b = lookup(eip, cs_base);
	if (b)
		return b;
	dt_stats.lookup_misses++;
	b = cache_begin_block(eip, cs_base);
	if (dt_translate(b, mode, 0, fail) < 0) {
		cache_abort_block(b);
		return 0;
	}
	cache_end_block(b);
	smc_add_block(b);
	b->hash_next = hash[hash_eip(eip)];
	hash[hash_eip(eip)] = b;
	if (region_blocks[eip >> 22]++ == 0) {
		region_pde[eip >> 22] = dth_guest_pde(eip, &large);
		region_list[nregions++] = (uint16_t)(eip >> 22);
	}
	if (!b->global) {
		uint32_t *pa = pseen_slot(eip & PTE_ADDR, 1);

		region_local[eip >> 27] |= 1u << ((eip >> 22) & 31);
		if (pa)
			*pa = b->page[0];
		else
			pseen_full = 1;
	}
	lin_pages[eip >> 17] |= 1u << ((eip >> 12) & 31);
	return b;
}

struct dt_block *dt_get_single(uint32_t eip, uint32_t cs_base, int mode,
			       struct dt_fail *fail)
{
	struct dt_block *b = cache_begin_block(eip, cs_base);

	b->transient = 1;
	if (dt_translate(b, mode, 1, fail) < 0) {
		cache_abort_block(b);
		return 0;
	}
	cache_end_block(b);
	return b;
}

void dt_chain(struct dt_exit *x, struct dt_block *to)
{
	if (!x->patch || x->linked || to->dead || to->transient || to->checked)
		return;
	set_rel32((uint8_t *)x->patch, to->code);
	x->linked = to;
	x->next_in = to->incoming;
	to->incoming = x;
	dt_stats.chained++;
}

void dt_ibtc_set(uint32_t eip, struct dt_block *b)
{
	/* The table is keyed by linear address only: a block made for another
	   CS base must not be found through it. */
	if (b->transient || b->checked || b->eip != eip)
		return;
	dt_fast.ibtc[eip & 0xFFFF].guest = eip;
	dt_fast.ibtc[eip & 0xFFFF].cache = (uint32_t)b->code;
}

void cache_kill_block(struct dt_block *b)
{
	struct dt_exit *x;

	b->dead = 1;
	dt_stats.dead_blocks++;
	/* Branches chained into it go back to their stubs. */
	for (x = b->incoming; x; x = x->next_in) {
		if (x->linked == b) {
			set_rel32((uint8_t *)x->patch, x->stub);
			x->linked = 0;
			dt_stats.unlinked++;
		}
	}
	b->incoming = 0;
	if (dt_fast.ibtc[b->eip & 0xFFFF].cache == (uint32_t)b->code) {
		dt_fast.ibtc[b->eip & 0xFFFF].guest = 0;
		dt_fast.ibtc[b->eip & 0xFFFF].cache = (uint32_t)ib_miss_stub;
	}
}

/*
 * Where a linear page maps now, remembered for one checking pass: blocks
 * are not grouped by page, and a page holds many of them.
 */
#define MEMO 64
static struct { uint32_t page, pa; int ok; } memo[MEMO];
static uint32_t memo_gen, memo_tag[MEMO];

static int page_pa(uint32_t la, uint32_t *pa)
{
	uint32_t page = la & PTE_ADDR, i = (page >> PAGE_SHIFT) % MEMO;

	if (memo_tag[i] != memo_gen || memo[i].page != page) {
		memo_tag[i] = memo_gen;
		memo[i].page = page;
		memo[i].ok = dth_peek_frame(page, &memo[i].pa) == 0;
	}
	*pa = memo[i].pa;
	return memo[i].ok;
}

static void check_block(struct dt_block *b)
{
	uint32_t pa;

	if (b->dead || b->transient)
		return;
	if (!page_pa(b->eip, &pa) || pa != b->page[0])
		cache_kill_block(b);
}

/*
 * Linear page la, holding blocks from non-global pages, under a PDE that
 * did not change: its PTE (at pte_pa) against the frame they came from.
 */
static void check_local_page(uint32_t la, uint32_t pte_pa)
{
	uint32_t *seen = pseen_slot(la, 0), pte;
	int live = 0;

	if (!seen && !pseen_full)
		return;	/* only global blocks there */
	dt_stats.map_pages_checked++;
	pte = dth_read_phys32(pte_pa);
	if (seen && (pte & PTE_P) && (pte & PTE_ADDR) == *seen)
		return;
	dt_stats.map_page_scans++;
	for (struct dt_block *b = cache_blocks, *end = cache_blocks + nblocks; b < end; b++)
		if (((b->eip ^ la) & PTE_ADDR) == 0 && !b->global) {
			check_block(b);
			live |= !b->dead;
		}
	if (live && seen)
		*seen = pte & PTE_ADDR;
}

void dt_check_mappings(void)
{
	memo_gen++;	/* a new pass: the mappings may have changed */
	for (uint32_t k = 0; k < nregions; k++) {
		uint32_t r = region_list[k], pde;
		int large;

		pde = dth_guest_pde(r << 22, &large);
		if (pde != region_pde[r]) {
			dt_stats.map_region_scans++;
			for (struct dt_block *b = cache_blocks, *end = cache_blocks + nblocks; b < end; b++)
				if (b->eip >> 22 == r)
					check_block(b);
			region_pde[r] = pde;
			continue;
		}
		/*
		 * Same PDE.  A 4 MiB page (or no table) has its mapping in the
		 * PDE alone; under a page table any PTE may have changed, but a
		 * global one may stay cached across a CR3 write (SDM vol. 3A
		 * 4.10.4.1): pages of non-global blocks are checked.
		 */
		if (!(pde & PTE_P) || large ||
		    !(region_local[r / 32] & (1u << (r % 32))))
			continue;
		for (uint32_t w = 0; w < 32; w++)
			for (uint32_t bits = lin_pages[r * 32 + w]; bits; bits &= bits - 1) {
				uint32_t idx = w * 32 + (uint32_t)__builtin_ctz(bits);

				check_local_page(r << 22 | idx << PAGE_SHIFT,
						 (pde & PTE_ADDR) + idx * 4);
			}
	}
}

void dt_check_all_mappings(void)
{
	int large;

	memo_gen++;
	for (struct dt_block *b = cache_blocks, *end = cache_blocks + nblocks; b < end; b++)
		check_block(b);
	for (uint32_t k = 0; k < nregions; k++)
		region_pde[region_list[k]] = dth_guest_pde(region_list[k] << 22, &large);
}

void dt_check_page(uint32_t la)
{
	if (!(lin_pages[la >> 17] & (1u << ((la >> 12) & 31))))
		return;	/* no translation starts on that page */
	/* Killed even if the page still maps the same frame: the next fetch
	   walks the guest's tables again and sets its accessed bit, as the
	   CPU's fetch through a flushed TLB entry would. */
	for (struct dt_block *b = cache_blocks, *end = cache_blocks + nblocks; b < end; b++)
		if (((b->eip ^ la) & PTE_ADDR) == 0 && !b->dead)
			cache_kill_block(b);
}

struct dt_block *dt_block_at(uint32_t addr)
{
	struct dt_block *const bl = cache_blocks;
	uint32_t lo = 0, hi = nblocks;

	/* Blocks are allocated in address order: binary search. */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		struct dt_block *b = &bl[mid];

		if (addr < (uint32_t)b->code)
			hi = mid;
		else if (addr >= (uint32_t)b->code + b->code_len)
			lo = mid + 1;
		else
			return b;
	}
	return 0;
}

int dt_guest_eip(const struct dt_block *b, uint32_t addr, uint32_t *eip, int *scratch)
{
	const struct dt_pc *pc = pc_at(b, addr);

	*eip = b->eip + pc->goff;
	*scratch = pc->scratch;
	return pc->coff == addr - (uint32_t)b->code;
}

struct dt_exit *dt_stub_at(uint32_t addr)
{
	const uint8_t *p = (const uint8_t *)addr;

	if (addr < (uint32_t)cache_base || addr + DT_STUB_SIZE > (uint32_t)cache_end ||
	    p[0] != 0xCD || p[1] != VEC_DT_EXIT)
		return 0;
	return *(struct dt_exit *const *)(p + 2);
}

int dt_in_shared(uint32_t addr)
{
	return addr >= (uint32_t)cache_base && addr < (uint32_t)cache_start;
}

int dt_branch_tail(uint32_t addr, uint32_t *lin)
{
	struct dt_exit *x;
	struct dt_block *b;
	uint32_t to;
	int32_t rel;

	if (addr < (uint32_t)cache_start || addr + 5 > (uint32_t)cache_next ||
	    *(const uint8_t *)addr != 0xE9)
		return 0;
	memcpy(&rel, (const uint8_t *)addr + 1, 4);
	to = addr + 5 + (uint32_t)rel;
	x = dt_stub_at(to);
	if (x && (x->kind == DTX_BRANCH || x->kind == DTX_STEP_END)) {
		*lin = x->target;
		return 1;
	}
	b = dt_block_at(to);
	if (b && to == (uint32_t)b->code) {
		*lin = b->eip;
		return 1;
	}
	return 0;
}

void dt_print_stats(void)
{
	const struct dt_stats *s = &dt_stats;

	log_info("dt", "translations %u (%u guest insns, %u bytes in, %u bytes of cache)",
		 s->translations, s->insns, s->bytes_in, s->bytes_out);
	log_info("dt", "lookups %u, misses %u; indirect misses %u; chained %u, unlinked %u",
		 s->lookups, s->lookup_misses, s->ib_misses, s->chained, s->unlinked);
	log_info("dt", "flushes %u, page invalidations %u, dead blocks %u",
		 s->flushes, s->invalidations, s->dead_blocks);
	log_info("dt", "mapping checks: region scans %u, pages checked %u, page scans %u",
		 s->map_region_scans, s->map_pages_checked, s->map_page_scans);
	if (smc_checked_count)
		log_info("dt", "pages turned checked %u, checked blocks found stale %u",
			 smc_checked_count, s->checked_stale);
	log_info("dt", "exits: branch %u, indirect %u, emulate %u, raise %u, step %u",
		 s->exits[DTX_BRANCH], s->exits[DTX_IND], s->exits[DTX_EMUL],
		 s->exits[DTX_RAISE], s->exits[DTX_STEP_END]);
	if (s->exits[DTX_DEBUG])
		log_info("dt", "exits: debugger breakpoints %u", s->exits[DTX_DEBUG]);
}
