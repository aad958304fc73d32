/*
 * Segments for guest user code (docs/ARCHITECTURE.md, "Guest user mode").
 *
 * Ring-3 code loads segment registers natively from the real GDT/LDT, so
 * before the guest enters ring 3 every guest descriptor hv can see gets
 * its shadow (system descriptors never: a gate or TSS in the real tables
 * would let ring 3 reach hv); after a trap from ring 3 hv reads back the
 * selectors it may have loaded.
 *
 * A descriptor whose accessed bit is clear in the guest's table is
 * shadowed not present, so that a native ring-3 load of it faults (#NP, or
 * #SS for SS) and hv makes the CPU's implicit write of the bit itself
 * (seg_user_accessed): a supervisor write, which may #PF.  Selectors in
 * the segment registers right now stay present (hv's own IRET path
 * reloads them).
 */
#include "monitor/emul.h"

#include "monitor/gdt.h"
#include "monitor/mm/mm.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

static uint32_t acc_pending[2][256 / 32];	/* [0] GDT, [1] LDT */

/*
 * What each shadow was last made from (user_shadow): entry i of
 * the real table is current while its bit in made_ok is set and the guest's
 * descriptor still reads as made_from[i].  Entries whose shadow depends on
 * more than the descriptor (accessed bit clear) are always made again.
 */
static uint64_t made_from[2][256];
static uint32_t made_ok[2][256 / 32];

int seg_user_current(uint16_t sel, uint64_t d)
{
	uint32_t i = SEL_INDEX(sel);
	int t = (sel & SEL_TI) != 0;

	/* Current means user_shadow wrote seg_shadow_desc(made_from[t][i])
	   there unchanged: every write of the real entries below 256 goes
	   through it (refresh_table, seg_user_accessed, seg_user_loaded). */
	return i < 256 && (made_ok[t][i / 32] & (1u << (i % 32))) && made_from[t][i] == d;
}

static uint64_t user_shadow(uint16_t sel, uint64_t d)
{
	uint64_t sd = seg_shadow_desc(d);
	int t = (sel & SEL_TI) != 0;
	uint32_t i = SEL_INDEX(sel);

	acc_pending[t][i / 32] &= ~(1u << (i % 32));
	made_from[t][i] = d;
	made_ok[t][i / 32] |= 1u << (i % 32);
	if (!sd || !(d & ((uint64_t)DESC_P << 40)) || (d & ((uint64_t)DESC_ACC << 40)))
		return sd;
	made_ok[t][i / 32] &= ~(1u << (i % 32));
	for (int r = 0; r < VS_COUNT; r++)
		if ((vcpu.seg[r].sel & 0xFFFC) == (sel & 0xFFFC))
			return sd;
	acc_pending[t][i / 32] |= 1u << (i % 32);
	return sd & ~((uint64_t)DESC_P << 40);
}

uint64_t seg_user_loaded(uint16_t sel, uint64_t d)
{
	/* sel is in a segment register now, so user_shadow gives what the
	   load writes, seg_shadow_desc(d), and records it. */
	if (SEL_INDEX(sel) >= 256)
		return seg_shadow_desc(d);
	return user_shadow(sel, d);
}

/* Whether the words at a and b agree (one string compare). */
static int same_words(const void *a, const void *b, uint32_t words)
{
	uint32_t ne;

	__asm__("xorl %0, %0\n\t"	/* ZF set: no words are the same words */
		"repe cmpsl\n\t"
		"setne %b0"
		: "=&a"(ne), "+S"(a), "+D"(b), "+c"(words) : : "cc", "memory");
	return !ne;
}

/*
 * Shadows table t (0 GDT, 1 LDT) of n entries at guest linear base.  An
 * entry is made again unless it is current (made_ok) and the guest's
 * descriptor is still what it was made from.  The common case, every
 * descriptor as it was, is found with one compare of the whole table
 * against made_from; then only the entries that are not current are
 * visited (a segment load since, an accessed bit pending).
 */
