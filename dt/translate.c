/*
 * Translating one basic block (docs/ARCHITECTURE.md, "The translator").
 *
 * A block runs from its EIP to the first control transfer, an instruction
 * that must end it, the end of the guest page, or DT_BLOCK_INSNS
 * instructions.  Per instruction, by its decoded class (dt/decode.h):
 *
 *   plain                copied 1:1
 *   jcc / jmp rel        jcc/jmp rel32 to an exit stub, later back-patched
 *                        to the target's translation (chaining)
 *   call rel             push $guest_return; jmp rel32 (as above)
 *   loop / jecxz         the rel8 form, bounced through two rel32 jumps
 *   ret, jmp/call *x     save eax/ecx to the fast area, load the guest
 *                        target into eax (call: push $guest_return), jump
 *                        to the shared lookup (dt/cache.c)
 *   sensitive            as its row of the table (dt/sens.h) says: mostly
 *                        `int $VEC_DT_EXIT; .long exit` - hv runs the row's
 *                        handler on the instruction decoded here, and most
 *                        go on with the next instruction in the block;
 *                        CLI/STI/PUSHF/POPF inline with the guest's IF in
 *                        the real IF; I/O inline unless the port is hv's
 *   invalid              an exit that raises #UD (or #GP past 15 bytes)
 *
 * Example (the guest's IF virtual): guest `cli; add %eax,%ebx; jz L; ret`
 * becomes
 *   int $0xe0; .long x1        (x1: EMUL cli, goes on)
 *   add %eax,%ebx
 *   jz stub2                   (rel32; patched to L's block once known)
 *   jmp stub3
 *   stub2: int $0xe0; .long x2 (BRANCH to L)
 *   stub3: int $0xe0; .long x3 (BRANCH to the ret)
 * and the ret starts the next block.
 */
#include "dt/cache.h"
#include "dt/decode.h"
#include "dt/fast.h"
#include "dt/host.h"
#include "dt/sens.h"
#include "dt/smc.h"
#include "lib/layout.h"
#include "lib/string.h"
#include "lib/x86.h"

/* A read-modify-write of the ModRM memory operand (ADD/XOR/... to
   memory, shifts and rotates, INC/DEC/NEG/NOT, XCHG, XADD, CMPXCHG,
   BTS/BTR/BTC); stack and string instructions read one place and write
   another, so they are not. */
#define RMW (DT_F_MEM | DT_F_MREAD | DT_F_MWRITE)

/* mov %gs:guest_gs,%gs */
static void emit_guest_gs(struct emit *e)
{
	emit1(e, 0x65); emit1(e, 0x8E); emit1(e, 0x2D);
	emit4(e, VF_GUEST_GS);
}

/* mov %cs:dt_fast.hv_gs,%gs: hv's %gs back after the guest's (the code
   segment is flat, and %gs cannot reach the fast area while it is the
   guest's). */
static void emit_hv_gs(struct emit *e)
{
	emit1(e, 0x2E); emit1(e, 0x8E); emit1(e, 0x2D);
	emit4(e, (uint32_t)&dt_fast.hv_gs);
}

/* A rel32 inside the block body that must point at an exit's stub. */
struct fixup {
	uint8_t *rel;
	struct dt_exit *x;
};

struct tstate {
	struct dt_block *b;
	struct emit e;
	struct fixup fix[2 * DT_BLOCK_INSNS + 2];
	int nfix;
	struct dt_exit *tail[2 * DT_BLOCK_INSNS + 2];	/* exits needing stubs */
	int ntail;
};

static struct dt_exit *new_exit(struct tstate *t, int kind)
{
	struct dt_exit *x = cache_new_exit();

	x->kind = (uint8_t)kind;
	x->block = t->b;
	return x;
}

