/*
 * The monitor console (monitor=comN): hv's debugging prompt on a serial
 * port, for the guest and for hv itself.  Commands are listed in help[]
 * below and in README.md ("The monitor console").
 *
 * On COM1 or COM2 while the guest has that UART emulated (com1=emulate,
 * the default with monitor=com1), the line is shared: the bytes typed go
 * to the guest's emulated UART through mon_mux_getc(), except the escape
 * Ctrl-A followed by
 *   c   stop the guest and open the monitor prompt
 *   h   print the escapes
 *   Ctrl-A   send one Ctrl-A to the guest
 * On a port of its own, any byte typed stops the guest and opens the
 * prompt.  The prompt runs with the guest stopped (dbg_resume, debug.h);
 * `c` goes back to the guest.
 *
 * Addresses are guest linear addresses (the guest's CS base is 0 for every
 * guest hv runs today), numbers are hexadecimal.
 */
#include "monitor/debug.h"

#include "boot/boot.h"
#include "drivers/intc.h"
#include "drivers/uart.h"
#include "drivers/vdev.h"
#include "dt/decode.h"
#include "dt/dt.h"
#include "monitor/diag.h"
#include "monitor/emul.h"
#include "monitor/fmt.h"
#include "monitor/frame.h"
#include "monitor/gmem.h"
#include "monitor/gphys.h"
#include "monitor/guest.h"
#include "monitor/layout.h"
#include "monitor/log.h"
#include "monitor/options.h"
#include "monitor/paging.h"
#include "monitor/panic.h"
#include "monitor/string.h"
#include "monitor/vcpu.h"
#include "monitor/x86.h"

#define ESC_CHAR	0x01	/* Ctrl-A */
#define LINE_MAX	80

int mon_on;
uint16_t mon_mux_port;
static uint16_t port;
static int steps_left;		/* `s N`: steps still to print and make */

/* Bytes for the guest on a muxed port, after the escape filter. */
static uint8_t ring[256];
static unsigned ring_head, ring_count;
static int esc_seen, stop_wanted;

/* --- output --- */

static void putc_raw(char c)
{
	if (c == '\n')
		uart_putc(port, '\r');
	uart_putc(port, c);
}

static void sink(void *ctx, char c)
{
	(void)ctx;
	putc_raw(c);
}

static int pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int pr(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(sink, 0, fmt, ap);
	va_end(ap);
	return n;
}

static const char help_escapes[] =
	"hv monitor escapes: Ctrl-A c  stop the guest, monitor prompt\n"
	"                    Ctrl-A h  this help\n"
	"                    Ctrl-A Ctrl-A  send Ctrl-A to the guest\n";

static const char help[] =
	"hv monitor commands (numbers in hex, addresses guest-linear):\n"
	"  regs              general, segment (hidden parts), control, debug registers\n"
	"  gdt [N] | idt [N] | tss   descriptor tables, the guest's TSS\n"
	"  x ADDR [LEN]      memory by linear address     xp PADDR [LEN]  by physical\n"
	"  u [ADDR] [N]      disassemble N instructions (default: at eip)\n"
	"  walk ADDR         the guest's page walk and hv's shadow entry\n"
	"  cache             code cache counters       tr [ADDR]  translation of ADDR\n"
	"  last [N]          last guest blocks hv dispatched to (newest first)\n"
	"  stats             all of hv's counters      dev  device modes and state\n"
	"  log [0-3]         show or set the log level\n"
	"  b ADDR | bd ADDR | bl   set, delete, list breakpoints\n"
	"  w ADDR [LEN] | wd ADDR [LEN]   set, delete a write watchpoint\n"
	"  s [N]             single step N instructions   c  continue\n"
	"  reboot            reset the machine            quit  stop hv\n";

/* --- input --- */

