/*
 * The differential fuzzer guest's main program: reads the arguments,
 * installs its exception gates, then generates sequences in batches into
 * the code buffer and runs them one after another, printing one hash of
 * the resulting architectural state per sequence.  The transcript is the
 * oracle: natively and under hv it must be byte for byte the same.
 * See guest/fuzz/README.md for the arguments and the output format.
 *
 * paging=1 runs the sequences under 32-bit paging with 4 KiB pages (SDM
 * vol. 3A 4.3): the image is identity-mapped supervisor-only except the
 * scratch page and the code buffer, which are user pages (4.6), so a
 * CPL-3 sequence can touch nothing else.  The hash then also covers the
 * A and D flags of the scratch page's PTE, cleared and INVLPGed (4.8,
 * 4.10.4.1) before each sequence: they record whether the sequence read
 * or wrote its scratch memory.
 */
#include "guest/lib/guest.h"
#include "guest/fuzz/fuzz.h"

GUEST_NAME("fuzz");

struct fz_area fz_area __attribute__((aligned(PAGE_SIZE)));
uint8_t fz_code[FZ_CODE_SIZE] __attribute__((aligned(PAGE_SIZE)));

_Static_assert(sizeof(struct fz_area) == PAGE_SIZE, "the scratch areas fill one page");
_Static_assert(FZ_CODE_SIZE % PAGE_SIZE == 0, "the code buffer fills whole pages");

extern char __image_start[], __image_end[];	/* guest/guest.ld */
static uint32_t *area_pte;	/* paging=1: the PTE of the scratch page */

static struct fz_seq seqs[FZ_BATCH];
static uint32_t class_stats[C_NCLASSES];
static uint32_t vec_stats[32];
static uint32_t n_normal, n_fail;
static uint32_t dump_n = ~0u, only_n = ~0u;

/* Flags the hash leaves out: TF and VM are never set, RF may be set in
 * exception frames (SDM vol. 3A 17.3.1.1) where it is of no interest. */
#define FL_HASH_MASK	(~(uint32_t)(FL_TF | FL_RF | FL_VM))

static void setup(void)
{
	gdt_set(FZ_GDT_UDATA2, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(3), FLAT_FLAGS));
	gdt_set(FZ_GDT_KDATA2, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(0), FLAT_FLAGS));
	gdt_set(FZ_GDT_NOTPRES, SEG_DESC(0, FLAT_LIMIT, ACC_DATA(3) & ~DESC_P,
					 FLAT_FLAGS));
	for (int v = 0; v < 32; v++)
		idt_set_gate(v, (const void *)fz_fault_stubs[v], SYS_INTGATE32,
			     v == EXC_BP || v == EXC_OF ? 3 : 0);
	idt_set_gate(FZ_VEC_EXIT, (const void *)fz_exit3_stub, SYS_INTGATE32, 3);
	/* POPF and STI may set IF: no device may interrupt a sequence. */
	pic_init();
}

/* paging=1: the image 1:1 in 4 KiB pages, user only where ring 3 runs. */
static void paging_on(void)
{
	uint32_t start = (uint32_t)__image_start & PTE_ADDR;
	uint32_t end = ((uint32_t)__image_end + PAGE_SIZE - 1) & PTE_ADDR;
	uint32_t code = (uint32_t)fz_code, area = (uint32_t)&fz_area;
	uint32_t *pd = pg_dir_new();

	pg_identity4k(pd, start, end, PTE_W);
	pg_identity4k(pd, code, code + FZ_CODE_SIZE, PTE_W | PTE_U);
	pg_identity4k(pd, area, area + sizeof(fz_area), PTE_W | PTE_U);
	area_pte = pg_entry(pd, area);
	pg_enable(pd);
}

static void fill_area(uint32_t seed)
{
	struct rng r;
	uint32_t *w = (uint32_t *)&fz_area;

	rng_seed(&r, seed);
	for (size_t i = 0; i < FZ_AREA_SIZE / 4; i++)
		w[i] = rnd(&r);
}

