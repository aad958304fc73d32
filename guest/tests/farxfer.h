/*
 * GDT slots and constants shared by farxfer.c and farxfer.S.
 */
#ifndef GUEST_TESTS_FARXFER_H
#define GUEST_TESTS_FARXFER_H

#include "guest/lib/desc.h"

#define FX_ALIAS	(GDT_FREE + 0)	/* flat ring-0 code, a second selector */
#define FX_BASED	(GDT_FREE + 1)	/* ring-0 code with base FX_BASE */
#define FX_GATE		(GDT_FREE + 2)	/* call gate -> FX_ALIAS:fx_gate_target */
#define FX_GATE_JMP	(GDT_FREE + 3)	/* call gate -> FX_ALIAS:fx_gate_jmp_target */
#define FX_NOTPRESENT	(GDT_FREE + 4)	/* code segment with P = 0 */
#define FX_USERCODE	(GDT_FREE + 5)	/* non-conforming code, DPL 3 */

#define SEL_ALIAS	SEL(FX_ALIAS, 0)
#define SEL_BASED	SEL(FX_BASED, 0)
#define SEL_GATE	SEL(FX_GATE, 0)
#define SEL_GATE_JMP	SEL(FX_GATE_JMP, 0)

#define FX_BASE		0x100000	/* the image start: code below is not used */

#endif
