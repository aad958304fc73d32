/*
 * CPUID as a guest sees it: the EFLAGS.ID toggle (CPUID is present), the
 * vendor string and maximum basic leaf, and from leaf 1 EDX only the
 * feature bits a hypervisor keeps (FPU TSC CX8 PSE PGE CMOV MMX FXSR SSE
 * SSE2; not SEP, VMX, APIC or HYPERVISOR, which a hypervisor may hide or
 * add).  SDM vol. 2 CPUID, table 3-11 (leaf 1 EDX).
 */
#include "guest/lib/guest.h"

GUEST_NAME("cpuid");

#define CPUID_FPU	(1u << 0)
#define CPUID_PSE	(1u << 3)
#define CPUID_TSC	(1u << 4)
#define CPUID_CX8	(1u << 8)
#define CPUID_PGE	(1u << 13)
#define CPUID_CMOV	(1u << 15)
#define CPUID_MMX	(1u << 23)
#define CPUID_FXSR	(1u << 24)
#define CPUID_SSE	(1u << 25)
#define CPUID_SSE2	(1u << 26)

static const struct {
	const char *name;
	uint32_t bit;
} kept[] = {
	{ "fpu", CPUID_FPU }, { "tsc", CPUID_TSC }, { "cx8", CPUID_CX8 },
	{ "pse", CPUID_PSE }, { "pge", CPUID_PGE }, { "cmov", CPUID_CMOV },
	{ "mmx", CPUID_MMX }, { "fxsr", CPUID_FXSR }, { "sse", CPUID_SSE },
	{ "sse2", CPUID_SSE2 },
};

static void id_flag_case(void)
{
	uint32_t f = read_eflags();

	t_begin("id_flag");
	write_eflags(f ^ FL_ID);
	t_check((read_eflags() ^ f) & FL_ID, "EFLAGS.ID does not toggle");
	write_eflags(f);
	t_eq_mask("EFLAGS.ID back", read_eflags(), f, FL_ID);
	t_end();
}

static void vendor_case(void)
{
	uint32_t r[4], r2[4];
	char vendor[13];

	t_begin("vendor");
	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);	/* EBX EDX ECX */
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	gprintf("vendor \"%s\" max basic leaf %u\n", vendor, r[0]);
	for (int i = 0; i < 12; i++)
		t_check(vendor[i] >= ' ' && vendor[i] < 0x7F, "vendor byte %d not printable", i);
	t_check(r[0] >= 1, "max basic leaf %u < 1", r[0]);
	cpuid(0, 0, r2);
	t_check(!memcmp(r, r2, sizeof(r)), "leaf 0 differs between two runs");
	t_end();
}

static void features_case(void)
{
	uint32_t r[4], m = 0;

	t_begin("features");
	cpuid(1, 0, r);
	gprintf("features:");
	for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		m |= kept[i].bit;
		if (r[3] & kept[i].bit)
			gprintf(" %s", kept[i].name);
	}
	gprintf("\n");
	/* The guests rely on these (paging tests use PSE, smc uses CX8). */
	t_eq_mask("fpu tsc cx8 pse", r[3], CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_PSE,
		  CPUID_FPU | CPUID_TSC | CPUID_CX8 | CPUID_PSE);
	(void)m;
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	id_flag_case();
	vendor_case();
	features_case();
}
