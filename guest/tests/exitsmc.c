/*
 * Rewriting the instruction at an exit (issue "One trap loop": an exit
 * never decodes guest bytes again).  Under hv the instructions at these
 * sites are exits to handlers; the guest rewrites them into other
 * sensitive instructions, and into one that is not sensitive, and back:
 *   other_block  C code stores a new instruction at xs_site, then calls it
 *   same_block   xs_patch_call stores the instruction right before it in
 *                the same block (written between its translation and its
 *                execution)
 *   hot_loop     a loop of 300 rewrites of xs_site, each called at once:
 *                after 64 the page is checked instead of protected
 *                (docs/ARCHITECTURE.md, "Self-modifying code")
 * Each result must equal that of the same instruction at a site nobody
 * rewrites (xs_fixed); the transcripts are compared with the native run.
 */
#include "guest/lib/guest.h"

GUEST_NAME("exitsmc");

extern uint8_t xs_site[];
uint32_t xs_call(void);
uint32_t xs_patch_call(uint32_t insn);
uint32_t xs_fixed(uint32_t which);

/* smsw %eax, str %eax, sldt %eax, mov %cr0,%eax, mov $0x5a,%al; nop */
static const uint8_t variant[5][3] = {
	{ 0x0F, 0x01, 0xE0 }, { 0x0F, 0x00, 0xC8 }, { 0x0F, 0x00, 0xC0 },
	{ 0x0F, 0x20, 0xC0 }, { 0xB0, 0x5A, 0x90 },
};

static uint32_t insn_word(int k)
{
	return variant[k][0] | (uint32_t)variant[k][1] << 8 | (uint32_t)variant[k][2] << 16;
}

static void other_block(void)
{
	t_begin("other_block");
	for (int round = 0; round < 3; round++)
		for (int k = 0; k < 5; k++) {
			memcpy(xs_site, variant[k], 3);
			t_eq("result", xs_call(), xs_fixed((uint32_t)k));
		}
	t_end();
}

static void same_block(void)
{
	t_begin("same_block");
	for (int round = 0; round < 3; round++)
		for (int k = 0; k < 5; k++)
			t_eq("result", xs_patch_call(insn_word(k)), xs_fixed((uint32_t)k));
	t_end();
}

static void hot_loop(void)
{
	uint32_t bad = 0, sum = 0;

	t_begin("hot_loop");
	for (uint32_t i = 0; i < 300; i++) {
		int k = (int)(i * 7 % 5);
		uint32_t v;

		memcpy(xs_site, variant[k], 3);
		v = xs_call();
		sum = sum * 31 + v;
		bad += v != xs_fixed((uint32_t)k);
		v = xs_patch_call(insn_word((int)(i % 5)));
		sum = sum * 31 + v;
		bad += v != xs_fixed(i % 5);
	}
	t_eq("wrong results", bad, 0);
	gprintf("hot_loop: digest %08x\n", sum);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	other_block();
	same_block();
	hot_loop();
}
