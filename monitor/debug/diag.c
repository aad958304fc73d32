/*
 * Diagnosing a guest that went wrong: guest symbols from a System.map
 * module, a ring of the last guest EIPs hv dispatched to, a dump of the
 * guest's state, and two triggers: the guest entering its panic()
 * (with a System.map), and a watchdog (watchdog=N seconds without a guest
 * exit, translation or interrupt).
 *
 * The System.map module stays in hv's memory, which the guest cannot see
 * and which hv itself no longer maps 1:1 once the guest runs: it is read
 * through a scratch window page by page.
 */
#include "monitor/debug/debug.h"

#include "lib/bootinfo.h"
#include "dt/dt.h"
#include "lib/log.h"
#include "monitor/mm/mm.h"
#include "lib/string.h"
#include "monitor/emul.h"
#include "monitor/guest.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

#define RING 16
#define SYM_SLOT 15	/* paging_scratch_va slot for reading the map */

static uint32_t ring[RING];
static int ring_pos;
static const struct boot_module *map;
static uint32_t panic_eip;

/* One byte of the map module. */
static char map_byte(uint32_t off)
{
	static uint32_t mapped = ~0u;
	uint32_t pa = map->start + off, va = paging_scratch_va(SYM_SLOT);

	if ((pa & PTE_ADDR) != mapped) {
		paging_map(va, pa & PTE_ADDR, 0);
		mapped = pa & PTE_ADDR;
	}
	return *(const char *)(va + (pa & (PAGE_SIZE - 1)));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Walks the map ("ADDR TYPE NAME" lines); for each text symbol calls fn.
 * Stops when fn returns nonzero.
 */
static void each_symbol(int (*fn)(uint32_t addr, const char *name, void *ctx), void *ctx)
{
	uint32_t size = map->end - map->start, off = 0;

	while (off < size) {
		uint32_t addr = 0;
		char name[64], type;
		int n = 0, h;

		while (off < size && (h = hexval(map_byte(off))) >= 0) {
			addr = addr << 4 | (uint32_t)h;
			off++;
		}
		off++;	/* space */
		type = off < size ? map_byte(off) : 0;
		off += 2;
		while (off < size && map_byte(off) != '\n') {
			if (n < (int)sizeof(name) - 1)
				name[n++] = map_byte(off);
			off++;
		}
		off++;
		name[n] = 0;
		if ((type == 'T' || type == 't') && fn(addr, name, ctx))
			return;
	}
}

static int looks_like_map(const struct boot_module *m)
{
	const struct boot_module *saved = map;
	int ok = m->end - m->start > 12;

	map = m;
	for (int i = 0; ok && i < 8; i++)
		ok = hexval(map_byte((uint32_t)i)) >= 0;
	ok = ok && map_byte(8) == ' ' && map_byte(10) == ' ';
	map = saved;
	return ok;
}

static int find_panic(uint32_t addr, const char *name, void *ctx)
{
	(void)ctx;
	if (!strcmp(name, "panic")) {
		panic_eip = addr;
		return 1;
	}
	return 0;
}


uint32_t diag_panic_eip(void)
{
	return panic_eip;
}

struct best {
	uint32_t eip, addr;
	char name[64];
};

static int closest(uint32_t addr, const char *name, void *ctx)
{
	struct best *b = ctx;

	if (addr <= b->eip && addr >= b->addr) {
		b->addr = addr;
		memcpy(b->name, name, sizeof(b->name));
	}
	return 0;
}

void diag_symbol(uint32_t eip, char *buf, size_t size)
{
	struct best b = { eip, 0, "" };

	if (!map || size == 0) {
		if (size)
			buf[0] = 0;
		return;
	}
	each_symbol(closest, &b);
	if (!b.name[0])
		fmt_snprintf(buf, size, " (no symbol)");
	else
		fmt_snprintf(buf, size, " <%s+%#x>", b.name, eip - b.addr);
}

void diag_note_eip(uint32_t eip)
{
	ring[ring_pos] = eip;
	ring_pos = (ring_pos + 1) % RING;
}

int diag_recent(uint32_t *out, int max)
{
	int n = 0;

	for (int i = 1; i <= RING && n < max; i++) {
		uint32_t e = ring[(ring_pos - i + RING) % RING];

		if (e)
			out[n++] = e;
	}
	return n;
}

void diag_dump(const struct trapframe *tf, const char *why)
{
	char sym[96];

	diag_symbol(vcpu.eip, sym, sizeof(sym));
	kprintf("hv: diag: %s: guest eip %08x%s cpl %d\n", why, vcpu.eip, sym, vcpu.cpl);
	if (tf)
		kprintf("hv: diag:   eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x "
			"ebp=%08x esp=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi,
			tf->edi, tf->ebp, tf->esp);
	kprintf("hv: diag:   cr0=%08x cr2=%08x cr3=%08x cr4=%08x eflags(IF)=%d\n", gcr.cr0,
		gcr.cr2, gcr.cr3, gcr.cr4, (vcpu.vflags & FL_IF) != 0);
	kprintf("hv: diag:   last guest addresses hv dispatched to (oldest first):\n");
	for (int i = 0; i < RING; i++) {
		uint32_t e = ring[(ring_pos + i) % RING];

		if (!e)
			continue;
		diag_symbol(e, sym, sizeof(sym));
		kprintf("hv: diag:     %08x%s\n", e, sym);
	}
}

/* guest_hooks.dispatched: every branch or indirect-branch exit. */
static void __attribute__((noinline)) guest_panicked(struct trapframe *tf)
{
	char msg[96] = "";
	uint32_t fmt = 0;

	/* panic(fmt, ...) is variadic: fmt is on the stack. */
	gmem_read(vcpu.seg[VS_SS].base + tf->esp + 4, &fmt, 4);
	gmem_read(fmt, msg, sizeof(msg) - 1);
	for (int i = 0; msg[i]; i++)
		if (msg[i] == '\n' || (unsigned char)msg[i] < ' ')
			msg[i] = ' ';
	diag_dump(tf, "the guest called panic()");
	kprintf("hv: diag:   panic format: \"%s\"\n", msg);
}

static int dispatched(struct trapframe *tf, uint32_t eip)
{
	diag_note_eip(eip);
	if (eip != panic_eip || !eip)
		return 0;
	guest_panicked(tf);
	return 1;	/* not chained: seen every time */
}

/* guest_hooks.stopped: hv stops the guest. */
static void stopped(struct trapframe *tf, const char *why)
{
	diag_dump(tf, why);
	dt_print_stats();
	emul_print_stats();
	dbg_postmortem(tf, why);
}

void diag_init(void)
{
	guest_hooks.dispatched = dispatched;
	guest_hooks.stopped = stopped;
	for (int i = 1; i < boot.nmods; i++) {
		if (looks_like_map(&boot.mods[i])) {
			map = &boot.mods[i];
			each_symbol(find_panic, 0);
			log_info("diag", "guest symbols from module %d%s", i,
				 panic_eip ? ", watching panic()" : "");
			return;
		}
	}
}
