/*
 * Null selectors with RPL bits across hv's way back into the guest.
 *
 * hv returns to guest code with IRET from ring 0 (lib/vectors.S), and an
 * IRET to an outer privilege level clears every data segment register whose
 * hidden DPL is below the new CPL (SDM vol. 2A IRET,
 * "RETURN-TO-OUTER-PRIVILEGE-LEVEL"); a null selector hv pops at ring 0
 * records DPL 0, so QEMU turns a DS or ES holding 1, 2 or 3 into 0.  The
 * guest, which never left its privilege level, would see the change.
 *
 * So every return to guest code passes nullsel_leave() last (trap_dispatch,
 * guest_start): when such a selector is live it leaves through a reload
 * that loads the segment registers at the guest's own level, then goes on
 * where the frame said: at ring 1 dt's reload routine in the code cache
 * (dt/cache.c, its slots in dt_fast), at ring 3 the trampoline of
 * monitor/user3.c.  A trap from inside a reload puts the guest's view back
 * first (nullsel_enter(), before hv looks at the frame), so the trap looks
 * as if it had arrived where the reload was going: the reload ran none of
 * the guest's instructions.
 *
 * A reload cannot be single-stepped (TF would trap inside it and the IRET
 * back would clear the selector again).  While one is due, hv steps ring-1
 * code with TF only towards a clean point inside an expansion (guest.c,
 * at_async), that is through hv's own instructions, which never read a
 * selector (MOV and PUSH from DS, ES, FS are copied as they are, into a
 * %gs operand emulated); then hv holds the selectors instead and puts them
 * back at the next trap.  The shadowed instruction after an STI or MOV SS,
 * the guest's own, runs in a one-instruction block instead of under TF
 * (guest.c, go()).
 */
#ifndef MON_NULLSEL_H
#define MON_NULLSEL_H

#include <stdint.h>

#include "lib/layout.h"
#include "monitor/trap.h"
#include "monitor/user3.h"

/* 1, 2 or 3: a null selector that an IRET to an outer level clears. */
static inline int nullsel_rpl(uint32_t sel)
{
	return !(sel & 0xFFFC) && (sel & 3);
}

/* Ring 1: DS, ES or FS holds one (GS: nullsel.c). */
static inline int nullsel_ring1(const struct trapframe *tf)
{
	return nullsel_rpl(tf->ds) || nullsel_rpl(tf->es) || nullsel_rpl(tf->fs);
}

/* Set while a reload (either ring) or a hold waits for the next trap. */
extern int nullsel_armed;

void nullsel_ring1_leave(struct trapframe *tf);
void nullsel_trapped(struct trapframe *tf);

/* A trap from guest code, before hv looks at the frame. */
static inline void nullsel_enter(struct trapframe *tf)
{
	if (nullsel_armed)
		nullsel_trapped(tf);
}

/*
 * The one way out to guest code: the frame is final, IRET follows.  It is
 * on every exit, so it is cheap: ring 3 is the only level with bit 1 set
 * (ring 2 is unused), and at ring 1 it looks for a null selector first,
 * nullsel_ring1_leave() for its RPL bits.
 */
static inline void nullsel_leave(struct trapframe *tf)
{
	if (tf->cs & 2)
		nullsel_armed = user3_return(tf);
	else if (!(tf->ds & 0xFFFC) || !(tf->es & 0xFFFC) || !(tf->fs & 0xFFFC))
		nullsel_ring1_leave(tf);
}

#endif
