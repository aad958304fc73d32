/*
 * drivers/vlapic.c and vlapic_irq.c against the Intel SDM vol. 3A chapter
 * 10 (xAPIC): the power-up state, each register's writable bits, illegal
 * register accesses and the ESR, TPR/PPR/APR and priority masking, nested
 * in-service vectors and EOI order, level-triggered EOI, the spurious
 * vector, illegal vectors and the error interrupt, software disable.
 * IPIs, destinations, LINT pins, IA32_APIC_BASE and INIT are
 * test_vlapic_msgs.c's; the timer is test_vlapic_timer.c's.
 */
#include "tests/devices/vlapic_util.h"

static const uint32_t lvts[] = { LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL, LAPIC_LVT_PERF,
				 LAPIC_LVT_LINT0, LAPIC_LVT_LINT1, LAPIC_LVT_ERROR,
				 LAPIC_LVT_CMCI };

static void power_up(void)
{
	group("vlapic: power-up state (10.4.7.1)");
	fresh();
	CHECK_EQ("ID", rd(LAPIC_ID), (uint32_t)ID << 24);
	CHECK_EQ("version 0x14, max LVT 5 (QEMU's)", rd(LAPIC_VERSION), 0x00050014);
	CHECK_EQ("TPR", rd(LAPIC_TPR), 0);
	CHECK_EQ("APR", rd(LAPIC_APR), 0);
	CHECK_EQ("PPR", rd(LAPIC_PPR), 0);
	CHECK_EQ("LDR", rd(LAPIC_LDR), 0);
	CHECK_EQ("DFR all ones", rd(LAPIC_DFR), 0xFFFFFFFF);
	CHECK_EQ("SVR 0xFF", rd(LAPIC_SVR), 0xFF);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ("ISR", rd(LAPIC_ISR + 0x10 * i), 0);
		CHECK_EQ("TMR", rd(LAPIC_TMR + 0x10 * i), 0);
		CHECK_EQ("IRR", rd(LAPIC_IRR + 0x10 * i), 0);
	}
	CHECK_EQ("ESR", esr(), 0);
	CHECK_EQ("ICR low", rd(LAPIC_ICR_LO), 0);
	CHECK_EQ("ICR high", rd(LAPIC_ICR_HI), 0);
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		CHECK_EQ("LVT: only the mask bit", rd(lvts[i]), LAPIC_LVT_MASKED);
	CHECK_EQ("initial count", rd(LAPIC_TIMER_INIT), 0);
	CHECK_EQ("current count", rd(LAPIC_TIMER_CUR), 0);
	CHECK_EQ("divide", rd(LAPIC_TIMER_DIV), 0);
	CHECK_EQ("IA32_APIC_BASE: FEE00000, BSP, EN (10.4.4)", vlapic_get_base(), 0xFEE00900);
	CHECK_EQ("enabled", vlapic_enabled(), 1);
	CHECK_EQ("base", vlapic_base_addr(), 0xFEE00000);
	CHECK_EQ("nothing pending", vlapic_pending(), -1);
	CHECK_EQ("no ExtINT: LINT0 masked", vlapic_extint(), 0);
	CHECK_EQ("no NMI", vlapic_take_nmi(), 0);
	CHECK_EQ("TSC deadline", vlapic_get_tsc_deadline(), 0);
}