/* Takes what arrived on the real UART: escapes here, the rest for the guest. */
static void drain(void)
{
	int c;

	while (ring_count < sizeof(ring) && (c = uart_getc(port)) >= 0) {
		if (esc_seen) {
			esc_seen = 0;
			if (c == 'c' || c == 'C') {
				stop_wanted = 1;
				continue;
			}
			if (c == 'h' || c == 'H') {
				pr("\n%s", help_escapes);
				continue;
			}
			if (c != ESC_CHAR)
				continue;	/* unknown escape: dropped */
		} else if (c == ESC_CHAR) {
			esc_seen = 1;
			continue;
		}
		ring[(ring_head + ring_count++) % sizeof(ring)] = (uint8_t)c;
	}
}

int mon_mux_getc(void)
{
	int c;

	drain();
	if (!ring_count)
		return -1;
	c = ring[ring_head];
	ring_head = (ring_head + 1) % sizeof(ring);
	ring_count--;
	return c;
}

int mon_poll(void)
{
	if (stop_wanted) {	/* seen by mon_mux_getc, for the guest's read */
		stop_wanted = 0;
		return 1;
	}
	if (!(inb(port + UART_LSR) & UART_LSR_DR))
		return 0;
	if (!mon_mux_port) {
		while (uart_getc(port) >= 0)
			;	/* a port of its own: any byte stops the guest */
		return 1;
	}
	drain();
	if (stop_wanted) {
		stop_wanted = 0;
		return 1;
	}
	return 0;
}

static int getc_wait(void)
{
	int c;

	while ((c = uart_getc(port)) < 0)
		__asm__ volatile("pause");
	return c;
}

/* Reads a line with echo; Ctrl-A c alone on it means continue ("c"). */
static void read_line(char *line)
{
	int n = 0, esc = 0;

	for (;;) {
		int c = getc_wait();

		if (esc) {
			esc = 0;
			if (c == 'c' || c == 'C') {
				memcpy(line, "c", 2);
				pr("c\n");
				return;
			}
			continue;
		}
		if (c == ESC_CHAR) {
			esc = 1;
		} else if (c == '\r' || c == '\n') {
			pr("\n");
			line[n] = 0;
			return;
		} else if ((c == 8 || c == 127) && n) {
			n--;
			pr("\b \b");
		} else if (c >= ' ' && c < 127 && n < LINE_MAX - 1) {
			line[n++] = (char)c;
			putc_raw((char)c);
		}
	}
}

/* --- arguments --- */

static char *next_word(char **s)
{
	char *w;

	while (**s == ' ')
		(*s)++;
	if (!**s)
		return 0;
	w = *s;
	while (**s && **s != ' ')
		(*s)++;
	if (**s)
		*(*s)++ = 0;
	return w;
}

/* A hex number (0x allowed); 0 if the word is missing or not one. */
static int arg_hex(char **s, uint32_t *v)
{
	char *w = next_word(s);
	uint32_t n = 0;

	if (!w)
		return 0;
	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X'))
		w += 2;
	if (!*w)
		return 0;
	for (; *w; w++) {
		int d = *w >= '0' && *w <= '9' ? *w - '0' :
			*w >= 'a' && *w <= 'f' ? *w - 'a' + 10 :
			*w >= 'A' && *w <= 'F' ? *w - 'A' + 10 : -1;

		if (d < 0)
			return 0;
		n = n << 4 | (uint32_t)d;
	}
	*v = n;
	return 1;
}

/* --- commands --- */