/* A jump to a direct target through a BRANCH exit; op is E9 or 0F 8x. */
static void emit_branch(struct tstate *t, uint8_t op0, int op1, uint32_t target)
{
	struct dt_exit *x = new_exit(t, DTX_BRANCH);

	x->target = target;
	emit1(&t->e, op0);
	if (op1 >= 0)
		emit1(&t->e, (uint8_t)op1);
	x->patch = (int32_t *)t->e.p;
	t->fix[t->nfix].rel = t->e.p;
	t->fix[t->nfix++].x = x;
	t->tail[t->ntail++] = x;
	emit4(&t->e, 0);
}

/* An exit stub right here in the body. */
static struct dt_exit *emit_inline_exit(struct tstate *t, int kind, uint32_t eip)
{
	struct dt_exit *x = new_exit(t, kind);

	x->eip = eip;
	emit_exit_stub(&t->e, x);
	return x;
}

/* mov %eax,%gs:s_eax; mov %ecx,%gs:s_ecx */
static void emit_save_scratch(struct emit *e)
{
	emit1(e, 0x65); emit1(e, 0xA3); emit4(e, VF_S_EAX);
	emit1(e, 0x65); emit1(e, 0x89); emit1(e, 0x0D); emit4(e, VF_S_ECX);
}

/*
 * eax holds the guest's target EIP: make it linear (lea flag-free) and go
 * to the shared lookup; a one-instruction block always exits instead.
 */
static void emit_jmp_lookup(struct emit *e, uint32_t cs_base, int single)
{
	if (cs_base) {
		emit1(e, 0x8D); emit1(e, 0x80); emit4(e, cs_base);	/* lea base(%eax),%eax */
	}
	emit1(e, 0xE9);
	set_rel32(e->p, single ? dt_miss_routine : dt_lookup_routine);
	e->p += 4;
}

/*
 * Loads the operand of `jmp/call *r/m` into eax: the same ModRM, SIB and
 * displacement with the reg field set to eax, as `mov r/m32,%eax`
 * (8B /r), or `movzwl r/m16,%eax` (0F B7 /r) for a 16-bit operand.
 */
static void emit_load_target(struct emit *e, const uint8_t *insn, const struct dt_insn *d)
{
	/* Keep the segment override and address-size prefixes. */
	if (d->prefixes & DT_P_SEG)
		emit1(e, (uint8_t[]){ 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 }[d->seg_override]);
	if (d->prefixes & DT_P_ADSIZE)
		emit1(e, 0x67);
	if (d->opsize == 2) {
		emit1(e, 0x0F);
		emit1(e, 0xB7);
	} else {
		emit1(e, 0x8B);
	}
	emit1(e, d->modrm & 0xC7);	/* reg = 0 (eax) */
	for (int i = d->modrm_off + 1; i < d->len && i < d->modrm_off + 1 + (d->has_sib ? 1 : 0) + d->mem.disp_size; i++)
		emit1(e, insn[i]);
}

static void emit_push_imm(struct emit *e, uint32_t v, int opsize)
{
	if (opsize == 2) {
		emit1(e, 0x66);
		emit1(e, 0x68);
		emit1(e, v & 0xFF);
		emit1(e, (v >> 8) & 0xFF);
	} else {
		emit1(e, 0x68);
		emit4(e, v);
	}
}

/*
 * An exit to the handler of table row s (dt/sens.h) for instruction d at
 * eip, keeping its decoded form; cont: the block goes on after it.
 */
static struct dt_exit *emit_emul_exit(struct tstate *t, const struct dt_sens *s,
				      const struct dt_insn *d, uint32_t eip, int cont)
{
	struct dt_exit *x = emit_inline_exit(t, DTX_EMUL, eip);

	x->len = d->len;
	x->sens = s;
	x->insn = cache_new_insn(d);
	if (cont)
		x->flags |= DTX_F_CONT;
	if (s->flags & DTS_HLT)
		x->flags |= DTX_F_HLT;
	return x;
}

