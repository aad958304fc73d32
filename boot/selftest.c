/*
 * hv's boot-time self-tests (see selftest.h).  Expected faults go through
 * trap_expected (monitor/trap.h): the real IDT, stubs and trap frame are
 * exercised, and the recorded vector, error code and CR2 are compared with
 * what the SDM says the CPU reports (vol. 3A 6.15: #UD pushes no error
 * code and points at the instruction; #PF sets CR2 and the P/W/U bits).
 */
#include "boot/selftest.h"

#include "boot/boot.h"
#include "monitor/mm/mm.h"
#include "lib/hw/msr.h"
#include "lib/layout.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "monitor/trap.h"
#include "lib/x86.h"

static int passed, failed;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			log_info("selftest", __VA_ARGS__);                    \
			return 0;                                             \
		}                                                             \
	} while (0)

static void report(const char *name, int ok)
{
	if (ok) {
		passed++;
		log_info("selftest", "%s: ok", name);
	} else {
		failed++;
		log_info("selftest", "%s: FAIL", name);
	}
}

static int frames_ok(void)
{
	static uint32_t got[HV_POOL_MAX / PAGE_SIZE];
	uint32_t before = frame_free_count(), n = 0, pa;

	CHECK(before > 16, "frames: only %u free frames", before);
	while ((pa = frame_alloc()) != 0) {
		CHECK(!(pa & (PAGE_SIZE - 1)), "frames: %08x not page aligned", pa);
		CHECK(pa >= boot.pool_phys && pa < boot.pool_phys + boot.pool_size,
		      "frames: %08x outside the pool", pa);
		CHECK(pa >= boot.image_phys + (hv_image_end - hv_image_start) ||
		      pa + PAGE_SIZE <= boot.image_phys, "frames: %08x in the image", pa);
		for (int i = 0; i < boot.nmods; i++)
			CHECK(pa >= boot.mods[i].end || pa + PAGE_SIZE <= boot.mods[i].start,
			      "frames: %08x inside module %d", pa, i);
		CHECK(*(volatile uint32_t *)frame_va(pa) == 0, "frames: %08x not zeroed", pa);
		*(volatile uint32_t *)frame_va(pa) = pa;	/* tag it */
		got[n++] = pa;
		CHECK(n <= before, "frames: more frames than were free");
	}
	CHECK(n == before, "frames: %u handed out, %u were free", n, before);
	for (uint32_t i = 0; i < n; i++) {
		CHECK(*(volatile uint32_t *)frame_va(got[i]) == got[i],
		      "frames: %08x handed out twice", got[i]);
		frame_free(got[i]);
	}
	CHECK(frame_free_count() == before, "frames: %u free after freeing all, %u before",
	      frame_free_count(), before);
	return 1;
}

static int expect_pf_write(uint32_t va, uint32_t *err, uint32_t *cr2)
{
	trap_expected.vector = EXC_PF;
	trap_expected.hit = 0;
	__asm__ volatile("movl $1f, %0\n\t"
			 "movl $2f, %1\n\t"
			 "1: movl $0x5a5a5a5a, (%2)\n\t"
			 "2:"
			 : "=m"(trap_expected.at), "=m"(trap_expected.resume)
			 : "r"(va) : "memory");
	*err = trap_expected.errcode;
	*cr2 = trap_expected.cr2;
	return trap_expected.hit;
}

static int map_unmap_ok(void)
{
	uint32_t va = paging_scratch_va(0), pa = frame_alloc(), err, cr2;

	CHECK(pa, "paging: no frame");
	CHECK(paging_map(va, pa, PTE_W) == 0, "paging: map failed");
	CHECK((paging_lookup(va) & PTE_ADDR) == pa, "paging: lookup %08x, want %08x",
	      paging_lookup(va), pa);
	*(volatile uint32_t *)va = 0xC0FFEE11;
	CHECK(*(volatile uint32_t *)frame_va(pa) == 0xC0FFEE11,
	      "paging: write through the mapping not seen through the pool window");
	paging_unmap(va);
	CHECK(paging_lookup(va) == 0, "paging: still mapped after unmap");
	CHECK(expect_pf_write(va, &err, &cr2), "paging: no #PF after unmap");
	CHECK(cr2 == va, "paging: #PF cr2=%08x, want %08x", cr2, va);
	/* Not present, write, supervisor (SDM vol. 3A 4.7). */
	CHECK(err == PFEC_W, "paging: #PF error code %x, want %x", err, PFEC_W);
	frame_free(pa);
	return 1;
}

