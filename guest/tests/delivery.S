/*
 * Snippets for delivery.c.  Each raises one event and has a label at the
 * instruction that raises it (the EIP a fault pushes, SDM vol. 3A 6.5,
 * and the one a fault while delivering INT n reports) and one after it,
 * where a handler resumes; each is a function that returns, so it runs at
 * ring 0 (a call) or at ring 3 (user_call).
 */
#include "guest/tests/delivery.h"

	.text
/* int $0x40 */
	.globl dv_int, dv_int_at, dv_int_after
dv_int:
dv_int_at:
	int $DV_VEC_INT
dv_int_after:
	ret

/* int $0x41, a gate whose type is reserved: #GP(0x41 * 8 + 2) */
	.globl dv_intgp, dv_intgp_at, dv_intgp_after
dv_intgp:
dv_intgp_at:
	int $DV_VEC_BADTYPE
dv_intgp_after:
	ret

/* int $0x42, a gate whose code segment is not present: #NP(0x30) */
	.globl dv_intnp, dv_intnp_at, dv_intnp_after
dv_intnp:
dv_intnp_at:
	int $DV_VEC_NPCS
dv_intnp_after:
	ret

/* ud2: #UD */
	.globl dv_ud, dv_ud_at, dv_ud_after
dv_ud:
dv_ud_at:
	ud2
dv_ud_after:
	ret

/* A load of FS beyond the GDT: #GP(DV_SEL_BEYOND & ~3) */
	.globl dv_gp, dv_gp_at, dv_gp_after
dv_gp:
	movl $DV_SEL_BEYOND, %eax
dv_gp_at:
	movw %ax, %fs
dv_gp_after:
	ret

/* The #GP handler's own fault (gp-in-gp): #GP(DV_SEL_BEYOND2 & ~3) */
	.globl dv_gp_inner, dv_gp_inner_at, dv_gp_inner_after
dv_gp_inner:
	movl $DV_SEL_BEYOND2, %eax
dv_gp_inner_at:
	movw %ax, %fs
dv_gp_inner_after:
	ret

/* A read of the page that is never mapped: #PF */
	.globl dv_touch, dv_touch_at, dv_touch_after
dv_touch:
dv_touch_at:
	movl DV_HOLE, %eax
dv_touch_after:
	ret

/*
 * void dv_stack_call(uint32_t esp, void (*fn)(void)): calls fn with ESP
 * loaded with esp (the CALL pushes its return address there, so fn starts
 * with esp - 4), and comes back on the old stack if fn returns.
 */
	.globl dv_stack_call
dv_stack_call:
	movl 4(%esp), %eax
	movl 8(%esp), %ecx
	movl %esp, dv_saved_esp
	movl %eax, %esp
	call *%ecx
	movl dv_saved_esp, %esp
	ret

	.data
	.align 4
dv_saved_esp:
	.long 0