/* `jmp rel8` to be patched: returns the address of its displacement. */
static uint8_t *emit_jmp8(struct emit *e)
{
	emit1(e, 0xEB);
	emit1(e, 0);
	return e->p - 1;
}

/*
 * With the guest's IF in the real IF (DT_MODE_NATIVE_IF: hv runs ring 1
 * with IOPL 1), CLI and STI run as they are, PUSHF gets the guest's IOPL
 * and TF patched into what it stored, and POPF runs as it is unless the
 * value would change IOPL or TF (then it is an exit to row s).
 */
static void emit_if_inline(struct tstate *t, const struct dt_sens *s, const struct dt_insn *d,
			   const uint8_t *buf, uint32_t eip)
{
	struct emit *e = &t->e;
	uint8_t *skip, *over;

	switch (d->opcode) {
	case 0x9C:		/* pushf; fix byte 1 of what it stored */
		memcpy(e->p, buf, d->len);
		e->p += d->len;
		emit1(e, 0x65); emit1(e, 0xA3); emit4(e, VF_S_EAX);
		emit1(e, 0x0F); emit1(e, 0xB6); emit1(e, 0x44); emit1(e, 0x24); emit1(e, 0x01);
		emit1(e, 0x65); emit1(e, 0x8A); emit1(e, 0x80); emit4(e, VF_PUSHF_FIX);
		emit1(e, 0x88); emit1(e, 0x44); emit1(e, 0x24); emit1(e, 0x01);
		emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);
		return;
	case 0x9D:		/* popf: as it is, or through hv */
		cache_pc(cache_pc_index() - 1)->scratch = 1;
		emit_save_scratch(e);
		emit1(e, 0x0F); emit1(e, 0xB6); emit1(e, 0x4C); emit1(e, 0x24); emit1(e, 0x01);
		emit1(e, 0x65); emit1(e, 0x0F); emit1(e, 0xB6); emit1(e, 0x89); emit4(e, VF_POPF_EXIT);
		emit1(e, 0xE3);
		skip = e->p;
		emit1(e, 0);
		emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0D); emit4(e, VF_S_ECX);
		emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);
		emit_emul_exit(t, s, d, eip, 1);
		/* hv goes on after the stub: jump over the native POPF */
		over = emit_jmp8(e);
		*skip = (uint8_t)(e->p - (skip + 1));
		emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0D); emit4(e, VF_S_ECX);
		emit1(e, 0x65); emit1(e, 0xA1); emit4(e, VF_S_EAX);
		memcpy(e->p, buf, d->len);
		e->p += d->len;
		*over = (uint8_t)(e->p - (over + 1));
		return;
	default:		/* cli, sti */
		memcpy(e->p, buf, d->len);
		e->p += d->len;
	}
}

/*
 * I/O runs as it is, except on the ports hv intercepts, which are an exit
 * to row s: known at translation for an immediate port, looked up in the
 * fast area's port table for a port in DX.  (At ring 1 with IOPL 1 I/O
 * does not meet the TSS bitmap at all, so the check must be here; with
 * IOPL 0 the bitmap would fault, but an exit costs less than a #GP.)
 */
