/*
 * hvboot: hv's UEFI loader (an x86_64 EFI application built with GNU-EFI).
 *
 * It reads hvboot.cfg beside its own image on the boot partition, loads a
 * Multiboot (v1) kernel (hv.elf) and its modules below 4 GiB, builds the
 * Multiboot information block (Multiboot specification 0.6.96, section 3.3)
 * from the UEFI memory map (UEFI specification 2.10, 7.2 GetMemoryMap()),
 * exits boot services, leaves long mode (Intel SDM vol. 3A, 9.8.5.4
 * "Switching Out of IA-32e Mode Operation") and enters the kernel in the
 * machine state of Multiboot section 3.2.  docs/BOOT-MEDIA.md describes it.
 *
 * This header is shared by the C files and trampoline.S: the PLAN_*
 * offsets lay out the page that holds the trampoline, its parameters and
 * its GDT.
 */
#ifndef HVBOOT_H
#define HVBOOT_H

/* Layout of the trampoline page (physical, below 4 GiB, identity-mapped). */
#define PLAN_GDTR	0x000	/* u16 limit, u64 base: lgdt's 64-bit operand */
#define PLAN_CODE32	0x010	/* u32: address of tramp_code32 in the copy */
#define PLAN_STACK	0x018	/* u64: stack top for the switch */
#define PLAN_ENTRY	0x020	/* u32: the kernel's physical entry point */
#define PLAN_MBI	0x024	/* u32: the Multiboot information block */
#define PLAN_NSEG	0x028	/* u32: number of copies below */
#define PLAN_SEGS	0x030	/* PLAN_MAX_SEGS x {u32 dst, src, filesz, memsz} */
#define PLAN_MAX_SEGS	16
#define PLAN_SEG_SIZE	16
#define PLAN_GDT	0x180	/* null, 32-bit code (0x08), 32-bit data (0x10) */
#define PLAN_CODE	0x200	/* the trampoline's code, copied from the image */
#define PLAN_PAGES	2	/* the second page is the stack */

#define TRAMP_SEL_CODE32 0x08	/* the selectors QEMU's and GRUB's loaders use */
#define TRAMP_SEL_DATA32 0x10

#define MB_BOOTLOADER_MAGIC 0x2BADB002

#ifndef __ASSEMBLER__

#include <efi.h>
#include <multiboot.h>

/* --- con.c: output on the screen and a serial port, keys ---------------- */

extern EFI_SYSTEM_TABLE *ST;
extern EFI_BOOT_SERVICES *BS;

void con_init(void);
void con_serial(const char *how);	/* "auto", "none", "com1".."com4" */
const char *con_serial_state(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_clear(void);
unsigned con_rows(void);
/* Waits up to `seconds` (forever when negative) for a key: 1 and *key set,
 * or 0 on time-out.  `tick` is called once a second with the seconds left. */
int con_key(int seconds, EFI_INPUT_KEY *key, void (*tick)(int left));
/* Edits `buf` (capacity `cap`) in place: 1 when accepted with Enter. */
int con_edit(const char *prompt, char *buf, unsigned cap);
const char *efi_strerror(EFI_STATUS st);

/* --- strings (string.c, and hv's lib/, built for x86_64) --------------- */

#include "lib/string.h"	/* memcpy ... strncmp */
#include "lib/fmt.h"	/* fmt_snprintf, fmt_vsnprintf */
char *strcpy_cap(char *dst, const char *src, UINTN cap);

/* --- config.c: hvboot.cfg ---------------------------------------------- */

/* Entries: the menu lists every guest twice (under hv and native), so this
 * must stay well above twice guest/tests/MANIFEST; scripts/media/mkimage.sh
 * refuses an hvboot.cfg with more.  struct cfg is pool memory (main.c),
 * about 17.5 KiB an entry. */
#define CFG_MAX_ENTRIES	256
#define CFG_MAX_MODULES	16
#define CFG_LINE	512

struct cfg_file {
	char path[CFG_LINE];	/* on the boot partition, '/' separated */
	char args[CFG_LINE];	/* the rest of the line */
};

struct cfg_entry {
	char id[32];
	char title[80];
	struct cfg_file kernel;
	struct cfg_file mods[CFG_MAX_MODULES];
	unsigned nmods;
};

enum on_error { ON_ERROR_MENU, ON_ERROR_NEXT, ON_ERROR_EXIT };

struct cfg {
	int timeout;		/* seconds; 0 boots the default at once, <0 waits */
	char def[32];		/* default entry: id or 1-based number */
	char serial[8];
	enum on_error on_error;
	struct cfg_entry entries[CFG_MAX_ENTRIES];
	unsigned nentries;
};

/* Parses `text` (NUL-terminated, `name` for messages): 0, or -1 after err(). */
int cfg_parse(struct cfg *cfg, char *text, const char *name);
int cfg_default(const struct cfg *cfg);	/* index of the default entry */

/* --- memmap.c: the UEFI memory map as a Multiboot one -------------------- */

#define BELOW_4G	0xFFFFFFFFull
#define PAGE		4096ull
#define DESC(map, i, dsize) \
	((EFI_MEMORY_DESCRIPTOR *)((UINT8 *)(map) + (i) * (dsize)))

/* The Multiboot type of a UEFI memory type once boot services are gone. */
UINT32 mb_type(UINT32 t);
const char *efi_type_name(UINT32 t);
/* RAM below 4 GiB that is free once boot services are gone, in KiB. */
UINT64 usable_below_4g(EFI_MEMORY_DESCRIPTOR *map, UINTN size, UINTN dsize);
/* Sorted, merged Multiboot entries at out (room for max); allocates nothing. */
UINT32 convert_map(EFI_MEMORY_DESCRIPTOR *map, UINTN size, UINTN dsize,
		   multiboot_memory_map_t *out, UINT32 max);
/* mem_lower and mem_upper from the Multiboot map. */
void set_memory(multiboot_info_t *mbi, const multiboot_memory_map_t *e, UINT32 n);

/* --- cmdline.c: the command lines in the Multiboot information -------- */

#define CMDLINE_MAX	(2 * CFG_LINE + 2)
/* "PATH ARGS" at *p (at most CMDLINE_MAX bytes), *p moved past its NUL;
   its address. */
UINT32 put_cmdline(char **p, const struct cfg_file *f);
/* The same for the kernel whose file (size bytes) is at image: a kernel
   with a Multiboot 2 header also gets acpi_rsdp=ADDR from the EFI
   configuration table. */
UINT32 put_kernel_cmdline(char **p, const struct cfg_file *f, const UINT8 *image, UINT64 size);

/* --- load.c: files, memory, ELF, Multiboot, the jump -------------------- */

/* Opens the boot partition and finds hvboot.cfg: 0, or -1 after err(). */
int load_init(EFI_HANDLE image, char *cfgpath, UINTN cap);
/* Reads a whole file into memory from the boot partition (pool memory,
 * NUL-terminated): 0, or -1 after err(). */
int load_text(const char *path, char **text, UINTN *size);
/* Loads an entry and starts it; returns only on an error (reported, and
 * everything it allocated freed). */
void load_boot(EFI_HANDLE image, const struct cfg_entry *e);

#endif /* __ASSEMBLER__ */
#endif /* HVBOOT_H */
