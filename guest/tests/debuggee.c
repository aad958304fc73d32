/*
 * The debugger's test guest (scripts/test-gdb.sh, scripts/test-monitor.sh;
 * not in MANIFEST: it is driven by a debugger, not compared).  Its values
 * are fixed so that the tests know them without asking hv:
 *  - dbg_work(i) runs 5 times and adds 3 * i + 1 to dbg_sum (so 0x23 when
 *    done) and counts dbg_calls (5);
 *  - dbg_marker(0xC0FFEE) is called once with its argument in EAX
 *    (regparm), then the guest prints dbg_value ("value=00001234" unless
 *    a debugger changed it);
 *  - dbg_tick() then increments dbg_ticks three times (a watchpoint
 *    target).
 * With the argument "wait", the guest first prints "waiting" and waits
 * (bounded) for one byte on COM1, so a test can stop it in between.
 */
#include "guest/lib/guest.h"

#include "lib/uart.h"

GUEST_NAME("debuggee");

#define WAIT_SPINS	400000000u	/* bound for the wait on COM1 */

volatile uint32_t dbg_sum, dbg_calls, dbg_ticks;
volatile uint32_t dbg_value = 0x1234;

__attribute__((noinline)) void dbg_work(uint32_t i)
{
	dbg_sum += 3 * i + 1;
	dbg_calls++;
}

__attribute__((noinline, regparm(1))) uint32_t dbg_marker(uint32_t magic)
{
	return magic ^ dbg_sum;
}

__attribute__((noinline)) void dbg_tick(void)
{
	dbg_ticks++;
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	uint32_t r;

	(void)magic;
	(void)mbi;
	if (guest_arg("wait")) {
		gprintf("waiting\n");
		for (uint32_t i = 0; i < WAIT_SPINS; i++)
			if (uart_getc(0x3F8) >= 0)
				break;
	}
	t_begin("work");
	for (uint32_t i = 0; i < 5; i++)
		dbg_work(i);
	t_eq("dbg_sum", dbg_sum, 0x23);
	t_end();
	t_begin("marker");
	r = dbg_marker(0xC0FFEE);
	t_eq("dbg_marker", r, 0xC0FFEE ^ 0x23);
	gprintf("value=%08x\n", dbg_value);
	t_end();
	t_begin("ticks");
	for (int i = 0; i < 3; i++)
		dbg_tick();
	t_eq("dbg_ticks", dbg_ticks, 3);
	t_end();
}
