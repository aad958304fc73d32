/*
 * Guest memory (docs/ARCHITECTURE.md, "Memory").
 *
 * Guest-physical is host-physical.  While the guest has paging off, its
 * linear addresses are physical too, and hv's own page directory maps them
 * 1:1 (with PTE_U, so guest ring-3 code can run there), except:
 *  - hv's physical range, which is not mapped at all once the guest is
 *    loaded (gmem_seal): a guest touch faults and the guest is stopped;
 *  - pages holding translated code, which are mapped read-only so that a
 *    guest write faults and invalidates their translations first (SMC).
 * 4 MiB mappings are split into 4 KiB page tables only where one of these
 * needs page granularity.
 *
 * hv's own accesses on the guest's behalf (interrupt frames, descriptor
 * tables, emulated instructions) go through gmem_read/gmem_write, which
 * refuse hv's range and keep the translations of written code pages
 * honest.
 */
#include "monitor/gmem.h"

#include "boot/boot.h"
#include "dt/dt.h"
#include "monitor/frame.h"
#include "monitor/layout.h"
#include "monitor/log.h"
#include "monitor/panic.h"
#include "monitor/string.h"
#include "monitor/x86.h"

/* One bit per 4 KiB page below HV_BASE: it holds translated code. */
static uint32_t code_pages[(HV_BASE >> PAGE_SHIFT) / 32];
static int sealed;

/* The PTE of a linear address below HV_BASE, splitting a 4 MiB page. */
static uint32_t *pte_of(uint32_t va)
{
	uint32_t *pde = &hv_pd[va >> PGDIR_SHIFT];
	uint32_t *pt;

	if (*pde & PTE_PS) {
		uint32_t pa = frame_alloc(), base = *pde & PDE_ADDR_4M;
		uint32_t flags = *pde & (PTE_W | PTE_U | PTE_PWT | PTE_PCD);

		if (!pa)
			panic("out of frames splitting the 4 MiB page at %08x", base);
		pt = frame_va(pa);
		for (int i = 0; i < 1024; i++)
			pt[i] = (base + i * PAGE_SIZE) | flags | PTE_P;
		*pde = pa | PTE_P | PTE_W | PTE_U;
		/* The old 4 MiB translation may be cached: drop it everywhere. */
		write_cr3(read_cr3());
	}
	assert(*pde & PTE_P);
	pt = frame_va(*pde & PTE_ADDR);
	return &pt[(va >> PAGE_SHIFT) & 1023];
}

void gmem_seal(void)
{
	/* Guest ring-3 code runs from the same mappings: allow user access. */
	for (uint32_t i = 0; i < HV_PDE_FIRST; i++)
		hv_pd[i] |= PTE_U;
	for (uint32_t pa = boot.hv_phys_lo; pa < boot.hv_phys_hi; pa += PAGE_SIZE)
		*pte_of(pa) = 0;
	write_cr3(read_cr3());
	sealed = 1;
}

int gmem_is_hv(uint32_t pa, uint32_t len)
{
	return frame_hv_owns(pa, len);
}

static int is_code(uint32_t page)
{
	uint32_t i = page >> PAGE_SHIFT;

	return (code_pages[i / 32] >> (i % 32)) & 1;
}

void gmem_protect_code(uint32_t page)
{
	uint32_t i = page >> PAGE_SHIFT;

	if (page >= HV_BASE || is_code(page) || gmem_is_hv(page, PAGE_SIZE))
		return;
	code_pages[i / 32] |= 1u << (i % 32);
	*pte_of(page) &= ~PTE_W;
	invlpg(page);
}

int gmem_code_write(uint32_t page)
{
	uint32_t i;

	page &= PTE_ADDR;
	if (page >= HV_BASE || !is_code(page))
		return 0;
	i = page >> PAGE_SHIFT;
	code_pages[i / 32] &= ~(1u << (i % 32));
	dt_invalidate_page(page);
	*pte_of(page) |= PTE_W;
	invlpg(page);
	return 1;
}

/* Can the guest's linear range [la, la+len) be accessed by hv for it? */
static int check_range(uint32_t la, uint32_t len)
{
	if (len == 0)
		return 0;
	if (la >= HV_BASE || len > HV_BASE - la)
		return GMEM_OUTSIDE;
	if (gmem_is_hv(la, len))
		return GMEM_HV;
	return 0;
}

int gmem_read(uint32_t la, void *buf, uint32_t len)
{
	int r = check_range(la, len);

	if (r)
		return r;
	memcpy(buf, (const void *)la, len);
	return 0;
}

int gmem_write(uint32_t la, const void *buf, uint32_t len)
{
	int r = check_range(la, len);

	if (r)
		return r;
	for (uint32_t p = la & PTE_ADDR; p < la + len; p += PAGE_SIZE)
		gmem_code_write(p);
	memcpy((void *)la, buf, len);
	return 0;
}

int gmem_fetch(uint32_t la, uint8_t *buf, uint32_t len, int *why)
{
	uint32_t n = 0;

	while (n < len) {
		uint32_t a = la + n;
		uint32_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));

		if (chunk > len - n)
			chunk = len - n;
		if (a < la || a >= HV_BASE) {
			*why = DTF_FETCH_OUTSIDE;
			break;
		}
		if (gmem_is_hv(a, chunk)) {
			*why = DTF_FETCH_HV;
			break;
		}
		memcpy(buf + n, (const void *)a, chunk);
		n += chunk;
	}
	return (int)n;
}
