/*
 * The guest watchdog (`watchdog=SECONDS`, README.md): stops a guest that
 * makes no progress for that long, with hv's diagnosis (guest EIP and
 * symbol, registers, the last guest addresses hv dispatched to).
 *
 * Progress is what a guest that is not stuck keeps doing: it takes an
 * interrupt (an idle system wakes up for its timer), it runs user code
 * (hv enters ring 3), or it reaches code it has not run before (hv
 * translates a block: a booting kernel).  A kernel that spins for SECONDS
 * without any of these, round the same translated code, or halts with no
 * interrupt ever coming, is declared stuck.  hv looks at the clock on its own wake-up timer (the local APIC
 * timer, or the PIT when hv owns it) and on every interrupt; a guest
 * spinning at ring 1 with interrupts disabled holds every interrupt off
 * (its IF is the real one, docs/ARCHITECTURE.md "Interrupt flag"), so it is
 * seen at its next exit only, unless the PIC is emulated (pic=emulate).
 */
#ifndef MON_WATCHDOG_H
#define MON_WATCHDOG_H

#include <stdint.h>

/* Arms the watchdog for seconds (0: off).  After dev_init. */
void watchdog_init(uint32_t seconds);

/* Set on progress; the watchdog clears it when it looks. */
extern volatile int watchdog_progress;
/* Set by the watchdog when the time ran out without progress. */
extern volatile int watchdog_fired;
extern uint32_t watchdog_seconds;

#endif
