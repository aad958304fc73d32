/*
 * The translator's boundary (dt/host.h), where the layers above the memory
 * are needed: the debugger's breakpoints (through guest_hooks) and hv's
 * intercepted ports.  The memory layer implements the rest itself
 * (monitor/mm/gmem.c, gphys.c: guest code, the guest's page tables, the
 * write protection of code frames).
 */
#include "dt/host.h"

#include "drivers/ioport.h"
#include "monitor/guest.h"

int dth_breakpoint_at(uint32_t lin)
{
	return guest_hooks.breakpoint_at && guest_hooks.breakpoint_at(lin);
}

int dth_port_intercepted(uint16_t port, int size)
{
	return io_intercepted(port, size);
}
