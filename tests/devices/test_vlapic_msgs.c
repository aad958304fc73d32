/*
 * drivers/vlapic_irq.c and vlapic.c against the Intel SDM vol. 3A chapter
 * 10: IPIs through the ICR (10.6.1) for each shorthand, destination and
 * delivery mode; destination matching (10.6.2: physical, logical flat and
 * cluster); the LINT pins (10.5.1: ExtINT, NMI, fixed edge and level with
 * remote IRR); IA32_APIC_BASE (10.4.3-10.4.5: #GP, relocation, global
 * disable and re-enable); INIT (10.4.7.3).
 */
#include "tests/devices/vlapic_util.h"

static void ipis(void)
{
	group("vlapic: IPIs through the ICR (10.6.1)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	ipi(0, LAPIC_ICR_SELF | 0x70);
	CHECK_EQ("self: accepted", bit(LAPIC_IRR, 0x70), 1);
	CHECK_EQ("as edge", bit(LAPIC_TMR, 0x70), 0);
	CHECK_EQ("delivery status idle after the send", rd(LAPIC_ICR_LO), LAPIC_ICR_SELF | 0x70);
	CHECK_EQ("not for the hook", ipi_calls, 0);
	ipi(0, LAPIC_ICR_SELF | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT | 0x71);
	CHECK_EQ("the trigger bit is INIT de-assert's only: TMR clear", bit(LAPIC_TMR, 0x71), 0);
	CHECK_EQ("accepted", bit(LAPIC_IRR, 0x71), 1);
	ipi(ID, 0x72);
	CHECK_EQ("to its own APIC ID: accepted", bit(LAPIC_IRR, 0x72), 1);
	CHECK_EQ("no hook", ipi_calls, 0);
	ipi(0xFF, 0x73);
	CHECK_EQ("to 0xFF: accepted", bit(LAPIC_IRR, 0x73), 1);
	CHECK_EQ("and the others: hook", ipi_calls, 1);
	CHECK_EQ("hook: mode", ipi_mode, VAPIC_DM_FIXED);
	CHECK_EQ("hook: vector", ipi_vector, 0x73);
	CHECK_EQ("hook: destination", ipi_dest, 0xFF);
	CHECK_EQ("hook: no shorthand", ipi_sh, 0);
	ipi(0, LAPIC_ICR_ALL | 0x74);
	CHECK_EQ("all including self: accepted", bit(LAPIC_IRR, 0x74), 1);
	CHECK_EQ("hook, shorthand 2", ipi_calls == 2 && ipi_sh == 2, 1);
	ipi(0, LAPIC_ICR_ALL_BUT_SELF | 0x75);
	CHECK_EQ("all but self: not here", bit(LAPIC_IRR, 0x75), 0);
	CHECK_EQ("hook, shorthand 3", ipi_calls == 3 && ipi_sh == 3, 1);
	ipi(5, 0x76);
	CHECK_EQ("to APIC 5: not here", bit(LAPIC_IRR, 0x76), 0);
	CHECK_EQ("hook, destination 5", ipi_calls == 4 && ipi_dest == 5, 1);
	ipi(ID, LAPIC_DM_NMI);
	CHECK_EQ("NMI to itself: pending", vlapic_take_nmi(), 1);
	CHECK_EQ("taken once", vlapic_take_nmi(), 0);
	CHECK_EQ("no hook", ipi_calls, 4);
	ipi(5, LAPIC_DM_NMI);
	CHECK_EQ("NMI to APIC 5: not here", vlapic_take_nmi(), 0);
	CHECK_EQ("hook, NMI", ipi_calls == 5 && ipi_mode == VAPIC_DM_NMI, 1);
	ipi(ID, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
	CHECK_EQ("INIT to itself: hook", ipi_calls == 6 && ipi_mode == VAPIC_DM_INIT, 1);
	CHECK_EQ("INIT: destination", ipi_dest, ID);
	ipi(5, LAPIC_DM_SIPI | 0x9A);
	CHECK_EQ("SIPI: hook", ipi_calls == 7 && ipi_mode == VAPIC_DM_SIPI, 1);
	CHECK_EQ("SIPI: vector", ipi_vector, 0x9A);
	ipi(0, LAPIC_ICR_SELF | LAPIC_DM_SMI);
	CHECK_EQ("SMI: hook", ipi_calls == 8 && ipi_mode == VAPIC_DM_SMI, 1);
	wr(LAPIC_LDR, 0x01000000);
	ipi(0x03, LAPIC_ICR_LOGICAL | LAPIC_DM_LOWEST | 0x77);
	CHECK_EQ("lowest priority, logical 0x03: this one takes it", bit(LAPIC_IRR, 0x77), 1);
	CHECK_EQ("and no other", ipi_calls, 8);
	ipi(0x03, LAPIC_ICR_LOGICAL | 0x78);
	CHECK_EQ("fixed, logical 0x03: accepted", bit(LAPIC_IRR, 0x78), 1);
	CHECK_EQ("and the other one: hook", ipi_calls, 9);
	ipi(0x01, LAPIC_ICR_LOGICAL | 0x79);
	CHECK_EQ("fixed, logical 0x01: accepted", bit(LAPIC_IRR, 0x79), 1);
	CHECK_EQ("only this one", ipi_calls, 9);
	ipi(0x02, LAPIC_ICR_LOGICAL | 0x7A);
	CHECK_EQ("fixed, logical 0x02: not this one", bit(LAPIC_IRR, 0x7A), 0);
	CHECK_EQ("delivery status idle", rd(LAPIC_ICR_LO) & LAPIC_ICR_PENDING, 0);
}

static void destinations(void)
{
	group("vlapic: destination matching (10.6.2)");
	fresh();
	CHECK_EQ("physical: its ID", vlapic_match_dest(ID, 0), 1);
	CHECK_EQ("physical: 0xFF", vlapic_match_dest(0xFF, 0), 1);
	CHECK_EQ("physical: another", vlapic_match_dest(4, 0), 0);
	wr(LAPIC_ID, 9u << 24);
	CHECK_EQ("a new ID", vlapic_match_dest(9, 0), 1);
	CHECK_EQ("not the old one", vlapic_match_dest(ID, 0), 0);
	CHECK_EQ("logical, LDR 0: nothing", vlapic_match_dest(0xFF, 1), 0);
	wr(LAPIC_LDR, 0x04000000);
	CHECK_EQ("flat: its bit", vlapic_match_dest(0x04, 1), 1);
	CHECK_EQ("flat: its bit among others", vlapic_match_dest(0x0C, 1), 1);
	CHECK_EQ("flat: other bits", vlapic_match_dest(0x01, 1), 0);
	CHECK_EQ("flat: broadcast", vlapic_match_dest(0xFF, 1), 1);
	wr(LAPIC_DFR, 0x0FFFFFFF);
	wr(LAPIC_LDR, 0x21000000);
	CHECK_EQ("cluster 2 member 1", vlapic_match_dest(0x21, 1), 1);
	CHECK_EQ("cluster 2 members 0-1", vlapic_match_dest(0x23, 1), 1);
	CHECK_EQ("cluster 2 member 2", vlapic_match_dest(0x22, 1), 0);
	CHECK_EQ("cluster 3 member 1", vlapic_match_dest(0x31, 1), 0);
	CHECK_EQ("cluster 1 member 1", vlapic_match_dest(0x11, 1), 0);
	CHECK_EQ("all clusters, member 1", vlapic_match_dest(0xF1, 1), 1);
	CHECK_EQ("cluster broadcast", vlapic_match_dest(0xFF, 1), 1);
}

static void lints(void)
{
	group("vlapic: LINT0/LINT1 (10.5.1)");
	fresh();
	wr(LAPIC_SVR, SVR_ON);
	wr(LAPIC_LVT_LINT0, LAPIC_DM_EXTINT);
	CHECK_EQ("ExtINT, input low", vlapic_extint(), 0);
	vlapic_set_lint(0, 1);
	CHECK_EQ("ExtINT, input high", vlapic_extint(), 1);
	CHECK_EQ("the IRR is not involved", vlapic_pending(), -1);
	wr(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED | LAPIC_DM_EXTINT);
	CHECK_EQ("ExtINT masked", vlapic_extint(), 0);
	wr(LAPIC_LVT_LINT0, LAPIC_LVT_ACTIVE_LOW | LAPIC_DM_EXTINT);
	CHECK_EQ("active low, input high", vlapic_extint(), 0);
	vlapic_set_lint(0, 0);
	CHECK_EQ("active low, input low", vlapic_extint(), 1);
	wr(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	vlapic_accept(VAPIC_DM_EXTINT, 0, 0);
	CHECK_EQ("an ExtINT message", vlapic_extint(), 1);
	CHECK_EQ("still, until the CPU takes it", vlapic_extint(), 1);
	vlapic_extint_ack();
	CHECK_EQ("taken", vlapic_extint(), 0);

	wr(LAPIC_LVT_LINT1, LAPIC_DM_NMI);
	vlapic_set_lint(1, 1);
	CHECK_EQ("NMI on the rising edge", vlapic_take_nmi(), 1);
	vlapic_set_lint(1, 1);
	CHECK_EQ("held high: no second NMI", vlapic_take_nmi(), 0);
	vlapic_set_lint(1, 0);
	CHECK_EQ("falling: none", vlapic_take_nmi(), 0);
	vlapic_set_lint(1, 1);
	CHECK_EQ("rising again", vlapic_take_nmi(), 1);
	vlapic_set_lint(1, 0);
	wr(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED | LAPIC_DM_NMI);
	vlapic_set_lint(1, 1);
	wr(LAPIC_LVT_LINT1, LAPIC_DM_NMI);
	CHECK_EQ("an edge while masked is lost", vlapic_take_nmi(), 0);
	vlapic_set_lint(1, 0);

	wr(LAPIC_LVT_LINT1, 0x41);	/* fixed, edge */
	vlapic_set_lint(1, 1);
	CHECK_EQ("fixed edge: the vector", bit(LAPIC_IRR, 0x41), 1);
	CHECK_EQ("edge: TMR clear", bit(LAPIC_TMR, 0x41), 0);
	vlapic_ack();
	vlapic_set_lint(1, 1);
	CHECK_EQ("held: once", bit(LAPIC_IRR, 0x41), 0);
	wr(LAPIC_EOI, 0);
	vlapic_set_lint(1, 0);

	wr(LAPIC_LVT_LINT0, LAPIC_LVT_LEVEL | 0x42);
	vlapic_set_lint(0, 1);
	CHECK_EQ("fixed level: the vector", bit(LAPIC_IRR, 0x42), 1);
	CHECK_EQ("level: TMR set", bit(LAPIC_TMR, 0x42), 1);
	CHECK_EQ("remote IRR set", rd(LAPIC_LVT_LINT0), LAPIC_LVT_REMOTE_IRR | LAPIC_LVT_LEVEL | 0x42);
	CHECK_EQ("taken", vlapic_ack(), 0x42);
	CHECK_EQ("remote IRR holds it off", bit(LAPIC_IRR, 0x42), 0);
	wr(LAPIC_EOI, 0);
	CHECK_EQ("EOI broadcast", eoi_calls == 1 && eoi_last == 0x42, 1);
	CHECK_EQ("still asserted: again", bit(LAPIC_IRR, 0x42), 1);
	CHECK_EQ("remote IRR set again", rd(LAPIC_LVT_LINT0) & LAPIC_LVT_REMOTE_IRR,
		 LAPIC_LVT_REMOTE_IRR);
	vlapic_set_lint(0, 0);
	vlapic_ack();
	wr(LAPIC_EOI, 0);
	CHECK_EQ("remote IRR clear", rd(LAPIC_LVT_LINT0) & LAPIC_LVT_REMOTE_IRR, 0);
	CHECK_EQ("deasserted: no more", bit(LAPIC_IRR, 0x42), 0);
	wr(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED | LAPIC_LVT_LEVEL | 0x43);
	vlapic_set_lint(0, 1);
	CHECK_EQ("masked level: nothing", bit(LAPIC_IRR, 0x43), 0);
	wr(LAPIC_LVT_LINT0, LAPIC_LVT_LEVEL | 0x43);
	CHECK_EQ("unmasked while asserted: delivered", bit(LAPIC_IRR, 0x43), 1);
}

static void apic_base(void)
{
	static const int gp_bits[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 36, 63 };

	group("vlapic: IA32_APIC_BASE (10.4.3, 10.4.4, 10.4.5)");
	fresh();
	for (unsigned i = 0; i < sizeof(gp_bits) / sizeof(gp_bits[0]); i++) {
		CHECK_EQ("reserved bit or EXTD: #GP",
			 vlapic_set_base(0xFEE00900ull | 1ull << gp_bits[i]), (uint64_t)-1);
		CHECK_EQ("unchanged", vlapic_get_base(), 0xFEE00900);
	}
	CHECK_EQ("BSP cleared: taken", vlapic_set_base(0xFEE00800), 0);
	CHECK_EQ("BSP as at init", vlapic_get_base(), 0xFEE00900);
	wr(LAPIC_SVR, SVR_ON);
	wr(LAPIC_TPR, 0x20);
	CHECK_EQ("relocated", vlapic_set_base(0xFED00900), 0);
	CHECK_EQ("new base", vlapic_base_addr(), 0xFED00000);
	CHECK_EQ("reads back", vlapic_get_base(), 0xFED00900);
	CHECK_EQ("registers kept", rd(LAPIC_TPR), 0x20);

	wr(LAPIC_ID, 7u << 24);
	wr(LAPIC_LDR, 0x01000000);
	wr(LAPIC_LVT_LINT0, LAPIC_DM_EXTINT);
	wr(LAPIC_TIMER_INIT, 1000000);
	vlapic_accept(VAPIC_DM_FIXED, 0x40, 0);
	CHECK_EQ("disabled: taken", vlapic_set_base(0xFED00100), 0);
	CHECK_EQ("not enabled", vlapic_enabled(), 0);
	CHECK_EQ("reads without EN", vlapic_get_base(), 0xFED00100);
	CHECK_EQ("the 8259 drives INTR", vlapic_extint(), 1);
	CHECK_EQ("no APIC interrupt", vlapic_pending(), -1);
	CHECK_EQ("no destination matches", vlapic_match_dest(7, 0), 0);
	CHECK_EQ("no page", rd(LAPIC_VERSION), 0);
	vlapic_set_lint(1, 1);
	CHECK_EQ("LINT1 is the NMI pin", vlapic_take_nmi(), 1);
	vlapic_set_lint(1, 0);
	CHECK_EQ("enabled again", vlapic_set_base(0xFED00900), 0);
	CHECK_EQ("enabled", vlapic_enabled(), 1);
	CHECK_EQ("ID kept", rd(LAPIC_ID), 7u << 24);
	CHECK_EQ("software-disabled", rd(LAPIC_SVR), 0xFF);
	CHECK_EQ("TPR reset", rd(LAPIC_TPR), 0);
	CHECK_EQ("LDR reset", rd(LAPIC_LDR), 0);
	CHECK_EQ("DFR reset", rd(LAPIC_DFR), 0xFFFFFFFF);
	CHECK_EQ("LINT0 masked", rd(LAPIC_LVT_LINT0), LAPIC_LVT_MASKED);
	CHECK_EQ("IRR empty", bit(LAPIC_IRR, 0x40), 0);
	CHECK_EQ("timer stopped", rd(LAPIC_TIMER_INIT) | rd(LAPIC_TIMER_CUR), 0);
	CHECK_EQ("no ExtINT", vlapic_extint(), 0);
}

static void init_ipi(void)
{
	group("vlapic: INIT (10.4.7.3)");
	fresh();
	vlapic_set_base(0xFEB00900);
	wr(LAPIC_ID, 0x0Au << 24);
	wr(LAPIC_SVR, SVR_ON);
	wr(LAPIC_TPR, 0x40);
	wr(LAPIC_LDR, 0x02000000);
	wr(LAPIC_DFR, 0);
	wr(LAPIC_LVT_TIMER, 0x30);
	wr(LAPIC_TIMER_DIV, LAPIC_DIV_1);
	wr(LAPIC_TIMER_INIT, 5000);
	wr(LAPIC_ICR_HI, 0x05000000);
	vlapic_accept(VAPIC_DM_FIXED, 0x80, 1);
	vlapic_ack();
	vlapic_accept(VAPIC_DM_FIXED, 0x90, 0);
	vlapic_accept(VAPIC_DM_NMI, 0, 0);
	vlapic_init_ipi();
	CHECK_EQ("ID kept", rd(LAPIC_ID), 0x0Au << 24);
	CHECK_EQ("IA32_APIC_BASE kept", vlapic_get_base(), 0xFEB00900);
	CHECK_EQ("SVR", rd(LAPIC_SVR), 0xFF);
	CHECK_EQ("TPR", rd(LAPIC_TPR), 0);
	CHECK_EQ("LDR", rd(LAPIC_LDR), 0);
	CHECK_EQ("DFR", rd(LAPIC_DFR), 0xFFFFFFFF);
	CHECK_EQ("LVT timer", rd(LAPIC_LVT_TIMER), LAPIC_LVT_MASKED);
	CHECK_EQ("divide", rd(LAPIC_TIMER_DIV), 0);
	CHECK_EQ("counts", rd(LAPIC_TIMER_INIT) | rd(LAPIC_TIMER_CUR), 0);
	CHECK_EQ("ICR", rd(LAPIC_ICR_HI) | rd(LAPIC_ICR_LO), 0);
	CHECK_EQ("ISR", bit(LAPIC_ISR, 0x80), 0);
	CHECK_EQ("TMR", bit(LAPIC_TMR, 0x80), 0);
	CHECK_EQ("IRR", bit(LAPIC_IRR, 0x90), 0);
	CHECK_EQ("no NMI", vlapic_take_nmi(), 0);
	advance_ns(10000);
	CHECK_EQ("no timer interrupt", bit(LAPIC_IRR, 0x30), 0);
}

void test_vlapic_msgs(void)
{
	ipis();
	destinations();
	lints();
	apic_base();
	init_ipi();
}
