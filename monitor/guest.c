/*
 * Running the guest: every trap from guest code comes here, and the one
 * trap loop resumes it (docs/ARCHITECTURE.md, "The trap loop").
 *
 *  - exits (int $VEC_DT_EXIT from the cache): branch to translate and
 *    chain, indirect-branch miss, instruction to emulate (its row's
 *    handler), exception to raise, end of a one-instruction block;
 *  - hardware interrupts: queued for the guest and delivered at the next
 *    clean guest-instruction boundary where its IF allows;
 *  - #DB from hv's own single-stepping towards such a boundary;
 *  - exceptions raised by guest code: mapped back to the guest EIP (with
 *    the scratch registers restored), then handled by hv (a shadow miss, a
 *    write to a code page, what user code leaves to hv) or delivered to
 *    the guest.
 *
 * Each handler returns what happens next (monitor/next.h) to the one
 * trap loop, run(), which delivers events and goes on at guest EIPs
 * (go(): through their translation, after any interrupt the guest can take
 * now) until the trap frame is ready to leave hv.
 */
#include "monitor/guest.h"

#include <stdarg.h>

#include "drivers/intc.h"
#include "drivers/lapic.h"
#include "dt/dt.h"
#include "dt/fast.h"
#include "dt/smc.h"
#include "lib/bootinfo.h"
#include "lib/fmt.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/x86.h"
#include "monitor/apic.h"
#include "monitor/emul.h"
#include "monitor/gdt.h"
#include "monitor/guest_int.h"
#include "monitor/intr.h"
#include "monitor/mm/mm.h"
#include "monitor/nullsel.h"
#include "monitor/vcpu.h"

static struct {
	uint32_t exits, irqs, steps, faults[32], smc_writes;
} stats;

struct guest_hooks guest_hooks;
struct guest_watch guest_watch;
/* The real CR2 of the trap being handled, if it is a #PF (guest_trap). */
static uint32_t trap_cr2;

/* How dt/ must translate now (dt/dt.h, DT_MODE_*). */
int guest_dt_mode(void)
{
	return (vcpu.native_if ? DT_MODE_NATIVE_IF : 0) | (vcpu.breakpoints ? DT_MODE_DEBUG : 0);
}

void trap_return_to(struct trapframe *tf) __attribute__((noreturn));

void host_interrupt(unsigned vec)
{
	stats.irqs++;
	intc_host(vec);
}

static uint32_t cs_base(void)
{
	return vcpu.seg[VS_CS].base;
}

