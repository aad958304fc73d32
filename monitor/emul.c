/*
 * Emulation of privileged and sensitive guest instructions (see emul.h).
 * The instruction is decoded again from guest memory with dt/'s decoder;
 * this file holds the dispatcher, operand access, and the instructions
 * that touch flags, control registers, descriptor-table registers, MSRs
 * and CPUID.  Segments and far transfers are in emul_seg.c.
 *
 * Semantics follow the SDM (vol. 2) for a guest at CPL 0 in protected
 * mode; where the SDM leaves a result undefined, hv does what QEMU (the
 * machine the differential tests compare against) does, noted in place.
 */
#include "monitor/emul.h"

#include "dt/dt.h"
#include "monitor/mm/mm.h"
#include "monitor/intr.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

static uint32_t nemul[256];	/* by opcode (0F map: +0x100 folded) */

/* SYSENTER MSRs (SDM vol. 3B 2.1, table 2-2), kept virtual. */
#define MSR_TSC			0x010
#define MSR_APIC_BASE		0x01B
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176

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

static int read_mem(uint32_t la, void *v, uint32_t n, struct fault *f)
{
	int r = gmem_read(la, v, n);

	return r ? emul_mem_fault(r, la, 0, f) : 0;
}

static int write_mem(uint32_t la, const void *v, uint32_t n, struct fault *f)
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
	return read_mem(emul_ea(tf, d), v, (uint32_t)size, f);
}

/*
 * Writes the r/m operand.  A 16-bit register destination keeps the upper
 * half; zext makes a 32-bit register destination take the zero-extended
 * value (what QEMU does for SLDT/STR/SMSW/MOV from Sreg with a 32-bit
 * register, where the SDM allows either).
 */
static int write_rm(struct trapframe *tf, const struct dt_insn *d, int size, uint32_t v,
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
	return write_mem(emul_ea(tf, d), &v, (uint32_t)size, f);
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

static void emul_cpuid(struct trapframe *tf)
{
	uint32_t r[4], leaf = tf->eax;

	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(tf->ecx));
	if (leaf == 1) {
		/* Hide what hv cannot give the guest: VME (not emulated), PAE
		   (no PAE shadows), the local
		   APIC (its vectors would collide with hv's), MTRR, PAT, MCE and
		   MCA (their MSRs are not virtualized); VMX, SMX, MONITOR, PCID,
		   x2APIC, XSAVE/OSXSAVE, the hypervisor bit. */
		r[3] &= ~((1u << 1) | (1u << 6) | (1u << 9) | (1u << 12) |
			  (1u << 16) | (1u << 7) | (1u << 14));
		r[2] &= ~((1u << 3) | (1u << 5) | (1u << 6) | (1u << 17) | (1u << 21) |
			  (1u << 26) | (1u << 27) | (1u << 31));
	} else if (leaf == 0x80000001) {
		/* No SYSCALL, NX, long mode. */
		r[3] &= ~((1u << 11) | (1u << 20) | (1u << 29));
	} else if (leaf == 0xD) {
		r[0] = r[1] = r[2] = r[3] = 0;	/* XSAVE is hidden */
	}
	tf->eax = r[0];
	tf->ebx = r[1];
	tf->ecx = r[2];
	tf->edx = r[3];
}

/* CR0 bits the real CR0 takes from the guest's (FPU behaviour). */
#define CR0_FROM_GUEST (CR0_MP | CR0_EM | CR0_TS | CR0_NE)
/* (Not TSD: RDTSC runs natively in translated kernel code, which the
   guest's CR4.TSD must not stop.) */
#define CR4_FROM_GUEST (CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PCE)

void vcpu_sync_cr(void)
{
	write_cr0((read_cr0() & ~CR0_FROM_GUEST) | (gcr.cr0 & CR0_FROM_GUEST));
	write_cr4((read_cr4() & ~CR4_FROM_GUEST) | (gcr.cr4 & CR4_FROM_GUEST));
}

