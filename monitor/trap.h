/*
 * The trap frame: what boot/vectors.S pushes on every exception and
 * interrupt, in push order from the lowest address up (SDM vol. 3A 6.12.1,
 * figure 6-4, for the part the CPU pushes).  One struct, shared with the
 * assembly through the TF_* offsets, which are checked against it below.
 */
#ifndef MON_TRAP_H
#define MON_TRAP_H

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
TF_CHECK(ds, TF_DS);
TF_CHECK(edi, TF_EDI);
TF_CHECK(esp_dummy, TF_ESP_DUMMY);
TF_CHECK(eax, TF_EAX);
TF_CHECK(vector, TF_VECTOR);
TF_CHECK(errcode, TF_ERRCODE);
TF_CHECK(eip, TF_EIP);
TF_CHECK(eflags, TF_EFLAGS);
TF_CHECK(ss, TF_SS);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size");
#undef TF_CHECK

/* The C side of every vector; boot/vectors.S calls it. */
void trap_dispatch(struct trapframe *tf);

/* The esp the interrupted code had (hv traps push no esp/ss). */
static inline uint32_t tf_interrupted_esp(const struct trapframe *tf)
{
	return (tf->cs & 3) ? tf->esp : (uint32_t)tf + offsetof(struct trapframe, esp);
}

/*
 * A fault hv expects from its own code (self-tests, probing): when the next
 * trap with this vector arrives from EIP `at`, trap_dispatch records it and
 * resumes at `resume` instead of panicking.
 */
struct trap_expect {
	uint32_t vector;
	uint32_t at;
	uint32_t resume;
	int hit;
	uint32_t errcode, cr2;
};
extern struct trap_expect trap_expected;

void idt_init(void);
#endif

#endif
