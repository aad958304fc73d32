/*
 * The MP configuration tables the firmware left (Intel MultiProcessor
 * Specification 1.4, chapter 4: 4.1 the floating pointer structure and
 * where to look for it, 4.2 the configuration table header, 4.3 the base
 * entries: processor, bus, I/O APIC, I/O and local interrupt assignment;
 * 5 the default configurations), then the machine as the tables describe
 * it: the local APIC at the table's address, the I/O APIC of its entry,
 * ISA IRQ0 at the pin of its interrupt assignment entry, to the BSP's
 * APIC ID.  Nothing here reads CPUID.  Every wait is bounded.
 */
#include "guest/lib/guest.h"

GUEST_NAME("mptable");

#define BDA_EBDA_SEG	0x40E	/* word: the EBDA's segment */
#define BDA_BASE_KB	0x413	/* word: base memory in KiB */
#define BIOS_ROM	0xF0000u
#define BIOS_ROM_END	0x100000u
#define MPF_SIG		0x5F504D5Fu	/* "_MP_" */
#define PCMP_SIG	0x504D4350u	/* "PCMP" */
#define MP_PROC		0
#define MP_BUS		1
#define MP_IOAPIC	2
#define MP_IOINT	3
#define MP_LINT		4
#define MP_CPU_EN	0x01
#define MP_CPU_BP	0x02
#define MP_IOAPIC_EN	0x01
#define VEC_PIT		0x42
#define VEC_SPURIOUS	0xFF
#define PIT_DIVISOR	(PIT_HZ / 1000)
#define NBUS		16

struct mpf {			/* 4.1, table 4-1 */
	uint32_t sig, table;
	uint8_t len16, rev, sum, feature[5];
} __attribute__((packed));

struct pcmp {			/* 4.2, table 4-2 */
	uint32_t sig;
	uint16_t len;
	uint8_t rev, sum;
	char oem[8], product[12];
	uint32_t oem_table;
	uint16_t oem_size, count;
	uint32_t lapic;
	uint16_t ext_len;
	uint8_t ext_sum, _r;
} __attribute__((packed));

static const struct mpf *mpf;
static const struct pcmp *pcmp;
static uint8_t bus_isa[NBUS];		/* bus ID -> "ISA" */
static int bsp_id = -1, ioapic_id = -1, irq0_pin = -1;
static uint32_t ioapic_addr;
static volatile uint32_t ticks;

/* A word of low memory (through asm: GCC sees no object at such addresses). */
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

/* 4.1: the signature on a 16-byte boundary, 16 * len16 bytes summing to 0. */
static const struct mpf *scan(uint32_t from, uint32_t len)
{
	for (uint32_t a = from & ~15u; a + 16 <= from + len; a += 16) {
		const struct mpf *p = (const struct mpf *)a;

		if (p->sig == MPF_SIG && p->len16 == 1 && sum8(p, 16) == 0)
			return p;
	}
	return NULL;
}

static void find_case(void)
{
	uint32_t ebda = (uint32_t)peek16(BDA_EBDA_SEG) << 4;
	uint32_t base_kb = peek16(BDA_BASE_KB);
	const char *where;

	t_begin("find");
	where = "EBDA";
	if (ebda)
		mpf = scan(ebda, 1024);
	if (!mpf && base_kb) {
		where = "last KiB of base memory";
		mpf = scan(base_kb * 1024 - 1024, 1024);
	}
	if (!mpf) {
		where = "BIOS ROM";
		mpf = scan(BIOS_ROM, BIOS_ROM_END - BIOS_ROM);
	}
	if (!mpf)
		guest_abort("no MP floating pointer structure");
	gprintf("floating pointer in the %s: spec 1.%u, default config %u, IMCRP %u\n",
		where, mpf->rev, mpf->feature[0], mpf->feature[1] >> 7);
	t_check(mpf->rev == 1 || mpf->rev == 4, "spec revision %u", mpf->rev);
	t_eq("default configuration (0: a table)", mpf->feature[0], 0);
	pcmp = (const struct pcmp *)mpf->table;
	t_check(mpf->table != 0 && pcmp->sig == PCMP_SIG, "no PCMP table at 0x%x", mpf->table);
	t_end();
}

static void header_case(void)
{
	t_begin("header");
	t_eq("base table checksum", sum8(pcmp, pcmp->len), 0);
	t_eq("extended table checksum", (uint8_t)(sum8((const uint8_t *)pcmp + pcmp->len,
						      pcmp->ext_len) + pcmp->ext_sum), 0);
	t_eq("spec revision", pcmp->rev, mpf->rev);
	t_eq("local APIC address", pcmp->lapic, APIC_BASE_DEFAULT);
	gprintf("OEM '%.8s' product '%.12s', %u entries, local APIC 0x%08x\n",
		pcmp->oem, pcmp->product, pcmp->count, pcmp->lapic);
	t_end();
}

