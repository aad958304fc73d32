/*
 * The translator's host unit test: dt/ (decoder, translation, code cache,
 * chaining, the indirect-branch table, self-modifying code) compiled for a
 * 32-bit Linux process as it is, with dt/host.h implemented over the
 * process's own memory, and translated code run for real.
 *
 * Guest code (tests/dt/guest.S) runs natively first, called as ordinary
 * functions: that run is the expected result.  Then the same code runs
 * from the code cache at ring 3 with %gs on dt_fast (an LDT segment), and
 * this file plays hv: an exit (`int $0xE0`, a #GP at ring 3: SIGSEGV)
 * comes to the signal handler, which translates, chains, fills the
 * indirect-branch table, runs a table row's handler, and resumes the cache
 * as hv's trap loop would.  Pages translations were made from are
 * write-protected with mprotect, so a write to one (by this file or by the
 * guest code itself) faults into smc_write as in hv.
 *
 *   build/tests/dt_unit [CACHE_BYTES]
 * prints one PASS or FAIL line per check (scripts/test-dt.sh runs it with
 * the default cache and with an 8 KiB one, which fills and is flushed).
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "dt/cache.h"
#include "dt/dt.h"
#include "dt/fast.h"
#include "dt/host.h"
#include "dt/sens.h"
#include "dt/smc.h"
#include "lib/layout.h"
#include "lib/x86.h"

/* tests/dt/guest.S */
extern char guest_start[], guest_end[], loop_sum_body[], cpuid_insn[];
extern char ret_const_imm[], hot_imm[];
int loop_sum(int n);
int loop_insn(int n);
int fib(int n);
int dispatch(int n);
uint32_t cpuid_ebx(void);
int ret_const(void);
int call_const(void);
int selfmod(int v);
int hot(void);
/* tests/dt/enter.S */
void enter(void *code, uint32_t arg, uint32_t gs);
extern char host_return[];

