/*
 * The rest of hv, as the device models see it, for host-side tests (see
 * harness.h): the port table, the timed models, the clock and the guest's
 * TSC, the interrupt lines, the log; and the test runner's main.
 */
#include "tests/devices/harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/clock.h"
#include "drivers/devices.h"
#include "drivers/dma.h"
#include "drivers/irq.h"
#include "lib/bootinfo.h"
#include "lib/panic.h"
#include "lib/uart.h"
#include "drivers/vdev.h"
#include "lib/log.h"
#include "lib/x86.h"

uint8_t real_port[65536];
uint64_t fake_now;
int line_level[16], line_edges[16];
int route_to_vpic;
char real_out[4096];
int nreal_out;
int real_writes_64;
uint8_t real_last_64;

#define MAX_REG 32

static struct reg {
	uint16_t lo, hi;
	io_read_fn rd;
	io_write_fn wr;
	void *ctx;
} regs[MAX_REG];
static int nregs;
static const struct dev_timed *timed[8];
static int ntimed;

/* --- what the models call --- */

uint32_t io_native_read(uint16_t port, int size)
{
	uint32_t v = 0;

	for (int i = 0; i < size; i++)
		v |= (uint32_t)real_port[(uint16_t)(port + i)] << (8 * i);
	return v;
}

void io_native_write(uint16_t port, int size, uint32_t v)
{
	if ((port == PORT_COM1 || port == PORT_COM2) && size == 1 &&
	    !(real_port[port + UART_LCR] & UART_LCR_DLAB) && nreal_out < (int)sizeof(real_out))
		real_out[nreal_out++] = (char)v;
	if (port == 0x64) {
		real_writes_64++;
		real_last_64 = (uint8_t)v;
	}
	for (int i = 0; i < size; i++)
		real_port[(uint16_t)(port + i)] = (uint8_t)(v >> (8 * i));
}

void dev_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		  void *ctx)
{
	(void)name;
	if (nregs < MAX_REG)
		regs[nregs++] = (struct reg){ lo, hi, rd, wr, ctx };
}

/* The port table proper (drivers/ioport.c): drivers/platform.c and
   drivers/kbdgate.c register there. */
int io_register(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd, io_write_fn wr,
		void *ctx)
{
	dev_register(lo, hi, name, rd, wr, ctx);
	return nregs - 1;
}

void io_move(int id, uint16_t lo, uint16_t hi)
{
	regs[id].lo = lo;
	regs[id].hi = hi;
}

static struct reg *find(uint16_t port);

int io_intercepted(uint16_t port, int size)
{
	for (int i = 0; i < size; i++)
		if (find((uint16_t)(port + i)))
			return 1;
	return 0;
}

uint32_t io_read(uint16_t port, int size)
{
	struct reg *r = find(port);

	return r && r->rd ? r->rd(r->ctx, port, size) : io_native_read(port, size);
}

void io_write(uint16_t port, int size, uint32_t v)
{
	struct reg *r = find(port);

	if (r && r->wr)
		r->wr(r->ctx, port, size, v);
	else
		io_native_write(port, size, v);
}

/* drivers/vpci.c tells idepci.c of every configuration write it passes. */
int idepci_writes;
void idepci_config_written(uint16_t bdf, int reg, int size)
{
	(void)bdf;
	(void)reg;
	(void)size;
	idepci_writes++;
}

/* drivers/idedma.c: hv's image (its shadow's physical address) and panic. */
struct boot_info boot;

void panic_at(const char *file, int line, const struct trapframe *tf, const char *fmt, ...)
{
	(void)tf;
	(void)fmt;
	fprintf(stderr, "panic at %s:%d\n", file, line);
	abort();
}

/* plat_reset reaches hv's integrity check through the exit hooks: the
   harness's check counts the reset and jumps back into the test. */
struct exit_hooks exit_hooks;
jmp_buf plat_reset_jmp;
int plat_resets;

static void reset_caught(void)
{
	plat_resets++;
	longjmp(plat_reset_jmp, 1);
}

void harness_catch_resets(int on)
{
	exit_hooks.check = on ? reset_caught : 0;
}

void uart_drain(uint16_t port)
{
	(void)port;
}

void dev_register_untimed(uint16_t lo, uint16_t hi, const char *name, io_read_fn rd,
			  io_write_fn wr, void *ctx)
{
	dev_register(lo, hi, name, rd, wr, ctx);
}

void dev_add_timed(const struct dev_timed *t)
{
	if (ntimed < 8)
		timed[ntimed++] = t;
}

void dev_sync(void)
{
	for (int i = 0; i < ntimed; i++)
		timed[i]->poll(fake_now);
}

uint64_t clock_ns(void)
{
	return fake_now;
}

uint64_t clock_tsc(void)
{
	return fake_now * FAKE_TSC_PER_NS;
}