static uint32_t hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint32_t *w = p;

	for (size_t i = 0; i < n / 4; i++)
		h = hash_u32(h, w[i]);
	return h;
}

static void seq_fail(uint32_t n, const struct fz_seq *s, int *failed,
		     const char *what, uint32_t v)
{
	const struct fz_cpu *o = &fz_out;

	if (!*failed)
		gprintf("FAIL fuzz.%u: %s 0x%08x (end %u, vector %u at +0x%x, eflags 0x%08x)\n",
			n, what, v, o->kind, o->vec, o->eip - s->start, o->eflags);
	*failed = 1;
}

static int vector_expected(uint32_t v)
{
	return v == EXC_DE || v == EXC_GP || v == EXC_NP || v == EXC_BP ||
	       v == EXC_OF;
}

/* dump=N: the code and initial state of sequence N, before it runs
 * (for debugging; disassemble with objdump -D -b binary -mi386). */
static void dump_seq(uint32_t n, const struct fz_seq *s)
{
	const struct fz_cpu *c = &s->init;

	gprintf("dump %u ring=%d start=%08x eflags=%08x ds=%x es=%x fs=%x\n", n,
		s->ring, s->start, c->eflags, c->ds, c->es, c->fs);
	gprintf("dump regs %08x %08x %08x %08x %08x %08x %08x %08x\n", c->r[0],
		c->r[1], c->r[2], c->r[3], c->r[4], c->r[5], c->r[6], c->r[7]);
	gprintf("dump code");
	for (uint32_t a = s->start; a < s->end; a++)
		gprintf(" %02x", *(const uint8_t *)a);
	gprintf("\n");
}

static void dump_out(const struct fz_cpu *o, uint32_t ad)
{
	if (area_pte)
		gprintf("dump out scratch pte a/d=%02x\n", ad);
	gprintf("dump out kind=%u vec=%u err=%x eip=%08x eflags=%08x ds=%x es=%x fs=%x gs=%x\n",
		o->kind, o->vec, o->err, o->eip, o->eflags, o->ds, o->es, o->fs, o->gs);
	gprintf("dump out regs %08x %08x %08x %08x %08x %08x %08x %08x\n", o->r[0],
		o->r[1], o->r[2], o->r[3], o->r[4], o->r[5], o->r[6], o->r[7]);
	for (uint32_t i = 0; i < FZ_AREA_SIZE; i += 32) {
		gprintf("dump mem %03x", i);
		for (uint32_t j = 0; j < 32; j++)
			gprintf(" %02x", ((const uint8_t *)&fz_area)[i + j]);
		gprintf("\n");
	}
}

static void run_one(uint32_t n, const struct fz_seq *s)
{
	struct fz_cpu *o = &fz_out;
	uint32_t stack_lo = (uint32_t)fz_area.stack;
	uint32_t stack_hi = stack_lo + FZ_STACK_SIZE;
	uint32_t h = HASH_INIT;
	uint32_t ad = 0;
	int failed = 0;

	if (n == dump_n)
		dump_seq(n, s);
	fill_area(s->mem_seed);
	if (area_pte) {
		*area_pte &= ~(PTE_A | PTE_D);
		invlpg((uint32_t)&fz_area);
	}
	fz_in = s->init;
	memset(o, 0, sizeof(*o));
	fz_run(s->ring);
	if (area_pte)	/* before the harness touches the page again */
		ad = *area_pte & (PTE_A | PTE_D);

	/* The state the sequence left. */
	h = hash_u32(h, o->kind);
	for (int i = 0; i < 8; i++)
		h = hash_u32(h, o->r[i]);
	h = hash_u32(h, o->eflags & FL_HASH_MASK);
	h = hash_u32(h, o->ds & 0xFFFF);
	h = hash_u32(h, o->es & 0xFFFF);
	h = hash_u32(h, o->fs & 0xFFFF);
	h = hash_u32(h, o->gs & 0xFFFF);
	if (o->kind == FZ_END_FAULT) {
		h = hash_u32(h, o->vec);
		h = hash_u32(h, o->err);
		h = hash_u32(h, o->eip - s->start);
		h = hash_u32(h, o->cs & 0xFFFF);
		if (o->vec < 32)
			vec_stats[o->vec]++;
		if (!vector_expected(o->vec))
			seq_fail(n, s, &failed, "unexpected exception", o->vec);
		if (o->eip < s->start || o->eip > s->end)
			seq_fail(n, s, &failed, "exception outside the sequence, eip", o->eip);
		/* At CPL 0 the frame is in the scratch stack: mask its RF too. */
		if (s->ring == 0 && o->r[ESP] - 4 >= stack_lo && o->r[ESP] <= stack_hi) {
			uint32_t *fl = (uint32_t *)(o->r[ESP] - 4);

			*fl &= FL_HASH_MASK;
		}
	} else {
		n_normal++;
	}
	if (o->r[EBP] != s->init.r[EBP])
		seq_fail(n, s, &failed, "EBP changed", o->r[EBP]);
	if (o->r[ESP] < stack_lo || o->r[ESP] > stack_hi)
		seq_fail(n, s, &failed, "ESP outside the scratch stack", o->r[ESP]);
	h = hash_bytes(h, &fz_area, FZ_AREA_SIZE);
	if (area_pte)
		h = hash_u32(h, ad);
	if (n == dump_n)
		dump_out(o, ad);

	if (failed)
		n_fail++;
	gprintf("seq %u %08x\n", n, h);
}

