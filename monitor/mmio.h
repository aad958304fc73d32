/*
 * Emulating one guest instruction whose memory operand lies on a trapped
 * MMIO page (the virtual local APIC and I/O APIC pages, which are never
 * mapped for the guest): the access faulted with #PF, and hv performs the
 * instruction against a device callback instead of memory
 * (docs/ARCHITECTURE.md, "Emulated instructions").
 *
 * Supported, in 32-bit code with the 0x66 operand-size prefix (SDM vol. 2,
 * each instruction's page): MOV r/m <-> reg (88-8B), MOV moffs (A0-A3),
 * MOV r/m, imm (C6 /0, C7 /0), MOVZX/MOVSX from memory (0F B6 B7 BE BF),
 * ADD OR ADC SBB AND SUB XOR CMP with a memory destination or source
 * (00-3B, group 1: 80-83), TEST (84, 85, F6/F7 /0), XCHG (86, 87), INC/DEC
 * (FE/FF /0 /1), NOT/NEG (F6/F7 /2 /3), BT BTS BTR BTC (0F A3 AB B3 BB with
 * the bit offset register inside the operand, 0F BA /4-/7), LOCK on the
 * read-modify-write forms.  Segment overrides, 0x67 and REP prefixes do
 * not matter: the caller gives the linear address the CPU faulted on.
 */
#ifndef MON_MMIO_H
#define MON_MMIO_H

#include <stdint.h>

#include "lib/trapframe.h"

/*
 * A device page: offset within the 4 KiB page, size 1, 2 or 4 bytes (the
 * access never runs past the page; alignment is the device's business).
 * read's bits above size are ignored; write's value is zero-extended.
 */
struct mmio_dev {
	uint32_t (*read)(uint32_t offset, int size);
	void (*write)(uint32_t offset, int size, uint32_t value);
};

/* Why mmio_emulate refused an instruction (mmio_why names them). */
enum mmio_error {
	MMIO_E_DECODE = -1,	/* invalid, truncated or too long */
	MMIO_E_NOMEM = -2,	/* no memory operand: the fault is not its access */
	MMIO_E_STRING = -3,	/* MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS */
	MMIO_E_STACK = -4,	/* PUSH/POP, CALL through memory, a stack on MMIO */
	MMIO_E_FPU = -5,	/* x87, MMX, SSE, AVX loads and stores */
	MMIO_E_INSN = -6,	/* any other instruction (CMPXCHG, shifts, ...) */
	MMIO_E_CROSS = -7,	/* the access runs past the end of the page */
	MMIO_E_BITOFF = -8,	/* BTx with a register bit offset outside the
				   operand (a bit-string access) */
};

/*
 * Emulates the instruction at insn (avail bytes fetched from the guest's
 * EIP) whose memory operand is at linear address lin (CR2; the device
 * offset is lin & 0xFFF), with the guest's general registers and
 * arithmetic flags in tf (ESP is tf->esp: guest traps always push it).
 * lin must be the operand's first byte: an access that starts on the page
 * before and runs into this one is the caller's to rule out (CR2 would
 * then hold an address in this page).  Reads the device at most once
 * and writes it at most once, in that order.
 * Returns the instruction's length (the guest continues at eip + length),
 * or an enum mmio_error, with tf and the device untouched.
 */
int mmio_emulate(struct trapframe *tf, const uint8_t *insn, int avail,
		 uint32_t lin, const struct mmio_dev *dev);

/* The reason for a negative mmio_emulate result, for the guest's stop line. */
const char *mmio_why(int rc);

#endif
