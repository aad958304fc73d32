/*
 * The trap frame and the dispatch of exceptions and interrupts
 * (SDM vol. 3A 6.12: exception- and interrupt-handling procedures,
 * figure 6-4 stack usage on transfers to interrupt routines).
 *
 * vectors.S has one generated stub per vector; each pushes a dummy error
 * code where the CPU does not, then the vector number, and jumps to the
 * common path, which pushes the general registers (PUSHAD) and the data
 * segment registers.  The frame below is that stack image, lowest address
 * first.  Assembly uses the TF_* offsets; trap.c asserts them.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#define TF_GS		0
#define TF_FS		4
#define TF_ES		8
#define TF_DS		12
#define TF_EDI		16
#define TF_ESI		20
#define TF_EBP		24
#define TF_ESP_PUSHA	28
#define TF_EBX		32
#define TF_EDX		36
#define TF_ECX		40
#define TF_EAX		44
#define TF_VECTOR	48
#define TF_ERR		52
#define TF_EIP		56
#define TF_CS		60
#define TF_EFLAGS	64
#define TF_ESP		68	/* only on entry from ring 3 */
#define TF_SS		72	/* only on entry from ring 3 */
#define TF_SIZE_KERNEL	68
#define TF_SIZE_USER	76

#ifndef ASM_FILE
#include <stdint.h>

struct trapframe {
	/* Segment registers: PUSH of a segment register may write only the
	 * low 16 bits of its slot, so the upper halves are garbage. */
	uint32_t gs, fs, es, ds;
	/* PUSHAD order, lowest address first */
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
	uint32_t vector;
	uint32_t err;		/* 0 when the CPU pushes none */
	/* pushed by the CPU */
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;	/* only present when CS had RPL 3 */
};

typedef void (*trap_handler)(struct trapframe *tf);

/*
 * Routes one vector to a handler (NULL: back to the default, which treats
 * exceptions as expected or unexpected faults, see fault.h).  Handlers of
 * hardware IRQs send their own EOI.
 */
void trap_set_handler(int vec, trap_handler fn);

/* CR2 as read on entry to the current exception, before anything else. */
extern uint32_t trap_cr2;

/* The per-vector stub addresses (vectors.S). */
extern const uint32_t trap_vectors[256];

/* A short name ("GP", "PF", ...) for an exception vector, or NULL. */
const char *trap_name(int vec);

/* Called by the common stub. */
void trap_dispatch(struct trapframe *tf);
#endif

#endif
