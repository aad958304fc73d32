/*
 * The few registers and the descriptors of Intel's 8254x Ethernet
 * controllers (PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual: 13.4 register descriptions, 3.2.3 receive and 3.3.3
 * legacy transmit descriptor formats; QEMU's e1000 is an 82540EM, 8086:100E).
 * Registers are 32-bit, at these offsets in the memory BAR 0.
 */
#ifndef HW_E1000_H
#define HW_E1000_H

#include <stdint.h>

#define E1000_VENDOR		0x8086
#define E1000_82540EM		0x100E

#define E1000_CTRL		0x0000
#define E1000_STATUS		0x0008
#define E1000_TCTL		0x0400
#define E1000_TCTL_EN		0x00000002u
#define E1000_TCTL_PSP		0x00000008u	/* pad short packets */
#define E1000_STATUS_LU		0x00000002u	/* link up */
#define E1000_RCTL		0x0100
#define E1000_RCTL_EN		0x00000002u
#define E1000_RCTL_BAM		0x00008000u	/* accept broadcast */
#define E1000_RCTL_SECRC	0x04000000u	/* strip the CRC */
#define E1000_RDBAL		0x2800
#define E1000_RDBAH		0x2804
#define E1000_RDLEN		0x2808
#define E1000_RDH		0x2810
#define E1000_RDT		0x2818
#define E1000_RAL0		0x5400		/* the station address, low 4 bytes */
#define E1000_RAH0		0x5404		/* its high 2 bytes */
#define E1000_TDBAL		0x3800
#define E1000_TDBAH		0x3804
#define E1000_TDLEN		0x3808		/* a multiple of 128 bytes */
#define E1000_TDH		0x3810
#define E1000_TDT		0x3818

/* Legacy transmit descriptor (16 bytes, 16-byte aligned). */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define E1000_TXD_CMD_EOP	0x01
#define E1000_TXD_CMD_IFCS	0x02
#define E1000_TXD_CMD_RS	0x08		/* report status: write DD back */
#define E1000_TXD_STAT_DD	0x01

/* Receive descriptor (3.2.3), a 2048-byte buffer with RCTL.BSIZE 0. */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

#define E1000_RXD_STAT_DD	0x01
#define E1000_RXD_STAT_EOP	0x02

_Static_assert(sizeof(struct e1000_tx_desc) == 16, "e1000 tx descriptor");
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "e1000 rx descriptor");

#endif
