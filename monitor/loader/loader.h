/*
 * Guest loaders (monitor/loader/): Multiboot kernels and Linux bzImages
 * (docs/ARCHITECTURE.md, "Guests").
 */
#ifndef LD_LOADER_H
#define LD_LOADER_H

#include "lib/bootinfo.h"
#include <stddef.h>
#include <stdint.h>

/*
 * Multiboot guest kernels (Multiboot specification 0.6.96, section 3;
 * Multiboot2 Specification 2.0, section 3): checking a boot module
 * before anything of it is loaded (mbhdr.c and mb2hdr.c, the headers;
 * mbguest.c, the ELF or a.out-kludge image), then loading it and
 * building its boot information (mbload.c or mb2load.c, with mbplace.c
 * and mbsect.c).
 */
#define MB_MAX_SEGMENTS 16

struct mb_image {
	int protocol;			/* 1 or 2: which header hv found */
	uint32_t entry;			/* physical */
	uint32_t mb_flags;		/* the kernel's Multiboot header flags */
	uint32_t hdr_off;		/* the header's offset in the file */
	int kludge;			/* loaded by the header's address fields (flag 16) */
	int video;			/* the header asks for a video mode (flag 2;
					   Multiboot 2: 2 = a console required) */
	uint32_t mode_type, width, height, depth;	/* what it asks for */
	/* The ELF's section headers, handed on with info flag 5 (shnum 0: none). */
	uint32_t shoff, shnum, shstrndx;
	int nseg;
	struct {
		uint32_t paddr, filesz, memsz, offset;
	} seg[MB_MAX_SEGMENTS];
	/* Multiboot 2 (mb2hdr.c): the information tags asked for (bit n:
	   type n), an entry address tag, a relocatable tag hv honours (the
	   load base it reports: where the image starts). */
	uint32_t mb2_want;
	int mb2_has_entry;
	uint32_t mb2_entry;
	int mb2_reloc;
	uint32_t mb2_reloc_min, mb2_reloc_max, mb2_reloc_align, mb2_load_base;
};

/*
 * Checks that the module is a Multiboot kernel that hv can load: an ELF32
 * i386 executable, or any image whose header has the a.out kludge;
 * complete, for this machine, with everything it asks to be loaded in
 * usable RAM outside hv's range.  Returns 0 and fills *img, or -1 with the
 * reason in why (one line, naming the field).
 */
int mb_check(const struct boot_module *m, struct mb_image *img, char *why,
	     size_t why_size);

/* The module's name for messages: its command line's first word. */
void mb_module_name(const struct boot_module *m, char *buf, size_t size);

/*
 * Loads a checked image and builds its Multiboot information in guest
 * memory (hv's range still mapped: call before gmem_seal).  Returns 0 and
 * the information block's address, or -1 with the reason.
 */
int mb_load(const struct mb_image *img, uint32_t *mbi, char *why, size_t why_size);

/*
 * Inside the Multiboot loader.
 */
/*
 * Finds the Multiboot header in the first 8 KiB (spec 3.1.1) and checks
 * its fields (3.1.2-3.1.4) into *img: flags, the a.out kludge's addresses
 * (then img->seg[0] is the image they describe), the video mode.
 * Returns 1 when there is a valid header, 0 when there is none, -1 with
 * the reason when there is one hv must refuse.
 */
int mb_header_check(const uint8_t *p, uint32_t size, struct mb_image *img,
		    char *why, size_t why_size);
/* The a.out kludge's address fields (Multiboot 1's header, Multiboot 2's
   address and entry tags), checked against the file into img->seg[0]. */
struct mb_addresses {
	const char *what;	/* for messages: "Multiboot header" */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};
int mb_check_addresses(const struct mb_addresses *a, uint32_t hdr_off, uint32_t size,
		       struct mb_image *img, char *why, size_t why_size);
/*
 * Multiboot 2 (mb2hdr.c, mb2load.c): the header in the first 32 KiB and
 * its tags, as mb_header_check (1, 0 or -1); after the ELF is checked,
 * what the tags change (the entry, the relocatable range); loading and
 * the boot information, as mb_load.
 */
int mb2_header_check(const uint8_t *p, uint32_t size, struct mb_image *img,
		     char *why, size_t why_size);
int mb2_header_finish(struct mb_image *img, char *why, size_t why_size);
int mb2_load(const struct mb_image *img, uint32_t *mbi, char *why, size_t why_size);
/* Is [lo, lo+len) a range hv can load into?  0, or -1 with the reason
   (what names the range: "segment 2", "load_addr-bss_end_addr"). */
int mb_check_range(const char *what, uint32_t lo, uint32_t len, char *why,
		   size_t why_size);

