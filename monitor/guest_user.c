/*
 * Guest user code (docs/ARCHITECTURE.md, "Guest user mode"): entering
 * ring 3, and the #GP faults of user code that hv finishes itself (INT n
 * through gates hv keeps at DPL 0, SYSENTER, CLI/STI and I/O under the
 * guest's IOPL and I/O bitmap).
 */
#include "monitor/guest_int.h"

#include "dt/dt.h"
#include "monitor/emul.h"
#include "monitor/gdt.h"
#include "monitor/mm/mm.h"
#include "monitor/intr.h"
#include "monitor/vcpu.h"
#include "monitor/guest.h"
#include "lib/x86.h"

uint32_t guest_user_io;

/*
 * Guest user code runs as it is, at ring 3, on the guest's own segments
 * (shadowed into the real tables) and the shadow page tables.  Every I/O
 * instruction faults there (no I/O bitmap), so the guest's own IOPL and
 * I/O bitmap decide (user_io).
 */
void guest_enter_user(struct trapframe *tf, uint32_t eip, int blocked)
{
	guest_watch.progress = 1;
	seg_refresh_shadows();
	tf->eip = eip;
	tf->cs = vcpu.seg[VS_CS].sel;
	tf->ss = vcpu.seg[VS_SS].sel;
	tf->gs = vcpu.seg[VS_GS].sel;
	hv_tss.iomap_base = sizeof(hv_tss_io);	/* beyond the limit: no bitmap */
	tf->eflags = (tf->eflags | FL_FIXED) & ~(FL_TF | FL_IF | FL_IOPL_MASK | FL_VM | FL_RF);
	/* The guest's IOPL, so that PUSHF in user code shows it (with IOPL 3,
	   user I/O runs natively, also on ports hv intercepts). */
	tf->eflags |= vcpu.vflags & FL_IOPL_MASK;
	/* User code sees the real IF (PUSHF), so it is always the guest's;
	   with an emulated PIC the models catch up from the clock when the
	   guest enables interrupts again. */
	if (!blocked)
		tf->eflags |= vcpu.vflags & FL_IF;
	if ((vcpu.vflags & FL_TF) || blocked)
		tf->eflags |= FL_TF;
}

/* The guest's I/O permission at CPL 3: IOPL, else its TSS bitmap. */
static int user_io_allowed(uint16_t port, int size)
{
	uint16_t base = 0;
	uint32_t bits = 0;

	if (((vcpu.vflags & FL_IOPL_MASK) >> FL_IOPL_SHIFT) >= 3)
		return 1;
	if (!vcpu.tr.valid || vcpu.tr.limit < 0x67 ||
	    gmem_read(vcpu.tr.base + 0x66, &base, 2))
		return 0;
	if ((uint32_t)base + port / 8 + 1 > vcpu.tr.limit ||
	    gmem_read(vcpu.tr.base + base + port / 8, &bits, 2))
		return 0;
	return ((bits >> (port % 8)) & ((1u << size) - 1)) == 0;
}

/*
 * A #GP from guest user code that hv may have to finish: INT n through a
 * gate hv keeps at DPL 0, SYSENTER, I/O, CLI/STI.  Returns 1 with *n set if
 * it is hv's to finish, 0 if the #GP is the guest's.
 */
int guest_user_gp(struct trapframe *tf, uint32_t eip, struct next *n)
{
	uint8_t buf[DT_MAX_LEN];
	struct dt_insn d;
	struct fault f;
	uint32_t next;
	int why, len = gmem_fetch(vcpu.seg[VS_CS].base + eip, buf, DT_MAX_LEN, 1, &why), r;

	if (len <= 0 || dt_decode(buf, (size_t)len, &d) != DT_OK)
		return 0;
	if ((d.flags & DT_F_MEM) && user_wrap(tf, eip, buf, len, &d, n))
		return 1;
	if (d.map == DT_MAP_0F && d.opcode == 0x34) {
		/* SYSENTER: the real IA32_SYSENTER_CS is 0 (emul_seg.c). */
		vcpu.eip = eip;
		*n = emul_sysenter(tf, &f, &next) ? nx_from_fault(eip, &f) : nx_go(next, 0);
		return 1;
	}
	if (d.map != DT_MAP_1B)
		return 0;
	switch (d.opcode) {
	case 0xCD: case 0xCC: case 0xCE: {
		/* A software interrupt after the instruction; a fault of its
		   delivery is reported at it. */
		struct event ev = { 0, INTR_SOFT, 0, 0, 0, eip + d.len, eip };

		if (d.opcode == 0xCE && !(tf->eflags & FL_OF)) {
			*n = nx_go(eip + d.len, 0);
			return 1;
		}
		ev.vec = (uint8_t)(d.opcode == 0xCD ? d.imm & 0xFF : d.opcode == 0xCC ? EXC_BP : EXC_OF);
		vcpu.eip = eip;
		*n = nx_event(ev);
		return 1;
	}
	case 0xFA: case 0xFB:
		if (((vcpu.vflags & FL_IOPL_MASK) >> FL_IOPL_SHIFT) < 3)
			return 0;
		if (d.opcode == 0xFA)
			vcpu.vflags &= ~FL_IF;
		else
			vcpu.vflags |= FL_IF;
		*n = nx_go(eip + d.len, 0);
		return 1;
	}
	if (!(d.flags & DT_F_IO))
		return 0;
	{
		int size = (d.opcode & 1) ? d.opsize : 1;
		uint16_t port = (d.opcode >= 0xE4 && d.opcode <= 0xE7) ? (uint16_t)(d.imm & 0xFF)
								      : (uint16_t)tf->edx;

		if (!user_io_allowed(port, size))
			return 0;
		r = emul_io(tf, &d, &f, 1);
		*n = r < 0 ? nx_from_fault(eip, &f) : nx_go(eip + d.len, 0);
		guest_user_io++;
		return 1;
	}
}
