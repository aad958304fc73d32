/*
 * hv's integrity check (issue "Shadow paging": the hostile-guest test).
 *
 * At boot, once hv's final layout is in place (after the relocation, the
 * GDT, the IDT and the #DF task's CR3), hv takes CRC-32s of what no guest
 * may ever change:
 *
 *   text      the image's code, one CRC per 4 KiB page, so that a mismatch
 *             names the page;
 *   rodata    the read-only data, per page as well;
 *   gdt       hv's own descriptors (its last slots, lib/layout.h; not the
 *             ring-3 trampoline's slot, which is set when first used) and
 *             GDTR;
 *   idt       the whole IDT and IDTR;
 *   tss       TR, the ring-0 stack in hv's TSS, and the double-fault task's
 *             whole TSS (found through its descriptor);
 *   paging    the frames of hv's four page-directory entries and the page
 *             table entries that map text and rodata.
 *
 * When hv ends a run (hv_exit, and the guest's own exit through port 0xf4)
 * it computes them again.  Equal: one log line with the CRC.  Different: a
 * panic at this file and line naming the region and page, since a guest
 * that reached hv's memory is a broken hv invariant, not guest misbehaviour.
 * What changes by design (.data, .bss other than these tables, the GDT's
 * guest slots, the TSS's I/O bitmap, the code cache, the pool) is not
 * covered.
 *
 * CRC-32 as IEEE 802.3 / zlib (reflected polynomial 0xEDB88320), by table.
 */
#include "boot/integrity.h"

#include "boot/boot.h"
#include "monitor/mm/mm.h"
#include "monitor/gdt.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/x86.h"


#define HV_GDT_CHECKED	7	/* hv's slots from HV_GDT_FIRST; the 8th is user3.c's */
#define IMAGE_PAGES	(HV_IMAGE_MAX / PAGE_SIZE)

enum { R_TEXT, R_RODATA, R_GDT, R_IDT, R_TSS, R_PAGING, R_COUNT };
static const char *const region_name[R_COUNT] = {
	"text", "rodata", "GDT", "IDT", "TSS", "page tables",
};

static uint32_t crc_table[256];
static uint32_t page_crc[IMAGE_PAGES];	/* text and rodata, per page */
static uint32_t region_crc[R_COUNT];
static uint32_t total_crc;
static int taken, checked;

uint32_t integrity_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static void make_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* Page i of the image, clipped to [lo, hi). */
static uint32_t page_part(uint32_t i, uint32_t lo, uint32_t hi)
{
	uint32_t a = HV_BASE + i * PAGE_SIZE, b = a + PAGE_SIZE;

	if (a < lo)
		a = lo;
	if (b > hi)
		b = hi;
	return a < b ? integrity_crc32(0, (const void *)a, b - a) : 0;
}

/* The image's pages: fills pages[] and returns the CRC of the CRCs of
   region [lo, hi). */
static uint32_t image_region(uint32_t *pages, uint32_t lo, uint32_t hi)
{
	uint32_t crc = 0;

	for (uint32_t i = (lo - HV_BASE) / PAGE_SIZE; i * PAGE_SIZE + HV_BASE < hi; i++) {
		pages[i] = page_part(i, lo, hi);
		crc = integrity_crc32(crc, &pages[i], sizeof(pages[i]));
	}
	return crc;
}

static uint32_t gdt_region(void)
{
	struct dtr d;
	uint32_t crc;

	__asm__ volatile("sgdt %0" : "=m"(d));
	crc = integrity_crc32(0, &d, sizeof(d));
	return integrity_crc32(crc, &gdt[HV_GDT_FIRST], HV_GDT_CHECKED * sizeof(gdt[0]));
}

static uint32_t idt_region(void)
{
	struct dtr d;
	uint32_t crc;

	__asm__ volatile("sidt %0" : "=m"(d));
	crc = integrity_crc32(0, &d, sizeof(d));
	return integrity_crc32(crc, (const void *)d.base, (uint32_t)d.limit + 1);
}