static int write_cr(struct trapframe *tf, int n, uint32_t v, struct fault *f)
{
	uint32_t old;

	switch (n) {
	case 0:
		if ((v & CR0_PG) && !(v & CR0_PE))
			return RAISE_GP(f, 0);
		if (!(v & CR0_PE))
			guest_stop(tf, "guest left protected mode (mov %08x to cr0): "
				   "real mode is not supported", v);
		if ((v & CR0_PG) && (gcr.cr4 & CR4_PAE))
			guest_stop(tf, "guest enabled PAE paging: not supported");
		old = gcr.cr0;
		gcr.cr0 = v | CR0_ET;
		if ((old ^ gcr.cr0) & CR0_PG)
			dt_flush();	/* linear addresses mean something else now */
		if ((old ^ gcr.cr0) & (CR0_PG | CR0_WP))
			shadow_paging_changed();
		break;
	case 2:
		gcr.cr2 = v;
		break;
	case 3:
		gcr.cr3 = v;
		if (gcr.cr0 & CR0_PG) {
			dt_check_mappings();
			shadow_set_cr3(v);
		}
		break;
	case 4:
		if (v & ~(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE |
			  CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT))
			return RAISE_GP(f, 0);
		if ((v & CR4_PAE) && (gcr.cr0 & CR0_PG))
			guest_stop(tf, "guest enabled PAE paging: not supported");
		old = gcr.cr4;
		gcr.cr4 = v;
		if ((old ^ v) & CR4_PSE)
			shadow_paging_changed();
		else if (((old ^ v) & CR4_PGE) && (gcr.cr0 & CR0_PG)) {
			shadow_flush();	/* a global TLB flush */
			dt_check_all_mappings();
		}
		break;
	default:
		return RAISE_UD(f);
	}
	vcpu_sync_cr();
	return 0;
}

static int read_cr(int n, uint32_t *v)
{
	switch (n) {
	case 0: *v = gcr.cr0; return 0;
	case 2: *v = gcr.cr2; return 0;
	case 3: *v = gcr.cr3; return 0;
	case 4: *v = gcr.cr4; return 0;
	default: return -1;
	}
}

static int msr(struct trapframe *tf, int write, struct fault *f)
{
	uint32_t idx = tf->ecx;
	uint64_t v = ((uint64_t)tf->edx << 32) | tf->eax;

	switch (idx) {
	case MSR_SYSENTER_CS:
		if (write)
			vcpu.sysenter_cs = (uint32_t)v;
		v = vcpu.sysenter_cs;
		break;
	case MSR_SYSENTER_ESP:
		if (write)
			vcpu.sysenter_esp = (uint32_t)v;
		v = vcpu.sysenter_esp;
		break;
	case MSR_SYSENTER_EIP:
		if (write)
			vcpu.sysenter_eip = (uint32_t)v;
		v = vcpu.sysenter_eip;
		break;
	case MSR_TSC:
	case MSR_APIC_BASE:
		if (write)
			return RAISE_GP(f, 0);	/* not handed to the guest */
		{
			uint32_t lo, hi;

			__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx));
			v = ((uint64_t)hi << 32) | lo;
		}
		break;
	default:
		log_debug("emul", "guest %s of unknown MSR %08x: #GP",
			  write ? "wrmsr" : "rdmsr", idx);
		return RAISE_GP(f, 0);
	}
	if (!write) {
		tf->eax = (uint32_t)v;
		tf->edx = (uint32_t)(v >> 32);
	}
	return 0;
}

