/*
 * DMA mediation's ties to the rest of hv (drivers/dma.h; docs/DEVICES.md,
 * "DMA"): what a device may not reach is what hv's own accesses on the
 * guest's behalf refuse (monitor/mm/gphys.c: hv's frames and the hidden
 * device pages), the guest's descriptor tables are read as guest-physical
 * memory, and a bus master the guest moved changes the I/O bitmap and the
 * translator's port table (and translations of IN/OUT with an immediate
 * port, SDM vol. 2 IN/OUT: ports 0-255); an IOMMU's register pages are
 * hidden from the guest.
 */
#include "monitor/dma.h"

#include "dt/dt.h"
#include "monitor/gdt.h"
#include "monitor/mm/mm.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

static void ports_changed(uint16_t lo, uint16_t hi)
{
	gdt_refresh_ports(lo, hi);
	if (lo <= 0xFF)
		dt_flush();	/* an immediate port was checked at translation */
	(void)hi;
}

static void stop(const char *why)
{
	guest_stop(0, "%s", why);
}

static int map_mmio(uint32_t va, uint32_t pa)
{
	return paging_map(va, pa, PTE_W | PTE_PCD | PTE_PWT);
}

int dma_setup(enum dma_mode mode, int pci_mode)
{
	uint32_t base;

	dma_hooks.refused = gphys_refused;
	dma_hooks.read = gphys_read;
	dma_hooks.ports_changed = ports_changed;
	dma_hooks.stop = stop;
	if (dma_init(mode, pci_mode, map_mmio) < 0)
		return -1;
	/* The IOMMU's registers: the guest reads no device there. */
	for (int i = 0; (base = iommu_unit_base(i)) != 0; i++)
		mm_hide_page(base);
	return 0;
}
