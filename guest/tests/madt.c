/*
 * The ACPI tables' view of the interrupt controllers (ACPI 6.x: 5.2.5 the
 * RSDP, where to find it and its checksums; 5.2.6 the system description
 * table header; 5.2.7 the RSDT; 5.2.12 the MADT and its entries: processor
 * local APIC, I/O APIC, interrupt source override, local APIC NMI), then
 * the PIT through the I/O APIC and local APIC at the MADT's addresses, at
 * the pin its override gives ISA IRQ0, to the first enabled processor's
 * APIC ID.  Nothing here reads CPUID.  Table addresses depend on the RAM
 * size and are never printed.  Every wait is bounded.
 */
#include "guest/lib/guest.h"

GUEST_NAME("madt");

#define BDA_EBDA_SEG	0x40E
#define RSDP_AREA	0xE0000u
#define RSDP_AREA_END	0x100000u
#define RSDP_V1_LEN	20
#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define MADT_ISO	2
#define MADT_LAPIC_NMI	4
#define MADT_EN		0x01	/* processor local APIC flags: enabled */
#define MADT_PCAT	0x01	/* MADT flags: dual 8259s present */
#define VEC_PIT		0x42
#define VEC_SPURIOUS	0xFF
#define PIT_DIVISOR	(PIT_HZ / 1000)

struct rsdp {			/* 5.2.5.3 */
	char sig[8];
	uint8_t sum;
	char oem[6];
	uint8_t rev;
	uint32_t rsdt;
	uint32_t len;
	uint64_t xsdt;
	uint8_t xsum, _r[3];
} __attribute__((packed));

