/*
 * drivers/idedma.c: the IDE bus master, mediated.  Expectations from
 * SFF-8038i 1.0 (command +0: bit 0 start, a 0 -> 1 edge begins a
 * transfer, bit 3 direction; status +2: bit 0 active, bits 1 and 2 error
 * and interrupt, cleared by writing 1; +4 the PRD table pointer, dword
 * aligned; a PRD: 32-bit base, 16-bit count with 0 for 64 KiB, bit 31 of
 * the second dword the end of the table) and from hv's design
 * (docs/DEVICES.md, "DMA"): what the real controller gets is only ever a
 * checked copy, a refused start never reaches it.  The fake machine's
 * memory is an array; "hv's memory" in it is [HV_LO, HV_HI).
 */
#include "tests/devices/harness.h"

#include <string.h>

#include "drivers/dma.h"
#include "drivers/ioport.h"
#include "lib/hw/idebm.h"

#define BASE	0xC040
#define MOVED	0xD000
#define MEM	0x100000
#define HV_LO	0x80000
#define HV_HI	0x90000

static uint8_t mem[MEM];
static int changed_calls;

static int refused(uint32_t pa, uint32_t len)
{
	return (uint64_t)pa + len > HV_LO && pa < HV_HI;
}

static int mem_read(uint32_t pa, void *buf, uint32_t len)
{
	if (refused(pa, len) || (uint64_t)pa + len > MEM)
		return 1;
	memcpy(buf, mem + pa, len);
	return 0;
}

static void ports_changed(uint16_t lo, uint16_t hi)
{
	(void)lo;
	(void)hi;
	changed_calls++;
}

static void prd(uint32_t at, uint32_t base, uint32_t count)
{
	memcpy(mem + at, &base, 4);
	memcpy(mem + at + 4, &count, 4);
}

static uint32_t real32(uint16_t port)
{
	return io_native_read(port, 4);
}

/* The guest starts channel chn's transfer with its table at table. */
static void start(uint16_t base, int chn, uint32_t table)
{
	uint16_t b = (uint16_t)(base + chn * BM_CHANNEL_PORTS);

	outb_g(b + BM_CMD, 0);
	gout(b + BM_PRDT, 4, table);
	outb_g(b + BM_CMD, BM_CMD_TO_MEMORY | BM_CMD_START);
}

