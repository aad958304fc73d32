/*
 * Emulating the guest instructions that cannot run at ring 1 (privileged
 * and sensitive ones, far control transfers, segment loads, intercepted
 * I/O), on the virtual CPU, with the checks and faults the hardware would
 * make for the guest's own privilege level (Intel SDM vol. 2, each
 * instruction's "Operation" and "Protected Mode Exceptions").
 */
#ifndef MON_EMUL_H
#define MON_EMUL_H

#include <stdint.h>

#include "dt/decode.h"
#include "dt/dt.h"
#include "dt/sens.h"
#include "monitor/next.h"
#include "monitor/trap.h"

/* An exception the guest must get (or, kind INTR_SOFT/INTR_ICEBP, the
   software interrupt an INT instruction raises). */
struct fault {
	int vec;
	int has_err;
	uint32_t err;
	uint32_t cr2;
	int kind;		/* enum intr_kind: INTR_EXC for a fault */
};

static inline int raise(struct fault *f, int vec, int has_err, uint32_t err)
{
	f->vec = vec;
	f->has_err = has_err;
	f->err = err;
	f->kind = INTR_EXC;
	return -1;
}

/* The exception f raised by the instruction at eip, for the trap loop. */
static inline struct next nx_from_fault(uint32_t eip, const struct fault *f)
{
	return nx_fault(eip, f->vec, f->has_err, f->err, f->cr2);
}
#define RAISE_GP(f, e) raise((f), EXC_GP, 1, (e))
#define RAISE_UD(f) raise((f), EXC_UD, 0, 0)

/*
 * Runs the handler of an EMUL exit (its row of the table of sensitive
 * instructions, monitor/sensitive.c) on the instruction decoded when it
 * was translated, at guest EIP eip.  On success returns 0 and sets *next
 * to the guest EIP to go on at; on a guest exception returns -1 with f
 * filled in (EIP stays at the instruction: a fault), or 1 for a software
 * interrupt the trap loop delivers (INT n, INT3, INTO, INT1: f's vector
 * and kind, returning to *next).  Every handler (dts_handler, dt/sens.h)
 * keeps this contract.
 */
int emul_exit(struct trapframe *tf, const struct dt_exit *x, uint32_t eip, struct fault *f,
	      uint32_t *next);
/* The table itself, for dt_init. */
extern const struct dt_sens_table sens_table;

/* The handlers (emul.c, emul_sys.c; sensitive.c adapts the others). */
#define EMUL_HANDLER(name) \
	int name(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, \
		 struct fault *f, uint32_t *next)
EMUL_HANDLER(emul_cli);
EMUL_HANDLER(emul_sti);
EMUL_HANDLER(emul_pushf);
EMUL_HANDLER(emul_popf);
EMUL_HANDLER(emul_hlt);
EMUL_HANDLER(emul_push_sreg);
EMUL_HANDLER(emul_pop_sreg);
EMUL_HANDLER(emul_mov_from_sreg);
EMUL_HANDLER(emul_mov_to_sreg);
EMUL_HANDLER(emul_load_far_ptr);
EMUL_HANDLER(emul_int);
EMUL_HANDLER(emul_grp6);
EMUL_HANDLER(emul_dtr);
EMUL_HANDLER(emul_smsw);
EMUL_HANDLER(emul_lmsw);
EMUL_HANDLER(emul_invlpg);
EMUL_HANDLER(emul_clts);
EMUL_HANDLER(emul_nop);
EMUL_HANDLER(emul_mov_from_cr);
EMUL_HANDLER(emul_mov_to_cr);
EMUL_HANDLER(emul_mov_from_dr);
EMUL_HANDLER(emul_mov_to_dr);
EMUL_HANDLER(emul_rdmsr);
EMUL_HANDLER(emul_wrmsr);
EMUL_HANDLER(emul_rdpmc);
EMUL_HANDLER(emul_cpuid);

/*
 * Emulates an I/O instruction that faulted: at ring 1 on an intercepted
 * port (returns 1 if the port is not intercepted), or in user code whose
 * access the guest allows (user = 1), or as an exit from translated code
 * (user = 2).
 */
int emul_io(struct trapframe *tf, const struct dt_insn *d, struct fault *f, int user);

/* Turns a gmem_* error into the guest's fault (or stops the guest). */
int emul_mem_fault(int gmem_result, uint32_t la, int write, struct fault *f);

