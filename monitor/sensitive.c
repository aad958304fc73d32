/*
 * The table of sensitive instructions (dt/sens.h, docs/ARCHITECTURE.md
 * "Sensitive instructions"): every instruction hv must see at ring 1, how
 * the translator turns it into cache code and the handler that emulates
 * it, following the SDM (vol. 2) for a guest at CPL 0.  The translator
 * matches each decoded instruction against the rows and keeps the row and
 * the decoded instruction in the exit it makes; emul_exit below runs the
 * handler on that.  An instruction the decoder classes as sensitive or
 * privileged with no row gets the last, catch-all row, which stops the
 * guest naming it.
 */
#include "monitor/emul.h"

#include "dt/dt.h"
#include "dt/sens.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "monitor/msr.h"
#include "monitor/vcpu.h"

/* Emulated instructions by opcode (0F map folded in), for the counters. */
static uint32_t nemul[256];

/* Adapters for handlers of other shapes (emul_seg.c, emul_io.c). */
static EMUL_HANDLER(far)
{
	return emul_far(tf, d, eip, f, next);
}

static EMUL_HANDLER(iret)
{
	(void)eip;
	return emul_iret(tf, d, f, next);
}

static EMUL_HANDLER(sysenter)
{
	(void)d; (void)eip;
	return emul_sysenter(tf, f, next);
}

static EMUL_HANDLER(sysexit)
{
	(void)d; (void)eip;
	return emul_sysexit(tf, f, next);
}

static EMUL_HANDLER(desc_query)
{
	(void)eip; (void)next;
	return emul_desc_query(tf, d, f);
}

static EMUL_HANDLER(io)
{
	(void)eip; (void)next;
	return emul_io(tf, d, f, 2);	/* an exit: always a port hv intercepts */
}

static EMUL_HANDLER(unsupported)
{
	char text[64];

	(void)f; (void)next;
	dt_print(d, eip, text, sizeof(text));
	guest_stop(tf, "hv cannot emulate \"%s\" (%u bytes)", text, d->len);
}

