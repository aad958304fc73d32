/*
 * Checking a Multiboot guest kernel (see mbguest.h).  Every field is
 * checked against the module's real size before it is trusted, so a
 * truncated or hostile module yields a reason, never a wild read.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/elf.h"
#include "lib/fmt.h"
#include "monitor/mm/mm.h"
#include "lib/string.h"

#define FAIL(...) do { fmt_snprintf(why, why_size, __VA_ARGS__); return -1; } while (0)

void mb_module_name(const struct boot_module *m, char *buf, size_t size)
{
	size_t n = 0;

	while (m->cmdline[n] && m->cmdline[n] != ' ' && n + 1 < size)
		n++;
	memcpy(buf, m->cmdline, n);
	buf[n] = '\0';
	if (!n)
		fmt_snprintf(buf, size, "(unnamed module)");
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 62: return "x86-64";
	case 40: return "ARM";
	case 183: return "AArch64";
	case 243: return "RISC-V";
	case 8: return "MIPS";
	case 20: return "PowerPC";
	default: return "not i386";
	}
}

/* Is [lo, lo+len) inside one usable memory-map range? */
static int in_usable_ram(uint32_t lo, uint32_t len)
{
	for (int i = 0; i < boot.nmmap; i++) {
		const struct boot_mmap *e = &boot.mmap[i];

		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= lo &&
		    (uint64_t)lo + len <= e->addr + e->len)
			return 1;
	}
	return 0;
}

static int find_mb_header(const uint8_t *p, uint32_t size, uint32_t *flags)
{
	uint32_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

	for (uint32_t off = 0; off + 12 <= limit; off += MULTIBOOT_HEADER_ALIGN) {
		const uint32_t *h = (const uint32_t *)(p + off);

		if (h[0] == MULTIBOOT_HEADER_MAGIC && h[0] + h[1] + h[2] == 0) {
			*flags = h[1];
			return 0;
		}
	}
	return -1;
}

int mb_check(const struct boot_module *m, struct mb_image *img, char *why,
	     size_t why_size)
{
	const uint8_t *p = (const uint8_t *)m->start;
	uint32_t size = m->end - m->start;
	const struct elf32_ehdr *eh = (const struct elf32_ehdr *)p;
	int entry_ok = 0;

	memset(img, 0, sizeof(*img));
	if (size == 0)
		FAIL("the module is empty");
	if (size < 4 || memcmp(p, ELF_MAGIC, 4)) {
		uint32_t flags;

		if (find_mb_header(p, size, &flags) == 0)
			FAIL("a Multiboot kernel that is not ELF (a.out kludge images "
			     "are not supported)");
		FAIL("not a Multiboot ELF kernel (no ELF header)");
	}
	if (size < sizeof(*eh))
		FAIL("truncated: %u bytes, shorter than an ELF header", size);
	if (eh->ident[EI_CLASS] != ELFCLASS32)
		FAIL("an ELF for another machine (64-bit ELF class, %s)",
		     machine_name(eh->machine));
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		FAIL("an ELF for another machine (big-endian)");
	if (eh->machine != EM_386)
		FAIL("an ELF for another machine (e_machine %u, %s)", eh->machine,
		     machine_name(eh->machine));
	if (eh->type != ET_EXEC)
		FAIL("not an executable ELF (e_type %u)", eh->type);
	if (find_mb_header(p, size, &img->mb_flags) < 0) {
		if (size < MULTIBOOT_SEARCH)
			FAIL("truncated or not a Multiboot kernel: no Multiboot header "
			     "in its %u bytes", size);
		FAIL("not a Multiboot kernel: no Multiboot header in the first %u bytes",
		     MULTIBOOT_SEARCH);
	}
	if (img->mb_flags & 0xFFFC)	/* bits 2-15: requirements beyond page align and memory info */
		FAIL("its Multiboot header requires features hv does not provide "
		     "(flags %08x)", img->mb_flags);
	if (img->mb_flags & MULTIBOOT_AOUT_KLUDGE)
		FAIL("its Multiboot header asks for the a.out kludge, which hv does "
		     "not support");
	if (eh->phentsize != sizeof(struct elf32_phdr) || eh->phnum == 0)
		FAIL("malformed ELF: %u program headers of %u bytes", eh->phnum,
		     eh->phentsize);
	if (eh->phoff > size || (uint64_t)eh->phoff + (uint64_t)eh->phnum * eh->phentsize > size)
		FAIL("truncated: program headers end beyond the module's %u bytes", size);

	for (uint32_t i = 0; i < eh->phnum; i++) {
		const struct elf32_phdr *ph =
			(const struct elf32_phdr *)(p + eh->phoff + i * sizeof(*ph));

		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (img->nseg == MB_MAX_SEGMENTS)
			FAIL("more than %d loadable segments", MB_MAX_SEGMENTS);
		if ((uint64_t)ph->offset + ph->filesz > size)
			FAIL("truncated: segment %u needs bytes up to %u, the module has %u",
			     i, ph->offset + ph->filesz, size);
		if (ph->filesz > ph->memsz)
			FAIL("malformed ELF: segment %u has more file than memory bytes", i);
		if ((uint64_t)ph->paddr + ph->memsz > 0x100000000ULL)
			FAIL("segment %u wraps past 4 GiB", i);
		if (frame_hv_owns(ph->paddr, ph->memsz))
			FAIL("would load over the hypervisor: segment %u at %08x-%08x "
			     "overlaps hv's %08x-%08x", i, ph->paddr,
			     ph->paddr + ph->memsz - 1, boot.hv_phys_lo, boot.hv_phys_hi - 1);
		if (!in_usable_ram(ph->paddr, ph->memsz))
			FAIL("segment %u at %08x-%08x is not in usable RAM", i, ph->paddr,
			     ph->paddr + ph->memsz - 1);
		img->seg[img->nseg].paddr = ph->paddr;
		img->seg[img->nseg].filesz = ph->filesz;
		img->seg[img->nseg].memsz = ph->memsz;
		img->seg[img->nseg].offset = ph->offset;
		img->nseg++;
		if (eh->entry >= ph->vaddr && eh->entry - ph->vaddr < ph->memsz) {
			img->entry = eh->entry - ph->vaddr + ph->paddr;
			entry_ok = 1;
		}
	}
	if (img->nseg == 0)
		FAIL("no loadable segment");
	if (!entry_ok)
		FAIL("entry point %08x is outside its loadable segments", eh->entry);
	return 0;
}