static void print_stats(uint32_t count)
{
	gprintf("stats: %u sequences, %u ended normally\n", count, n_normal);
	for (int c = 0; c < C_NCLASSES; c++)
		gprintf("stats: class %s %u\n", fz_class_names[c], class_stats[c]);
	for (int v = 0; v < 32; v++)
		if (vec_stats[v])
			gprintf("stats: exception #%s %u\n", trap_name(v), vec_stats[v]);
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	uint32_t seed = guest_arg_u32("seed", 1);
	uint32_t count = guest_arg_u32("count", 1000);
	uint32_t ring = guest_arg_u32("ring", 0);
	uint32_t paging = guest_arg_u32("paging", 0);
	int want_stats = guest_arg("stats") && guest_arg_u32("stats", 1);
	struct fz_gen_cfg cfg = {
		.ring = ring == 3 ? 3 : 0,
		.cx8 = guest_arg_u32("cx8", 0) != 0,
		.rot_reg_only = guest_arg_u32("paging", 0) != 0,
		.stats = class_stats,
	};
	struct rng r;
	uint32_t done = 0;

	dump_n = guest_arg_u32("dump", ~0u);
	only_n = guest_arg_u32("only", ~0u);
	(void)magic;
	(void)mbi;
	if (ring != 0 && ring != 3)
		guest_abort("ring=%u: only 0 and 3", ring);
	if (paging > 1)
		guest_abort("paging=%u: only 0 and 1", paging);
	setup();
	if (paging)
		paging_on();
	rng_seed(&r, seed);
	while (done < count) {
		uint32_t n = count - done < FZ_BATCH ? count - done : FZ_BATCH;
		uint8_t *p = fz_code;
		uint32_t i;

		/* A batch: the whole buffer is rewritten, then run. */
		for (i = 0; i < n; i++) {
			uint8_t *q = fz_generate(&r, &cfg, p, fz_code + FZ_CODE_SIZE,
						 &seqs[i]);

			if (seqs[i].bug)
				guest_abort("generator: sequence %u broke a limit",
					    done + i);
			if (!q)
				break;	/* buffer full: the rest next batch */
			p = q;
		}
		if (i == 0)
			guest_abort("generator: no room for a sequence");
		for (uint32_t j = 0; j < i; j++)
			if (only_n == ~0u || only_n == done + j)
				run_one(done + j, &seqs[j]);
		done += i;
	}
	if (want_stats)
		print_stats(count);
	gprintf("END fuzz pass=%u fail=%u\n", count - n_fail, n_fail);
	outb(PORT_DEBUG_EXIT, n_fail ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
	halt_forever();
}
