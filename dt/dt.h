/*
 * The code-monitoring translator (docs/ARCHITECTURE.md, "The translator").
 *
 * Guest kernel code never runs as it is: dt_get() translates a basic block
 * at a guest EIP into the code cache, where most instructions are copied
 * 1:1, branches are rewritten to stay inside the cache, and the
 * instructions that must not run at ring 1 become exits into hv
 * (`int $VEC_DT_EXIT` followed by a pointer to a struct dt_exit).
 *
 * Translations are keyed by the guest's linear EIP and remember the guest
 * pages they were read from; a write to such a page (smc_write, dt/smc.c)
 * kills them and unlinks every branch chained into them.
 */
#ifndef DT_DT_H
#define DT_DT_H

#include <stdint.h>

/* Exit kinds (struct dt_exit.kind). */
enum dtx_kind {
	DTX_BRANCH,	/* direct branch to target; chainable when patch != 0 */
	DTX_IND,	/* indirect-branch miss: target in dt_fast.s_guest */
	DTX_EMUL,	/* emulate the instruction at eip (len bytes) */
	DTX_RAISE,	/* raise exception `vector` at eip */
	DTX_STEP_END,	/* end of a one-instruction block: go on at target */
	DTX_DEBUG,	/* a debugger breakpoint at eip (monitor/debug/debug.c) */
};

/* An exit stub: `int $VEC_DT_EXIT` (2 bytes) and the record's address. */
#define DT_STUB_SIZE	6

#define DTX_F_CONT	0x01	/* EMUL: translation goes on after the stub */
#define DTX_F_HLT	0x02	/* EMUL: HLT, wait for an interrupt after it */

struct dt_block;

struct dt_sens;
struct dt_sens_table;
struct dt_insn;

struct dt_exit {
	uint8_t kind;
	uint8_t flags;
	uint8_t len;		/* EMUL: instruction length */
	uint8_t vector;		/* RAISE: exception vector */
	uint32_t eip;		/* EMUL/RAISE/DEBUG: the instruction's guest EIP */
	uint8_t *stub;		/* the stub's cache address */
	struct dt_block *block;	/* the block the exit belongs to (0: shared) */
	union {
		struct {	/* BRANCH, STEP_END */
			uint32_t target;	/* guest EIP to go on at */
			int32_t *patch;		/* BRANCH: the rel32 that jumps to the stub */
			struct dt_block *linked; /* chained to this block, if any */
			struct dt_exit *next_in; /* next exit chained into `linked` */
		};
		struct {	/* EMUL */
			const struct dt_sens *sens;	/* its row (dt/sens.h) */
			const struct dt_insn *insn;	/* decoded when translated */
		};
	};
};

/* One pcmap entry per guest instruction of a block. */
struct dt_pc {
	uint16_t coff;		/* offset of its translation in the block */
	uint16_t goff : 13;	/* offset of the instruction from block EIP */
	uint16_t scratch : 1;	/* expansion keeps guest eax/ecx in scratch */
	uint16_t rmw : 1;	/* reads and writes its ModRM memory operand */
	uint16_t pad : 1;
};

struct dt_block {
	uint32_t eip;		/* guest linear address of the first instruction */
	uint32_t cs_base;	/* the CS base it was made for: pushed return
				   addresses and popped targets are offsets */
	uint32_t end;		/* guest EIP after the last instruction */
	uint32_t page[2];	/* guest pages read (page[1]: ~0 if none) */
	uint8_t *code;		/* cache address */
	uint16_t body_len;	/* translated instructions; stubs follow */
	uint16_t code_len;	/* body and stubs */
	uint32_t pc_first;	/* pcmap entries [pc_first, pc_first + npc) */
	uint16_t insn_first;	/* its EMUL exits' decoded instructions from here */
	uint8_t npc;		/* at most DT_BLOCK_INSNS */
	uint8_t dead:1;
	uint8_t transient:1;	/* one-instruction block, never looked up */
	uint8_t global:1;	/* its page was mapped global (CR4.PGE): a CR3
				   write need not re-check it */
	uint8_t checked:1;	/* from a checked page (smc_is_checked): never
				   chained into; its bytes verified at each lookup
				   against an FNV-1a hash kept in dt/smc.c */
	struct dt_exit *incoming; /* exits chained into this block */
	struct dt_block *hash_next;
};

/* Why a translation failed (dt_get returns 0). */
struct dt_fail {
	enum { DTF_NONE, DTF_FETCH_HV, DTF_FETCH_OUTSIDE, DTF_FETCH_PF } kind;
	uint32_t eip;
};

