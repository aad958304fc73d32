/*
 * The A20 gate, off and on (PC/AT "gate A20"; SDM vol. 3A 8.7.13.4,
 * A20M#: with A20 off, bit 20 of every physical address is 0), through
 * port 0x92 bit 1 (PS/2 system control port A), the i8042's output port
 * (0xD1) and its commands 0xDD/0xDF.  With paging off, 1 MiB + 0x1000
 * must read and write 0x1000 while A20 is off and be itself again once
 * it is on, and the gate must read back as set (port 0x92 bit 1, output
 * port bit 1 through 0xD0).  a20.S does the probing, from a copy below
 * 1 MiB.
 *
 * Argument nokbd: no keyboard controller (kbd=hide): port 0x92 only.
 */
#include "guest/lib/guest.h"

GUEST_NAME("a20");

#define PROBE_AT	0x20000		/* a20.S runs from here */
#define RESULTS_AT	0x21000
#define A20_HI		0x101000
#define A20_LO		0x001000
#define A20_PATTERN	0x5A5A0A20	/* a20.S writes it at A20_HI */
#define LO_PATTERN	0x0A20F00D

extern const char a20_probe[], a20_probe_end[];

static uint32_t peek32(uint32_t addr)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void poke32(uint32_t addr, uint32_t v)
{
	__asm__ volatile("movl %1, (%0)" : : "r"(addr), "r"(v) : "memory");
}

static void probe_case(const char *name, uint32_t method)
{
	void (*probe)(uint32_t, uint32_t *) = (void (*)(uint32_t, uint32_t *))PROBE_AT;
	uint32_t *res = (uint32_t *)RESULTS_AT;
	uint32_t lo_saved = peek32(A20_LO), hi = peek32(A20_HI), flags;

	t_begin(name);
	poke32(A20_LO, LO_PATTERN);
	t_check(hi != LO_PATTERN, "1 MiB + 0x1000 already holds the pattern");
	memset(res, 0, 6 * sizeof(res[0]));
	flags = read_eflags();
	__asm__ volatile("cli");
	probe(method, res);
	if (flags & FL_IF)
		__asm__ volatile("sti");
	t_eq("gate read back with A20 off", res[0], 0);
	t_eq("A20 off: 1 MiB + 0x1000 reads 0x1000", res[1], LO_PATTERN);
	t_eq("A20 off: a write to 1 MiB + 0x1000 lands at 0x1000", res[2], A20_PATTERN);
	t_eq("gate read back with A20 on", res[3], 2);
	t_eq("A20 on: 1 MiB + 0x1000 is itself", res[4], hi);
	t_eq("A20 on: 0x1000 kept what was written", res[5], A20_PATTERN);
	t_eq("the guest's code at 1 MiB + 0x1000 is intact", peek32(A20_HI), hi);
	poke32(A20_LO, lo_saved);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	memcpy((void *)PROBE_AT, a20_probe, (size_t)(a20_probe_end - a20_probe));
	probe_case("port92", 0);
	if (guest_arg("nokbd"))
		return;
	probe_case("kbd_output_port", 1);
	probe_case("kbd_commands", 2);
}
