/*
 * The monitor console's commands (monitor/debug/console.c reads the line and
 * dispatches; README.md, "The monitor console", lists them).
 */
#include "monitor/debug/console.h"

#include "monitor/debug/debug.h"
#include "dt/smc.h"
#include "lib/bootinfo.h"
#include "drivers/intc.h"
#include "lib/uart.h"
#include "drivers/vdev.h"
#include "dt/decode.h"
#include "dt/dt.h"
#include "monitor/apic.h"
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

void mon_cmd_regs(const struct trapframe *tf, uint32_t eip)
{
	static const char *const names[VS_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

	if (tf) {
		mon_pr("eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
		mon_pr("esi=%08x edi=%08x ebp=%08x esp=%08x\n", tf->esi, tf->edi, tf->ebp, tf->esp);
		mon_pr("eip=%08x eflags=%08x cpl=%d\n", eip, vcpu_read_eflags(tf), vcpu.cpl);
	} else {
		mon_pr("(general registers unknown) eip=%08x cpl=%d\n", eip, vcpu.cpl);
	}
	for (int i = 0; i < VS_COUNT; i++) {
		const struct vseg *s = &vcpu.seg[i];

		mon_pr("%s=%04x base=%08x limit=%08x attr=%04x type=%x s=%d dpl=%d p=%d db=%d%s\n",
		   names[i], s->sel, s->base, s->limit, s->attr, ATTR_TYPE(s->attr),
		   ATTR_S(s->attr), ATTR_DPL(s->attr), ATTR_P(s->attr), ATTR_DB(s->attr),
		   s->valid ? "" : " (null)");
	}
	mon_pr("gdtr=%08x/%04x idtr=%08x/%04x ldtr=%04x base=%08x limit=%08x "
	   "tr=%04x base=%08x limit=%08x\n", vcpu.gdtr.base, vcpu.gdtr.limit, vcpu.idtr.base,
	   vcpu.idtr.limit, vcpu.ldtr.sel, vcpu.ldtr.base, vcpu.ldtr.limit, vcpu.tr.sel,
	   vcpu.tr.base, vcpu.tr.limit);
	mon_pr("cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", gcr.cr0, gcr.cr2, gcr.cr3, gcr.cr4);
	mon_pr("dr0=%08x dr1=%08x dr2=%08x dr3=%08x dr6=%08x dr7=%08x\n", vcpu.dr[0], vcpu.dr[1],
	   vcpu.dr[2], vcpu.dr[3], vcpu.dr[6], vcpu.dr[7]);
}

static void print_desc(uint32_t i, uint64_t d)
{
	uint32_t hi = (uint32_t)(d >> 32), type = (hi >> 8) & 15, s = (hi >> 12) & 1;

	mon_pr("  %3x sel=%04x base=%08x limit=%08x type=%x %s dpl=%u p=%u db=%u g=%u\n", i,
	   i << 3, desc_base(d), desc_limit(d), type, s ? (type & 8 ? "code" : "data") : "sys ",
	   (hi >> 13) & 3, (hi >> 15) & 1, (hi >> 22) & 1, (hi >> 23) & 1);
}

void mon_cmd_gdt(char *args)
{
	uint32_t n = vcpu.gdtr.limit / 8 + 1, max;

	if (mon_arg_hex(&args, &max) && max < n)
		n = max;
	if (n > 64)
		n = 64;
	mon_pr("gdt base=%08x limit=%04x\n", vcpu.gdtr.base, vcpu.gdtr.limit);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t d;

		if (dbg_read_lin(vcpu.gdtr.base + i * 8, &d, 8) < 0) {
			mon_pr("  %3x (unreadable)\n", i);
			break;
		}
		if (d)
			print_desc(i, d);
	}
}

void mon_cmd_idt(char *args)
{
	uint32_t n = vcpu.idtr.limit / 8 + 1, max;

	if (mon_arg_hex(&args, &max) && max < n)
		n = max;
	if (n > 256)
		n = 256;
	mon_pr("idt base=%08x limit=%04x (present gates)\n", vcpu.idtr.base, vcpu.idtr.limit);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g[2];

		if (dbg_read_lin(vcpu.idtr.base + i * 8, g, 8) < 0) {
			mon_pr("  %02x (unreadable)\n", i);
			break;
		}
		if (!(g[1] & 0x8000))
			continue;
		mon_pr("  %02x %04x:%08x type=%x dpl=%u\n", i, g[0] >> 16,
		   (g[1] & 0xFFFF0000) | (g[0] & 0xFFFF), (g[1] >> 8) & 15, (g[1] >> 13) & 3);
	}
}

