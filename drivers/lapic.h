/*
 * hv's own local APIC, the real one (see lapic.c).
 */
#ifndef DEV_LAPIC_H
#define DEV_LAPIC_H

#include <stdint.h>

#include "lib/hw/lapic.h"

/* What the firmware had programmed when hv took the APIC over. */
struct lapic_firmware {
	uint64_t base;		/* IA32_APIC_BASE */
	uint32_t svr, lint0, lint1;
	uint8_t id;
};
extern struct lapic_firmware lapic_firmware;

/* Maps and programs the real local APIC; -1 if the CPU has none enabled. */
int lapic_init(int (*map_mmio)(uint32_t va, uint32_t pa));
int lapic_present(void);
/* Sends the machine's other CPUs INIT: they wait for a SIPI for ever. */
void lapic_park_others(void);
void lapic_eoi(void);
int lapic_in_service(int vec);
/* A self-IPI at VEC_HV_KICK: taken as soon as the real IF is set. */
void lapic_kick(void);
extern uint32_t lapic_kicks;	/* how many (hv's statistics) */
/* The timer, one-shot, divide 16: interrupt 0 for counting only. */
void lapic_timer_start(uint32_t count, int interrupt);
uint32_t lapic_timer_current(void);

#endif