struct next nx_stop(const char *fmt, ...)
{
	static char why[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return (struct next){ .kind = NX_STOP, .why = why };
}

/* A translation failed at guest EIP eip: the guest's #PF, or a stop. */
static struct next translate_failed(const struct dt_fail *fail, uint32_t eip)
{
	switch (fail->kind) {
	case DTF_FETCH_HV:
		return nx_stop("guest executes hv's memory at %08x", fail->eip);
	case DTF_FETCH_OUTSIDE:
		return nx_stop("guest jumped into hv's linear region (%08x)", fail->eip);
	case DTF_FETCH_PF:
		/* The code is not mapped: the guest gets its #PF (instruction
		   fetch, so no W bit) at the instruction. */
		return nx_fault(eip, EXC_PF, 1, gmem_pf.err, gmem_pf.cr2);
	default:
		panic("translation at %08x failed (kind %d)", fail->eip, fail->kind);
	}
}

/* The watchdog ran out (guest_watch): stop the guest where it spins. */
static struct next watchdog_stop(struct trapframe *tf);

/*
 * NX_GO: the guest goes on at guest EIP eip, at cache address addr if given
 * (the guest is there already), else at eip's translation.  First the
 * debugger's hook may stop it; then a #DB trap due from guest TF, or a
 * pending interrupt the guest can take now, is returned as the event to
 * deliver (the loop comes back here at its handler); if only an interrupt
 * shadow holds them back, hv steps the guest past it.  Otherwise the trap
 * frame is made ready to enter the guest: NX_ENTER.  (It writes what
 * happens next over *n itself: it is on every trap's way out.)
 */
static void go(struct trapframe *tf, struct next *n)
{
	uint32_t eip = n->eip, addr = n->addr;
	int blocked = 0, dbgr = 0;

	vcpu.eip = eip;
	if (guest_hooks.resume && (dbgr = guest_hooks.resume(tf, &eip, addr)) & GUEST_R_RESTART)
		addr = 0;	/* stopped by the debugger (monitor/debug/debug.c) */
	vcpu.eip = eip;
	if (vcpu.tf_pending) {
		/* The instruction ran with TF set: #DB trap after it (SDM vol. 3A
		   17.3.1.4), before any external interrupt. */
		struct event ev = { EXC_DB, INTR_EXC, 0, 0, 0, eip, eip };

		vcpu.tf_pending = 0;
		vcpu.dr[6] |= DR6_BS;
		*n = nx_event(ev);
		return;
	}
	if (vcpu.shadow == 1) {
		if (eip == vcpu.shadow_eip) {
			vcpu.shadow = 2;	/* ends at the next trap */
			blocked = 1;
		} else {
			vcpu.shadow = 0;
		}
	}
	if (!blocked && !(dbgr & GUEST_R_NOIRQ) && !vcpu.nmi_blocked && intc_take_nmi()) {
		/* NMI: whatever IF says; blocked until the handler's IRET. */
		struct event ev = { EXC_NMI, INTR_EXT, 0, 0, 0, eip, eip };

		vcpu.nmi_blocked = 1;
		*n = nx_event(ev);
		return;
	}
	if (!blocked && !(dbgr & GUEST_R_NOIRQ) && (vcpu.vflags & FL_IF) && intc_pending()) {
		int vec = intc_ack();

		if (vec >= 0) {
			struct event ev = { (uint8_t)vec, INTR_EXT, 0, 0, 0, eip, eip };

			guest_watch.progress = 1;	/* an idle guest is woken up */
			*n = nx_event(ev);
			return;
		}
	}
	/* In a shadow, step the shadowed instruction with interrupts off. */
	vcpu.stepping = blocked;
	if (vcpu.cpl == 3) {
		guest_enter_user(tf, eip, blocked);
		n->kind = NX_ENTER;
		return;
	}
	tf->gs = SEL_R1_GS;
	hv_tss.iomap_base = sizeof(struct tss32);
	if ((vcpu.vflags & FL_TF) || (dbgr & GUEST_R_SINGLE) || (blocked && nullsel_ring1(tf))) {
		/* Guest single-stepping: this instruction alone, then #DB (the
		   debugger's steps: alone, then back to it).  Also the
		   shadowed instruction when a null selector with RPL bits
		   must be reloaded on the way in, which TF would break
		   (nullsel.h): the block's end brings hv back instead. */
		struct dt_fail fail;
		struct dt_block *b = dt_get_single(cs_base() + eip, cs_base(), guest_dt_mode(), &fail);

		if (!b) {
			*n = translate_failed(&fail, eip);
			return;
		}
		addr = (uint32_t)b->code;
		vcpu.tf_pending = (vcpu.vflags & FL_TF) != 0;
		vcpu.single_code = addr;
	} else if (!addr) {
		struct dt_fail fail;
		struct dt_block *b = dt_get(cs_base() + eip, cs_base(), guest_dt_mode(), &fail);

		if (!b) {
			*n = translate_failed(&fail, eip);
			return;
		}
		addr = (uint32_t)b->code;
	}
	tf->eip = addr;
	tf->cs = SEL_R1_CS;
	/* The real IF follows the guest's: with the PIC passed through, an
	   interrupt the guest cannot take yet stays in the PIC, as on
	   hardware, instead of being acknowledged early by hv. */
	tf->eflags = (tf->eflags | FL_FIXED) & ~(FL_TF | FL_IF | FL_IOPL_MASK | FL_VM | FL_RF);
	if (!blocked) {
		if (!intc_real_if_follows_guest())
			tf->eflags |= FL_IF;
		else if (vcpu.vflags & FL_IF)
			tf->eflags |= FL_IF;
		else
			intc_entering_if_clear();
	} else {
		vcpu.if_held = 1;
	}
	if (vcpu.native_if)
		tf->eflags |= 1u << FL_IOPL_SHIFT;	/* CLI, STI, POPF's IF at ring 1 */
	if (vcpu.stepping && !nullsel_ring1(tf))
		tf->eflags |= FL_TF;
	n->kind = NX_ENTER;
}

/*
 * The trap loop: the one place that resumes the guest.  Every handler
 * returns what happens next; this runs it until the trap frame is ready
 * (NX_ENTER), delivering events (which may fault into #DF or a triple
 * fault) and entering the guest at guest EIPs on the way.  Each turn
 * stands for one guest event, so a guest that keeps faulting makes hv turn
 * here as the CPU would, never recurse.
 */
static void run(struct trapframe *tf, struct next *n)
{
	for (;;) {
		switch (n->kind) {
		case NX_ENTER:
			return;
		case NX_GO:
			go(tf, n);
			break;
		case NX_EVENT:
			if (n->ev.kind == INTR_EXC) {
				if (n->ev.vec < 32)
					stats.faults[n->ev.vec]++;
				/* A faulting instruction does not complete: no
				   #DB trap after it. */
				vcpu.tf_pending = 0;
			}
			{
				struct event ev = n->ev;

				vcpu.eip = ev.at_eip;
				*n = intr_deliver(tf, &ev);
			}
			break;
		case NX_STOP:
			guest_stop(tf, "%s", n->why);
		}
	}
}

static struct next wait_for_interrupt(struct trapframe *tf)
{
	if (!(vcpu.vflags & FL_IF))
		return nx_stop("guest halted with interrupts disabled");
	while (!intc_pending()) {
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		if (guest_watch.fired)
			return watchdog_stop(tf);	/* nothing will ever wake it */
	}
	return nx_go(vcpu.eip, 0);
}

static struct next do_exit(struct trapframe *tf)
{
	struct dt_exit *x = *(struct dt_exit **)tf->eip;
	uint32_t gen = dt_flush_gen, next, eip;
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
		eip = vcpu.eip = x->target - cs_base();
		if (guest_hooks.dispatched && guest_hooks.dispatched(tf, eip))
			return nx_go(eip, 0);	/* not chained: seen every time */
		if (vcpu.tf_pending || vcpu.stepping)
			return nx_go(eip, 0);
		if (!(b = dt_get(x->target, cs_base(), guest_dt_mode(), &fail)))
			return translate_failed(&fail, eip);
		if (gen == dt_flush_gen && x->block && !x->block->dead && !x->block->transient)
			dt_chain(x, b);
		return nx_go(eip, (uint32_t)b->code);
	case DTX_IND:
		dt_stats.ib_misses++;
		eip = vcpu.eip = dt_fast.s_guest - cs_base();
		if (guest_hooks.dispatched)
			guest_hooks.dispatched(tf, eip);
		if (vcpu.tf_pending || vcpu.stepping)
			return nx_go(eip, 0);
		if (!(b = dt_get(dt_fast.s_guest, cs_base(), guest_dt_mode(), &fail)))
			return translate_failed(&fail, eip);
		dt_ibtc_set(dt_fast.s_guest, b);
		return nx_go(eip, (uint32_t)b->code);
	case DTX_STEP_END:
		return nx_go(x->target - cs_base(), 0);
	case DTX_DEBUG:
		eip = vcpu.eip = x->eip - cs_base();
		if (guest_hooks.breakpoint)
			guest_hooks.breakpoint(eip);
		return nx_go(eip, 0);
	case DTX_RAISE:
		return nx_fault(x->eip - cs_base(), x->vector, EXC_HAS_ERRCODE(x->vector), 0, 0);
	case DTX_EMUL:
		eip = vcpu.eip = x->eip - cs_base();
		r = emul_exit(tf, x, eip, &f, &next);
		if (r < 0)
			return nx_from_fault(eip, &f);
		if (r > 0) {
			/* INT n & co: a trap, returning after the instruction;
			   a fault of its delivery is reported at it. */
			struct event ev = { (uint8_t)f.vec, (uint8_t)f.kind, 0, 0, 0, next, eip };

			return nx_event(ev);
		}
		if (x->flags & DTX_F_HLT) {
			vcpu.eip = next;
			return wait_for_interrupt(tf);
		}
		if ((x->flags & DTX_F_CONT) && next == eip + x->len &&
		    gen == dt_flush_gen && !x->block->dead && !vcpu.tf_pending)
			return nx_go(next, (uint32_t)x->stub + DT_STUB_SIZE);
		return nx_go(next, 0);
	}
	panic_tf(tf, "exit of unknown kind %d", x->kind);
}

