/*
 * Running the guest: every trap from translated guest code comes here
 * (docs/ARCHITECTURE.md, "Traps from the guest").
 *
 *  - exits (int $VEC_DT_EXIT from the cache): branch to translate and
 *    chain, indirect-branch miss, instruction to emulate, exception to
 *    raise, end of a one-instruction block;
 *  - hardware interrupts: queued for the guest and delivered at the next
 *    clean guest-instruction boundary where its IF allows;
 *  - #DB from hv's own single-stepping towards such a boundary;
 *  - exceptions raised by translated code: mapped back to the guest EIP
 *    (with the scratch registers restored), then handled by hv (a write to
 *    a code page, an intercepted port) or reflected to the guest.
 *
 * Every path ends in guest_resume(): the guest goes on at a guest EIP, through
 * its translation, after any interrupt it can take now.
 */
#include "monitor/guest.h"

#include "dt/smc.h"
#include "lib/bootinfo.h"
#include "drivers/intc.h"
#include "drivers/ioport.h"
#include "dt/dt.h"
#include "monitor/emul.h"
#include "monitor/gdt.h"
#include "monitor/mm/mm.h"
#include "monitor/guest_int.h"
#include "monitor/intr.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

static struct {
	uint32_t exits, irqs, steps, faults[32], smc_writes, io_emulated;
} stats;

struct guest_hooks guest_hooks;
struct guest_watch guest_watch;

/* How dt/ must translate now (dt/dt.h, DT_MODE_*). */
int guest_dt_mode(void)
{
	return (vcpu.native_if ? DT_MODE_NATIVE_IF : 0) | (vcpu.breakpoints ? DT_MODE_DEBUG : 0);
}

void trap_return_to(struct trapframe *tf) __attribute__((noreturn));

void host_irq(int irq)
{
	stats.irqs++;
	irq_host(irq);
}

static uint32_t cs_base(void)
{
	return vcpu.seg[VS_CS].base;
}

static void watchdog_stop(struct trapframe *tf);

/* Returns only when the failure became a guest exception (delivered). */
static void translate_failed(struct trapframe *tf, const struct dt_fail *fail)
{
	switch (fail->kind) {
	case DTF_FETCH_HV:
		guest_stop(tf, "guest executes hv's memory at %08x", fail->eip);
	case DTF_FETCH_OUTSIDE:
		guest_stop(tf, "guest jumped into hv's linear region (%08x)", fail->eip);
	case DTF_FETCH_PF: {
		/* The code is not mapped: the guest gets its #PF (instruction
		   fetch, so no W bit) at the instruction. */
		struct fault f = { EXC_PF, 1, gmem_pf.err, gmem_pf.cr2 };

		guest_reflect(tf, vcpu.eip, &f);
		return;
	}
	default:
		panic_tf(tf, "translation at %08x failed (kind %d)", fail->eip, fail->kind);
	}
}

/*
 * Goes on at guest EIP eip: at cache address addr if given (the guest is
 * there already), else at eip's translation.  Pending interrupts the
 * guest can take are delivered first; if only an interrupt shadow holds
 * them back, hv steps the guest past it.
 */
