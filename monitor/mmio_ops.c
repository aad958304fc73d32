/*
 * The arithmetic of instructions emulated on MMIO, done by the real
 * instruction (see mmio_ops.h).  The SDM defines most of the flags of
 * these instructions (vol. 2: ADD ... BTC, each page's "Flags Affected";
 * vol. 1 appendix A) but leaves some undefined (AF after AND/OR/XOR/TEST,
 * OF SF AF PF after BTx), and those differ between processor families; hv
 * runs on the processor the guest runs on, so executing the instruction
 * reproduces them all.
 *
 * Each instruction runs between a POPF that loads hv's own EFLAGS with the
 * guest's six arithmetic bits, and a PUSHF that reads the result: IF,
 * IOPL, DF, AC and the rest stay hv's, so the popf changes nothing else
 * at ring 0.  The register forms compute what the memory forms would (for
 * BTx: once the bit offset is inside the operand, SDM BT "Operation").
 */
#include "monitor/mmio_ops.h"

#define PRE	"pushfl\n\tandl %[keep], (%%esp)\n\torl %[f], (%%esp)\n\tpopfl\n\t"
#define POST	"\n\tpushfl\n\tpopl %[f]"

/* d = d insn s, in 2 or 4 bytes; f: the arithmetic flags in, EFLAGS out. */
#define BIN_W(insn, size, d, s, f) do {						\
	if ((size) == 2)							\
		asm(PRE insn "w %w[s], %w[d]" POST				\
		    : [d] "+r"(d), [f] "+r"(f)					\
		    : [s] "r"(s), [keep] "i"(~MMIO_ARITH) : "cc");		\
	else									\
		asm(PRE insn "l %[s], %[d]" POST				\
		    : [d] "+r"(d), [f] "+r"(f)					\
		    : [s] "r"(s), [keep] "i"(~MMIO_ARITH) : "cc");		\
} while (0)

/* The same in 1, 2 or 4 bytes. */
#define BIN(insn, size, d, s, f) do {						\
	if ((size) == 1)							\
		asm(PRE insn "b %b[s], %b[d]" POST				\
		    : [d] "+q"(d), [f] "+r"(f)					\
		    : [s] "q"(s), [keep] "i"(~MMIO_ARITH) : "cc");		\
	else									\
		BIN_W(insn, size, d, s, f);					\
} while (0)

/* d = insn d. */
#define UN(insn, size, d, f) do {						\
	if ((size) == 1)							\
		asm(PRE insn "b %b[d]" POST : [d] "+q"(d), [f] "+r"(f)		\
		    : [keep] "i"(~MMIO_ARITH) : "cc");				\
	else if ((size) == 2)							\
		asm(PRE insn "w %w[d]" POST : [d] "+r"(d), [f] "+r"(f)		\
		    : [keep] "i"(~MMIO_ARITH) : "cc");				\
	else									\
		asm(PRE insn "l %[d]" POST : [d] "+r"(d), [f] "+r"(f)		\
		    : [keep] "i"(~MMIO_ARITH) : "cc");				\
} while (0)

uint32_t mmio_op(int op, int size, uint32_t d, uint32_t s, uint32_t *eflags)
{
	uint32_t f = *eflags & MMIO_ARITH;
	uint32_t mask = size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFFFFFF;

	switch (op) {
	case MO_ADD:  BIN("add", size, d, s, f); break;
	case MO_OR:   BIN("or", size, d, s, f); break;
	case MO_ADC:  BIN("adc", size, d, s, f); break;
	case MO_SBB:  BIN("sbb", size, d, s, f); break;
	case MO_AND:  BIN("and", size, d, s, f); break;
	case MO_SUB:  BIN("sub", size, d, s, f); break;
	case MO_XOR:  BIN("xor", size, d, s, f); break;
	case MO_CMP:  BIN("cmp", size, d, s, f); break;
	case MO_TEST: BIN("test", size, d, s, f); break;
	case MO_INC:  UN("inc", size, d, f); break;
	case MO_DEC:  UN("dec", size, d, f); break;
	case MO_NEG:  UN("neg", size, d, f); break;
	case MO_NOT:  return ~d & mask;		/* flags unaffected */
	case MO_BT:   BIN_W("bt", size, d, s, f); break;	/* no byte form */
	case MO_BTS:  BIN_W("bts", size, d, s, f); break;
	case MO_BTR:  BIN_W("btr", size, d, s, f); break;
	case MO_BTC:  BIN_W("btc", size, d, s, f); break;
	default:      return d & mask;		/* moves: not arithmetic */
	}
	*eflags = (*eflags & ~MMIO_ARITH) | (f & MMIO_ARITH);
	return d & mask;
}