/*
 * Where the guest is when an interrupt or a step stopped it at cache
 * address addr: returns 1 and the guest EIP at a clean boundary.
 */
static int clean_point(uint32_t addr, uint32_t *eip)
{
	struct dt_exit *x = dt_stub_at(addr);
	struct dt_block *b;
	int scratch, r;

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
	if (!b || addr >= (uint32_t)b->code + b->body_len) {
		uint32_t lin;

		if (!dt_branch_tail(addr, &lin))
			return 0;
		*eip = lin - cs_base();
		return 1;
	}
	r = dt_guest_eip(b, addr, eip, &scratch);
	*eip -= b->cs_base;
	return r;
}

/* A hardware interrupt or an hv step stopped translated code. */
static struct next at_async(struct trapframe *tf)
{
	uint32_t eip;

	if ((tf->cs & 3) == 3) {
		/* User code stops at instruction boundaries. */
		vcpu.if_held = 0;
		if (vcpu.shadow == 2)
			vcpu.shadow = tf->eip == vcpu.shadow_eip ? 1 : 0;
		return nx_go(tf->eip, 0);
	}

	if (clean_point(tf->eip, &eip)) {
		/* Still in front of the shadowed instruction: keep holding. */
		if (vcpu.shadow == 2)
			vcpu.shadow = eip == vcpu.shadow_eip ? 1 : 0;
		/* At the start of a one-instruction block nothing has run yet. */
		if (vcpu.tf_pending && eip == vcpu.eip)
			vcpu.tf_pending = 0;
		return nx_go(eip, vcpu.tf_pending ? 0 : tf->eip);
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
	return nx_enter();
}

static struct next watchdog_stop(struct trapframe *tf)
{
	uint32_t eip = vcpu.eip;