void guest_resume(struct trapframe *tf, uint32_t eip, uint32_t addr)
{
	int blocked = 0, dbgr = 0;
	struct fault f;

	if (guest_hooks.resume && (dbgr = guest_hooks.resume(tf, &eip, addr)) & GUEST_R_RESTART)
		addr = 0;	/* stopped by the debugger (monitor/debug/debug.c) */
	if (vcpu.tf_pending) {
		/* The instruction ran with TF set: #DB trap after it (SDM vol. 3A
		   17.3.1.4), before any external interrupt. */
		vcpu.tf_pending = 0;
		vcpu.dr[6] |= DR6_BS;
		vcpu.eip = eip;
		intr_deliver(tf, EXC_DB, INTR_EXC, 0, 0, eip, &f);
		eip = vcpu.eip;
		addr = 0;
	}
	if (vcpu.shadow == 1) {
		if (eip == vcpu.shadow_eip) {
			vcpu.shadow = 2;	/* ends at the next trap */
			blocked = 1;
		} else {
			vcpu.shadow = 0;
		}
	}
	while (!blocked && !(dbgr & GUEST_R_NOIRQ) && (vcpu.vflags & FL_IF) && intc_pending()) {
		int vec = intc_ack();

		if (vec < 0)
			break;
		vcpu.eip = eip;
		intr_deliver(tf, vec, INTR_EXT, 0, 0, eip, &f);
		guest_watch.progress = 1;	/* an idle guest is woken up */
		eip = vcpu.eip;
		addr = 0;
	}
	/* In a shadow, step the shadowed instruction with interrupts off. */
	vcpu.stepping = blocked;
	vcpu.eip = eip;
	if (vcpu.cpl == 3) {
		guest_enter_user(tf, eip, blocked);
		return;
	}
	tf->gs = SEL_R1_GS;
	hv_tss.iomap_base = sizeof(struct tss32);
	if ((vcpu.vflags & FL_TF) || (dbgr & GUEST_R_SINGLE)) {
		/* Guest single-stepping: this instruction alone, then #DB (the
		   debugger's steps: alone, then back to it). */
		struct dt_fail fail;
		struct dt_block *b = dt_get_single(cs_base() + eip, cs_base(), guest_dt_mode(), &fail);

		if (!b) {
			translate_failed(tf, &fail);
			return;
		}
		addr = (uint32_t)b->code;
		vcpu.tf_pending = (vcpu.vflags & FL_TF) != 0;
		vcpu.single_code = addr;
	} else if (!addr) {
		struct dt_fail fail;
		struct dt_block *b = dt_get(cs_base() + eip, cs_base(), guest_dt_mode(), &fail);

		if (!b) {
			translate_failed(tf, &fail);
			return;
		}
		addr = (uint32_t)b->code;
	}
	tf->eip = addr;
	tf->cs = SEL_R1_CS;
	if (((tf->ds & 0xFFFC) == 0 && (tf->ds & 3)) || ((tf->es & 0xFFFC) == 0 && (tf->es & 3)) ||
	    ((tf->fs & 0xFFFC) == 0 && (tf->fs & 3))) {
		/* A null selector with RPL bits would lose them in IRET. */
		dt_fast.sv_ds = tf->ds;
		dt_fast.sv_es = tf->es;
		dt_fast.sv_fs = tf->fs;
		dt_fast.sv_target = addr;
		dt_fast.sv_eip = eip;
		tf->eip = (uint32_t)dt_reload_routine;
	}
	/* The real IF follows the guest's: with the PIC passed through, an
	   interrupt the guest cannot take yet stays in the PIC, as on
	   hardware, instead of being acknowledged early by hv. */
	tf->eflags = (tf->eflags | FL_FIXED) & ~(FL_TF | FL_IF | FL_IOPL_MASK | FL_VM | FL_RF);
	if (!blocked)
		tf->eflags |= intc_real_if_follows_guest() ? vcpu.vflags & FL_IF : FL_IF;
	else
		vcpu.if_held = 1;
	if (vcpu.native_if)
		tf->eflags |= 1u << FL_IOPL_SHIFT;	/* CLI, STI, POPF's IF at ring 1 */
	if (vcpu.stepping)
		tf->eflags |= FL_TF;
}

/* Reflects exception f, raised by the instruction at eip, to the guest. */
void guest_reflect(struct trapframe *tf, uint32_t eip, const struct fault *f)
{
	struct fault nf;

	if (f->vec < 32)
		stats.faults[f->vec]++;
	vcpu.tf_pending = 0;	/* a faulting instruction does not complete */
	vcpu.eip = eip;
	if (f->vec == EXC_PF)
		gcr.cr2 = f->cr2;
	intr_deliver(tf, f->vec, INTR_EXC, f->has_err, f->err, eip, &nf);
	guest_resume(tf, vcpu.eip, 0);
}

static void wait_for_interrupt(struct trapframe *tf)
{
	if (!(vcpu.vflags & FL_IF))
		guest_stop(tf, "guest halted with interrupts disabled");
	while (!intc_pending()) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		if (guest_watch.fired)
			watchdog_stop(tf);	/* nothing will ever wake it */
	}
}

