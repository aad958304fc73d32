/*
 * Priorities in the local APIC (Intel SDM vol. 3A 10.8.3.1: PPR[7:4] is
 * the larger of TPR[7:4] and ISRV[7:4], PPR[3:0] is TPR[3:0] when the
 * TPR's class is not below ISRV's, else 0; a fixed interrupt is taken only
 * when its class is above PPR[7:4]; 10.8.4 the ISR and nesting; 10.8.5 an
 * EOI ends the highest-priority in-service interrupt).  Self IPIs by
 * shorthand; the 8259s and LINT0/LINT1 stay masked.  Every wait is bounded.
 */
#include "guest/lib/guest.h"

GUEST_NAME("apicprio");

#define VEC_SPURIOUS	0xFF
#define SPIN		200000u
#define LOG_MAX		32
#define EXIT_MARK	0x100		/* logged when a handler leaves */

static volatile uint32_t seen[256], spurious;
static volatile uint32_t log_v[LOG_MAX], nlog;
/* How the next handler runs: see nest_handler(). */
static volatile int nest_mode;
static volatile uint32_t isr_snap[8], ppr_snap[8];

static void log_event(uint32_t v)
{
	if (nlog < LOG_MAX)
		log_v[nlog] = v;
	nlog++;
}

static void spin(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("pause" : : : "memory");
}

/* Lets pending interrupts in: a short window with IF set. */
static void open_window(void)
{
	sti();
	spin(SPIN);
	cli();
}

static void ipi_handler(struct trapframe *tf)
{
	seen[tf->vector]++;
	log_event(tf->vector);
	lapic_eoi();
}

static void spurious_handler(struct trapframe *tf)
{
	(void)tf;
	spurious++;
}

static void clear_seen(void)
{
	for (int v = 0; v < 256; v++)
		seen[v] = 0;
	nlog = 0;
}

/* --- TPR and PPR --- */

static uint32_t ppr_rule(uint32_t tpr, int isrv)
{
	if ((tpr >> 4) >= ((uint32_t)isrv >> 4))
		return tpr & 0xFF;
	return (uint32_t)isrv & 0xF0;
}

static const uint32_t tprs[] = { 0x00, 0x35, 0x50, 0x5F, 0x6A, 0x7A, 0xF0 };
#define NTPR	(sizeof(tprs) / sizeof(tprs[0]))

static void ppr_handler(struct trapframe *tf)
{
	uint32_t saved = lapic_read(LAPIC_TPR);

	for (unsigned i = 0; i < NTPR; i++) {
		lapic_write(LAPIC_TPR, tprs[i]);
		ppr_snap[i] = lapic_read(LAPIC_PPR);
	}
	lapic_write(LAPIC_TPR, saved);
	seen[tf->vector]++;
	lapic_eoi();
}

static void tpr_case(void)
{
	t_begin("tpr_ppr");
	clear_seen();
	cli();
	for (unsigned i = 0; i < NTPR; i++) {
		lapic_write(LAPIC_TPR, tprs[i]);
		t_eq("TPR read back", lapic_read(LAPIC_TPR), tprs[i]);
		t_eq("PPR with nothing in service", lapic_read(LAPIC_PPR), tprs[i]);
	}
	lapic_write(LAPIC_TPR, 0x50);
	lapic_ipi(0, LAPIC_ICR_SELF | 0x45);
	open_window();
	t_eq("class 4 under TPR 0x50: taken", seen[0x45], 0);
	t_eq("class 4 under TPR 0x50: in the IRR", lapic_vec_bit(LAPIC_IRR, 0x45), 1);
	lapic_ipi(0, LAPIC_ICR_SELF | 0x55);
	open_window();
	t_eq("class 5 under TPR 0x50: taken", seen[0x55], 0);
	lapic_write(LAPIC_TPR, 0x4F);
	open_window();
	t_eq("class 5 under TPR 0x4f: taken", seen[0x55], 1);
	t_eq("class 4 under TPR 0x4f: taken", seen[0x45], 0);
	lapic_write(LAPIC_TPR, 0x3F);
	open_window();
	t_eq("class 4 under TPR 0x3f: taken", seen[0x45], 1);
	/* PPR inside a handler of 0x65, for each TPR value. */
	trap_set_handler(0x65, ppr_handler);
	lapic_write(LAPIC_TPR, 0);
	lapic_ipi(0, LAPIC_ICR_SELF | 0x65);
	open_window();
	t_eq("0x65 taken", seen[0x65], 1);
	for (unsigned i = 0; i < NTPR; i++)
		t_eq("PPR with 0x65 in service", ppr_snap[i], ppr_rule(tprs[i], 0x65));
	trap_set_handler(0x65, ipi_handler);
	lapic_write(LAPIC_TPR, 0);
	gprintf("tpr: class 4 held at TPR 0x50 and 0x4f, taken at 0x3f; PPR for %u TPRs\n",
		(unsigned)NTPR);
	t_end();
}

/* --- nesting and EOI order --- */

