/*
 * hv's IDT and the C side of every trap (SDM vol. 3A 6.10-6.14).
 *
 * A trap from ring 1 or 3 is the guest's (guest_trap).  One from ring 0 is
 * hv's own: a real interrupt while hv waits for one, or a fault hv expects
 * (a self-test, or a guarded probe of the real CPU: trap_rdmsr and
 * trap_wrmsr below), which is recorded and skipped, or a #PF of hv's
 * direct copy to or from guest memory (monitor/mm/gdirect.c), which makes
 * the copy fail; anything else is a broken invariant and panics with the
 * frame.
 */
#include "monitor/trap.h"

#include "lib/layout.h"
#include "lib/panic.h"
#include "monitor/nullsel.h"
#include "lib/x86.h"
#include "monitor/guest.h"
#include "monitor/mm/mm.h"
#include "drivers/intc.h"

static uint64_t idt[256] __attribute__((aligned(8)));
extern const uint32_t trap_vector_table[256];

struct trap_expect trap_expected;

void idt_init(void)
{
	struct dtr d = { sizeof(idt) - 1, (uint32_t)idt };

	for (int v = 0; v < 256; v++)
		idt[v] = GATE_DESC(SEL_HV_CS, trap_vector_table[v], SYS_INTGATE32, 0);
	/* Translated code at ring 1 calls hv with int $VEC_DT_EXIT. */
	idt[VEC_DT_EXIT] = GATE_DESC(SEL_HV_CS, trap_vector_table[VEC_DT_EXIT],
				     SYS_INTGATE32, 1);
	/* Guest user code's int $0x80 comes straight to hv, not as a #GP. */
	idt[VEC_USER_SYSCALL] = GATE_DESC(SEL_HV_CS, trap_vector_table[VEC_USER_SYSCALL],
					  SYS_INTGATE32, 3);
	/* #DF through a task gate: a fresh stack even if hv's is broken. */
	idt[EXC_DF] = GATE_DESC(SEL_HV_DFTSS, 0, SYS_TASKGATE, 0);
	lidt(&d);
}

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound", "#UD invalid opcode", "#NM no math", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "15",
	"#MF x87", "#AC alignment", "#MC machine check", "#XM SIMD",
};

void trap_dispatch(struct trapframe *tf)
{
	struct trap_expect *x = &trap_expected;

	if (tf->cs & 3) {
		nullsel_enter(tf);
		guest_trap(tf);
		nullsel_leave(tf);	/* every return to the guest */
		return;
	}
	if (intc_is_irq(tf->vector)) {
		/* An interrupt while hv waits for one (guest HLT). */
		host_interrupt(tf->vector);
		return;
	}

	/* hv's copy through the guest's mapping met a page it refuses: the
	   copy fails and its caller walks the guest's tables (gdirect.c). */
	if (tf->vector == EXC_PF && gdirect_fixup(&tf->eip))
		return;
	if (x->at && x->at == tf->eip && x->vector == tf->vector) {
		x->hit = 1;
		x->errcode = tf->errcode;
		x->cr2 = tf->vector == EXC_PF ? read_cr2() : 0;
		x->at = 0;
		tf->eip = x->resume;
		return;
	}
	if (tf->vector < 32)
		panic_tf(tf, "unexpected %s in hv",
			 exc_names[tf->vector] ? exc_names[tf->vector] : "exception");
	panic_tf(tf, "unexpected interrupt, vector %u", tf->vector);
}

/*
 * The guarded instruction sits between labels 1 and 2: a #GP at 1 resumes
 * at 2 with trap_expected.hit set (trap_dispatch above), the registers as
 * they were.  Interrupts are off in hv, so nothing else can take the shot.
 */
int trap_rdmsr(uint32_t idx, uint64_t *v)
{
	struct trap_expect *x = &trap_expected;
	uint32_t lo = 0, hi = 0;

	x->vector = EXC_GP;
	x->hit = 0;
	__asm__ volatile("movl $1f, %[at]\n\t"
			 "movl $2f, %[resume]\n\t"
			 "1: rdmsr\n"
			 "2:"
			 : [at] "=m"(x->at), [resume] "=m"(x->resume), "+a"(lo), "+d"(hi)
			 : "c"(idx) : "memory");
	x->at = 0;
	if (x->hit)
		return EXC_GP;
	*v = ((uint64_t)hi << 32) | lo;
	return 0;
}

int trap_wrmsr(uint32_t idx, uint64_t v)
{
	struct trap_expect *x = &trap_expected;

	x->vector = EXC_GP;
	x->hit = 0;
	__asm__ volatile("movl $1f, %[at]\n\t"
			 "movl $2f, %[resume]\n\t"
			 "1: wrmsr\n"
			 "2:"
			 : [at] "=m"(x->at), [resume] "=m"(x->resume)
			 : "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	x->at = 0;
	return x->hit ? EXC_GP : 0;
}