void mon_cmd_tss(void)
{
	uint32_t t[26];
	uint16_t iomap;

	mon_pr("tr=%04x base=%08x limit=%08x\n", vcpu.tr.sel, vcpu.tr.base, vcpu.tr.limit);
	if (!vcpu.tr.valid || dbg_read_lin(vcpu.tr.base, t, sizeof(t)) < 0 ||
	    dbg_read_lin(vcpu.tr.base + 102, &iomap, 2) < 0) {
		mon_pr("  no readable TSS\n");
		return;
	}
	mon_pr("  link=%04x esp0=%08x ss0=%04x esp1=%08x ss1=%04x esp2=%08x ss2=%04x\n",
	   t[0] & 0xFFFF, t[1], t[2] & 0xFFFF, t[3], t[4] & 0xFFFF, t[5], t[6] & 0xFFFF);
	mon_pr("  cr3=%08x eip=%08x eflags=%08x eax=%08x ecx=%08x edx=%08x ebx=%08x\n", t[7], t[8],
	   t[9], t[10], t[11], t[12], t[13]);
	mon_pr("  esp=%08x ebp=%08x esi=%08x edi=%08x es=%04x cs=%04x ss=%04x ds=%04x fs=%04x "
	   "gs=%04x ldt=%04x iomap=%04x\n", t[14], t[15], t[16], t[17], t[18] & 0xFFFF,
	   t[19] & 0xFFFF, t[20] & 0xFFFF, t[21] & 0xFFFF, t[22] & 0xFFFF, t[23] & 0xFFFF,
	   t[24] & 0xFFFF, iomap);
}

void mon_cmd_dump(char *args, int phys)
{
	uint32_t addr, len = 0x40;
	uint8_t buf[16];

	if (!mon_arg_hex(&args, &addr)) {
		mon_pr("usage: %s ADDR [LEN]\n", phys ? "xp" : "x");
		return;
	}
	mon_arg_hex(&args, &len);
	if (len > 0x400)
		len = 0x400;
	for (uint32_t off = 0; off < len; off += 16) {
		uint32_t n = len - off < 16 ? len - off : 16;
		int r = phys ? gphys_read(addr + off, buf, n) : dbg_read_lin(addr + off, buf, n);

		if (r) {
			mon_pr("%08x: (not readable)\n", addr + off);
			return;
		}
		mon_pr("%08x:", addr + off);
		for (uint32_t i = 0; i < n; i++)
			mon_pr(" %02x", buf[i]);
		mon_pr("%*s  ", (int)(16 - n) * 3, "");
		for (uint32_t i = 0; i < n; i++)
			mon_putc_raw(buf[i] >= ' ' && buf[i] < 127 ? (char)buf[i] : '.');
		mon_pr("\n");
	}
}

/* Disassembles one guest instruction at lin; returns its length (0: none). */
int mon_disas_one(uint32_t lin)
{
	uint8_t buf[DT_MAX_LEN];
	char text[96], sym[80];
	struct dt_insn d;
	uint32_t n = 0;

	while (n < DT_MAX_LEN && dbg_read_lin(lin + n, buf + n, 1) == 0)
		n++;
	if (!n) {
		mon_pr("%08x: (not readable)\n", lin);
		return 0;
	}
	if (dt_decode(buf, n, &d) != DT_OK) {
		mon_pr("%08x: %02x (bad)\n", lin, buf[0]);
		return 1;
	}
	dt_print(&d, lin, text, sizeof(text));
	diag_symbol(lin, sym, sizeof(sym));
	mon_pr("%08x:", lin);
	for (int i = 0; i < 8; i++)
		mon_pr(i < d.len ? " %02x" : "   ", buf[i]);
	mon_pr(" %s%s%s\n", text, dbg_bp_at(lin) ? "   ; breakpoint" : "", sym[0] ? sym : "");
	return d.len;
}

void mon_cmd_disas(char *args, uint32_t eip)
{
	uint32_t addr = eip + vcpu.seg[VS_CS].base, n = 10;

	mon_arg_hex(&args, &addr);
	mon_arg_hex(&args, &n);
	for (uint32_t i = 0; i < n && i < 64; i++) {
		int len = mon_disas_one(addr);

		if (!len)
			return;
		addr += (uint32_t)len;
	}
}

