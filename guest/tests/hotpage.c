/*
 * Code and data on one page, both used all the time (SDM vol. 3A 8.1.3:
 * a write to code takes effect for the next instruction fetched, also in
 * the same straight-line run of instructions).  The page holds a counter
 * written on every round, a function whose immediate is rewritten every
 * round, and a function that rewrites its own next instruction.  Natively
 * this is plain work; under hv each write would kill the page's
 * translations (scripts/test-hv.sh checks hv's counters: hv switches such a
 * page to checked translations instead of thrashing).
 */
#include "guest/lib/guest.h"

GUEST_NAME("hotpage");

#define ROUNDS 2000

extern uint8_t hot_page[], hot_fn_imm[], hot_inblock_imm[];
extern volatile uint32_t hot_counter;
extern uint32_t hot_fn(void);
extern uint32_t hot_inblock(uint32_t v);

static void c_data(void)
{
	uint32_t sum = 0;

	t_begin("data_and_code");
	hot_counter = 0;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		hot_counter++;
		sum += hot_fn();
	}
	t_eq("counter", hot_counter, ROUNDS);
	t_eq("calls", sum, 0);
	t_end();
}

static void c_patch(void)
{
	uint32_t sum = 0, want = 0;

	t_begin("patched_immediate");
	for (uint32_t i = 0; i < ROUNDS; i++) {
		*(volatile uint32_t *)hot_fn_imm = i * 3 + 1;
		sum += hot_fn();
		want += i * 3 + 1;
	}
	t_eq("sum of returned immediates", sum, want);
	t_end();
}

static void c_inblock(void)
{
	uint32_t sum = 0, want = 0;

	t_begin("next_instruction");
	for (uint32_t i = 0; i < ROUNDS; i++) {
		sum += hot_inblock(i ^ 0x5A5A);
		want += i ^ 0x5A5A;
	}
	t_eq("sum of rewritten immediates", sum, want);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	c_data();
	c_patch();
	c_inblock();
	guest_exit();
}