static const char *const int_types[] = { "INT", "NMI", "SMI", "ExtINT" };

static void entries_case(void)
{
	const uint8_t *e = (const uint8_t *)(pcmp + 1);
	const uint8_t *end = (const uint8_t *)pcmp + pcmp->len;
	uint32_t cpus = 0, enabled = 0, ioapics = 0, ints = 0;

	t_begin("entries");
	for (uint32_t i = 0; i < pcmp->count && e < end; i++) {
		uint8_t type = e[0];

		switch (type) {
		case MP_PROC:	/* 4.3.1 */
			cpus++;
			if (e[3] & MP_CPU_EN)
				enabled++;
			if (e[3] & MP_CPU_BP) {
				t_check(bsp_id < 0, "two processors flagged BP");
				bsp_id = e[1];
			}
			e += 20;
			break;
		case MP_BUS:	/* 4.3.2 */
			if (e[1] < NBUS)
				bus_isa[e[1]] = !memcmp(e + 2, "ISA   ", 6);
			gprintf("bus %u '%.6s'\n", e[1], (const char *)e + 2);
			e += 8;
			break;
		case MP_IOAPIC:	/* 4.3.3 */
			ioapics++;
			gprintf("I/O APIC ID %u version 0x%02x %s at 0x%08x\n", e[1], e[2],
				e[3] & MP_IOAPIC_EN ? "enabled" : "disabled",
				*(const uint32_t *)(e + 4));
			if ((e[3] & MP_IOAPIC_EN) && ioapic_id < 0) {
				ioapic_id = e[1];
				ioapic_addr = *(const uint32_t *)(e + 4);
			}
			e += 8;
			break;
		case MP_IOINT:	/* 4.3.4 */
		case MP_LINT:	/* 4.3.5 */
			gprintf("%s %s bus %u irq %u -> %s %u pin %u flags 0x%x\n",
				type == MP_IOINT ? "io" : "local",
				e[1] < 4 ? int_types[e[1]] : "?", e[4], e[5],
				type == MP_IOINT ? "I/O APIC" : "APIC", e[6], e[7],
				*(const uint16_t *)(e + 2));
			ints++;
			if (type == MP_IOINT && e[1] == 0 && e[4] < NBUS && bus_isa[e[4]] &&
			    e[5] == 0)
				irq0_pin = e[7];
			e += 8;
			break;
		default:
			t_fail("entry %u: unknown type %u", i, type);
			e = end;
			break;
		}
	}
	t_eq("entries end at the base table's length", (uint32_t)(e - (const uint8_t *)pcmp),
	     pcmp->len);
	gprintf("processors: %u, %u enabled, BSP APIC ID %d\n", cpus, enabled, bsp_id);
	t_check(enabled >= 1 && bsp_id >= 0, "no enabled BSP");
	t_eq("I/O APIC entries", ioapics, 1);
	t_eq("I/O APIC address", ioapic_addr, IOAPIC_BASE_DEFAULT);
	t_check(ints > 0, "no interrupt assignment entries");
	t_check(irq0_pin >= 0, "no entry for ISA IRQ0");
	gprintf("ISA IRQ0 -> I/O APIC pin %d\n", irq0_pin);
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

/* The PIT through the I/O APIC and local APIC the tables name. */
static void route_case(void)
{
	t_begin("route_irq0");
	lapic_base = pcmp->lapic;
	ioapic_base = ioapic_addr;
	trap_set_handler(VEC_PIT, pit_irq);
	trap_set_handler(VEC_SPURIOUS, spurious_irq);
	lapic_setup(VEC_SPURIOUS);
	t_eq("local APIC ID = the BSP's entry", lapic_id(), (uint32_t)bsp_id);
	t_eq("I/O APIC ID = its entry", (ioapic_read(IOAPIC_ID) >> 24) & 0xF,
	     (uint32_t)ioapic_id);
	ioapic_route(irq0_pin, VEC_PIT, (uint8_t)bsp_id);
	pit_start(0, PIT_MODE_RATE, PIT_DIVISOR);
	sti();
	irq_wait(&ticks, 5, 10000000u);
	cli();
	ioapic_route(irq0_pin, IOAPIC_RTE_MASKED, 0);
	t_check(ticks >= 5, "%u of 5 timer interrupts", ticks);
	gprintf("irq0: 5 interrupts through pin %d\n", irq0_pin);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	pic_init();
	find_case();
	header_case();
	entries_case();
	route_case();
}
