/*
 * The IDE bus master, mediated (SFF-8038i 1.0, "Programming Interface for
 * Bus Master IDE Controller": the command, status and descriptor table
 * pointer registers, the physical region descriptor table; docs/DEVICES.md,
 * "DMA").  hv takes the 16 ports at the controller's BAR4 and keeps the
 * guest's transfers off hv's frames:
 *
 *  - The descriptor table pointer (+4) is the guest's own register: its
 *    writes stay in hv, its reads return them.  The real register only
 *    ever points at hv's shadow of the table.
 *  - A command write (+0) that takes the start bit from 0 to 1 (where the
 *    spec's controller begins a transfer) is checked first: hv reads the
 *    guest's table up to its end-of-table entry, refusing a table that
 *    lies on hv's memory, and checks every entry's region.  All good, the
 *    entries are copied into the channel's shadow (one page in hv's
 *    image, which the guest cannot write: what the device reads is what
 *    was checked, whatever the guest writes to its table afterwards), the
 *    real pointer is set to the shadow and the command goes through.
 *    Otherwise the transfer never starts: the start bit reads back set,
 *    the status reads error and interrupt with active clear (a transfer
 *    that ended in an error), until the guest writes those bits to clear
 *    them, and hv logs one warning naming the entry and its address.
 *  - Everything else (the direction bit, status writes, the device-specific
 *    bytes) goes to the real registers.
 *
 * The shadow holds 512 entries (a page, the most QEMU's controller reads
 * of a table); a table with no end-of-table entry among its first 512 ends
 * at the 512th.  An entry's region is what the controller uses of it:
 * the base with bit 0 clear, the count with bit 0 clear, 0 for 64 KiB.
 */
#include "drivers/dma.h"

#include "drivers/ioport.h"
#include "lib/bootinfo.h"
#include "lib/fmt.h"
#include "lib/hw/idebm.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"

#define SHADOW_ENTRIES	512		/* one page */
#define WARN_MAX	32		/* refusals logged; then only counted */

struct channel {
	uint32_t prdt;		/* the guest's table pointer */
	int vstart;		/* a refused start: reads back as set */
	uint8_t vstatus;	/* error and interrupt of a refused start */
};

struct dma_hooks dma_hooks;

static struct ctl {
	uint16_t bdf, base;	/* base 0: BAR4 decodes nowhere */
	int io;			/* its port range (drivers/ioport.c) */
	struct channel ch[BM_CHANNELS];
} ctls[IDEDMA_MAX];

static struct bm_prd shadow[IDEDMA_MAX][BM_CHANNELS][SHADOW_ENTRIES]
	__attribute__((aligned(4096)));
static uint32_t refusals;

static void refuse(struct ctl *c, int chn, const char *what, uint32_t i, uint32_t pa,
		   uint32_t len)
{
	if (++refusals <= WARN_MAX)
		log_warn("dma", "ide %02x:%02x.%x channel %d: %s %u at %08x (%u bytes) touches "
			 "hv's memory: transfer refused", c->bdf >> 8, c->bdf >> 3 & 0x1F,
			 c->bdf & 7, chn, what, i, pa, len);
	else if (refusals == WARN_MAX + 1)
		log_warn("dma", "more refused transfers are not logged");
}

/* Copies channel chn's table into its shadow, checking it; 0 if good. */
static int check_table(struct ctl *c, int chn, struct bm_prd *out)
{
	uint32_t table = c->ch[chn].prdt;

	for (uint32_t i = 0; i < SHADOW_ENTRIES; i++) {
		uint32_t at = table + i * sizeof(struct bm_prd), len;
		struct bm_prd e;

		if (at < table || dma_hooks.read(at, &e, sizeof(e))) {
			refuse(c, chn, "PRD table entry", i, at, sizeof(e));
			return -1;
		}
		e.base &= PRD_BASE_MASK;
		len = e.count & PRD_COUNT_MASK;
		if (!len)
			len = PRD_MAX_BYTES;
		/* Past 4 GiB the region would leave 32-bit memory: refused too. */
		if ((uint64_t)e.base + len > 0x100000000ull || dma_hooks.refused(e.base, len)) {
			refuse(c, chn, "PRD entry", i, e.base, len);
			return -1;
		}
		out[i].base = e.base;
		out[i].count = (e.count & (PRD_COUNT_MASK | PRD_EOT));
		if (e.count & PRD_EOT)
			return 0;
	}
	out[SHADOW_ENTRIES - 1].count |= PRD_EOT;
	return 0;
}

static void cmd_write(struct ctl *c, int chn, uint16_t port, uint8_t v)
{
	struct channel *ch = &c->ch[chn];
	uint8_t real = (uint8_t)io_native_read(port, 1);
	struct bm_prd *sh = shadow[c - ctls][chn];

	if (!(v & BM_CMD_START) || (real & BM_CMD_START)) {
		/* No transfer begins: a stop, the direction, or start kept. */
		ch->vstart = 0;
		io_native_write(port, 1, v);
		return;
	}
	if (check_table(c, chn, sh) < 0) {
		ch->vstart = 1;
		ch->vstatus = BM_ST_ERROR | BM_ST_INTR;
		io_native_write(port, 1, v & ~BM_CMD_START);
		return;
	}
	ch->vstart = 0;
	ch->vstatus = 0;
	io_native_write((uint16_t)(port - BM_CMD + BM_PRDT), 4, BOOT_IMAGE_PA(sh));
	io_native_write(port, 1, v);
}

