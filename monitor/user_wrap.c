/*
 * Ring-3 data accesses that only hv's segment truncation refuses
 * (docs/ARCHITECTURE.md, "Segment truncation"; SDM vol. 3A 5.3 "Limit
 * checking", 3.4.5.1 for the descriptor types).
 *
 * hv shadows every guest code and data descriptor with its limit cut at
 * HV_BASE - 1 - base (emul_seg.c, seg_shadow_desc), so that no offset
 * reaches hv's region.  A guest segment with a non-zero base and a 4 GiB
 * limit lets an offset wrap past 4 GiB to a linear address below its base:
 * glibc's thread-local variables of the static TLS model live below the
 * thread pointer and are read as %gs:negative.  The truncated limit refuses
 * those offsets with #GP(0), where the guest's own descriptor allows them;
 * a CPU that checks data-segment limits (Bochs, real hardware) then kills
 * the program.  Here hv performs such an instruction itself when the
 * guest's descriptor allows the access and its linear bytes lie below
 * HV_BASE, with the rights of CPL 3, through the MMIO instruction emulator
 * (mmio.c) pointed at guest memory instead of a device, or for PUSH, CALL
 * and JMP through memory here (glibc pushes %gs:negative too).
 *
 * Expand-down data segments that would reach hv's region are shadowed
 * with no valid offset at all, and their accesses come here too.
 *
 * The descriptor consulted is the one in the guest's table now; the CPU
 * would use the one cached at the segment load.  They differ only if the
 * guest rewrote the entry without reloading the register since.
 */
#include "monitor/guest_int.h"

#include "dt/decode.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "monitor/mmio.h"
#include "monitor/vcpu.h"

/* The operand being performed: offset 0 of the "device" is its first byte. */
static struct {
	uint32_t off;		/* its offset in the segment */
	uint32_t base, limit, attr;
	uint32_t trunc;		/* the limit of hv's shadow descriptor */
	int beyond;		/* an access went past it */
	int failed;		/* an access refused: a gmem_* result, or -1 (limit) */
	uint32_t fail_la;
	int fail_write;
} op;

uint32_t user_wrap_count;

/*
 * Whether offset..offset+size-1 lies within a data segment with these
 * attributes and limit (SDM vol. 3A 5.3: expand-down segments admit the
 * offsets above the limit, up to 0xFFFF or 0xFFFFFFFF by the B flag).
 */
static int within(uint32_t attr, uint32_t limit, uint32_t offset, int size)
{
	uint32_t last = offset + (uint32_t)size - 1;

	if (last < offset)
		return 0;	/* the access itself wraps past 4 GiB */
	if (!(attr & TYPE_CODE) && (attr & TYPE_EXPDOWN))
		return offset > limit && last <= (ATTR_DB(attr) ? 0xFFFFFFFFu : 0xFFFFu);
	return last <= limit;
}

static int check(uint32_t offset, int size, uint32_t *la)
{
	uint32_t o = op.off + offset;

	if (op.failed)
		return -1;
	if (!within(op.attr, op.limit, o, size)) {
		op.failed = -1;
		return -1;
	}
	if (!within(op.attr, op.trunc, o, size))
		op.beyond = 1;
	*la = op.base + o;
	/* The bytes must lie below hv's region (which ends at 4 GiB). */
	if (*la >= HV_BASE || *la + (uint32_t)size - 1 >= HV_BASE) {
		op.failed = -1;
		return -1;
	}
	return 0;
}

/* A gmem_* result r for the access at la: kept for the guest's fault. */
static void note(int r, uint32_t la, int write)
{
	if (r) {
		op.failed = r;
		op.fail_la = la;
		op.fail_write = write;
	}
}

static uint32_t mem_read(uint32_t offset, int size)
{
	uint32_t la, v = 0;

	if (check(offset, size, &la))
		return 0;
	note(gmem_read_as(la, &v, (uint32_t)size, 1), la, 0);
	return v;
}

static void mem_write(uint32_t offset, int size, uint32_t value)
{
	uint32_t la;

	if (check(offset, size, &la))
		return;
	if (!(op.attr & TYPE_RW) || (op.attr & TYPE_CODE)) {
		op.failed = -1;		/* not a writable data segment */
		return;
	}
	note(gmem_write_as(la, &value, (uint32_t)size, 1), la, 1);
}

static const struct mmio_dev guest_mem = { mem_read, mem_write };

