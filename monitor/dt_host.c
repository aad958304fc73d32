/*
 * The translator's boundary (dt/host.h), implemented for the running
 * guest: its code through the memory layer with the rights of its current
 * privilege level, its page tables, the write protection of code frames,
 * the debugger's breakpoints (through guest_hooks) and hv's intercepted
 * ports.
 */
#include "dt/host.h"

#include "drivers/ioport.h"
#include "lib/x86.h"
#include "monitor/guest.h"
#include "monitor/mm/mm.h"
#include "monitor/vcpu.h"

int dth_fetch(uint32_t lin, uint8_t *buf, uint32_t len, int *why)
{
	return gmem_fetch(lin, buf, len, vcpu.cpl == 3, why);
}

int dth_code_frame(uint32_t lin, uint32_t *pa, int *global)
{
	return gmem_code_pa(lin, pa, global);
}

int dth_peek_frame(uint32_t lin, uint32_t *pa)
{
	return gmem_peek_pa(lin, pa);
}

uint32_t dth_guest_pde(uint32_t lin, int *large)
{
	uint32_t pde = gmem_guest_pde(lin);

	*large = (pde & PTE_P) && (pde & PTE_PS) && (gcr.cr4 & CR4_PSE);
	return pde;
}

uint32_t dth_read_phys32(uint32_t pa)
{
	return gphys_read32(pa);
}

int dth_protect_frame(uint32_t pa)
{
	return mm_protect_frame(pa);
}

void dth_unprotect_frame(uint32_t pa)
{
	mm_unprotect_frame(pa);
}

int dth_breakpoint_at(uint32_t lin)
{
	return guest_hooks.breakpoint_at && guest_hooks.breakpoint_at(lin);
}

int dth_port_intercepted(uint16_t port, int size)
{
	return io_intercepted(port, size);
}
