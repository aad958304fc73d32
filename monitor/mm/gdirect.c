/*
 * hv's direct access to guest-linear memory (docs/ARCHITECTURE.md,
 * "Memory"; docs/PERFORMANCE.md, "Guest memory through the live mapping").
 *
 * hv runs at ring 0 on the page directory the guest's view is loaded in:
 * its shadow for the guest's CR3 while the guest's paging is on, hv's own
 * 1:1 directory while it is off.  Both map below HV_BASE only what a page
 * walk on the guest's behalf would also allow a supervisor access to (or
 * allowed before the guest's last change not yet flushed, as a TLB may
 * keep it; shadow.c and gmem.c say why), so a copy through the guest's
 * linear address is the access the walk would make, at the cost of a load
 * or a store.  Where the mapping refuses it (not present; read-only for a write:
 * a page not dirty yet, a code page, a read-only guest page; CR0.WP is set
 * in hv), the CPU faults at one of the two copy instructions below, and
 * hv's #PF handler (monitor/trap.c, through gdirect_fixup) resumes at the
 * copy's failure exit instead of panicking: the caller (gmem.c) then fills
 * the shadow entry as a guest access would and tries once more, or takes
 * the page walk for that page, which makes the guest's #PF, sets the A/D
 * bits, kills translations or refuses hv's frames exactly as before.
 *
 * The fix-up is unambiguous: only the two copy instructions are in it,
 * only for a #PF, and only when the faulting address is below HV_BASE,
 * which the hv side of a copy (hv's own buffer, always at or above HV_BASE)
 * never is; any other fault in hv stays a panic.  The fix-up touches no
 * guest memory, so it cannot fault again.  It does overwrite the real CR2,
 * which is why hv reads a guest #PF's CR2 before anything else
 * (monitor/guest.c).
 */
#include "monitor/mm/mm.h"

#include "lib/layout.h"
#include "lib/x86.h"

/*
 * gdirect_copy: words first, then the odd bytes; interrupts are off in hv
 * and DF is clear (trap_common's cld).
 */
extern const char gdirect_insn_words[], gdirect_insn_bytes[], gdirect_failed[];

__asm__(".text\n"
	".globl gdirect_copy\n"
	"gdirect_copy:\n\t"
	"pushl %esi\n\t"
	"pushl %edi\n\t"
	"movl 12(%esp), %edi\n\t"	/* dst */
	"movl 16(%esp), %esi\n\t"	/* src */
	"movl 20(%esp), %ecx\n\t"	/* len */
	"movl %ecx, %edx\n\t"
	"shrl $2, %ecx\n"
	"gdirect_insn_words:\n\t"
	"rep movsl\n\t"
	"movl %edx, %ecx\n\t"
	"andl $3, %ecx\n"
	"gdirect_insn_bytes:\n\t"
	"rep movsb\n\t"
	"xorl %eax, %eax\n\t"
	"popl %edi\n\t"
	"popl %esi\n\t"
	"ret\n"
	"gdirect_failed:\n\t"
	"movl $-1, %eax\n\t"
	"popl %edi\n\t"
	"popl %esi\n\t"
	"ret\n");

int gdirect_fixup(uint32_t *eip)
{
	if (*eip != (uint32_t)gdirect_insn_words && *eip != (uint32_t)gdirect_insn_bytes)
		return 0;
	if (read_cr2() >= HV_BASE)
		return 0;	/* hv's side of the copy: a broken invariant */
	*eip = (uint32_t)gdirect_failed;
	return 1;
}
