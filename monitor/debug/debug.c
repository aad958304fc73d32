/*
 * Debugging the guest: breakpoints, watchpoints, stops and steps, shared
 * by the monitor console and the GDB stub (see debug.h and
 * docs/ARCHITECTURE.md, "Debugging the guest").
 *
 * Nothing here writes into guest memory the guest could read:
 *  - A breakpoint is a linear address the translator will not translate
 *    past: a block ends before it, and a block that starts there is one
 *    DTX_DEBUG exit.  Setting or clearing one kills the translations that
 *    start on its page, so the next run through it translates again.
 *  - Going on from a breakpoint runs that one instruction alone (a
 *    transient one-instruction block, the same as the guest's own TF
 *    stepping uses), so its exit is not met again.
 *  - A single step is such a one-instruction block; when it ends (at its
 *    STEP_END exit, a branch exit, or an exception delivered to the
 *    guest), the next resumption (guest_hooks.resume) stops.
 *  - A watchpoint compares the watched bytes at every resume; while one
 *    is set, guest kernel code runs one instruction per block, so every
 *    instruction boundary is a resume and a change is seen right after the
 *    instruction that made it (as a hardware data breakpoint would report
 *    it).  Guest user code runs natively: a change it makes is seen at the
 *    next trap into hv.  Slow, but exact for the guest kernel, and it also
 *    catches writes by devices and by hv on the guest's behalf.
 */
#include "monitor/debug/debug.h"

#include "dt/smc.h"
#include "dt/dt.h"
#include "drivers/devices.h"
#include "lib/uart.h"
#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "monitor/guest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "monitor/guest.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

struct dbg_state dbg;

uint16_t dbg_port_base(int port)
{
	static const uint16_t base[] = { 0, 0x3F8, 0x2F8, 0x3E8, 0x2E8 };

	return port > 0 && port <= DBG_COM4 ? base[port] : 0;
}

struct dbg_config dbg_config;

static int bp_at(uint32_t lin)
{
	return dbg_bp_at(lin);
}

void dbg_init(int monitor, int gdb, const uint8_t *dev_mode)
{
	dbg_config.monitor = monitor;
	dbg_config.gdb = gdb;
	memcpy(dbg_config.dev_mode, dev_mode, sizeof(dbg_config.dev_mode));
	dbg.guest = 1;
	if (monitor != DBG_OFF) {
		/* On the guest's own COM1/COM2 (emulated) the two share the line. */
		int muxed = (monitor == DBG_COM1 && dev_mode[DEVK_COM1] == DEV_EMULATE) ||
			    (monitor == DBG_COM2 && dev_mode[DEVK_COM2] == DEV_EMULATE);

		mon_init(dbg_port_base(monitor), muxed);
		dbg.on = 1;
	}
	if (gdb != DBG_OFF) {
		gdb_init(dbg_port_base(gdb));
		dbg.on = 1;
		/* gdb gets the guest before its first instruction. */
		dbg.request = DBG_START;
		dbg.request_owner = DBG_GDB;
	}
	if (dbg.on) {
		guest_hooks.resume = dbg_resume;
		guest_hooks.breakpoint = dbg_break_hit;
		guest_hooks.breakpoint_at = bp_at;
	}
}

/* --- guest memory --- */

/* The physical address of a guest linear one, looked at only. */
static int lin_to_phys(uint32_t lin, uint32_t *pa)
{
	if (lin >= 0xFF000000u)
		return -1;
	if (!(gcr.cr0 & CR0_PG)) {
		*pa = lin;
		return 0;
	}
	return gmem_walk(lin, GACC_PEEK, pa, 0) < 0 ? -1 : 0;
}

int dbg_read_lin(uint32_t lin, void *buf, uint32_t len)
{
	uint8_t *out = buf;

	while (len) {
		uint32_t pa, n = PAGE_SIZE - (lin & (PAGE_SIZE - 1));

		if (n > len)
			n = len;
		if (lin_to_phys(lin, &pa) < 0 || gphys_read(pa, out, n))
			return -1;
		out += n;
		lin += n;
		len -= n;
	}
	return 0;
}

int dbg_write_lin(uint32_t lin, const void *buf, uint32_t len)
{
	const uint8_t *in = buf;

	while (len) {
		uint32_t pa, n = PAGE_SIZE - (lin & (PAGE_SIZE - 1));

		if (n > len)
			n = len;
		if (lin_to_phys(lin, &pa) < 0 || gmem_is_hv(pa, n))
			return -1;
		/* Translations made from the page die first (and hv's read-only
		   mapping of a code page goes), as for any write by hv. */
		smc_write(pa & PTE_ADDR);
		if (gphys_write(pa, in, n))
			return -1;
		in += n;
		lin += n;
		len -= n;
	}
	return 0;
}

/* --- breakpoints and watchpoints --- */

int dbg_bp_set(uint32_t lin, enum dbg_owner owner, int hw)
{
	if (dbg_bp_at(lin))
		return 0;
	if (dbg.nbp == DBG_MAX_BP)
		return -1;
	dbg.bp[dbg.nbp].lin = lin;
	dbg.bp[dbg.nbp].owner = (uint8_t)owner;
	dbg.bp[dbg.nbp].hw = (uint8_t)hw;
	dbg.nbp++;
	vcpu.breakpoints = dbg.nbp;
	dt_check_page(lin);	/* translations through it end before it now */
	return 0;
}

int dbg_bp_clear(uint32_t lin)
{
	for (int i = 0; i < dbg.nbp; i++) {
		if (dbg.bp[i].lin != lin)
			continue;
		dbg.bp[i] = dbg.bp[--dbg.nbp];
		vcpu.breakpoints = dbg.nbp;
		dt_check_page(lin);
		return 0;
	}
	return -1;
}

