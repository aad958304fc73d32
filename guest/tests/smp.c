/*
 * Starting the application processor with APIC ID 1 (MP spec 1.4 B.4,
 * "universal start-up algorithm": INIT, 10 ms, STARTUP, 200 us, STARTUP,
 * 200 us; Intel SDM vol. 3A 8.4.4.1 and 10.6.1: INIT and STARTUP IPIs,
 * the STARTUP vector is the page of the real-mode entry; 8.4.3: a
 * processor not in the wait-for-SIPI state ignores a STARTUP IPI, so the
 * AP starts once).  The AP's code (smp.S) prints "AP up" on COM1 and
 * leaves a mark; the BSP waits for it (bounded) and prints "ap: answered"
 * or "ap: no answer".  Both outcomes pass here: scripts/test-smp.sh runs
 * this guest with -smp 2 and wants "answered" natively and "no answer"
 * under hv, whose guest has one processor.  Delays come from the PIT
 * (mode 0, its OUT pin through the read-back status).  The BSP prints
 * nothing while the AP may be printing.
 */
#include "guest/lib/guest.h"
#include "guest/tests/smp.h"

GUEST_NAME("smp");

#define AP_ID		1
#define VEC_SPURIOUS	0xFF
#define PIT_10MS	(PIT_HZ / 100)
#define PIT_200US	(PIT_HZ / 5000)
#define PIT_1MS		(PIT_HZ / 1000)
#define WAIT_MS		200		/* for the AP's mark */

extern const char smp_tramp[], smp_tramp_end[], smp_tramp_count[], smp_tramp_mark[];

static volatile uint32_t *ap_count, *ap_mark;

/* Waits `count` PIT ticks; 1 when the PIT's OUT rose in time. */
static int pit_delay(uint16_t count)
{
	pit_start(0, PIT_MODE_TERMINAL, count);
	for (uint32_t i = 0; i < 10000000u; i++)
		if (pit_status(0) & PIT_STATUS_OUT)
			return 1;
	return 0;
}

static void tramp_case(void)
{
	uint8_t *dst = (uint8_t *)SMP_TRAMP_ADDR;
	uint32_t len = (uint32_t)(smp_tramp_end - smp_tramp);

	t_begin("trampoline");
	memcpy(dst, smp_tramp, len);
	ap_count = (volatile uint32_t *)(dst + (smp_tramp_count - smp_tramp));
	ap_mark = (volatile uint32_t *)(dst + (smp_tramp_mark - smp_tramp));
	*ap_count = 0;
	*ap_mark = 0;
	t_check(!memcmp(dst, smp_tramp, len), "copy at 0x%x differs", SMP_TRAMP_ADDR);
	t_check(len < PAGE_SIZE, "start-up code of %u bytes", len);
	gprintf("start-up code at 0x%05x, STARTUP vector 0x%02x\n", SMP_TRAMP_ADDR,
		SMP_TRAMP_VEC);
	t_end();
}

static void startup_case(void)
{
	uint32_t dest = (uint32_t)AP_ID << 24;
	int ok = 1, answered = 0;

	t_begin("startup");
	lapic_esr();
	/* Nothing printed from here until the AP is done or late. */
	ok &= lapic_ipi(dest, LAPIC_ICR_ASSERT | LAPIC_DM_INIT);
	ok &= pit_delay(PIT_10MS);
	ok &= lapic_ipi(dest, LAPIC_DM_SIPI | SMP_TRAMP_VEC);
	ok &= pit_delay(PIT_200US);
	ok &= lapic_ipi(dest, LAPIC_DM_SIPI | SMP_TRAMP_VEC);
	ok &= pit_delay(PIT_200US);
	for (int ms = 0; ms < WAIT_MS && !answered; ms++) {
		answered = *ap_mark == SMP_TRAMP_MARK;
		ok &= pit_delay(PIT_1MS);
	}
	t_check(ok, "an IPI stayed pending or the PIT did not count");
	gprintf("ap: %s\n", answered ? "answered" : "no answer");
	if (answered)
		t_eq("AP starts (the second STARTUP is ignored)", *ap_count, 1);
	else
		t_eq("AP starts", *ap_count, 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	lapic_setup(VEC_SPURIOUS);
	tramp_case();
	startup_case();
}