static void register_bits(void)
{
	group("vlapic: writable bits (figures 10-6, 10-8, 10-12 to 10-14, 10-23)");
	fresh();
	wr(LAPIC_ID, 0xFFFFFFFF);
	CHECK_EQ("ID: bits 24-31", rd(LAPIC_ID), 0xFF000000);
	wr(LAPIC_ID, (uint32_t)ID << 24);
	wr(LAPIC_TPR, 0xFFFFFFFF);
	CHECK_EQ("TPR: bits 0-7", rd(LAPIC_TPR), 0xFF);
	wr(LAPIC_TPR, 0);
	wr(LAPIC_LDR, 0xFFFFFFFF);
	CHECK_EQ("LDR: bits 24-31", rd(LAPIC_LDR), 0xFF000000);
	wr(LAPIC_DFR, 0);
	CHECK_EQ("DFR: model bits 28-31, the rest ones", rd(LAPIC_DFR), 0x0FFFFFFF);
	wr(LAPIC_SVR, 0xFFFFFFFF);
	CHECK_EQ("SVR: vector, enable, focus", rd(LAPIC_SVR), 0x3FF);
	wr(LAPIC_LVT_TIMER, 0xFFFFFFFF);
	CHECK_EQ("LVT timer: vector, mask, mode", rd(LAPIC_LVT_TIMER), 0x700FF);
	wr(LAPIC_LVT_THERMAL, 0xFFFFFFFF);
	CHECK_EQ("LVT thermal: vector, mode, mask", rd(LAPIC_LVT_THERMAL), 0x107FF);
	wr(LAPIC_LVT_PERF, 0xFFFFFFFF);
	CHECK_EQ("LVT perf", rd(LAPIC_LVT_PERF), 0x107FF);
	wr(LAPIC_LVT_CMCI, 0xFFFFFFFF);
	CHECK_EQ("LVT CMCI", rd(LAPIC_LVT_CMCI), 0x107FF);
	wr(LAPIC_LVT_LINT0, 0xFFFFFFFF);
	CHECK_EQ("LVT LINT0: + polarity, trigger; not status, remote IRR",
		 rd(LAPIC_LVT_LINT0), 0x1A7FF);
	wr(LAPIC_LVT_LINT1, 0xFFFFFFFF);
	CHECK_EQ("LVT LINT1", rd(LAPIC_LVT_LINT1), 0x1A7FF);
	wr(LAPIC_LVT_ERROR, 0xFFFFFFFF);
	CHECK_EQ("LVT error: vector, mask", rd(LAPIC_LVT_ERROR), 0x100FF);
	wr(LAPIC_LVT_TIMER, 0x2F345);
	CHECK_EQ("LVT timer unmasked", rd(LAPIC_LVT_TIMER), 0x20045);
	wr(LAPIC_TIMER_DIV, 0xFFFFFFFF);
	CHECK_EQ("divide: bits 0, 1, 3", rd(LAPIC_TIMER_DIV), 0xB);
	wr(LAPIC_ICR_HI, 0xFFFFFFFF);
	CHECK_EQ("ICR high: bits 24-31", rd(LAPIC_ICR_HI), 0xFF000000);
	wr(LAPIC_ICR_LO, 0xFFFFFFFF);	/* ExtINT to all but self: to the hook */
	CHECK_EQ("ICR low: no delivery status, reserved bits 0", rd(LAPIC_ICR_LO), 0xCCFFF);
	CHECK_EQ("ICR low: sent to the hook", ipi_calls, 1);
	CHECK_EQ("no error for any of it", esr(), 0);
}