static void snap(int i)
{
	uint32_t isr = 0;

	/* The in-service bits of the vectors in play, one per byte. */
	isr |= (uint32_t)lapic_vec_bit(LAPIC_ISR, 0x31);
	isr |= (uint32_t)lapic_vec_bit(LAPIC_ISR, 0x81) << 8;
	isr |= (uint32_t)lapic_vec_bit(LAPIC_ISR, 0xC1) << 16;
	isr |= (uint32_t)lapic_vec_bit(LAPIC_IRR, 0x35) << 24;
	isr_snap[i] = isr;
	ppr_snap[i] = lapic_read(LAPIC_PPR);
}

/*
 * nest_mode 1: 0x31 lets 0x35 (its own class) and 0x81 in; 0x81 nests at
 * once, 0x35 waits for 0x31's EOI.  nest_mode 2: 0x31 lets 0x81 in, 0x81
 * lets 0xC1 in, neither of those two ends itself; 0x31 then sends three
 * EOIs and each clears the highest bit left.
 */
static void nest_handler(struct trapframe *tf)
{
	int v = (int)tf->vector;

	log_event((uint32_t)v);
	if (v == 0x31) {
		snap(0);
		sti();
		if (nest_mode == 1)
			lapic_ipi(0, LAPIC_ICR_SELF | 0x35);
		lapic_ipi(0, LAPIC_ICR_SELF | 0x81);
		spin(SPIN);
		cli();
		snap(1);
		if (nest_mode == 2) {
			for (int i = 2; i < 5; i++) {
				lapic_eoi();
				snap(i);
			}
			log_event(EXIT_MARK | (uint32_t)v);
			return;
		}
	} else if (v == 0x81) {
		snap(5);
		if (nest_mode == 2) {
			sti();
			lapic_ipi(0, LAPIC_ICR_SELF | 0xC1);
			spin(SPIN);
			cli();
			log_event(EXIT_MARK | (uint32_t)v);
			return;		/* no EOI */
		}
	} else if (v == 0xC1) {
		log_event(EXIT_MARK | (uint32_t)v);
		return;			/* no EOI */
	}
	log_event(EXIT_MARK | (uint32_t)v);
	lapic_eoi();
}

static void expect_log(const uint32_t *want, uint32_t n)
{
	int ok = nlog == n;

	for (uint32_t i = 0; ok && i < n; i++)
		ok = log_v[i] == want[i];
	if (!ok)
		t_fail("order: %u events: %x %x %x %x %x %x", nlog, log_v[0], log_v[1],
		       log_v[2], log_v[3], log_v[4], log_v[5]);
}

static void nesting_case(void)
{
	static const uint32_t want[] = { 0x31, 0x81, 0x181, 0x131, 0x35, 0x135 };

	t_begin("nesting");
	trap_set_handler(0x31, nest_handler);
	trap_set_handler(0x35, nest_handler);
	trap_set_handler(0x81, nest_handler);
	clear_seen();
	nest_mode = 1;
	lapic_ipi(0, LAPIC_ICR_SELF | 0x31);
	open_window();
	expect_log(want, 6);
	t_eq("in 0x31: ISR 0x31", isr_snap[0], 0x01);
	t_eq("in 0x31: PPR", ppr_snap[0], 0x30);
	t_eq("in 0x81: ISR 0x31 and 0x81, 0x35 in the IRR", isr_snap[5], 0x01000101);
	t_eq("in 0x81: PPR", ppr_snap[5], 0x80);
	t_eq("back in 0x31: 0x35 still waits", isr_snap[1], 0x01000001);
	t_eq("ISR after all", lapic_read(LAPIC_ISR + 0x10), 0);
	gprintf("nesting: 0x31 <- 0x81; 0x35 after 0x31's EOI\n");
	t_end();
}

static void eoi_case(void)
{
	static const uint32_t want[] = { 0x31, 0x81, 0xC1, 0x1C1, 0x181, 0x131 };

	t_begin("eoi_order");
	trap_set_handler(0xC1, nest_handler);
	clear_seen();
	nest_mode = 2;
	lapic_ipi(0, LAPIC_ICR_SELF | 0x31);
	open_window();
	expect_log(want, 6);
	t_eq("ISR 0x31 0x81 0xC1", isr_snap[1], 0x010101);
	t_eq("PPR with 0xC1 in service", ppr_snap[1], 0xC0);
	t_eq("after one EOI", isr_snap[2], 0x000101);
	t_eq("PPR", ppr_snap[2], 0x80);
	t_eq("after two EOIs", isr_snap[3], 0x000001);
	t_eq("PPR", ppr_snap[3], 0x30);
	t_eq("after three EOIs", isr_snap[4], 0);
	t_eq("PPR", ppr_snap[4], 0);
	trap_set_handler(0x31, ipi_handler);
	trap_set_handler(0x35, ipi_handler);
	trap_set_handler(0x81, ipi_handler);
	trap_set_handler(0xC1, ipi_handler);
	gprintf("eoi: 0xc1, then 0x81, then 0x31\n");
	t_end();
}
void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();		/* remapped and masked */
	for (int v = 0x20; v < VEC_SPURIOUS; v++)
		trap_set_handler(v, ipi_handler);
	trap_set_handler(VEC_SPURIOUS, spurious_handler);
	lapic_setup(VEC_SPURIOUS);

	tpr_case();
	nesting_case();
	eoi_case();

	t_begin("no_spurious");
	t_eq("spurious interrupts", spurious, 0);
	t_end();
}