static void emit_port_check(struct tstate *t, const struct dt_sens *s, const struct dt_insn *d,
			    const uint8_t *buf, uint32_t eip)
{
	struct emit *e = &t->e;
	uint8_t *skip, *over;

	if (d->opcode >= 0xE4 && d->opcode <= 0xE7) {	/* in/out imm8 */
		if (dth_port_intercepted((uint16_t)(d->imm & 0xFF), (d->opcode & 1) ? d->opsize : 1)) {
			emit_emul_exit(t, s, d, eip, 1);
		} else {
			memcpy(e->p, buf, d->len);
			e->p += d->len;
		}
		return;
	}
	/* in/out (%dx), ins/outs */
	emit1(e, 0x65); emit1(e, 0x89); emit1(e, 0x0D); emit4(e, VF_S_ECX);
	emit1(e, 0x0F); emit1(e, 0xB7); emit1(e, 0xCA);		/* movzwl %dx,%ecx */
	emit1(e, 0x65); emit1(e, 0x0F); emit1(e, 0xB6); emit1(e, 0x89); emit4(e, VF_IO_EXIT);
	emit1(e, 0xE3);
	skip = e->p;
	emit1(e, 0);
	emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0D); emit4(e, VF_S_ECX);
	emit_emul_exit(t, s, d, eip, 1);
	over = emit_jmp8(e);
	*skip = (uint8_t)(e->p - (skip + 1));
	emit1(e, 0x65); emit1(e, 0x8B); emit1(e, 0x0D); emit4(e, VF_S_ECX);
	memcpy(e->p, buf, d->len);
	e->p += d->len;
	*over = (uint8_t)(e->p - (over + 1));
}

/* Does a %gs override pick the data segment of this instruction? */
static int gs_data(const struct dt_insn *d)
{
	return (d->prefixes & DT_P_SEG) && d->seg_override == DT_GS &&
	       ((d->flags & DT_F_MEM) || d->str == DT_STR_MOVS || d->str == DT_STR_CMPS ||
		d->str == DT_STR_LODS || d->str == DT_STR_OUTS ||
		(d->map == DT_MAP_1B && d->opcode == 0xD7));
}

/* A relative branch's linear target (EIP arithmetic is on offsets). */
static uint32_t rel_target(const struct dt_block *b, const struct dt_insn *d, uint32_t lin)
{
	return dt_rel_target(d, lin - b->cs_base) + b->cs_base;
}

static void add_pc(struct tstate *t, uint32_t eip, int scratch)
{
	*cache_new_pc() = (struct dt_pc){ .coff = (uint16_t)(t->e.p - t->b->code),
					  .goff = (uint16_t)(eip - t->b->eip),
					  .scratch = (uint16_t)scratch };
	t->b->npc++;
}

