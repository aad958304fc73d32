/*
 * Guest-only CPU helpers that lib/x86.h does not have: segment
 * register access, the descriptor-table and task registers, EFLAGS writes,
 * interrupt control, and the descriptor-checking instructions
 * (SDM vol. 2: LAR, LSL, VERR, VERW, SGDT, SIDT, SLDT, STR, SMSW, LLDT).
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdint.h>
#include "lib/x86.h"

#define DEFINE_SEG_ACCESS(r)                                                  \
	static inline uint16_t read_##r(void)                                 \
	{                                                                     \
		uint16_t v;                                                   \
		__asm__ volatile("movw %%" #r ", %0" : "=r"(v));              \
		return v;                                                     \
	}                                                                     \
	static inline void load_##r(uint16_t v)                               \
	{                                                                     \
		__asm__ volatile("movw %0, %%" #r : : "r"(v) : "memory");     \
	}
DEFINE_SEG_ACCESS(ds)
DEFINE_SEG_ACCESS(es)
DEFINE_SEG_ACCESS(fs)
DEFINE_SEG_ACCESS(gs)
DEFINE_SEG_ACCESS(ss)
#undef DEFINE_SEG_ACCESS

static inline uint16_t read_cs(void)
{
	uint16_t v;

	__asm__ volatile("movw %%cs, %0" : "=r"(v));
	return v;
}

static inline void write_eflags(uint32_t v)
{
	__asm__ volatile("pushl %0; popfl" : : "r"(v) : "memory", "cc");
}

static inline void cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void sgdt(struct dtr *d)
{
	__asm__ volatile("sgdt %0" : "=m"(*d));
}

static inline void sidt(struct dtr *d)
{
	__asm__ volatile("sidt %0" : "=m"(*d));
}

static inline uint16_t sldt(void)
{
	uint16_t v;

	__asm__ volatile("sldt %0" : "=r"(v));
	return v;
}

static inline void lldt(uint16_t sel)
{
	__asm__ volatile("lldt %0" : : "r"(sel));
}

static inline uint16_t str(void)
{
	uint16_t v;

	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

/* SMSW to memory: exactly CR0[15:0] (a 32-bit register destination leaves
 * bits 31:16 undefined, SDM vol. 2 SMSW). */
static inline uint16_t smsw(void)
{
	uint16_t v;

	__asm__ volatile("smsw %0" : "=m"(v));
	return v;
}

/*
 * LAR/LSL/VERR/VERW report validity in ZF.  Each returns 1 when ZF was
 * set; LAR/LSL store the result only then (the destination is otherwise
 * left alone, here preloaded with `*out`).
 */
static inline int lar(uint16_t sel, uint32_t *out)
{
	uint8_t ok;

	__asm__ volatile("larl %2, %0; setz %1"
			 : "+r"(*out), "=q"(ok) : "r"((uint32_t)sel) : "cc");
	return ok;
}

static inline int lsl(uint16_t sel, uint32_t *out)
{
	uint8_t ok;

	__asm__ volatile("lsll %2, %0; setz %1"
			 : "+r"(*out), "=q"(ok) : "r"((uint32_t)sel) : "cc");
	return ok;
}

static inline int verr(uint16_t sel)
{
	uint8_t ok;

	__asm__ volatile("verr %1; setz %0" : "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

static inline int verw(uint16_t sel)
{
	uint8_t ok;

	__asm__ volatile("verw %1; setz %0" : "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

/* The arithmetic flags, for tests that compare flag results. */
#define FL_ARITH	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

#endif
