/*
 * The library's C entry: called by entry.S with the Multiboot magic and
 * info block; puts the CPU in a known state, runs the guest's gmain(),
 * then ends the guest.
 */
#include <multiboot.h>
#include <stdint.h>

#include "guest/lib/cmdline.h"
#include "guest/lib/console.h"
#include "guest/lib/cpu.h"
#include "guest/lib/desc.h"
#include "guest/lib/test.h"

void guest_start(uint32_t magic, const struct multiboot_info *mbi);

void guest_start(uint32_t magic, const struct multiboot_info *mbi)
{
	console_init();
	cmdline_init(magic, mbi);
	/*
	 * A known CPU state, so that what the guest reads back (SMSW, CR0,
	 * CR4, EFLAGS) is what it loaded itself: protected mode, caches on,
	 * no FPU emulation flags, no paging, IF=0, DF=0, IOPL 0.
	 */
	write_cr0(CR0_PE | CR0_ET);
	write_cr4(0);
	write_eflags(FL_FIXED);
	desc_init();
	gmain(magic, mbi);
	guest_exit();
}
