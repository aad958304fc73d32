/*
 * hv_main: from the boot loader's hand-off to a running guest.
 *
 * Order matters: the command line decides where the log goes, so it is
 * read (straight from the loader's tables) before anything is printed; the
 * GDT and IDT come before the relocation so that a fault while moving is
 * reported; the frame allocator needs the final layout.
 */
#include <multiboot.h>

#include "boot/boot.h"
#include "drivers/ioport.h"
#include "drivers/devices.h"
#include "drivers/platform.h"
#include "lib/uart.h"
#include "dt/dt.h"
#include "monitor/debug/debug.h"
#include "monitor/emul.h"
#include "monitor/mm/mm.h"
#include "drivers/acpi.h"
#include "monitor/apic.h"
#include "monitor/dma.h"
#include "monitor/guest.h"
#include "monitor/intr.h"
#include "monitor/msr.h"
#include "monitor/vcpu.h"
#include "lib/x86.h"
#include "monitor/gdt.h"
#include "boot/integrity.h"
#include "lib/hw/multiboot2.h"
#include "lib/layout.h"
#include "monitor/loader/loader.h"
#include "lib/log.h"
#include "lib/string.h"
#include "drivers/intc.h"
#include "boot/options.h"
#include "lib/panic.h"
#include "boot/selftest.h"
#include "monitor/trap.h"

void hv_main(uint32_t magic, uint32_t mbi_phys);

static const char *mmap_type(uint32_t t)
{
	switch (t) {
	case MULTIBOOT_MEMORY_AVAILABLE: return "usable";
	case MULTIBOOT_MEMORY_RESERVED: return "reserved";
	case MULTIBOOT_MEMORY_ACPI_RECLAIMABLE: return "ACPI";
	case MULTIBOOT_MEMORY_NVS: return "ACPI NVS";
	case MULTIBOOT_MEMORY_BADRAM: return "bad";
	default: return "unknown";
	}
}

static void log_memory(void)
{
	for (int i = 0; i < boot.nmmap; i++)
		log_info("mem", "%08llx-%08llx %s", boot.mmap[i].addr,
			 boot.mmap[i].addr + boot.mmap[i].len - 1,
			 mmap_type(boot.mmap[i].type));
	log_info("mem", "hv owns %08x-%08x (image at %08x, cache %u KiB at %08x, "
		 "pool %u KiB at %08x)", boot.hv_phys_lo, boot.hv_phys_hi - 1,
		 boot.image_phys, boot.cache_size >> 10, boot.cache_phys,
		 boot.pool_size >> 10, boot.pool_phys);
}

/*
 * isa-debug-exit (port 0xf4): the guest's way out under QEMU.  hv takes
 * the write to print its counters first, then passes it on.
 */
static void debug_exit_write(void *ctx, uint16_t port, int size, uint32_t v)
{
	(void)ctx;
	dev_flush();	/* a guest line held back for hv's log */
	log_info("guest", "guest wrote %x to the exit port %x", v, port);
	dt_print_stats();
	emul_print_stats();
	guest_print_stats();
	integrity_check();
	log_info("exit", "time stamp counter %llu", rdtsc());	/* as hv_exit */
	uart_drain(PORT_COM1);	/* Bochs drops bytes still being sent */
	uart_drain(PORT_COM2);
	io_native_write(port, size, v);
	bochs_shutdown();	/* Bochs has no exit device: it just ends */
	halt_forever();
}

/* hv's clock maps the local APIC's registers through this. */
static int map_mmio(uint32_t va, uint32_t pa)
{
	return paging_map(va, pa, PTE_W | PTE_PCD | PTE_PWT);
}

/* What every guest gets before its loader runs. */
static void setup_machine(void)
{
	struct dev_config dc = { .npci_hide = opt.npci_hide,
				 .map_mmio = map_mmio };

	memcpy(dc.mode, opt.dev, sizeof(dc.mode));
	plat_hooks.a20 = mm_set_a20;	/* the guest's A20 gate: its memory wraps */
	memcpy(dc.pci_hide, opt.pci_hide, sizeof(dc.pci_hide));
	dev_init(&dc);
	if (dma_setup(opt.dma, opt.dev[DEVK_PCI]) < 0)	/* before the I/O bitmap is filled */
		hv_exit(HV_EXIT_BAD_INPUT);
	apic_init();
	if (opt.dev[DEVK_PIT] == DEV_EMULATE && acpi_hpet_base()) {
		/* Its legacy interrupts would arrive on IRQ 0, hv's then: the
		   guest finds nothing there (all ones), and takes the PIT. */
		mm_hide_page(acpi_hpet_base());
		log_info("dev", "pit=emulate: the HPET at %08x is hidden from the guest",
			 acpi_hpet_base());
	}
	watchdog_init(opt.watchdog);
	io_register(PORT_DEBUG_EXIT, PORT_DEBUG_EXIT + 3, "debug exit", 0, debug_exit_write, 0);
	gdt_refresh_iomap();
	dt_init((void *)HV_CACHE_BASE, boot.cache_size, (void *)HV_META_BASE, HV_META_SIZE,
		&sens_table, SEL_R1_GS);
	msr_init();
	vcpu.cpl = 0;
	gcr.cr0 = boot.cr0;
	vcpu.vflags = 0;
	/* With the PIC passed through, the guest's IF can be the real one. */
	vcpu.native_if = intc_real_if_follows_guest();
	vcpu_flags_tables();
	dbg_init(opt.monitor, opt.gdb, opt.dev);
}

