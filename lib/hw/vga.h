/*
 * The VGA's graphics controller and text buffer (IBM VGA technical
 * reference, "Graphics Controller Registers": index port 0x3CE, data
 * 0x3CF; register 6, "Miscellaneous": bit 0 alphanumeric mode disable,
 * bit 1 chain odd/even, bits 3-2 memory map select).  A colour text mode
 * (BIOS mode 3, 80x25) has bit 0 clear and its buffer at 0xB8000: a
 * character byte and an attribute byte per cell.
 */
#ifndef HW_VGA_H
#define HW_VGA_H

#define VGA_GC_INDEX	0x3CE
#define VGA_GC_DATA	0x3CF
#define VGA_GC_MISC	6
#define VGA_MISC_GRAPHICS	0x01	/* alphanumeric mode disabled */
#define VGA_MISC_MAP(v)	(((v) >> 2) & 3)
#define VGA_MAP_128K	0		/* A0000-BFFFF */
#define VGA_MAP_B8000	3		/* B8000-BFFFF */

#define VGA_TEXT_BASE	0xB8000
#define VGA_TEXT_COLS	80
#define VGA_TEXT_ROWS	25
#define VGA_TEXT_BPP	16		/* character and attribute */

#endif
