/*
 * The IDE bus master (SFF-8038i, "Programming Interface for Bus Master
 * IDE Controller" 1.0; Intel PIIX3/PIIX4 data sheets, BMIBA): the PCI
 * function of class 01:01 decodes 16 I/O ports at its BAR4, eight per
 * channel (primary at +0, secondary at +8).  A transfer is described by a
 * table of physical region descriptors (PRDs) in memory, which the
 * controller reads itself once the start bit goes from 0 to 1.
 */
#ifndef HW_IDEBM_H
#define HW_IDEBM_H

#include <stdint.h>

#include "lib/hw/pci.h"

#define PCI_CLASS_IDE		0x0101		/* mass storage, IDE */
#define PCI_BAR4		0x20

/* Registers of one channel, from BAR4 + 8 * channel. */
#define BM_CHANNELS		2
#define BM_PORTS		16		/* the BAR's size */
#define BM_CHANNEL_PORTS	8
#define BM_CMD			0		/* byte */
#define BM_STATUS		2		/* byte */
#define BM_PRDT			4		/* dword: the PRD table's address */

#define BM_CMD_START		0x01		/* 0 -> 1 starts a transfer */
#define BM_CMD_TO_MEMORY	0x08		/* the controller writes memory */
#define BM_ST_ACTIVE		0x01
#define BM_ST_ERROR		0x02		/* write 1 to clear */
#define BM_ST_INTR		0x04		/* write 1 to clear */
#define BM_PRDT_MASK		0xFFFFFFFCu	/* dword aligned */

/* A physical region descriptor: 32-bit base, 16-bit count (0: 64 KiB),
   bit 31 of the second dword ends the table.  Bit 0 of both is 0. */
struct bm_prd {
	uint32_t base;
	uint32_t count;
};
#define PRD_EOT			0x80000000u
#define PRD_COUNT_MASK		0x0000FFFEu
#define PRD_BASE_MASK		0xFFFFFFFEu
#define PRD_MAX_BYTES		0x10000u

#endif
