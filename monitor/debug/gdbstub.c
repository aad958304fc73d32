/*
 * The GDB stub: the GDB remote serial protocol for the guest on a serial
 * port of its own (gdb=comN).  GDB manual, appendix E "GDB Remote Serial
 * Protocol": packets are $data#cc with cc the two-hex-digit sum of data
 * modulo 256, acknowledged by '+' (or '-' to ask again); 0x03 outside a
 * packet interrupts the running target.
 *
 * Packets served:
 *   ?              the last stop (S05 before the guest's first instruction)
 *   g / G          the i386 registers, in GDB's order: eax ecx edx ebx esp
 *                  ebp esi edi eip eflags cs ss ds es fs gs (32 bits each,
 *                  little endian); G changes the general registers, EIP and
 *                  the arithmetic flags (segment registers stay)
 *   m / M          guest linear memory (no accessed/dirty bits, no #PF)
 *   c / s [addr]   continue / one instruction
 *   Z0 Z1 / z0 z1  breakpoints (both kinds in the translator, see debug.c)
 *   Z2 / z2        write watchpoints (bytes compared, see debug.c)
 *   D              detach: breakpoints and watchpoints go, the guest runs
 *   k              kill: hv exits
 *   qSupported, qAttached, qC, H, T, QStartNoAckMode; anything else gets the
 *   empty reply ("not supported").
 * Stop replies: T05swbreak:; T05hwbreak:; T05watch:ADDR; S05 (step),
 * S02 (interrupted), S0b (the guest is dead: post-mortem).
 *
 * hv waits here, polling the UART, while the guest is stopped; while it
 * runs, dbg_resume() calls gdb_poll() at every resume to notice Ctrl-C.
 */
#include "monitor/debug/debug.h"

#include "lib/uart.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

#define PKT_MAX 4096

int gdb_on;
static uint16_t port;
static int running;		/* gdb waits for a stop reply */
static int no_ack;
static int dollar_seen;		/* gdb_poll took the '$' of a packet */
static char in[PKT_MAX + 1], out[PKT_MAX + 1];

static const char hex[] = "0123456789abcdef";

static void reply(const char *s)
{
	size_t n = strnlen(s, PKT_MAX);

	memcpy(out, s, n);
	out[n] = 0;
}

void gdb_init(uint16_t base)
{
	port = base;
	uart_init(port, 115200);
	gdb_on = 1;
	log_info("gdb", "GDB stub on the UART at %x: the guest waits for gdb", port);
}

static int getc_wait(void)
{
	int c;

	while ((c = uart_getc(port)) < 0)
		__asm__ volatile("pause");
	return c;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void send_packet(const char *p)
{
	uint8_t sum = 0;

	uart_putc(port, '$');
	for (; *p; p++) {
		uart_putc(port, *p);
		sum = (uint8_t)(sum + (uint8_t)*p);
	}
	uart_putc(port, '#');
	uart_putc(port, hex[sum >> 4]);
	uart_putc(port, hex[sum & 15]);
}

/* Reads one packet into in[] (acknowledged); 0x03 alone is ignored. */
static void recv_packet(void)
{
	for (;;) {
		int c = dollar_seen ? '$' : getc_wait(), n = 0, h, l;
		uint8_t sum = 0;

		dollar_seen = 0;
		if (c == '-')
			send_packet(out);	/* gdb asks for the last reply again */
		if (c != '$')
			continue;
		while ((c = getc_wait()) != '#') {
			if (c == '$') {		/* a new start: drop what came before */
				n = 0;
				sum = 0;
				continue;
			}
			if (n < PKT_MAX)
				in[n++] = (char)c;
			sum = (uint8_t)(sum + c);
		}
		in[n] = 0;
		h = hexval(getc_wait());
		l = hexval(getc_wait());
		if (no_ack)
			return;
		if (h < 0 || l < 0 || (uint8_t)(h << 4 | l) != sum) {
			uart_putc(port, '-');
			continue;
		}
		uart_putc(port, '+');
		return;
	}
}

/* Parses hex digits at *s; stops at the first other character. */
static uint32_t parse_hex(const char **s)
{
	uint32_t v = 0;
	int d;

	while ((d = hexval(**s)) >= 0) {
		v = v << 4 | (uint32_t)d;
		(*s)++;
	}
	return v;
}

static char *put_le32(char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8) {
		*p++ = hex[(v >> 4) & 15];
		*p++ = hex[v & 15];
	}
	return p;
}

static uint32_t get_le32(const char *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);

		if (h < 0 || l < 0)
			break;
		v |= (uint32_t)(h << 4 | l) << (8 * i);
	}
	return v;
}

/* GDB's i386 order: eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs. */
static void read_regs(const struct trapframe *tf, uint32_t eip)
{
	static const int seg_order[6] = { VS_CS, VS_SS, VS_DS, VS_ES, VS_FS, VS_GS };
	char *p = out;

	for (int i = 0; i < 8; i++)
		p = put_le32(p, tf ? *tf_gpr((struct trapframe *)tf, i) : 0);
	p = put_le32(p, eip);
	p = put_le32(p, tf ? vcpu_read_eflags(tf) : vcpu.vflags);
	for (int i = 0; i < 6; i++)
		p = put_le32(p, vcpu.seg[seg_order[i]].sel);
	*p = 0;
}