/* 0F 01 /0-/3: SGDT SIDT LGDT LIDT */
static int dtr_insn(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	struct vdtr *r = (d->reg & 1) ? &vcpu.idtr : &vcpu.gdtr;
	uint32_t la = emul_ea(tf, d);
	uint8_t buf[6];

	if (d->mod == 3)
		return RAISE_UD(f);
	if (d->reg >= 2) {
		uint16_t lim;
		uint32_t base;

		if (read_mem(la, buf, 6, f))
			return -1;
		memcpy(&lim, buf, 2);
		memcpy(&base, buf + 2, 4);
		if (d->opsize == 2)
			base &= 0xFFFFFF;
		r->limit = lim;
		r->base = base;
		return 0;
	}
	/* SGDT/SIDT store all 32 base bits, whatever the operand size (QEMU). */
	memcpy(buf, &r->limit, 2);
	memcpy(buf + 2, &r->base, 4);
	return write_mem(la, buf, 6, f);
}

static int mov_sreg_out(struct trapframe *tf, const struct dt_insn *d, struct fault *f)
{
	if (d->reg >= VS_COUNT)
		return RAISE_UD(f);
	return write_rm(tf, d, 2, vcpu.seg[d->reg].sel, 1, f);
}

/* LES LDS LSS LFS LGS: m16:32 into Sreg:reg */
static int load_far_ptr(struct trapframe *tf, const struct dt_insn *d, int sreg,
			struct fault *f)
{
	uint32_t la = emul_ea(tf, d), off = 0;
	uint16_t sel;

	if (d->mod == 3)
		return RAISE_UD(f);
	if (read_mem(la, &off, (uint32_t)d->opsize, f) ||
	    read_mem(la + (uint32_t)d->opsize, &sel, 2, f))
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

static int emul_0f(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
		   struct fault *f, uint32_t *next)
{
	uint32_t v;