static void do_exit(struct trapframe *tf)
{
	struct dt_exit *x = *(struct dt_exit **)tf->eip;
	uint32_t gen = dt_flush_gen, next;
	struct dt_block *b;
	struct dt_fail fail;
	struct fault f;
	int r;

	if (dt_stub_at(tf->eip - 2) != x)
		panic_tf(tf, "exit from %08x without an exit stub", tf->eip - 2);
	stats.exits++;
	dt_stats.exits[x->kind]++;
	switch (x->kind) {
	case DTX_BRANCH:
		vcpu.eip = x->target - cs_base();
		if (guest_hooks.dispatched && guest_hooks.dispatched(tf, vcpu.eip)) {
			guest_resume(tf, vcpu.eip, 0);	/* not chained: seen every time */
			return;
		}
		if (vcpu.tf_pending || vcpu.stepping) {
			guest_resume(tf, vcpu.eip, 0);
			return;
		}
		if (!(b = dt_get(x->target, cs_base(), guest_dt_mode(), &fail))) {
			translate_failed(tf, &fail);
			return;
		}
		if (gen == dt_flush_gen && x->block && !x->block->dead && !x->block->transient)
			dt_chain(x, b);
		guest_resume(tf, x->target - cs_base(), (uint32_t)b->code);
		return;
	case DTX_IND:
		dt_stats.ib_misses++;
		vcpu.eip = dt_fast.s_guest - cs_base();
		if (guest_hooks.dispatched)
			guest_hooks.dispatched(tf, vcpu.eip);
		if (vcpu.tf_pending || vcpu.stepping) {
			guest_resume(tf, vcpu.eip, 0);
			return;
		}
		if (!(b = dt_get(dt_fast.s_guest, cs_base(), guest_dt_mode(), &fail))) {
			translate_failed(tf, &fail);
			return;
		}
		dt_ibtc_set(dt_fast.s_guest, b);
		guest_resume(tf, vcpu.eip, (uint32_t)b->code);
		return;
	case DTX_STEP_END:
		guest_resume(tf, x->target - cs_base(), 0);
		return;
	case DTX_DEBUG:
		vcpu.eip = x->eip - cs_base();
		if (guest_hooks.breakpoint)
			guest_hooks.breakpoint(vcpu.eip);
		guest_resume(tf, vcpu.eip, 0);
		return;
	case DTX_RAISE:
		f.vec = x->vector;
		f.has_err = EXC_HAS_ERRCODE(x->vector);
		f.err = 0;
		guest_reflect(tf, x->eip - cs_base(), &f);
		return;
	case DTX_EMUL:
		vcpu.eip = x->eip - cs_base();
		r = emul_insn(tf, vcpu.eip, x, &f, &next);
		if (r < 0) {
			guest_reflect(tf, x->eip - cs_base(), &f);
			return;
		}
		if (r > 0) {	/* INT n & co: delivered, vcpu.eip is the handler */
			guest_resume(tf, vcpu.eip, 0);
			return;
		}
		if (x->flags & DTX_F_HLT)
			wait_for_interrupt(tf);
		if ((x->flags & DTX_F_CONT) && next == x->eip - cs_base() + x->len &&
		    gen == dt_flush_gen && !x->block->dead && !vcpu.tf_pending)
			guest_resume(tf, next, (uint32_t)x->stub + DT_STUB_SIZE);
		else
			guest_resume(tf, next, 0);
		return;
	}
	panic_tf(tf, "exit of unknown kind %d", x->kind);
}

/*
 * Where the guest is when an interrupt or a step stopped it at cache
 * address addr: returns 1 and the guest EIP at a clean boundary.
 */
static int clean_point(struct trapframe *tf, uint32_t addr, uint32_t *eip)
{
	struct dt_exit *x = dt_stub_at(addr);
	struct dt_block *b;
	int scratch, r;

	(void)tf;
	if (addr >= (uint32_t)dt_reload_routine && addr < (uint32_t)dt_reload_end) {
		/* Still before the guest instruction the reload leads to. */
		*eip = dt_fast.sv_eip;
		return 1;
	}
	if (x) {
		switch (x->kind) {
		case DTX_BRANCH:
		case DTX_STEP_END:
			*eip = x->target - cs_base();
			return 1;
		case DTX_IND:
			*eip = dt_fast.s_guest - cs_base();
			return 1;
		default:
			*eip = x->eip - cs_base();
			return 1;
		}
	}
	b = dt_block_at(addr);
	if (!b || addr >= (uint32_t)b->code + b->body_len)
		return 0;
	r = dt_guest_eip(b, addr, eip, &scratch);
	*eip -= b->cs_base;
	return r;
}

