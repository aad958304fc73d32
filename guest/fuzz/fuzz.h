/*
 * The differential fuzzer guest: definitions shared by the generator
 * (gen.c, ops.c), the encoder (encode.c), the harness (harness.c) and the
 * assembly entry/exit paths (entry.S, which includes this file with
 * ASM_FILE defined).
 *
 * Memory the generated code may touch:
 *   fz_area.data[FZ_DATA_SIZE]   scratch data; EBP = data + FZ_EBP_OFF for
 *                                the whole sequence (never written)
 *   fz_area.stack[FZ_STACK_SIZE] scratch stack; ESP starts near the middle
 * Both are refilled from the PRNG before every sequence and hashed after.
 * They fill part of a page that holds nothing else, and the code buffer
 * fz_code[] lies on pages of its own: with paging=1 these are the only
 * user pages (harness.c).
 */
#ifndef GUEST_FUZZ_H
#define GUEST_FUZZ_H

#define FZ_DATA_SIZE	512
#define FZ_STACK_SIZE	1024
#define FZ_EBP_OFF	256		/* EBP = data + 256: disp8 reaches +-128 */
#define FZ_ESP_OFF	640		/* initial ESP, +- a little, in the stack */
#define FZ_AREA_SIZE	(FZ_DATA_SIZE + FZ_STACK_SIZE)	/* filled and hashed */
#define FZ_PAGE_SIZE	4096
#define FZ_BATCH	256		/* sequences generated per batch */
#define FZ_MAX_UNITS	16		/* instruction units per sequence */
/* Room for a batch of the longest sequences (gen.h: 64-byte units). */
#define FZ_CODE_SIZE	(FZ_BATCH * 1088)

/* The vector the ring-3 epilogue raises to come back (a DPL-3 gate). */
#define FZ_VEC_EXIT	0x81

/* Extra GDT slots (flat 4 GiB data): one DPL 3, one DPL 0, and one DPL 3
 * that is not present (loading it raises #NP). */
#define FZ_GDT_UDATA2	6
#define FZ_GDT_KDATA2	7
#define FZ_GDT_NOTPRES	8

/* struct fz_cpu field offsets (entry.S) */
#define FZ_EAX		0
#define FZ_ECX		4
#define FZ_EDX		8
#define FZ_EBX		12
#define FZ_ESP		16
#define FZ_EBP		20
#define FZ_ESI		24
#define FZ_EDI		28
#define FZ_EFL		32
#define FZ_DS		36
#define FZ_ES		40
#define FZ_FS		44
#define FZ_GS		48
#define FZ_EIP		52
#define FZ_CS		56
#define FZ_VEC		60
#define FZ_ERR		64
#define FZ_KIND		68
#define FZ_CPU_SIZE	72

/* fz_cpu.kind after a run */
#define FZ_END_NORMAL	0		/* the epilogue was reached */
#define FZ_END_FAULT	1		/* an exception ended the sequence */

#ifndef ASM_FILE
#include <stdint.h>

/* Register numbers as in ModRM (32-bit; 8-bit: AL CL DL BL AH CH DH BH). */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

struct fz_cpu {
	uint32_t r[8];		/* indexed by register number */
	uint32_t eflags;
	uint32_t ds, es, fs, gs;
	uint32_t eip;		/* in: entry point; out: faulting EIP */
	uint32_t cs;		/* out: CS of the fault frame */
	uint32_t vec, err;	/* out: the exception, when kind is FAULT */
	uint32_t kind;
};

struct fz_area {
	uint8_t data[FZ_DATA_SIZE];
	uint8_t stack[FZ_STACK_SIZE];
	/* The rest of the page, so that no harness data shares it; never
	 * filled, never hashed. */
	uint8_t pad[FZ_PAGE_SIZE - FZ_AREA_SIZE];
};

extern struct fz_area fz_area;
extern uint8_t fz_code[FZ_CODE_SIZE];

/* entry.S */
extern struct fz_cpu fz_in, fz_out;
/* Runs the code at fz_in.eip with the state fz_in at CPL `ring` (0 or 3);
 * fills fz_out.  Segment registers, EFLAGS and the stack are the
 * harness's own again when it returns. */
