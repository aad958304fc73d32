/*
 * What hv can tell of the real VGA (vga.c).
 */
#ifndef DRV_VGA_H
#define DRV_VGA_H

/* Is the VGA in a colour text mode with its buffer at 0xB8000? */
int vga_in_text_mode(void);

#endif
