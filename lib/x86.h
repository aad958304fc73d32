/*
 * IA-32 architectural definitions, each layout defined once (Intel SDM
 * vol. 3A: 2.5 control registers, 3.4.5 segment descriptors, 4.3 32-bit
 * paging, 6.11 IDT descriptors, 7.2.1 TSS; vol. 1 3.4.3 EFLAGS).
 * Assembly includes this file too (with ASM_FILE defined), so the C-only
 * parts sit behind #ifndef ASM_FILE.
 */
#ifndef LIB_X86_H
#define LIB_X86_H

/* EFLAGS */
#define FL_CF		0x00000001
#define FL_FIXED	0x00000002	/* bit 1 always reads 1 */
#define FL_PF		0x00000004
#define FL_AF		0x00000010
#define FL_ZF		0x00000040
#define FL_SF		0x00000080
#define FL_TF		0x00000100
#define FL_IF		0x00000200
#define FL_DF		0x00000400
#define FL_OF		0x00000800
#define FL_IOPL_MASK	0x00003000
#define FL_IOPL_SHIFT	12
#define FL_NT		0x00004000
#define FL_RF		0x00010000
#define FL_VM		0x00020000
#define FL_AC		0x00040000
#define FL_VIF		0x00080000
#define FL_VIP		0x00100000
#define FL_ID		0x00200000

/* CR0 */
#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_TS		0x00000008
#define CR0_ET		0x00000010
#define CR0_NE		0x00000020
#define CR0_WP		0x00010000
#define CR0_AM		0x00040000
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000

/* CR4 */
#define CR4_VME		0x00000001
#define CR4_PVI		0x00000002
#define CR4_TSD		0x00000004
#define CR4_DE		0x00000008
#define CR4_PSE		0x00000010
#define CR4_PAE		0x00000020
#define CR4_MCE		0x00000040
#define CR4_PGE		0x00000080
#define CR4_PCE		0x00000100
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400

/* 32-bit paging entries (PDE and PTE share the low bits) */
#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_U		0x004
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_A		0x020
#define PTE_D		0x040
#define PTE_PS		0x080	/* in a PDE: 4 MiB page */
#define PTE_G		0x100
#define PTE_ADDR	0xFFFFF000
#define PDE_ADDR_4M	0xFFC00000
#define PAGE_SIZE	4096
#define PAGE_SHIFT	12
#define PGDIR_SHIFT	22
#define LARGE_PAGE_SIZE	0x400000

/* Exception vectors (SDM vol. 3A table 6-1) */
#define EXC_DE		0
#define EXC_DB		1
#define EXC_NMI		2
#define EXC_BP		3
#define EXC_OF		4
#define EXC_BR		5
#define EXC_UD		6
#define EXC_NM		7
#define EXC_DF		8
#define EXC_TS		10
#define EXC_NP		11
#define EXC_SS		12
#define EXC_GP		13
#define EXC_PF		14
#define EXC_MF		16
#define EXC_AC		17
#define EXC_MC		18
#define EXC_XM		19
/* Vectors for which the CPU pushes an error code. */
#define EXC_HAS_ERRCODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
	 (v) == 29 || (v) == 30)

/* #PF error code bits */
#define PFEC_P		0x01
#define PFEC_W		0x02
#define PFEC_U		0x04
#define PFEC_RSVD	0x08
#define PFEC_I		0x10

/* Segment selectors */
#define SEL_RPL_MASK	3
#define SEL_TI		4
#define SEL_INDEX(s)	((s) >> 3)

/* Descriptor access byte (bits 40-47 of a descriptor) */
#define DESC_P		0x80
#define DESC_DPL(d)	((d) << 5)
#define DESC_S		0x10	/* code/data (1) or system (0) */
#define DESC_CODE	0x08	/* with S: executable */
#define DESC_DC		0x04	/* code: conforming; data: expand-down */
#define DESC_RW		0x02	/* code: readable; data: writable */
#define DESC_ACC	0x01	/* accessed */
/* System descriptor types (S = 0) */
#define SYS_TSS32_AVAIL	0x9
#define SYS_TSS32_BUSY	0xB
#define SYS_LDT		0x2
#define SYS_CALLGATE32	0xC
#define SYS_INTGATE32	0xE
#define SYS_TRAPGATE32	0xF
#define SYS_TASKGATE	0x5
/* Flags nibble (bits 52-55) */
#define DESC_G		0x8	/* limit in 4 KiB units */
#define DESC_DB		0x4	/* 32-bit segment */

