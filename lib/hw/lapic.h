/*
 * The local APIC registers hv uses for its wake-up timer (Intel SDM vol.
 * 3A, 10.4 "Local APIC", 10.5.4 "APIC timer"; register offsets from the
 * APIC base, table 10-1).
 */
#ifndef HW_LAPIC_H
#define HW_LAPIC_H

#define MSR_APIC_BASE		0x1B
#define APIC_BASE_ENABLE	0x800	/* global enable */
#define APIC_BASE_ADDR		0xFFFFF000
#define CPUID1_EDX_APIC		(1u << 9)

#define LAPIC_ID		0x020
#define LAPIC_EOI		0x0B0
#define LAPIC_SVR		0x0F0	/* spurious vector; bit 8 software enable */
#define LAPIC_SVR_ENABLE	0x100
#define LAPIC_ISR		0x100	/* 8 registers, 0x10 apart: vectors 32n..32n+31 */
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3E0
#define LAPIC_LVT_MASKED	0x10000
#define LAPIC_DM_NMI		0x400
#define LAPIC_DM_EXTINT		0x700
#define LAPIC_DIV_16		0x3

#endif
