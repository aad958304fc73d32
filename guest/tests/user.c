/*
 * Ring 3 without paging (SDM vol. 3A 5.5-5.9 privilege levels; 6.12.1
 * stack switch to TSS.SS0:ESP0 on an interrupt from ring 3; 16.5 I/O
 * permission: CPL > IOPL consults the TSS bitmap, every bit of a
 * multi-byte access must be clear; vol. 2 POPF at CPL > IOPL leaves IF
 * alone and at CPL > 0 leaves IOPL alone):
 * INT 0x80 system calls and their results, the ring-3 CS/SS RPL, the
 * frame on the TSS stack, registers kept across a system call, #GP(0)
 * for privileged instructions, a DPL-0 gate (#GP(vec*8+2)), a DPL-0 data
 * segment, I/O through IOPL 3 and through the I/O bitmap.
 */
#include "guest/lib/guest.h"

GUEST_NAME("user");

#define SYS_ADD		(SYS_GUEST + 0)
#define SYS_FRAME	(SYS_GUEST + 1)
#define COM1_SCRATCH	(PORT_COM1 + 7)
#define COM1_MSR	(PORT_COM1 + 6)
#define IOPL3		(3 << FL_IOPL_SHIFT)

static volatile uint32_t frame_cs, frame_ss, frame_esp, frame_at, frame_eflags;
static volatile uint32_t user_seen[8];

static uint32_t syscall_hook(struct trapframe *tf)
{
	switch (tf->eax) {
	case SYS_ADD:
		return tf->ebx + tf->ecx;
	case SYS_FRAME:
		frame_cs = tf->cs & 0xFFFF;
		frame_ss = tf->ss & 0xFFFF;
		frame_esp = tf->esp;
		frame_eflags = tf->eflags;
		frame_at = (uint32_t)tf;
		return 0;
	}
	return (uint32_t)-1;
}

static uint32_t u_hello(void)
{
	uputs("hello from ring 3\n");
	return usys(SYS_ADD, 40, 2);
}

static uint32_t u_selectors(void)
{
	uint32_t esp;

	user_seen[0] = read_cs();
	user_seen[1] = read_ss();
	user_seen[2] = read_ds();
	__asm__ volatile("movl %%esp, %0" : "=r"(esp));
	user_seen[3] = esp;
	usys(SYS_FRAME, 0, 0);
	return 0;
}

/* Registers other than EAX survive a system call. */
static uint32_t u_regs(void)
{
	uint32_t a = 0x11111111, b = 0x22222222, c = 0x33333333;
	uint32_t d = 0x44444444, s = 0x55555555, di = 0x66666666;

	__asm__ volatile("pushl %%ebp\n\t"
			 "movl $0x77777777, %%ebp\n\t"
			 "int %[vec]\n\t"
			 "cmpl $0x77777777, %%ebp\n\t"
			 "popl %%ebp\n\t"
			 "je 1f\n\t"
			 "movl $0, %%esi\n"
			 "1:"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
			 : [vec] "i"(VEC_SYSCALL)
			 : "memory", "cc");
	(void)a;
	return b == 0x22222222 && c == 0x33333333 && d == 0x44444444 &&
	       s == 0x55555555 && di == 0x66666666;
}

static uint32_t u_popf(void)
{
	write_eflags(FL_FIXED | FL_IF | IOPL3 | FL_CF);
	return read_eflags();
}

