/*
 * hvboot: the one string routine of its own, a bounded copy.  The memory
 * and string routines are hv's (lib/string.c) and so is the formatter
 * (lib/fmt.c), both built for x86_64 too; lib has no bounded copy.
 */
#include "hvboot.h"

/* Copies at most cap-1 characters and always terminates. */
char *strcpy_cap(char *dst, const char *src, UINTN cap)
{
	UINTN n = 0;

	if (!cap)
		return dst;
	while (src[n] && n + 1 < cap) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return dst;
}
