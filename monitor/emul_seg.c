/*
 * Segments for the guest (SDM vol. 3A 3.4-3.5 descriptors, 5.5-5.8
 * privilege checks; vol. 2: MOV/POP to Sreg, LDS..., LAR, LSL, VERR/VERW,
 * LLDT, LTR, JMP/CALL/RET far, IRET).
 *
 * The guest's GDT and LDT stay in guest memory; a segment load reads the
 * guest's descriptor, makes the checks the CPU makes for the guest's
 * privilege level, sets its accessed bit, and keeps a copy in the vcpu.
 * DS, ES, FS and SS are real: the descriptor is also written, as a shadow,
 * into the real GDT at the same index with its DPL raised to 1 (the guest
 * kernel runs at ring 1) and its limit cut below hv's linear region (an
 * expand-down one that would reach it gets no valid offset), and
 * the real register is loaded with the guest's selector (SS with RPL 1).
 * CS and GS are virtual: translated code runs on hv's ring-1 CS and %gs
 * reaches hv's fast area.
 */
#include "monitor/emul.h"

#include "monitor/gdt.h"
#include "monitor/mm/mm.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

/* Selector error codes carry the selector without its RPL (SDM 6.13). */
#define SEL_ERR(s) ((uint32_t)(s) & 0xFFFC)

/* The CS descriptor of a return to an outer level, until SS is checked. */
static uint64_t pending_cs;

/* Address of the guest descriptor for sel; -1 if beyond the table limit. */
int seg_desc_addr(uint16_t sel, uint32_t *la)
{
	uint32_t base, limit;

	if (sel & SEL_TI) {
		if (!vcpu.ldtr.valid)
			return -1;
		base = vcpu.ldtr.base;
		limit = vcpu.ldtr.limit;
	} else {
		base = vcpu.gdtr.base;
		limit = vcpu.gdtr.limit;
	}
	if ((uint32_t)(sel | 7) > limit)
		return -1;
	*la = base + (sel & ~7u);
	return 0;
}

int seg_read_desc(uint16_t sel, uint64_t *desc)
{
	uint32_t la;
	int r;

	if (seg_desc_addr(sel, &la))
		return -1;
	r = gmem_read(la, desc, 8);
	if (r == GMEM_HV)
		guest_stop(0, "guest descriptor table entry %04x lies in hv's memory (%08x)",
			   sel, la);
	return r ? -1 : 0;
}

/* Sets the accessed bit in the guest's descriptor, as the CPU does. */
static void set_accessed(uint16_t sel, uint64_t *desc)
{
	uint32_t la;
	uint8_t access;

	if (*desc & ((uint64_t)DESC_ACC << 40))
		return;
	*desc |= (uint64_t)DESC_ACC << 40;
	access = (uint8_t)(*desc >> 40);
	if (!seg_desc_addr(sel, &la))
		gmem_write(la + 5, &access, 1);
}

/* The real descriptor for a guest code/data descriptor (see the top). */
uint64_t seg_shadow_desc(uint64_t d)
{
	uint32_t attr = SEG_ATTR(d), base = desc_base(d), limit = desc_limit(d);
	uint32_t access = attr & 0xFF, flags = (attr >> 12) & 0xF;
	uint32_t max;

	if (!ATTR_S(attr))
		return 0;
	if (ATTR_DPL(attr) == 0)
		access = (access & ~DESC_DPL(3)) | DESC_DPL(1);
	access |= DESC_ACC;
	if (!(attr & TYPE_CODE) && (attr & TYPE_EXPDOWN)) {
		/* Offsets above the limit, up to the B flag's top: kept if
		   none reaches hv's region, else none is valid (accesses
		   from ring 3 are then performed by user_wrap.c). */
		uint64_t top = ATTR_DB(attr) ? 0xFFFFFFFFu : 0xFFFFu;

		if (base + top < HV_BASE)
			return SEG_DESC(base, (uint32_t)(d & 0xFFFF) |
					(uint32_t)((d >> 32) & 0xF0000), access, flags);
		if (ATTR_DB(attr))
			return SEG_DESC(base, 0xFFFFF, access, flags | DESC_G);
		return SEG_DESC(base, 0xFFFF, access, flags & ~DESC_G);
	}
	if (base >= HV_BASE)
		return SEG_DESC(0, 0, access & ~DESC_P, flags);
	max = HV_BASE - 1 - base;
	if (limit > max)
		limit = max;
	if (limit > 0xFFFFF) {
		flags |= DESC_G;
		limit = ((limit + 1) >> 12) - 1;
	} else {
		flags &= ~DESC_G;
	}
	return SEG_DESC(base, limit, access, flags);
}

