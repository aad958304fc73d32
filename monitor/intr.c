/*
 * Delivering exceptions and interrupts to the guest through its virtual
 * IDT, with the frame the hardware would build (SDM vol. 3A 6.12
 * "Exception and interrupt handling", 6.13 error codes, 6.15 "Exception
 * and interrupt reference" for the double-fault classes).
 *
 * Delivery is one step of the trap loop (monitor/guest.c): it takes an
 * event and returns what happens next, the handler's EIP (NX_GO) or a
 * stopped guest (NX_STOP); it never resumes the guest itself.  Hardware
 * interrupts wait in drivers/intc.c until the guest can take them (virtual
 * IF set, no STI/MOV SS shadow), which the loop checks at every clean
 * guest-instruction boundary.
 */
#include "monitor/intr.h"

#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

/* The classes of SDM vol. 3A table 6-4 (everything else is benign). */
static int contributory(int v)
{
	return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

/* Why the last delivery attempt stopped the guest. */
static char stop_why[96];

/*
 * Switches to the ring-0 stack named in the guest's TSS (SS0:ESP0): a
 * missing or bad SS0 is #TS, a non-present one #SS (SDM 6.12.1, 7.2.1).
 */
static int inner_stack(struct trapframe *tf, uint32_t ext, struct fault *f)
{
	uint32_t esp0 = 0, ss0 = 0, attr, type;
	uint64_t d;
	int r;

	if (!vcpu.tr.valid || vcpu.tr.limit < 11)
		return raise(f, EXC_TS, 1, (vcpu.tr.sel & 0xFFFC) | ext);
	/* A TSS page the guest's tables do not map is a #PF, as the CPU's
	   read makes it; a TSS hv cannot read for it (its region, its
	   frames) is unusable: #TS. */
	if ((r = gmem_read(vcpu.tr.base + 4, &esp0, 4)) == GMEM_PF ||
	    (!r && (r = gmem_read(vcpu.tr.base + 8, &ss0, 2)) == GMEM_PF))
		return emul_mem_fault(r, 0, 0, f);
	if (r)
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

/*
 * One delivery attempt: 0 with *handler set; -1 with f set if it faulted
 * (the guest's state as before); -2 if hv must stop the guest (stop_why).
 */
static int deliver_once(struct trapframe *tf, int vec, int kind, int has_err, uint32_t err,
			uint32_t ret_eip, struct fault *f, uint32_t *handler)
{
	uint32_t ext = kind == INTR_EXT ? 1 : 0, gate_err = (uint32_t)vec * 8 + 2 + ext;
	uint32_t lo, hi, type, dpl, sel, off, fl;
	uint64_t gate, cs_desc;
	int cs_dpl;
	struct trapframe saved = *tf;
	struct vcpu saved_vcpu = vcpu;
	int r;

	if ((uint32_t)vec * 8 + 7 > vcpu.idtr.limit)
		return RAISE_GP(f, gate_err);
	r = gmem_read(vcpu.idtr.base + (uint32_t)vec * 8, &gate, 8);
	if (r == GMEM_HV) {
		fmt_snprintf(stop_why, sizeof(stop_why), "the guest's IDT (%08x) lies in hv's memory",
			     vcpu.idtr.base);
		return -2;
	}
	if (r == GMEM_PF)	/* an IDT page the guest's tables do not map */
		return emul_mem_fault(r, 0, 0, f);
	if (r)
		return RAISE_GP(f, gate_err);
	lo = (uint32_t)gate;
	hi = (uint32_t)(gate >> 32);
	type = (hi >> 8) & 0x1F;	/* S bit and type */
	dpl = (hi >> 13) & 3;
	if (type == SYS_TASKGATE) {
		fmt_snprintf(stop_why, sizeof(stop_why),
			     "vector %d goes through a task gate: not supported yet", vec);
		return -2;
	}
	if (type != SYS_INTGATE32 && type != SYS_TRAPGATE32) {
		if (type == 0x6 || type == 0x7) {
			fmt_snprintf(stop_why, sizeof(stop_why),
				     "vector %d has a 16-bit gate: not supported", vec);
			return -2;
		}
		return RAISE_GP(f, gate_err);
	}
	if (kind == INTR_SOFT && (int)dpl < vcpu.cpl)
		return RAISE_GP(f, gate_err);
	if (!(hi & (1u << 15)))
		return raise(f, EXC_NP, 1, gate_err);
	sel = lo >> 16;
	off = (hi & 0xFFFF0000) | (lo & 0xFFFF);
	fl = vcpu_read_eflags(tf) & ~FL_RF;

	/* The handler's code segment first, then its stack (SDM INT n). */
	if (seg_check_int_cs((uint16_t)sel, ext, &cs_desc, &cs_dpl, f))
		goto undo;
	if (!ATTR_DB(SEG_ATTR(cs_desc))) {
		fmt_snprintf(stop_why, sizeof(stop_why),
			     "16-bit code segment %04x: not supported yet", sel);
		return -2;
	}
	if (cs_dpl != 0 && cs_dpl != vcpu.cpl) {
		fmt_snprintf(stop_why, sizeof(stop_why),
			     "vector %d: a handler at ring %d: not supported yet", vec, cs_dpl);
		return -2;
	}
	if (cs_dpl < vcpu.cpl) {
		/* To ring 0: the stack from the guest's TSS (SDM 6.12.1). */
		uint32_t old_ss = vcpu.seg[VS_SS].sel, old_esp = tf->esp;
		uint32_t old_cs = vcpu.seg[VS_CS].sel;
		/* The frame in memory order, the error code lowest. */
		uint32_t frame[6] = { err, ret_eip, old_cs, fl, old_esp, old_ss };
		int r = inner_stack(tf, ext, f);

		if (r)
			goto undo;
		if (off > desc_limit(cs_desc)) {
			RAISE_GP(f, 0);
			goto undo;
		}
		if (vcpu_push_words(tf, frame + !has_err, has_err ? 6 : 5, f))
			goto undo;
	} else if (vcpu.cpl != 0) {
		fmt_snprintf(stop_why, sizeof(stop_why),
			     "vector %d: a handler at ring %d: not supported yet", vec, cs_dpl);
		return -2;
	} else if (off > desc_limit(cs_desc)) {
		RAISE_GP(f, 0);
		goto undo;
	} else {
		uint32_t frame[4] = { err, ret_eip, vcpu.seg[VS_CS].sel, fl };

		if (vcpu_push_words(tf, frame + !has_err, has_err ? 4 : 3, f))
			goto undo;
	}
	seg_load_int_cs((uint16_t)sel, cs_desc);
	if (vcpu.vflags & FL_TF) {
		vcpu.vflags &= ~FL_TF;
		vcpu_flags_tables();
	}
	if (type == SYS_INTGATE32)
		vcpu.vflags &= ~FL_IF;
	tf->eflags &= ~(FL_NT | FL_RF);
	*handler = off;
	return 0;
undo:
	*tf = saved;
	vcpu = saved_vcpu;
	return -1;
}

/*
 * The SDM's double-fault rules (vol. 3A 6.15, table 6-5): a fault while
 * delivering an event is delivered in its place (serially), except that a
 * contributory fault while delivering a contributory one, and a
 * contributory or page fault while delivering a page fault, become #DF;
 * any fault while delivering #DF is a triple fault, which shuts the
 * machine down: the guest is stopped.  A fault of the delivery reports the
 * instruction the event came from (at_eip), as the CPU does, and a #PF
 * writes CR2 when it is raised.
 */
struct next intr_deliver(struct trapframe *tf, const struct event *first)
{
	struct event ev = *first;
	struct fault nf;
	uint32_t handler = 0;
	int chain[4];	/* the vectors tried, for the triple fault's reason */

	for (int depth = 0;; depth++) {
		int r;

		assert(depth < 4);	/* benign, contributory, #DF, then a triple fault */
		chain[depth] = ev.vec;
		if (ev.vec == EXC_PF && ev.kind == INTR_EXC)
			gcr.cr2 = ev.cr2;
		r = deliver_once(tf, ev.vec, ev.kind, ev.has_err, ev.err, ev.ret_eip, &nf, &handler);
		if (r == 0)
			return nx_go(handler, 0);
		if (r == -2)
			return nx_stop("%s", stop_why);
		log_debug("intr", "delivering vector %d faulted: vector %d err %x", ev.vec,
			  nf.vec, nf.err);
		if (ev.vec == EXC_DF && ev.kind == INTR_EXC) {
			char list[32] = "";

			for (int i = 0, n = 0; i < depth; i++)
				n += fmt_snprintf(list + n, sizeof(list) - (size_t)n, "%d, then ",
						  chain[i]);
			return nx_stop("triple fault (delivering vector %s8, then %d)", list,
				       nf.vec);
		}
		if (nf.vec == EXC_PF)
			gcr.cr2 = nf.cr2;
		if (ev.kind == INTR_EXC && ((contributory(ev.vec) && contributory(nf.vec)) ||
		    (ev.vec == EXC_PF && (contributory(nf.vec) || nf.vec == EXC_PF)))) {
			ev.vec = EXC_DF;
			ev.has_err = 1;
			ev.err = 0;
		} else {
			ev.vec = (uint8_t)nf.vec;
			ev.has_err = (uint8_t)nf.has_err;
			ev.err = nf.err;
			ev.cr2 = nf.cr2;
		}
		ev.kind = INTR_EXC;
		ev.ret_eip = ev.at_eip;
	}
}