static void cmd_regs(const struct trapframe *tf, uint32_t eip)
{
	static const char *const names[VS_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

	if (tf) {
		pr("eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
		pr("esi=%08x edi=%08x ebp=%08x esp=%08x\n", tf->esi, tf->edi, tf->ebp, tf->esp);
		pr("eip=%08x eflags=%08x cpl=%d\n", eip, vcpu_read_eflags(tf), vcpu.cpl);
	} else {
		pr("(general registers unknown) eip=%08x cpl=%d\n", eip, vcpu.cpl);
	}
	for (int i = 0; i < VS_COUNT; i++) {
		const struct vseg *s = &vcpu.seg[i];

		pr("%s=%04x base=%08x limit=%08x attr=%04x type=%x s=%d dpl=%d p=%d db=%d%s\n",
		   names[i], s->sel, s->base, s->limit, s->attr, ATTR_TYPE(s->attr),
		   ATTR_S(s->attr), ATTR_DPL(s->attr), ATTR_P(s->attr), ATTR_DB(s->attr),
		   s->valid ? "" : " (null)");
	}
	pr("gdtr=%08x/%04x idtr=%08x/%04x ldtr=%04x base=%08x limit=%08x "
	   "tr=%04x base=%08x limit=%08x\n", vcpu.gdtr.base, vcpu.gdtr.limit, vcpu.idtr.base,
	   vcpu.idtr.limit, vcpu.ldtr.sel, vcpu.ldtr.base, vcpu.ldtr.limit, vcpu.tr.sel,
	   vcpu.tr.base, vcpu.tr.limit);
	pr("cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", vcpu.cr0, vcpu.cr2, vcpu.cr3, vcpu.cr4);
	pr("dr0=%08x dr1=%08x dr2=%08x dr3=%08x dr6=%08x dr7=%08x\n", vcpu.dr[0], vcpu.dr[1],
	   vcpu.dr[2], vcpu.dr[3], vcpu.dr[6], vcpu.dr[7]);
}

static void print_desc(uint32_t i, uint64_t d)
{
	uint32_t hi = (uint32_t)(d >> 32), type = (hi >> 8) & 15, s = (hi >> 12) & 1;

	pr("  %3x sel=%04x base=%08x limit=%08x type=%x %s dpl=%u p=%u db=%u g=%u\n", i,
	   i << 3, desc_base(d), desc_limit(d), type, s ? (type & 8 ? "code" : "data") : "sys ",
	   (hi >> 13) & 3, (hi >> 15) & 1, (hi >> 22) & 1, (hi >> 23) & 1);
}

static void cmd_gdt(char *args)
{
	uint32_t n = vcpu.gdtr.limit / 8 + 1, max;

	if (arg_hex(&args, &max) && max < n)
		n = max;
	if (n > 64)
		n = 64;
	pr("gdt base=%08x limit=%04x\n", vcpu.gdtr.base, vcpu.gdtr.limit);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t d;

		if (dbg_read_lin(vcpu.gdtr.base + i * 8, &d, 8) < 0) {
			pr("  %3x (unreadable)\n", i);
			break;
		}
		if (d)
			print_desc(i, d);
	}
}

static void cmd_idt(char *args)
{
	uint32_t n = vcpu.idtr.limit / 8 + 1, max;

	if (arg_hex(&args, &max) && max < n)
		n = max;
	if (n > 256)
		n = 256;
	pr("idt base=%08x limit=%04x (present gates)\n", vcpu.idtr.base, vcpu.idtr.limit);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g[2];

		if (dbg_read_lin(vcpu.idtr.base + i * 8, g, 8) < 0) {
			pr("  %02x (unreadable)\n", i);
			break;
		}
		if (!(g[1] & 0x8000))
			continue;
		pr("  %02x %04x:%08x type=%x dpl=%u\n", i, g[0] >> 16,
		   (g[1] & 0xFFFF0000) | (g[0] & 0xFFFF), (g[1] >> 8) & 15, (g[1] >> 13) & 3);
	}
}

static void cmd_tss(void)
{
	uint32_t t[26];
	uint16_t iomap;

	pr("tr=%04x base=%08x limit=%08x\n", vcpu.tr.sel, vcpu.tr.base, vcpu.tr.limit);
	if (!vcpu.tr.valid || dbg_read_lin(vcpu.tr.base, t, sizeof(t)) < 0 ||
	    dbg_read_lin(vcpu.tr.base + 102, &iomap, 2) < 0) {
		pr("  no readable TSS\n");
		return;
	}
	pr("  link=%04x esp0=%08x ss0=%04x esp1=%08x ss1=%04x esp2=%08x ss2=%04x\n",
	   t[0] & 0xFFFF, t[1], t[2] & 0xFFFF, t[3], t[4] & 0xFFFF, t[5], t[6] & 0xFFFF);
	pr("  cr3=%08x eip=%08x eflags=%08x eax=%08x ecx=%08x edx=%08x ebx=%08x\n", t[7], t[8],
	   t[9], t[10], t[11], t[12], t[13]);
	pr("  esp=%08x ebp=%08x esi=%08x edi=%08x es=%04x cs=%04x ss=%04x ds=%04x fs=%04x "
	   "gs=%04x ldt=%04x iomap=%04x\n", t[14], t[15], t[16], t[17], t[18] & 0xFFFF,
	   t[19] & 0xFFFF, t[20] & 0xFFFF, t[21] & 0xFFFF, t[22] & 0xFFFF, t[23] & 0xFFFF,
	   t[24] & 0xFFFF, iomap);
}

