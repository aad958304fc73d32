/*
 * The guest's model-specific registers: what its RDMSR and WRMSR at CPL 0
 * do (Intel SDM vol. 2 RDMSR, WRMSR; vol. 4 for the registers).  One
 * table (monitor/msr_tab.c) gives, for every MSR hv knows, a policy and
 * the functions that carry it out; docs/ARCHITECTURE.md, "MSRs", has the
 * summary.
 *
 *   VIRTUAL  the guest has a copy (monitor/msr.c, msr_mem.c, msr_mca.c),
 *            taken from the real CPU at boot where that makes sense;
 *            reads and writes act on the copy, writes of reserved bits or
 *            invalid values #GP as the SDM says for that MSR, and the
 *            real register is never written;
 *   PASS     reads come from the real CPU; writes #GP unless the row's
 *            writer lets a harmless one through to the real CPU;
 *   REFUSE   #GP for reads and writes.
 *
 * A row may exist only on some CPUs (its `has`, from the real CPUID and
 * what the real CPU answered at boot).  An MSR without a row that covers
 * it is read from the real CPU under a fault guard (monitor/trap.h): the
 * guest gets the value, or #GP exactly when the CPU refuses.  It cannot be
 * written (#GP): an MSR hv does not know may change how the real CPU runs
 * hv, so only the MSRs of the table can be written.
 */
#ifndef MON_MSR_H
#define MON_MSR_H

#include <stdint.h>

enum msr_policy { MSR_VIRTUAL, MSR_PASS, MSR_REFUSE };

/* 0, or -1 for the guest's #GP(0).  idx is the MSR the guest named. */
typedef int (*msr_rd_fn)(uint32_t idx, uint64_t *v);
typedef int (*msr_wr_fn)(uint32_t idx, uint64_t v);
/* Does the row cover idx on this CPU? */
typedef int (*msr_has_fn)(uint32_t idx);

struct msr_row {
	const char *name;
	uint32_t first, last;	/* the indices it covers */
	uint8_t policy;		/* enum msr_policy (the logs and docs say it) */
	msr_has_fn has;		/* 0: on every CPU */
	msr_rd_fn rd;
	msr_wr_fn wr;
};

extern const struct msr_row msr_rows[];
extern const uint32_t msr_nrows;

/*
 * Reads what the table needs from the real CPU (CPUID, the values the
 * copies start from); before the guest runs, after idt_init (the reads
 * are guarded).
 */
void msr_init(void);

/* Does the CPU have RDTSCP, and the guest's IA32_TSC_AUX for its ECX. */
int msr_has_rdtscp(uint32_t idx);
uint32_t msr_tsc_aux(void);

/* The guest's RDMSR and WRMSR of idx: 0, or -1 for #GP(0). */
int msr_read(uint32_t idx, uint64_t *v);
int msr_write(uint32_t idx, uint64_t v);

/* The counters: "hv: msr: rdmsr N (M of MSRs without a row), ...". */
void msr_print_stats(void);

#endif