void seg_set_real(int sreg, uint16_t sel, uint64_t desc)
{
	struct vseg *s = &vcpu.seg[sreg];

	s->sel = sel;
	if (sreg == VS_GS)
		dt_fast.guest_gs = sel;
	if ((sel & 0xFFFC) == 0 && sreg != VS_CS && sreg != VS_SS) {
		s->valid = 0;
		s->base = 0;
		s->limit = 0;
		s->attr = 0;
		return;
	}
	s->valid = 1;
	s->base = desc_base(desc);
	s->limit = desc_limit(desc);
	s->attr = SEG_ATTR(desc);
	if (seg_user_current(sel, desc))
		return;	/* the real entry is already this descriptor's shadow */
	if (sel & SEL_TI)
		hv_ldt[SEL_INDEX(sel)] = seg_user_loaded(sel, desc);
	else if (SEL_INDEX(sel) < HV_GDT_FIRST)
		gdt[SEL_INDEX(sel)] = seg_user_loaded(sel, desc);
}

/*
 * MOV/POP to Sreg, LDS & co. (SDM vol. 2, MOV "Protected mode exceptions"
 * and the LOAD SEGMENT checks).
 */
int seg_load(struct trapframe *tf, int sreg, uint16_t sel, struct fault *f)
{
	uint64_t d;
	uint32_t attr, type;
	int rpl = sel & 3, dpl;

	if (sreg == VS_SS) {
		if ((sel & 0xFFFC) == 0)
			return RAISE_GP(f, 0);
		if (seg_read_desc(sel, &d))
			return RAISE_GP(f, SEL_ERR(sel));
		attr = SEG_ATTR(d);
		type = ATTR_TYPE(attr);
		dpl = ATTR_DPL(attr);
		if (rpl != vcpu.cpl || dpl != vcpu.cpl || !ATTR_S(attr) ||
		    (type & TYPE_CODE) || !(type & TYPE_RW))
			return RAISE_GP(f, SEL_ERR(sel));
		if (!ATTR_P(attr))
			return raise(f, EXC_SS, 1, SEL_ERR(sel));
	} else if ((sel & 0xFFFC) == 0) {
		seg_set_real(sreg, sel, 0);
		goto real;
	} else {
		if (seg_read_desc(sel, &d))
			return RAISE_GP(f, SEL_ERR(sel));
		attr = SEG_ATTR(d);
		type = ATTR_TYPE(attr);
		dpl = ATTR_DPL(attr);
		if (!ATTR_S(attr) || ((type & TYPE_CODE) && !(type & TYPE_RW)))
			return RAISE_GP(f, SEL_ERR(sel));
		if (!((type & TYPE_CODE) && (type & TYPE_CONFORM)) &&
		    (rpl > dpl || vcpu.cpl > dpl))
			return RAISE_GP(f, SEL_ERR(sel));
		if (!ATTR_P(attr))
			return raise(f, EXC_NP, 1, SEL_ERR(sel));
	}
	if (!(sel & SEL_TI) && SEL_INDEX(sel) >= HV_GDT_FIRST)
		guest_stop(tf, "guest selector %04x collides with hv's GDT slots", sel);
	set_accessed(sel, &d);
	seg_set_real(sreg, sel, d);
real:
	switch (sreg) {
	case VS_DS: tf->ds = sel; break;
	case VS_ES: tf->es = sel; break;
	case VS_FS: tf->fs = sel; break;
	case VS_SS: tf->ss = (sel & ~3u) | 1; break;
	default: break;	/* GS stays hv's */
	}
	return 0;
}