/* A hardware interrupt or an hv step stopped translated code. */
static void at_async(struct trapframe *tf)
{
	uint32_t eip;

	if ((tf->cs & 3) == 3) {
		/* User code stops at instruction boundaries. */
		vcpu.if_held = 0;
		if (vcpu.shadow == 2)
			vcpu.shadow = tf->eip == vcpu.shadow_eip ? 1 : 0;
		guest_resume(tf, tf->eip, 0);
		return;
	}

	if (clean_point(tf, tf->eip, &eip)) {
		/* Still in front of the shadowed instruction: keep holding. */
		if (vcpu.shadow == 2)
			vcpu.shadow = eip == vcpu.shadow_eip ? 1 : 0;
		/* At the start of a one-instruction block nothing has run yet. */
		if (vcpu.tf_pending && eip == vcpu.eip)
			vcpu.tf_pending = 0;
		if (tf->eip >= (uint32_t)dt_reload_routine && tf->eip < (uint32_t)dt_reload_end) {
			/* Sets the reload up again with the guest's selectors. */
			tf->ds = dt_fast.sv_ds;
			tf->es = dt_fast.sv_es;
			tf->fs = dt_fast.sv_fs;
			guest_resume(tf, eip, dt_fast.sv_target);
		}
		else
			guest_resume(tf, eip, vcpu.tf_pending ? 0 : tf->eip);
		return;
	}
	/* Inside an expansion: step on to a clean boundary first. */
	if (vcpu.shadow == 2)
		vcpu.shadow = 0;
	vcpu.stepping = intc_pending() && (vcpu.vflags & FL_IF);
	tf->eflags = (tf->eflags & ~(FL_TF | FL_IF)) |
		     (intc_real_if_follows_guest() ? vcpu.vflags & FL_IF : FL_IF);
	if (vcpu.stepping) {
		stats.steps++;
		tf->eflags |= FL_TF;
	}
}

/* The watchdog ran out (watchdog.h): stop the guest where it spins. */
static void watchdog_stop(struct trapframe *tf)
{
	uint32_t eip = vcpu.eip;

	/* Inside an expansion, the guest instruction it belongs to. */
	if ((tf->cs & 3) != 3)
		clean_point(tf, tf->eip, &eip);
	else
		eip = tf->eip;
	vcpu.eip = eip;
	guest_stop(tf, "no guest progress for %u s: no interrupt taken, no user code run, "
		   "no new code reached",
		   guest_watch.seconds);
}

/*
 * An exception raised by translated code: the guest EIP it belongs to.
 * With recover, the guest registers an expansion had moved to the scratch
 * slots are put back, so the guest instruction can be restarted or
 * reported from its beginning.
 */
static uint32_t fault_eip(struct trapframe *tf, int recover)
{
	struct dt_block *b;
	uint32_t eip;
	int scratch;

	if ((tf->cs & 3) == 3)
		return tf->eip;	/* guest user code runs as it is */
	b = dt_block_at(tf->eip);
	if (!b || tf->eip >= (uint32_t)b->code + b->body_len)
		panic_tf(tf, "exception %u at cache address %08x outside any translation",
			 tf->vector, tf->eip);
	if (!dt_guest_eip(b, tf->eip, &eip, &scratch) && scratch && recover) {
		tf->eax = dt_fast.s_eax;
		tf->ecx = dt_fast.s_ecx;
	}
	return eip - b->cs_base;
}

/* Runs the guest instruction at eip alone (after a write to a code page). */
static void run_single(struct trapframe *tf, uint32_t eip)
{
	struct dt_fail fail;
	struct dt_block *b;

	if (!(b = dt_get_single(cs_base() + eip, cs_base(), guest_dt_mode(), &fail))) {
		translate_failed(tf, &fail);
		return;
	}
	tf->eip = (uint32_t)b->code;
	tf->eflags &= ~FL_TF;
}

