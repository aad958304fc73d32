/*
 * Self-modifying code with paging off (snippets and SDM reference in
 * smc.S): rewriting an instruction's immediate and calling it again (100
 * times), a function patching its own next instruction before jumping to
 * it, a loop rewriting the ADD it executes every iteration, writing a
 * whole new function into a data buffer (byte stores, then REP MOVSB) and
 * calling it, then overwriting it with another.
 */
#include "guest/lib/guest.h"

GUEST_NAME("smc");

#define OP_MOV_EAX_IMM	0xB8
#define OP_RET		0xC3

extern uint8_t smc_get_imm[], smc_tmpl[], smc_tmpl_end[];
uint32_t smc_get(void);
uint32_t smc_inline(uint32_t v);
uint32_t smc_loop(uint32_t n);

typedef uint32_t (*fn1)(uint32_t);
static uint8_t fnbuf[64] __attribute__((aligned(16)));

static void patch_imm_case(void)
{
	t_begin("patch_imm");
	t_eq("original", smc_get(), 0x11111111);
	for (uint32_t i = 0; i < 100; i++) {
		uint32_t v = i * 0x01010101 + 7;

		memcpy(smc_get_imm, &v, 4);
		if (smc_get() != v) {
			t_fail("round %u: expected 0x%x, saw 0x%x", i, v, smc_get());
			break;
		}
	}
	t_end();
}

static void inline_case(void)
{
	t_begin("patch_next_insn");
	for (uint32_t i = 0; i < 20; i++)
		t_eq("smc_inline", smc_inline(i * 13 + 5), i * 13 + 5);
	t_eq("smc_loop(10)", smc_loop(10), 55);
	t_eq("smc_loop(1000)", smc_loop(1000), 500500);
	t_end();
}

static void new_function_case(void)
{
	uint32_t v = 0xC0DE;
	size_t n = smc_tmpl_end - smc_tmpl;

	t_begin("new_function");
	/* mov $0xC0DE, %eax; ret, stored byte by byte */
	fnbuf[0] = OP_MOV_EAX_IMM;
	memcpy(fnbuf + 1, &v, 4);
	fnbuf[5] = OP_RET;
	t_eq("stored function", ((fn1)fnbuf)(0), 0xC0DE);
	/* Overwrite with the template (memcpy is REP MOVSB). */
	memcpy(fnbuf, smc_tmpl, n);
	t_eq("copied function", ((fn1)fnbuf)(20), 41);
	/* And back again. */
	fnbuf[0] = OP_MOV_EAX_IMM;
	v = 0xBEEF;
	memcpy(fnbuf + 1, &v, 4);
	fnbuf[5] = OP_RET;
	t_eq("stored again", ((fn1)fnbuf)(0), 0xBEEF);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	patch_imm_case();
	inline_case();
	new_function_case();
}
