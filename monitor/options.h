/*
 * hv's command line (documented in README.md, "Hypervisor options").
 *   console=com1|com2|e9|none  where hv's log goes (default com1)
 *   loglevel=0..3              0 errors, 1 warnings, 2 info (default), 3 debug
 *   exit_on_panic              on a panic, exit QEMU through port 0xf4
 *   selftest                   test hv's own pieces at boot
 *   selftest=panic             ... and then panic on purpose (tests the panic path)
 *   hvmem=N[K|M]               size of hv's frame pool (default 8M, 1M to 8M)
 *   dtcache=N[K|M]             size of the code cache (default 4M, 8K to 4M)
 * The first word is skipped when it is the image's path (it holds '/' or
 * '.'), as GRUB and QEMU put it there.
 */
#ifndef MON_OPTIONS_H
#define MON_OPTIONS_H

#include <stdint.h>

#include "monitor/log.h"

struct options {
	enum console_kind console;
	int loglevel;
	int exit_on_panic;
	int selftest;		/* 1: selftest, 2: selftest=panic */
	uint32_t pool_size;
	uint32_t cache_size;
};

extern struct options opt;

/* Parses the command line; problems are kept until options_report. */
void options_parse(const char *cmdline);
/*
 * Logs the problems found (call once the console is up): unknown options
 * are warnings; a bad value of a known option is an error.  Returns the
 * number of errors.
 */
int options_report(void);

#endif