static uint32_t bm_read(void *ctx, uint16_t port, int size)
{
	struct ctl *c = ctx;
	uint32_t v = 0;

	for (int i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i), off = (uint16_t)(p - c->base);
		struct channel *ch = &c->ch[off / BM_CHANNEL_PORTS % BM_CHANNELS];
		int reg = off % BM_CHANNEL_PORTS;
		uint32_t b;

		if (off >= BM_PORTS)	/* an access running past the BAR */
			b = io_read(p, 1);
		else if (reg >= BM_PRDT)
			b = ch->prdt >> (8 * (reg - BM_PRDT));
		else if (reg == BM_CMD)
			b = io_native_read(p, 1) | (ch->vstart ? BM_CMD_START : 0);
		else if (reg == BM_STATUS)
			b = io_native_read(p, 1) | ch->vstatus;
		else
			b = io_native_read(p, 1);
		v |= (b & 0xFF) << (8 * i);
	}
	return v;
}

static void bm_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	struct ctl *c = ctx;

	for (int i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i), off = (uint16_t)(p - c->base);
		int chn = off / BM_CHANNEL_PORTS % BM_CHANNELS, reg = off % BM_CHANNEL_PORTS;
		struct channel *ch = &c->ch[chn];
		uint8_t b = (uint8_t)(v >> (8 * i));

		if (off >= BM_PORTS) {	/* an access running past the BAR */
			io_write(p, 1, b);
		} else if (reg >= BM_PRDT) {
			int sh = 8 * (reg - BM_PRDT);

			ch->prdt = ((ch->prdt & ~(0xFFu << sh)) | (uint32_t)b << sh) & BM_PRDT_MASK;
		} else if (reg == BM_CMD) {
			cmd_write(c, chn, p, b);
		} else if (reg == BM_STATUS) {
			ch->vstatus &= (uint8_t)~b;	/* write 1 to clear */
			io_native_write(p, 1, b);
		} else {
			io_native_write(p, 1, b);
		}
	}
}

const struct bm_prd *idedma_shadow(int i, int chn)
{
	return shadow[i][chn];
}

void idedma_add(int i, uint16_t bdf, uint16_t base)
{
	struct ctl *c = &ctls[i];

	if (i < 0 || i >= IDEDMA_MAX)
		panic("idedma_add: controller %d", i);
	c->bdf = bdf;
	c->base = base;
	for (int chn = 0; chn < BM_CHANNELS && base; chn++)
		c->ch[chn].prdt = io_native_read((uint16_t)(base + chn * BM_CHANNEL_PORTS + BM_PRDT),
						 4) & BM_PRDT_MASK;
	c->io = base ? io_register(base, (uint16_t)(base + BM_PORTS - 1), "IDE bus master (mediated)",
				   bm_read, bm_write, c) :
		io_register(1, 0, "IDE bus master (mediated)", bm_read, bm_write, c);
	log_info("dma", "ide %02x:%02x.%x: bus master at %04x mediated (PRD tables checked "
		 "and shadowed)", bdf >> 8, bdf >> 3 & 0x1F, bdf & 7, base);
}

void idedma_move(int i, uint16_t base)
{
	struct ctl *c = &ctls[i];
	uint16_t old = c->base;
	char why[120];

	if (base == old)
		return;
	/* A port hv takes for itself may pass the guest's accesses to the
	   real machine unmediated: the bus master cannot share it. */
	for (uint16_t p = base; base && p < base + BM_PORTS; p++) {
		if (io_intercepted(p, 1) && !(old && p >= old && p < old + BM_PORTS)) {
			fmt_snprintf(why, sizeof(why), "guest moved the IDE bus master of "
				     "%02x:%02x.%x to %04x, onto port %04x, which hv takes",
				     c->bdf >> 8, c->bdf >> 3 & 0x1F, c->bdf & 7, base, p);
			dma_hooks.stop(why);
		}
	}
	c->base = base;
	if (base)
		io_move(c->io, base, (uint16_t)(base + BM_PORTS - 1));
	else
		io_move(c->io, 1, 0);
	/* Decode off and on again (a BAR being sized) is routine: debug. */
	klog(old && base ? LOG_INFO : LOG_DEBUG, "dma", "ide %02x:%02x.%x: bus master moved "
	     "from %04x to %04x", c->bdf >> 8, c->bdf >> 3 & 0x1F, c->bdf & 7, old, base);
	if (old)
		dma_hooks.ports_changed(old, (uint16_t)(old + BM_PORTS - 1));
	if (base)
		dma_hooks.ports_changed(base, (uint16_t)(base + BM_PORTS - 1));
}
