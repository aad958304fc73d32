/*
 * hvboot: the command lines of a boot entry, "PATH ARGS" as the
 * Multiboot information carries them, and what hvboot adds to a kernel's.
 *
 * Multiboot 1 has no field for the ACPI RSDP, which on UEFI is found only
 * through the EFI configuration table (UEFI 2.x 4.6, ACPI 6.x 5.2.5.2).  A
 * kernel that also carries a Multiboot 2 header (spec 2.0 3.1.1: magic
 * 0xE85250D6, 8-byte aligned in the first 32 KiB, the four fields summing
 * to 0) is one that can take more than Multiboot 1 gives: hv, which reads
 * acpi_rsdp=ADDR from its command line.  Other kernels get their command
 * line as written.
 */
#include "hvboot.h"

UINT32 put_cmdline(char **p, const struct cfg_file *f)
{
	char *s = *p;
	int n = fmt_snprintf(s, CMDLINE_MAX, f->args[0] ? "%s %s" : "%s",
			     f->path, f->args);

	*p += n + 1;
	return (UINT32)(UINTN)s;
}

static int has_mb2_header(const UINT8 *buf, UINT64 size)
{
	for (UINT64 off = 0; off + 16 <= size && off < 32768; off += 8) {
		const UINT32 *h = (const UINT32 *)(buf + off);

		if (h[0] == 0xE85250D6u && (UINT32)(h[0] + h[1] + h[2] + h[3]) == 0)
			return 1;
	}
	return 0;
}

static UINT64 find_rsdp(void)
{
	static EFI_GUID acpi20 = { 0x8868e871, 0xe4f1, 0x11d3,
				   { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } };
	static EFI_GUID acpi10 = { 0xeb9d2d30, 0x2d88, 0x11d3,
				   { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } };
	UINT64 old = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, &acpi20, sizeof(EFI_GUID)))
			return (UINT64)(UINTN)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &acpi10, sizeof(EFI_GUID)))
			old = (UINT64)(UINTN)t->VendorTable;
	}
	return old;
}

UINT32 put_kernel_cmdline(char **p, const struct cfg_file *f, const UINT8 *image, UINT64 size)
{
	char *s = *p;
	UINT64 rsdp = has_mb2_header(image, size) ? find_rsdp() : 0;
	int n;

	if (!rsdp || rsdp >> 32)
		return put_cmdline(p, f);
	n = fmt_snprintf(s, CMDLINE_MAX, f->args[0] ? "%s %s acpi_rsdp=0x%lx" :
			 "%s%s acpi_rsdp=0x%lx", f->path, f->args, rsdp);
	*p += n + 1;
	return (UINT32)(UINTN)s;
}
