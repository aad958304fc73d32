/*
 * hv's IDT and the C side of every trap (SDM vol. 3A 6.10-6.14).
 *
 * Until guests run, any trap is hv's own: an expected fault from a
 * self-test or probe is recorded and skipped; anything else is a broken
 * invariant and panics with the frame.
 */
#include "monitor/trap.h"

#include "lib/layout.h"
#include "lib/panic.h"
#include "monitor/user3.h"
#include "lib/x86.h"
#include "monitor/guest.h"
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
		if (tf->cs == SEL_U3_CS)
			user3_trapped(tf);
		guest_trap(tf);
		if ((tf->cs & 3) == 3)
			user3_return(tf);
		return;
	}
	if (intc_is_irq(tf->vector)) {
		/* An interrupt while hv waits for one (guest HLT). */
		host_interrupt(tf->vector);
		return;
	}

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
