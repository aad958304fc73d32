/*
 * Checking a Multiboot guest kernel before anything of it is loaded
 * (Multiboot specification 0.6.96, 3.1 "OS image format"; Multiboot2
 * Specification 2.0, 3.1; System V ABI, "Object Files", for the ELF).
 * The header decides (mbhdr.c; without one, mb2hdr.c's Multiboot 2
 * header): with the a.out kludge or an address tag its address fields
 * describe the image, whatever the format; without it the image must be
 * an ELF32 i386 executable, loaded by its program headers.  Every field
 * is checked against the module's real size before it is trusted, so a
 * truncated or hostile module yields one reason, never a wild read.
 */
#include "monitor/loader/loader.h"

#include <multiboot.h>

#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "monitor/mm/mm.h"

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

int mb_check_range(const char *what, uint32_t lo, uint32_t len, char *why,
		   size_t why_size)
{
	if ((uint64_t)lo + len > 0x100000000ULL)
		FAIL("%s at %08x (%u bytes) wraps past 4 GiB", what, lo, len);
	if (frame_hv_owns(lo, len))
		FAIL("would load over the hypervisor: %s at %08x-%08x overlaps hv's "
		     "%08x-%08x", what, lo, lo + len - 1, boot.hv_phys_lo,
		     boot.hv_phys_hi - 1);
	if (!in_usable_ram(lo, len))
		FAIL("%s at %08x-%08x is not in usable RAM", what, lo, lo + len - 1);
	return 0;
}

/*
 * The entry point (System V ABI: e_entry is a virtual address).  A loader
 * jumps to a physical one, so an entry inside one segment's virtual range
 * is moved by that segment's paddr - vaddr; an entry in no virtual range
 * but in one segment's physical range is taken as physical, as QEMU does
 * (its ELF loader translates only an entry it finds in the file part of
 * an executable segment whose vaddr and paddr differ, else jumps to
 * e_entry as it is): higher-half kernels link their segments high and
 * put the entry at the physical address.  An entry in two segments'
 * virtual ranges has no one meaning (QEMU takes the last match), and hv
 * refuses it.
 */
static int find_entry(const struct elf32_ehdr *eh, const uint8_t *p,
		      struct mb_image *img, char *why, size_t why_size)
{
	int nvirt = 0, nphys = 0;
	uint32_t first = 0, phys = 0;

	for (uint32_t i = 0; i < eh->phnum; i++) {
		const struct elf32_phdr *ph =
			(const struct elf32_phdr *)(p + eh->phoff + i * sizeof(*ph));

		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (eh->entry >= ph->vaddr && eh->entry - ph->vaddr < ph->memsz) {
			if (nvirt++)
				FAIL("entry point %08x lies in two segments' virtual ranges "
				     "(segments %u and %u)", eh->entry, first, i);
			first = i;
			img->entry = eh->entry - ph->vaddr + ph->paddr;
		}
		if (eh->entry >= ph->paddr && eh->entry - ph->paddr < ph->memsz) {
			nphys++;
			phys = eh->entry;
		}
	}
	if (nvirt)
		return 0;
	if (nphys == 1) {
		img->entry = phys;
		return 0;
	}
	FAIL("entry point %08x is outside its loadable segments", eh->entry);
}

/* Segments that overlap in memory: a later one would overwrite (or zero,
   as bss) an earlier one.  Neither spec gives that a meaning; refused. */
static int check_overlap(const struct mb_image *img, const uint32_t *index,
			 char *why, size_t why_size)
{
	for (int i = 0; i < img->nseg; i++)
		for (int j = i + 1; j < img->nseg; j++) {
			uint32_t a = img->seg[i].paddr, b = img->seg[j].paddr;

			if (a < b + img->seg[j].memsz && b < a + img->seg[i].memsz)
				FAIL("malformed ELF: segments %u (%08x-%08x) and %u "
				     "(%08x-%08x) overlap", index[i], a,
				     a + img->seg[i].memsz - 1, index[j], b,
				     b + img->seg[j].memsz - 1);
		}
	return 0;
}

/* The section headers handed on with info flag 5 (mbsect.c loads them). */
static int check_sections(const struct elf32_ehdr *eh, const uint8_t *p, uint32_t size,
			  struct mb_image *img, char *why, size_t why_size)
{
	if (eh->shnum == 0)
		return 0;
	if (eh->shentsize != sizeof(struct elf32_shdr))
		FAIL("malformed ELF: section headers of %u bytes", eh->shentsize);
	if (eh->shoff > size ||
	    (uint64_t)eh->shoff + (uint64_t)eh->shnum * sizeof(struct elf32_shdr) > size)
		FAIL("truncated: section headers end beyond the module's %u bytes", size);
	if (eh->shstrndx >= eh->shnum)
		FAIL("malformed ELF: section name table %u of %u sections", eh->shstrndx,
		     eh->shnum);
	for (uint32_t i = 0; i < eh->shnum; i++) {
		const struct elf32_shdr *sh =
			(const struct elf32_shdr *)(p + eh->shoff + i * sizeof(*sh));

		if (sh->addr == 0 && sh->type != SHT_NOBITS &&
		    (uint64_t)sh->offset + sh->size > size)
			FAIL("truncated: section %u needs bytes up to %u, the module has %u",
			     i, sh->offset + sh->size, size);
	}
	img->shoff = eh->shoff;
	img->shnum = eh->shnum;
	img->shstrndx = eh->shstrndx;
	return 0;
}