struct sdt {			/* 5.2.6 */
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static const struct rsdp *rsdp;
static const struct sdt *madt;
static uint32_t lapic_addr, ioapic_addr, ioapic_gsi_base;
static int bsp_id = -1, ioapic_id = -1;
static uint32_t irq0_gsi;		/* ISA IRQ0's GSI: itself unless overridden */
static volatile uint32_t ticks;

static uint16_t peek16(uint32_t addr)
{
	uint16_t v;

	__asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static uint8_t sum8(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static const struct rsdp *scan(uint32_t from, uint32_t len)
{
	for (uint32_t a = from & ~15u; a + RSDP_V1_LEN <= from + len; a += 16) {
		const struct rsdp *p = (const struct rsdp *)a;

		if (!memcmp(p->sig, "RSD PTR ", 8) && sum8(p, RSDP_V1_LEN) == 0)
			return p;
	}
	return NULL;
}

static void rsdp_case(void)
{
	uint32_t ebda = (uint32_t)peek16(BDA_EBDA_SEG) << 4;
	const char *where = "EBDA";

	t_begin("rsdp");
	if (ebda)
		rsdp = scan(ebda, 1024);
	if (!rsdp) {
		where = "BIOS area";
		rsdp = scan(RSDP_AREA, RSDP_AREA_END - RSDP_AREA);
	}
	if (!rsdp)
		guest_abort("no RSDP");
	if (rsdp->rev >= 2)
		t_eq("extended checksum", sum8(rsdp, rsdp->len), 0);
	gprintf("RSDP in the %s: revision %u, OEM '%.6s'\n", where, rsdp->rev, rsdp->oem);
	t_end();
}

static void madt_find_case(void)
{
	const struct sdt *rsdt = (const struct sdt *)rsdp->rsdt;
	uint32_t n;

	t_begin("rsdt");
	t_check(!memcmp(rsdt->sig, "RSDT", 4), "no RSDT at the RSDP's address");
	t_eq("RSDT checksum", sum8(rsdt, rsdt->len), 0);
	n = (rsdt->len - sizeof(*rsdt)) / 4;
	for (uint32_t i = 0; i < n; i++) {
		const struct sdt *t = (const struct sdt *)((const uint32_t *)(rsdt + 1))[i];

		gprintf("table '%.4s' revision %u\n", t->sig, t->rev);
		t_eq("table checksum", sum8(t, t->len), 0);
		if (!memcmp(t->sig, "APIC", 4))
			madt = t;
	}
	if (!madt)
		guest_abort("no MADT in the RSDT");
	t_end();
}

static void madt_case(void)
{
	const uint8_t *e = (const uint8_t *)(madt + 1) + 8;
	const uint8_t *end = (const uint8_t *)madt + madt->len;
	uint32_t cpus = 0, enabled = 0, ioapics = 0, isos = 0;

	t_begin("madt");
	lapic_addr = *(const uint32_t *)(madt + 1);
	gprintf("local APIC 0x%08x, PCAT_COMPAT %u\n", lapic_addr,
		((const uint32_t *)(madt + 1))[1] & MADT_PCAT);
	t_eq("local APIC address", lapic_addr, APIC_BASE_DEFAULT);
	irq0_gsi = 0;
	while (e + 2 <= end && e[1] >= 2) {
		switch (e[0]) {
		case MADT_LAPIC:	/* 5.2.12.2 */
			cpus++;
			if (*(const uint32_t *)(e + 4) & MADT_EN) {
				if (!enabled)
					bsp_id = e[3];
				enabled++;
			}
			break;
		case MADT_IOAPIC:	/* 5.2.12.3 */
			ioapics++;
			gprintf("I/O APIC ID %u at 0x%08x, GSI base %u\n", e[2],
				*(const uint32_t *)(e + 4), *(const uint32_t *)(e + 8));
			if (ioapic_id < 0) {
				ioapic_id = e[2];
				ioapic_addr = *(const uint32_t *)(e + 4);
				ioapic_gsi_base = *(const uint32_t *)(e + 8);
			}
			break;
		case MADT_ISO:		/* 5.2.12.5 */
			isos++;
			gprintf("override: bus %u IRQ %u -> GSI %u flags 0x%x\n", e[2], e[3],
				*(const uint32_t *)(e + 4), *(const uint16_t *)(e + 8));
			if (e[2] == 0 && e[3] == 0)
				irq0_gsi = *(const uint32_t *)(e + 4);
			break;
		case MADT_LAPIC_NMI:	/* 5.2.12.7 */
			gprintf("local APIC NMI: processor 0x%02x LINT%u flags 0x%x\n", e[2],
				e[5], *(const uint16_t *)(e + 3));
			break;
		default:
			gprintf("entry type %u length %u\n", e[0], e[1]);
			break;
		}
		e += e[1];
	}
	t_eq("entries end at the table's length", (uint32_t)(e - (const uint8_t *)madt),
	     madt->len);
	gprintf("processors: %u, %u enabled, first enabled APIC ID %d\n", cpus, enabled, bsp_id);
	gprintf("overrides: %u; ISA IRQ0 -> GSI %u\n", isos, irq0_gsi);
	t_check(enabled >= 1, "no enabled processor");
	t_eq("I/O APICs", ioapics, 1);
	t_eq("I/O APIC address", ioapic_addr, IOAPIC_BASE_DEFAULT);
	t_end();
}

static void pit_irq(struct trapframe *tf)
{
	(void)tf;
	ticks++;
	lapic_eoi();
}

static void spurious_irq(struct trapframe *tf)
{
	(void)tf;
	guest_abort("spurious interrupt");
}

static void route_case(void)
{
	int pin = (int)(irq0_gsi - ioapic_gsi_base);

	t_begin("route_irq0");
	lapic_base = lapic_addr;
	ioapic_base = ioapic_addr;
	trap_set_handler(VEC_PIT, pit_irq);
	trap_set_handler(VEC_SPURIOUS, spurious_irq);
	lapic_setup(VEC_SPURIOUS);
	t_eq("local APIC ID = the first enabled processor's", lapic_id(), (uint32_t)bsp_id);
	t_eq("I/O APIC ID = its entry", (ioapic_read(IOAPIC_ID) >> 24) & 0xF,
	     (uint32_t)ioapic_id);
	t_check(pin >= 0 && pin <= (int)((ioapic_read(IOAPIC_VER) >> 16) & 0xFF),
		"GSI %u is not on this I/O APIC", irq0_gsi);
	ioapic_route(pin, VEC_PIT, (uint8_t)bsp_id);
	pit_start(0, PIT_MODE_RATE, PIT_DIVISOR);
	sti();
	irq_wait(&ticks, 5, 10000000u);
	cli();
	ioapic_route(pin, IOAPIC_RTE_MASKED, 0);
	t_check(ticks >= 5, "%u of 5 timer interrupts", ticks);
	gprintf("irq0: 5 interrupts through pin %d\n", pin);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	rsdp_case();
	madt_find_case();
	madt_case();
	route_case();
}
