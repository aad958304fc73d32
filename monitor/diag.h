/*
 * Diagnosing a guest that went wrong (see diag.c).
 */
#ifndef MON_DIAG_H
#define MON_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/fmt.h"
#include "monitor/trap.h"

/* Finds a System.map among the boot modules (after module 0). */
void diag_init(void);
/* " <symbol+off>" for a guest address, or "" without a map. */
void diag_symbol(uint32_t eip, char *buf, size_t size);
/* The guest's panic() (0 if unknown). */
uint32_t diag_panic_eip(void);
/* Remembers a guest address hv dispatched to. */
void diag_note_eip(uint32_t eip);
/* Up to max of those addresses into out, newest first; returns how many. */
int diag_recent(uint32_t *out, int max);
/* Prints the guest's state, the last addresses, with symbols. */
void diag_dump(const struct trapframe *tf, const char *why);

#endif