/* The selector in the segment register sreg (enum dt_seg) at the trap. */
static uint16_t trap_sel(const struct trapframe *tf, int sreg)
{
	switch (sreg) {
	case DT_ES: return (uint16_t)tf->es;
	case DT_CS: return (uint16_t)tf->cs;
	case DT_SS: return (uint16_t)tf->ss;
	case DT_DS: return (uint16_t)tf->ds;
	case DT_FS: return (uint16_t)tf->fs;
	default: return (uint16_t)tf->gs;
	}
}

/*
 * PUSH, CALL and JMP through the memory operand (FF /6, /2, /4; SDM vol. 2,
 * each instruction's "Operation"): the operand is read, then PUSH and CALL
 * store to the stack as the CPU would.  Returns the next EIP, or sets
 * op.failed.
 */
static uint32_t stack_form(struct trapframe *tf, const struct dt_insn *d, uint32_t eip)
{
	int size = d->opsize;
	uint32_t v = mem_read(0, size), store, la;
	uint64_t ss;

	if (op.failed)
		return 0;
	if (d->reg == 4)
		return size == 2 ? v & 0xFFFF : v;
	store = d->reg == 6 ? v : eip + d->len;
	if (seg_read_desc((uint16_t)tf->ss, &ss) || ATTR_DB(SEG_ATTR(ss)) == 0) {
		op.failed = -1;		/* a 16-bit stack: not here */
		return 0;
	}
	la = desc_base(ss) + tf->esp - (uint32_t)size;
	if (la >= HV_BASE || la + (uint32_t)size - 1 >= HV_BASE) {
		op.failed = -1;
		return 0;
	}
	note(gmem_write_as(la, &store, (uint32_t)size, 1), la, 1);
	if (op.failed)
		return 0;
	tf->esp -= (uint32_t)size;
	if (d->reg == 2)
		return size == 2 ? v & 0xFFFF : v;
	return eip + d->len;
}

/*
 * A #GP(0) from ring 3 at eip, whose instruction (insn, len bytes; d its
 * decode) may be such an access.  Returns 1 with *n set if hv performed it
 * (or its page fault is the guest's), 0 if the #GP stands.
 */
int user_wrap(struct trapframe *tf, uint32_t eip, const uint8_t *insn, int len,
	      const struct dt_insn *d, struct next *n)
{
	struct trapframe saved = *tf;
	uint64_t desc;
	uint16_t sel;
	uint32_t off;
	struct fault f;
	uint32_t next;
	int rc;

	if (tf->errcode != 0 || !(d->flags & DT_F_MEM) || d->mem.addr16 || d->mem.seg == DT_SS)
		return 0;
	sel = trap_sel(tf, d->mem.seg);
	if ((sel & 0xFFFC) == 0 || seg_read_desc(sel, &desc))
		return 0;
	op.attr = SEG_ATTR(desc);
	if (!ATTR_S(op.attr) || !ATTR_P(op.attr) ||
	    ((op.attr & TYPE_CODE) && !(op.attr & TYPE_RW)))
		return 0;
	off = (uint32_t)d->mem.disp;
	if (d->mem.base != DT_REG_NONE)
		off += *tf_gpr(tf, d->mem.base);
	if (d->mem.index != DT_REG_NONE)
		off += *tf_gpr(tf, d->mem.index) * d->mem.scale;
	op.base = desc_base(desc);
	op.limit = desc_limit(desc);
	op.off = off;
	op.trunc = desc_limit(seg_shadow_desc(desc));
	op.beyond = 0;
	op.failed = 0;
	/* Within hv's limit for any operand size (up to 16 bytes), the #GP
	   has another cause: the guest's. */
	if (within(op.attr, op.trunc, off, 16))
		return 0;
	if (d->map == DT_MAP_1B && d->opcode == 0xFF &&
	    (d->reg == 2 || d->reg == 4 || d->reg == 6)) {
		next = stack_form(tf, d, eip);
	} else {
		/* Offset 0 of the pseudo device is the operand: no page to cross. */
		rc = mmio_emulate(tf, insn, len, 0, &guest_mem);
		if (rc < 0) {
			log_warn("guest", "ring-3 access at %08x may be beyond hv's segment "
				 "limit; not emulated: %s", eip, mmio_why(rc));
			return 0;
		}
		next = eip + (uint32_t)rc;
	}
	if (op.failed || !op.beyond) {
		/* Not beyond the truncated limit: the #GP has another cause. */
		*tf = saved;
		if (op.failed == -1 || !op.beyond)
			return 0;	/* the guest's own limit or type: #GP stands */
		vcpu.eip = eip;
		emul_mem_fault(op.failed, op.fail_la, op.fail_write, &f);
		*n = nx_from_fault(eip, &f);
		return 1;
	}
	user_wrap_count++;
	*n = nx_go(next, 0);
	return 1;
}
