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
#include "monitor/debug/debug.h"
#include "monitor/debug/console.h"

#include "lib/bootinfo.h"
#include "drivers/intc.h"
#include "lib/uart.h"
#include "drivers/vdev.h"
#include "dt/decode.h"
#include "dt/dt.h"
#include "monitor/emul.h"
#include "lib/fmt.h"
#include "monitor/mm/mm.h"
#include "monitor/guest.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

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

void mon_putc_raw(char c)
{
	if (c == '\n')
		uart_putc(port, '\r');
	uart_putc(port, c);
}

static void sink(void *ctx, char c)
{
	(void)ctx;
	mon_putc_raw(c);
}

int mon_pr(const char *fmt, ...)
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
				mon_pr("\n%s", help_escapes);
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
				mon_pr("c\n");
				return;
			}
			continue;
		}
		if (c == ESC_CHAR) {
			esc = 1;
		} else if (c == '\r' || c == '\n') {
			mon_pr("\n");
			line[n] = 0;
			return;
		} else if ((c == 8 || c == 127) && n) {
			n--;
			mon_pr("\b \b");
		} else if (c >= ' ' && c < 127 && n < LINE_MAX - 1) {
			line[n++] = (char)c;
			mon_putc_raw((char)c);
		}
	}
}

/* --- arguments --- */

char *mon_next_word(char **s)
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
int mon_arg_hex(char **s, uint32_t *v)
{
	char *w = mon_next_word(s);
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

static void where(uint32_t eip)
{
	char sym[80];
	static const char *const why[] = { "", "before the guest's first instruction",
					   "breakpoint", "step", "watchpoint", "interrupted",
					   "the guest is dead" };

	diag_symbol(eip + vcpu.seg[VS_CS].base, sym, sizeof(sym));
	mon_pr("hv monitor: guest stopped (%s) at %08x%s\n", why[dbg.reason], eip, sym);
	if (dbg.reason == DBG_WATCH)
		mon_pr("  watched %08x changed\n", dbg.reason_addr);
}

void mon_stopped(struct trapframe *tf, uint32_t *eip, int dead)
{
	char line[LINE_MAX], *args, *cmd;

	if (steps_left && dbg.reason == DBG_STEP && !dead) {
		mon_disas_one(*eip + vcpu.seg[VS_CS].base);
		if (--steps_left) {
			dbg.stepping = 1;
			dbg.step_owner = DBG_MONITOR;
			return;
		}
	} else {
		steps_left = 0;
		where(*eip);
		if (!dead)
			mon_disas_one(*eip + vcpu.seg[VS_CS].base);
	}
	for (;;) {
		mon_pr(dead ? "hv(dead)> " : "hv> ");
		read_line(line);
		args = line;
		cmd = mon_next_word(&args);
		if (!cmd)
			continue;
#define IS(s) (!strcmp(cmd, s))
		if (IS("help") || IS("h") || IS("?")) {
			mon_pr("%s%s", help, mon_mux_port ? help_escapes : "");
		} else if (IS("regs") || IS("r")) {
			mon_cmd_regs(tf, *eip);
		} else if (IS("gdt")) {
			mon_cmd_gdt(args);
		} else if (IS("idt")) {
			mon_cmd_idt(args);
		} else if (IS("tss")) {
			mon_cmd_tss();
		} else if (IS("x") || IS("xp")) {
			mon_cmd_dump(args, IS("xp"));
		} else if (IS("u")) {
			mon_cmd_disas(args, *eip);
		} else if (IS("walk")) {
			mon_cmd_walk(args);
		} else if (IS("cache")) {
			mon_with_log(dt_print_stats);
		} else if (IS("tr")) {
			mon_cmd_translation(args, *eip);
		} else if (IS("last")) {
			mon_cmd_last(args);
		} else if (IS("stats")) {
			mon_with_log(mon_all_stats);
		} else if (IS("dev")) {
			mon_cmd_dev();
		} else if (IS("log")) {
			uint32_t l;

			if (mon_arg_hex(&args, &l) && l <= 3)
				log_level = (int)l;
			mon_pr("log level %d\n", log_level);
		} else if (IS("b") || IS("bd")) {
			mon_cmd_bp(args, IS("b"));
		} else if (IS("bl")) {
			for (int i = 0; i < dbg.nbp; i++)
				mon_pr("  %08x (%s)\n", dbg.bp[i].lin,
				   dbg.bp[i].owner == DBG_GDB ? "gdb" : "monitor");
			for (int i = 0; i < dbg.nwatch; i++)
				mon_pr("  watch %08x len %x\n", dbg.watch[i].addr, dbg.watch[i].len);
		} else if (IS("w") || IS("wd")) {
			mon_cmd_watch(args, IS("w"));
		} else if ((IS("s") || IS("c")) && dead) {
			mon_pr("the guest cannot go on: quit or reboot\n");
		} else if (IS("s")) {
			uint32_t n = 1;

			mon_arg_hex(&args, &n);
			steps_left = n ? (int)n : 1;
			dbg.stepping = 1;
			dbg.step_owner = DBG_MONITOR;
			return;
		} else if (IS("c")) {
			if (mon_mux_port)
				mon_pr("back to the guest (Ctrl-A c: monitor)\n");
			return;
		} else if (IS("reboot")) {
			mon_reboot();
		} else if (IS("quit") || IS("q")) {
			if (dead)
				return;
			hv_exit(HV_EXIT_OK);
		} else {
			mon_pr("unknown command %s (help lists them)\n", cmd);
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
