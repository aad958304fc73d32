/*
 * Is the real VGA in a text mode?  (IBM VGA technical reference, graphics
 * controller register 6; lib/hw/vga.h.)  A BIOS leaves the VGA in mode 3,
 * colour text at 0xB8000; UEFI firmware leaves a graphics mode behind
 * its GOP (the register says graphics), and a machine with no VGA reads
 * 0xFF from the ports (graphics, too).  The Multiboot loader asks before
 * it tells a guest that asked for a video mode that it has EGA text.
 * The index register is put back as it was.
 */
#include "drivers/vga.h"

#include <stdint.h>

#include "lib/hw/vga.h"
#include "lib/x86.h"

int vga_in_text_mode(void)
{
	uint8_t index = inb(VGA_GC_INDEX), misc;

	outb(VGA_GC_INDEX, VGA_GC_MISC);
	misc = inb(VGA_GC_DATA);
	outb(VGA_GC_INDEX, index);
	if (misc & VGA_MISC_GRAPHICS)
		return 0;
	return VGA_MISC_MAP(misc) == VGA_MAP_B8000 || VGA_MISC_MAP(misc) == VGA_MAP_128K;
}