static void run_guest(const struct mb_image *img)
{
	char why[160];
	uint32_t mbi;

	setup_machine();
	if ((img->protocol == 2 ? mb2_load(img, &mbi, why, sizeof(why)) :
	     mb_load(img, &mbi, why, sizeof(why))) < 0) {
		log_err("guest", "%s", why);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	iommu_enable();	/* hv's range is final now */
	gmem_seal();
	diag_init();

	/* The machine state Multiboot promises (spec 3.2); selectors as QEMU's
	   loader uses them. */
	seg_init_flat(0x08, 0x10);
	vcpu_sync_cr();
	guest_start(img->entry, img->protocol == 2 ? MB2_BOOTLOADER_MAGIC :
		    MULTIBOOT_BOOTLOADER_MAGIC, mbi, 0);
}

static void run_linux(const char *name)
{
	struct linux_entry e;
	char why[160];

	setup_machine();
	if (linux_load(&e, why, sizeof(why)) < 0) {
		log_err("guest", "module %s: %s", name, why);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	iommu_enable();	/* hv's range is final now */
	gmem_seal();
	diag_init();
	vcpu.gdtr.base = e.gdt;
	vcpu.gdtr.limit = e.gdt_limit;
	seg_init_flat(e.cs, e.ds);
	vcpu_sync_cr();
	guest_start(e.entry, 0, 0, e.boot_params);
}

static void check_guest(void)
{
	const struct boot_module *m = &boot.mods[0];
	struct mb_image img;
	char name[64], why[160];

	mb_module_name(m, name, sizeof(name));
	log_info("guest", "module %s: %u bytes, command line \"%s\"", name,
		 m->end - m->start, m->cmdline);
	for (int i = 1; i < boot.nmods; i++)
		log_info("guest", "extra module %d: %u bytes, \"%s\"", i,
			 boot.mods[i].end - boot.mods[i].start, boot.mods[i].cmdline);
	if (linux_is_bzimage(m)) {
		log_info("guest", "module %s: a Linux bzImage", name);
		run_linux(name);
	}
	if (mb_check(m, &img, why, sizeof(why)) < 0) {
		log_err("guest", "module %s: %s", name, why);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	log_info("guest", "module %s: Multiboot %d kernel, entry %08x, %d segments",
		 name, img.protocol, img.entry, img.nseg);
	for (int i = 0; i < img.nseg; i++)
		log_info("guest", "  segment %08x-%08x (%u bytes from the file)",
			 img.seg[i].paddr, img.seg[i].paddr + img.seg[i].memsz - 1,
			 img.seg[i].filesz);
	run_guest(&img);
}

/*
 * acpi_rsdp=ADDR: the RSDP where the loader says it is (ACPI 6.x 5.2.5.3:
 * the signature, the 20-byte checksum, and with revision 2 the length of
 * 36 and the extended checksum); read while memory is still mapped 1:1.
 */
static void take_rsdp(uint32_t pa)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;
	uint32_t len = BOOT_RSDP_V1_LEN;
	uint8_t sum = 0;

	if (memcmp(p, "RSD PTR ", 8) == 0 && p[15] >= 2)
		len = BOOT_RSDP_MAX;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	if (memcmp(p, "RSD PTR ", 8) || sum) {
		log_err("options", "acpi_rsdp=%x: no ACPI RSDP there (signature or checksum)", pa);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	memcpy(boot.rsdp, p, len);
	boot.rsdp_len = len;
	acpi_set_rsdp(boot.rsdp, len);
}

void hv_main(uint32_t magic, uint32_t mbi_phys)
{
	const char *why;

	/* What the base library's hv_exit() and panic() reach above it. */
	exit_hooks.flush = dev_flush;
	exit_hooks.check = integrity_check;
	exit_hooks.panic_dump = dbg_panic_dump;
	options_parse(boot_cmdline(magic, mbi_phys));
	console_init(opt.console);
	log_level = opt.loglevel;
	exit_on_panic = opt.exit_on_panic;
	log_info("boot", "hv starting");
	if (options_report())
		hv_exit(HV_EXIT_BAD_INPUT);

	gdt_init();
	idt_init();
	gdt_set_df_cr3(read_cr3());

	if (boot_parse_multiboot(magic, mbi_phys, &why) < 0) {
		log_err("boot", "%s", why);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	if (opt.acpi_rsdp && !boot.rsdp_len)
		take_rsdp(opt.acpi_rsdp);
	if (boot_relocate(opt.cache_size, opt.pool_size, &why) < 0) {
		log_err("boot", "%s", why);
		hv_exit(HV_EXIT_BAD_INPUT);
	}
	gdt_set_df_cr3(hv_pd_phys);
	frame_init();
	log_memory();
	integrity_init();

	if (opt.selftest && selftest_run())
		panic("self-test failed");
	if (opt.selftest == 2)
		panic("deliberate panic (selftest=panic)");
	if (opt.selftest == 3)
		selftest_overrun_stack();	/* does not return: the #DF task reports */

	if (boot.nmods == 0) {
		log_info("guest", "no guest module given (pass one with -initrd or "
			 "GRUB's module): nothing to run");
		hv_exit(HV_EXIT_OK);
	}
	check_guest();
	hv_exit(HV_EXIT_OK);
}
