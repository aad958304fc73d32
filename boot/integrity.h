/*
 * hv's own integrity: a checksum of what no guest may ever change, taken
 * at boot and compared when hv ends a run (see integrity.c).
 */
#ifndef BOOT_INTEGRITY_H
#define BOOT_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()), continuing from crc. */
uint32_t integrity_crc32(uint32_t crc, const void *buf, size_t len);

/* Takes the checksums.  Call once, after hv's final layout is in place. */
void integrity_init(void);

/*
 * Compares with the checksums taken at boot: logs one line
 * "hv: integrity: text and data intact (crc X, ...)" or panics naming the
 * first region (and page) that changed.  Does nothing before
 * integrity_init(), and only once (the first caller ends the run).
 */
void integrity_check(void);

#endif
