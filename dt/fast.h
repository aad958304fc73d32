/*
 * The fast area: what translated guest code reaches through %gs
 * (SEL_R1_GS, a ring-1 data segment over dt_fast) without leaving ring 1:
 * scratch slots for expansions, the indirect-branch table, and the tables
 * the inline flag and port checks read.  The emitted code uses the VF_*
 * offsets, so the layout is fixed and checked (dt/cache.c).  The virtual
 * CPU fills the tables (monitor/vcpu.c, monitor/gdt.c) and the reload
 * trampoline's slots (monitor/nullsel.c).
 */
#ifndef DT_FAST_H
#define DT_FAST_H

#include <stdint.h>

struct dt_fast {
	uint32_t s_eax;		/* 0x00 scratch: guest eax during an expansion */
	uint32_t s_ecx;		/* 0x04 scratch: guest ecx */
	uint32_t s_target;	/* 0x08 cache address of an indirect target */
	uint32_t s_guest;	/* 0x0c guest address of an indirect target */
	uint32_t hv_gs;		/* 0x10 its own selector (dt_init), for reloading
				   %gs through %cs after a guest %gs access */
	uint32_t guest_gs;	/* 0x14 the guest's GS selector */
	uint32_t sv_ds;		/* 0x18 the reload trampoline (dt/cache.c): */
	uint32_t sv_es;		/* 0x1c   selectors to load at ring 1 */
	uint32_t sv_fs;		/* 0x20 */
	uint32_t sv_target;	/* 0x24   cache address to go on at */
	uint32_t sv_gs;		/* 0x28   (%gs: hv's or, in an expansion, the guest's) */
	uint32_t pad[5];
	/* 0x40: indirect-branch table, indexed by the target's low 16 bits. */
	struct { uint32_t guest, cache; } ibtc[65536];
	/*
	 * With the guest's IF in the real IF (native_if, docs/ARCHITECTURE.md
	 * "Flags and interrupts"), indexed by bits 8-15 of EFLAGS:
	 * pushf_fix gives the byte PUSHF must store (the guest's IOPL and TF
	 * instead of the real ones); popf_exit is 0 where a popped value may go
	 * to the real EFLAGS as it is, 1 where hv must see it (IOPL or TF).
	 */
	uint8_t pushf_fix[256];
	uint8_t popf_exit[256];
	/* 1 for a port hv intercepts (any byte of a dword access there). */
	uint8_t io_exit[65536];
};
#define VF_S_EAX	0x00
#define VF_S_ECX	0x04
#define VF_S_TARGET	0x08
#define VF_S_GUEST	0x0c
#define VF_HV_GS	0x10
#define VF_GUEST_GS	0x14
#define VF_IBTC		0x40
#define VF_PUSHF_FIX	(VF_IBTC + 65536 * 8)
#define VF_POPF_EXIT	(VF_PUSHF_FIX + 256)
#define VF_IO_EXIT	(VF_POPF_EXIT + 256)

extern struct dt_fast dt_fast;

#endif
