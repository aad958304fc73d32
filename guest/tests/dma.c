/*
 * IDE bus-master DMA, legal and hostile (SFF-8038i 1.0, the bus master's
 * registers and PRD tables; ATA/ATAPI-6 8.24 READ DMA, 9.2 software
 * reset), for scripts/test-dma.sh; not in MANIFEST (it needs an IDE disk
 * on the primary channel: QEMU's -drive if=ide,index=0).  The disk holds
 * a known pattern: byte o of sector s is PATTERN(s, o) (the script writes
 * the image from the same formula).
 *   case=legal   reads into the guest's own memory: one entry, two entries
 *                of odd sizes, a 64 KiB entry (count 0); the data must be
 *                the pattern and the table pointer must read back.  The
 *                same transcript natively and under hv.
 *   case=attack  under hv only: hv's range is the reserved RAM of the
 *                memory map (hv hides the top of RAM).  READ DMA onto hv's
 *                first and last frames and onto at=ADDR (hv's text, from
 *                its symbol table), a PRD table on hv's frames, a table
 *                running into them, an entry straddling their edge: each
 *                must fail with the controller's error status (error and
 *                interrupt set, active clear) and leave the guest's own
 *                part untouched; an entry ending right at the edge and a
 *                read after all of them must work.
 *   case=hvframe only the read onto at=ADDR (for dma=trust, where it goes
 *                through and hv's integrity check must catch it).
 *   case=move    moves BAR4 to to=PORT, reads there (the same natively and
 *                under hv); attack=1 (under hv) then aims a read at hv's
 *                first frame through the moved registers.  to=0x60 puts
 *                the bus master on the i8042's ports, which hv takes: hv
 *                must stop the guest.
 */
#include "guest/lib/guest.h"
#include "lib/hw/idebm.h"
#include "lib/hw/pci.h"

GUEST_NAME("dma");

#define PATTERN(s, o)	((uint8_t)((s) * 31 + (o) * 7 + ((o) >> 8) * 3 + 0x5A))
#define SECTOR		512

/* The primary channel's command block and control register (compatibility
   mode, as SeaBIOS leaves the PIIX). */
#define ATA_SECCNT	0x1F2
#define ATA_LBA0	0x1F3
#define ATA_LBA1	0x1F4
#define ATA_LBA2	0x1F5
#define ATA_DEV		0x1F6
#define ATA_CMD		0x1F7		/* status when read */
#define ATA_CTRL	0x3F6
#define ATA_ST_BSY	0x80
#define ATA_ST_ERR	0x01
#define ATA_CTRL_SRST	0x04
#define ATA_READ_DMA	0xC8
#define ATA_DEV_LBA	0xE0

#define SPIN_MAX	4000000u

static uint16_t bm;			/* the primary channel's bus master */
static uint16_t ide_bdf;
static struct bm_prd table[4] __attribute__((aligned(64)));
static uint8_t buf[2 * SECTOR] __attribute__((aligned(16)));
static uint8_t big[PRD_MAX_BYTES] __attribute__((aligned(PRD_MAX_BYTES)));
static uint8_t cmd_seen;

