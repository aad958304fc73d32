/*
 * The virtual CPU: everything about the guest's processor state that is
 * not held in the real registers while its code runs (docs/ARCHITECTURE.md,
 * "The virtual CPU").
 *
 * While translated guest code runs at ring 1, the real general registers,
 * the arithmetic flags, DF/AC/ID/NT and the data segment registers DS, ES
 * and FS are the guest's own.  Virtual, kept here: EIP (the real EIP is a
 * code-cache address), CS and SS (the real ones carry RPL 1), GS (reserved
 * for hv's fast area), EFLAGS.IF and IOPL, the descriptor-table registers,
 * the control and debug registers, and the guest's privilege level.
 */
#ifndef MON_VCPU_H
#define MON_VCPU_H

#include <stdint.h>

#include "monitor/trap.h"

/* A segment register as the CPU holds it: selector and descriptor cache. */
struct vseg {
	uint16_t sel;
	uint32_t base;
	uint32_t limit;		/* in bytes - 1, granularity applied */
	uint32_t attr;		/* descriptor bits 40-55: access byte | flags << 8 */
	int valid;		/* loaded with a usable (non-null) descriptor */
};

#define SEG_ATTR(desc) ((uint32_t)(((desc) >> 40) & 0xF0FF))
#define ATTR_TYPE(a)	((a) & 0x0F)
#define ATTR_S(a)	(((a) >> 4) & 1)
#define ATTR_DPL(a)	(((a) >> 5) & 3)
#define ATTR_P(a)	(((a) >> 7) & 1)
#define ATTR_DB(a)	(((a) >> 14) & 1)

enum { VS_ES, VS_CS, VS_SS, VS_DS, VS_FS, VS_GS, VS_COUNT };

#define DR6_BS 0x4000	/* single-step (SDM vol. 3B 17.2.3) */

struct vdtr {
	uint32_t base;
	uint16_t limit;
};

/*
 * The fast area: what translated code reaches through %gs (SEL_R1_GS).
 * Offsets are used by the emitted code (dt/emit.h), so the layout is
 * fixed and checked.
 */
struct vcpu_fast {
	uint32_t s_eax;		/* 0x00 scratch: guest eax during an expansion */
	uint32_t s_ecx;		/* 0x04 scratch: guest ecx */
	uint32_t s_target;	/* 0x08 cache address of an indirect target */
	uint32_t s_guest;	/* 0x0c guest address of an indirect target */
	uint32_t hv_gs;		/* 0x10 SEL_R1_GS, for reloading %gs */
	uint32_t guest_gs;	/* 0x14 the guest's GS selector */
	uint32_t sv_ds;		/* 0x18 the reload trampoline (dt/cache.c): */
	uint32_t sv_es;		/* 0x1c   selectors to load at ring 1 */
	uint32_t sv_fs;		/* 0x20 */
	uint32_t sv_target;	/* 0x24   cache address to go on at */
	uint32_t sv_eip;	/* 0x28   the guest EIP that stands for */
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
#define VF_SV_DS	0x18
#define VF_SV_ES	0x1c
#define VF_SV_FS	0x20
#define VF_SV_TARGET	0x24
#define VF_IBTC		0x40
#define VF_PUSHF_FIX	(VF_IBTC + 65536 * 8)
#define VF_POPF_EXIT	(VF_PUSHF_FIX + 256)
#define VF_IO_EXIT	(VF_POPF_EXIT + 256)

struct vcpu {
	struct vseg seg[VS_COUNT];
	uint32_t eip;		/* valid while hv handles a trap */
	uint32_t vflags;	/* virtual EFLAGS bits: IF, IOPL, TF, VM, RF */
	int cpl;		/* the guest's privilege level: 0 or 3 */
	struct vdtr gdtr, idtr;
	struct vseg ldtr, tr;
	uint32_t cr0, cr2, cr3, cr4;
	uint32_t dr[8];
	uint32_t sysenter_cs, sysenter_esp, sysenter_eip;

	/* Interrupts (pending ones are in drivers/intc.c). */
	uint32_t shadow_eip;	/* STI / MOV SS shadow covers this guest EIP */
	int shadow;		/* an interrupt shadow is active */
	int stepping;		/* hv set the real TF to reach a clean point */
	int tf_pending;		/* guest TF: a #DB is due after this instruction */
	int native_if;		/* guest IF lives in the real IF (IOPL 1 at ring 1) */
	int if_held;		/* hv forced the real IF clear (shadow stepping) */
};

extern struct vcpu vcpu;
extern struct vcpu_fast vcpu_fast;

/* The guest's general register n (0 = eax ... 7 = edi) in a trap frame. */
uint32_t *tf_gpr(struct trapframe *tf, int n);

/* The guest's full EFLAGS as it would read them (pushf). */
uint32_t vcpu_read_eflags(const struct trapframe *tf);
/*
 * Sets EFLAGS as POPF/IRET would at the guest's privilege level: mask says
 * which bits may change (the rest keep their value).
 */
void vcpu_write_eflags(struct trapframe *tf, uint32_t value, uint32_t mask);

/* Rebuilds the fast area's PUSHF/POPF tables after IOPL or TF changed. */
void vcpu_flags_tables(void);

/* The virtual-to-real flag bits: what the guest owns in the real EFLAGS. */
#define FL_REAL_GUEST (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | \
		       FL_OF | FL_NT | FL_AC | FL_ID)
#define FL_VIRTUAL (FL_IF | FL_IOPL_MASK | FL_TF | FL_RF | FL_VM | FL_VIF | FL_VIP)

/*
 * Stops the guest: logs "hv: guest: stopped: <reason>" with its EIP and
 * registers, prints the counters, and exits QEMU with HV_EXIT_GUEST_STOPPED.
 */
__attribute__((noreturn, format(printf, 2, 3)))
void guest_stop(struct trapframe *tf, const char *fmt, ...);

#endif
