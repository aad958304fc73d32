/*
 * The table of sensitive instructions: for each, how it is matched, how it
 * is translated and which handler runs it (docs/ARCHITECTURE.md,
 * "Sensitive instructions").  The rows and their handlers are the virtual
 * CPU's (monitor/sensitive.c); dt_init takes the table.  The translator
 * matches every decoded instruction against it (dt_sens_find) and puts the
 * row and the decoded instruction into each exit it makes, so an exit
 * never decodes guest bytes again: what hv emulates is exactly what was
 * translated, whatever the guest writes over it afterwards.
 *
 * The rows are consulted for what the decoder classes as privileged or
 * sensitive (dt/decode.h: DT_F_PRIV, which includes I/O, DT_F_SENS,
 * segment writes, a segment read into a %gs operand) and for the control
 * transfers hv makes (far, INT n, IRET...); everything else is copied.
 * Such an instruction without a row gets the table's catch-all row, whose
 * handler stops the guest with the instruction named, so nothing
 * sensitive ever runs unseen at ring 1.
 */
#ifndef DT_SENS_H
#define DT_SENS_H

#include <stdint.h>

#include "dt/decode.h"
#include "lib/trapframe.h"

/* How a row's instruction is translated (dt_sens.how). */
enum dts_how {
	DTS_EXIT,	/* an exit to the handler; the block goes on after it */
	DTS_EXIT_END,	/* an exit that ends the block (control flow, CR writes) */
	DTS_NATIVE,	/* copied: harmless at ring 1 (RDTSC) */
	DTS_UD,		/* raises #UD: an instruction of a feature hv hides */
};

/* dt_sens.flags */
#define DTS_IF_INLINE	0x01	/* in DT_MODE_NATIVE_IF, not single: CLI/STI run
				   as they are, PUSHF is patched inline, POPF is
				   checked inline (an exit only for IOPL/TF) */
#define DTS_PORT	0x02	/* I/O: hv's ports checked inline (an immediate
				   port at translation), an exit only for those */
#define DTS_HLT		0x04	/* the exit waits for an interrupt after it */

/* Matching: dt_sens.reg and .rm take a value or DTS_ANY; .mod one of: */
#define DTS_ANY		(-1)
enum { DTS_MOD_ANY, DTS_MOD_MEM, DTS_MOD_REG };

struct dt_insn;
struct fault;		/* monitor/emul.h */

/*
 * A handler emulates the instruction d at guest EIP eip (the virtual CPU's
 * contract, monitor/emul.h): 0 and *next, -1 and the fault f, or 1 and the
 * software interrupt in f.
 */
typedef int (*dts_handler)(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
			   struct fault *f, uint32_t *next);

struct dt_sens {
	const char *name;
	uint8_t map;		/* enum dt_map */
	uint8_t opcode;
	int8_t reg;		/* ModRM.reg, or DTS_ANY */
	int8_t rm;		/* ModRM.rm (with DTS_MOD_REG), or DTS_ANY */
	uint8_t mod;		/* DTS_MOD_* */
	uint8_t how;		/* enum dts_how */
	uint8_t flags;		/* DTS_* */
	dts_handler handler;
};

/* The table (rows, then the catch-all row), given to dt_init. */
struct dt_sens_table {
	const struct dt_sens *rows;
	uint32_t nrows;
	const struct dt_sens *other;	/* sensitive by class, no row of its own */
};

/*
 * Does decoded instruction d need a row: a control transfer hv makes
 * (far, INT n, IRET, SYSENTER...), or what the decoder classes as
 * privileged (I/O included) or sensitive, or a segment register read into
 * a %gs operand?  Everything else is copied.
 */
static inline int dt_sens_wanted(const struct dt_insn *d)
{
	return d->cf != DT_CF_NONE || (d->flags & (DT_F_SENS | DT_F_WSEG | DT_F_PRIV)) ||
	       ((d->flags & DT_F_GS) && (d->flags & DT_F_RSEG));
}

/*
 * The row for decoded instruction d: its own, the catch-all for an
 * instruction dt_sens_wanted without a row of its own, or 0 for one that
 * is copied as it is.
 */
const struct dt_sens *dt_sens_find(const struct dt_insn *d);

#endif
