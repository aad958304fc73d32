/*
 * Delivering exceptions and interrupts to the guest through its virtual
 * IDT, with the frame the hardware would build (SDM vol. 3A 6.12
 * "Exception and interrupt handling", 6.13 error codes, 6.15 "Exception
 * and interrupt reference" for the double-fault classes).
 *
 * Hardware interrupts arrive at hv's own vectors; the guest vector they
 * stand for waits in a small queue until the guest can take it (virtual
 * IF set, no STI/MOV SS shadow), which guest.c checks at every clean
 * guest-instruction boundary.
 */
#include "monitor/intr.h"

#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "lib/log.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

static int contributory(int v)
{
	return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

/*
 * Switches to the ring-0 stack named in the guest's TSS (SS0:ESP0): a
 * missing or bad SS0 is #TS, a non-present one #SS (SDM 6.12.1, 7.2.1).
 */
static int inner_stack(struct trapframe *tf, uint32_t ext, struct fault *f)
{
	uint32_t esp0 = 0, ss0 = 0, attr, type;
	uint64_t d;

	if (!vcpu.tr.valid || vcpu.tr.limit < 11)
		return raise(f, EXC_TS, 1, (vcpu.tr.sel & 0xFFFC) | ext);
	if (gmem_read(vcpu.tr.base + 4, &esp0, 4) || gmem_read(vcpu.tr.base + 8, &ss0, 2))
		return raise(f, EXC_TS, 1, (vcpu.tr.sel & 0xFFFC) | ext);
	if ((ss0 & 0xFFFC) == 0)
		return raise(f, EXC_TS, 1, ext);
	if (seg_read_desc((uint16_t)ss0, &d))
		return raise(f, EXC_TS, 1, (ss0 & 0xFFFC) | ext);
	attr = SEG_ATTR(d);
	type = ATTR_TYPE(attr);
	if ((ss0 & 3) != 0 || ATTR_DPL(attr) != 0 || !ATTR_S(attr) || (type & 0x8) ||
	    !(type & 0x2))
		return raise(f, EXC_TS, 1, (ss0 & 0xFFFC) | ext);
	if (!ATTR_P(attr))
		return raise(f, EXC_SS, 1, (ss0 & 0xFFFC) | ext);
	vcpu.cpl = 0;
	seg_set_real(VS_SS, (uint16_t)ss0, d);
	tf->ss = (ss0 & ~3u) | 1;
	tf->esp = esp0;
	return 0;
}

/* One delivery attempt; -1 with f set if it faulted. */
static int deliver_once(struct trapframe *tf, int vec, int kind, int has_err, uint32_t err,
			uint32_t ret_eip, struct fault *f)
{
	uint32_t ext = kind == INTR_EXT ? 1 : 0, gate_err = (uint32_t)vec * 8 + 2 + ext;
	uint32_t lo, hi, type, dpl, sel, off, fl;
	uint64_t gate;
	struct trapframe saved = *tf;
	struct vcpu saved_vcpu = vcpu;
	int r;

	if ((uint32_t)vec * 8 + 7 > vcpu.idtr.limit)
		return RAISE_GP(f, gate_err);
	r = gmem_read(vcpu.idtr.base + (uint32_t)vec * 8, &gate, 8);
	if (r == GMEM_HV)
		guest_stop(tf, "the guest's IDT (%08x) lies in hv's memory", vcpu.idtr.base);
	if (r)
		return RAISE_GP(f, gate_err);
	lo = (uint32_t)gate;
	hi = (uint32_t)(gate >> 32);
	type = (hi >> 8) & 0x1F;	/* S bit and type */
	dpl = (hi >> 13) & 3;
	if (type == SYS_TASKGATE)
		guest_stop(tf, "vector %d goes through a task gate: not supported yet", vec);
	if (type != SYS_INTGATE32 && type != SYS_TRAPGATE32) {
		if (type == 0x6 || type == 0x7)
			guest_stop(tf, "vector %d has a 16-bit gate: not supported", vec);
		return RAISE_GP(f, gate_err);
	}
	if (kind == INTR_SOFT && (int)dpl < vcpu.cpl)
		return RAISE_GP(f, gate_err);
	if (!(hi & (1u << 15)))
		return raise(f, EXC_NP, 1, gate_err);
	sel = lo >> 16;
	off = (hi & 0xFFFF0000) | (lo & 0xFFFF);
	fl = vcpu_read_eflags(tf) & ~FL_RF;

	if (vcpu.cpl > 0) {
		/* To ring 0: the stack from the guest's TSS (SDM 6.12.1). */
		uint32_t old_ss = vcpu.seg[VS_SS].sel, old_esp = tf->esp;
		uint32_t old_cs = vcpu.seg[VS_CS].sel;
		int r = inner_stack(tf, ext, f);

		if (r)
			goto undo;
		if (vcpu_push(tf, old_ss, 4, f) || vcpu_push(tf, old_esp, 4, f))
			goto undo;
		if (vcpu_push(tf, fl, 4, f) || vcpu_push(tf, old_cs, 4, f) ||
		    vcpu_push(tf, ret_eip, 4, f) || (has_err && vcpu_push(tf, err, 4, f)))
			goto undo;
	} else if (vcpu_push(tf, fl, 4, f) || vcpu_push(tf, vcpu.seg[VS_CS].sel, 4, f) ||
		   vcpu_push(tf, ret_eip, 4, f) || (has_err && vcpu_push(tf, err, 4, f))) {
		goto undo;
	}
	if (seg_load_cs(tf, (uint16_t)sel, off, 0, f)) {
		/* Errors about the target CS carry EXT (SDM 6.13). */
		f->err |= f->has_err && f->err ? ext : 0;
		goto undo;
	}
	if (vcpu.vflags & FL_TF) {
		vcpu.vflags &= ~FL_TF;
		vcpu_flags_tables();
	}
	if (type == SYS_INTGATE32)
		vcpu.vflags &= ~FL_IF;
	tf->eflags &= ~(FL_NT | FL_RF);
	vcpu.eip = off;
	return 0;
undo:
	*tf = saved;
	vcpu = saved_vcpu;
	return -1;
}

int intr_deliver(struct trapframe *tf, int vec, int kind, int has_err, uint32_t err,
		 uint32_t ret_eip, struct fault *f)
{
	struct fault nf;
	int first = vec;

	(void)f;
	for (int depth = 0;; depth++) {
		if (deliver_once(tf, vec, kind, has_err, err, ret_eip, &nf) == 0)
			return 0;
		log_debug("intr", "delivering vector %d faulted: vector %d err %x", vec,
			  nf.vec, nf.err);
		if (vec == EXC_DF || depth > 2)
			guest_stop(tf, "triple fault (delivering vector %d, then %d)", first,
				   nf.vec);
		if ((contributory(vec) && contributory(nf.vec)) ||
		    (vec == EXC_PF && (contributory(nf.vec) || nf.vec == EXC_PF))) {
			vec = EXC_DF;
			has_err = 1;
			err = 0;
		} else {
			vec = nf.vec;
			has_err = nf.has_err;
			err = nf.err;
			if (vec == EXC_PF)
				gcr.cr2 = nf.cr2;
		}
		kind = INTR_EXC;
		/* A fault while delivering reports the original instruction. */
	}
}

int intr_soft(struct trapframe *tf, int vec, uint32_t next_eip, struct fault *f)
{
	struct fault nf;

	/* INT n faults (bad gate, DPL) are reported at the INT instruction. */
	if (deliver_once(tf, vec, INTR_SOFT, 0, 0, next_eip, &nf) == 0)
		return 0;
	*f = nf;
	return -1;
}
