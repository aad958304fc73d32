/*
 * Debugging and diagnosing the guest (monitor/debug/): breakpoints and
 * stops, the monitor console and the GDB stub, the diagnosis of a guest
 * that went wrong, the watchdog (docs/ARCHITECTURE.md, "Diagnosing a
 * guest", "Debugging the guest").
 */
#ifndef DBG_DEBUG_H
#define DBG_DEBUG_H

#include "drivers/devices.h"
#include "drivers/devices.h"
#include "lib/fmt.h"
#include "monitor/trap.h"
#include <stddef.h>
#include <stdint.h>

/*
 * Debugging the guest over a serial line (see debug.c, docs/ARCHITECTURE.md
 * "Debugging the guest"): breakpoints and watchpoints, stopping and
 * stepping the guest, and the two front ends that drive them, the monitor
 * console (monitor/debug/console.c) and the GDB stub (monitor/debug/gdbstub.c).
 *
 * The guest is only ever stopped when the trap loop goes on at a guest EIP
 * (monitor/guest.c), at a clean guest-instruction boundary with its
 * registers in the trap frame and its EIP known: dbg_resume() is the resume
 * hook called there (guest_hooks) and runs the front end's command loop
 * synchronously until it says go on.
 */
/* Serial ports a front end can use (options monitor= and gdb=). */
enum dbg_port { DBG_OFF = 0, DBG_COM1, DBG_COM2, DBG_COM3, DBG_COM4 };
uint16_t dbg_port_base(int port);	/* 0x3F8, 0x2F8, 0x3E8, 0x2E8 */

/* Why the guest stopped. */
enum dbg_reason {
	DBG_NONE,
	DBG_START,	/* before its first instruction (gdb=) */
	DBG_BREAK,	/* a breakpoint */
	DBG_STEP,	/* a single step finished */
	DBG_WATCH,	/* a watched location changed */
	DBG_INTR,	/* Ctrl-C from gdb, the monitor's escape */
	DBG_DEAD,	/* post-mortem: the guest was stopped or hv panicked */
};

/* Who set a breakpoint, or who is to handle a stop. */
enum dbg_owner { DBG_MONITOR, DBG_GDB };

#define DBG_MAX_BP	16
#define DBG_MAX_WATCH	4

struct dbg_watch {
	uint32_t addr, len;
	uint8_t old[8];
};

struct dbg_state {
	int guest;		/* a guest is set up (its state means something) */
	int on;			/* monitor= or gdb= given */
	int nbp;
	struct { uint32_t lin; uint8_t owner, hw; } bp[DBG_MAX_BP];
	int nwatch;
	struct dbg_watch watch[DBG_MAX_WATCH];
	enum dbg_reason request; /* a stop asked for by input or an exit */
	enum dbg_owner request_owner;
	enum dbg_reason reason;	/* the last stop */
	uint32_t reason_addr;	/* DBG_WATCH: the location */
	int hit_hw;		/* DBG_BREAK: a Z1 breakpoint */
	int stepping;		/* the next resume runs one instruction, then stops */
	enum dbg_owner step_owner;
	int single_armed;	/* one instruction was run alone (its block's
				   address: vcpu.single_code) */
};
extern struct dbg_state dbg;

/*
 * Sets up the front ends (after the devices): monitor and gdb are enum
 * dbg_port; dev_mode is the device modes of drivers/devices.h, which
 * tell whether the monitor shares the guest's UART.
 */
void dbg_init(int monitor, int gdb, const uint8_t *dev_mode);
/* The ports and device modes dbg_init was given (the console's `dev`). */
struct dbg_config {
	int monitor, gdb;
	uint8_t dev_mode[DEVK_COUNT];
};
extern struct dbg_config dbg_config;

/* For the translator: is there a breakpoint at this linear address? */
static inline int dbg_bp_at(uint32_t lin)
{
	for (int i = 0; i < dbg.nbp; i++)
		if (dbg.bp[i].lin == lin)
			return 1;
	return 0;
}

/* Breakpoints: 0, or -1 (table full, not found). */
int dbg_bp_set(uint32_t lin, enum dbg_owner owner, int hw);
int dbg_bp_clear(uint32_t lin);
int dbg_watch_set(uint32_t lin, uint32_t len);
int dbg_watch_clear(uint32_t lin, uint32_t len);

/*
 * guest_hooks.resume while a front end is on: the guest goes on at *eip
 * (cache address addr if not 0); returns GUEST_R_* (monitor/guest.h).
 */
int dbg_resume(struct trapframe *tf, uint32_t *eip, uint32_t addr);
/* A breakpoint exit (DTX_DEBUG) at guest EIP eip. */
void dbg_break_hit(uint32_t eip);

/* Guest memory as a debugger sees it: no A/D bits, no guest #PF. */
int dbg_read_lin(uint32_t lin, void *buf, uint32_t len);
int dbg_write_lin(uint32_t lin, const void *buf, uint32_t len);

/*
 * Post-mortem: the guest was stopped (why) or hv panicked (tf may be 0).
 * With a front end and without exit_on_panic, it offers its prompt; it
 * returns when the user is done (the caller then exits as before).
 */
void dbg_postmortem(struct trapframe *tf, const char *why);
/* From panic(): the guest's state and hv's counters, then dbg_postmortem. */
void dbg_panic_dump(void);

/* The front ends (monitor.c, gdbstub.c). */
void mon_init(uint16_t base, int muxed);
void mon_stopped(struct trapframe *tf, uint32_t *eip, int dead);
int mon_poll(void);		/* input while running: 1 = stop the guest */
int mon_mux_getc(void);		/* the guest's next byte on a muxed port, or -1 */
extern uint16_t mon_mux_port;	/* the real UART shared with the guest (0: none) */
void gdb_init(uint16_t base);
void gdb_stopped(struct trapframe *tf, uint32_t *eip, int dead);
int gdb_poll(void);		/* Ctrl-C while running: 1 = stop the guest */
extern int gdb_on, mon_on;

/*
 * Diagnosing a guest that went wrong (see diag.c).
 */
/* Finds a System.map among the boot modules (after module 0). */
void diag_init(void);
/* " <symbol+off>" for a guest address, or "" without a map. */
void diag_symbol(uint32_t eip, char *buf, size_t size);
/* The guest's panic() (0 if unknown). */
uint32_t diag_panic_eip(void);
/* Remembers a guest address hv dispatched to. */
void diag_note_eip(uint32_t eip);
/* Up to max of those addresses into out, newest first; returns how many. */
int diag_recent(uint32_t *out, int max);
/* Prints the guest's state, the last addresses, with symbols. */
void diag_dump(const struct trapframe *tf, const char *why);

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
/* Arms the watchdog for seconds (0: off).  After dev_init. */
void watchdog_init(uint32_t seconds);

/* It watches guest_watch (monitor/guest.h). */

#endif
