/*
 * The local APIC in xAPIC mode, as hv's driver, the guest's model and the
 * test guests see it (Intel SDM vol. 3A chapter 10: 10.4.1 table 10-1
 * "Local APIC Register Address Map", 10.5.1 the LVT, 10.5.4 the timer,
 * 10.6.1 the ICR, 10.8.3.1 TPR/PPR, 10.9 the SVR; 10.4.4 IA32_APIC_BASE).
 * Register offsets are from the APIC base; every register is 32 bits at a
 * 16-byte-aligned offset.
 */
#ifndef HW_LAPIC_H
#define HW_LAPIC_H

#define MSR_APIC_BASE		0x1B
#define APIC_BASE_BSP		0x100	/* this is the bootstrap processor */
#define APIC_BASE_EXTD		0x400	/* x2APIC mode */
#define APIC_BASE_ENABLE	0x800	/* global enable */
#define APIC_BASE_ADDR		0xFFFFF000
#define APIC_BASE_DEFAULT	0xFEE00000u
/* Bits 0-7, 9 and MAXPHYADDR-63 are reserved (10.4.4). */
#define APIC_BASE_RESERVED_LO	0x2FF
#define MSR_TSC_DEADLINE	0x6E0
#define CPUID1_EDX_APIC		(1u << 9)
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)

/* Registers (table 10-1). */
#define LAPIC_ID		0x020	/* bits 24-31 */
#define LAPIC_ID_SHIFT		24
#define LAPIC_VERSION		0x030	/* version, max LVT entry (bits 16-23) */
#define LAPIC_VER_MAXLVT_SHIFT	16
#define LAPIC_TPR		0x080
#define LAPIC_APR		0x090
#define LAPIC_PPR		0x0A0
#define LAPIC_EOI		0x0B0
#define LAPIC_RRD		0x0C0
#define LAPIC_LDR		0x0D0	/* logical ID: bits 24-31 */
#define LAPIC_DFR		0x0E0	/* model: bits 28-31, 0xF flat, 0x0 cluster */
#define LAPIC_DFR_MODEL		0xF0000000	/* the rest reads as ones */
#define LAPIC_DFR_FLAT		0xF0000000
#define LAPIC_DFR_CLUSTER	0x00000000
#define LAPIC_SVR		0x0F0	/* spurious vector; bit 8 software enable */
#define LAPIC_ISR		0x100	/* 8 registers, 0x10 apart: vectors 32n..32n+31 */
#define LAPIC_TMR		0x180
#define LAPIC_IRR		0x200
#define LAPIC_ESR		0x280
#define LAPIC_LVT_CMCI		0x2F0
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310	/* destination: bits 24-31 */
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330
#define LAPIC_LVT_PERF		0x340
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3E0

/* The TPR, PPR, APR: priority class bits 4-7, sub-class bits 0-3 (10.8.3.1). */
#define LAPIC_PRIO_MASK		0xFF
#define LAPIC_PRIO_CLASS	0xF0

/* The SVR. */
#define LAPIC_SVR_VECTOR	0xFF
#define LAPIC_SVR_ENABLE	0x100
#define LAPIC_SVR_FOCUS_OFF	0x200

/* LVT entries (10.5.1). */
#define LAPIC_LVT_VECTOR	0xFF
#define LAPIC_LVT_DM		0x700	/* delivery mode (LINT0/1, perf, thermal, CMCI) */
#define LAPIC_LVT_PENDING	0x1000	/* delivery status */
#define LAPIC_LVT_ACTIVE_LOW	0x2000	/* LINT0/1 polarity */
#define LAPIC_LVT_REMOTE_IRR	0x4000	/* LINT0/1 */
#define LAPIC_LVT_LEVEL		0x8000	/* LINT0/1 trigger mode */
#define LAPIC_LVT_MASKED	0x10000
#define LAPIC_TIMER_MODE	0x60000	/* timer: bits 17-18 */
#define LAPIC_TIMER_ONESHOT	0x00000
#define LAPIC_TIMER_PERIODIC	0x20000
#define LAPIC_TIMER_TSCDEADLINE	0x40000
#define LAPIC_DM_FIXED		0x000
#define LAPIC_DM_LOWEST		0x100
#define LAPIC_DM_SMI		0x200
#define LAPIC_DM_NMI		0x400
#define LAPIC_DM_INIT		0x500
#define LAPIC_DM_SIPI		0x600
#define LAPIC_DM_EXTINT		0x700

/*
 * Divide configuration (figure 10-10): bits 0, 1 and 3, read as n = bit 3
 * << 2 | bits 1-0, divide by 2 << n, except that n = 7 (0xB) divides by 1.
 */
#define LAPIC_DIV_BITS		0xB
#define LAPIC_DIV_2		0x0
#define LAPIC_DIV_16		0x3
#define LAPIC_DIV_1		0xB

/* The ICR (10.6.1): vector and delivery mode as in an LVT entry. */
#define LAPIC_ICR_VECTOR	0xFF
#define LAPIC_ICR_DM		0x700
#define LAPIC_ICR_INIT		0x500
#define LAPIC_ICR_LOGICAL	0x800	/* destination mode */
#define LAPIC_ICR_PENDING	0x1000	/* delivery status */
#define LAPIC_ICR_ASSERT	0x4000
#define LAPIC_ICR_LEVEL		0x8000
#define LAPIC_ICR_SHORTHAND	0xC0000
#define LAPIC_ICR_SELF		0x40000
#define LAPIC_ICR_ALL		0x80000
#define LAPIC_ICR_ALL_BUT_SELF	0xC0000
#define LAPIC_ICR_SHORTHAND_SHIFT 18
#define LAPIC_ICR_DEST_SHIFT	24	/* in ICR_HI */

/* Vectors 0-15 are illegal in interrupt messages (10.5.2). */
#define LAPIC_FIRST_VECTOR	16

/* The ESR (10.5.3). */
#define LAPIC_ESR_SEND_ACCEPT	0x04	/* P6 and Pentium only */
#define LAPIC_ESR_SEND_ILLEGAL	0x20
#define LAPIC_ESR_RECV_ILLEGAL	0x40
#define LAPIC_ESR_ILLEGAL_REG	0x80

#endif
