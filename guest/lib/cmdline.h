/*
 * The guest's arguments from the Multiboot command line (Multiboot spec
 * 3.3, info field `cmdline`).  Loaders pass "PATH ARGS": the first word is
 * the image's path and is skipped (it differs between a native run and a
 * run under hv, so it must never be printed).  ARGS are words separated by
 * spaces, "key=value" or a bare "key".
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdint.h>
#include <multiboot.h>

#define CMDLINE_MAX	256
#define CMDLINE_ARGS	16

/* Copies the arguments out of the info block (called before gmain). */
void cmdline_init(uint32_t magic, const struct multiboot_info *mbi);
/* The arguments after the path, as one string ("" when none). */
const char *guest_cmdline(void);
/* The value of "key=value" ("" for a bare "key"), or NULL if absent. */
const char *guest_arg(const char *key);
/* The value as a number (decimal, or hex with 0x), or `def`. */
uint32_t guest_arg_u32(const char *key, uint32_t def);

#endif