#define ROW(name, map, op, reg, rm, mod, how, flags, fn) \
	{ name, DT_MAP_##map, op, reg, rm, mod, how, flags, fn }
#define ANY DTS_ANY
#define A DTS_MOD_ANY
#define M DTS_MOD_MEM

static const struct dt_sens rows[] = {
	/* EFLAGS.IF and IOPL (SDM CLI, STI, PUSHF, POPF) */
	ROW("cli",	1B, 0xFA, ANY, ANY, A, DTS_EXIT, DTS_IF_INLINE, emul_cli),
	ROW("sti",	1B, 0xFB, ANY, ANY, A, DTS_EXIT, DTS_IF_INLINE, emul_sti),
	ROW("pushf",	1B, 0x9C, ANY, ANY, A, DTS_EXIT, DTS_IF_INLINE, emul_pushf),
	ROW("popf",	1B, 0x9D, ANY, ANY, A, DTS_EXIT, DTS_IF_INLINE, emul_popf),
	ROW("hlt",	1B, 0xF4, ANY, ANY, A, DTS_EXIT_END, DTS_HLT, emul_hlt),
	/* I/O: only hv's ports, checked inline */
	ROW("in",	1B, 0xE4, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("in",	1B, 0xE5, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("out",	1B, 0xE6, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("out",	1B, 0xE7, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("in",	1B, 0xEC, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("in",	1B, 0xED, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("out",	1B, 0xEE, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("out",	1B, 0xEF, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("ins",	1B, 0x6C, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("ins",	1B, 0x6D, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("outs",	1B, 0x6E, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	ROW("outs",	1B, 0x6F, ANY, ANY, A, DTS_EXIT, DTS_PORT, io),
	/* Segment registers: hv's shadows, the guest's CS and SS, hv's GS */
	ROW("push cs",	1B, 0x0E, ANY, ANY, A, DTS_EXIT, 0, emul_push_sreg),
	ROW("push ss",	1B, 0x16, ANY, ANY, A, DTS_EXIT, 0, emul_push_sreg),
	ROW("push gs",	0F, 0xA8, ANY, ANY, A, DTS_EXIT, 0, emul_push_sreg),
	ROW("pop es",	1B, 0x07, ANY, ANY, A, DTS_EXIT, 0, emul_pop_sreg),
	ROW("pop ss",	1B, 0x17, ANY, ANY, A, DTS_EXIT, 0, emul_pop_sreg),
	ROW("pop ds",	1B, 0x1F, ANY, ANY, A, DTS_EXIT, 0, emul_pop_sreg),
	ROW("pop fs",	0F, 0xA1, ANY, ANY, A, DTS_EXIT, 0, emul_pop_sreg),
	ROW("pop gs",	0F, 0xA9, ANY, ANY, A, DTS_EXIT, 0, emul_pop_sreg),
	/* (CS, SS, GS, or any into a %gs-relative operand; MOV from DS, ES,
	   FS runs as it is: the real registers hold the guest's selectors) */
	ROW("mov from sreg", 1B, 0x8C, ANY, ANY, A, DTS_EXIT, 0, emul_mov_from_sreg),
	ROW("mov to sreg", 1B, 0x8E, ANY, ANY, A, DTS_EXIT, 0, emul_mov_to_sreg),
	ROW("les",	1B, 0xC4, ANY, ANY, A, DTS_EXIT, 0, emul_load_far_ptr),
	ROW("lds",	1B, 0xC5, ANY, ANY, A, DTS_EXIT, 0, emul_load_far_ptr),
	ROW("lss",	0F, 0xB2, ANY, ANY, A, DTS_EXIT, 0, emul_load_far_ptr),
	ROW("lfs",	0F, 0xB4, ANY, ANY, A, DTS_EXIT, 0, emul_load_far_ptr),
	ROW("lgs",	0F, 0xB5, ANY, ANY, A, DTS_EXIT, 0, emul_load_far_ptr),
	/* Control transfers hv makes: they end the block */
	ROW("int3",	1B, 0xCC, ANY, ANY, A, DTS_EXIT_END, 0, emul_int),
	ROW("int",	1B, 0xCD, ANY, ANY, A, DTS_EXIT_END, 0, emul_int),
	ROW("into",	1B, 0xCE, ANY, ANY, A, DTS_EXIT_END, 0, emul_int),
	ROW("int1",	1B, 0xF1, ANY, ANY, A, DTS_EXIT_END, 0, emul_int),
	ROW("iret",	1B, 0xCF, ANY, ANY, A, DTS_EXIT_END, 0, iret),
	ROW("lcall",	1B, 0x9A, ANY, ANY, A, DTS_EXIT_END, 0, far),
	ROW("ljmp",	1B, 0xEA, ANY, ANY, A, DTS_EXIT_END, 0, far),
	ROW("lret",	1B, 0xCA, ANY, ANY, A, DTS_EXIT_END, 0, far),
	ROW("lret",	1B, 0xCB, ANY, ANY, A, DTS_EXIT_END, 0, far),
	ROW("lcall m",	1B, 0xFF, 3, ANY, A, DTS_EXIT_END, 0, far),
	ROW("ljmp m",	1B, 0xFF, 5, ANY, A, DTS_EXIT_END, 0, far),
	ROW("sysenter",	0F, 0x34, ANY, ANY, A, DTS_EXIT_END, 0, sysenter),
	ROW("sysexit",	0F, 0x35, ANY, ANY, A, DTS_EXIT_END, 0, sysexit),
	/* Descriptor tables, task register, descriptor queries */
	ROW("grp6",	0F, 0x00, ANY, ANY, A, DTS_EXIT, 0, emul_grp6),
	ROW("sgdt",	0F, 0x01, 0, ANY, A, DTS_EXIT, 0, emul_dtr),
	ROW("sidt",	0F, 0x01, 1, ANY, A, DTS_EXIT, 0, emul_dtr),
	ROW("lgdt",	0F, 0x01, 2, ANY, A, DTS_EXIT, 0, emul_dtr),
	ROW("lidt",	0F, 0x01, 3, ANY, A, DTS_EXIT, 0, emul_dtr),
	ROW("lar",	0F, 0x02, ANY, ANY, A, DTS_EXIT, 0, desc_query),
	ROW("lsl",	0F, 0x03, ANY, ANY, A, DTS_EXIT, 0, desc_query),
	/* Control and debug registers, TLB, caches */
	ROW("smsw",	0F, 0x01, 4, ANY, A, DTS_EXIT, 0, emul_smsw),
	ROW("lmsw",	0F, 0x01, 6, ANY, A, DTS_EXIT, 0, emul_lmsw),
	ROW("invlpg",	0F, 0x01, 7, ANY, A, DTS_EXIT, 0, emul_invlpg),
	ROW("clts",	0F, 0x06, ANY, ANY, A, DTS_EXIT, 0, emul_clts),
	ROW("invd",	0F, 0x08, ANY, ANY, A, DTS_EXIT, 0, emul_nop),
	ROW("wbinvd",	0F, 0x09, ANY, ANY, A, DTS_EXIT, 0, emul_nop),
	ROW("mov from cr", 0F, 0x20, ANY, ANY, A, DTS_EXIT, 0, emul_mov_from_cr),
	/* A CR write may change how code is translated (paging, PSE): the
	   block ends after it. */
	ROW("mov to cr", 0F, 0x22, ANY, ANY, A, DTS_EXIT_END, 0, emul_mov_to_cr),
	ROW("mov from dr", 0F, 0x21, ANY, ANY, A, DTS_EXIT, 0, emul_mov_from_dr),
	ROW("mov to dr", 0F, 0x23, ANY, ANY, A, DTS_EXIT, 0, emul_mov_to_dr),
	/* MSRs, counters, CPUID */
	ROW("wrmsr",	0F, 0x30, ANY, ANY, A, DTS_EXIT, 0, emul_wrmsr),
	ROW("rdmsr",	0F, 0x32, ANY, ANY, A, DTS_EXIT, 0, emul_rdmsr),
	ROW("rdpmc",	0F, 0x33, ANY, ANY, A, DTS_EXIT, 0, emul_rdpmc),
	ROW("cpuid",	0F, 0xA2, ANY, ANY, A, DTS_EXIT, 0, emul_cpuid),
	/* The guest sees the real TSC, as natively. */
	ROW("rdtsc",	0F, 0x31, ANY, ANY, A, DTS_NATIVE, 0, 0),
	/* VMX and SMX: hv hides them, so #UD as on a CPU without them (SDM
	   vol. 3C 30.3; GETSEC vol. 2). */
	ROW("vmread",	0F, 0x78, ANY, ANY, A, DTS_UD, 0, 0),
	ROW("vmwrite",	0F, 0x79, ANY, ANY, A, DTS_UD, 0, 0),
	ROW("getsec",	0F, 0x37, ANY, ANY, A, DTS_UD, 0, 0),
	ROW("vmptrld",	0F, 0xC7, 6, ANY, M, DTS_UD, 0, 0),
	ROW("vmptrst",	0F, 0xC7, 7, ANY, M, DTS_UD, 0, 0),
};

static const struct dt_sens other =
	{ "unsupported", 0, 0, ANY, ANY, A, DTS_EXIT_END, 0, unsupported };

const struct dt_sens_table sens_table = { rows, sizeof(rows) / sizeof(rows[0]), &other };

int emul_exit(struct trapframe *tf, const struct dt_exit *x, uint32_t eip, struct fault *f,
	      uint32_t *next)
{
	const struct dt_insn *d = x->insn;

	*next = eip + d->len;
	nemul[d->opcode]++;
	dt_stats.emulated++;
	return x->sens->handler(tf, d, eip, f, next);
}

void emul_print_stats(void)
{
	uint32_t total = 0;

	for (int i = 0; i < 256; i++)
		total += nemul[i];
	log_info("emul", "emulated %u instructions: cli %u sti %u pushf %u popf %u "
		 "int %u iret %u hlt %u", total, nemul[0xFA], nemul[0xFB], nemul[0x9C],
		 nemul[0x9D], nemul[0xCD], nemul[0xCF], nemul[0xF4]);
	msr_print_stats();
}