static int ud_ok(void)
{
	uint32_t at;

	trap_expected.vector = EXC_UD;
	trap_expected.hit = 0;
	__asm__ volatile("movl $1f, %0\n\t"
			 "movl $2f, %1\n\t"
			 "movl $1f, %2\n\t"
			 "1: ud2\n\t"
			 "2:"
			 : "=m"(trap_expected.at), "=m"(trap_expected.resume), "=r"(at)
			 : : "memory");
	CHECK(trap_expected.hit, "#UD: ud2 did not fault at %08x", at);
	CHECK(trap_expected.errcode == 0, "#UD: error code %x", trap_expected.errcode);
	return 1;
}

static int pf_text_ok(void)
{
	uint32_t err, cr2, va = (uint32_t)hv_image_start;

	/* hv's text is mapped read-only and CR0.WP is set: a write faults. */
	CHECK(expect_pf_write(va, &err, &cr2), "text: write to hv text did not fault");
	CHECK(cr2 == va, "text: cr2=%08x, want %08x", cr2, va);
	CHECK(err == (PFEC_P | PFEC_W), "text: error code %x, want %x", err,
	      PFEC_P | PFEC_W);
	return 1;
}

/*
 * The guarded MSR accessors (monitor/trap.h).  A WRMSR of IA32_PKRS with
 * bit 32 set is refused on every CPU: bits 63:32 are reserved, and a CPU
 * without supervisor protection keys has no such MSR.  The guarded read
 * of an MSR the CPU has (IA32_SYSENTER_CS, which gdt_init set to 0) gives
 * its value.  (A refused RDMSR takes the same path; QEMU's TCG refuses
 * none, so the msr test guest shows it under Bochs.)
 */
static int msr_guard_ok(void)
{
	uint64_t v = 0x5A5A5A5A;

	CHECK(trap_wrmsr(MSR_PKRS, 1ull << 32) == EXC_GP,
	      "msr: guarded wrmsr of IA32_PKRS bit 32 did not come back as #GP");
	CHECK(trap_rdmsr(MSR_SYSENTER_CS, &v) == 0, "msr: guarded rdmsr of IA32_SYSENTER_CS faulted");
	CHECK(v == 0, "msr: IA32_SYSENTER_CS read %llx, want 0", v);
	return 1;
}

int selftest_run(void)
{
	passed = failed = 0;
	report("frame allocator", frames_ok());
	report("map and unmap", map_unmap_ok());
	report("#UD in hv", ud_ok());
	report("#PF on hv text", pf_text_ok());
	report("guarded MSR access", msr_guard_ok());
	log_info("selftest", "%d passed, %d failed", passed, failed);
	return failed;
}

/* Each call takes a frame of its own: the compiler cannot fold it away.
   (It ends only where the stack does.) */
static volatile uint32_t stack_limit = ~0u;

static uint32_t __attribute__((noinline)) deeper(uint32_t n)
{
	volatile uint8_t frame[256];

	frame[n & 255] = (uint8_t)n;
	if (n == stack_limit)
		return 0;
	return deeper(n + 1) + frame[(n * 7) & 255];
}

void selftest_overrun_stack(void)
{
	log_info("selftest", "overrunning hv's stack (%u KiB above its guard page)",
		 (uint32_t)(hv_stack_top - hv_stack_bottom) >> 10);
	deeper(0);
	panic("hv's stack did not overflow");
}
