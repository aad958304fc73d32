/*
 * Expected exceptions (see fault.h).  SDM vol. 3A 6.5 (faults, traps and
 * aborts: which EIP the CPU pushes) and 6.13 (error codes).
 */
#include "guest/lib/fault.h"

#include "guest/lib/test.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/x86.h"

enum { CATCH_OFF, CATCH_UNWIND, CATCH_RESUME };

struct fault g_fault;
uint32_t g_fault_count;
volatile uint32_t g_fault_label;
struct gjmp g_catch_jmp;

static int catch_mode;
static uint32_t catch_resume;

void fault_arm_unwind(void)
{
	catch_mode = CATCH_UNWIND;
}

void fault_expect_resume(const void *label)
{
	catch_resume = (uint32_t)label;
	catch_mode = CATCH_RESUME;
}

void fault_disarm(void)
{
	catch_mode = CATCH_OFF;
}

void fault_record(const struct trapframe *tf)
{
	g_fault.vector = tf->vector;
	g_fault.err = tf->errcode;
	g_fault.eip = tf->eip;
	g_fault.cs = tf->cs & 0xFFFF;
	g_fault.eflags = tf->eflags;
	g_fault.cr2 = trap_cr2;
	if (tf->cs & SEL_RPL_MASK) {
		g_fault.esp = tf->esp;
		g_fault.ss = tf->ss & 0xFFFF;
	} else {
		g_fault.esp = 0;
		g_fault.ss = 0;
	}
	g_fault_count++;
}

int fault_catch(struct trapframe *tf)
{
	int mode = catch_mode;

	if (mode == CATCH_OFF || tf->vector >= 32)
		return 0;
	catch_mode = CATCH_OFF;
	fault_record(tf);
	if (mode == CATCH_UNWIND)
		glongjmp(&g_catch_jmp, (int)tf->vector + 1);
	if (catch_resume)
		tf->eip = catch_resume;
	return 1;
}

static void fault_describe(char *buf, int size, int vec, uint32_t err)
{
	const char *name = vec >= 0 ? trap_name(vec) : NULL;

	if (vec < 0)
		fmt_snprintf(buf, size, "no fault");
	else if (name && EXC_HAS_ERRCODE(vec))
		fmt_snprintf(buf, size, "#%s(0x%x)", name, err);
	else if (name)
		fmt_snprintf(buf, size, "#%s", name);
	else
		fmt_snprintf(buf, size, "vector 0x%x", vec);
}

int t_fault(const char *what, int seen, int vec, uint32_t err, uint32_t eip)
{
	char want_s[32], seen_s[32];
	uint32_t seen_err = seen >= 0 ? g_fault.err : 0;

	if (seen == vec && (!EXC_HAS_ERRCODE(vec) || seen_err == err) &&
	    (!eip || g_fault.eip == eip))
		return 1;
	fault_describe(want_s, sizeof(want_s), vec, err);
	fault_describe(seen_s, sizeof(seen_s), seen, seen_err);
	if (seen == vec && eip && g_fault.eip != eip && !strcmp(want_s, seen_s))
		t_fail("%s: %s expected at eip 0x%x, seen at 0x%x", what, want_s,
		       eip, g_fault.eip);
	else
		t_fail("%s: expected %s, saw %s", what, want_s, seen_s);
	return 0;
}

int t_no_fault(const char *what, int seen)
{
	char seen_s[32];

	if (seen < 0)
		return 1;
	fault_describe(seen_s, sizeof(seen_s), seen, g_fault.err);
	t_fail("%s: expected no fault, saw %s at eip 0x%x", what, seen_s, g_fault.eip);
	return 0;
}