static void cmd_dump(char *args, int phys)
{
	uint32_t addr, len = 0x40;
	uint8_t buf[16];

	if (!arg_hex(&args, &addr)) {
		pr("usage: %s ADDR [LEN]\n", phys ? "xp" : "x");
		return;
	}
	arg_hex(&args, &len);
	if (len > 0x400)
		len = 0x400;
	for (uint32_t off = 0; off < len; off += 16) {
		uint32_t n = len - off < 16 ? len - off : 16;
		int r = phys ? gphys_read(addr + off, buf, n) : dbg_read_lin(addr + off, buf, n);

		if (r) {
			pr("%08x: (not readable)\n", addr + off);
			return;
		}
		pr("%08x:", addr + off);
		for (uint32_t i = 0; i < n; i++)
			pr(" %02x", buf[i]);
		pr("%*s  ", (int)(16 - n) * 3, "");
		for (uint32_t i = 0; i < n; i++)
			putc_raw(buf[i] >= ' ' && buf[i] < 127 ? (char)buf[i] : '.');
		pr("\n");
	}
}

/* Disassembles one guest instruction at lin; returns its length (0: none). */
static int disas_one(uint32_t lin)
{
	uint8_t buf[DT_MAX_LEN];
	char text[96], sym[80];
	struct dt_insn d;
	uint32_t n = 0;

	while (n < DT_MAX_LEN && dbg_read_lin(lin + n, buf + n, 1) == 0)
		n++;
	if (!n) {
		pr("%08x: (not readable)\n", lin);
		return 0;
	}
	if (dt_decode(buf, n, &d) != DT_OK) {
		pr("%08x: %02x (bad)\n", lin, buf[0]);
		return 1;
	}
	dt_print(&d, lin, text, sizeof(text));
	diag_symbol(lin, sym, sizeof(sym));
	pr("%08x:", lin);
	for (int i = 0; i < 8; i++)
		pr(i < d.len ? " %02x" : "   ", buf[i]);
	pr(" %s%s%s\n", text, dbg_bp_at(lin) ? "   ; breakpoint" : "", sym[0] ? sym : "");
	return d.len;
}

static void cmd_disas(char *args, uint32_t eip)
{
	uint32_t addr = eip + vcpu.seg[VS_CS].base, n = 10;

	arg_hex(&args, &addr);
	arg_hex(&args, &n);
	for (uint32_t i = 0; i < n && i < 64; i++) {
		int len = disas_one(addr);

		if (!len)
			return;
		addr += (uint32_t)len;
	}
}

static void pte_flags(uint32_t e)
{
	pr("%s%s%s%s%s%s", e & PTE_P ? " P" : " -", e & PTE_W ? " W" : " R",
	   e & PTE_U ? " U" : " S", e & PTE_A ? " A" : "", e & PTE_D ? " D" : "",
	   e & PTE_PS ? " PS" : "");
}