static void pte_flags(uint32_t e)
{
	mon_pr("%s%s%s%s%s%s", e & PTE_P ? " P" : " -", e & PTE_W ? " W" : " R",
	   e & PTE_U ? " U" : " S", e & PTE_A ? " A" : "", e & PTE_D ? " D" : "",
	   e & PTE_PS ? " PS" : "");
}

void mon_cmd_walk(char *args)
{
	uint32_t la, pde, pte, pa, real = read_cr3();

	if (!mon_arg_hex(&args, &la) || la >= HV_BASE) {
		mon_pr("usage: walk ADDR (below %08x)\n", HV_BASE);
		return;
	}
	if (!(gcr.cr0 & CR0_PG)) {
		mon_pr("guest paging off: linear %08x is physical\n", la);
	} else {
		pde = gphys_read32((gcr.cr3 & PTE_ADDR) + (la >> 22) * 4);
		mon_pr("guest cr3=%08x pde[%03x]=%08x", gcr.cr3, la >> 22, pde);
		pte_flags(pde);
		mon_pr("\n");
		if ((pde & PTE_P) && (pde & PTE_PS) && (gcr.cr4 & CR4_PSE)) {
			mon_pr("  4 MiB page: physical %08x\n", (pde & 0xFFC00000) | (la & 0x3FFFFF));
		} else if (pde & PTE_P) {
			pte = gphys_read32((pde & PTE_ADDR) + ((la >> 12) & 1023) * 4);
			mon_pr("  pte[%03x]=%08x", (la >> 12) & 1023, pte);
			pte_flags(pte);
			mon_pr("\n");
		}
	}
	if (gmem_walk(la, GACC_PEEK, &pa, 0) == 0 || !(gcr.cr0 & CR0_PG)) {
		if (!(gcr.cr0 & CR0_PG))
			pa = la;
		mon_pr("  -> physical %08x%s\n", pa, smc_is_code(pa & PTE_ADDR) ?
		   " (holds translated code: hv maps it read-only)" : "");
	} else {
		mon_pr("  -> not mapped (the guest would get #PF, error %x)\n", gmem_pf.err);
	}
	if (real == hv_pd_phys) {
		uint32_t e = paging_lookup(la);

		mon_pr("hv's directory (cr3=%08x) entry for %08x: %08x", real, la, e);
		pte_flags(e);
		mon_pr("\n");
		return;
	}
	pde = ((uint32_t *)frame_va(real))[la >> 22];
	mon_pr("shadow cr3=%08x pde=%08x", real, pde);
	pte_flags(pde);
	mon_pr("\n");
	if (pde & PTE_P) {
		pte = ((uint32_t *)frame_va(pde & PTE_ADDR))[(la >> 12) & 1023];
		mon_pr("  shadow pte=%08x", pte);
		pte_flags(pte);
		mon_pr("%s\n", pte & PTE_P ? "" : " (filled on the next fault)");
	}
}

static const char *const exit_names[] = { "branch", "indirect", "emulate", "raise", "step",
					   "debug" };

void mon_cmd_translation(char *args, uint32_t eip)
{
	uint32_t lin = eip + vcpu.seg[VS_CS].base;
	struct dt_fail fail;
	struct dt_block *b;
	uint32_t a;

	mon_arg_hex(&args, &lin);
	b = dt_get(lin, vcpu.seg[VS_CS].base, guest_dt_mode(), &fail);
	if (!b) {
		mon_pr("%08x: cannot be translated (kind %d)\n", lin, fail.kind);
		return;
	}
	mon_pr("block %08x-%08x at cache %08x: %u guest instructions, %u bytes of code "
	   "(%u of stubs)\n", b->eip, b->end, (uint32_t)b->code, b->npc, b->code_len,
	   b->code_len - b->body_len);
	mon_pr("guest:\n");
	for (a = b->eip; a < b->end;) {
		int len = mon_disas_one(a);

		if (!len)
			break;
		a += (uint32_t)len;
	}
	mon_pr("cache:\n");
	for (a = (uint32_t)b->code; a < (uint32_t)b->code + b->code_len;) {
		struct dt_exit *x = dt_stub_at(a);
		struct dt_insn d;
		char text[96];

		if (x) {
			mon_pr("%08x: int 0xe0 ; exit %s", a, x->kind < 6 ? exit_names[x->kind] : "?");
			if (x->kind == DTX_BRANCH || x->kind == DTX_STEP_END)
				mon_pr(" -> %08x%s", x->target, x->linked ? " (chained)" : "");
			else if (x->kind != DTX_IND)
				mon_pr(" at %08x", x->eip);
			mon_pr("\n");
			a += DT_STUB_SIZE;
			continue;
		}
		if (dt_decode((const uint8_t *)a, DT_MAX_LEN, &d) != DT_OK) {
			mon_pr("%08x: %02x (bad)\n", a, *(const uint8_t *)a);
			a++;
			continue;
		}
		dt_print(&d, a, text, sizeof(text));
		mon_pr("%08x: %s\n", a, text);
		a += d.len;
	}
}