void fz_run(int ring);
void fz_exit0(void);			/* the ring-0 epilogue jumps here */
extern const uint32_t fz_fault_stubs[32];
void fz_exit3_stub(void);		/* gate FZ_VEC_EXIT */

/*
 * The PRNG: xorshift32 (Marsaglia 2003), the same sequence on any CPU.
 */
struct rng {
	uint32_t s;
};

static inline uint32_t rnd(struct rng *r)
{
	uint32_t x = r->s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->s = x;
	return x;
}

static inline void rng_seed(struct rng *r, uint32_t seed)
{
	/* A splitmix-style scramble, so that nearby seeds diverge at once. */
	uint32_t z = seed * 0x9E3779B9u + 0x7F4A7C15u;

	z = (z ^ (z >> 16)) * 0x85EBCA6Bu;
	z = (z ^ (z >> 13)) * 0xC2B2AE35u;
	z ^= z >> 16;
	r->s = z ? z : 0x2545F491u;
}

/* Uniform in [0, n). */
static inline uint32_t rnd_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)rnd(r) * n) >> 32);
}

/* 1 with probability num/den. */
static inline int rnd_chance(struct rng *r, uint32_t num, uint32_t den)
{
	return rnd_below(r, den) < num;
}

/* An operand value biased towards the edges that flags care about. */
uint32_t rnd_value(struct rng *r);

/* Instruction classes, counted at generation time (stats=1). */
enum fz_class {
	C_ALU, C_TEST, C_INCDEC, C_NEGNOT, C_SHIFT, C_SHXD, C_MUL, C_IMUL,
	C_DIV, C_BT, C_BSF, C_SETCC, C_CMOV, C_XCHG, C_XADD, C_CMPXCHG,
	C_BSWAP, C_MOVX, C_MOV, C_LEA, C_CBW, C_FLAGOP, C_LAHF, C_BCD,
	C_PUSHF, C_POPF, C_CLISTI, C_PUSHPOP, C_PUSHA, C_STRING, C_XLAT,
	C_JCC, C_JMP, C_LOOP, C_INDJMP, C_CALL, C_RET, C_SEGLOAD, C_SEGREAD,
	C_BADSEG, C_CPUID, C_TRAP, C_LOCK, C_NCLASSES
};
extern const char *const fz_class_names[C_NCLASSES];

/* What the generator made for one sequence. */
struct fz_seq {
	uint32_t start, end;	/* code addresses: [start, end) */
	struct fz_cpu init;	/* initial registers, EFLAGS, DS/ES/FS */
	uint32_t mem_seed;	/* fills fz_area */
	int ring;
	int bug;		/* the generator broke one of its own rules */
};

/* gen.c */
struct fz_gen_cfg {
	int ring;		/* 0 or 3 */
	/*
	 * CMPXCHG8B: off by default.  QEMU 7.2's TCG runs its helper without
	 * updating the lazy flags op first, so every flag but ZF after it is
	 * computed from a stale op (garbage, even TF) unless the instruction
	 * starts a translation block: natively and under hv the blocks differ.
	 * QEMU 8.0 inlined the instruction (and fixed this).
	 */
	int cx8;
	int rot_reg_only;	/* RCL/RCR, SETcc on registers only (paging=1, see ops.c) */
	uint32_t *stats;	/* C_NCLASSES counters */
};
/*
 * Generates one sequence at *code (not beyond limit); returns the first
 * byte after it, or NULL when the buffer is too small or (seq->bug) when
 * a unit broke the generator's own limits.
 */
uint8_t *fz_generate(struct rng *r, const struct fz_gen_cfg *cfg, uint8_t *code,
		     uint8_t *limit, struct fz_seq *seq);

/* The selectors a sequence may load at CPL `ring` (non-null ones). */
int fz_selectors(int ring, const uint16_t **list);
/* Selectors whose load into DS/ES/FS faults at CPL `ring`. */
int fz_bad_selectors(int ring, const uint16_t **list);
#endif /* !ASM_FILE */

#endif
