/*
 * Test cases, result lines and the guest's exit.
 *
 * Output convention (the test runner parses it):
 *   ok <guest>.<case>
 *   FAIL <guest>.<case>: <what was expected, what was seen>
 * exactly one of these per case (a case may print informative lines
 * before it), then at the end
 *   END <guest> pass=<n> fail=<m>
 * and an exit through QEMU's isa-debug-exit port: value 0 when every case
 * passed (QEMU exits with status 1), 1 otherwise (status 3).
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdint.h>
#include <multiboot.h>

/* Each guest names itself once: GUEST_NAME("alu"); */
extern const char guest_name[];
#define GUEST_NAME(n)	const char guest_name[] = n

/* Each guest's main program; the library calls guest_exit() after it. */
void gmain(uint32_t magic, const struct multiboot_info *mbi);

/* isa-debug-exit values (QEMU exits with (value << 1) | 1). */
#define DEBUG_EXIT_PASS	0
#define DEBUG_EXIT_FAIL	1

/* Starts a case (ending an open one first). */
void t_begin(const char *name);
/* Prints the case's result line; returns 1 when it passed. */
int t_end(void);
/* The open case's name, or NULL. */
const char *t_current(void);

/* Marks the open case failed; the first message is the one printed. */
void t_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fails with the message unless cond; returns cond. */
int t_check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<what> expected 0x.., saw 0x.." unless seen == want; returns equality. */
int t_eq(const char *what, uint32_t seen, uint32_t want);
/* Same, comparing only the bits in mask. */
int t_eq_mask(const char *what, uint32_t seen, uint32_t want, uint32_t mask);

/* Ends the open case, prints END and exits through isa-debug-exit. */
void guest_exit(void) __attribute__((noreturn));
/* Fails the open case (or "setup") with the message, then guest_exit(). */
void guest_abort(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif
