/*
 * hv's GDT, its TSS, and a separate task for double faults (SDM vol. 3A
 * 3.4.5 descriptors, 7.2 TSS, 6.15 "Interrupt 8": a #DF through a task gate
 * gets a fresh stack and CR3 even when hv's own stack is what broke).
 */
#include "monitor/gdt.h"

#include "lib/bootinfo.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "monitor/vcpu.h"
#include "drivers/ioport.h"

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
uint64_t hv_ldt[GDT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
struct hv_tss_io hv_tss_io __attribute__((aligned(128)));
static struct tss32 df_tss __attribute__((aligned(128)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));

#define GDT_SET(sel, desc) (gdt[SEL_INDEX(sel)] = (desc))

/*
 * The double-fault task.  The CPU saved the faulting context in hv_tss
 * (the previous task), so that is what we print.
 */
static void __attribute__((noreturn)) df_task(void)
{
	struct trapframe tf = {
		.eax = hv_tss.eax, .ebx = hv_tss.ebx, .ecx = hv_tss.ecx,
		.edx = hv_tss.edx, .esi = hv_tss.esi, .edi = hv_tss.edi,
		.ebp = hv_tss.ebp, .eip = hv_tss.eip, .eflags = hv_tss.eflags,
		.cs = hv_tss.cs, .ds = hv_tss.ds, .es = hv_tss.es,
		.fs = hv_tss.fs, .gs = hv_tss.gs, .vector = EXC_DF,
	};

	/* The stack ran into its guard page (linker.ld): the #PF could not
	   be delivered on it. */
	if (hv_tss.esp >= (uint32_t)hv_stack_guard && hv_tss.esp < (uint32_t)hv_stack_bottom + 256)
		panic_tf(&tf, "double fault: hv's stack overflowed (esp=%08x, guard page %08x)",
			 hv_tss.esp, (uint32_t)hv_stack_guard);
	panic_tf(&tf, "double fault (hv stack esp=%08x)", hv_tss.esp);
}

void gdt_init(void)
{
	struct dtr d = { sizeof(uint64_t) * GDT_ENTRIES - 1, (uint32_t)gdt };

	/* Flat 4 GiB ring-0 code and data for hv. */
	GDT_SET(SEL_HV_CS, SEG_DESC(0, 0xFFFFF, DESC_P | DESC_DPL(0) | DESC_S |
				    DESC_CODE | DESC_RW, DESC_G | DESC_DB));
	GDT_SET(SEL_HV_DS, SEG_DESC(0, 0xFFFFF, DESC_P | DESC_DPL(0) | DESC_S |
				    DESC_RW, DESC_G | DESC_DB));

	/* Translated guest code: flat ring-1 code, and %gs on the fast area. */
	GDT_SET(SEL_R1_CS, SEG_DESC(0, 0xFFFFF, DESC_P | DESC_DPL(1) | DESC_S |
				    DESC_CODE | DESC_RW | DESC_ACC, DESC_G | DESC_DB));
	GDT_SET(SEL_R1_GS, SEG_DESC((uint32_t)&dt_fast, sizeof(dt_fast) - 1,
				    DESC_P | DESC_DPL(1) | DESC_S | DESC_RW | DESC_ACC,
				    DESC_DB));

	/* hv owns the SYSENTER MSRs: with CS 0 a ring-3 SYSENTER is a #GP,
	   which hv turns into the guest's SYSENTER (emul_seg.c). */
	__asm__ volatile("wrmsr" : : "c"(0x174), "a"(0), "d"(0));

	/* The I/O bitmap follows the TSS; its last byte must be all ones. */
	memset(&hv_tss_io, 0, sizeof(hv_tss_io));
	hv_tss.ss0 = SEL_HV_DS;
	hv_tss.esp0 = (uint32_t)hv_stack_top;
	hv_tss.iomap_base = sizeof(struct tss32);
	io_fill_bitmap(hv_tss_io.iomap);
	hv_tss_io.iomap_end = 0xFF;
	GDT_SET(SEL_HV_TSS, SEG_DESC((uint32_t)&hv_tss_io, sizeof(hv_tss_io) - 1,
				     DESC_P | SYS_TSS32_AVAIL, 0));

	memset(&df_tss, 0, sizeof(df_tss));
	df_tss.eip = (uint32_t)df_task;
	df_tss.esp = df_tss.esp0 = (uint32_t)(df_stack + sizeof(df_stack));
	df_tss.cs = SEL_HV_CS;
	df_tss.ss = df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = SEL_HV_DS;
	df_tss.ss0 = SEL_HV_DS;
	df_tss.eflags = FL_FIXED;
	df_tss.iomap_base = sizeof(df_tss);
	GDT_SET(SEL_HV_DFTSS, SEG_DESC((uint32_t)&df_tss, sizeof(df_tss) - 1,
				       DESC_P | SYS_TSS32_AVAIL, 0));

	/* The real LDT holds shadows of the guest LDT's loaded entries. */
	GDT_SET(SEL_HV_LDT, SEG_DESC((uint32_t)hv_ldt, sizeof(hv_ldt) - 1,
				     DESC_P | SYS_LDT, 0));

	lgdt(&d);
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_HV_CS));
	__asm__ volatile("movw %w0, %%ds; movw %w0, %%es; movw %w0, %%ss;"
			 "movw %w0, %%fs; movw %w0, %%gs"
			 : : "r"(SEL_HV_DS));
	ltr(SEL_HV_TSS);
	__asm__ volatile("lldt %w0" : : "r"(SEL_HV_LDT));
}

void gdt_refresh_iomap(void)
{
	io_fill_bitmap(hv_tss_io.iomap);
	/* The same for translated I/O (IOPL 1 at ring 1 skips the bitmap). */
	for (uint32_t p = 0; p < 65536; p++)
		dt_fast.io_exit[p] = (uint8_t)io_intercepted((uint16_t)p,
							   p > 65532 ? (int)(65536 - p) : 4);
}

void gdt_refresh_ports(uint16_t lo, uint16_t hi)
{
	io_fill_bitmap(hv_tss_io.iomap);
	/* An access of up to 4 bytes from p reaches [lo, hi] from lo - 3. */
	for (uint32_t p = lo > 3 ? lo - 3u : 0; p <= hi; p++)
		dt_fast.io_exit[p] = (uint8_t)io_intercepted((uint16_t)p,
							   p > 65532 ? (int)(65536 - p) : 4);
}

/* CR3 can change after relocation; the #DF task must use the current one. */
void gdt_set_df_cr3(uint32_t cr3)
{
	df_tss.cr3 = cr3;
}