static int failed;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS dt-unit: %s\n", name);
		return;
	}
	failed = 1;
	printf("FAIL dt-unit: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* --- what lib/ gives dt/ in hv --- */

int log_level;

void klog(int level, const char *subsys, const char *fmt, ...)
{
	(void)level; (void)subsys; (void)fmt;
}

void panic_at(const char *file, int line, const struct trapframe *tf, const char *fmt, ...)
{
	va_list ap;

	(void)tf;
	printf("FAIL dt-unit: panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

/* --- dt/host.h over this process: guest linear = "physical" = ours --- */

static uint32_t breakpoint;	/* dth_breakpoint_at */

static int in_guest(uint32_t lin)
{
	return lin >= (uint32_t)guest_start && lin < (uint32_t)guest_end;
}

int dth_fetch(uint32_t lin, uint8_t *buf, uint32_t len, int *why)
{
	uint32_t n = 0;

	while (n < len && in_guest(lin + n))
		n++;
	if (n < len)
		*why = DTF_FETCH_OUTSIDE;
	memcpy(buf, (const void *)lin, n);
	return (int)n;
}

int dth_code_frame(uint32_t lin, uint32_t *pa, int *global)
{
	if (!in_guest(lin))
		return -1;
	*pa = lin & PTE_ADDR;
	if (global)
		*global = 0;
	return 0;
}

int dth_peek_frame(uint32_t lin, uint32_t *pa)
{
	return dth_code_frame(lin, pa, 0);
}

uint32_t dth_guest_pde(uint32_t lin, int *large)
{
	(void)lin;
	*large = 0;
	return 0;	/* "paging off": mappings never change under the test */
}

uint32_t dth_read_phys32(uint32_t pa)
{
	return *(const uint32_t *)pa;
}

int dth_protect_frame(uint32_t pa)
{
	return mprotect((void *)pa, 4096, PROT_READ | PROT_EXEC);
}

void dth_unprotect_frame(uint32_t pa)
{
	mprotect((void *)pa, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
}

int dth_breakpoint_at(uint32_t lin)
{
	return lin == breakpoint;
}

int dth_port_intercepted(uint16_t port, int size)
{
	(void)port; (void)size;
	return 0;
}

/* --- the table: CPUID, RDTSC copied, the catch-all --- */

struct fault { int unused; };
static const struct dt_insn *seen_insn;	/* what the last handler was given */

static int cpuid_handler(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
			 struct fault *f, uint32_t *next)
{
	uint32_t a, b, c, dx;

	(void)eip; (void)f; (void)next;
	seen_insn = d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(dx) : "a"(tf->eax), "c"(tf->ecx));
	tf->eax = a;
	tf->ebx = b;
	tf->ecx = c;
	tf->edx = dx;
	return 0;
}

static int other_handler(struct trapframe *tf, const struct dt_insn *d, uint32_t eip,
			 struct fault *f, uint32_t *next)
{
	(void)tf; (void)f; (void)next;
	printf("FAIL dt-unit: an instruction without a row at %08x (opcode %02x)\n", eip,
	       d->opcode);
	exit(1);
}

static const struct dt_sens rows[] = {
	{ "cpuid", DT_MAP_0F, 0xA2, DTS_ANY, DTS_ANY, DTS_MOD_ANY, DTS_EXIT, 0, cpuid_handler },
	{ "rdtsc", DT_MAP_0F, 0x31, DTS_ANY, DTS_ANY, DTS_MOD_ANY, DTS_NATIVE, 0, 0 },
};
static const struct dt_sens other =
	{ "other", 0, 0, DTS_ANY, DTS_ANY, DTS_MOD_ANY, DTS_EXIT_END, 0, other_handler };
static const struct dt_sens_table table = { rows, 2, &other };

/* --- running translated code: this file as hv's trap loop --- */

static uint16_t tls_gs, fast_sel;
static int mode;
static sigjmp_buf done;
static uint32_t result;
/* Per run (cleared by run()), and write faults since the start. */
static struct { uint32_t exits, branch, ind, emul, smc_guest, debug_at; } ev;
static uint32_t smc_host_writes;

static uint32_t block_code(uint32_t eip)
{
	struct dt_fail fail;
	struct dt_block *b = dt_get(eip, 0, mode, &fail);

	if (!b) {
		printf("FAIL dt-unit: no translation at %08x (kind %d)\n", eip, fail.kind);
		exit(1);
	}
	return (uint32_t)b->code;
}

static void to_tf(const greg_t *g, struct trapframe *tf)
{
	tf->eax = g[REG_EAX]; tf->ebx = g[REG_EBX]; tf->ecx = g[REG_ECX];
	tf->edx = g[REG_EDX]; tf->esi = g[REG_ESI]; tf->edi = g[REG_EDI];
	tf->ebp = g[REG_EBP]; tf->esp = g[REG_ESP]; tf->eflags = g[REG_EFL];
}

static void from_tf(greg_t *g, const struct trapframe *tf)
{
	g[REG_EAX] = tf->eax; g[REG_EBX] = tf->ebx; g[REG_ECX] = tf->ecx;
	g[REG_EDX] = tf->edx; g[REG_ESI] = tf->esi; g[REG_EDI] = tf->edi;
	g[REG_EBP] = tf->ebp; g[REG_ESP] = tf->esp;
}

/* An exit: what hv's do_exit does, in miniature. */
static void on_exit_stub(greg_t *g, struct dt_exit *x)
{
	uint32_t gen = dt_flush_gen, next;
	struct dt_block *b;
	struct trapframe tf;
	struct fault f;

	ev.exits++;
	switch (x->kind) {
	case DTX_BRANCH:
		ev.branch++;
		g[REG_EIP] = block_code(x->target);
		b = dt_block_at(g[REG_EIP]);
		if (gen == dt_flush_gen && x->block && !x->block->dead && !x->block->transient)
			dt_chain(x, b);
		return;
	case DTX_IND:
		ev.ind++;
		if (dt_fast.s_guest == (uint32_t)host_return) {
			result = g[REG_EAX];
			siglongjmp(done, 1);
		}
		g[REG_EIP] = block_code(dt_fast.s_guest);
		dt_ibtc_set(dt_fast.s_guest, dt_block_at(g[REG_EIP]));
		return;
	case DTX_STEP_END:
		g[REG_EIP] = block_code(x->target);
		return;
	case DTX_DEBUG:
		ev.debug_at = x->eip;
		siglongjmp(done, 2);
	case DTX_EMUL:
		ev.emul++;
		to_tf(g, &tf);
		next = x->eip + x->len;
		if (x->sens->handler(&tf, x->insn, x->eip, &f, &next)) {
			printf("FAIL dt-unit: the handler of %s faulted\n", x->sens->name);
			exit(1);
		}
		from_tf(g, &tf);
		if ((x->flags & DTX_F_CONT) && next == x->eip + x->len && gen == dt_flush_gen &&
		    !x->block->dead)
			g[REG_EIP] = (uint32_t)x->stub + DT_STUB_SIZE;
		else
			g[REG_EIP] = block_code(next);
		return;
	default:
		printf("FAIL dt-unit: exit of kind %d at guest %08x\n", x->kind, x->eip);
		exit(1);
	}
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;
	uint32_t eip = (uint32_t)g[REG_EIP], addr = (uint32_t)si->si_addr;
	struct dt_exit *x;

	(void)sig;
	__asm__ volatile("movw %0, %%gs" : : "r"(tls_gs));	/* libc's, first */
	x = dt_stub_at(eip);
	if (x && si->si_code == SI_KERNEL) {
		on_exit_stub(g, x);
		return;
	}
	if (si->si_code == SEGV_ACCERR && in_guest(addr) && smc_write(addr & PTE_ADDR)) {
		struct dt_block *b = dt_block_at(eip), *single;
		struct dt_fail fail;
		uint32_t geip;
		int scratch;

		if (!b) {	/* a write by this file: it runs again */
			smc_host_writes++;
			return;
		}
		/* A write by translated code: its instruction alone, as hv does. */
		ev.smc_guest++;
		dt_guest_eip(b, eip, &geip, &scratch);
		single = dt_get_single(geip, 0, mode, &fail);
		if (!single) {
			printf("FAIL dt-unit: no single block at %08x\n", geip);
			exit(1);
		}
		g[REG_EIP] = (uint32_t)single->code;
		return;
	}
	printf("FAIL dt-unit: SIGSEGV at %08x (address %08x, code %d)\n", eip, addr, si->si_code);
	exit(1);
}

/* Runs fn(arg) from the code cache; 0 if it got there, 2 at a breakpoint. */
static int run(void *fn, uint32_t arg, uint32_t *out)
{
	int r;

	memset(&ev, 0, sizeof(ev));
	r = sigsetjmp(done, 1);
	if (r == 0)
		enter((void *)block_code((uint32_t)fn), arg, fast_sel);
	*out = result;
	return r == 1 ? 0 : r;
}

static uint32_t translated(void *fn, uint32_t arg)
{
	uint32_t v = 0;

	if (run(fn, arg, &v))
		printf("FAIL dt-unit: run of %p ended at a breakpoint\n", fn);
	return v;
}

/* --- the checks --- */

static void test_branches(void)
{
	uint32_t t = translated(loop_sum, 1000);
	uint32_t exits = ev.exits;

	check(t == (uint32_t)loop_sum(1000), "conditional branches", "%u, natively %d", t,
	      loop_sum(1000));
	/* 1000 iterations: without chaining each would be an exit. */
	check(exits < 10 && dt_stats.chained > 0, "chaining", "%u exits for 1000 iterations",
	      exits);
	t = translated(loop_insn, 1000);
	check(t == (uint32_t)loop_insn(1000), "loop", "%u, natively %d", t, loop_insn(1000));
}

static void test_calls(void)
{
	uint32_t t = translated(fib, 20);

	check(t == (uint32_t)fib(20), "call and ret", "%u, natively %d", t, fib(20));
	/* 21891 calls: returns find their targets in the inline table. */
	check(ev.ind < 20, "indirect-branch table", "%u indirect misses", ev.ind);
	t = translated(dispatch, 1000);
	check(t == (uint32_t)dispatch(1000), "indirect calls", "%u, natively %d", t,
	      dispatch(1000));
}

static void test_sensitive(void)
{
	uint32_t t = translated(cpuid_ebx, 0);
	uint8_t saved[2];

	check(t == cpuid_ebx() && ev.emul == 1, "an exit to a row's handler",
	      "ebx %08x (natively %08x), %u emulations", t, cpuid_ebx(), ev.emul);
	check(seen_insn && seen_insn->map == DT_MAP_0F && seen_insn->opcode == 0xA2 &&
	      seen_insn->len == 2, "the exit keeps the decoded instruction", "opcode %02x",
	      seen_insn ? seen_insn->opcode : 0);
	/*
	 * A write the translator does not see (as a device's DMA would be)
	 * puts UD2 where CPUID was.  The cached block still runs its exit,
	 * with the instruction decoded when it was translated: nothing is
	 * decoded from guest memory again.
	 */
	mprotect((void *)((uint32_t)cpuid_insn & PTE_ADDR), 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
	memcpy(saved, cpuid_insn, 2);
	cpuid_insn[0] = 0x0F;
	cpuid_insn[1] = 0x0B;
	seen_insn = 0;
	t = translated(cpuid_ebx, 0);
	memcpy(cpuid_insn, saved, 2);
	mprotect((void *)((uint32_t)cpuid_insn & PTE_ADDR), 4096, PROT_READ | PROT_EXEC);
	check(seen_insn && seen_insn->opcode == 0xA2 && t == cpuid_ebx(),
	      "the guest rewrites an instruction under its exit", "opcode %02x, ebx %08x",
	      seen_insn ? seen_insn->opcode : 0, t);
}

static void test_smc(void)
{
	uint32_t unlinked, inval, writes, t = translated(call_const, 0);

	check(t == 11, "a chained call", "%u, want 11", t);
	unlinked = dt_stats.unlinked;
	inval = dt_stats.invalidations;
	writes = smc_host_writes;
	*(volatile uint32_t *)ret_const_imm = 2;	/* faults: the page is protected */
	__asm__ volatile("" ::: "memory");	/* the fault's handler changed the counters */
	check(smc_host_writes == writes + 1 && dt_stats.invalidations == inval + 1 &&
	      dt_stats.unlinked > unlinked, "a write invalidates and unlinks",
	      "%u write faults, invalidations %u -> %u, unlinked %u -> %u",
	      smc_host_writes - writes, inval, dt_stats.invalidations, unlinked,
	      dt_stats.unlinked);
	t = translated(call_const, 0);
	check(t == 12 && call_const() == 12, "translated again after the write",
	      "%u, natively %d", t, call_const());

	t = translated(selfmod, 5);
	check(t == 5 && ev.smc_guest == 1, "self-modifying code", "%u, %u guest write faults", t,
	      ev.smc_guest);
	t = translated(selfmod, 9);
	check(t == 9 && (uint32_t)selfmod(7) == 7, "self-modifying code again", "%u", t);
}

static void test_hot(void)
{
	uint32_t faults, bad = 0, stale = dt_stats.checked_stale, writes = smc_host_writes;
	uint32_t flushes = dt_stats.flushes;

	for (uint32_t i = 1; i <= 100; i++) {
		*(volatile uint32_t *)hot_imm = i;
		__asm__ volatile("" ::: "memory");
		if (translated(hot, 0) != i || (uint32_t)hot() != i)
			bad++;
	}
	faults = smc_host_writes - writes;
	/* docs/ARCHITECTURE.md, "Self-modifying code": after 64 writes that
	   killed translations a page is checked, not protected any more
	   (until a flush, which starts the count again). */
	check(bad == 0 && (dt_stats.flushes == flushes ? faults == 64 : faults > 64 && faults < 100) &&
	      smc_checked_count >= 1 &&
	      dt_stats.checked_stale > stale, "a hot page becomes checked",
	      "%u wrong results, %u write faults, %u checked pages, %u stale blocks", bad, faults,
	      smc_checked_count, dt_stats.checked_stale - stale);
}

static void test_breakpoint(void)
{
	uint32_t t;
	int r;

	breakpoint = (uint32_t)loop_sum_body;
	mode |= DT_MODE_DEBUG;
	dt_check_page(breakpoint);	/* blocks through it end before it now */
	r = run(loop_sum, 10, &t);
	check(r == 2 && ev.debug_at == breakpoint, "a breakpoint ends the block before it",
	      "run ended %d at %08x, want the breakpoint at %08x", r, ev.debug_at, breakpoint);
	breakpoint = 0;
	mode &= ~DT_MODE_DEBUG;
	dt_check_page((uint32_t)loop_sum_body);
	t = translated(loop_sum, 10);
	check(t == 55, "and after it is cleared", "%u", t);
}

int main(int argc, char **argv)
{
	uint32_t cache_size = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 0) : 1u << 20;
	void *cache = mmap(0, cache_size, PROT_READ | PROT_WRITE | PROT_EXEC,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	void *meta = mmap(0, HV_META_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static uint8_t altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	struct user_desc ud = { .entry_number = 0, .base_addr = (uint32_t)&dt_fast,
				.limit = sizeof(dt_fast) - 1, .seg_32bit = 1, .useable = 1 };

	setvbuf(stdout, 0, _IONBF, 0);
	if (cache == MAP_FAILED || meta == MAP_FAILED || syscall(SYS_modify_ldt, 1, &ud, sizeof(ud))) {
		printf("FAIL dt-unit: setup: no cache, records or LDT segment\n");
		return 1;
	}
	fast_sel = 0 << 3 | 4 | 3;	/* LDT entry 0, RPL 3 */
	__asm__ volatile("movw %%gs, %0" : "=r"(tls_gs));
	sigaltstack(&ss, 0);
	sigaction(SIGSEGV, &sa, 0);
	dt_init(cache, cache_size, meta, HV_META_SIZE, &table, fast_sel);

	test_branches();
	test_calls();
	test_sensitive();
	test_smc();
	test_hot();
	test_breakpoint();
	if (cache_size <= 65536)
		check(dt_stats.flushes > 0, "a full cache is flushed", "%u flushes with %u bytes",
		      dt_stats.flushes, cache_size);
	printf("dt-unit: cache %u bytes: %u translations, %u chained, %u unlinked, %u flushes\n",
	       cache_size, dt_stats.translations, dt_stats.chained, dt_stats.unlinked,
	       dt_stats.flushes);
	return failed;
}