	/* Inside an expansion, the guest instruction it belongs to. */
	if ((tf->cs & 3) != 3)
		clean_point(tf->eip, &eip);
	else
		eip = tf->eip;
	vcpu.eip = eip;
	return nx_stop("no guest progress for %u s: no interrupt taken, no user code run, "
		       "no new code reached", guest_watch.seconds);
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
static struct next run_single(struct trapframe *tf, uint32_t eip)
{
	struct dt_fail fail;
	struct dt_block *b;

	if (!(b = dt_get_single(cs_base() + eip, cs_base(), guest_dt_mode(), &fail)))
		return translate_failed(&fail, eip);
	tf->eip = (uint32_t)b->code;
	tf->eflags &= ~FL_TF;
	return nx_enter();
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
	const uint32_t rmw = DT_F_MEM | DT_F_MREAD | DT_F_MWRITE;
	struct dt_block *b;
	int why, n;

	if ((tf->cs & 3) != 3) {
		/* Translated code: decided when it was translated. */
		b = dt_block_at(tf->eip);
		return b && dt_insn_rmw(b, tf->eip);
	}
	/* User code runs as it is: look at it. */
	n = gmem_fetch(cs_base() + tf->eip, buf, DT_MAX_LEN, 1, &why);
	return n > 0 && dt_decode(buf, (size_t)n, &d) == DT_OK && (d.flags & rmw) == rmw &&
	       !(d.flags & (DT_F_STACK | DT_F_STRING));
}

static struct next paging_fault(struct trapframe *tf)
{
	uint32_t cr2 = trap_cr2, pa, eip;
	int user = (tf->cs & 3) == 3;

	switch (shadow_fault(cr2, tf->errcode, user, rmw_insn, tf, &pa)) {
	case SHADOW_FILLED:
		return nx_enter();	/* the instruction runs again, in place */
	case SHADOW_GUEST_FAULT:
		eip = fault_eip(tf, 1);
		return nx_fault(eip, EXC_PF, 1, gmem_pf.err, gmem_pf.cr2);
	case SHADOW_CODE_WRITE:
		stats.smc_writes++;
		smc_write(pa);
		if (user)
			return nx_enter();
		eip = fault_eip(tf, 1);
		vcpu.eip = eip;
		return run_single(tf, eip);
	case SHADOW_MMIO:
		eip = fault_eip(tf, 1);
		vcpu.eip = eip;
		return apic_mmio(tf, eip, cr2, pa | (cr2 & 0xFFF));
	case SHADOW_HV_FRAME:
		vcpu.eip = fault_eip(tf, 0);
		return nx_stop("guest maps hv's frame %08x at %08x", pa, cr2);
	default:
		vcpu.eip = fault_eip(tf, 0);
		return nx_stop("guest uses hv's linear region (%08x)", cr2);
	}
}

static struct next do_fault(struct trapframe *tf)
{
	uint32_t eip, cr2;
	struct fault f = { (int)tf->vector, EXC_HAS_ERRCODE(tf->vector), tf->errcode, 0,
			   INTR_EXC };
	struct next n;