static void cmd_walk(char *args)
{
	uint32_t la, pde, pte, pa, real = read_cr3();

	if (!arg_hex(&args, &la) || la >= HV_BASE) {
		pr("usage: walk ADDR (below %08x)\n", HV_BASE);
		return;
	}
	if (!(vcpu.cr0 & CR0_PG)) {
		pr("guest paging off: linear %08x is physical\n", la);
	} else {
		pde = gphys_read32((vcpu.cr3 & PTE_ADDR) + (la >> 22) * 4);
		pr("guest cr3=%08x pde[%03x]=%08x", vcpu.cr3, la >> 22, pde);
		pte_flags(pde);
		pr("\n");
		if ((pde & PTE_P) && (pde & PTE_PS) && (vcpu.cr4 & CR4_PSE)) {
			pr("  4 MiB page: physical %08x\n", (pde & 0xFFC00000) | (la & 0x3FFFFF));
		} else if (pde & PTE_P) {
			pte = gphys_read32((pde & PTE_ADDR) + ((la >> 12) & 1023) * 4);
			pr("  pte[%03x]=%08x", (la >> 12) & 1023, pte);
			pte_flags(pte);
			pr("\n");
		}
	}
	if (gmem_walk(la, GACC_PEEK, &pa, 0) == 0 || !(vcpu.cr0 & CR0_PG)) {
		if (!(vcpu.cr0 & CR0_PG))
			pa = la;
		pr("  -> physical %08x%s\n", pa, gmem_is_code(pa & PTE_ADDR) ?
		   " (holds translated code: hv maps it read-only)" : "");
	} else {
		pr("  -> not mapped (the guest would get #PF, error %x)\n", gmem_pf.err);
	}
	if (real == hv_pd_phys) {
		uint32_t e = paging_lookup(la);

		pr("hv's directory (cr3=%08x) entry for %08x: %08x", real, la, e);
		pte_flags(e);
		pr("\n");
		return;
	}
	pde = ((uint32_t *)frame_va(real))[la >> 22];
	pr("shadow cr3=%08x pde=%08x", real, pde);
	pte_flags(pde);
	pr("\n");
	if (pde & PTE_P) {
		pte = ((uint32_t *)frame_va(pde & PTE_ADDR))[(la >> 12) & 1023];
		pr("  shadow pte=%08x", pte);
		pte_flags(pte);
		pr("%s\n", pte & PTE_P ? "" : " (filled on the next fault)");
	}
}

static const char *const exit_names[] = { "branch", "indirect", "emulate", "raise", "step",
					   "debug" };

static void cmd_translation(char *args, uint32_t eip)
{
	uint32_t lin = eip + vcpu.seg[VS_CS].base;
	struct dt_fail fail;
	struct dt_block *b;
	uint32_t a;

	arg_hex(&args, &lin);
	b = dt_get(lin, vcpu.seg[VS_CS].base, &fail);
	if (!b) {
		pr("%08x: cannot be translated (kind %d)\n", lin, fail.kind);
		return;
	}
	pr("block %08x-%08x at cache %08x: %u guest instructions, %u bytes of code "
	   "(%u of stubs)\n", b->eip, b->end, (uint32_t)b->code, b->npc, b->code_len,
	   b->code_len - b->body_len);
	pr("guest:\n");
	for (a = b->eip; a < b->end;) {
		int len = disas_one(a);

		if (!len)
			break;
		a += (uint32_t)len;
	}
	pr("cache:\n");
	for (a = (uint32_t)b->code; a < (uint32_t)b->code + b->code_len;) {
		struct dt_exit *x = dt_stub_at(a);
		struct dt_insn d;
		char text[96];

		if (x) {
			pr("%08x: int 0xe0 ; exit %s", a, x->kind < 6 ? exit_names[x->kind] : "?");
			if (x->kind == DTX_BRANCH || x->kind == DTX_STEP_END)
				pr(" -> %08x%s", x->target, x->linked ? " (chained)" : "");
			else if (x->kind != DTX_IND)
				pr(" at %08x", x->eip);
			pr("\n");
			a += DT_STUB_SIZE;
			continue;
		}
		if (dt_decode((const uint8_t *)a, DT_MAX_LEN, &d) != DT_OK) {
			pr("%08x: %02x (bad)\n", a, *(const uint8_t *)a);
			a++;
			continue;
		}
		dt_print(&d, a, text, sizeof(text));
		pr("%08x: %s\n", a, text);
		a += d.len;
	}
}