/*
 * Loads CS for a far JMP/CALL/RET or IRET to the same privilege level
 * (SDM vol. 3A 5.8.1-5.8.2; 6.12.1 for IRET).  Call gates, task switches
 * and privilege changes are refused with a clear stop for now.
 */
int seg_load_cs(struct trapframe *tf, uint16_t sel, uint32_t offset, int is_return,
		struct fault *f)
{
	uint64_t d;
	uint32_t attr, type;
	int rpl = sel & 3, dpl;

	if ((sel & 0xFFFC) == 0)
		return RAISE_GP(f, 0);
	if (seg_read_desc(sel, &d))
		return RAISE_GP(f, SEL_ERR(sel));
	attr = SEG_ATTR(d);
	type = ATTR_TYPE(attr);
	dpl = ATTR_DPL(attr);
	if (!ATTR_S(attr)) {
		if (!is_return && (type == SYS_TASKGATE || type == SYS_TSS32_AVAIL))
			guest_stop(tf, "far transfer through a task gate or TSS (%04x): "
				   "not supported yet", sel);
		return RAISE_GP(f, SEL_ERR(sel));
	}
	if (!(type & TYPE_CODE))
		return RAISE_GP(f, SEL_ERR(sel));
	if (is_return) {
		if (rpl < vcpu.cpl)
			return RAISE_GP(f, SEL_ERR(sel));
		if ((type & TYPE_CONFORM) ? dpl > rpl : dpl != rpl)
			return RAISE_GP(f, SEL_ERR(sel));
	} else if (type & TYPE_CONFORM) {
		if (dpl > vcpu.cpl)
			return RAISE_GP(f, SEL_ERR(sel));
	} else if (rpl > vcpu.cpl || dpl != vcpu.cpl) {
		return RAISE_GP(f, SEL_ERR(sel));
	}
	if (!ATTR_P(attr))
		return raise(f, EXC_NP, 1, SEL_ERR(sel));
	if (offset > desc_limit(d))
		return RAISE_GP(f, 0);
	if (!ATTR_DB(attr))
		guest_stop(tf, "16-bit code segment %04x: not supported yet", sel);
	if (is_return && rpl > vcpu.cpl) {
		/* Return to an outer level: the caller loads SS:ESP first. */
		pending_cs = d;
		return 0;
	}
	set_accessed(sel, &d);
	seg_set_real(VS_CS, (uint16_t)((sel & ~3u) | (uint32_t)vcpu.cpl), d);
	return 0;
}

int seg_check_int_cs(uint16_t sel, uint32_t ext, uint64_t *desc, int *dpl, struct fault *f)
{
	uint32_t attr;

	if ((sel & 0xFFFC) == 0)
		return RAISE_GP(f, 0);
	if (seg_read_desc(sel, desc))
		return RAISE_GP(f, SEL_ERR(sel) | ext);
	attr = SEG_ATTR(*desc);
	if (!ATTR_S(attr) || !(ATTR_TYPE(attr) & TYPE_CODE))
		return RAISE_GP(f, SEL_ERR(sel) | ext);
	*dpl = ATTR_DPL(attr);
	if (*dpl > vcpu.cpl)
		return RAISE_GP(f, SEL_ERR(sel) | ext);
	if (!ATTR_P(attr))
		return raise(f, EXC_NP, 1, SEL_ERR(sel) | ext);
	if (ATTR_TYPE(attr) & TYPE_CONFORM)
		*dpl = vcpu.cpl;	/* a conforming handler runs at the CPL */
	return 0;
}

void seg_load_int_cs(uint16_t sel, uint64_t desc)
{
	set_accessed(sel, &desc);
	seg_set_real(VS_CS, (uint16_t)((sel & ~3u) | (uint32_t)vcpu.cpl), desc);
}

