/*
 * The firmware's tables about interrupts and processors: ACPI's RSDP,
 * RSDT and MADT (ACPI 6.x, 5.2.5 RSDP, 5.2.7 RSDT, 5.2.12 MADT with its
 * processor local APIC, I/O APIC and interrupt source override entries)
 * and the MultiProcessor specification 1.4's floating pointer and
 * configuration table (4.1-4.3: processor entries).  Read at boot, while
 * every physical address below hv's region is mapped 1:1.  The RSDP is
 * the boot loader's copy when it gave one (acpi_set_rsdp: Multiboot 2,
 * and on UEFI the only way to it), else found where a BIOS puts it
 * (5.2.5.1: the EBDA's first KiB, then 0xE0000-0xFFFFF).
 *
 * hv keeps one CPU (docs/DEVICES.md, "One CPU"): the guest must not find
 * the others, so their entries are marked disabled.  The MADT lives in
 * RAM and is patched in place, checksum and all.  The MP table usually
 * lives in the BIOS area, which the chipset keeps read-only after boot;
 * a write there is tried and checked, and what could not be patched is
 * logged (the guest would then find CPUs that never answer its SIPIs).
 */
#include "drivers/acpi.h"

#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define MADT_ISO	2

static uint8_t loader_rsdp[36];	/* acpi_set_rsdp's copy */
static int has_loader_rsdp;
static uint32_t loader_rsdp_len;
static uint8_t *madt;		/* 0 if none */
static uint8_t *mpc;		/* MP configuration table, 0 if none */
static uint32_t ioapic_base = 0xFEC00000;
static uint8_t ioapic_id;
static uint8_t isa_gsi[16];

static uint8_t sum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A 16-byte aligned signature with a valid checksum of len bytes. */
static uint8_t *scan(uint32_t from, uint32_t to, const char *sig, uint32_t len)
{
	for (uint32_t a = from; a + len <= to; a += 16) {
		uint8_t *p = (uint8_t *)a;

		if (!memcmp(p, sig, strlen(sig)) && sum(p, len) == 0)
			return p;
	}
	return 0;
}

/* The EBDA's segment, from the BIOS data area (word at 0x40E). */
static uint32_t ebda_base(void)
{
	const uint16_t *p;

	/* (Through a register: GCC takes a constant low address for null.) */
	__asm__("" : "=r"(p) : "0"(0x40Eu));
	return (uint32_t)*p << 4;
}

void acpi_set_rsdp(const uint8_t *rsdp, uint32_t len)
{
	if (len > sizeof(loader_rsdp))
		len = sizeof(loader_rsdp);
	memcpy(loader_rsdp, rsdp, len);
	loader_rsdp_len = len;
	/* ACPI 1.0's checksum covers the first 20 bytes in every revision. */
	has_loader_rsdp = len >= 20 && !memcmp(loader_rsdp, "RSD PTR ", 8) &&
			  sum(loader_rsdp, 20) == 0;
	if (!has_loader_rsdp)
		log_warn("dev", "the boot loader's ACPI RSDP is not one (signature or "
			 "checksum): looking in the BIOS area");
}

static uint8_t *find_rsdp(void)
{
	uint32_t ebda = ebda_base();
	uint8_t *p = 0;

	if (has_loader_rsdp)
		return loader_rsdp;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		p = scan(ebda, ebda + 1024, "RSD PTR ", 20);
	return p ? p : scan(0xE0000, 0x100000, "RSD PTR ", 20);
}

uint32_t acpi_rsdp_addr(void)
{
	/* The loader's copy is in hv's memory: it has no guest address. */
	return has_loader_rsdp ? 0 : (uint32_t)find_rsdp();
}

uint32_t acpi_rsdp_copy(uint8_t *out, uint32_t size)
{
	if (!has_loader_rsdp || size < loader_rsdp_len)
		return 0;
	memcpy(out, loader_rsdp, loader_rsdp_len);
	return loader_rsdp_len;
}

uint8_t *acpi_table(const char *sig)
{
	uint8_t *rsdp = find_rsdp(), *rsdt;
	uint32_t len;

	if (!rsdp)
		return 0;
	rsdt = (uint8_t *)rd32(rsdp + 16);
	if (!rsdt || memcmp(rsdt, "RSDT", 4) || (len = rd32(rsdt + 4)) < 36 || sum(rsdt, len))
		return 0;
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		uint8_t *t = (uint8_t *)rd32(rsdt + off);

		if (t && !memcmp(t, sig, 4) && sum(t, rd32(t + 4)) == 0)
			return t;
	}
	return 0;
}

void acpi_rename(uint8_t *t, const char *sig)
{
	uint8_t d = 0;

	for (int i = 0; i < 4; i++) {
		d = (uint8_t)(d + t[i] - (uint8_t)sig[i]);
		t[i] = (uint8_t)sig[i];
	}
	t[9] = (uint8_t)(t[9] + d);	/* the checksum: the sum stays 0 */
}