static uint32_t u_cli(void) { __asm__ volatile(FAULT_HERE "cli"); return 0; }
static uint32_t u_sti(void) { __asm__ volatile(FAULT_HERE "sti"); return 0; }
static uint32_t u_hlt(void) { __asm__ volatile(FAULT_HERE "hlt"); return 0; }
static uint32_t u_cr0(void)
{
	uint32_t v;

	__asm__ volatile(FAULT_HERE "movl %%cr0, %0" : "=r"(v));
	return v;
}
static uint32_t u_lgdt(void)
{
	static struct dtr d;

	__asm__ volatile(FAULT_HERE "lgdt %0" : : "m"(d));
	return 0;
}
static uint32_t u_int41(void) { __asm__ volatile(FAULT_HERE "int $0x41"); return 0; }
static uint32_t u_kdata(void)
{
	__asm__ volatile(FAULT_HERE "movw %w0, %%ds" : : "r"(SEL_KDATA));
	return 0;
}
static uint32_t u_in_scratch(void)
{
	outb(COM1_SCRATCH, 0xA5);
	return inb(COM1_SCRATCH);
}
static uint32_t u_in_msr(void)
{
	uint8_t v;

	__asm__ volatile(FAULT_HERE "inb %w1, %0" : "=a"(v) : "d"(COM1_MSR));
	return v;
}
static uint32_t u_inw_both(void)
{
	uint16_t v;

	__asm__ volatile(FAULT_HERE "inw %w1, %0" : "=a"(v) : "d"(COM1_MSR));
	return v;
}

static void syscall_case(void)
{
	t_begin("syscalls");
	t_eq("exit code = SYS_ADD 40+2", user_call(u_hello), 42);
	t_eq("registers kept", user_call(u_regs), 1);
	t_end();
}

static void selectors_case(void)
{
	t_begin("ring3_state");
	user_call(u_selectors);
	t_eq("cs in ring 3", user_seen[0], SEL_UCODE);
	t_eq("ss in ring 3", user_seen[1], SEL_UDATA);
	t_eq("ds in ring 3", user_seen[2], SEL_UDATA);
	t_eq("frame cs", frame_cs, SEL_UCODE);
	t_eq("frame ss", frame_ss, SEL_UDATA);
	t_eq("frame esp = user esp", frame_esp, user_seen[3]);
	t_eq("frame on the TSS stack", frame_at, tss_esp0() - TF_SIZE);
	t_eq_mask("frame eflags IF/IOPL", frame_eflags, 0, FL_IF | FL_IOPL_MASK);
	t_eq("back in ring 0", read_cs(), SEL_KCODE);
	t_end();
}

static void popf_case(void)
{
	uint32_t f;

	t_begin("ring3_popf");
	f = user_call(u_popf);
	t_eq_mask("POPF at CPL 3, IOPL 0: IF and IOPL kept", f, FL_CF, FL_CF | FL_IF | FL_IOPL_MASK);
	t_end();
}

static void expect_gp(const char *what, uint32_t (*fn)(void), uint32_t err)
{
	int v = TRY(user_call(fn));

	t_fault(what, v, EXC_GP, err, g_fault_label);
	t_eq("fault cs", g_fault.cs, SEL_UCODE);
	t_eq("fault ss", g_fault.ss, SEL_UDATA);
}

static void privileged_case(void)
{
	t_begin("privileged");
	expect_gp("cli", u_cli, 0);
	expect_gp("sti", u_sti, 0);
	expect_gp("hlt", u_hlt, 0);
	expect_gp("mov cr0", u_cr0, 0);
	expect_gp("lgdt", u_lgdt, 0);
	expect_gp("int 0x41 (DPL 0 gate)", u_int41, 0x41 * 8 + 2);
	expect_gp("ds <- DPL 0 data", u_kdata, SEL_KDATA);
	t_end();
}

static void io_case(void)
{
	int v;

	t_begin("io_permission");
	expect_gp("in, IOPL 0, port denied", u_in_msr, 0);
	t_eq("IOPL 3: in/out", user_run(u_in_scratch, (uint32_t)(user_stack + USER_STACK_SIZE),
					 FL_FIXED | IOPL3), 0xA5);
	tss_io_allow(COM1_SCRATCH, 1);
	v = TRY(user_call(u_in_scratch));
	t_no_fault("bitmap allows the scratch port", v);
	expect_gp("inw over an allowed and a denied port", u_inw_both, 0);
	tss_io_allow(COM1_SCRATCH, 0);
	v = TRY(user_call(u_in_scratch));
	t_fault("bitmap denies it again", v, EXC_GP, 0, 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	syscall_set_hook(syscall_hook);
	syscall_case();
	selectors_case();
	popf_case();
	privileged_case();
	io_case();
}