static void refresh_table(int t, uint32_t base, uint32_t n, uint64_t *real)
{
	static uint64_t buf[256];
	uint32_t first = t ? 0 : 1;	/* the GDT's null entry is never shadowed */
	int whole;

	if (n <= first)
		return;
	whole = gmem_read(base, buf, n * 8) == 0;
	if (whole && same_words(buf + first, made_from[t] + first, (n - first) * 2)) {
		for (uint32_t w = 0; w * 32 < n; w++) {
			uint32_t bits = ~made_ok[t][w];

			if (w == 0)
				bits &= ~((1u << first) - 1);
			if (n - w * 32 < 32)
				bits &= (1u << (n - w * 32)) - 1;
			for (; bits; bits &= bits - 1) {
				uint32_t i = w * 32 + (uint32_t)__builtin_ctz(bits);

				real[i] = user_shadow((uint16_t)(i << 3 | (t ? SEL_TI : 0)), buf[i]);
			}
		}
		return;
	}
	for (uint32_t i = first; i < n; i++) {
		uint64_t d = 0;

		if (whole)
			d = buf[i];
		else
			gmem_read(base + i * 8, &d, 8);	/* what can be read */
		if ((made_ok[t][i / 32] & (1u << (i % 32))) && made_from[t][i] == d)
			continue;
		real[i] = user_shadow((uint16_t)(i << 3 | (t ? SEL_TI : 0)), d);
	}
}

void seg_refresh_shadows(void)
{
	uint32_t n = ((uint32_t)vcpu.gdtr.limit + 1) / 8;

	refresh_table(0, vcpu.gdtr.base, n > 256 ? 256 : n, gdt);
	if (vcpu.ldtr.valid) {
		n = (vcpu.ldtr.limit + 1) / 8;
		refresh_table(1, vcpu.ldtr.base, n > 256 ? 256 : n, hv_ldt);
	}
}

int seg_user_accessed(struct trapframe *tf, struct fault *f)
{
	uint16_t sel = (uint16_t)tf->errcode;
	uint32_t i = SEL_INDEX(sel), la;
	int t = (sel & SEL_TI) != 0;
	uint64_t d;
	uint8_t access;
	int r;

	if ((tf->errcode & 3) || i >= 256 || !(acc_pending[t][i / 32] & (1u << (i % 32))))
		return 0;
	if (seg_read_desc(sel, &d) || seg_desc_addr(sel, &la))
		return 0;
	if (!(d & ((uint64_t)DESC_P << 40)))
		return 0;	/* not present in the guest's table too */
	if (!(d & ((uint64_t)DESC_ACC << 40))) {
		access = (uint8_t)(d >> 40) | DESC_ACC;
		r = gmem_write(la + 5, &access, 1);	/* supervisor, as the CPU's */
		if (r == GMEM_PF) {
			*f = (struct fault){ EXC_PF, 1, gmem_pf.err, gmem_pf.cr2, INTR_EXC };
			return -1;
		}
		d |= (uint64_t)DESC_ACC << 40;
	}
	if (t)
		hv_ldt[i] = user_shadow(sel, d);
	else
		gdt[i] = user_shadow(sel, d);
	return 1;
}

/* Ring-3 code may have loaded data segments natively: catch up. */
void seg_sync_user(struct trapframe *tf)
{
	uint32_t real[VS_COUNT] = { [VS_ES] = tf->es, [VS_DS] = tf->ds, [VS_FS] = tf->fs,
				    [VS_GS] = tf->gs };
	static const int regs[] = { VS_ES, VS_DS, VS_FS, VS_GS };

	for (int i = 0; i < 4; i++) {
		int r = regs[i];
		uint64_t d = 0;

		if ((real[r] & 0xFFFF) == vcpu.seg[r].sel)
			continue;
		if ((real[r] & 0xFFFC) && seg_read_desc((uint16_t)real[r], &d))
			d = 0;
		seg_set_real(r, (uint16_t)real[r], d);
	}
}
