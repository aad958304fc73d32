/*
 * The firmware's tables about interrupts and processors (see acpi.c):
 * ACPI's MADT and the MultiProcessor specification's configuration table.
 */
#ifndef DEV_ACPI_H
#define DEV_ACPI_H

#include <stdint.h>

/*
 * A copy of the RSDP from the boot loader (Multiboot 2's ACPI tags): the
 * tables are found through it instead of the BIOS area, which a UEFI
 * machine may not have.  Call before acpi_init; len bytes (20 or 36).
 */
void acpi_set_rsdp(const uint8_t *rsdp, uint32_t len);
/* Finds the tables (call once, while low memory is mapped 1:1). */
void acpi_init(void);
/* The RSDT's table with signature sig (4 bytes) and a valid checksum, 0 if
   none (read where it lies, 1:1 at boot). */
uint8_t *acpi_table(const char *sig);
/* Gives table t the signature sig, its checksum kept valid (hv hides a
   table from the guest so: the guest's search for the old one fails). */
void acpi_rename(uint8_t *t, const char *sig);
/* The physical address of the firmware's RSDP (ACPI 6.x, 5.2.5.1: the
   EBDA's first KiB or E0000-FFFFF), 0 if none; while low memory is
   mapped 1:1. */
uint32_t acpi_rsdp_addr(void);
/* The boot loader's copy of the RSDP (Multiboot 2's ACPI tags), which
   lies nowhere in guest memory: its length, copied to out; 0 if none. */
uint32_t acpi_rsdp_copy(uint8_t *out, uint32_t size);
/* The GSI an ISA IRQ arrives at (an interrupt source override, or the
   IRQ itself). */
int acpi_isa_gsi(int irq);
/* The first I/O APIC's physical address and ID (defaults if no table). */
uint32_t acpi_ioapic_base(void);
uint8_t acpi_ioapic_id(void);
/* The HPET's physical address (ACPI's HPET table), 0 if none. */
uint32_t acpi_hpet_base(void);
/* Processors the firmware's tables list as enabled (MADT, else MP). */
int acpi_cpus(void);
/*
 * hv keeps one CPU: every processor entry but the one with APIC ID
 * keep is marked disabled in the MADT (checksum fixed) and in the MP
 * table where it can be written; returns how many it disabled.
 */
int acpi_keep_one_cpu(uint8_t keep);

#endif