int dt_translate(struct dt_block *b, int mode, int single, struct dt_fail *fail)
{
	struct tstate t = { .b = b, .e = { b->code } };
	uint32_t eip = b->eip;
	int ninsn = 0, end = 0, global = 0;

	/* Blocks remember the physical pages they were read from: a write
	   through any alias finds them.  A one-instruction block runs once,
	   right after its page was unprotected for a write: it must not
	   protect it again. */
	if (dth_code_frame(eip, &b->page[0], &global) < 0) {
		fail->kind = DTF_FETCH_PF;
		fail->eip = eip;
		return -1;
	}
	if (!single)
		smc_protect(b->page[0]);
	b->checked = !single && smc_is_checked(b->page[0]);
	b->global = !single && global;
	while (!end) {
		uint8_t buf[DT_MAX_LEN];
		struct dt_insn d;
		int why = 0, n = dth_fetch(eip, buf, DT_MAX_LEN, &why);
		enum dt_status st;
		const struct dt_sens *sens;
		uint32_t next;

		if ((mode & DT_MODE_DEBUG) && !single && dth_breakpoint_at(eip)) {
			/* A debugger breakpoint: the block ends before it, or is
			   only its exit (the guest's bytes stay as they are). */
			if (ninsn)
				break;
			add_pc(&t, eip, 0);
			emit_inline_exit(&t, DTX_DEBUG, eip);
			end = 1;
			break;
		}
		if (n == 0) {
			if (ninsn)
				break;	/* end the block before the bad page */
			fail->kind = why;
			fail->eip = eip;
			return -1;
		}
		st = dt_decode(buf, (size_t)n, &d);
		if (st == DT_TRUNCATED && ninsn)
			break;	/* let the next block start there and fault */
		if (st == DT_TRUNCATED && why) {
			/* The instruction runs into a page the guest cannot fetch. */
			fail->kind = why;
			fail->eip = eip;
			return -1;
		}
		add_pc(&t, eip, 0);
		ninsn++;
		dt_stats.insns++;
		next = eip + d.len;

		if (st != DT_OK) {
			struct dt_exit *x = emit_inline_exit(&t, DTX_RAISE, eip);

			x->vector = st == DT_TOO_LONG ? EXC_GP : EXC_UD;
			if (st == DT_TRUNCATED)
				x->vector = EXC_GP;	/* fetch ran into memory it may not read */
			break;
		}
		if ((next - 1) >> PAGE_SHIFT != eip >> PAGE_SHIFT &&
		    dth_code_frame(next - 1, &b->page[1], 0) == 0 && !single) {
			/* The instruction reaches into the next page. */
			smc_protect(b->page[1]);
			if (smc_is_checked(b->page[1]))
				b->checked = 1;
		}

		sens = d.cf == DT_CF_NONE && dt_sens_wanted(&d) ? dt_sens_find(&d) : 0;
		if (sens && sens->how == DTS_NATIVE)
			sens = 0;	/* harmless at ring 1: copied */
		if ((d.flags & RMW) == RMW && !(d.flags & (DT_F_STACK | DT_F_STRING)))
			cache_pc(cache_pc_index() - 1)->rmw = 1;

		switch (d.cf) {
		case DT_CF_NONE:
			if (sens && sens->how == DTS_UD) {
				struct dt_exit *x = emit_inline_exit(&t, DTX_RAISE, eip);

				x->vector = EXC_UD;
				end = 1;
			} else if (sens && (sens->flags & DTS_IF_INLINE) &&
				   (mode & DT_MODE_NATIVE_IF) && !single) {
				emit_if_inline(&t, sens, &d, buf, eip);
			} else if (sens && (sens->flags & DTS_PORT)) {
				emit_port_check(&t, sens, &d, buf, eip);
			} else if (sens) {
				int cont = sens->how == DTS_EXIT && !single && !b->checked;

				emit_emul_exit(&t, sens, &d, eip, cont);
				end = !cont;
			} else if (gs_data(&d)) {
				/* %gs is hv's: the guest's around the access. */
				emit_guest_gs(&t.e);
				memcpy(t.e.p, buf, d.len);
				t.e.p += d.len;
				emit_hv_gs(&t.e);
			} else {
				if (d.map == DT_MAP_0F && d.opcode == 0xC7 && d.reg == 1 && d.mod != 3) {
					/* QEMU 7.2's TCG computes CMPXCHG8B's flags other
					   than ZF from a stale flags state, which can even
					   set TF or NT; a jump to the next instruction
					   ends its translation block and syncs that state
					   first.  Architecturally it does nothing. */
					emit1(&t.e, 0xEB);
					emit1(&t.e, 0x00);
				}
				memcpy(t.e.p, buf, d.len);
				t.e.p += d.len;
			}
			if (b->checked && !end && (d.flags & DT_F_MWRITE)) {
				/* It may have written the instructions after it:
				   the next block is looked up (and checked) anew. */
				emit_branch(&t, 0xE9, -1, next);
				end = 1;
			}
			break;
		case DT_CF_JCC:
			/* 7x rel8 or 0F 8x rel32: the condition is the low nibble. */
			emit_branch(&t, 0x0F, 0x80 | (d.opcode & 0x0F), rel_target(b, &d, eip));
			emit_branch(&t, 0xE9, -1, next);
			end = 1;
			break;
		case DT_CF_JMP_REL:
			emit_branch(&t, 0xE9, -1, rel_target(b, &d, eip));
			end = 1;
			break;
		case DT_CF_CALL_REL:
			emit_push_imm(&t.e, next - b->cs_base, d.opsize);
			emit_branch(&t, 0xE9, -1, rel_target(b, &d, eip));
			end = 1;
			break;
		case DT_CF_LOOP:
		case DT_CF_LOOPE:
		case DT_CF_LOOPNE:
		case DT_CF_JCXZ:
			if (d.prefixes & DT_P_ADSIZE)
				emit1(&t.e, 0x67);
			emit1(&t.e, d.opcode);	/* E0-E3 */
			emit1(&t.e, 2);		/* taken: skip the short jmp */
			emit1(&t.e, 0xEB);
			emit1(&t.e, 5);		/* not taken: skip the taken jmp */
			emit_branch(&t, 0xE9, -1, rel_target(b, &d, eip));
			emit_branch(&t, 0xE9, -1, next);
			end = 1;
			break;
		case DT_CF_RET:
		case DT_CF_RET_IMM:
			cache_pc(cache_pc_index() - 1)->scratch = 1;
			emit_save_scratch(&t.e);
			if (d.opsize == 2) {
				/* popw %ax; movzwl %ax,%eax */
				emit1(&t.e, 0x66); emit1(&t.e, 0x58);
				emit1(&t.e, 0x0F); emit1(&t.e, 0xB7); emit1(&t.e, 0xC0);
			} else {
				emit1(&t.e, 0x58);	/* pop %eax */
			}
			if (d.cf == DT_CF_RET_IMM && d.imm) {
				/* lea imm(%esp),%esp: adds without touching EFLAGS */
				emit1(&t.e, 0x8D); emit1(&t.e, 0xA4); emit1(&t.e, 0x24);
				emit4(&t.e, d.imm & 0xFFFF);
			}
			emit_jmp_lookup(&t.e, b->cs_base, single);
			end = 1;
			break;
		case DT_CF_JMP_IND:
		case DT_CF_CALL_IND:
			cache_pc(cache_pc_index() - 1)->scratch = 1;
			emit_save_scratch(&t.e);
			if (d.mod == 3) {
				/* mov %reg,%eax (movzwl %reg16,%eax for 16 bits) */
				if (d.opsize == 2) {
					emit1(&t.e, 0x0F); emit1(&t.e, 0xB7);
					emit1(&t.e, 0xC0 | d.rm);
				} else {
					emit1(&t.e, 0x8B); emit1(&t.e, 0xC0 | d.rm);
				}
			} else if (gs_data(&d)) {
				emit_guest_gs(&t.e);
				emit_load_target(&t.e, buf, &d);
				emit_hv_gs(&t.e);
			} else {
				emit_load_target(&t.e, buf, &d);
			}
			if (d.cf == DT_CF_CALL_IND)
				emit_push_imm(&t.e, next - b->cs_base, d.opsize);
			emit_jmp_lookup(&t.e, b->cs_base, single);
			end = 1;
			break;
		case DT_CF_UD: {
			struct dt_exit *x = emit_inline_exit(&t, DTX_RAISE, eip);

			x->vector = EXC_UD;
			end = 1;
			break;
		}
		default:
			/* Far transfers, INT n, IRET, HLT, SYSENTER...: emulated by
			   hv (their rows, or the catch-all row). */
			emit_emul_exit(&t, dt_sens_find(&d), &d, eip, 0);
			end = 1;
			break;
		}
		eip = next;
		if (!end && (single || ninsn == DT_BLOCK_INSNS ||
			     (eip & (PAGE_SIZE - 1)) == 0))
			break;
	}
	if (!end) {
		/* Fell off the end: go on at eip. */
		if (single) {
			struct dt_exit *x = emit_inline_exit(&t, DTX_STEP_END, eip);

			x->target = eip;
		} else {
			emit_branch(&t, 0xE9, -1, eip);
		}
	}
	b->end = eip;
	b->body_len = (uint16_t)(t.e.p - b->code);
	for (int i = 0; i < t.ntail; i++)
		emit_exit_stub(&t.e, t.tail[i]);
	for (int i = 0; i < t.nfix; i++)
		set_rel32(t.fix[i].rel, t.fix[i].x->stub);
	b->code_len = (uint16_t)(t.e.p - b->code);
	return 0;
}