/*
 * The second half of IRET/RETF to an outer privilege level (SDM vol. 2
 * IRET "RETURN-TO-OUTER-PRIVILEGE-LEVEL", RET "RETURN-TO-OUTER-
 * PRIVILEGE-LEVEL"): SS:ESP from the stack at sp_off, checked against the
 * new CS's RPL; then the CPL changes, and data segment registers the new
 * level may not use are cleared.
 */
static int return_outer(struct trapframe *tf, uint16_t cs, uint32_t sp_off, int size,
			uint32_t extra, struct fault *f)
{
	uint32_t esp = 0, ss = 0, attr, type;
	uint64_t d;
	int rpl = cs & 3;

	if (vcpu_peek(tf, sp_off, &esp, size, f) || vcpu_peek(tf, sp_off + (uint32_t)size, &ss, 2, f))
		return -1;
	if ((ss & 0xFFFC) == 0)
		return RAISE_GP(f, 0);
	if ((int)(ss & 3) != rpl || seg_read_desc((uint16_t)ss, &d))
		return RAISE_GP(f, SEL_ERR(ss));
	attr = SEG_ATTR(d);
	type = ATTR_TYPE(attr);
	if (!ATTR_S(attr) || (type & TYPE_CODE) || !(type & TYPE_RW) || (int)ATTR_DPL(attr) != rpl)
		return RAISE_GP(f, SEL_ERR(ss));
	if (!ATTR_P(attr))
		return raise(f, EXC_SS, 1, SEL_ERR(ss));

	vcpu.cpl = rpl;
	set_accessed(cs, &pending_cs);
	seg_set_real(VS_CS, cs, pending_cs);
	set_accessed((uint16_t)ss, &d);
	seg_set_real(VS_SS, (uint16_t)ss, d);
	tf->ss = ss;
	tf->esp = esp + extra;
	for (int r = 0; r < VS_COUNT; r++) {
		struct vseg *v = &vcpu.seg[r];
		uint32_t t = ATTR_TYPE(v->attr);

		if (r == VS_CS || r == VS_SS || !v->valid)
			continue;
		if ((int)ATTR_DPL(v->attr) < rpl && !((t & TYPE_CODE) && (t & TYPE_CONFORM))) {
			seg_set_real(r, 0, 0);
			if (r == VS_DS) tf->ds = 0;
			if (r == VS_ES) tf->es = 0;
			if (r == VS_FS) tf->fs = 0;
		}
	}
	return 0;
}

/*
 * A far JMP/CALL naming a call gate goes to the gate's target (SDM vol. 3A
 * 5.8.4): the gate's DPL must admit CPL and RPL; the target must be code
 * with DPL <= CPL.  Only transfers that stay at the same privilege level
 * are handled; a gate to an inner ring stops the guest for now.
 */
static int resolve_gate(struct trapframe *tf, uint32_t *sel, uint32_t *off, int is_call,
			struct fault *f)
{
	uint64_t gate, target;
	uint32_t attr, tattr;
	uint16_t tsel;

	if ((*sel & 0xFFFC) == 0 || seg_read_desc((uint16_t)*sel, &gate))
		return 0;	/* seg_load_cs reports it */
	attr = SEG_ATTR(gate);
	if (ATTR_S(attr) || ATTR_TYPE(attr) != SYS_CALLGATE32)
		return 0;
	if ((int)ATTR_DPL(attr) < vcpu.cpl || (int)ATTR_DPL(attr) < (int)(*sel & 3))
		return RAISE_GP(f, SEL_ERR(*sel));
	if (!ATTR_P(attr))
		return raise(f, EXC_NP, 1, SEL_ERR(*sel));
	tsel = (uint16_t)(gate >> 16);
	if ((tsel & 0xFFFC) == 0)
		return RAISE_GP(f, 0);
	if (seg_read_desc(tsel, &target))
		return RAISE_GP(f, SEL_ERR(tsel));
	tattr = SEG_ATTR(target);
	if (!ATTR_S(tattr) || !(ATTR_TYPE(tattr) & TYPE_CODE) ||
	    (int)ATTR_DPL(tattr) > vcpu.cpl)
		return RAISE_GP(f, SEL_ERR(tsel));
	if (!(ATTR_TYPE(tattr) & TYPE_CONFORM) && (int)ATTR_DPL(tattr) < vcpu.cpl) {
		if (is_call)
			guest_stop(tf, "call gate %04x to an inner ring: not supported yet",
				   *sel);
		return RAISE_GP(f, SEL_ERR(tsel));
	}
	*sel = (tsel & ~3u) | (uint32_t)vcpu.cpl;
	*off = (uint32_t)(gate & 0xFFFF) | (uint32_t)((gate >> 32) & 0xFFFF0000);
	return 0;
}

