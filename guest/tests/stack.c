/*
 * Stack operations (the routines and the SDM references are in stack.S;
 * this file checks what they saw).
 */
#include "guest/lib/guest.h"

GUEST_NAME("stack");

extern uint32_t stk_res[16];
extern uint8_t stk_top[], stk_disp_top[];
extern uint32_t stk_disp[16];
extern char stk_ret_imm_ra[];
void stk_push_esp(void);
void stk_pop_esp(void);
void stk_pop_mem_esp(void);
void stk_push_mem_esp(void);
void stk_pusha_popa(void);
void stk_enter0(void);
void stk_enter3(void);
void stk_enter1(void);
void stk_push_imm(void);
void stk_push_seg(void);
void stk_ret_imm(void);

#define T	((uint32_t)stk_top)

static void run(void (*fn)(void))
{
	memset(stk_res, 0x5A, sizeof(uint32_t) * 16);
	fn();
}

static void push_pop_case(void)
{
	t_begin("push_pop_esp");
	run(stk_push_esp);
	t_eq("push esp: value", stk_res[0], T);
	t_eq("push esp: esp", stk_res[1], T - 4);
	run(stk_pop_esp);
	t_eq("pop esp", stk_res[0], T - 64);
	run(stk_pop_mem_esp);
	t_eq("pop 4(esp): esp", stk_res[0], T - 12);
	t_eq("pop 4(esp): [esp]", stk_res[1], 0);
	t_eq("pop 4(esp): [esp+4]", stk_res[2], 0x11111111);
	run(stk_push_mem_esp);
	t_eq("push 4(esp): value", stk_res[0], 0x2222);
	t_eq("push 4(esp): esp", stk_res[1], T - 20);
	t_end();
}

static void pusha_case(void)
{
	/* PUSHA order: EAX ECX EDX EBX ESP EBP ESI EDI, EDI lowest. */
	static const uint32_t img[8] = { 7, 6, 5, T, 4, 3, 2, 1 };

	t_begin("pusha_popa");
	run(stk_pusha_popa);
	for (int i = 0; i < 8; i++)
		t_eq("pusha image", stk_res[i], img[i]);
	t_eq("esp after pusha", stk_res[8], T - 32);
	t_eq("esp after popa", stk_res[9], T);
	t_eq("edi after popa", stk_res[10], 0x77);
	t_eq("ebx after popa", stk_res[11], 4);
	t_end();
}

static void enter_case(void)
{
	t_begin("enter_leave");
	run(stk_enter0);
	t_eq("enter 16,0: esp", stk_res[0], T - 4 - 16);
	t_eq("enter 16,0: ebp", stk_res[1], T - 4);
	t_eq("enter 16,0: saved ebp", stk_res[2], 0xBBBB0000);
	t_eq("leave: esp", stk_res[3], T);
	t_eq("leave: ebp", stk_res[4], 0xBBBB0000);

	/* The display: the frame pointers at EBP-4 and EBP-8 get copied. */
	stk_disp[15] = 0xD1D1D1D1;	/* stk_disp_top - 4 */
	stk_disp[14] = 0xD2D2D2D2;	/* stk_disp_top - 8 */
	run(stk_enter3);
	t_eq("enter 8,3: esp", stk_res[0], T - 16 - 8);
	t_eq("enter 8,3: ebp", stk_res[1], T - 4);
	t_eq("enter 8,3: [T-4] old ebp", stk_res[2], (uint32_t)stk_disp_top);
	t_eq("enter 8,3: [T-8] display 1", stk_res[3], 0xD1D1D1D1);
	t_eq("enter 8,3: [T-12] display 2", stk_res[4], 0xD2D2D2D2);
	t_eq("enter 8,3: [T-16] frame", stk_res[5], T - 4);

	run(stk_enter1);
	t_eq("enter 0,1: esp", stk_res[0], T - 8);
	t_eq("enter 0,1: ebp", stk_res[1], T - 4);
	t_eq("enter 0,1: [T-4]", stk_res[2], 0xCCCC0000);
	t_eq("enter 0,1: [T-8]", stk_res[3], T - 4);
	for (int i = 0; i < 4; i++)
		t_eq("enter 0,33 == enter 0,1", stk_res[4 + i], stk_res[i]);
	t_end();
}

static void push_misc_case(void)
{
	t_begin("push_imm_seg");
	run(stk_push_imm);
	t_eq("push imm8 -2", stk_res[0], 0xFFFFFFFE);
	t_eq("push imm8 esp", stk_res[1], T - 4);
	t_eq("pushw esp", stk_res[2], T - 6);
	t_eq("pushw value", stk_res[3], 0x1234);
	run(stk_push_seg);
	t_eq("push ds value", stk_res[0], SEL_KDATA);
	t_eq("push ds esp", stk_res[1], T - 4);
	t_eq("pushw fs esp", stk_res[2], T - 6);
	t_eq("pushw fs value", stk_res[3], SEL_KDATA);
	t_eq("pop es", stk_res[4], SEL_KDATA);
	t_eq("pop es esp", stk_res[5], T);
	t_end();
}

static void ret_case(void)
{
	t_begin("call_ret_imm");
	run(stk_ret_imm);
	t_eq("return address", stk_res[0], (uint32_t)stk_ret_imm_ra);
	t_eq("esp after ret 8", stk_res[1], T);
	t_eq("argument", stk_res[2], 0xBBBB);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	push_pop_case();
	pusha_case();
	enter_case();
	push_misc_case();
	ret_case();
}
