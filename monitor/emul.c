/*
 * Emulating sensitive guest instructions (see emul.h): operand access for
 * every handler, and the handlers of the instructions that touch EFLAGS.IF
 * and IOPL, the segment registers through the stack and MOV, HLT and the
 * software interrupts.  System registers are in emul_sys.c, segments and
 * far transfers in emul_seg.c, I/O in emul_io.c; the table that names
 * every handler is monitor/sensitive.c.
 *
 * Semantics follow the SDM (vol. 2) for a guest at CPL 0 in protected
 * mode; where the SDM leaves a result undefined, hv does what QEMU (the
 * machine the differential tests compare against) does, noted in place.
 */
#include "monitor/emul.h"

#include "dt/dt.h"
#include "monitor/mm/mm.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

int emul_mem_fault(int r, uint32_t la, int write, struct fault *f)
{
	(void)write;
	if (r == GMEM_HV)
		guest_stop(0, "guest touched hv's memory at %08x", la);
	if (r == GMEM_PF) {
		f->cr2 = gmem_pf.cr2;
		return raise(f, EXC_PF, 1, gmem_pf.err);
	}
	/* Beyond hv's truncated segment limits: what a real CPU would report. */
	return RAISE_GP(f, 0);
}

uint32_t emul_ea(struct trapframe *tf, const struct dt_insn *d)
{
	uint32_t off = (uint32_t)d->mem.disp;

	if (d->mem.addr16) {
		if (d->mem.base != DT_REG_NONE)
			off += *tf_gpr(tf, d->mem.base) & 0xFFFF;
		if (d->mem.index != DT_REG_NONE)
			off += *tf_gpr(tf, d->mem.index) & 0xFFFF;
		off &= 0xFFFF;
	} else {
		if (d->mem.base != DT_REG_NONE)
			off += *tf_gpr(tf, d->mem.base);
		if (d->mem.index != DT_REG_NONE)
			off += *tf_gpr(tf, d->mem.index) * d->mem.scale;
	}
	return vcpu.seg[d->mem.seg].base + off;
}

int emul_read_mem(uint32_t la, void *v, uint32_t n, struct fault *f)
{
	int r = gmem_read(la, v, n);

	return r ? emul_mem_fault(r, la, 0, f) : 0;
}

int emul_write_mem(uint32_t la, const void *v, uint32_t n, struct fault *f)
{
	int r = gmem_write(la, v, n);

	return r ? emul_mem_fault(r, la, 1, f) : 0;
}

/* Reads the r/m operand (size 2 or 4). */
int emul_read_rm(struct trapframe *tf, const struct dt_insn *d, int size, uint32_t *v,
		 struct fault *f)
{
	if (d->mod == 3) {
		*v = *tf_gpr(tf, d->rm);
		if (size == 2)
			*v &= 0xFFFF;
		return 0;
	}
	*v = 0;
	return emul_read_mem(emul_ea(tf, d), v, (uint32_t)size, f);
}

/*
 * Writes the r/m operand.  A 16-bit register destination keeps the upper
 * half; zext makes a 32-bit register destination take the zero-extended
 * value (what QEMU does for SLDT/STR/SMSW/MOV from Sreg with a 32-bit
 * register, where the SDM allows either).
 */
int emul_write_rm(struct trapframe *tf, const struct dt_insn *d, int size, uint32_t v,
		  int zext, struct fault *f)
{
	if (d->mod == 3) {
		uint32_t *r = tf_gpr(tf, d->rm);

		if (size == 2 && !(zext && d->opsize == 4))
			*r = (*r & 0xFFFF0000) | (v & 0xFFFF);
		else
			*r = v;
		return 0;
	}
	return emul_write_mem(emul_ea(tf, d), &v, (uint32_t)size, f);
}

static int pushf(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	/* PUSHF stores EFLAGS with VM and RF cleared (SDM PUSHF). */
	uint32_t v = vcpu_read_eflags(tf) & ~(FL_VM | FL_RF);

	return vcpu_push(tf, v, d->opsize, f);
}

static int popf(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	uint32_t v, mask;

	if (vcpu_peek(tf, 0, &v, d->opsize, f))
		return -1;
	/* CPL 0: every flag but VM, RF, VIF, VIP may change (SDM POPF). */
	mask = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_TF | FL_IF | FL_DF |
	       FL_OF | FL_IOPL_MASK | FL_NT | FL_AC | FL_ID;
	if (vcpu.cpl > 0)
		mask &= ~(FL_IOPL_MASK | ((vcpu.cpl > (int)((vcpu.vflags & FL_IOPL_MASK) >>
							    FL_IOPL_SHIFT)) ? FL_IF : 0));
	if (d->opsize == 2)
		mask &= 0xFFFF;
	vcpu_write_eflags(tf, v, mask);
	tf->esp += (uint32_t)d->opsize;
	return 0;
}

static int mov_sreg_out(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	if (d->reg >= VS_COUNT)
		return RAISE_UD(f);
	return emul_write_rm(tf, d, 2, vcpu.seg[d->reg].sel, 1, f);
}

/* LES LDS LSS LFS LGS: m16:32 into Sreg:reg */
static int load_far_ptr(struct trapframe *tf, const struct dt_insn *d, int sreg,
			struct fault *f)
{
	uint32_t la = emul_ea(tf, d), off = 0;
	uint16_t sel;