	if (tf->vector == EXC_PF && (gcr.cr0 & CR0_PG))
		return paging_fault(tf);
	cr2 = trap_cr2;
	eip = fault_eip(tf, 1);
	vcpu.eip = eip;
	if (tf->vector == EXC_PF) {
		if (cr2 < HV_BASE && mm_hidden(cr2))
			return apic_mmio(tf, eip, cr2, cr2);	/* paging off: 1:1 */
		if ((tf->errcode & (PFEC_P | PFEC_W)) == (PFEC_P | PFEC_W) && cr2 < HV_BASE &&
		    smc_write(mm_a20_pa(cr2))) {	/* 1:1 but for the A20 wrap */
			/* A write to a page with translations (self-modifying
			   code): they are gone; run the writer on its own (user
			   code simply runs again). */
			stats.smc_writes++;
			if ((tf->cs & 3) != 3)
				return run_single(tf, eip);
			return nx_enter();
		}
		if (cr2 >= HV_BASE || gmem_is_hv(cr2, 1))
			return nx_stop("guest touched hv's memory at %08x (#PF error %x)", cr2,
				       tf->errcode);
		return nx_stop("unexpected page fault at %08x (error %x) with guest paging off",
			       cr2, tf->errcode);
	}
	if ((tf->cs & 3) == 3 && tf->vector == EXC_GP && guest_user_gp(tf, eip, &n))
		return n;
	if ((tf->cs & 3) == 3 && (tf->vector == EXC_NP || tf->vector == EXC_SS)) {
		/* A native segment load met a descriptor whose accessed bit
		   hv must write (emul_seg.c): done, or a #PF for the guest. */
		int r = seg_user_accessed(tf, &f);

		if (r > 0)
			return nx_enter();
		if (r < 0)
			return nx_from_fault(eip, &f);
	}
	if ((tf->cs & 3) == 3 && tf->vector == EXC_DB) {
		/* Guest TF in user code: a trap, after the instruction. */
		vcpu.dr[6] |= DR6_BS;
		return nx_fault(eip, EXC_DB, 0, 0, 0);
	}
	return nx_from_fault(eip, &f);
}

/* The trap from guest code that hv must handle, and what comes of it. */
static struct next handle(struct trapframe *tf)
{
	/* CR2 before anything else: hv's own direct copies to and from guest
	   memory may fault on the way and overwrite it (monitor/mm/gdirect.c). */
	trap_cr2 = tf->vector == EXC_PF ? read_cr2() : 0;
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
			/* int $0x80: a software interrupt after the instruction;
			   a fault of its delivery is reported at it. */
			struct event ev = { VEC_USER_SYSCALL, INTR_SOFT, 0, 0, 0, tf->eip,
					    tf->eip - 2 };

			vcpu.eip = tf->eip;
			return nx_event(ev);
		}
	}
	/* After an STI/MOV SS shadow was armed, the next trap means the
	   shadowed instruction has run, unless an interrupt arrived right
	   before it (at_async sees that case). */
	if (vcpu.shadow == 2 && !intc_is_irq(tf->vector))
		vcpu.shadow = 0;
	if (tf->vector == VEC_DT_EXIT)
		return do_exit(tf);
	if (intc_is_irq(tf->vector)) {
		host_interrupt(tf->vector);
		if (guest_watch.fired)
			return watchdog_stop(tf);
		return at_async(tf);
	}
	if (tf->vector == EXC_DB && vcpu.stepping) {
		stats.steps++;
		return at_async(tf);
	}
	if (tf->vector < 32)
		return do_fault(tf);
	panic_tf(tf, "unexpected vector %u from guest code", tf->vector);
}

void guest_trap(struct trapframe *tf)
{
	struct next n = handle(tf);

	/* The common case, going on in the guest, without the loop's turn. */
	if (n.kind == NX_GO)
		go(tf, &n);
	if (n.kind != NX_ENTER)
		run(tf, &n);
}

static void stats_line(const char *text)
{
	log_info("apic", "%s", text);
}

void guest_print_stats(void)
{
	log_info("guest", "traps: exits %u, interrupts %u, steps %u, smc writes %u, "
		 "emulated user i/o %u, kicks %u", stats.exits, stats.irqs, stats.steps,
		 stats.smc_writes, guest_user_io, lapic_kicks);
	if (user_wrap_count)
		log_info("guest", "ring-3 accesses past hv's segment limits emulated: %u",
			 user_wrap_count);
	shadow_print_stats();
	log_info("guest", "hv's direct accesses to guest memory %u, of which faulted %u",
		 gmem_stats.direct, gmem_stats.direct_faults);
	apic_print(stats_line);
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
	{
		struct next n = nx_go(entry, 0);

		run(tf, &n);
	}
	log_info("guest", "starting the guest at %08x", entry);
	nullsel_leave(tf);
	trap_return_to(tf);
}