/* I/O ports the project relies on */
#define PORT_DEBUG_EXIT	0xF4	/* QEMU isa-debug-exit: exit status (v << 1) | 1 */
#define PORT_E9		0xE9	/* QEMU/Bochs debug console */
#define PORT_BOCHS_SHUTDOWN 0x8900	/* Bochs: "Shutdown" written byte by byte ends it */
#define PORT_COM1	0x3F8
#define PORT_COM2	0x2F8

#ifndef ASM_FILE
#include <stdint.h>

/*
 * A segment descriptor built from its parts (SDM vol. 3A fig. 3-8).
 * access: DESC_* bits of byte 5; flags: DESC_G / DESC_DB.
 */
#define SEG_DESC(base, limit, access, flags)                                  \
	((uint64_t)((limit) & 0xFFFF) |                                       \
	 ((uint64_t)((base) & 0xFFFFFF) << 16) |                              \
	 ((uint64_t)((access) & 0xFF) << 40) |                                \
	 ((uint64_t)(((limit) >> 16) & 0xF) << 48) |                          \
	 ((uint64_t)((flags) & 0xF) << 52) |                                  \
	 ((uint64_t)(((base) >> 24) & 0xFF) << 56))

/* An interrupt/trap gate (SDM vol. 3A fig. 6-2). type: SYS_*GATE32. */
#define GATE_DESC(sel, off, type, dpl)                                        \
	((uint64_t)((off) & 0xFFFF) | ((uint64_t)((sel) & 0xFFFF) << 16) |    \
	 ((uint64_t)(DESC_P | DESC_DPL(dpl) | (type)) << 40) |                \
	 ((uint64_t)(((off) >> 16) & 0xFFFF) << 48))

static inline uint32_t desc_base(uint64_t d)
{
	return (uint32_t)((d >> 16) & 0xFFFFFF) | (uint32_t)((d >> 56) << 24);
}

/* The limit in bytes - 1, with the granularity applied. */
static inline uint32_t desc_limit(uint64_t d)
{
	uint32_t lim = (uint32_t)(d & 0xFFFF) | (uint32_t)((d >> 32) & 0xF0000);

	if (d & ((uint64_t)DESC_G << 52))
		lim = (lim << 12) | 0xFFF;
	return lim;
}

/* The 32-bit TSS (SDM vol. 3A fig. 7-2). */
struct tss32 {
	uint16_t link, _r0;
	uint32_t esp0;
	uint16_t ss0, _r1;
	uint32_t esp1;
	uint16_t ss1, _r2;
	uint32_t esp2;
	uint16_t ss2, _r3;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, _r4, cs, _r5, ss, _r6, ds, _r7, fs, _r8, gs, _r9;
	uint16_t ldt, _r10;
	uint16_t trap;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss32) == 104, "TSS layout");

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR_ACCESS(n)                                                   \
	static inline uint32_t read_cr##n(void)                               \
	{                                                                     \
		uint32_t v;                                                   \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));             \
		return v;                                                     \
	}                                                                     \
	static inline void write_cr##n(uint32_t v)                            \
	{                                                                     \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");    \
	}
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

static inline uint32_t read_eflags(void)
{
	uint32_t v;

	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void lgdt(const struct dtr *d)
{
	__asm__ volatile("lgdt %0" : : "m"(*d));
}

static inline void lidt(const struct dtr *d)
{
	__asm__ volatile("lidt %0" : : "m"(*d));
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* RDMSR/WRMSR of hv's own (an MSR the CPU lacks faults: #GP). */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Ends Bochs (its shutdown port); a no-op elsewhere. */
static inline void bochs_shutdown(void)
{
	for (const char *s = "Shutdown"; *s; s++)
		outb(PORT_BOCHS_SHUTDOWN, (uint8_t)*s);
}

/*
 * Leaves the emulator: QEMU's isa-debug-exit with status (code << 1) | 1,
 * else Bochs's shutdown port (no status; each is a no-op on the other).
 * Returns on a machine that has neither.
 */
static inline void emu_exit(uint8_t code)
{
	outb(PORT_DEBUG_EXIT, code);
	bochs_shutdown();
}

static inline void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif /* !ASM_FILE */

#endif