	if (d->mod == 3)
		return RAISE_UD(f);
	if (emul_read_mem(la, &off, (uint32_t)d->opsize, f) ||
	    emul_read_mem(la + (uint32_t)d->opsize, &sel, 2, f))
		return -1;
	if (seg_load(tf, sreg, sel, f))
		return -1;
	if (d->opsize == 2)
		*tf_gpr(tf, d->reg) = (*tf_gpr(tf, d->reg) & 0xFFFF0000) | (off & 0xFFFF);
	else
		*tf_gpr(tf, d->reg) = off;
	return 0;
}

static int pop_sreg(struct trapframe *tf, const struct dt_insn *d, int sreg, struct fault *f)
{
	uint32_t v;

	if (vcpu_peek(tf, 0, &v, d->opsize, f) || seg_load(tf, sreg, (uint16_t)v, f))
		return -1;
	tf->esp += (uint32_t)d->opsize;
	return 0;
}

/* INT n & co: the trap loop delivers vector vec after the instruction. */
static int soft_int(struct fault *f, int vec, int kind)
{
	f->vec = vec;
	f->has_err = 0;
	f->err = 0;
	f->kind = kind;
	return 1;
}

/* The shadow after MOV SS, POP SS and (IF 0 -> 1) STI. */
static void start_shadow(uint32_t next)
{
	vcpu.shadow = 1;
	vcpu.shadow_eip = next;
}


int emul_cli(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)f; (void)next;
	vcpu.vflags &= ~FL_IF;
	return 0;
}

int emul_sti(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)f;
	if (!(vcpu.vflags & FL_IF))
		start_shadow(*next);
	vcpu.vflags |= FL_IF;
	return 0;
}

int emul_pushf(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	       uint32_t *next)
{
	(void)eip; (void)next;
	return pushf(tf, d, f);
}

int emul_popf(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	      uint32_t *next)
{
	(void)eip; (void)next;
	return popf(tf, d, f);
}

/* HLT: the trap loop waits for an interrupt (DTS_HLT); here only the EIP
   moves on. */
int emul_hlt(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next)
{
	(void)tf; (void)d; (void)eip; (void)f; (void)next;
	return 0;
}

/* The segment register a PUSH/POP sreg opcode names. */
static int sreg_of(const struct dt_insn *d)
{
	if (d->map == DT_MAP_0F)
		return d->opcode >= 0xA8 ? VS_GS : VS_FS;	/* 0F A0/A1, A8/A9 */
	switch (d->opcode) {
	case 0x06: case 0x07: return VS_ES;
	case 0x0E: return VS_CS;
	case 0x16: case 0x17: return VS_SS;
	default: return VS_DS;				/* 1E 1F */
	}
}

int emul_push_sreg(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		   struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	return vcpu_push(tf, vcpu.seg[sreg_of(d)].sel, d->opsize, f);
}

int emul_pop_sreg(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		  struct fault *f, uint32_t *next)
{
	int sreg = sreg_of(d);

	(void)eip;
	if (pop_sreg(tf, d, sreg, f))
		return -1;
	if (sreg == VS_SS)
		start_shadow(*next);
	return 0;
}

int emul_mov_from_sreg(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		       struct fault *f, uint32_t *next)
{
	(void)eip; (void)next;
	return mov_sreg_out(tf, d, f);
}

int emul_mov_to_sreg(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		     struct fault *f, uint32_t *next)
{
	uint32_t v;

	(void)eip;
	if (d->reg == VS_CS || d->reg >= VS_COUNT)
		return RAISE_UD(f);
	if (emul_read_rm(tf, d, 2, &v, f) || seg_load(tf, d->reg, (uint16_t)v, f))
		return -1;
	if (d->reg == VS_SS)
		start_shadow(*next);
	return 0;
}

/* LES LDS (C4 C5), LSS LFS LGS (0F B2 B4 B5). */
int emul_load_far_ptr(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		      struct fault *f, uint32_t *next)
{
	int sreg;

	(void)eip;
	if (d->map == DT_MAP_1B)
		sreg = d->opcode == 0xC4 ? VS_ES : VS_DS;
	else
		sreg = d->opcode == 0xB2 ? VS_SS : d->opcode == 0xB4 ? VS_FS : VS_GS;
	if (load_far_ptr(tf, d, sreg, f))
		return -1;
	if (sreg == VS_SS)
		start_shadow(*next);
	return 0;
}

/* INT3, INT n, INTO, INT1 (ICEBP): a trap the loop delivers after them. */
int emul_int(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next)
{
	(void)eip; (void)next;
	switch (d->opcode) {
	case 0xCC: return soft_int(f, EXC_BP, INTR_SOFT);
	case 0xCD: return soft_int(f, (int)(d->imm & 0xFF), INTR_SOFT);
	case 0xCE: return (tf->eflags & FL_OF) ? soft_int(f, EXC_OF, INTR_SOFT) : 0;
	default: return soft_int(f, EXC_DB, INTR_ICEBP);	/* no gate DPL check */
	}
}

/* SLDT STR LLDT LTR VERR VERW (0F 00 /0-/5). */
int emul_grp6(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	      uint32_t *next)
{
	(void)eip; (void)next;
	switch (d->reg) {
	case 0: return emul_write_rm(tf, d, 2, vcpu.ldtr.sel, 1, f);	/* sldt */
	case 1: return emul_write_rm(tf, d, 2, vcpu.tr.sel, 1, f);	/* str */
	case 2: return emul_lldt_ltr(tf, d, 0, f);
	case 3: return emul_lldt_ltr(tf, d, 1, f);
	default: return emul_desc_query(tf, d, f);			/* verr verw */
	}
}
