/*
 * Exceptions with their error codes and pushed EIP, CS and EFLAGS (SDM
 * vol. 3A 6.5 fault vs trap, 6.12.1 the frame, 6.13 error codes, 6.15 the
 * exceptions): #DE #UD (also MOV to CR1) #BP (INT3 and INT 3) #OF #BR #GP #NP #SS, INT n to
 * a gate that is not present (#NP(vec*8+2)) or beyond the IDT limit
 * (#GP(vec*8+2)), a software interrupt to a present gate, and the #DB
 * trap of single-stepping.  #PF is in the paging guests.
 */
#include "guest/lib/guest.h"

GUEST_NAME("exc");

#define IDT_ERR(vec)	((vec) * 8 + 2)	/* error code naming an IDT entry */

extern char exc_int3_at[], exc_int3_after[], exc_int_3_after[];
extern char exc_into_after[], exc_bound_at[], exc_bound_resume[];
extern char exc_ud2_at[], exc_ud2_resume[], exc_int41_at[], exc_int41_after[];
extern char exc_int42_after[], exc_step_second[];
void exc_int3(void);
void exc_int_3(void);
void exc_into(uint32_t eflags);
int exc_bound(int32_t v, const int32_t *bounds);
void exc_ud2(void);
void exc_int41(void);
void exc_int42(void);
void exc_step(void);

static void de_ud_case(void)
{
	int v;

	t_begin("de_ud");
	v = TRY(__asm__ volatile(FAULT_HERE "divl %1" : : "a"(1), "r"(0), "d"(0)));
	t_fault("div 0", v, EXC_DE, 0, g_fault_label);
	t_eq("#DE cs", g_fault.cs, SEL_KCODE);
	/* Resume at a label: "expect #UD at exc_ud2_at, resume at exc_ud2_resume". */
	fault_expect_resume(exc_ud2_resume);
	exc_ud2();
	t_fault("ud2", g_fault.vector, EXC_UD, 0, (uint32_t)exc_ud2_at);
	t_eq_mask("#UD pushed eflags", g_fault.eflags, FL_CF | FL_FIXED,
		  FL_CF | FL_FIXED | FL_IF | FL_TF);
	t_end();
}

static void bp_of_case(void)
{
	uint32_t n = g_fault_count;

	t_begin("bp_of");
	fault_expect_resume(NULL);	/* traps: return to the pushed EIP */
	exc_int3();
	t_fault("int3", g_fault.vector, EXC_BP, 0, (uint32_t)exc_int3_after);
	fault_expect_resume(NULL);
	exc_int_3();
	t_fault("int $3", g_fault.vector, EXC_BP, 0, (uint32_t)exc_int_3_after);
	fault_expect_resume(NULL);
	exc_into(FL_FIXED | FL_OF);
	t_fault("into OF=1", g_fault.vector, EXC_OF, 0, (uint32_t)exc_into_after);
	t_eq_mask("#OF pushed eflags", g_fault.eflags, FL_OF, FL_OF);
	t_eq("three traps", g_fault_count - n, 3);
	fault_expect_resume(NULL);
	exc_into(FL_FIXED);		/* OF = 0: nothing */
	fault_disarm();
	t_eq("into OF=0 does not trap", g_fault_count - n, 3);
	t_end();
}

static void br_case(void)
{
	static const int32_t bounds[2] = { -5, 10 };

	t_begin("bound");
	t_eq("in bounds", exc_bound(10, bounds), 1);
	t_eq("in bounds (low)", exc_bound(-5, bounds), 1);
	fault_expect_resume(exc_bound_resume);
	t_eq("above", exc_bound(11, bounds), 0);
	t_fault("bound above", g_fault.vector, EXC_BR, 0, (uint32_t)exc_bound_at);
	fault_expect_resume(exc_bound_resume);
	t_eq("below", exc_bound(-6, bounds), 0);
	t_fault("bound below", g_fault.vector, EXC_BR, 0, (uint32_t)exc_bound_at);
	t_end();
}

