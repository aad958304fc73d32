/*
 * The arithmetic of the instructions hv emulates on MMIO (monitor/mmio.c),
 * computed by the CPU itself: each operation runs as the real instruction
 * on local copies of the operands, with the guest's arithmetic flags
 * loaded before it and read back after it, so the result and all six
 * arithmetic flags (also the ones the SDM leaves undefined) are what the
 * guest's own instruction would have produced on this processor.
 */
#ifndef MON_MMIO_OPS_H
#define MON_MMIO_OPS_H

#include <stdint.h>

#include "lib/x86.h"

/* The flags an operation may change (SDM vol. 1 3.4.3.1). */
#define MMIO_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* Operations: 0-7 in the order of group 1's ModRM.reg (SDM table A-6). */
enum mmio_op {
	MO_ADD, MO_OR, MO_ADC, MO_SBB, MO_AND, MO_SUB, MO_XOR, MO_CMP,
	MO_TEST, MO_INC, MO_DEC, MO_NOT, MO_NEG,
	MO_BT, MO_BTS, MO_BTR, MO_BTC,
	MO_MOV, MO_MOVZX, MO_MOVSX, MO_XCHG,	/* done by mmio.c, no flags */
};

/* The operation leaves its destination as it was (flags only). */
static inline int mmio_op_reads_only(int op)
{
	return op == MO_CMP || op == MO_TEST || op == MO_BT;
}

/*
 * Returns dst op src in size bytes (1, 2 or 4; BTx 2 or 4, src is the bit
 * offset, already inside the operand) and sets the arithmetic bits of
 * *eflags as the instruction does; the other bits of *eflags are kept.
 */
uint32_t mmio_op(int op, int size, uint32_t dst, uint32_t src, uint32_t *eflags);

#endif