void test_idedma(void)
{
	const struct bm_prd *sh;
	uint32_t shadow_pa;

	harness_reset();
	memset(mem, 0, sizeof(mem));
	dma_hooks.refused = refused;
	dma_hooks.read = mem_read;
	dma_hooks.ports_changed = ports_changed;
	idedma_add(0, 0x0009, BASE);
	sh = idedma_shadow(0, 0);

	group("idedma: a checked transfer");
	prd(0x1000, 0x2000, 512);
	prd(0x1008, 0x3001, 0x7FFF0001 | PRD_EOT);	/* bit 0s, reserved bits: cleared */
	start(BASE, 0, 0x1000);
	CHECK_EQ("the start reaches the controller", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY | BM_CMD_START);
	shadow_pa = real32(BASE + BM_PRDT);
	CHECK(shadow_pa != 0x1000, "the real pointer is not the guest's table");
	CHECK_EQ("the guest reads its own pointer", gin(BASE + BM_PRDT, 4), 0x1000);
	CHECK_EQ("bytes of it too", gin(BASE + BM_PRDT + 1, 1), 0x10);
	CHECK(sh[0].base == 0x2000 && sh[0].count == 512, "shadow entry 0 as checked");
	CHECK(sh[1].base == 0x3000 && sh[1].count == PRD_EOT,
	      "entry 1: base bit 0 clear, count 1 is 0 (64 KiB), end of table kept");
	/* The guest rewrites its table once the transfer is under way. */
	prd(0x1000, HV_LO, 512 | PRD_EOT);
	CHECK(sh[0].base == 0x2000, "a later write to the guest's table changes nothing the "
	      "controller reads");
	outb_g(BASE + BM_CMD, BM_CMD_TO_MEMORY | BM_CMD_START);
	CHECK(sh[0].base == 0x2000, "a start bit already set begins nothing: no new copy");
	outb_g(BASE + BM_CMD, 0);
	CHECK_EQ("stop reaches the controller", real_port[BASE + BM_CMD], 0);

	group("idedma: refused transfers");
	prd(0x1000, 0x2000, 512);
	prd(0x1008, HV_LO - 256, 512 | PRD_EOT);	/* straddles hv's edge */
	real_port[BASE + BM_PRDT] = 0xAA;
	start(BASE, 0, 0x1000);
	CHECK_EQ("the controller never sees the start", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY);
	CHECK_EQ("the real pointer untouched", real_port[BASE + BM_PRDT], 0xAA);
	CHECK_EQ("the guest reads the start bit set", inb_g(BASE + BM_CMD),
		 BM_CMD_TO_MEMORY | BM_CMD_START);
	CHECK_EQ("status: error and interrupt, not active", inb_g(BASE + BM_STATUS) & 7,
		 BM_ST_ERROR | BM_ST_INTR);
	outb_g(BASE + BM_STATUS, BM_ST_INTR);
	CHECK_EQ("the write reaches the controller", real_port[BASE + BM_STATUS], BM_ST_INTR);
	real_port[BASE + BM_STATUS] = 0;	/* which clears the bits (the array keeps them) */
	CHECK_EQ("interrupt cleared by writing it", inb_g(BASE + BM_STATUS) & 7, BM_ST_ERROR);
	outb_g(BASE + BM_STATUS, BM_ST_ERROR);
	real_port[BASE + BM_STATUS] = 0;
	CHECK_EQ("error cleared by writing it", inb_g(BASE + BM_STATUS) & 7, 0);
	outb_g(BASE + BM_CMD, 0);
	CHECK_EQ("a stop clears the start bit the guest sees", inb_g(BASE + BM_CMD), 0);
	prd(0x1000, HV_HI - 2, 2 | PRD_EOT);		/* hv's last two bytes */
	start(BASE, 0, 0x1000);
	CHECK_EQ("an entry's last bytes on hv: refused", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY);
	prd(0x1000, HV_LO - 0x10000, 0 | PRD_EOT);	/* 64 KiB ending at hv */
	start(BASE, 0, 0x1000);
	CHECK_EQ("64 KiB ending right at hv's edge: started", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY | BM_CMD_START);
	CHECK_EQ("and no error shows", inb_g(BASE + BM_STATUS) & 7, 0);
	prd(0x1000, HV_LO - 0xFFFE, 0 | PRD_EOT);	/* 64 KiB, 2 bytes on hv */
	start(BASE, 0, 0x1000);
	CHECK_EQ("count 0 is 64 KiB: 2 bytes over the edge refused", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY);
	prd(HV_LO - 8, 0x2000, 512);			/* no end: entry 1 on hv */
	start(BASE, 0, HV_LO - 8);
	CHECK_EQ("a table running into hv: refused", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY);
	start(BASE, 0, HV_LO + 0x100);
	CHECK_EQ("a table on hv: refused", real_port[BASE + BM_CMD], BM_CMD_TO_MEMORY);
	prd(0x1000, 0xFFFFFF00, 512 | PRD_EOT);
	start(BASE, 0, 0x1000);
	CHECK_EQ("an entry past 4 GiB: refused", real_port[BASE + BM_CMD], BM_CMD_TO_MEMORY);
	prd(0x1000, 0xFFFFFE00, 512 | PRD_EOT);
	start(BASE, 0, 0x1000);
	CHECK_EQ("an entry ending at 4 GiB: started", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY | BM_CMD_START);

	group("idedma: long tables, two channels");
	for (uint32_t i = 0; i < 600; i++)
		prd(0x10000 + 8 * i, 0x40000, 512);	/* no end of table */
	start(BASE, 0, 0x10000);
	CHECK_EQ("600 entries without an end: started", real_port[BASE + BM_CMD],
		 BM_CMD_TO_MEMORY | BM_CMD_START);
	CHECK(sh[511].count == (512 | PRD_EOT), "the 512th ends the shadow");
	prd(0x1000, HV_LO, 512 | PRD_EOT);
	start(BASE, 1, 0x1000);
	CHECK_EQ("channel 1 refused", real_port[BASE + 8 + BM_CMD], BM_CMD_TO_MEMORY);
	CHECK_EQ("channel 0 unaffected", inb_g(BASE + BM_STATUS) & 7, 0);
	CHECK_EQ("channel 1's error", inb_g(BASE + 8 + BM_STATUS) & 7, BM_ST_ERROR | BM_ST_INTR);
	CHECK_EQ("dword read: command, status of channel 1",
		 gin(BASE + 8, 4) & 0x00FF00FF, (BM_ST_ERROR | BM_ST_INTR) << 16 |
		 BM_CMD_TO_MEMORY | BM_CMD_START);

	group("idedma: BAR4 moved");
	changed_calls = 0;
	idedma_move(0, MOVED);
	CHECK_EQ("the old and new ranges refreshed", changed_calls, 2);
	prd(0x1000, HV_LO, 512 | PRD_EOT);
	start(MOVED, 0, 0x1000);
	CHECK_EQ("refused at the new place", real_port[MOVED + BM_CMD], BM_CMD_TO_MEMORY);
	outb_g(BASE + BM_CMD, 0x55);
	CHECK_EQ("the old place is not the bus master any more", real_port[BASE + BM_CMD], 0x55);
	idedma_move(0, 0);
	start(MOVED, 0, 0x1000);
	CHECK_EQ("decoded nowhere: nothing intercepted", real_port[MOVED + BM_CMD],
		 BM_CMD_TO_MEMORY | BM_CMD_START);
}