static void write_regs(struct trapframe *tf, uint32_t *eip, const char *p)
{
	const uint32_t arith = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | FL_OF;
	size_t n = strlen(p) / 8;
	uint32_t ef;

	if (!tf || n < 10) {
		reply("E01");
		return;
	}
	for (int i = 0; i < 8; i++)
		*tf_gpr(tf, i) = get_le32(p + 8 * i);
	*eip = get_le32(p + 64);
	ef = get_le32(p + 72);
	if ((ef ^ vcpu_read_eflags(tf)) & arith)
		vcpu_write_eflags(tf, ef, arith);
	reply("OK");
}

static void read_mem(const char *p)
{
	uint32_t addr = parse_hex(&p), len;
	uint8_t buf[PKT_MAX / 2];
	char *o = out;

	if (*p++ != ',') {
		reply("E01");
		return;
	}
	len = parse_hex(&p);
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	if (dbg_read_lin(addr, buf, len) < 0) {
		reply("E14");	/* EFAULT */
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		*o++ = hex[buf[i] >> 4];
		*o++ = hex[buf[i] & 15];
	}
	*o = 0;
}

static void write_mem(const char *p)
{
	uint32_t addr = parse_hex(&p), len;
	uint8_t buf[PKT_MAX / 2];

	if (*p++ != ',') {
		reply("E01");
		return;
	}
	len = parse_hex(&p);
	if (*p++ != ':' || len > sizeof(buf) || strlen(p) < 2 * len) {
		reply("E01");
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(hexval(p[2 * i]) << 4 | hexval(p[2 * i + 1]));
	reply(dbg_write_lin(addr, buf, len) < 0 ? "E14" : "OK");
}

/* Z/z type,addr,kind */
static void point(const char *p, int set)
{
	int type = *p++ - '0';
	uint32_t addr, len;
	int r;

	if (*p++ != ',') {
		reply("E01");
		return;
	}
	addr = parse_hex(&p);
	if (*p++ != ',') {
		reply("E01");
		return;
	}
	len = parse_hex(&p);
	switch (type) {
	case 0:
	case 1:
		r = set ? dbg_bp_set(addr, DBG_GDB, type == 1) : dbg_bp_clear(addr);
		break;
	case 2:
		r = set ? dbg_watch_set(addr, len) : dbg_watch_clear(addr, len);
		break;
	default:
		out[0] = 0;	/* read and access watchpoints: not supported */
		return;
	}
	reply(r < 0 ? "E0e" : "OK");
}

static void stop_reply(int dead)
{
	if (dead)
		reply("S0b");
	else if (dbg.reason == DBG_BREAK)
		reply(dbg.hit_hw ? "T05hwbreak:;" : "T05swbreak:;");
	else if (dbg.reason == DBG_WATCH)
		fmt_snprintf(out, sizeof(out), "T05watch:%x;", dbg.reason_addr);
	else if (dbg.reason == DBG_INTR)
		reply("S02");
	else
		reply("S05");
}

static void detach(void)
{
	for (int i = dbg.nbp - 1; i >= 0; i--)
		if (dbg.bp[i].owner == DBG_GDB)
			dbg_bp_clear(dbg.bp[i].lin);
	while (dbg.nwatch)
		dbg_watch_clear(dbg.watch[0].addr, dbg.watch[0].len);
	if (dbg.step_owner == DBG_GDB)
		dbg.stepping = 0;
}

void gdb_stopped(struct trapframe *tf, uint32_t *eip, int dead)
{
	if (running || dead) {
		stop_reply(dead);
		send_packet(out);
	}
	running = 0;
	for (;;) {
		const char *p;

		recv_packet();
		p = in + 1;
		out[0] = 0;
		switch (in[0]) {
		case '?':
			stop_reply(dead);
			break;
		case 'g':
			read_regs(tf, *eip);
			break;
		case 'G':
			write_regs(tf, eip, p);
			break;
		case 'm':
			read_mem(p);
			break;
		case 'M':
			write_mem(p);
			break;
		case 'Z':
		case 'z':
			point(p, in[0] == 'Z');
			break;
		case 'H':
		case 'T':	/* the one thread is alive */
			reply("OK");
			break;
		case 'c':
		case 's':
			if (*p)
				*eip = parse_hex(&p);
			if (dead) {
				reply("X0b");	/* the guest is gone */
				send_packet(out);
				return;
			}
			if (in[0] == 's') {
				dbg.stepping = 1;
				dbg.step_owner = DBG_GDB;
			}
			running = 1;
			return;
		case 'D':
			detach();
			send_packet("OK");
			return;
		case 'k':
			log_info("gdb", "gdb killed the guest");
			hv_exit(HV_EXIT_OK);
		case 'q':
			if (!strncmp(p, "Supported", 9))
				reply("PacketSize=1000;swbreak+;hwbreak+;QStartNoAckMode+");
			else if (!strcmp(p, "Attached"))
				reply("1");
			else if (!strcmp(p, "C"))
				reply("QC1");
			break;
		case 'Q':
			if (!strcmp(p, "StartNoAckMode")) {
				send_packet("OK");
				no_ack = 1;
				continue;
			}
			break;
		}
		send_packet(out);
	}
}

int gdb_poll(void)
{
	int c;

	if (!(inb(port + UART_LSR) & UART_LSR_DR))
		return 0;
	c = inb(port + UART_RBR);
	if (c == 0x03)
		return 1;
	if (c == '$') {		/* a packet: gdb attached (again) */
		dollar_seen = 1;
		return 1;
	}
	return 0;	/* acks and noise */
}
