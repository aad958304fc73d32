/*
 * panic() and hv_exit() (see panic.h).
 */
#include "lib/panic.h"

#include <stdarg.h>

#include "lib/uart.h"
#include "lib/log.h"
#include "lib/x86.h"

int exit_on_panic;
struct exit_hooks exit_hooks;

void hv_exit(enum hv_exit_code code)
{
	if (exit_hooks.flush)
		exit_hooks.flush();	/* a guest line held back for hv's log */
	if (exit_hooks.check)
		exit_hooks.check();
	/* Under QEMU's -icount shift=0 the TSC counts guest nanoseconds: the
	   tests read how long a run took in guest time from here. */
	log_info("exit", "time stamp counter %llu", rdtsc());
	log_info("exit", "stopping with status %d", code);
	uart_drain(PORT_COM1);	/* Bochs drops bytes still being sent */
	uart_drain(PORT_COM2);
	emu_exit((uint8_t)code);
	/* Not under QEMU or Bochs (or no exit device): stay stopped. */
	halt_forever();
	__builtin_unreachable();
}

void dump_trapframe(const struct trapframe *tf)
{
	kprintf("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n",
		tf->eax, tf->ebx, tf->ecx, tf->edx);
	kprintf("  esi=%08x edi=%08x ebp=%08x esp=%08x\n",
		tf->esi, tf->edi, tf->ebp, tf_interrupted_esp(tf));
	kprintf("  eip=%08x eflags=%08x cs=%04x ds=%04x es=%04x fs=%04x gs=%04x ss=%04x\n",
		tf->eip, tf->eflags, tf->cs & 0xFFFF, tf->ds & 0xFFFF,
		tf->es & 0xFFFF, tf->fs & 0xFFFF, tf->gs & 0xFFFF,
		(tf->cs & 3) ? tf->ss & 0xFFFF : 0);
	kprintf("  vector=%u errcode=%08x cr2=%08x\n", tf->vector, tf->errcode,
		read_cr2());
}

void panic_at(const char *file, int line, const struct trapframe *tf,
	      const char *fmt, ...)
{
	static int nested;
	struct trapframe here;
	va_list ap;

	__asm__ volatile("cli");
	if (nested++) {
		kprintf("\nhv: PANIC while panicking at %s:%d\n", file, line);
		goto stop;
	}
	kprintf("\nhv: PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");

	if (!tf) {
		/* No trap: show the registers of the panic call itself. */
		__asm__ volatile("movl %%eax, %0; movl %%ebx, %1; movl %%ecx, %2;"
				 "movl %%edx, %3; movl %%esi, %4; movl %%edi, %5;"
				 "movl %%ebp, %6"
				 : "=m"(here.eax), "=m"(here.ebx), "=m"(here.ecx),
				   "=m"(here.edx), "=m"(here.esi), "=m"(here.edi),
				   "=m"(here.ebp));
		__asm__ volatile("movl %%cs, %0; movl %%ds, %1; movl %%es, %2;"
				 "movl %%fs, %3; movl %%gs, %4"
				 : "=r"(here.cs), "=r"(here.ds), "=r"(here.es),
				   "=r"(here.fs), "=r"(here.gs));
		here.eip = (uint32_t)__builtin_return_address(0);
		here.eflags = read_eflags();
		here.vector = here.errcode = 0;
		kprintf("  (registers at the panic call; eip is its caller)\n");
		tf = &here;
	}
	dump_trapframe(tf);
	kprintf("  cr0=%08x cr3=%08x cr4=%08x\n", read_cr0(), read_cr3(), read_cr4());
	if (exit_hooks.panic_dump)
		exit_hooks.panic_dump();	/* the guest's state; the debugger's prompt */
stop:
	if (exit_on_panic) {
		uart_drain(PORT_COM1);
		uart_drain(PORT_COM2);
		emu_exit(HV_EXIT_PANIC);
	}
	halt_forever();
	__builtin_unreachable();
}
