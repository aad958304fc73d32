/*
 * hv's GDT and TSSs (SDM vol. 3A 3.5.1, 7.2).  The GDT has all 8192 slots;
 * hv's descriptors sit in the last ones (lib/layout.h) so a guest's
 * table can be shadowed into the rest.
 */
#ifndef MON_GDT_H
#define MON_GDT_H

#include <stdint.h>

#include "lib/x86.h"

extern uint64_t gdt[];
extern uint64_t hv_ldt[];

/* hv's TSS followed by the I/O permission bitmap (SDM vol. 1 18.5.2). */
struct hv_tss_io {
	struct tss32 t;
	uint8_t iomap[8192];
	uint8_t iomap_end;
} __attribute__((packed));
extern struct hv_tss_io hv_tss_io;
#define hv_tss (hv_tss_io.t)

/* Reloads the I/O bitmap from drivers/ioport.c's table. */
void gdt_refresh_iomap(void);
/* The same for ports [lo, hi] alone (a device the guest moved). */
void gdt_refresh_ports(uint16_t lo, uint16_t hi);

/* Loads GDTR, the segment registers and TR; installs the #DF task. */
void gdt_init(void);
/* The CR3 the double-fault task runs on (set after every hv CR3 change). */
void gdt_set_df_cr3(uint32_t cr3);

#endif