static void illegal_regs(void)
{
	static const uint32_t reserved[] = { 0x000, 0x010, 0x040, 0x050, 0x060, 0x070, 0x290,
					     0x2A0, 0x2B0, 0x2C0, 0x2D0, 0x2E0, 0x3A0, 0x3B0,
					     0x3C0, 0x3D0, 0x3F0, 0x400, 0x800, 0xFF0, 0x024,
					     0x3EC };
	static const uint32_t read_only[] = { LAPIC_VERSION, LAPIC_APR, LAPIC_PPR, LAPIC_RRD,
					      LAPIC_ISR, LAPIC_ISR + 0x70, LAPIC_TMR,
					      LAPIC_IRR + 0x30, LAPIC_TIMER_CUR };

	group("vlapic: illegal register address, ESR latching (10.5.3), sizes (10.4.1)");
	fresh();
	for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		CHECK_EQ("reserved register reads 0", rd(reserved[i]), 0);
		CHECK_EQ("... and sets ESR bit 7", esr(), LAPIC_ESR_ILLEGAL_REG);
		wr(reserved[i], 0xFFFFFFFF);
		CHECK_EQ("reserved register written: bit 7", esr(), LAPIC_ESR_ILLEGAL_REG);
	}
	wr(LAPIC_SVR, SVR_ON);
	vlapic_accept(VAPIC_DM_FIXED, 0x40, 0);
	for (unsigned i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		uint32_t before = rd(read_only[i]);

		CHECK_EQ("a read-only register reads without error", esr(), 0);
		wr(read_only[i], 0x5A5A5A5A);
		CHECK_EQ("written: unchanged", rd(read_only[i]), before);
		CHECK_EQ("written: bit 7", esr(), LAPIC_ESR_ILLEGAL_REG);
	}
	CHECK_EQ("IRR kept", bit(LAPIC_IRR, 0x40), 1);
	CHECK_EQ("the EOI register reads 0 without error", rd(LAPIC_EOI), 0);
	CHECK_EQ("no error", esr(), 0);

	/* Write-then-read: the ESR shows what the last write latched. */
	rd(0x040);
	CHECK_EQ("an error is not readable before the write", rd(LAPIC_ESR), 0);
	wr(LAPIC_ESR, 0);
	CHECK_EQ("latched by the write", rd(LAPIC_ESR), LAPIC_ESR_ILLEGAL_REG);
	CHECK_EQ("stays until the next write", rd(LAPIC_ESR), LAPIC_ESR_ILLEGAL_REG);
	wr(LAPIC_ESR, 0);
	CHECK_EQ("the next write: no errors since", rd(LAPIC_ESR), 0);

	/* Byte and word reads extract; other writes are ignored. */
	CHECK_EQ("byte 2 of the version", vlapic_read(LAPIC_VERSION + 2, 1), 0x05);
	CHECK_EQ("word 0 of the version", vlapic_read(LAPIC_VERSION, 2), 0x0014);
	CHECK_EQ("byte 3 of the ID", vlapic_read(LAPIC_ID + 3, 1), ID);
	CHECK_EQ("a misaligned dword: the bytes of its dword", vlapic_read(LAPIC_ID + 2, 4),
		 ID << 8);
	wr(LAPIC_TPR, 0x20);
	vlapic_write(LAPIC_TPR, 1, 0x55);
	vlapic_write(LAPIC_TPR, 2, 0x55);
	vlapic_write(LAPIC_TPR + 1, 4, 0x55);
	CHECK_EQ("byte, word, misaligned writes ignored", rd(LAPIC_TPR), 0x20);
}

static void priorities(void)
{
	static const struct {
		uint32_t tpr;
		int in_service;	/* vector in the ISR, or -1 */
		uint32_t ppr;
	} ppr_cases[] = {
		{ 0x00, -1, 0x00 }, { 0x3F, -1, 0x3F }, { 0x30, 0x45, 0x40 },
		{ 0x4F, 0x45, 0x4F }, { 0x40, 0x4A, 0x40 }, { 0x50, 0x45, 0x50 },
		{ 0x1E, 0xF3, 0xF0 },
	};

	group("vlapic: TPR, PPR, APR and priority masking (10.8.3.1, 10.7.2.6)");
	for (unsigned i = 0; i < sizeof(ppr_cases) / sizeof(ppr_cases[0]); i++) {
		fresh();
		wr(LAPIC_SVR, SVR_ON);
		if (ppr_cases[i].in_service >= 0) {
			vlapic_accept(VAPIC_DM_FIXED, ppr_cases[i].in_service, 0);
			CHECK_EQ("taken", vlapic_ack(), ppr_cases[i].in_service);
		}
		wr(LAPIC_TPR, ppr_cases[i].tpr);
		CHECK_EQ("PPR", rd(LAPIC_PPR), ppr_cases[i].ppr);
	}
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	vlapic_accept(VAPIC_DM_FIXED, 0x45, 0);
	CHECK_EQ("0x45 pending", vlapic_pending(), 0x45);
	wr(LAPIC_TPR, 0x40);
	CHECK_EQ("TPR class 4 holds class 4", vlapic_pending(), -1);
	wr(LAPIC_TPR, 0x4F);
	CHECK_EQ("the sub-class does not matter", vlapic_pending(), -1);
	wr(LAPIC_TPR, 0x3F);
	CHECK_EQ("TPR class 3 lets class 4 through", vlapic_pending(), 0x45);
	/* APR: cases where "max(TPR AND ISRV, IRRV)" read either way agrees. */
	wr(LAPIC_TPR, 0x20);
	CHECK_EQ("APR: IRRV above TPR", rd(LAPIC_APR), 0x40);
	wr(LAPIC_TPR, 0x5A);
	CHECK_EQ("APR: TPR above IRRV and ISRV", rd(LAPIC_APR), 0x5A);
	wr(LAPIC_TPR, 0);
	vlapic_ack();
	wr(LAPIC_TPR, 0x40);
	CHECK_EQ("APR: TPR class not above ISRV's", rd(LAPIC_APR), 0x40);
}