	(void)eip;
	switch (d->opcode) {
	case 0x00:	/* group 6 */
		switch (d->reg) {
		case 0: return write_rm(tf, d, 2, vcpu.ldtr.sel, 1, f);	/* sldt */
		case 1: return write_rm(tf, d, 2, vcpu.tr.sel, 1, f);	/* str */
		case 2: return emul_lldt_ltr(tf, d, 0, f);
		case 3: return emul_lldt_ltr(tf, d, 1, f);
		case 4: case 5: return emul_desc_query(tf, d, f);	/* verr verw */
		}
		break;
	case 0x01:	/* group 7 */
		switch (d->reg) {
		case 0: case 1: case 2: case 3:
			return dtr_insn(tf, d, f);
		case 4:	/* smsw: QEMU stores all of CR0 in a 32-bit register */
			if (d->mod == 3 && d->opsize == 4) {
				*tf_gpr(tf, d->rm) = gcr.cr0;
				return 0;
			}
			return write_rm(tf, d, 2, gcr.cr0 & 0xFFFF, 0, f);
		case 6:	/* lmsw: PE can be set, not cleared; MP EM TS */
			if (emul_read_rm(tf, d, 2, &v, f))
				return -1;
			v = (gcr.cr0 & ~0xEu) | (v & 0xF) | (gcr.cr0 & CR0_PE);
			return write_cr(tf, 0, v, f);
		case 7:	/* invlpg */
			if (d->mod == 3)
				return RAISE_UD(f);
			shadow_invlpg(emul_ea(tf, d));
			dt_check_page(emul_ea(tf, d));
			return 0;
		}
		break;
	case 0x02: case 0x03:	/* lar lsl */
		return emul_desc_query(tf, d, f);
	case 0x06:	/* clts */
		gcr.cr0 &= ~CR0_TS;
		vcpu_sync_cr();
		return 0;
	case 0x08: case 0x09:	/* invd wbinvd */
		return 0;
	case 0x20:	/* mov cr -> r32 */
		if (read_cr(d->reg, &v))
			return RAISE_UD(f);
		*tf_gpr(tf, d->rm) = v;
		return 0;
	case 0x22:	/* mov r32 -> cr */
		return write_cr(tf, d->reg, *tf_gpr(tf, d->rm), f);
	case 0x21:	/* mov dr -> r32 */
		if (d->reg == 4 || d->reg == 5) {
			if (gcr.cr4 & CR4_DE)
				return RAISE_UD(f);
			*tf_gpr(tf, d->rm) = vcpu.dr[d->reg + 2];
		} else {
			*tf_gpr(tf, d->rm) = vcpu.dr[d->reg];
		}
		return 0;
	case 0x23:	/* mov r32 -> dr: kept virtual (no guest debugging yet) */
		if (d->reg == 4 || d->reg == 5) {
			if (gcr.cr4 & CR4_DE)
				return RAISE_UD(f);
			vcpu.dr[d->reg + 2] = *tf_gpr(tf, d->rm);
		} else {
			vcpu.dr[d->reg] = *tf_gpr(tf, d->rm);
		}
		return 0;
	case 0x30: return msr(tf, 1, f);
	case 0x32: return msr(tf, 0, f);
	case 0x33:	/* rdpmc: CR4.PCE decides at CPL > 0 only */
		return RAISE_GP(f, 0);
	case 0xA2: emul_cpuid(tf); return 0;
	case 0x31: {	/* rdtsc (normally copied; here after a guest TF step) */
		uint64_t t = rdtsc();

		tf->eax = (uint32_t)t;
		tf->edx = (uint32_t)(t >> 32);
		return 0;
	}
	case 0xA0: return vcpu_push(tf, vcpu.seg[VS_FS].sel, d->opsize, f);
	case 0xA8: return vcpu_push(tf, vcpu.seg[VS_GS].sel, d->opsize, f);
	case 0xA1: return pop_sreg(tf, d, VS_FS, f);
	case 0xA9: return pop_sreg(tf, d, VS_GS, f);
	case 0xB2:
		if (load_far_ptr(tf, d, VS_SS, f))
			return -1;
		start_shadow(*next);
		return 0;
	case 0xB4: return load_far_ptr(tf, d, VS_FS, f);
	case 0xB5: return load_far_ptr(tf, d, VS_GS, f);
	case 0x34: return emul_sysenter(tf, f, next);
	case 0x35: return emul_sysexit(tf, f, next);
	}
	/* VMX and SMX instructions: hv hides VMX and SMX, so #UD, as on a
	   CPU without them (SDM vol. 3C 30.3; GETSEC vol. 2). */
	if (d->opcode == 0x78 || d->opcode == 0x79 || d->opcode == 0x37 ||
	    (d->opcode == 0x01 && d->mod == 3 && (d->modrm >= 0xC1 && d->modrm <= 0xC4)) ||
	    (d->opcode == 0xC7 && d->mod != 3 && d->reg >= 6))
		return RAISE_UD(f);
	return 1;	/* not handled */
}

/*
 * The decoded instructions of recent exits.  An exit record belongs to one
 * live block until the cache is flushed (records are not reused before),
 * and a block dies when its bytes change, so (exit, flush generation)
 * names the same bytes for as long as the entry can match.
 */
#define DCACHE_SIZE 512
static struct {
	const void *key;
	uint32_t gen;
	struct dt_insn d;
	uint8_t bytes[4];
} dcache[DCACHE_SIZE];

int emul_insn(struct trapframe *tf, uint32_t eip, const void *key, struct fault *f,
	      uint32_t *next)
{
	uint8_t buf[DT_MAX_LEN];
	struct dt_insn d;
	uint32_t v, slot = ((uint32_t)key >> 3) % DCACHE_SIZE;
	int r;

	if (key && dcache[slot].key == key && dcache[slot].gen == dt_flush_gen) {
		d = dcache[slot].d;
		memcpy(buf, dcache[slot].bytes, 4);
	} else {
		int why, n = gmem_fetch(vcpu.seg[VS_CS].base + eip, buf, DT_MAX_LEN, vcpu.cpl == 3, &why);

		if (n == 0 || dt_decode(buf, (size_t)n, &d) != DT_OK)
			panic("emul: instruction at %08x no longer decodes", eip);
		if (key) {
			dcache[slot].key = key;
			dcache[slot].gen = dt_flush_gen;
			dcache[slot].d = d;
			memcpy(dcache[slot].bytes, buf, 4);
		}
	}
	*next = eip + d.len;
	nemul[d.opcode]++;
	dt_stats.emulated++;

	if (d.map == DT_MAP_0F) {
		r = emul_0f(tf, &d, eip, f, next);
		if (r <= 0)
			return r;
		goto unsupported;
	}
	if (d.map != DT_MAP_1B)
		goto unsupported;
	if (d.flags & DT_F_IO)		/* from translated code (native_if) */
		return emul_io(tf, &d, f, 2);

	switch (d.opcode) {
	case 0xFA: vcpu.vflags &= ~FL_IF; return 0;		/* cli */
	case 0xFB:						/* sti */
		if (!(vcpu.vflags & FL_IF))
			start_shadow(*next);
		vcpu.vflags |= FL_IF;
		return 0;
	case 0x9C: return pushf(tf, &d, f);
	case 0x9D: return popf(tf, &d, f);
	case 0xF4:	/* hlt: guest.c waits; here only the EIP moves on */
		return 0;
	case 0x0E: return vcpu_push(tf, vcpu.seg[VS_CS].sel, d.opsize, f);
	case 0x16: return vcpu_push(tf, vcpu.seg[VS_SS].sel, d.opsize, f);
	case 0x07: return pop_sreg(tf, &d, VS_ES, f);
	case 0x1F: return pop_sreg(tf, &d, VS_DS, f);
	case 0x17:
		if (pop_sreg(tf, &d, VS_SS, f))
			return -1;
		start_shadow(*next);
		return 0;
	case 0x8C: return mov_sreg_out(tf, &d, f);
	case 0x8E:
		if (d.reg == VS_CS || d.reg >= VS_COUNT)
			return RAISE_UD(f);
		if (emul_read_rm(tf, &d, 2, &v, f) || seg_load(tf, d.reg, (uint16_t)v, f))
			return -1;
		if (d.reg == VS_SS)
			start_shadow(*next);
		return 0;
	case 0xC4: return load_far_ptr(tf, &d, VS_ES, f);
	case 0xC5: return load_far_ptr(tf, &d, VS_DS, f);
	case 0xCC:	/* int3 */
		return soft_int(f, EXC_BP, INTR_SOFT);
	case 0xCD:	/* int n */
		return soft_int(f, (int)(d.imm & 0xFF), INTR_SOFT);
	case 0xCE:	/* into */
		if (!(tf->eflags & FL_OF))
			return 0;
		return soft_int(f, EXC_OF, INTR_SOFT);
	case 0xF1:	/* int1 (icebp): a #DB trap, no gate DPL check */
		return soft_int(f, EXC_DB, INTR_ICEBP);
	case 0xCF:
		return emul_iret(tf, &d, f, next);
	case 0x9A: case 0xEA: case 0xCA: case 0xCB:
		return emul_far(tf, &d, eip, f, next);
	case 0xFF:
		if (d.reg == 3 || d.reg == 5)
			return emul_far(tf, &d, eip, f, next);
		break;
	}
unsupported:
	{
		char text[64];

		dt_print(&d, eip, text, sizeof(text));
		guest_stop(tf, "hv cannot emulate \"%s\" (%02x %02x %02x %02x ...)", text,
			   buf[0], buf[1], buf[2], buf[3]);
	}
}

void emul_print_stats(void)
{
	uint32_t total = 0;

	for (int i = 0; i < 256; i++)
		total += nemul[i];
	log_info("emul", "emulated %u instructions: cli %u sti %u pushf %u popf %u "
		 "int %u iret %u hlt %u", total, nemul[0xFA], nemul[0xFB], nemul[0x9C],
		 nemul[0x9D], nemul[0xCD], nemul[0xCF], nemul[0xF4]);
}
