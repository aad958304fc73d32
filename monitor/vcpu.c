/*
 * Virtual CPU state helpers: register access in the trap frame, the
 * guest's view of EFLAGS, pushes and pops on the guest's stack, and
 * stopping a misbehaving guest (see vcpu.h).
 */
#include "monitor/vcpu.h"

#include <stdarg.h>

#include "dt/dt.h"
#include "monitor/guest.h"
#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/x86.h"

struct vcpu vcpu;

void vcpu_flags_tables(void)
{
	uint32_t iopl = (vcpu.vflags & FL_IOPL_MASK) >> FL_IOPL_SHIFT;
	uint32_t tf = (vcpu.vflags & FL_TF) ? 1 : 0;

	/* Byte 1 of EFLAGS: bit 0 TF, 1 IF, 2 DF, 3 OF, 4-5 IOPL, 6 NT. */
	for (uint32_t b = 0; b < 256; b++) {
		dt_fast.pushf_fix[b] = (uint8_t)((b & ~0x31u) | (iopl << 4) | tf);
		dt_fast.popf_exit[b] = ((b >> 4) & 3) != iopl || (b & 1) || tf;
	}
}

uint32_t vcpu_read_eflags(const struct trapframe *tf)
{
	return (tf->eflags & FL_REAL_GUEST) | (vcpu.vflags & (FL_IF | FL_IOPL_MASK | FL_TF)) |
	       FL_FIXED;
}

void vcpu_write_eflags(struct trapframe *tf, uint32_t value, uint32_t mask)
{
	uint32_t real = mask & FL_REAL_GUEST, virt = mask & (FL_IF | FL_IOPL_MASK | FL_TF);

	uint32_t old = vcpu.vflags;

	tf->eflags = (tf->eflags & ~real) | (value & real);
	vcpu.vflags = (vcpu.vflags & ~virt) | (value & virt);
	if ((old ^ vcpu.vflags) & (FL_IOPL_MASK | FL_TF))
		vcpu_flags_tables();
}

/* Linear address of the guest stack slot at esp + off. */
static uint32_t stack_la(const struct trapframe *tf, uint32_t off)
{
	uint32_t sp = tf->esp + off;

	if (!ATTR_DB(vcpu.seg[VS_SS].attr))
		sp &= 0xFFFF;
	return vcpu.seg[VS_SS].base + sp;
}

int vcpu_push(struct trapframe *tf, uint32_t v, int size, struct fault *f)
{
	uint32_t la = stack_la(tf, -(uint32_t)size);
	int r = gmem_write(la, &v, (uint32_t)size);

	if (r)
		return emul_mem_fault(r, la, 1, f);
	tf->esp -= (uint32_t)size;
	return 0;
}

int vcpu_peek(struct trapframe *tf, uint32_t off, uint32_t *v, int size, struct fault *f)
{
	uint32_t la = stack_la(tf, off);
	int r;

	*v = 0;
	r = gmem_read(la, v, (uint32_t)size);
	if (r)
		return emul_mem_fault(r, la, 0, f);
	return 0;
}

/*
 * Whether n 32-bit words at la may be moved in one access instead of one
 * by one: a 32-bit stack (a 16-bit SP wraps per word) and one page, which
 * the guest's tables give one set of rights, so that one access fails or
 * succeeds as a whole, exactly where the first word of the one-by-one
 * order would, and sets the same A/D bits.
 */
static int one_access(uint32_t la, int n)
{
	return ATTR_DB(vcpu.seg[VS_SS].attr) && (la & (PAGE_SIZE - 1)) + 4 * (uint32_t)n <= PAGE_SIZE;
}

int vcpu_push_words(struct trapframe *tf, const uint32_t *v, int n, struct fault *f)
{
	uint32_t la = stack_la(tf, -4 * (uint32_t)n);

	if (one_access(la, n) && !gmem_write(la, v, 4 * (uint32_t)n)) {
		tf->esp -= 4 * (uint32_t)n;
		return 0;
	}
	/* Word by word, the highest first, for the fault (and the words
	   written before it) of the CPU's order. */
	for (int k = n - 1; k >= 0; k--)
		if (vcpu_push(tf, v[k], 4, f))
			return -1;
	return 0;
}

int vcpu_peek_words(struct trapframe *tf, uint32_t off, uint32_t *v, int n, struct fault *f)
{
	uint32_t la = stack_la(tf, off);

	if (one_access(la, n) && !gmem_read(la, v, 4 * (uint32_t)n))
		return 0;
	for (int k = 0; k < n; k++)
		if (vcpu_peek(tf, off + 4 * (uint32_t)k, &v[k], 4, f))
			return -1;
	return 0;
}

void guest_stop(struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;

	kprintf("hv: guest: stopped: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf(" (guest eip %08x)\n", vcpu.eip);
	if (tf) {
		uint32_t ef = vcpu_read_eflags(tf);

		kprintf("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx,
			tf->ecx, tf->edx);
		kprintf("  esi=%08x edi=%08x ebp=%08x esp=%08x eflags=%08x\n",
			tf->esi, tf->edi, tf->ebp, tf->esp, ef);
		kprintf("  cs=%04x ds=%04x es=%04x fs=%04x gs=%04x ss=%04x cpl=%d\n",
			vcpu.seg[VS_CS].sel, vcpu.seg[VS_DS].sel, vcpu.seg[VS_ES].sel,
			vcpu.seg[VS_FS].sel, vcpu.seg[VS_GS].sel, vcpu.seg[VS_SS].sel,
			vcpu.cpl);
		kprintf("  cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", gcr.cr0, gcr.cr2,
			gcr.cr3, gcr.cr4);
	}
	if (guest_hooks.stopped)
		guest_hooks.stopped(tf, "the guest was stopped");
	else {
		dt_print_stats();
		emul_print_stats();
	}
	hv_exit(HV_EXIT_GUEST_STOPPED);
}