int emul_far(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next)
{
	uint32_t off = 0, sel = 0, size = (uint32_t)d->opsize;
	int is_call = d->opcode == 0x9A || (d->opcode == 0xFF && d->reg == 3);
	struct trapframe saved = *tf;

	(void)eip;
	if (d->opcode == 0xCA || d->opcode == 0xCB) {	/* retf [imm16] */
		if (vcpu_peek(tf, 0, &off, (int)size, f) ||
		    vcpu_peek(tf, size, &sel, 2, f))
			return -1;
		if (seg_load_cs(tf, (uint16_t)sel, off, 1, f))
			return -1;
		if ((int)(sel & 3) > vcpu.cpl) {
			uint32_t imm = d->opcode == 0xCA ? (d->imm & 0xFFFF) : 0;

			if (return_outer(tf, (uint16_t)sel, 2 * size + imm, (int)size, imm, f))
				return -1;
			*next = off;
			return 0;
		}
		tf->esp += 2 * size + (d->opcode == 0xCA ? (d->imm & 0xFFFF) : 0);
		*next = off;
		return 0;
	}
	if (d->opcode == 0x9A || d->opcode == 0xEA) {
		off = d->imm;
		sel = d->imm2;
	} else {
		uint32_t la = emul_ea(tf, d);
		int r;

		if (d->mod == 3)
			return RAISE_UD(f);
		r = gmem_read(la, &off, size);
		if (!r)
			r = gmem_read(la + size, &sel, 2);
		if (r)
			return emul_mem_fault(r, la, 0, f);
	}
	if (size == 2)
		off &= 0xFFFF;
	if (resolve_gate(tf, &sel, &off, is_call, f))
		return -1;
	if (is_call) {
		uint32_t old_cs = vcpu.seg[VS_CS].sel;

		/* Push the return address before loading CS; undo on a fault. */
		if (vcpu_push(tf, old_cs, (int)size, f) ||
		    vcpu_push(tf, *next, (int)size, f)) {
			*tf = saved;
			return -1;
		}
		if (seg_load_cs(tf, (uint16_t)sel, off, 0, f)) {
			*tf = saved;
			return -1;
		}
	} else if (seg_load_cs(tf, (uint16_t)sel, off, 0, f)) {
		return -1;
	}
	*next = off;
	return 0;
}

