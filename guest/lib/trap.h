/*
 * Dispatching exceptions and interrupts to handlers (SDM vol. 3A 6.12:
 * exception- and interrupt-handling procedures).  The stubs, the common
 * entry path and the frame are shared with hv: lib/vectors.S and
 * lib/trapframe.h.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include "lib/trapframe.h"

#ifndef ASM_FILE
#include <stdint.h>

typedef void (*trap_handler)(struct trapframe *tf);

/*
 * Routes one vector to a handler (NULL: back to the default, which treats
 * exceptions as expected or unexpected faults, see fault.h).  Handlers of
 * hardware IRQs send their own EOI.
 */
void trap_set_handler(int vec, trap_handler fn);

/* CR2 as read on entry to the current exception, before anything else. */
extern uint32_t trap_cr2;

/* The per-vector stub addresses (lib/vectors.S). */
extern const uint32_t trap_vector_table[256];

/* A short name ("GP", "PF", ...) for an exception vector, or NULL. */
const char *trap_name(int vec);

#endif

#endif