/* What the ELF header says it is for. */
static int check_elf_ident(const uint8_t *p, uint32_t size, char *why, size_t why_size)
{
	const struct elf32_ehdr *eh = (const struct elf32_ehdr *)p;

	if (size < sizeof(*eh))
		FAIL("truncated: %u bytes, shorter than an ELF header", size);
	if (eh->ident[EI_CLASS] == ELFCLASS64)
		FAIL("an ELF for another machine (64-bit ELF class, %s)",
		     machine_name(eh->machine));
	if (eh->ident[EI_CLASS] != ELFCLASS32)
		FAIL("malformed ELF: class %u, neither 32-bit (1) nor 64-bit (2)",
		     eh->ident[EI_CLASS]);
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		FAIL("an ELF for another machine (big-endian)");
	if (eh->machine != EM_386)
		FAIL("an ELF for another machine (e_machine %u, %s)", eh->machine,
		     machine_name(eh->machine));
	if (eh->type != ET_EXEC)
		FAIL("not an executable ELF (e_type %u)", eh->type);
	return 0;
}

/* The program headers: segments, their overlaps, the entry, the sections. */
static int check_elf(const uint8_t *p, uint32_t size, struct mb_image *img, char *why,
		     size_t why_size)
{
	const struct elf32_ehdr *eh = (const struct elf32_ehdr *)p;
	uint32_t index[MB_MAX_SEGMENTS];
	char what[16];

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
		fmt_snprintf(what, sizeof(what), "segment %u", i);
		if (mb_check_range(what, ph->paddr, ph->memsz, why, why_size))
			return -1;
		index[img->nseg] = i;
		img->seg[img->nseg].paddr = ph->paddr;
		img->seg[img->nseg].filesz = ph->filesz;
		img->seg[img->nseg].memsz = ph->memsz;
		img->seg[img->nseg].offset = ph->offset;
		img->nseg++;
	}
	if (img->nseg == 0)
		FAIL("no loadable segment");
	if (check_overlap(img, index, why, why_size) || find_entry(eh, p, img, why, why_size))
		return -1;
	return check_sections(eh, p, size, img, why, why_size);
}

int mb_check(const struct boot_module *m, struct mb_image *img, char *why,
	     size_t why_size)
{
	const uint8_t *p = (const uint8_t *)m->start;
	uint32_t size = m->end - m->start;
	int elf, hdr;

	memset(img, 0, sizeof(*img));
	if (size == 0)
		FAIL("the module is empty");
	elf = size >= 4 && !memcmp(p, ELF_MAGIC, 4);
	img->protocol = 1;
	hdr = mb_header_check(p, size, img, why, why_size);
	/* Multiboot 2 only without a Multiboot 1 header (mb2hdr.c). */
	if (hdr == 0)
		hdr = mb2_header_check(p, size, img, why, why_size);
	if (hdr < 0)
		return -1;
	if (elf && !img->kludge && check_elf_ident(p, size, why, why_size))
		return -1;
	if (!hdr) {
		if (!elf)
			FAIL("not a Multiboot ELF kernel (no ELF header)");
		if (size < MULTIBOOT_SEARCH)
			FAIL("truncated or not a Multiboot kernel: no Multiboot header "
			     "in its %u bytes", size);
		FAIL("not a Multiboot kernel: no Multiboot header in the first %u bytes "
		     "(nor a Multiboot 2 header in the first 32 KiB)", MULTIBOOT_SEARCH);
	}
	if (img->kludge) {
		/* The address fields win over the ELF's (spec 3.1.3). */
		log_info("guest", "a.out kludge: file bytes %u-%u at %08x, zeroed up to "
			 "%08x, entry %08x", img->seg[0].offset,
			 img->seg[0].offset + img->seg[0].filesz - 1, img->seg[0].paddr,
			 img->seg[0].paddr + img->seg[0].memsz, img->entry);
		return img->protocol == 2 ? mb2_header_finish(img, why, why_size) : 0;
	}
	if (!elf)
		FAIL(img->protocol == 2 ? "a Multiboot 2 kernel that is not ELF and whose "
		     "header has no address tag (type 2)" : "a Multiboot kernel that is "
		     "not ELF and whose header lacks the a.out kludge (flags bit 16)");
	if (check_elf(p, size, img, why, why_size))
		return -1;
	return img->protocol == 2 ? mb2_header_finish(img, why, why_size) : 0;
}
