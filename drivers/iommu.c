/*
 * Intel VT-d programmed by hv so that no device reaches hv's memory
 * (VT-d architecture specification: 8.3 DRHD, 9.1-9.3 root and context
 * entries in legacy mode, 9.8 second-level paging, 10.4 registers, 6.5
 * invalidation through the register interface, 7.2 fault recording;
 * docs/DEVICES.md, "DMA").
 *
 * Every remapping unit the DMAR table lists gets the same tables: all 256
 * buses share one context table, all of whose entries name domain 1 and
 * one second-level table.  That table maps the guest's RAM (the memory
 * map's available and ACPI-reclaimable ranges) 1:1, read and write, with
 * 2 MiB pages where a whole 2 MiB is the guest's and 4 KiB pages around
 * what devices may not reach (hv's frames, the device pages hv hides:
 * dma_hooks.refused); nothing else is mapped, so a DMA to hv, to another
 * device's registers or to no memory faults in the unit.  The tables live
 * in hv's image, which they leave out themselves.  Faults are polled
 * (iommu_poll) and logged with the requester and the address.  The guest
 * never sees a unit: the DMAR table is renamed and the register pages are
 * hidden (monitor/dma.c).  Interrupt remapping stays off, so the devices'
 * MSIs pass through untranslated, as they would without an IOMMU.
 *
 * iommu_init finds the units and tries the tables at boot (hv falls back
 * to mediation if they cannot be used); iommu_enable builds them again
 * once the guest's loader has given hv's module copies back to the guest
 * (monitor/mm/gmap.c) and turns translation on, before the guest runs.
 */
#include "drivers/dma.h"

#include "drivers/acpi.h"
#include "lib/bootinfo.h"
#include "lib/hw/vtd.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"

#include <multiboot.h>

#define L2_MAX		8		/* GiB of RAM the tables can cover */
#define L1_MAX		24		/* 2 MiB regions mapped page by page */
#define SPIN		10000000	/* bound of a wait for the unit */
#define WARN_MAX	32

static struct vtd_entry root[256] __attribute__((aligned(4096)));
static struct vtd_entry ctx[256] __attribute__((aligned(4096)));
static uint64_t l4[512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));
static uint64_t l2[L2_MAX][512] __attribute__((aligned(4096)));
static uint64_t l1[L1_MAX][512] __attribute__((aligned(4096)));
static int nl1;
static uint64_t ram_top;	/* the end of the highest available RAM */
static int use_2m, levels;	/* what every unit supports */

static struct unit {
	uint32_t base;
	volatile uint8_t *regs;
	uint64_t cap, ecap;
} units[IOMMU_MAX];
static uint8_t windows[IOMMU_MAX][4096] __attribute__((aligned(4096)));
static int nunits;
static uint32_t faults;

static uint32_t rd32(const struct unit *u, uint32_t r) { return *(volatile uint32_t *)(u->regs + r); }
static void wr32(const struct unit *u, uint32_t r, uint32_t v) { *(volatile uint32_t *)(u->regs + r) = v; }

static uint64_t rd64(const struct unit *u, uint32_t r)
{
	return rd32(u, r) | (uint64_t)rd32(u, r + 4) << 32;
}

/* Low dword first: a command bit in the high one starts it (10.4). */
static void wr64(const struct unit *u, uint32_t r, uint64_t v)
{
	wr32(u, r, (uint32_t)v);
	wr32(u, r + 4, (uint32_t)(v >> 32));
}

/* Whether [pa, pa + len) is guest RAM no device is kept from. */
static int dma_ok(uint64_t pa, uint64_t len)
{
	int ram = 0;

	for (int i = 0; i < boot.nmmap && !ram; i++) {
		const struct boot_mmap *m = &boot.mmap[i];

		ram = (m->type == MULTIBOOT_MEMORY_AVAILABLE ||
		       m->type == MULTIBOOT_MEMORY_ACPI_RECLAIMABLE) &&
		      m->addr <= pa && pa + len <= m->addr + m->len;
	}
	if (!ram)
		return 0;
	return pa >= 0x100000000ull || !dma_hooks.refused((uint32_t)pa, (uint32_t)len);
}

