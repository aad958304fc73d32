/*
 * hv's place in the linear and physical address spaces (see
 * docs/ARCHITECTURE.md, "Memory").  Assembly includes this file too.
 *
 * Linear: hv owns [HV_BASE, 4 GiB) in every address space.
 *   HV_BASE             hv's image (text, data, bss), at most HV_IMAGE_MAX
 *   HV_CACHE_BASE       the code cache (translated guest code, run at ring 1)
 *   HV_META_BASE        the translator's records (blocks, exits, pcmaps)
 *   HV_POOL_BASE        hv's frame pool, mapped 1:1 onto its physical frames
 * Physical: hv moves its image, its modules, its cache and its pool to the top of RAM
 * below 4 GiB; low memory is left to the guest.
 */
#ifndef LIB_LAYOUT_H
#define LIB_LAYOUT_H

#define HV_BASE		0xFF000000	/* also in linker.ld */
#define HV_IMAGE_MAX	0x00400000	/* one boot page table maps it */
#define HV_CACHE_BASE	0xFF400000	/* code cache: 4 MiB */
#define HV_CACHE_MAX	0x00400000
#define HV_META_BASE	0xFF800000	/* translator records: 4 MiB */
#define HV_META_SIZE	0x00400000
#define HV_POOL_BASE	0xFFC00000	/* pool window: 4 MiB up to 4 GiB */
#define HV_POOL_MAX	0x00400000
#define HV_PDE_FIRST	(HV_BASE >> 22)	/* 1020: first PDE of hv's region */
#define HV_PDE_COUNT	4		/* 16 MiB / 4 MiB */

#define HV_STACK_SIZE	0x4000		/* hv's boot/trap stack */
#define HV_POOL_DEFAULT	0x00400000	/* default pool size (hvmem=) */
#define HV_CACHE_DEFAULT HV_CACHE_MAX	/* default code cache size (dtcache=) */

/*
 * hv's descriptors live in the last slots of a full-size (8192-entry) GDT,
 * so that a guest's table, shadowed into the low slots later, never meets
 * them.
 */
#define GDT_ENTRIES	8192
#define HV_GDT_FIRST	8184
#define SEL_HV_CS	((HV_GDT_FIRST + 0) << 3)
#define SEL_HV_DS	((HV_GDT_FIRST + 1) << 3)
#define SEL_HV_TSS	((HV_GDT_FIRST + 2) << 3)
#define SEL_HV_DFTSS	((HV_GDT_FIRST + 3) << 3)
/* Ring-1 segments for translated guest code (RPL 1). */
#define SEL_R1_CS	(((HV_GDT_FIRST + 4) << 3) | 1)	/* flat code, DPL 1 */
#define SEL_R1_GS	(((HV_GDT_FIRST + 5) << 3) | 1)	/* the vcpu fast area */
#define SEL_HV_LDT	((HV_GDT_FIRST + 6) << 3)	/* shadow of the guest's LDT */
/* Ring-3 code for reloading null selectors (monitor/user3.c), DPL 3. */
#define SEL_U3_CS	(((HV_GDT_FIRST + 7) << 3) | 3)

/*
 * Vectors of hv's real IDT.  They are hv's alone: the guest's vectors are
 * virtual (every vector it programs anywhere is delivered through its own
 * IDT as it set it), so these may be any it also uses.
 */
#define VEC_IRQ_BASE	0x20		/* the real 8259s (IRQ 0-15) */
#define VEC_USER_SYSCALL 0x80		/* guest user code's int $0x80 (gate DPL 3) */
#define VEC_IOAPIC_BASE	0xC0		/* the real I/O APIC's pins (0-23) */
#define VEC_DT_EXIT	0xE0		/* translated code calls hv (gate DPL 1) */
#define VEC_HV_KICK	0xF0		/* hv's self-IPI: the guest enabled interrupts */
#define VEC_HV_TIMER	0xF1		/* hv's wake-up: the real local APIC's timer */
#define VEC_HV_SPURIOUS	0xFF		/* the real local APIC's spurious vector */

#endif