static struct dbg_watch *find_watch(uint32_t lin, uint32_t len)
{
	for (int i = 0; i < dbg.nwatch; i++)
		if (dbg.watch[i].addr == lin && dbg.watch[i].len == len)
			return &dbg.watch[i];
	return 0;
}

int dbg_watch_set(uint32_t lin, uint32_t len)
{
	struct dbg_watch *w = find_watch(lin, len);

	if (len == 0 || len > sizeof(w->old))
		return -1;
	if (!w) {
		if (dbg.nwatch == DBG_MAX_WATCH)
			return -1;
		w = &dbg.watch[dbg.nwatch++];
	}
	w->addr = lin;
	w->len = len;
	if (dbg_read_lin(lin, w->old, len) < 0)
		memset(w->old, 0, sizeof(w->old));
	return 0;
}

int dbg_watch_clear(uint32_t lin, uint32_t len)
{
	struct dbg_watch *w = find_watch(lin, len);

	if (!w)
		return -1;
	*w = dbg.watch[--dbg.nwatch];
	return 0;
}

/* A watched location whose bytes changed (remembering the new ones). */
static struct dbg_watch *watch_changed(void)
{
	for (int i = 0; i < dbg.nwatch; i++) {
		struct dbg_watch *w = &dbg.watch[i];
		uint8_t now[sizeof(w->old)];

		if (dbg_read_lin(w->addr, now, w->len) < 0 || !memcmp(now, w->old, w->len))
			continue;
		memcpy(w->old, now, w->len);
		return w;
	}
	return 0;
}

/* --- stopping --- */

void dbg_break_hit(uint32_t eip)
{
	(void)eip;
	dbg.request = DBG_BREAK;
	for (int i = 0; i < dbg.nbp; i++)
		if (dbg.bp[i].lin == eip + vcpu.seg[VS_CS].base) {
			dbg.request_owner = dbg.bp[i].owner;
			dbg.hit_hw = dbg.bp[i].hw;
		}
}

static void stop(struct trapframe *tf, uint32_t *eip, enum dbg_reason why,
		 enum dbg_owner owner)
{
	dbg.reason = why;
	dev_flush();	/* a guest line held back for hv's log goes out first */
	if ((owner == DBG_GDB && gdb_on) || !mon_on)
		gdb_stopped(tf, eip, 0);
	else
		mon_stopped(tf, eip, 0);
}

int dbg_resume(struct trapframe *tf, uint32_t *eip, uint32_t addr)
{
	enum dbg_reason why = DBG_NONE;
	enum dbg_owner owner = DBG_GDB;
	uint32_t lin = *eip + vcpu.seg[VS_CS].base;
	struct dbg_watch *w;
	int r = 0;

	if (gdb_on && gdb_poll() && !dbg.request) {
		dbg.request = DBG_INTR;
		dbg.request_owner = DBG_GDB;
	}
	if (mon_on && mon_poll() && !dbg.request) {
		dbg.request = DBG_INTR;
		dbg.request_owner = DBG_MONITOR;
	}
	if (dbg.single_armed && addr && addr == vcpu.single_code) {
		/* An interrupt came before the instruction run alone (hv takes
		   them with an emulated PIC): it has not run yet. */
		dbg.single_armed = 0;
	} else if (dbg.single_armed) {
		/* The instruction run alone has finished. */
		dbg.single_armed = 0;
		if (dbg.stepping) {
			dbg.stepping = 0;
			why = DBG_STEP;
			owner = dbg.step_owner;
		} else if (dbg_bp_at(lin) && vcpu.cpl == 0) {
			/* Watch mode runs single blocks, which have no breakpoint
			   exits. */
			dbg_break_hit(*eip);
			dbg.request = DBG_NONE;
			why = DBG_BREAK;
			owner = dbg.request_owner;
		}
	}
	if (dbg.nwatch && (w = watch_changed()) && why != DBG_BREAK) {
		why = DBG_WATCH;
		owner = DBG_GDB;
		dbg.reason_addr = w->addr;
	}
	if (why == DBG_NONE && dbg.request) {
		why = dbg.request;
		owner = dbg.request_owner;
	}
	dbg.request = DBG_NONE;
	if (why != DBG_NONE) {
		stop(tf, eip, why, owner);
		r |= GUEST_R_RESTART;
		lin = *eip + vcpu.seg[VS_CS].base;
		dbg.hit_hw = 0;
	}
	if (vcpu.cpl != 0)
		return r;	/* user code runs natively: stops at the next trap */
	if (dbg.stepping) {
		r |= GUEST_R_SINGLE | GUEST_R_NOIRQ;
		dbg.single_armed = 1;
	} else if ((why != DBG_NONE && dbg_bp_at(lin)) || dbg.nwatch) {
		/* Off the breakpoint it stopped at; or watching. */
		r |= GUEST_R_SINGLE;
		dbg.single_armed = 1;
	}
	return r;
}

void dbg_postmortem(struct trapframe *tf, const char *why)
{
	static int once;
	uint32_t eip = vcpu.eip;

	if (!dbg.on || exit_on_panic || once++)
		return;
	kprintf("hv: debug: post-mortem (%s): the guest cannot go on\n", why);
	dbg.reason = DBG_DEAD;
	if (gdb_on)
		gdb_stopped(tf, &eip, 1);
	if (mon_on)
		mon_stopped(tf, &eip, 1);
}

void dbg_panic_dump(void)
{
	if (!dbg.guest)
		return;
	diag_dump(0, "hv panicked while running the guest");
	dt_print_stats();
	emul_print_stats();
	guest_print_stats();
	dbg_postmortem(0, "hv panicked");
}