/* The level-2 entry for the 2 MiB at pa: a page, a table, or nothing. */
static int map_2m(uint64_t pa, int big, uint64_t *e)
{
	uint64_t *t;
	int any = 0;

	if (dma_ok(pa, 0x200000)) {
		if (big) {
			*e = pa | VTD_SL_PS | VTD_SL_R | VTD_SL_W;
			return 0;
		}
	} else {
		for (uint64_t p = pa; p < pa + 0x200000 && !any; p += 4096)
			any = dma_ok(p, 4096);
		if (!any)
			return 0;	/* not present */
	}
	if (nl1 == L1_MAX)
		return -1;
	t = l1[nl1++];
	for (int i = 0; i < 512; i++) {
		uint64_t p = pa + (uint64_t)i * 4096;

		t[i] = dma_ok(p, 4096) ? p | VTD_SL_R | VTD_SL_W : 0;
	}
	*e = BOOT_IMAGE_PA(t) | VTD_SL_R | VTD_SL_W;
	return 0;
}

/* The tables, for RAM up to ram_top; 0, or -1 with *why set. */
static int build(const char **why)
{
	int ngb = (int)((ram_top + (1ull << 30) - 1) >> 30);

	nl1 = 0;
	memset(l1, 0, sizeof(l1));

	if (ngb > L2_MAX) {
		*why = "more RAM than hv's tables cover (8 GiB)";
		return -1;
	}
	for (int g = 0; g < ngb; g++) {
		for (int i = 0; i < 512; i++)
			if (map_2m(((uint64_t)g << 30) + ((uint64_t)i << 21), use_2m,
				   &l2[g][i]) < 0) {
				*why = "too many partly mapped 2 MiB regions";
				return -1;
			}
		l3[g] = BOOT_IMAGE_PA(l2[g]) | VTD_SL_R | VTD_SL_W;
	}
	l4[0] = BOOT_IMAGE_PA(l3) | VTD_SL_R | VTD_SL_W;
	for (int i = 0; i < 256; i++) {
		ctx[i].lo = (levels == 4 ? BOOT_IMAGE_PA(l4) : BOOT_IMAGE_PA(l3)) |
			    VTD_CTX_TT_SL | VTD_PRESENT;
		ctx[i].hi = (levels == 4 ? VTD_CTX_AW_48 : VTD_CTX_AW_39) | VTD_CTX_DID(1);
		root[i].lo = BOOT_IMAGE_PA(ctx) | VTD_PRESENT;
		root[i].hi = 0;
	}
	/* A unit whose walks do not snoop reads memory, not the caches. */
	__asm__ volatile("wbinvd" : : : "memory");
	return 0;
}

/* Issues a global command and waits for its status bit to read want. */
static int command(const struct unit *u, uint32_t cmd, uint32_t sts, int want)
{
	wr32(u, VTD_GCMD, (rd32(u, VTD_GSTS) & VTD_GSTS_KEEP) | cmd);
	for (int i = 0; i < SPIN; i++)
		if (((rd32(u, VTD_GSTS) & sts) != 0) == want)
			return 0;
	return -1;
}

static int wait_clear(const struct unit *u, uint32_t r, uint64_t bit)
{
	for (int i = 0; i < SPIN; i++)
		if (!(rd64(u, r) & bit))
			return 0;
	return -1;
}

