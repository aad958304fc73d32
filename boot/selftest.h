/*
 * Boot-time self-tests of hv's own pieces (the `selftest` option): frame
 * allocator, page mapping and unmapping, hv's exception path, and its
 * guarded MSR accessors.
 * Each prints "hv: selftest: NAME: ok" or "...: FAIL: why"; the summary
 * line is "hv: selftest: N passed, M failed".
 */
#ifndef BOOT_SELFTEST_H
#define BOOT_SELFTEST_H

/* Returns the number of failed tests. */
int selftest_run(void);

/*
 * Recurses until hv's stack runs into its guard page (selftest=stack): the
 * #PF cannot be delivered on the same stack, so the CPU raises #DF, whose
 * task (monitor/gdt.c) has a stack of its own and panics with the report.
 */
void selftest_overrun_stack(void) __attribute__((noreturn));

#endif