static uint32_t tss_region(void)
{
	uint16_t tr;
	uint32_t crc;

	__asm__ volatile("str %0" : "=r"(tr));
	crc = integrity_crc32(0, &tr, sizeof(tr));
	crc = integrity_crc32(crc, &hv_tss.esp0, sizeof(hv_tss.esp0));
	crc = integrity_crc32(crc, &hv_tss.ss0, sizeof(hv_tss.ss0));
	return integrity_crc32(crc, (const void *)desc_base(gdt[SEL_INDEX(SEL_HV_DFTSS)]),
			       sizeof(struct tss32));
}

static uint32_t paging_region(void)
{
	uint32_t crc = 0, pde, pt;

	for (int i = 0; i < HV_PDE_COUNT; i++) {
		pde = hv_pd[HV_PDE_FIRST + i] & PTE_ADDR;
		crc = integrity_crc32(crc, &pde, sizeof(pde));
	}
	/* The image's page table lies in the image: linear = HV_BASE + offset.
	   The CPU sets A and D in it as hv runs: those bits do not count. */
	pt = HV_BASE + ((hv_pd[HV_PDE_FIRST] & PTE_ADDR) - boot.image_phys);
	for (uint32_t i = 0; i < ((uint32_t)hv_rodata_end - HV_BASE + PAGE_SIZE - 1) / PAGE_SIZE;
	     i++) {
		uint32_t pte = ((const uint32_t *)pt)[i] & ~(uint32_t)(PTE_A | PTE_D);

		crc = integrity_crc32(crc, &pte, sizeof(pte));
	}
	return crc;
}

/* All regions into crcs[] (and the per-page CRCs into pages[]). */
static uint32_t measure(uint32_t *crcs, uint32_t *pages)
{
	uint32_t crc = 0;

	for (int i = 0; i < IMAGE_PAGES; i++)
		pages[i] = 0;
	crcs[R_TEXT] = image_region(pages, (uint32_t)hv_image_start, (uint32_t)hv_text_end);
	crcs[R_RODATA] = image_region(pages, (uint32_t)hv_text_end, (uint32_t)hv_rodata_end);
	crcs[R_GDT] = gdt_region();
	crcs[R_IDT] = idt_region();
	crcs[R_TSS] = tss_region();
	crcs[R_PAGING] = paging_region();
	for (int r = 0; r < R_COUNT; r++)
		crc = integrity_crc32(crc, &crcs[r], sizeof(crcs[r]));
	return crc;
}

void integrity_init(void)
{
	make_table();
	total_crc = measure(region_crc, page_crc);
	taken = 1;
	log_info("integrity", "checksum of text, rodata, GDT, IDT, TSS and page tables: "
		 "crc %08x (%u KiB)", total_crc,
		 (uint32_t)(hv_rodata_end - hv_image_start) >> 10);
}

void integrity_check(void)
{
	static uint32_t crcs[R_COUNT], pages[IMAGE_PAGES];
	uint32_t now;

	if (!taken || checked++)
		return;
	now = measure(crcs, pages);
	for (int r = 0; r < R_COUNT; r++) {
		if (crcs[r] == region_crc[r])
			continue;
		for (int i = 0; i < IMAGE_PAGES; i++)
			if (pages[i] != page_crc[i])
				panic("integrity: hv's %s changed: page %08x (crc %08x, at boot %08x)",
				      region_name[r], HV_BASE + i * PAGE_SIZE, pages[i],
				      page_crc[i]);
		panic("integrity: hv's %s changed (crc %08x, at boot %08x)", region_name[r],
		      crcs[r], region_crc[r]);
	}
	if (now != total_crc)
		panic("integrity: checksum %08x, at boot %08x", now, total_crc);
	log_info("integrity", "text and data intact (crc %08x)", now);
}
