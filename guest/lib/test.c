/*
 * Test cases and result reporting (see test.h for the output convention).
 */
#include "guest/lib/test.h"

#include <stdarg.h>

#include "lib/uart.h"
#include "guest/lib/console.h"
#include "lib/fmt.h"
#include "lib/x86.h"

#define MSG_MAX	200

static const char *case_name;
static int case_failed;
static int case_extra_failures;
static char case_msg[MSG_MAX];
static unsigned npass, nfail;
static int exiting;

void t_begin(const char *name)
{
	if (case_name)
		t_end();
	case_name = name;
	case_failed = 0;
	case_extra_failures = 0;
	case_msg[0] = '\0';
}

const char *t_current(void)
{
	return case_name;
}

int t_end(void)
{
	int passed = !case_failed;

	if (!case_name)
		return 1;
	if (passed) {
		gprintf("ok %s.%s\n", guest_name, case_name);
		npass++;
	} else {
		gprintf("FAIL %s.%s: %s", guest_name, case_name, case_msg);
		if (case_extra_failures)
			gprintf(" (+%d more)", case_extra_failures);
		gprintf("\n");
		nfail++;
	}
	case_name = NULL;
	return passed;
}

static void t_vfail(const char *fmt, va_list ap)
{
	if (case_failed) {
		case_extra_failures++;
		return;
	}
	case_failed = 1;
	fmt_vsnprintf(case_msg, sizeof(case_msg), fmt, ap);
}

void t_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t_vfail(fmt, ap);
	va_end(ap);
}

int t_check(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return 1;
	va_start(ap, fmt);
	t_vfail(fmt, ap);
	va_end(ap);
	return 0;
}

int t_eq(const char *what, uint32_t seen, uint32_t want)
{
	return t_check(seen == want, "%s expected 0x%x, saw 0x%x", what, want, seen);
}

int t_eq_mask(const char *what, uint32_t seen, uint32_t want, uint32_t mask)
{
	return t_check((seen & mask) == (want & mask),
		       "%s expected 0x%x, saw 0x%x (mask 0x%x)", what,
		       want & mask, seen & mask, mask);
}

void guest_exit(void)
{
	exiting = 1;
	if (case_name)
		t_end();
	gprintf("END %s pass=%u fail=%u\n", guest_name, npass, nfail);
	uart_drain(PORT_COM1);
	emu_exit(nfail ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
	/* Neither QEMU's isa-debug-exit nor Bochs: stop here. */
	halt_forever();
	__builtin_unreachable();
}

void guest_abort(const char *fmt, ...)
{
	va_list ap;

	if (exiting) {
		/* Failing again while exiting: get out without printing. */
		uart_drain(PORT_COM1);
		emu_exit(DEBUG_EXIT_FAIL);
		halt_forever();
	}
	if (!case_name)
		t_begin("setup");
	va_start(ap, fmt);
	t_vfail(fmt, ap);
	va_end(ap);
	guest_exit();
}
