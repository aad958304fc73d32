/*
 * Exception and interrupt dispatch (see trap.h).  SDM vol. 3A 6.3 and
 * table 6-1 for the vectors and their names.
 */
#include "guest/lib/trap.h"

#include <stddef.h>

#include "guest/lib/fault.h"
#include "guest/lib/test.h"
#include "lib/x86.h"

uint32_t trap_cr2;
static trap_handler handlers[256];

static const char *const exc_names[32] = {
	[EXC_DE] = "DE", [EXC_DB] = "DB", [EXC_NMI] = "NMI", [EXC_BP] = "BP",
	[EXC_OF] = "OF", [EXC_BR] = "BR", [EXC_UD] = "UD", [EXC_NM] = "NM",
	[EXC_DF] = "DF", [EXC_TS] = "TS", [EXC_NP] = "NP", [EXC_SS] = "SS",
	[EXC_GP] = "GP", [EXC_PF] = "PF", [EXC_MF] = "MF", [EXC_AC] = "AC",
	[EXC_MC] = "MC", [EXC_XM] = "XM",
};

const char *trap_name(int vec)
{
	return vec >= 0 && vec < 32 ? exc_names[vec] : NULL;
}

void trap_set_handler(int vec, trap_handler fn)
{
	handlers[vec & 0xFF] = fn;
}

static void trap_unexpected(const struct trapframe *tf)
{
	const char *name = trap_name(tf->vector);

	if (name)
		guest_abort("unexpected #%s err=0x%x eip=0x%08x cr2=0x%08x cs=0x%x",
			    name, tf->errcode, tf->eip, trap_cr2, tf->cs & 0xFFFF);
	guest_abort("unexpected vector 0x%02x eip=0x%08x cs=0x%x", tf->vector,
		    tf->eip, tf->cs & 0xFFFF);
}

void trap_dispatch(struct trapframe *tf)
{
	/* Before anything could fault again and overwrite it. */
	trap_cr2 = read_cr2();

	if (handlers[tf->vector]) {
		handlers[tf->vector](tf);
		return;
	}
	if (fault_catch(tf))
		return;
	trap_unexpected(tf);
}