static void gp_case(void)
{
	int v;

	t_begin("gp");
	/* IRET to a null CS: #GP(0) at the IRET. */
	v = TRY(__asm__ volatile("pushfl\n\tpushl $0\n\tpushl $1f\n\t" FAULT_HERE
				 "iret\n1:" : : : "memory"));
	t_fault("iret to null cs", v, EXC_GP, 0, g_fault_label);
	/* LLDT and LTR of a data descriptor: #GP(sel). */
	v = TRY(__asm__ volatile(FAULT_HERE "lldt %w0" : : "r"(SEL_KDATA)));
	t_fault("lldt data", v, EXC_GP, SEL_KDATA, g_fault_label);
	v = TRY(__asm__ volatile(FAULT_HERE "ltr %w0" : : "r"(SEL_KDATA)));
	t_fault("ltr data", v, EXC_GP, SEL_KDATA, g_fault_label);
	/* Privileged register with a reserved number: MOV to CR1 is #UD. */
	v = TRY(__asm__ volatile(FAULT_HERE ".byte 0x0f, 0x22, 0xc8" : : "a"(0)));
	t_fault("mov to cr1", v, EXC_UD, 0, g_fault_label);
	/* A selector beyond the GDT: #GP(sel). */
	v = TRY(__asm__ volatile(FAULT_HERE "movw %0, %%fs" : : "r"((uint16_t)SEL(GDT_ENTRIES + 7, 1))));
	load_fs(SEL_KDATA);
	t_fault("fs beyond gdt", v, EXC_GP, SEL(GDT_ENTRIES + 7, 0), g_fault_label);
	t_end();
}

static void np_ss_case(void)
{
	int v;
	uint16_t np = SEL(GDT_FREE, 0);

	t_begin("np_ss");
	gdt_set(GDT_FREE, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0) & ~DESC_P, FLAT_FLAGS));
	v = TRY(__asm__ volatile(FAULT_HERE "movw %0, %%es" : : "r"(np)));
	load_es(SEL_KDATA);
	t_fault("es not present", v, EXC_NP, np, g_fault_label);
	v = TRY(__asm__ volatile(FAULT_HERE "movw %0, %%ss" : : "r"(np)));
	t_fault("ss not present", v, EXC_SS, np, g_fault_label);
	t_eq("ss unchanged", read_ss(), SEL_KDATA);
	t_end();
}

static volatile uint32_t int42_count, int42_eip, int42_cs, int42_err;

static void int42_handler(struct trapframe *tf)
{
	int42_count++;
	int42_eip = tf->eip;
	int42_cs = tf->cs & 0xFFFF;
	int42_err = tf->errcode;
}

static void intn_case(void)
{
	t_begin("int_n");
	/* A present gate with a handler: pushed EIP is the next instruction. */
	trap_set_handler(0x42, int42_handler);
	exc_int42();
	t_eq("int 0x42 count", int42_count, 1);
	t_eq("int 0x42 eip", int42_eip, (uint32_t)exc_int42_after);
	t_eq("int 0x42 cs", int42_cs, SEL_KCODE);
	t_eq("int 0x42 no error code", int42_err, 0);
	/* Gate not present: #NP with the IDT bit, EIP at the INT. */
	idt_set(0x41, idt_get(0x41) & ~((uint64_t)DESC_P << 40));
	fault_expect_resume(exc_int41_after);
	exc_int41();
	t_fault("int 0x41, gate not present", g_fault.vector, EXC_NP, IDT_ERR(0x41),
		(uint32_t)exc_int41_at);
	idt_restore(0x41);
	/* Vector beyond the IDT limit: #GP with the IDT bit. */
	idt_load_limit(0x41 * 8 - 1);
	fault_expect_resume(exc_int41_after);
	exc_int41();
	idt_load_limit(IDT_LIMIT);
	t_fault("int 0x41 beyond idt limit", g_fault.vector, EXC_GP, IDT_ERR(0x41),
		(uint32_t)exc_int41_at);
	t_end();
}

#define DR6_BS	0x4000	/* single-step */

/* Records the first #DB and clears TF in the frame: one step only. */
static void db_handler(struct trapframe *tf)
{
	fault_record(tf);
	tf->eflags &= ~FL_TF;
}

static void db_case(void)
{
	uint32_t dr6;

	t_begin("single_step");
	__asm__ volatile("movl %0, %%dr6" : : "r"(0));
	trap_set_handler(EXC_DB, db_handler);
	exc_step();
	trap_set_handler(EXC_DB, NULL);
	__asm__ volatile("movl %%dr6, %0" : "=r"(dr6));
	t_fault("#DB after one instruction", g_fault.vector, EXC_DB, 0,
		(uint32_t)exc_step_second);
	t_eq_mask("pushed TF", g_fault.eflags, FL_TF, FL_TF);
	t_eq_mask("DR6.BS", dr6, DR6_BS, DR6_BS);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	de_ud_case();
	bp_of_case();
	br_case();
	gp_case();
	np_ss_case();
	intn_case();
	db_case();
}
