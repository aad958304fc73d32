/*
 * The UEFI memory map seen as a Multiboot one (UEFI specification 2.10,
 * 7.2 "Memory Allocation Services", EFI_MEMORY_TYPE; Multiboot 0.6.96, 3.3
 * "mmap" and mem_lower/mem_upper): which type each region has once boot
 * services are gone, and the map hv gets.
 */
#include "hvboot.h"

#include <multiboot.h>

/* The Multiboot type of a UEFI memory type once boot services are gone. */
UINT32 mb_type(UINT32 t)
{
	switch (t) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiConventionalMemory:
		return MULTIBOOT_MEMORY_AVAILABLE;
	case EfiACPIReclaimMemory:
		return MULTIBOOT_MEMORY_ACPI_RECLAIMABLE;
	case EfiACPIMemoryNVS:
		return MULTIBOOT_MEMORY_NVS;
	case EfiUnusableMemory:
		return MULTIBOOT_MEMORY_BADRAM;
	default:	/* reserved, runtime services, MMIO, persistent, ... */
		return MULTIBOOT_MEMORY_RESERVED;
	}
}

const char *efi_type_name(UINT32 t)
{
	static const char *const names[] = {
		"reserved", "loader code", "loader data", "boot services code",
		"boot services data", "runtime services code",
		"runtime services data", "free", "unusable", "ACPI tables",
		"ACPI NVS", "memory-mapped I/O", "memory-mapped I/O ports",
		"PAL code", "persistent memory", "unaccepted memory",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "firmware-specific";
}

/* RAM below 4 GiB that is free once boot services are gone, in KiB. */
UINT64 usable_below_4g(EFI_MEMORY_DESCRIPTOR *map, UINTN size, UINTN dsize)
{
	UINT64 kib = 0;

	for (UINTN i = 0; i < size / dsize; i++) {
		EFI_MEMORY_DESCRIPTOR *d = DESC(map, i, dsize);
		UINT64 s = d->PhysicalStart, e = s + d->NumberOfPages * PAGE;

		if (mb_type(d->Type) != MULTIBOOT_MEMORY_AVAILABLE || s > BELOW_4G)
			continue;
		if (e > BELOW_4G + 1)
			e = BELOW_4G + 1;
		kib += (e - s) / 1024;
	}
	return kib;
}

/*
 * Converts a UEFI memory map into Multiboot entries at `out` (room for
 * `max`): sorted by address, neighbours of one type merged.  Allocates
 * nothing: it runs between the last GetMemoryMap() and ExitBootServices().
 */
UINT32 convert_map(EFI_MEMORY_DESCRIPTOR *map, UINTN size, UINTN dsize,
			  multiboot_memory_map_t *out, UINT32 max)
{
	UINT32 n = 0;

	for (UINTN i = 0; i < size / dsize && n < max; i++) {
		EFI_MEMORY_DESCRIPTOR *d = DESC(map, i, dsize);
		multiboot_memory_map_t e;
		UINT32 j;

		if (!d->NumberOfPages)
			continue;
		e.size = sizeof(e) - sizeof(e.size);
		e.addr = d->PhysicalStart;
		e.len = d->NumberOfPages * PAGE;
		e.type = mb_type(d->Type);
		for (j = n; j > 0 && out[j - 1].addr > e.addr; j--)
			out[j] = out[j - 1];
		out[j] = e;
		n++;
	}
	if (!n)
		return 0;
	UINT32 m = 0;
	for (UINT32 i = 1; i < n; i++) {
		if (out[i].type == out[m].type && out[m].addr + out[m].len == out[i].addr)
			out[m].len += out[i].len;
		else
			out[++m] = out[i];
	}
	return m + 1;
}

void set_memory(multiboot_info_t *mbi, const multiboot_memory_map_t *e, UINT32 n)
{
	mbi->mem_lower = 0;
	mbi->mem_upper = 0;
	for (UINT32 i = 0; i < n; i++) {
		UINT64 end = e[i].addr + e[i].len;

		if (e[i].type != MULTIBOOT_MEMORY_AVAILABLE)
			continue;
		if (e[i].addr == 0)
			mbi->mem_lower = (UINT32)((end > 0xA0000 ? 0xA0000 : end) / 1024);
		if (e[i].addr <= 0x100000 && end > 0x100000) {
			if (end > BELOW_4G + 1)
				end = BELOW_4G + 1;
			mbi->mem_upper = (UINT32)((end - 0x100000) / 1024);
		}
	}
}
