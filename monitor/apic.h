/*
 * The guest's APIC platform, at the virtual CPU's level (see apic.c).
 */
#ifndef MON_APIC_H
#define MON_APIC_H

#include <stdint.h>

#include "lib/trapframe.h"
#include "monitor/next.h"

/* Sets the guest's local APIC and I/O APIC up as the firmware left the
   machine's, and hides their pages (and the real ones) from the guest. */
void apic_init(void);
/* IA32_APIC_BASE (SDM vol. 3A 10.4.4): -1 when the write must #GP. */
uint64_t apic_get_base(void);
int apic_set_base(uint64_t v);
/*
 * The guest's instruction at eip touched hidden device page memory at
 * linear lin (physical pa): emulates it against the device; what happens
 * next (go on after it, or stop the guest with why).
 */
struct next apic_mmio(struct trapframe *tf, uint32_t eip, uint32_t lin, uint32_t pa);
/* The controllers' state, a line of text at a time (the monitor's `dev`
   command, hv's statistics at the guest's end). */
void apic_print(void (*line)(const char *text));

#endif
