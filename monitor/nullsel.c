/*
 * The ring-1 side of returning with null selectors that carry RPL bits
 * (see nullsel.h): through dt's reload routine, or holding the selectors
 * over a TF step.
 */
#include "monitor/nullsel.h"

#include "dt/dt.h"
#include "dt/fast.h"
#include "lib/x86.h"
#include "monitor/vcpu.h"

int nullsel_armed;

/* Held over a TF step: the selectors the IRET clears. */
static int holding;
static uint32_t held_ds, held_es, held_fs;

void nullsel_ring1_leave(struct trapframe *tf)
{
	if (!nullsel_ring1(tf))
		return;		/* a null selector without RPL bits stays 0 */
	nullsel_armed = 1;
	if (tf->eflags & FL_TF) {
		holding = 1;
		held_ds = tf->ds;
		held_es = tf->es;
		held_fs = tf->fs;
		return;
	}
	dt_fast.sv_ds = tf->ds;
	dt_fast.sv_es = tf->es;
	dt_fast.sv_fs = tf->fs;
	dt_fast.sv_gs = tf->gs;
	dt_fast.sv_target = tf->eip;
	tf->eip = (uint32_t)dt_reload_routine;
}

void nullsel_trapped(struct trapframe *tf)
{
	nullsel_armed = 0;
	if (tf->cs == SEL_U3_CS) {
		user3_trapped(tf);
		return;
	}
	if (holding) {
		/* One of hv's own instructions ran: it loads no segment
		   register, so a 0 is what the IRET left. */
		holding = 0;
		if (!tf->ds)
			tf->ds = held_ds;
		if (!tf->es)
			tf->es = held_es;
		if (!tf->fs)
			tf->fs = held_fs;
		return;
	}
	if (tf->cs != SEL_R1_CS || tf->eip - (uint32_t)dt_reload_routine >=
	    (uint32_t)(dt_reload_end - dt_reload_routine))
		return;		/* the reload was done: the guest ran on */
	if (tf->vector < 32 && tf->vector != EXC_NMI)
		guest_stop(tf, "exception %u in hv's ring-1 segment reload at %x", tf->vector,
			   tf->eip);
	/* An interrupt before the guest's next instruction: as if it had
	   come there. */
	tf->eip = dt_fast.sv_target;
	tf->ds = dt_fast.sv_ds;
	tf->es = dt_fast.sv_es;
	tf->fs = dt_fast.sv_fs;
	tf->gs = dt_fast.sv_gs;
}
