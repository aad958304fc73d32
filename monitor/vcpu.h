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

#include "dt/fast.h"
#include "monitor/mm/mm.h"
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

/* Code/data descriptor type bits (SDM vol. 3A 3.4.5.1, table 3-1). */
#define TYPE_CODE	0x8
#define TYPE_CONFORM	0x4
#define TYPE_RW		0x2	/* code: readable; data: writable */
#define TYPE_EXPDOWN	0x4

enum { VS_ES, VS_CS, VS_SS, VS_DS, VS_FS, VS_GS, VS_COUNT };

#define DR6_BS 0x4000	/* single-step (SDM vol. 3B 17.2.3) */

struct vdtr {
	uint32_t base;
	uint16_t limit;
};


struct vcpu {
	struct vseg seg[VS_COUNT];
	uint32_t eip;		/* valid while hv handles a trap */
	uint32_t vflags;	/* virtual EFLAGS bits: IF, IOPL, TF, VM, RF */
	int cpl;		/* the guest's privilege level: 0 or 3 */
	struct vdtr gdtr, idtr;
	struct vseg ldtr, tr;
	/* CR0, CR2, CR3, CR4: gcr, in the memory layer (monitor/mm/mm.h) */
	uint32_t dr[8];
	uint32_t sysenter_cs, sysenter_esp, sysenter_eip;

	/* Interrupts (pending ones are in drivers/intc.c). */
	uint32_t shadow_eip;	/* STI / MOV SS shadow covers this guest EIP */
	int shadow;		/* an interrupt shadow is active */
	int stepping;		/* hv set the real TF to reach a clean point */
	int tf_pending;		/* guest TF: a #DB is due after this instruction */
	int native_if;		/* guest IF lives in the real IF (IOPL 1 at ring 1) */
	int if_held;		/* hv forced the real IF clear (shadow stepping) */
	int nmi_blocked;	/* an NMI handler runs: NMIs wait for its IRET
				   (SDM vol. 3A 6.7.1) */

	/* The debugger (monitor/debug/, through guest_hooks). */
	int breakpoints;	/* how many are set: translate with DT_MODE_DEBUG */
	uint32_t single_code;	/* cache address of the last one-instruction
				   block run for it */
};

extern struct vcpu vcpu;

/* (tf_gpr, a register of the frame: lib/trapframe.h.) */

/* The guest's full EFLAGS as it would read them (pushf). */
uint32_t vcpu_read_eflags(const struct trapframe *tf);
/*
 * Sets EFLAGS as POPF/IRET would at the guest's privilege level: mask says
 * which bits may change (the rest keep their value).
 */
void vcpu_write_eflags(struct trapframe *tf, uint32_t value, uint32_t mask);

/* The real CR0 and CR4 take the guest's FPU and SSE bits (emul_sys.c). */
void vcpu_sync_cr(void);

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