static uint8_t *find_madt(void)
{
	return acpi_table("APIC");
}

static uint8_t *find_mpc(void)
{
	uint32_t ebda = ebda_base();
	uint8_t *fp = 0, *c;

	if (ebda >= 0x80000 && ebda < 0xA0000)
		fp = scan(ebda, ebda + 1024, "_MP_", 16);
	if (!fp)
		fp = scan(0x9FC00, 0xA0000, "_MP_", 16);
	if (!fp)
		fp = scan(0xF0000, 0x100000, "_MP_", 16);
	if (!fp || !(c = (uint8_t *)rd32(fp + 4)) || memcmp(c, "PCMP", 4) ||
	    sum(c, *(const uint16_t *)(c + 4)))
		return 0;
	return c;
}

uint32_t acpi_hpet_base(void)
{
	/* The HPET table (IA-PC HPET specification 1.0a, 3.2.4): its base
	   address, a generic address structure at offset 40 (address at 44),
	   in memory space. */
	uint8_t *t = acpi_table("HPET");

	if (!t || rd32(t + 4) < 56 || t[40] != 0 || rd32(t + 48))
		return 0;
	return rd32(t + 44);
}

void acpi_init(void)
{
	char where[40];

	for (int i = 0; i < 16; i++)
		isa_gsi[i] = (uint8_t)i;
	madt = find_madt();
	mpc = find_mpc();
	if (has_loader_rsdp)
		fmt_snprintf(where, sizeof(where), "from the boot loader");
	else if (find_rsdp())
		fmt_snprintf(where, sizeof(where), "in the BIOS area at %08x",
			     (uint32_t)find_rsdp());
	else
		fmt_snprintf(where, sizeof(where), "not found");
	log_info("dev", "firmware tables: RSDP %s, MADT at %08x, MP table at %08x (0: none)",
		 where, (uint32_t)madt, (uint32_t)mpc);
	if (!madt)
		return;
	for (uint32_t off = 44, len = rd32(madt + 4); off + 2 <= len && madt[off + 1];
	     off += madt[off + 1]) {
		uint8_t *e = madt + off;

		if (e[0] == MADT_IOAPIC && ioapic_base == 0xFEC00000 && !ioapic_id) {
			ioapic_id = e[2];
			ioapic_base = rd32(e + 4);
		} else if (e[0] == MADT_ISO && e[2] == 0 && e[3] < 16) {
			isa_gsi[e[3]] = (uint8_t)rd32(e + 4);
		}
	}
}

int acpi_isa_gsi(int irq)
{
	return isa_gsi[irq & 15];
}

uint32_t acpi_ioapic_base(void)
{
	return ioapic_base;
}

uint8_t acpi_ioapic_id(void)
{
	return ioapic_id;
}

int acpi_cpus(void)
{
	int n = 0;

	if (madt) {
		for (uint32_t off = 44, len = rd32(madt + 4); off + 2 <= len && madt[off + 1];
		     off += madt[off + 1])
			if (madt[off] == MADT_LAPIC && (rd32(madt + off + 4) & 1))
				n++;
		return n;
	}
	if (mpc)
		for (uint8_t *e = mpc + 44; e < mpc + *(const uint16_t *)(mpc + 4) && *e == 0; e += 20)
			n += (e[3] & 1) != 0;
	return n ? n : 1;
}

int acpi_keep_one_cpu(uint8_t keep)
{
	int n = 0, stuck = 0;

	if (madt) {
		uint32_t len = rd32(madt + 4);

		for (uint32_t off = 44; off + 2 <= len && madt[off + 1]; off += madt[off + 1]) {
			uint8_t *e = madt + off;

			if (e[0] == MADT_LAPIC && e[3] != keep && (e[4] & 1)) {
				e[4] &= (uint8_t)~1;	/* flags: enabled */
				n++;
			}
		}
		madt[9] = 0;
		madt[9] = (uint8_t)-sum(madt, len);
	}
	if (mpc) {
		uint16_t len = *(const uint16_t *)(mpc + 4);

		for (uint8_t *e = mpc + 44; e < mpc + len && *e == 0; e += 20) {
			if (e[1] == keep || !(e[3] & 1))
				continue;
			e[3] &= (uint8_t)~1;	/* CPU flags: EN */
			stuck += (e[3] & 1) != 0;
			n++;
		}
		mpc[7] = 0;
		mpc[7] = (uint8_t)-sum(mpc, len);
		if (stuck || sum(mpc, len))
			log_warn("dev", "the MP table is read-only: it still lists %d other CPUs",
				 stuck);
	}
	return n;
}
