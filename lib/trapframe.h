/*
 * The trap frame: what the entry stubs (lib/vectors.S) and the common
 * entry path push on every exception and interrupt, in push order from the
 * lowest address up (SDM vol. 3A 6.12.1, figure 6-4, for the part the CPU
 * pushes).  One layout for hv and the guest library: assembly uses the
 * TF_* offsets, which are checked against the struct below.
 *
 * The common entry path (hv's monitor/vectors.S, the guest library's
 * guest/lib/vectors.S) pushes the general registers with PUSHAD and then
 * DS, ES, FS, GS.  PUSH of a segment register may write only the low 16
 * bits of its slot, so the upper halves of those four are garbage.
 */
#ifndef LIB_TRAPFRAME_H
#define LIB_TRAPFRAME_H

#define TF_GS		0
#define TF_FS		4
#define TF_ES		8
#define TF_DS		12
#define TF_EDI		16	/* pushal block: edi esi ebp esp ebx edx ecx eax */
#define TF_ESI		20
#define TF_EBP		24
#define TF_ESP_DUMMY	28
#define TF_EBX		32
#define TF_EDX		36
#define TF_ECX		40
#define TF_EAX		44
#define TF_VECTOR	48
#define TF_ERRCODE	52
#define TF_EIP		56	/* pushed by the CPU from here on */
#define TF_CS		60
#define TF_EFLAGS	64
#define TF_ESP		68	/* only on a privilege change */
#define TF_SS		72
#define TF_SIZE_KERNEL	68	/* a frame without the privilege change */
#define TF_SIZE		76

#ifndef ASM_FILE
#include <stddef.h>
#include <stdint.h>

struct trapframe {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
	uint32_t vector;
	uint32_t errcode;	/* 0 where the CPU pushes none */
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;	/* valid only if (cs & 3) != 0 */
};

#define TF_CHECK(field, off) \
	_Static_assert(offsetof(struct trapframe, field) == (off), #field)
TF_CHECK(gs, TF_GS);
TF_CHECK(fs, TF_FS);
TF_CHECK(es, TF_ES);
TF_CHECK(ds, TF_DS);
TF_CHECK(edi, TF_EDI);
TF_CHECK(esi, TF_ESI);
TF_CHECK(ebp, TF_EBP);
TF_CHECK(esp_dummy, TF_ESP_DUMMY);
TF_CHECK(ebx, TF_EBX);
TF_CHECK(edx, TF_EDX);
TF_CHECK(ecx, TF_ECX);
TF_CHECK(eax, TF_EAX);
TF_CHECK(vector, TF_VECTOR);
TF_CHECK(errcode, TF_ERRCODE);
TF_CHECK(eip, TF_EIP);
TF_CHECK(cs, TF_CS);
TF_CHECK(eflags, TF_EFLAGS);
TF_CHECK(esp, TF_ESP);
TF_CHECK(ss, TF_SS);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size");
#undef TF_CHECK

/* The esp the interrupted code had (hv traps push no esp/ss). */
static inline uint32_t tf_interrupted_esp(const struct trapframe *tf)
{
	return (tf->cs & 3) ? tf->esp : (uint32_t)(uintptr_t)tf + offsetof(struct trapframe, esp);
}

/*
 * General register n in ModRM order (EAX ECX EDX EBX ESP EBP ESI EDI) of a
 * guest's frame: guest traps always push ESP, so n = 4 is tf->esp.
 */
static inline uint32_t *tf_gpr(struct trapframe *tf, int n)
{
	switch (n & 7) {
	case 0: return &tf->eax;
	case 1: return &tf->ecx;
	case 2: return &tf->edx;
	case 3: return &tf->ebx;
	case 4: return &tf->esp;
	case 5: return &tf->ebp;
	case 6: return &tf->esi;
	default: return &tf->edi;
	}
}

/* The C side of every vector, called by the common entry path. */
void trap_dispatch(struct trapframe *tf);
#endif

#endif
