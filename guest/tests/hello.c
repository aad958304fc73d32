#include "guest/lib/guest.h"
GUEST_NAME("hello");
void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic; (void)mbi;
	gprintf("args='%s' seed=%u mbi=%p end\n", guest_cmdline(), guest_arg_u32("seed", 7), mbi);
	t_begin("one");
	t_eq("x", 1, 1);
	t_begin("ud");
	int v = TRY(__asm__ volatile(FAULT_HERE "ud2"));
	t_fault("ud2", v, EXC_UD, 0, g_fault_label);
	t_begin("gp");
	v = TRY(__asm__ volatile(FAULT_HERE "movw %0, %%ds" : : "r"((uint16_t)0x100)));
	t_fault("ds", v, EXC_GP, 0x100, g_fault_label);
	t_end();
	__asm__ volatile("ud2");
}