/*
 * Is the faulting instruction a read-modify-write of its ModRM memory
 * operand (ADD/XOR/... to memory, shifts and rotates, INC/DEC/NEG/NOT,
 * XCHG, XADD, CMPXCHG, BTS/BTR/BTC)?  Stack and string instructions read
 * one place and write another, so they are not.
 */
static int rmw_insn(void *ctx)
{
	struct trapframe *tf = ctx;
	uint8_t buf[DT_MAX_LEN];
	struct dt_insn d;
	uint32_t eip = fault_eip(tf, 0);
	int why, n = gmem_fetch(cs_base() + eip, buf, DT_MAX_LEN, vcpu.cpl == 3, &why);
	const uint32_t rmw = DT_F_MEM | DT_F_MREAD | DT_F_MWRITE;

	return n > 0 && dt_decode(buf, (size_t)n, &d) == DT_OK && (d.flags & rmw) == rmw &&
	       !(d.flags & (DT_F_STACK | DT_F_STRING));
}

static void paging_fault(struct trapframe *tf)
{
	uint32_t cr2 = read_cr2(), pa, eip;
	int user = (tf->cs & 3) == 3;
	struct fault f = { EXC_PF, 1, 0, 0 };

	switch (shadow_fault(cr2, tf->errcode, user, rmw_insn, tf, &pa)) {
	case SHADOW_FILLED:
		return;	/* the instruction runs again, in place */
	case SHADOW_GUEST_FAULT:
		f.err = gmem_pf.err;
		f.cr2 = gmem_pf.cr2;
		eip = fault_eip(tf, 1);
		guest_reflect(tf, eip, &f);
		return;
	case SHADOW_CODE_WRITE:
		stats.smc_writes++;
		smc_write(pa);
		if (user)
			return;
		eip = fault_eip(tf, 1);
		vcpu.eip = eip;
		run_single(tf, eip);
		return;
	case SHADOW_HV_FRAME:
		vcpu.eip = fault_eip(tf, 0);
		guest_stop(tf, "guest maps hv's frame %08x at %08x", pa, cr2);
	default:
		vcpu.eip = fault_eip(tf, 0);
		guest_stop(tf, "guest uses hv's linear region (%08x)", cr2);
	}
}

static void do_fault(struct trapframe *tf)
{
	uint32_t eip, cr2;
	struct fault f = { (int)tf->vector, EXC_HAS_ERRCODE(tf->vector), tf->errcode, 0 };

	if (tf->vector == EXC_PF && (gcr.cr0 & CR0_PG)) {
		paging_fault(tf);
		return;
	}
	eip = fault_eip(tf, 1);
	vcpu.eip = eip;
	if (tf->vector == EXC_PF) {
		cr2 = read_cr2();
		if ((tf->errcode & (PFEC_P | PFEC_W)) == (PFEC_P | PFEC_W) && cr2 < HV_BASE &&
		    smc_write(cr2)) {
			/* A write to a page with translations (self-modifying
			   code): they are gone; run the writer on its own (user
			   code simply runs again). */
			stats.smc_writes++;
			if ((tf->cs & 3) != 3)
				run_single(tf, eip);
			return;
		}
		if (cr2 >= HV_BASE || gmem_is_hv(cr2, 1))
			guest_stop(tf, "guest touched hv's memory at %08x (#PF error %x)", cr2,
				   tf->errcode);
		guest_stop(tf, "unexpected page fault at %08x (error %x) with guest paging off",
			   cr2, tf->errcode);
	}
	if ((tf->cs & 3) == 3 && tf->vector == EXC_GP && guest_user_gp(tf, eip))
		return;
	if ((tf->cs & 3) == 3 && (tf->vector == EXC_NP || tf->vector == EXC_SS)) {
		/* A native segment load met a descriptor whose accessed bit
		   hv must write (emul_seg.c): done, or a #PF for the guest. */
		int r = seg_user_accessed(tf, &f);

		if (r > 0)
			return;
		if (r < 0) {
			guest_reflect(tf, eip, &f);
			return;
		}
	}
	if ((tf->cs & 3) == 3 && tf->vector == EXC_DB) {
		/* Guest TF in user code: a trap, after the instruction. */
		vcpu.dr[6] |= DR6_BS;
		f.has_err = 0;
		guest_reflect(tf, eip, &f);
		return;
	}
	if (tf->vector == EXC_GP && (tf->cs & 3) != 3) {
		uint8_t buf[DT_MAX_LEN];
		struct dt_insn d;
		int why, n = gmem_fetch(cs_base() + eip, buf, DT_MAX_LEN, vcpu.cpl == 3, &why);

		if (n > 0 && dt_decode(buf, (size_t)n, &d) == DT_OK && (d.flags & DT_F_IO)) {
			int r = emul_io(tf, &d, &f, 0);

			if (r == 0) {
				stats.io_emulated++;
				guest_resume(tf, eip + d.len, 0);
				return;
			}
			if (r < 0) {
				guest_reflect(tf, eip, &f);
				return;
			}
		}
	}
	guest_reflect(tf, eip, &f);
}