static void cmd_last(char *args)
{
	uint32_t n = 16, got, e[16];
	char sym[80];

	arg_hex(&args, &n);
	got = (uint32_t)diag_recent(e, n < 16 ? (int)n : 16);
	pr("last %u guest addresses hv dispatched to, newest first "
	   "(chained jumps do not pass through hv):\n", got);
	for (uint32_t i = 0; i < got; i++) {
		diag_symbol(e[i], sym, sizeof(sym));
		pr("  %08x%s\n", e[i], sym);
	}
}

/* Runs hv's own counter printers onto the monitor's port. */
static void with_log(void (*fn)(void))
{
	int saved = log_level;

	console_divert = putc_raw;
	if (log_level < LOG_INFO)
		log_level = LOG_INFO;
	fn();
	log_level = saved;
	console_divert = 0;
}

static void all_stats(void)
{
	dt_print_stats();
	emul_print_stats();
	guest_print_stats();
}

static void cmd_dev(void)
{
	static const char *const dev_names[DEVK_COUNT] = { "pic", "pit", "com1", "com2", "rtc",
							   "kbd", "pci" };
	static const char *const modes[] = { "default", "pass", "emulate", "hide" };
	static const char *const ports[] = { "off", "com1", "com2", "com3", "com4" };

	pr("devices:");
	for (int k = 0; k < DEVK_COUNT; k++)
		pr(" %s=%s", dev_names[k], modes[opt.dev[k] & 3]);
	pr("\n");
	pr("interrupt controller: %s, guest IF=%d, interrupt pending=%d, real PIC IMR=%02x/%02x\n",
	   intc_real_if_follows_guest() ? "passed through" : "emulated",
	   (vcpu.vflags & FL_IF) != 0, intc_pending(), inb(0x21), inb(0xA1));
	pr("debug: monitor=%s%s gdb=%s; breakpoints %d, watchpoints %d\n",
	   ports[opt.monitor], mon_mux_port ? " (shared with the guest)" : "",
	   ports[opt.gdb], dbg.nbp, dbg.nwatch);
}

static void cmd_bp(char *args, int set)
{
	uint32_t a;

	if (!arg_hex(&args, &a)) {
		pr("usage: %s ADDR\n", set ? "b" : "bd");
		return;
	}
	if ((set ? dbg_bp_set(a, DBG_MONITOR, 0) : dbg_bp_clear(a)) < 0)
		pr(set ? "too many breakpoints\n" : "no breakpoint at %08x\n", a);
	else
		pr("breakpoint %s at %08x\n", set ? "set" : "deleted", a);
}

static void cmd_watch(char *args, int set)
{
	uint32_t a, len = 4;

	if (!arg_hex(&args, &a)) {
		pr("usage: %s ADDR [LEN]\n", set ? "w" : "wd");
		return;
	}
	arg_hex(&args, &len);
	if ((set ? dbg_watch_set(a, len) : dbg_watch_clear(a, len)) < 0)
		pr("cannot %s a watchpoint at %08x len %x\n", set ? "set" : "delete", a, len);
	else
		pr("watchpoint %s at %08x len %x\n", set ? "set" : "deleted", a, len);
}

static void reboot(void)
{
	pr("rebooting\n");
	outb(0x64, 0xFE);		/* i8042: pulse the reset line */
	outb(0xCF9, 0x06);		/* PCI reset control: hard reset */
	__asm__ volatile("lidt %0; int3" : : "m"((uint64_t){ 0 }));	/* triple fault */
	halt_forever();
}

static void where(uint32_t eip)
{
	char sym[80];
	static const char *const why[] = { "", "before the guest's first instruction",
					   "breakpoint", "step", "watchpoint", "interrupted",
					   "the guest is dead" };

	diag_symbol(eip + vcpu.seg[VS_CS].base, sym, sizeof(sym));
	pr("hv monitor: guest stopped (%s) at %08x%s\n", why[dbg.reason], eip, sym);
	if (dbg.reason == DBG_WATCH)
		pr("  watched %08x changed\n", dbg.reason_addr);
}