/* Guest memory for a handler: 0, or -1 with the guest's fault in f. */
int emul_read_mem(uint32_t la, void *v, uint32_t n, struct fault *f);
int emul_write_mem(uint32_t la, const void *v, uint32_t n, struct fault *f);
/* Reads a decoded instruction's r/m operand (size 2 or 4, zero-extended). */
int emul_read_rm(struct trapframe *tf, const struct dt_insn *d, int size, uint32_t *v,
		 struct fault *f);
/*
 * Writes the r/m operand.  A 16-bit register destination keeps the upper
 * half; zext makes a 32-bit register destination take the zero-extended
 * value (what QEMU does for SLDT/STR/SMSW/MOV from Sreg with a 32-bit
 * register, where the SDM allows either).
 */
int emul_write_rm(struct trapframe *tf, const struct dt_insn *d, int size, uint32_t v,
		  int zext, struct fault *f);

/* Effective linear address of a decoded memory operand. */
uint32_t emul_ea(struct trapframe *tf, const struct dt_insn *d);

/* Guest stack (vcpu.c). */
int vcpu_push(struct trapframe *tf, uint32_t v, int size, struct fault *f);
int vcpu_peek(struct trapframe *tf, uint32_t off, uint32_t *v, int size, struct fault *f);
/* n 32-bit pushes of v[n-1] down to v[0] (v is the pushed words in memory
   order), and n 32-bit reads at esp + off + 4k: as vcpu_push and vcpu_peek
   word by word, in one access where that is the same (vcpu.c). */
int vcpu_push_words(struct trapframe *tf, const uint32_t *v, int n, struct fault *f);
int vcpu_peek_words(struct trapframe *tf, uint32_t off, uint32_t *v, int n, struct fault *f);

/* Segments (emul_seg.c). */
int seg_load(struct trapframe *tf, int sreg, uint16_t sel, struct fault *f);
int seg_load_cs(struct trapframe *tf, uint16_t sel, uint32_t offset, int is_iret_or_ret,
		struct fault *f);
int seg_read_desc(uint16_t sel, uint64_t *desc);
/*
 * The code segment an interrupt or trap gate names (SDM vol. 2 INT n,
 * "PROTECTED-MODE"; vol. 3A 6.12.1.1): null #GP(0); beyond the table, not
 * code, DPL above the CPL #GP(sel); not present #NP(sel); error codes with
 * ext.  *dpl is the privilege level the handler runs at.
 */
int seg_check_int_cs(uint16_t sel, uint32_t ext, uint64_t *desc, int *dpl, struct fault *f);
/* ... and loads it (accessed bit, shadow) once the frame is pushed. */
void seg_load_int_cs(uint16_t sel, uint64_t desc);
/* The linear address of sel's descriptor; -1 beyond the table's limit. */
int seg_desc_addr(uint16_t sel, uint32_t *la);
/* The real (shadow) descriptor for a guest code or data descriptor. */
uint64_t seg_shadow_desc(uint64_t d);
/* Whether the real entry of sel holds seg_shadow_desc(d) as seg_user.c
   made it (then a load of sel with descriptor d need not write it). */
int seg_user_current(uint16_t sel, uint64_t d);
/* The real entry for sel, just loaded into a segment register with
   descriptor d (seg_shadow_desc(d)), recorded as made from d. */
uint64_t seg_user_loaded(uint16_t sel, uint64_t d);
void seg_set_real(int sreg, uint16_t sel, uint64_t desc);
int emul_far(struct trapframe *tf, const struct dt_insn *d, uint32_t eip, struct fault *f,
	     uint32_t *next);
int emul_sysenter(struct trapframe *tf, struct fault *f, uint32_t *next);
int emul_sysexit(struct trapframe *tf, struct fault *f, uint32_t *next);
int emul_iret(struct trapframe *tf, const struct dt_insn *d, struct fault *f, uint32_t *next);
int emul_desc_query(struct trapframe *tf, const struct dt_insn *d, struct fault *f);
int emul_lldt_ltr(struct trapframe *tf, const struct dt_insn *d, int is_ltr, struct fault *f);
/* Before ring 3 runs: shadows of the guest's descriptors in the real tables. */
void seg_refresh_shadows(void);
/* After a trap from ring 3: segment registers it loaded itself. */
void seg_sync_user(struct trapframe *tf);
/*
 * A #NP or #SS from ring 3 on a descriptor hv shadowed not present for its
 * accessed bit: 1 when hv set the bit (run the instruction again), -1 with
 * f set when that write faults, 0 when the fault is the guest's own.
 */
int seg_user_accessed(struct trapframe *tf, struct fault *f);
/* Sets up the guest's initial segments (Multiboot machine state). */
void seg_init_flat(uint16_t cs, uint16_t ds);

void emul_print_stats(void);

#endif