struct dt_stats {
	uint32_t translations, insns, bytes_in, bytes_out;
	uint32_t lookups, lookup_misses, ib_misses;
	uint32_t chained, unlinked, flushes, invalidations, dead_blocks;
	uint32_t exits[6];
	uint32_t emulated;
	uint32_t checked_stale;	/* checked blocks found changed at lookup */
	uint32_t map_region_scans, map_page_scans, map_pages_checked;
};
extern struct dt_stats dt_stats;

/*
 * The translator's mode (dt_get): what of the virtual CPU's state changes
 * how guest code is translated.
 */
#define DT_MODE_NATIVE_IF 0x1	/* the guest's IF is the real IF (IOPL 1 at
				   ring 1): CLI, STI, PUSHF, POPF run inline */
#define DT_MODE_DEBUG	  0x2	/* breakpoints are set (dth_breakpoint_at) */

/*
 * Sets the translator up over the code cache at cache (size bytes, mapped
 * for the ring translated code runs at) and its records at meta
 * (meta_size bytes), with the table of sensitive instructions and the
 * selector of the data segment over dt_fast (SEL_R1_GS in hv).
 */
void dt_init(void *cache, uint32_t size, void *meta, uint32_t meta_size,
	     const struct dt_sens_table *sens, uint16_t fast_sel);
/*
 * The live block at guest linear address `lin` for code segment base
 * cs_base, translating it if needed; 0 on failure.  (Addresses in dt/ are
 * linear; the guest's EIP is lin - cs_base.)
 */
struct dt_block *dt_get(uint32_t lin, uint32_t cs_base, int mode, struct dt_fail *fail);
/* A transient block holding only the instruction at lin, then an exit. */
struct dt_block *dt_get_single(uint32_t lin, uint32_t cs_base, int mode,
			       struct dt_fail *fail);
/* Points the exit's branch straight at the block (back-patching). */
void dt_chain(struct dt_exit *x, struct dt_block *to);
/* Remembers a resolved indirect target in the inline lookup table. */
void dt_ibtc_set(uint32_t eip, struct dt_block *b);
void dt_flush(void);
/* Bumped by every flush: cache addresses from before are stale. */
extern uint32_t dt_flush_gen;

/* The block holding a cache address, or 0 (shared code, stubs of none). */
struct dt_block *dt_block_at(uint32_t addr);
/*
 * Maps a cache address inside block b to guest state: *eip is the guest
 * instruction it belongs to; returns 1 if addr is that instruction's first
 * byte (a clean boundary), 0 if it is inside its expansion.  *scratch says
 * the expansion holds guest eax/ecx in the fast area's scratch slots.
 */
int dt_guest_eip(const struct dt_block *b, uint32_t addr, uint32_t *eip, int *scratch);
/*
 * Is the guest instruction that cache address addr (inside block b)
 * belongs to a read-modify-write of its ModRM memory operand?  (Decided
 * when it was translated; dt_guest_eip tells which instruction it is.)
 */
int dt_insn_rmw(const struct dt_block *b, uint32_t addr);
/* The exit whose stub starts at addr, or 0. */
struct dt_exit *dt_stub_at(uint32_t addr);
/* The shared lookup entry that always misses (for single-stepping). */
extern uint8_t *dt_miss_routine;
/* The ring-1 segment reload trampoline and its end. */
extern uint8_t *dt_reload_routine, *dt_reload_end;
/* Is addr inside the shared routines at the start of the cache? */
int dt_in_shared(uint32_t addr);
/*
 * Is addr the not-taken half of a translated conditional branch, a JMP
 * rel32 after the JCC in a block's tail, to the fall-through's exit stub
 * or block?  The guest's branch has completed there and the JMP changes
 * nothing the guest can see, so it is as clean a point as its target:
 * *lin, the guest linear address.  (QEMU takes interrupts only where its
 * own translation blocks start, and one starts after every JCC.)
 */
int dt_branch_tail(uint32_t addr, uint32_t *lin);

void dt_print_stats(void);

/*
 * The guest's mappings changed (CR3 write; INVLPG of la): translations of
 * linear pages that no longer map the physical page they were read from
 * are killed.
 */
void dt_check_mappings(void);
/* A global TLB flush (CR4.PGE changed): every translation re-checked. */
void dt_check_all_mappings(void);
void dt_check_page(uint32_t la);

#endif