int emul_iret(struct trapframe *tf, const struct dt_insn *d, struct fault *f, uint32_t *next)
{
	uint32_t w[3], eip, cs, fl, mask;

	if (d->opsize != 4)
		guest_stop(tf, "16-bit IRET: not supported yet");
	if (tf->eflags & FL_NT)
		guest_stop(tf, "IRET with NT set (task return): not supported yet");
	if (vcpu_peek_words(tf, 0, w, 3, f))
		return -1;
	eip = w[0];
	cs = w[1];
	fl = w[2];
	if (fl & FL_VM)
		guest_stop(tf, "IRET to virtual-8086 mode: not supported");
	if (seg_load_cs(tf, (uint16_t)cs, eip, 1, f))
		return -1;
	/* All flags but VIF, VIP, VM may change; IOPL only at CPL 0, IF only
	   at CPL <= IOPL (SDM IRET). */
	mask = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_DF |
	       FL_OF | FL_NT | FL_AC | FL_ID;
	if (vcpu.cpl == 0)
		mask |= FL_IOPL_MASK;
	if (vcpu.cpl <= (int)((vcpu.vflags & FL_IOPL_MASK) >> FL_IOPL_SHIFT))
		mask |= FL_IF;
	if ((int)(cs & 3) > vcpu.cpl) {
		if (return_outer(tf, (uint16_t)cs, 12, 4, 0, f))
			return -1;
	} else {
		tf->esp += 12;
	}
	vcpu_write_eflags(tf, fl, mask);
	vcpu.nmi_blocked = 0;	/* any IRET ends NMI blocking (SDM vol. 3A 6.7.1) */
	*next = eip;
	return 0;
}

/*
 * SYSENTER and SYSEXIT (SDM vol. 2): flat CS and SS made from
 * IA32_SYSENTER_CS alone (the descriptor tables are not read), ESP and EIP
 * from the other two MSRs (SYSENTER) or ECX and EDX (SYSEXIT).  hv keeps
 * the MSRs virtual; the real SYSENTER_CS is 0, so a ring-3 SYSENTER
 * faults (#GP) to hv, which runs it here.
 */
#define FLAT_ACCESS(dpl, code) (DESC_P | DESC_DPL(dpl) | DESC_S | DESC_RW | DESC_ACC | \
				((code) ? DESC_CODE : 0))
#define FLAT(dpl, code)	SEG_DESC(0, 0xFFFFF, FLAT_ACCESS(dpl, code), DESC_G | DESC_DB)

int emul_sysenter(struct trapframe *tf, struct fault *f, uint32_t *next)
{
	uint16_t cs = (uint16_t)(vcpu.sysenter_cs & 0xFFFC);

	if (!cs)
		return RAISE_GP(f, 0);
	vcpu.cpl = 0;
	seg_set_real(VS_CS, cs, FLAT(0, 1));
	seg_set_real(VS_SS, (uint16_t)(cs + 8), FLAT(0, 0));
	tf->ss = (uint32_t)(cs + 8) | 1;
	tf->esp = vcpu.sysenter_esp;
	vcpu.vflags &= ~(FL_IF | FL_RF | FL_VM);	/* the trap loop makes the real ones */
	*next = vcpu.sysenter_eip;
	return 0;
}

int emul_sysexit(struct trapframe *tf, struct fault *f, uint32_t *next)
{
	uint16_t cs = (uint16_t)((vcpu.sysenter_cs + 16) | 3);
	uint16_t ss = (uint16_t)((vcpu.sysenter_cs + 24) | 3);

	if (!(vcpu.sysenter_cs & 0xFFFC) || vcpu.cpl != 0)
		return RAISE_GP(f, 0);
	vcpu.cpl = 3;
	seg_set_real(VS_CS, cs, FLAT(3, 1));
	seg_set_real(VS_SS, ss, FLAT(3, 0));
	tf->ss = ss;
	tf->esp = tf->ecx;
	*next = tf->edx;
	return 0;
}

/*
 * LAR, LSL, VERR, VERW: ZF=1 and a result if the descriptor passes the
 * instruction's type and privilege checks at the guest's CPL, ZF=0
 * otherwise (SDM vol. 2, each instruction).
 */
