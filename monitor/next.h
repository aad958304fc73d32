/*
 * What happens next: the value every handler of a trap returns to the one
 * loop that resumes the guest (monitor/guest.c, docs/ARCHITECTURE.md "The
 * trap loop").  Nothing else resumes the guest, so no handler runs inside
 * another and hv's stack depth does not depend on what the guest does.
 */
#ifndef MON_NEXT_H
#define MON_NEXT_H

#include <stdint.h>

/* Kinds of events delivered through the guest's IDT. */
enum intr_kind {
	INTR_EXC,	/* exception (a fault or a trap) */
	INTR_EXT,	/* hardware interrupt: EXT set in error codes */
	INTR_SOFT,	/* INT n, INT3, INTO: the gate's DPL is checked */
	INTR_ICEBP,	/* INT1: no DPL check */
};

/* An exception or interrupt for the guest (SDM vol. 3A 6.12). */
struct event {
	uint8_t vec;
	uint8_t kind;		/* enum intr_kind */
	uint8_t has_err;
	uint32_t err;
	uint32_t cr2;		/* #PF: the faulting address, written to CR2 */
	uint32_t ret_eip;	/* the return address the frame holds */
	uint32_t at_eip;	/* where a fault of the delivery itself is
				   reported: the instruction that raised it */
};

enum next_kind {
	NX_ENTER,	/* the trap frame is ready: leave hv through it as it is */
	NX_GO,		/* go on at guest EIP eip (cache address addr, or 0) */
	NX_EVENT,	/* deliver ev through the guest's IDT */
	NX_STOP,	/* stop the guest: why */
};

struct next {
	enum next_kind kind;
	union {
		struct {
			uint32_t eip, addr;	/* NX_GO */
		};
		struct event ev;		/* NX_EVENT */
		const char *why;		/* NX_STOP */
	};
};

/* (Only the member the kind names is set: these are on every trap's path.) */
static inline struct next nx_enter(void)
{
	struct next n;

	n.kind = NX_ENTER;
	return n;
}

static inline struct next nx_go(uint32_t eip, uint32_t addr)
{
	struct next n;

	n.kind = NX_GO;
	n.eip = eip;
	n.addr = addr;
	return n;
}

static inline struct next nx_event(struct event ev)
{
	struct next n;

	n.kind = NX_EVENT;
	n.ev = ev;
	return n;
}

/* Exception vec (error code err if has_err) raised by the instruction at eip. */
static inline struct next nx_fault(uint32_t eip, int vec, int has_err, uint32_t err,
				   uint32_t cr2)
{
	struct event ev = { (uint8_t)vec, INTR_EXC, (uint8_t)has_err, err, cr2, eip, eip };

	return nx_event(ev);
}

/* Stops the guest with a formatted reason (kept in a static buffer). */
struct next nx_stop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