void mon_stopped(struct trapframe *tf, uint32_t *eip, int dead)
{
	char line[LINE_MAX], *args, *cmd;

	if (steps_left && dbg.reason == DBG_STEP && !dead) {
		disas_one(*eip + vcpu.seg[VS_CS].base);
		if (--steps_left) {
			dbg.stepping = 1;
			dbg.step_owner = DBG_MONITOR;
			return;
		}
	} else {
		steps_left = 0;
		where(*eip);
		if (!dead)
			disas_one(*eip + vcpu.seg[VS_CS].base);
	}
	for (;;) {
		pr(dead ? "hv(dead)> " : "hv> ");
		read_line(line);
		args = line;
		cmd = next_word(&args);
		if (!cmd)
			continue;
#define IS(s) (!strcmp(cmd, s))
		if (IS("help") || IS("h") || IS("?")) {
			pr("%s%s", help, mon_mux_port ? help_escapes : "");
		} else if (IS("regs") || IS("r")) {
			cmd_regs(tf, *eip);
		} else if (IS("gdt")) {
			cmd_gdt(args);
		} else if (IS("idt")) {
			cmd_idt(args);
		} else if (IS("tss")) {
			cmd_tss();
		} else if (IS("x") || IS("xp")) {
			cmd_dump(args, IS("xp"));
		} else if (IS("u")) {
			cmd_disas(args, *eip);
		} else if (IS("walk")) {
			cmd_walk(args);
		} else if (IS("cache")) {
			with_log(dt_print_stats);
		} else if (IS("tr")) {
			cmd_translation(args, *eip);
		} else if (IS("last")) {
			cmd_last(args);
		} else if (IS("stats")) {
			with_log(all_stats);
		} else if (IS("dev")) {
			cmd_dev();
		} else if (IS("log")) {
			uint32_t l;

			if (arg_hex(&args, &l) && l <= 3)
				log_level = (int)l;
			pr("log level %d\n", log_level);
		} else if (IS("b") || IS("bd")) {
			cmd_bp(args, IS("b"));
		} else if (IS("bl")) {
			for (int i = 0; i < dbg.nbp; i++)
				pr("  %08x (%s)\n", dbg.bp[i].lin,
				   dbg.bp[i].owner == DBG_GDB ? "gdb" : "monitor");
			for (int i = 0; i < dbg.nwatch; i++)
				pr("  watch %08x len %x\n", dbg.watch[i].addr, dbg.watch[i].len);
		} else if (IS("w") || IS("wd")) {
			cmd_watch(args, IS("w"));
		} else if ((IS("s") || IS("c")) && dead) {
			pr("the guest cannot go on: quit or reboot\n");
		} else if (IS("s")) {
			uint32_t n = 1;

			arg_hex(&args, &n);
			steps_left = n ? (int)n : 1;
			dbg.stepping = 1;
			dbg.step_owner = DBG_MONITOR;
			return;
		} else if (IS("c")) {
			if (mon_mux_port)
				pr("back to the guest (Ctrl-A c: monitor)\n");
			return;
		} else if (IS("reboot")) {
			reboot();
		} else if (IS("quit") || IS("q")) {
			if (dead)
				return;
			hv_exit(HV_EXIT_OK);
		} else {
			pr("unknown command %s (help lists them)\n", cmd);
		}
#undef IS
	}
}

void mon_init(uint16_t base, int muxed)
{
	port = base;
	mon_on = 1;
	if (muxed) {
		mon_mux_port = base;	/* set up already, as the guest's UART */
		vuart_share_rx(base, mon_mux_getc);
	}
	else if (!(base == PORT_COM1 && console_current() == CONSOLE_COM1) &&
		 !(base == PORT_COM2 && console_current() == CONSOLE_COM2))
		uart_init(port, 115200);	/* not hv's log console: ours alone */
	log_info("monitor", "monitor console on the UART at %x%s", port,
		 muxed ? ", shared with the guest's: Ctrl-A c for the prompt, Ctrl-A h for help" :
		 ": type anything for the prompt");
}