/*
 * Where the loader puts what it gives the guest (mbplace.c): first fit in
 * the guest's usable RAM, around everything already taken (page 0, the
 * kernel's image and bss, modules, earlier pieces).
 */
#define MB_PLACE_MAX 96

struct mb_place {
	int n;
	struct { uint32_t lo, hi; } r[MB_PLACE_MAX];	/* taken: [lo, hi) */
};

void mb_place_init(struct mb_place *pl);
/* Marks [lo, lo+len) taken; -1 when the table is full. */
int mb_place_take(struct mb_place *pl, uint32_t lo, uint32_t len);
/* Finds and takes len bytes aligned to align at or above from; below 1 MiB
   first when low is set (as GRUB puts its tables).  Returns the address,
   or 0 when nothing fits. */
uint32_t mb_place_get(struct mb_place *pl, uint32_t len, uint32_t align, int low);

/*
 * Loading, shared by both protocols (mbload.c): the image's segments,
 * bss zeroed, taken in *pl; modules 1 on, page-aligned at or above 1 MiB,
 * at[i] where module i went (0, or -1 with why); the upper memory in KiB
 * from 1 MiB to the first hole of the guest's map; the lower memory.
 */
void mb_load_image(const struct mb_image *img, struct mb_place *pl);
int mb_load_modules(struct mb_place *pl, uint32_t *at, char *why, size_t why_size);
uint32_t mb_mem_upper(const struct boot_mmap *gm, int n);
#define MB_MEM_LOWER (boot.has_mem ? boot.mem_lower : 640)

/*
 * The ELF section headers for info flag 5 (mbsect.c): copies the table,
 * and every section that the segments do not load (symbols, strings),
 * into guest memory.  Fills the info block's elf_sec; 0, or -1 with why.
 */
struct multiboot_elf_section_header_table;
struct elf32_shdr;
/* The table copied to tab (guest memory), each section it describes that
   the segments do not load placed and copied, its sh_addr set. */
int mb_copy_sections(const struct mb_image *img, struct mb_place *pl,
		     struct elf32_shdr *tab, char *why, size_t why_size);
int mb_load_sections(const struct mb_image *img, struct mb_place *pl,
		     struct multiboot_elf_section_header_table *out, char *why,
		     size_t why_size);

/*
 * Linux guests: the 32-bit boot protocol (see linux_hdr.c and linux.c).
 */
/* What a bzImage's setup header says, checked against the file and read
   as its protocol version defines it (defaults where the field is newer). */
struct linux_image {
	uint16_t version;	/* major << 8 | minor */
	uint32_t pm_offset;	/* the protected-mode kernel in the file */
	uint32_t pm_size;	/* its bytes in the file (syssize * 16 or more) */
	uint32_t code32_off;	/* code32_start's offset in the loaded kernel */
	uint32_t init_size;	/* memory it needs from its runtime start */
	uint32_t align;		/* kernel_alignment, a power of 2 */
	uint32_t pref;		/* pref_address (below 4 GiB), else 1 MiB */
	int relocatable;
	uint32_t initrd_max;	/* the initrd's highest byte address */
	uint32_t cmdline_max;	/* the command line's length, without its zero */
	uint32_t hdr_end;	/* where the setup header ends (0x202 + jump) */
};

/*
 * Checks module 0's setup header (Linux Documentation/x86/boot.rst) for
 * what hv's 32-bit loader needs: a bzImage of protocol 2.02 or later,
 * complete, its code32_start inside the loaded kernel.  Returns 0 and
 * fills *img, or -1 with the reason.
 */
int linux_check(const struct boot_module *m, struct linux_image *img, char *why,
		size_t why_size);

/* Where the loader put what boot_params points to. */
struct linux_placed {
	uint32_t entry;		/* the loaded kernel's code32_start */
	uint32_t cmdline;
	uint32_t initrd, initrd_size;	/* 0, 0 without one */
	uint32_t rsdp;		/* the ACPI RSDP's guest address, or 0 */
};

/* Fills the 4 KiB boot_params at bp (see linux_params.c). */
void linux_params(uint8_t *bp, const uint8_t *kernel, const struct linux_image *li,
		  const struct linux_placed *at);

struct linux_entry {
	uint32_t entry;		/* code32_start */
	uint32_t boot_params;	/* ESI */
	uint32_t gdt;		/* a GDT with the boot selectors */
	uint16_t gdt_limit;
	uint16_t cs, ds;
};

/* Does the module hold a bzImage (setup header "HdrS")? */
int linux_is_bzimage(const struct boot_module *m);
/*
 * Loads module 0 as the kernel (module 1, if any, as its initrd) into
 * guest memory; hv's range must still be mapped.  Returns 0, or -1 with
 * the reason.
 */
int linux_load(struct linux_entry *out, char *why, size_t why_size);

#endif