void mon_cmd_last(char *args)
{
	uint32_t n = 16, got, e[16];
	char sym[80];

	mon_arg_hex(&args, &n);
	got = (uint32_t)diag_recent(e, n < 16 ? (int)n : 16);
	mon_pr("last %u guest addresses hv dispatched to, newest first "
	   "(chained jumps do not pass through hv):\n", got);
	for (uint32_t i = 0; i < got; i++) {
		diag_symbol(e[i], sym, sizeof(sym));
		mon_pr("  %08x%s\n", e[i], sym);
	}
}

/* Runs hv's own counter printers onto the monitor's port. */
void mon_with_log(void (*fn)(void))
{
	int saved = log_level;

	console_divert = mon_putc_raw;
	if (log_level < LOG_INFO)
		log_level = LOG_INFO;
	fn();
	log_level = saved;
	console_divert = 0;
}

void mon_all_stats(void)
{
	dt_print_stats();
	emul_print_stats();
	guest_print_stats();
}

static void dev_line(const char *text)
{
	mon_pr("%s\n", text);
}

void mon_cmd_dev(void)
{
	static const char *const dev_names[DEVK_COUNT] = { "pic", "pit", "com1", "com2", "rtc",
							   "kbd", "pci" };
	static const char *const modes[] = { "default", "pass", "emulate", "hide" };
	static const char *const ports[] = { "off", "com1", "com2", "com3", "com4" };

	mon_pr("devices:");
	for (int k = 0; k < DEVK_COUNT; k++)
		mon_pr(" %s=%s", dev_names[k], modes[dbg_config.dev_mode[k] & 3]);
	mon_pr("\n");
	mon_pr("interrupt controllers: emulated, guest IF %s=%d, interrupt pending=%d, "
	       "real PIC IMR=%02x/%02x\n",
	   intc_real_if_follows_guest() ? "in the real IF" : "virtual",
	   (vcpu.vflags & FL_IF) != 0, intc_pending(), inb(0x21), inb(0xA1));
	apic_print(dev_line);
	mon_pr("debug: monitor=%s%s gdb=%s; breakpoints %d, watchpoints %d\n",
	   ports[dbg_config.monitor], mon_mux_port ? " (shared with the guest)" : "",
	   ports[dbg_config.gdb], dbg.nbp, dbg.nwatch);
}

void mon_cmd_bp(char *args, int set)
{
	uint32_t a;

	if (!mon_arg_hex(&args, &a)) {
		mon_pr("usage: %s ADDR\n", set ? "b" : "bd");
		return;
	}
	if ((set ? dbg_bp_set(a, DBG_MONITOR, 0) : dbg_bp_clear(a)) < 0)
		mon_pr(set ? "too many breakpoints\n" : "no breakpoint at %08x\n", a);
	else
		mon_pr("breakpoint %s at %08x\n", set ? "set" : "deleted", a);
}

void mon_cmd_watch(char *args, int set)
{
	uint32_t a, len = 4;

	if (!mon_arg_hex(&args, &a)) {
		mon_pr("usage: %s ADDR [LEN]\n", set ? "w" : "wd");
		return;
	}
	mon_arg_hex(&args, &len);
	if ((set ? dbg_watch_set(a, len) : dbg_watch_clear(a, len)) < 0)
		mon_pr("cannot %s a watchpoint at %08x len %x\n", set ? "set" : "delete", a, len);
	else
		mon_pr("watchpoint %s at %08x len %x\n", set ? "set" : "deleted", a, len);
}

void mon_reboot(void)
{
	mon_pr("rebooting\n");
	outb(0x64, 0xFE);		/* i8042: pulse the reset line */
	outb(0xCF9, 0x06);		/* PCI reset control: hard reset */
	__asm__ volatile("lidt %0; int3" : : "m"((uint64_t){ 0 }));	/* triple fault */
	halt_forever();
}