static void nesting(void)
{
	group("vlapic: nested in-service vectors and EOI order (10.8.4, 10.8.5)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	vlapic_accept(VAPIC_DM_FIXED, 0x30, 0);
	CHECK_EQ("IRR bit 0x30", rd(LAPIC_IRR + 0x10), 1u << 16);
	CHECK_EQ("take 0x30", vlapic_ack(), 0x30);
	CHECK_EQ("IRR clear", rd(LAPIC_IRR + 0x10), 0);
	CHECK_EQ("ISR bit 0x30", rd(LAPIC_ISR + 0x10), 1u << 16);
	vlapic_accept(VAPIC_DM_FIXED, 0x35, 0);
	CHECK_EQ("same class as in service: held", vlapic_pending(), -1);
	vlapic_accept(VAPIC_DM_FIXED, 0x50, 0);
	CHECK_EQ("a higher class nests", vlapic_ack(), 0x50);
	vlapic_accept(VAPIC_DM_FIXED, 0x40, 0);
	CHECK_EQ("0x40 below 0x50 in service", vlapic_pending(), -1);
	CHECK_EQ("PPR", rd(LAPIC_PPR), 0x50);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI ended 0x50", bit(LAPIC_ISR, 0x50), 0);
	CHECK_EQ("0x30 still in service", bit(LAPIC_ISR, 0x30), 1);
	CHECK_EQ("edge: no EOI broadcast", eoi_calls, 0);
	CHECK_EQ("now 0x40", vlapic_ack(), 0x40);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI ended 0x40", bit(LAPIC_ISR, 0x40), 0);
	CHECK_EQ("then 0x35 is still held by 0x30", vlapic_pending(), -1);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI ended 0x30", bit(LAPIC_ISR, 0x30), 0);
	CHECK_EQ("0x35 last", vlapic_ack(), 0x35);
	wr(LAPIC_EOI, 0);
	wr(LAPIC_EOI, 0);	/* nothing in service: nothing happens */
	CHECK_EQ("ISR empty", rd(LAPIC_ISR + 0x10) | rd(LAPIC_ISR + 0x20), 0);
	vlapic_accept(VAPIC_DM_FIXED, 0x60, 0);
	vlapic_accept(VAPIC_DM_FIXED, 0x60, 0);
	CHECK_EQ("two requests of one vector: one", vlapic_ack(), 0x60);
	CHECK_EQ("none left", vlapic_pending(), -1);
	wr(LAPIC_EOI, 0);

	group("vlapic: level-triggered EOI broadcast, TMR (10.8.4, 10.8.5)");
	vlapic_accept(VAPIC_DM_FIXED, 0x61, 1);
	CHECK_EQ("TMR set for level", bit(LAPIC_TMR, 0x61), 1);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI broadcast once", eoi_calls, 1);
	CHECK_EQ("with the vector", eoi_last, 0x61);
	vlapic_accept(VAPIC_DM_FIXED, 0x61, 0);
	CHECK_EQ("TMR clear for edge", bit(LAPIC_TMR, 0x61), 0);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	CHECK_EQ("no broadcast for edge", eoi_calls, 1);

	group("vlapic: spurious vector (10.9)");
	wr(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xEF);
	vlapic_accept(VAPIC_DM_FIXED, 0x45, 0);
	CHECK_EQ("pending", vlapic_pending(), 0x45);
	wr(LAPIC_TPR, 0x50);	/* raised after INTR, before the acknowledge */
	CHECK_EQ("the acknowledge gets the spurious vector", vlapic_ack(), 0xEF);
	CHECK_EQ("no ISR bit", bit(LAPIC_ISR, 0xEF) | bit(LAPIC_ISR, 0x45), 0);
	CHECK_EQ("the request stays", bit(LAPIC_IRR, 0x45), 1);
}

static void errors(void)
{
	group("vlapic: illegal vectors and the error interrupt (10.5.2, 10.5.3)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	vlapic_accept(VAPIC_DM_FIXED, 5, 0);
	CHECK_EQ("vector 5 received: dropped", rd(LAPIC_IRR), 0);
	CHECK_EQ("receive illegal vector", esr(), LAPIC_ESR_RECV_ILLEGAL);
	ipi(0, LAPIC_ICR_SELF | 15);
	CHECK_EQ("self IPI of vector 15: not set", rd(LAPIC_IRR), 0);
	CHECK_EQ("send and receive illegal vector", esr(),
		 LAPIC_ESR_SEND_ILLEGAL | LAPIC_ESR_RECV_ILLEGAL);
	ipi(7, 3);
	CHECK_EQ("IPI of vector 3 to APIC 7: send illegal", esr(), LAPIC_ESR_SEND_ILLEGAL);
	CHECK_EQ("and not sent", ipi_calls, 0);
	ipi(ID, 16);
	CHECK_EQ("vector 16 is legal", bit(LAPIC_IRR, 16), 1);
	CHECK_EQ("no error", esr(), 0);
	wr(LAPIC_LVT_ERROR, 0xE0);
	vlapic_accept(VAPIC_DM_FIXED, 1, 0);
	CHECK_EQ("error interrupt", bit(LAPIC_IRR, 0xE0), 1);
	CHECK_EQ("taken", vlapic_ack(), 0xE0);
	wr(LAPIC_EOI, 0);
	rd(0x050);
	CHECK_EQ("not again before the ESR is written", bit(LAPIC_IRR, 0xE0), 0);
	CHECK_EQ("both errors latched", esr(), LAPIC_ESR_RECV_ILLEGAL | LAPIC_ESR_ILLEGAL_REG);
	rd(0x050);
	CHECK_EQ("rearmed by the write", bit(LAPIC_IRR, 0xE0), 1);
	wr(LAPIC_LVT_ERROR, 0x10000 | 0xE1);
	wr(LAPIC_ESR, 0);
	rd(0x050);
	CHECK_EQ("masked: no error interrupt", bit(LAPIC_IRR, 0xE1), 0);
}

static void sw_disable(void)
{
	group("vlapic: software disable (10.4.7.2)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
		wr(lvts[i], 0x40 + i);
	vlapic_accept(VAPIC_DM_FIXED, 0x51, 0);
	vlapic_accept(VAPIC_DM_FIXED, 0x41, 0);
	vlapic_ack();
	wr(LAPIC_SVR, 0xFF);
	for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		CHECK_EQ("every LVT masked", rd(lvts[i]), LAPIC_LVT_MASKED | (0x40 + i));
		wr(lvts[i], 0x60 + i);
		CHECK_EQ("cannot be unmasked", rd(lvts[i]), LAPIC_LVT_MASKED | (0x60 + i));
	}
	CHECK_EQ("IRR held", bit(LAPIC_IRR, 0x41), 1);
	CHECK_EQ("ISR held", bit(LAPIC_ISR, 0x51), 1);
	CHECK_EQ("nothing for the CPU", vlapic_pending(), -1);
	vlapic_accept(VAPIC_DM_FIXED, 0x71, 0);
	CHECK_EQ("fixed message not taken", bit(LAPIC_IRR, 0x71), 0);
	vlapic_accept(VAPIC_DM_NMI, 0, 0);
	CHECK_EQ("NMI taken", vlapic_take_nmi(), 1);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI still ends 0x51", bit(LAPIC_ISR, 0x51), 0);
	wr(LAPIC_SVR, SVR_ON);
	CHECK_EQ("enabled again: LVTs stay masked", rd(LAPIC_LVT_LINT0) & LAPIC_LVT_MASKED,
		 LAPIC_LVT_MASKED);
	CHECK_EQ("the held request", vlapic_pending(), 0x41);
}

void test_vlapic(void)
{
	power_up();
	register_bits();
	illegal_regs();
	priorities();
	nesting();
	errors();
	sw_disable();
}
