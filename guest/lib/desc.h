/*
 * The guest's own descriptor tables: GDT layout and selectors, IDT, TSS
 * (SDM vol. 3A 3.4-3.5 segment descriptors, 6.10-6.11 the IDT, 7.2 the
 * TSS).  Assembly includes this file too (ASM_FILE).
 *
 * GDT slots:
 *   0 null, 1 ring-0 code, 2 ring-0 data, 3 ring-3 code, 4 ring-3 data,
 *   5 the TSS, 6..GDT_ENTRIES-1 free for tests (gdt_set).
 * All flat (base 0, limit 4 GiB), 32-bit, accessed bit preset so the CPU
 * never writes to the table on its own for the library's selectors.
 */
#ifndef GUEST_DESC_H
#define GUEST_DESC_H

#define GDT_KCODE	1
#define GDT_KDATA	2
#define GDT_UCODE	3
#define GDT_UDATA	4
#define GDT_TSS		5
#define GDT_FREE	6	/* first slot tests may fill */
#define GDT_ENTRIES	32

/* A selector from a GDT index and an RPL. */
#define SEL(index, rpl)	(((index) << 3) | (rpl))
#define SEL_KCODE	SEL(GDT_KCODE, 0)
#define SEL_KDATA	SEL(GDT_KDATA, 0)
#define SEL_UCODE	SEL(GDT_UCODE, 3)
#define SEL_UDATA	SEL(GDT_UDATA, 3)
#define SEL_TSS		SEL(GDT_TSS, 0)

#define IDT_ENTRIES	256
#define VEC_SYSCALL	0x80	/* int 0x80: the library's system calls */

/* I/O permission bitmap size: one bit per port, plus the 0xFF end byte. */
#define IOPB_BYTES	(65536 / 8)

#ifndef ASM_FILE
#include <stdint.h>
#include "lib/x86.h"

/* Flat 4 GiB segment access bytes, with the accessed bit preset. */
#define ACC_CODE(dpl)	(DESC_P | DESC_DPL(dpl) | DESC_S | DESC_CODE | DESC_RW | DESC_ACC)
#define ACC_DATA(dpl)	(DESC_P | DESC_DPL(dpl) | DESC_S | DESC_RW | DESC_ACC)
#define FLAT_LIMIT	0xFFFFF			/* with DESC_G: 4 GiB */
#define FLAT_FLAGS	(DESC_G | DESC_DB)

struct guest_tss {
	struct tss32 t;
	uint8_t iopb[IOPB_BYTES + 1];
} __attribute__((packed));

extern uint64_t gdt[GDT_ENTRIES];
extern uint64_t idt[IDT_ENTRIES];
extern struct guest_tss tss;

/* Builds and loads GDT, IDT and TSS; reloads every segment register. */
void desc_init(void);

void gdt_set(int index, uint64_t desc);
uint64_t gdt_get(int index);
/* The descriptor a selector names in the GDT (no checks). */
static inline uint64_t *gdt_entry(uint16_t sel)
{
	return &gdt[SEL_INDEX(sel)];
}

/* Installs an interrupt/trap gate to `handler` in the ring-0 code segment. */
void idt_set_gate(int vec, const void *handler, int type, int dpl);
void idt_set(int vec, uint64_t desc);
uint64_t idt_get(int vec);
/* Puts the library's own gate for `vec` back. */
void idt_restore(int vec);
/* Loads IDTR with the library's IDT and the given limit (tests shrink it). */
void idt_load_limit(uint16_t limit);
#define IDT_LIMIT	(IDT_ENTRIES * 8 - 1)

/* Ring-0 stack used on entry from ring 3 (TSS.ESP0). */
uint32_t tss_esp0(void);
/* Lets ring 3 (with CPL > IOPL) use one port, or denies it again. */
void tss_io_allow(uint16_t port, int allow);
#endif

#endif
