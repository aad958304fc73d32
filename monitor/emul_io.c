/*
 * Emulating IN, OUT, INS and OUTS on ports hv intercepts (SDM vol. 2: IN,
 * OUT, INS/INSB/INSW/INSD, OUTS/OUTSB/OUTSW/OUTSD; REP prefix).  The access
 * faulted with #GP because the port's bit is set in the TSS I/O bitmap;
 * the device model behind drivers/ioport.c answers it.
 */
#include "monitor/emul.h"

#include "drivers/ioport.h"
#include "monitor/mm/mm.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"

int emul_io(struct trapframe *tf, const struct dt_insn *d, struct fault *f, int user)
{
	int size = (d->opcode & 1) ? d->opsize : 1;
	uint16_t port;
	uint32_t v;

	switch (d->opcode) {
	case 0xE4: case 0xE5: case 0xE6: case 0xE7:
		port = (uint16_t)(d->imm & 0xFF);
		break;
	default:
		port = (uint16_t)tf->edx;
		break;
	}
	if (user == 0 && !io_intercepted(port, size))
		return 1;	/* a genuine #GP: not ours */
	if (user == 2)
		user = 0;	/* an exit from translated code: always ours */

	switch (d->opcode) {
	case 0xE4: case 0xE5: case 0xEC: case 0xED:	/* in */
		v = io_read(port, size);
		if (size == 1)
			tf->eax = (tf->eax & ~0xFFu) | (v & 0xFF);
		else if (size == 2)
			tf->eax = (tf->eax & ~0xFFFFu) | (v & 0xFFFF);
		else
			tf->eax = v;
		return 0;
	case 0xE6: case 0xE7: case 0xEE: case 0xEF:	/* out */
		io_write(port, size, tf->eax);
		return 0;
	}

	/* INS (6C/6D) and OUTS (6E/6F), with REP: one element at a time. */
	{
		int rep = (d->prefixes & (DT_P_REP | DT_P_REPNE)) != 0;
		uint32_t cmask = d->adsize == 2 ? 0xFFFF : 0xFFFFFFFF;
		int32_t step = (tf->eflags & FL_DF) ? -size : size;
		int is_ins = d->opcode == 0x6C || d->opcode == 0x6D;

		while (!rep || (tf->ecx & cmask)) {
			int r;

			if (is_ins) {
				uint32_t la = vcpu.seg[VS_ES].base + (tf->edi & cmask);

				v = io_read(port, size);
				if ((r = gmem_write_as(la, &v, (uint32_t)size, user)))
					return emul_mem_fault(r, la, 1, f);
				tf->edi = (tf->edi & ~cmask) | ((tf->edi + (uint32_t)step) & cmask);
			} else {
				int seg = (d->prefixes & DT_P_SEG) ? d->seg_override : VS_DS;
				uint32_t la = vcpu.seg[seg].base + (tf->esi & cmask);

				v = 0;
				if ((r = gmem_read_as(la, &v, (uint32_t)size, user)))
					return emul_mem_fault(r, la, 0, f);
				io_write(port, size, v);
				tf->esi = (tf->esi & ~cmask) | ((tf->esi + (uint32_t)step) & cmask);
			}
			if (!rep)
				break;
			tf->ecx = (tf->ecx & ~cmask) | ((tf->ecx - 1) & cmask);
		}
	}
	return 0;
}