uint64_t clock_ns_of_tsc(uint64_t tsc)
{
	return tsc / FAKE_TSC_PER_NS;
}

#ifndef HARNESS_REAL_IRQ
/*
 * The machine's interrupt lines (drivers/irq.c), faked for the models:
 * levels and edges recorded, the PIC model driven if asked.  The real
 * irq.c has its own binary (test_irq.c), built with HARNESS_REAL_IRQ.
 */
void irq_set_isa(int irq, int level)
{
	if (level && !line_level[irq])
		line_edges[irq]++;
	line_level[irq] = level;
	if (route_to_vpic)
		vpic_set_irq(irq, level);
}

void irq_own_line(int irq, void (*host)(int irq))
{
	(void)irq;
	(void)host;
}

void irq_pic_acked(int irq, int aeoi)
{
	(void)irq;
	(void)aeoi;
}

void irq_pic_done(int irq)
{
	(void)irq;
}

void irq_refresh_levels(void)
{
}

void irq_elcr_changed(uint16_t elcr, uint16_t mask)
{
	(void)elcr;
	(void)mask;
}
#else
/* What irq.c uses of the firmware tables and the real I/O APIC. */
int acpi_isa_gsi(int irq)
{
	return irq == 0 ? 2 : irq;
}

uint32_t acpi_ioapic_base(void)
{
	return 0;
}

int ioapic_init(uint32_t base, int (*map_mmio)(uint32_t va, uint32_t pa))
{
	(void)base;
	(void)map_mmio;
	return 0;
}

void ioapic_route(int pin, int vec, int level, int active_low, int masked)
{
	(void)pin;
	(void)vec;
	(void)level;
	(void)active_low;
	(void)masked;
}

void ioapic_mask(int pin, int masked)
{
	(void)pin;
	(void)masked;
}
#endif

enum console_kind console_current(void)
{
	return CONSOLE_COM1;	/* hv logs on COM1: an emulated COM1 line-buffers */
}

int log_level = LOG_ERR;

void klog(int level, const char *subsys, const char *fmt, ...)
{
	(void)level;
	(void)subsys;
	(void)fmt;
}

/* --- the guest's side --- */

static struct reg *find(uint16_t port)
{
	for (int i = 0; i < nregs; i++)
		if (port >= regs[i].lo && port <= regs[i].hi)
			return &regs[i];
	return 0;
}

uint32_t gin(uint16_t port, int size)
{
	struct reg *r = find(port);
	uint32_t v;

	dev_sync();
	v = r && r->rd ? r->rd(r->ctx, port, size) : io_native_read(port, size);
	dev_sync();
	return v;
}

void gout(uint16_t port, int size, uint32_t v)
{
	struct reg *r = find(port);

	dev_sync();
	if (r && r->wr)
		r->wr(r->ctx, port, size, v);
	else
		io_native_write(port, size, v);
	dev_sync();
}

void advance_ns(uint64_t ns)
{
	fake_now += ns;
	dev_sync();
}

uint64_t next_deadline(void)
{
	uint64_t next = CLOCK_NEVER;

	for (int i = 0; i < ntimed; i++) {
		uint64_t t = timed[i]->next(fake_now);

		if (t < next)
			next = t;
	}
	return next;
}

void harness_reset(void)
{
	nregs = ntimed = 0;
	memset(real_port, 0, sizeof(real_port));
	memset(line_level, 0, sizeof(line_level));
	memset(line_edges, 0, sizeof(line_edges));
	nreal_out = 0;
	real_writes_64 = 0;
	plat_resets = 0;
	route_to_vpic = 0;
	fake_now = 1000000000ull;
}

/* --- results --- */

static const char *group_name;
static int group_fails, total_failed;
static char first_msg[300];

void check_at(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ok)
		return;
	if (!group_fails++) {
		n = snprintf(first_msg, sizeof(first_msg), "%s:%d: ", file, line);
		va_start(ap, fmt);
		vsnprintf(first_msg + n, sizeof(first_msg) - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

void group(const char *name)
{
	if (group_name) {
		if (group_fails) {
			printf("FAIL devices-unit: %s: %s (%d checks failed)\n", group_name,
			       first_msg, group_fails);
			total_failed++;
		} else {
			printf("PASS devices-unit: %s\n", group_name);
		}
	}
	group_name = name;
	group_fails = 0;
}

int groups_failed(void)
{
	return total_failed;
}

int main(void)
{
#ifdef HARNESS_REAL_IRQ
	test_irq();
#else
	test_vpic();
	test_vpit();
	test_vuart();
	test_vrtc();
	test_vkbd();
	test_vpci();
	test_platform();
	test_idedma();
	test_vlapic();
	test_vlapic_msgs();
	test_vlapic_timer();
	test_vioapic();
#endif
	group(0);
	return groups_failed() ? 1 : 0;
}
