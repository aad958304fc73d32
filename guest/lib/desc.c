/*
 * GDT, IDT and TSS of the guest (see desc.h).  SDM vol. 3A 3.4.5 (segment
 * descriptors), 3.5.1 (GDTR), 6.10-6.11 (IDTR, gate descriptors), 7.2.1
 * and 7.2.2 (32-bit TSS and its descriptor), 16.5.2 (I/O permission
 * bitmap: a set bit denies the port; the byte after the map must be 0xFF).
 */
#include "guest/lib/desc.h"

#include <stddef.h>

#include "guest/lib/cpu.h"
#include "guest/lib/trap.h"
#include "lib/string.h"

#define KSTACK_SIZE	8192

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
uint64_t idt[IDT_ENTRIES] __attribute__((aligned(8)));
struct guest_tss tss __attribute__((aligned(128)));
static uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));

static int default_gate_dpl(int vec)
{
	/* Ring 3 may raise #BP (INT3), #OF (INTO) and system calls. */
	return vec == EXC_BP || vec == EXC_OF || vec == VEC_SYSCALL ? 3 : 0;
}

void gdt_set(int index, uint64_t desc)
{
	gdt[index] = desc;
}

uint64_t gdt_get(int index)
{
	return gdt[index];
}

void idt_set(int vec, uint64_t desc)
{
	idt[vec] = desc;
}

uint64_t idt_get(int vec)
{
	return idt[vec];
}

void idt_set_gate(int vec, const void *handler, int type, int dpl)
{
	idt[vec] = GATE_DESC(SEL_KCODE, (uint32_t)handler, type, dpl);
}

void idt_restore(int vec)
{
	idt_set_gate(vec, (const void *)trap_vector_table[vec], SYS_INTGATE32,
		     default_gate_dpl(vec));
}

void idt_load_limit(uint16_t limit)
{
	struct dtr d = { limit, (uint32_t)idt };

	lidt(&d);
}

uint32_t tss_esp0(void)
{
	return tss.t.esp0;
}

void tss_io_allow(uint16_t port, int allow)
{
	if (allow)
		tss.iopb[port / 8] &= ~(1 << (port % 8));
	else
		tss.iopb[port / 8] |= 1 << (port % 8);
}

void desc_init(void)
{
	struct dtr g = { sizeof(gdt) - 1, (uint32_t)gdt };

	memset(gdt, 0, sizeof(gdt));
	gdt[GDT_KCODE] = SEG_DESC(0, FLAT_LIMIT, ACC_CODE(0), FLAT_FLAGS);
	gdt[GDT_KDATA] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0), FLAT_FLAGS);
	gdt[GDT_UCODE] = SEG_DESC(0, FLAT_LIMIT, ACC_CODE(3), FLAT_FLAGS);
	gdt[GDT_UDATA] = SEG_DESC(0, FLAT_LIMIT, ACC_DATA(3), FLAT_FLAGS);

	memset(&tss, 0, sizeof(tss));
	tss.t.ss0 = SEL_KDATA;
	tss.t.esp0 = (uint32_t)(kstack + sizeof(kstack));
	tss.t.iomap_base = offsetof(struct guest_tss, iopb);
	memset(tss.iopb, 0xFF, sizeof(tss.iopb));	/* all ports denied */
	gdt[GDT_TSS] = SEG_DESC((uint32_t)&tss, sizeof(tss) - 1,
				DESC_P | DESC_DPL(0) | SYS_TSS32_AVAIL, 0);

	lgdt(&g);
	/* Reload CS with a far jump, then the data segments. */
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_KCODE) : "memory");
	load_ds(SEL_KDATA);
	load_es(SEL_KDATA);
	load_fs(SEL_KDATA);
	load_gs(SEL_KDATA);
	load_ss(SEL_KDATA);
	ltr(SEL_TSS);
	lldt(0);

	for (int v = 0; v < IDT_ENTRIES; v++)
		idt_restore(v);
	idt_load_limit(IDT_LIMIT);
}