void guest_trap(struct trapframe *tf)
{
	/* Native CLI/STI/POPF keep the guest's IF in the real one. */
	if (vcpu.native_if && !vcpu.if_held)
		vcpu.vflags = (vcpu.vflags & ~FL_IF) | (tf->eflags & FL_IF);
	vcpu.if_held = 0;
	if ((tf->cs & 3) == 3) {
		seg_sync_user(tf);
		/* POPF in user code may have changed TF (not IF or IOPL). */
		if ((vcpu.vflags ^ tf->eflags) & FL_TF) {
			vcpu.vflags ^= FL_TF;
			vcpu_flags_tables();
		}
		if (tf->vector == VEC_USER_SYSCALL) {
			struct fault f;

			vcpu.eip = tf->eip;
			if (intr_soft(tf, VEC_USER_SYSCALL, tf->eip, &f))
				guest_reflect(tf, tf->eip - 2, &f);
			else
				guest_resume(tf, vcpu.eip, 0);
			return;
		}
	}
	/* After an STI/MOV SS shadow was armed, the next trap means the
	   shadowed instruction has run, unless an interrupt arrived right
	   before it (at_async sees that case). */
	if (vcpu.shadow == 2 && !(tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + 16))
		vcpu.shadow = 0;
	if (tf->vector == VEC_DT_EXIT) {
		do_exit(tf);
	} else if (tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + 16) {
		host_irq((int)tf->vector - VEC_IRQ_BASE);
		if (guest_watch.fired)
			watchdog_stop(tf);
		at_async(tf);
	} else if (tf->vector == EXC_DB && vcpu.stepping) {
		stats.steps++;
		at_async(tf);
	} else if (tf->vector < 32) {
		do_fault(tf);
	} else {
		panic_tf(tf, "unexpected vector %u from guest code", tf->vector);
	}
}

void guest_print_stats(void)
{
	log_info("guest", "traps: exits %u, interrupts %u, steps %u, smc writes %u, "
		 "emulated i/o %u", stats.exits, stats.irqs, stats.steps, stats.smc_writes,
		 stats.io_emulated + guest_user_io);
	shadow_print_stats();
	for (int v = 0; v < 32; v++)
		if (stats.faults[v])
			log_info("guest", "  exceptions reflected, vector %d: %u", v,
				 stats.faults[v]);
}

void guest_start(uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esi)
{
	static struct trapframe *tf;

	tf = (struct trapframe *)((uint32_t)hv_stack_top - sizeof(*tf));
	*tf = (struct trapframe){ 0 };
	tf->eax = eax;
	tf->ebx = ebx;
	tf->esi = esi;
	tf->esp = GUEST_INITIAL_ESP;
	tf->ds = tf->es = tf->fs = vcpu.seg[VS_DS].sel;
	tf->ss = vcpu.seg[VS_SS].sel | 1;
	tf->gs = SEL_R1_GS;
	tf->eflags = FL_FIXED;
	guest_resume(tf, entry, 0);
	log_info("guest", "starting the guest at %08x", entry);
	trap_return_to(tf);
}