static uint32_t cfg_read(uint16_t bdf, int reg)
{
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (uint32_t)(reg & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

static void cfg_write(uint16_t bdf, int reg, uint32_t v)
{
	outl(PCI_CONFIG_ADDR, PCI_ADDR_ENABLE | (uint32_t)bdf << 8 | (uint32_t)(reg & 0xFC));
	outl(PCI_CONFIG_DATA, v);
}

/* The IDE controller on bus 0, its I/O decode and bus mastering on. */
static void find_ide(void)
{
	t_begin("controller");
	for (int dev = 0; dev < 32; dev++) {
		for (int fn = 0; fn < 8; fn++) {
			uint16_t bdf = (uint16_t)PCI_BDF(0, dev, fn);
			uint32_t bar;

			if ((cfg_read(bdf, PCI_VENDOR_ID) & 0xFFFF) == 0xFFFF)
				continue;
			if (cfg_read(bdf, PCI_CLASS_REG) >> 16 != PCI_CLASS_IDE)
				continue;
			bar = cfg_read(bdf, PCI_BAR4);
			gprintf("ide 00:%02x.%x bar4 %08x\n", dev, fn, bar);
			t_check(bar & PCI_BAR_IO, "BAR4 %08x is not an I/O BAR", bar);
			bm = (uint16_t)(bar & PCI_BAR_IO_MASK);
			ide_bdf = bdf;
			cfg_write(bdf, PCI_COMMAND, (cfg_read(bdf, PCI_COMMAND) & 0xFFFF) | 0x5);
			t_end();
			return;
		}
	}
	guest_abort("no IDE controller (class 01:01) on bus 0");
}

static int ata_wait(void)
{
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (!(inb(ATA_CMD) & ATA_ST_BSY))
			return 0;
	return -1;
}

/* Software reset of the channel: after a transfer that never started,
   the drive still waits for it. */
static void ata_reset(void)
{
	outb(ATA_CTRL, ATA_CTRL_SRST);
	for (int i = 0; i < 100; i++)
		(void)inb(ATA_CTRL);
	outb(ATA_CTRL, 0);
	if (ata_wait() < 0)
		t_fail("the drive stayed busy after a software reset");
}

/* READ DMA of n sectors from lba by the table at prdt; the bus master's
   status once it is done (or seen failed). */
static uint8_t read_dma(uint32_t lba, uint8_t n, uint32_t prdt)
{
	uint8_t st = 0;

	if (ata_wait() < 0)
		t_fail("drive busy before the command");
	outb(bm + BM_CMD, 0);
	outb(bm + BM_STATUS, BM_ST_ERROR | BM_ST_INTR);
	outl(bm + BM_PRDT, prdt);
	outb(bm + BM_CMD, BM_CMD_TO_MEMORY);
	outb(ATA_DEV, (uint8_t)(ATA_DEV_LBA | (lba >> 24 & 0xF)));
	outb(ATA_SECCNT, n);
	outb(ATA_LBA0, (uint8_t)lba);
	outb(ATA_LBA1, (uint8_t)(lba >> 8));
	outb(ATA_LBA2, (uint8_t)(lba >> 16));
	outb(ATA_CMD, ATA_READ_DMA);
	outb(bm + BM_CMD, BM_CMD_TO_MEMORY | BM_CMD_START);
	cmd_seen = inb(bm + BM_CMD);
	for (uint32_t i = 0; i < SPIN_MAX; i++) {
		st = inb(bm + BM_STATUS);
		if ((st & BM_ST_ERROR) || ((st & BM_ST_INTR) && !(st & BM_ST_ACTIVE)))
			break;
	}
	(void)inb(ATA_CMD);		/* the drive's interrupt acknowledged */
	outb(bm + BM_CMD, BM_CMD_TO_MEMORY);	/* stop */
	return st;
}

/* Does [p, p + len) hold sectors lba... from byte offset off? */
static int pattern_ok(const uint8_t *p, uint32_t len, uint32_t lba, uint32_t off)
{
	for (uint32_t i = 0; i < len; i++, off++)
		if (p[i] != PATTERN(lba + off / SECTOR, off % SECTOR)) {
			t_fail("byte %u: %02x, want %02x", i, p[i],
			       PATTERN(lba + off / SECTOR, off % SECTOR));
			return 0;
		}
	return 1;
}

static uint32_t digest(const uint8_t *p, uint32_t len)
{
	uint32_t h = HASH_INIT;

	for (uint32_t i = 0; i + 4 <= len; i += 4)
		h = hash_u32(h, *(const uint32_t *)(p + i));
	return h;
}

static void expect_done(uint8_t st)
{
	t_eq_mask("bus master status (active, error, interrupt)", st, BM_ST_INTR,
		  BM_ST_ACTIVE | BM_ST_ERROR | BM_ST_INTR);
	t_eq_mask("drive status ERR", inb(ATA_CMD), 0, ATA_ST_ERR);
}

static void legal_one(uint32_t lba)
{
	memset(buf, 0xEE, sizeof(buf));
	table[0] = (struct bm_prd){ (uint32_t)buf, SECTOR | PRD_EOT };
	expect_done(read_dma(lba, 1, (uint32_t)table));
	if (pattern_ok(buf, SECTOR, lba, 0))
		gprintf("sector %u: digest %08x\n", lba, digest(buf, SECTOR));
}

static void case_legal(void)
{
	t_begin("one_entry");
	legal_one(5);
	t_eq("table pointer read back", inl(bm + BM_PRDT), (uint32_t)table);
	t_eq_mask("command reads back start", cmd_seen, BM_CMD_START | BM_CMD_TO_MEMORY,
		  BM_CMD_START | BM_CMD_TO_MEMORY);
	t_end();

	t_begin("two_entries");
	memset(buf, 0xEE, sizeof(buf));
	table[0] = (struct bm_prd){ (uint32_t)buf, 200 };
	table[1] = (struct bm_prd){ (uint32_t)buf + 200, (2 * SECTOR - 200) | PRD_EOT };
	expect_done(read_dma(6, 2, (uint32_t)table));
	if (pattern_ok(buf, 2 * SECTOR, 6, 0))
		gprintf("sectors 6-7: digest %08x\n", digest(buf, 2 * SECTOR));
	t_end();

	t_begin("count_0_is_64k");
	memset(big, 0xEE, sizeof(big));
	table[0] = (struct bm_prd){ (uint32_t)big, 0 | PRD_EOT };
	expect_done(read_dma(8, PRD_MAX_BYTES / SECTOR, (uint32_t)table));
	if (pattern_ok(big, PRD_MAX_BYTES, 8, 0))
		gprintf("sectors 8-135: digest %08x\n", digest(big, PRD_MAX_BYTES));
	t_end();
}

/* --- hv's range, as the guest's memory map shows it ------------------ */

static uint32_t hv_lo, hv_hi;

#define MMAP_NEXT(p)	((p) + ((const multiboot_memory_map_t *)(p))->size + 4)

static void find_hv(const struct multiboot_info *mbi)
{
	uint32_t end = mbi->mmap_addr + mbi->mmap_length;
	uint64_t ram_end = 0;

	t_begin("hv_range");
	for (uint32_t p = mbi->mmap_addr; p < end; p = MMAP_NEXT(p)) {
		const multiboot_memory_map_t *e = (const multiboot_memory_map_t *)p;

		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr >= 0x100000)
			ram_end = e->addr + e->len;
		else if (e->type == MULTIBOOT_MEMORY_RESERVED && ram_end && e->addr == ram_end &&
			 !hv_lo) {
			hv_lo = (uint32_t)e->addr;
			hv_hi = (uint32_t)(e->addr + e->len);
		}
	}
	if (!hv_lo)
		guest_abort("no reserved RAM after the guest's (not under hv?)");
	t_end();
}

/* A transfer that must not start: error and interrupt, not active. */
static void expect_refused(uint8_t st)
{
	t_eq_mask("bus master status (active, error, interrupt)", st,
		  BM_ST_ERROR | BM_ST_INTR, BM_ST_ACTIVE | BM_ST_ERROR | BM_ST_INTR);
	t_eq_mask("command reads back start", cmd_seen, BM_CMD_START, BM_CMD_START);
	outb(bm + BM_STATUS, BM_ST_ERROR | BM_ST_INTR);
	t_eq_mask("error and interrupt cleared by writing them", inb(bm + BM_STATUS), 0,
		  BM_ST_ERROR | BM_ST_INTR);
	ata_reset();
}

static void onto(const char *name, uint32_t pa)
{
	t_begin(name);
	table[0] = (struct bm_prd){ pa, SECTOR | PRD_EOT };
	expect_refused(read_dma(1, 1, (uint32_t)table));
	t_end();
}

/* The last n bytes of guest RAM before hv, as a pointer. */
static volatile uint8_t *below_hv(uint32_t n)
{
	return (volatile uint8_t *)(hv_lo - n);
}

static int untouched(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (below_hv(n)[i] != 0xEE)
			return 0;
	return 1;
}

static void case_attack(void)
{
	uint32_t at = guest_arg_u32("at", 0);
	struct bm_prd *t;

	onto("onto_hv_first_frame", hv_lo);
	if (at)
		onto("onto_hv_text", at);
	onto("onto_hv_last_frame", hv_hi - SECTOR);

	t_begin("table_on_hv");
	expect_refused(read_dma(1, 1, hv_lo + 0x800));
	t_end();

	t_begin("table_runs_into_hv");
	t = (struct bm_prd *)(hv_lo - sizeof(*t));
	memset(buf, 0xEE, sizeof(buf));
	*t = (struct bm_prd){ (uint32_t)buf, SECTOR };	/* no end of table */
	expect_refused(read_dma(1, 2, (uint32_t)t));
	t_check(buf[0] == 0xEE && buf[SECTOR - 1] == 0xEE, "the first entry was written");
	t_end();

	t_begin("entry_straddles_hv");
	for (uint32_t i = 0; i < SECTOR / 2; i++)
		below_hv(SECTOR / 2)[i] = 0xEE;
	table[0] = (struct bm_prd){ hv_lo - SECTOR / 2, SECTOR | PRD_EOT };
	expect_refused(read_dma(1, 1, (uint32_t)table));
	t_check(untouched(SECTOR / 2), "the guest's half was written");
	t_end();

	t_begin("entry_ends_at_hv");
	for (uint32_t i = 0; i < SECTOR; i++)
		below_hv(SECTOR)[i] = 0xEE;
	table[0] = (struct bm_prd){ hv_lo - SECTOR, SECTOR | PRD_EOT };
	expect_done(read_dma(2, 1, (uint32_t)table));
	pattern_ok((const uint8_t *)below_hv(SECTOR), SECTOR, 2, 0);
	t_end();

	t_begin("legal_after");
	legal_one(5);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *c = guest_arg("case");

	(void)magic;
	find_ide();
	if (!c || !strcmp(c, "legal")) {
		case_legal();
	} else if (!strcmp(c, "attack")) {
		find_hv(mbi);
		case_attack();
	} else if (!strcmp(c, "move")) {
		uint16_t to = (uint16_t)guest_arg_u32("to", 0xD000);

		t_begin("bar4_moved");
		cfg_write(ide_bdf, PCI_BAR4, to | PCI_BAR_IO);
		t_eq("BAR4 read back", cfg_read(ide_bdf, PCI_BAR4), to | PCI_BAR_IO);
		bm = to;
		legal_one(5);
		t_end();
		if (guest_arg_u32("attack", 0)) {
			find_hv(mbi);
			onto("moved_onto_hv", hv_lo);
		}
	} else if (!strcmp(c, "hvframe")) {
		onto("onto_hv_text", guest_arg_u32("at", 0));
	} else {
		guest_abort("unknown case=%s", c);
	}
}