int emul_desc_query(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	uint32_t sel = 0, attr, type, v;
	uint64_t desc;
	int ok = 0, dpl, rpl;

	if (emul_read_rm(tf, d, 2, &sel, f))
		return -1;
	rpl = sel & 3;
	if ((sel & 0xFFFC) == 0 || seg_read_desc((uint16_t)sel, &desc))
		goto done;
	attr = SEG_ATTR(desc);
	type = ATTR_TYPE(attr);
	dpl = ATTR_DPL(attr);
	if (d->map == DT_MAP_0F && (d->opcode == 0x02 || d->opcode == 0x03)) {
		int is_lar = d->opcode == 0x02;

		if (!ATTR_S(attr)) {
			/* Valid system types: LAR 1 2 3 4 5 9 B C; LSL 1 2 3 9 B. */
			static const uint16_t lar_ok = 0x1A3E, lsl_ok = 0x0A0E;

			if (!(((is_lar ? lar_ok : lsl_ok) >> type) & 1))
				goto done;
		}
		if (!(ATTR_S(attr) && (type & TYPE_CODE) && (type & TYPE_CONFORM)) &&
		    (dpl < vcpu.cpl || dpl < rpl))
			goto done;
		ok = 1;
		/* LAR: the access rights dword; LSL: the byte-granular limit. */
		v = is_lar ? (uint32_t)(desc >> 32) & 0x00F0FF00 : desc_limit(desc);
		if (d->opsize == 2)
			*tf_gpr(tf, d->reg) = (*tf_gpr(tf, d->reg) & 0xFFFF0000) | (v & 0xFFFF);
		else
			*tf_gpr(tf, d->reg) = v;
	} else {
		int is_verw = d->reg == 5;

		if (!ATTR_S(attr))
			goto done;
		if (!((type & TYPE_CODE) && (type & TYPE_CONFORM)) &&
		    (dpl < vcpu.cpl || dpl < rpl))
			goto done;
		if (is_verw)
			ok = !(type & TYPE_CODE) && (type & TYPE_RW);
		else
			ok = !(type & TYPE_CODE) || (type & TYPE_RW);
	}
done:
	if (ok)
		tf->eflags |= FL_ZF;
	else
		tf->eflags &= ~FL_ZF;
	return 0;
}

int emul_lldt_ltr(struct trapframe *tf, const struct dt_insn *d, int is_ltr, struct fault *f)
{
	uint32_t sel = 0;
	uint64_t desc;
	uint32_t attr;
	struct vseg *s = is_ltr ? &vcpu.tr : &vcpu.ldtr;

	if (emul_read_rm(tf, d, 2, &sel, f))
		return -1;
	if ((sel & 0xFFFC) == 0) {
		if (is_ltr)
			return RAISE_GP(f, 0);
		s->sel = (uint16_t)sel;
		s->valid = 0;
		return 0;
	}
	if (sel & SEL_TI)
		return RAISE_GP(f, SEL_ERR(sel));
	if (seg_read_desc((uint16_t)sel, &desc))
		return RAISE_GP(f, SEL_ERR(sel));
	attr = SEG_ATTR(desc);
	if (ATTR_S(attr) || ATTR_TYPE(attr) != (is_ltr ? SYS_TSS32_AVAIL : SYS_LDT))
		return RAISE_GP(f, SEL_ERR(sel));
	if (!ATTR_P(attr))
		return raise(f, EXC_NP, 1, SEL_ERR(sel));
	if (is_ltr) {
		/* Mark the guest's TSS descriptor busy, as LTR does. */
		uint32_t la;
		uint8_t access = (uint8_t)(desc >> 40) | 0x2;

		if (!seg_desc_addr((uint16_t)sel, &la))
			gmem_write(la + 5, &access, 1);
		desc |= (uint64_t)0x2 << 40;
	}
	s->sel = (uint16_t)sel;
	s->base = desc_base(desc);
	s->limit = desc_limit(desc);
	s->attr = SEG_ATTR(desc);
	s->valid = 1;
	return 0;
}

void seg_init_flat(uint16_t cs, uint16_t ds)
{
	uint64_t code = SEG_DESC(0, 0xFFFFF, DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_ACC,
				 DESC_G | DESC_DB);
	uint64_t data = SEG_DESC(0, 0xFFFFF, DESC_P | DESC_S | DESC_RW | DESC_ACC,
				 DESC_G | DESC_DB);

	seg_set_real(VS_CS, cs, code);
	for (int s = 0; s < VS_COUNT; s++)
		if (s != VS_CS)
			seg_set_real(s, ds, data);
}