/* Points unit u at the tables and turns translation on. */
static int enable(struct unit *u, const char **why)
{
	uint32_t iotlb = VTD_IOTLB_REG(u->ecap);

	*why = "the unit did not answer";
	if ((rd32(u, VTD_GSTS) & VTD_GSTS_TES) && command(u, 0, VTD_GSTS_TES, 0) < 0)
		return -1;
	wr32(u, VTD_GCMD, rd32(u, VTD_GSTS) & VTD_GSTS_KEEP & ~VTD_GCMD_TE);
	wr64(u, VTD_RTADDR, BOOT_IMAGE_PA(root));
	if (command(u, VTD_GCMD_SRTP, VTD_GSTS_RTPS, 1) < 0)
		return -1;
	if ((u->cap & VTD_CAP_RWBF) && command(u, VTD_GCMD_WBF, VTD_GSTS_WBFS, 0) < 0)
		return -1;
	wr64(u, VTD_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
	if (wait_clear(u, VTD_CCMD, VTD_CCMD_ICC) < 0)
		return -1;
	wr64(u, iotlb, VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW);
	if (wait_clear(u, iotlb, VTD_IOTLB_IVT) < 0)
		return -1;
	wr32(u, VTD_FECTL, VTD_FECTL_IM);	/* faults are polled */
	return command(u, VTD_GCMD_TE, VTD_GSTS_TES, 1);
}

static int find_units(int (*map_mmio)(uint32_t va, uint32_t pa), const char **why)
{
	uint8_t *dmar = acpi_table("DMAR");
	uint64_t top = 0;
	int big = 1, sagaw = VTD_SAGAW_39 | VTD_SAGAW_48;

	*why = "no DMAR table";
	if (!dmar)
		return 0;
	for (uint32_t off = DMAR_STRUCTS, len = *(uint32_t *)(dmar + 4); off + 16 <= len;) {
		uint16_t type = *(uint16_t *)(dmar + off), n = *(uint16_t *)(dmar + off + 2);
		uint64_t base = *(uint64_t *)(dmar + off + DRHD_BASE);
		struct unit *u = &units[nunits];

		if (n < 16)
			break;
		off += n;
		if (type != DMAR_TYPE_DRHD)
			continue;
		*why = "a unit's registers lie above 4 GiB or cannot be mapped";
		if (nunits == IOMMU_MAX || base >> 32 ||
		    map_mmio((uint32_t)windows[nunits], (uint32_t)base) < 0)
			return -1;
		u->base = (uint32_t)base;
		u->regs = windows[nunits];
		u->cap = rd64(u, VTD_CAP);
		u->ecap = rd64(u, VTD_ECAP);
		if (!(u->cap & VTD_CAP_SLLPS_2M))
			big = 0;
		sagaw &= (int)VTD_CAP_SAGAW(u->cap);
		nunits++;
	}
	*why = "no DRHD unit in the DMAR table";
	if (!nunits)
		return -1;
	*why = "no unit supports 3- or 4-level tables";
	if (!sagaw)
		return -1;
	for (int i = 0; i < boot.nmmap; i++)
		if (boot.mmap[i].addr + boot.mmap[i].len > top &&
		    boot.mmap[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			top = boot.mmap[i].addr + boot.mmap[i].len;
	ram_top = top;
	use_2m = big;
	levels = (sagaw & VTD_SAGAW_39) ? 3 : 4;
	/* A trial build: what iommu_enable builds again fits. */
	if (build(why) < 0)
		return -1;
	acpi_rename(dmar, "HVDM");	/* the guest finds no DMAR table */
	return nunits;
}

int iommu_init(int (*map_mmio)(uint32_t va, uint32_t pa), const char **why)
{
	int n = find_units(map_mmio, why);

	if (n < 0)
		nunits = 0;	/* not used: hv mediates instead */
	return n;
}

void iommu_enable(void)
{
	const char *why;

	if (!nunits)
		return;
	if (build(&why) < 0)
		panic("VT-d: the tables no longer fit: %s", why);
	for (int i = 0; i < nunits; i++) {
		if (enable(&units[i], &why) < 0)
			panic("VT-d unit %d at %08x: %s", i, units[i].base, why);
		log_info("dma", "VT-d unit %d at %08x (version %x): translating, the guest's RAM "
			 "mapped, hv's memory not (%d-level tables, %d pages of 4 KiB)", i,
			 units[i].base, rd32(&units[i], VTD_VER), levels, nl1);
	}
}

uint32_t iommu_unit_base(int i)
{
	return i < nunits ? units[i].base : 0;
}

void iommu_poll(void)
{
	for (int i = 0; i < nunits; i++) {
		struct unit *u = &units[i];
		uint32_t fro = VTD_CAP_FRO(u->cap) * 16, n = VTD_CAP_NFR(u->cap) + 1;

		if (!(rd32(u, VTD_FSTS) & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
			continue;
		for (uint32_t r = 0; r < n; r++) {
			uint32_t rec = fro + r * 16, hi = rd32(u, rec + 12);
			uint64_t addr = rd64(u, rec) & ~0xFFFull;
			uint32_t sid = rd32(u, rec + 8) & 0xFFFF;

			if (!(hi & VTD_FRCD_F))
				continue;
			if (faults++ < WARN_MAX)
				log_warn("dma", "VT-d unit %d: %s at %llx by %02x:%02x.%x refused "
					 "(fault reason %u)", i, (hi & VTD_FRCD_T) ? "read" : "write",
					 addr, sid >> 8, sid >> 3 & 0x1F, sid & 7, hi & 0xFF);
			else if (faults == WARN_MAX + 1)
				log_warn("dma", "more VT-d faults: not logged");
			wr32(u, rec + 12, VTD_FRCD_F);
		}
		wr32(u, VTD_FSTS, VTD_FSTS_PFO);
	}
}
