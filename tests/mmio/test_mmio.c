/*
 * The MMIO instruction emulator's host unit test: monitor/mmio.c (with the
 * real decoder, dt/decode*.c) compiled for a 32-bit Linux process, checked
 * against the processor itself.
 *
 * Each case is one instruction form of tests/mmio/cases.c with chosen
 * registers, arithmetic flags, immediates and memory.  It runs natively
 * (tests/mmio/native.S) on an ordinary page, then through mmio_emulate
 * with a fake device whose registers hold the same page; the general
 * registers, the six arithmetic flags, the page, the instruction's length
 * and the device accesses (count, order, size, offset, by the SDM's
 * operation of the instruction) must agree.  Refused forms must return
 * the expected negative code and leave registers and device untouched.
 *
 *   build/tests/mmio_unit [SEED]
 * prints one PASS or FAIL line per family of forms (scripts/test-mmio.sh).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/x86.h"
#include "monitor/mmio.h"
#include "tests/mmio/cases.h"

#define ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define TRIALS 16	/* per form and register */

/* The registers by encoding (native.S's layout). */
struct regs {
	uint32_t r[8];	/* eax ecx edx ebx esp ebp esi edi */
	uint32_t eflags;
};
_Static_assert(offsetof(struct regs, eflags) == 32, "native.S offsets");
struct regs nat_regs;
void native_run(void *code);
extern char native_back[];

static const char *const rname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

static uint8_t *page;		/* the native run's memory page */
static uint8_t *code;		/* executable: the instruction, then a JMP */
static uint8_t start[4096];	/* the page as each case starts */
static uint8_t dev_mem[4096];	/* the fake device's registers */

/* --- the fake device: the page's bytes, with every access recorded --- */

struct access { char rw; uint32_t off; int size; uint32_t val; };
static struct access acc[4];
static int nacc;

static uint32_t dev_read(uint32_t off, int size)
{
	uint32_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = (v << 8) | (off + i < 4096 ? dev_mem[off + i] : 0);
	if (nacc < 4)
		acc[nacc] = (struct access){ 'r', off, size, v };
	nacc++;
	/* A device need not clear the bits above size. */
	return size == 4 ? v : v | (0xA5A5A5A5u << (size * 8));
}

static void dev_write(uint32_t off, int size, uint32_t v)
{
	for (int i = 0; i < size && off + i < 4096; i++)
		dev_mem[off + i] = (uint8_t)(v >> (8 * i));
	if (nacc < 4)
		acc[nacc] = (struct access){ 'w', off, size, v };
	nacc++;
}

static const struct mmio_dev dev = { dev_read, dev_write };

/* --- values: edge cases and random ones --- */

static uint32_t seed = 0x2545F491;

static uint32_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

static uint32_t val(void)
{
	static const uint32_t edge[] = {
		0, 1, 2, 0x0F, 0x10, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x100, 0x7FFF,
		0x8000, 0x8001, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001,
		0xFFFFFFFE, 0xFFFFFFFF,
	};
	uint32_t e = edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];

	switch (rnd() % 5) {
	case 0: return e;
	case 1: return (rnd() & 0xFFFF00FF) | (e & 0xFF) << 8;	/* AH..BH */
	case 2: return (rnd() & 0xFFFFFF00) | (e & 0xFF);
	case 3: return (rnd() & 0xFFFF0000) | (e & 0xFFFF);
	default: return rnd();
	}
}

/* --- building a case from a pattern --- */

struct tcase {
	uint8_t b[16];
	int len;
	uint32_t off;		/* the operand's offset in the page */
	int modrm_reg;		/* -1 without "/r" */
	struct regs in;
};

/*
 * Encodes pattern p with ModRM.reg = reg for "/r", the operand at
 * page + off through addressing form mode (0 disp32, 1 [esi+disp8],
 * 2 [ebx+ecx*4+disp32], 3 [esp+disp8]); sets the registers that form uses.
 */
static void build(const char *p, int reg, int mode, struct tcase *c)
{
	uint32_t lin = (uint32_t)page + c->off, v;
	int8_t d8 = (int8_t)rnd();

	c->len = 0;
	c->modrm_reg = -1;
	while (*p) {
		if (*p == ' ') {
			p++;
		} else if (*p == '/') {
			int r = p[1] == 'r' ? reg : p[1] - '0';

			if (p[1] == 'r')
				c->modrm_reg = reg;
			if (mode == 1) {
				c->b[c->len++] = (uint8_t)(0x40 | r << 3 | 6);
				c->b[c->len++] = (uint8_t)d8;
				c->in.r[6] = lin - (uint32_t)(int32_t)d8;
			} else if (mode == 3) {
				c->b[c->len++] = (uint8_t)(0x40 | r << 3 | 4);
				c->b[c->len++] = 0x24;
				c->b[c->len++] = (uint8_t)d8;
				c->in.r[4] = lin - (uint32_t)(int32_t)d8;
			} else {
				v = mode == 2 ? rnd() : lin;
				c->b[c->len++] = (uint8_t)((mode == 2 ? 0x84 : 0x05) | r << 3);
				if (mode == 2) {
					c->b[c->len++] = 0x8B;	/* ebx + ecx * 4 */
					c->in.r[1] = rnd() % 1024;
					c->in.r[3] = lin - v - c->in.r[1] * 4;
				}
				memcpy(c->b + c->len, &v, 4);
				c->len += 4;
			}
			p += 2;
		} else if (*p == 'i' || (p[0] == 'm' && p[1] == 'o')) {
			int n = p[1] == 'b' ? 1 : p[1] == 'w' ? 2 : 4;

			v = *p == 'm' ? lin : val();
			memcpy(c->b + c->len, &v, (size_t)n);
			c->len += n;
			p += 2;
		} else {
			c->b[c->len++] = (uint8_t)strtoul(p, NULL, 16);
			p += 2;
		}
	}
}

/* Registers, flags, the page and the operand for one case. */
static void setup(struct tcase *c, int size, int flags, int reg, int trial)
{
	uint32_t v;

	for (int i = 0; i < 8; i++)
		c->in.r[i] = val();
	c->in.eflags = rnd() & ARITH;
	switch (rnd() % 8) {
	case 0: c->off = 0; break;
	case 1: c->off = 4096 - (uint32_t)size; break;
	case 2: case 3: c->off = (rnd() % 4096) & ~(uint32_t)(size - 1); break;
	default: c->off = rnd() % (4097 - (uint32_t)size); break;
	}
	if (flags & T_CROSS)
		c->off = 4096 - (uint32_t)size + 1 + rnd() % (uint32_t)(size - 1);
	for (int i = 0; i < 4096; i += 4)
		v = rnd(), memcpy(start + i, &v, 4);
	/* The operand: a new value, or a register's (zero results). */
	v = rnd() % 4 ? val() : c->in.r[rnd() % 8] >> (rnd() % 2 * 8);
	if (rnd() % 8 == 0)
		v = -v;
	memcpy(start + c->off, &v, (size_t)(c->off + 4 <= 4096 ? 4 : 4096 - c->off));
	if (flags & T_BTREG)	/* a bit offset inside the operand */
		c->in.r[reg] = (size == 2 ? rnd() & 0xFFFF0000 : 0) | rnd() % (uint32_t)(size * 8);
	if (flags & T_BTOUT) {
		static const uint32_t out32[] = { 32, 33, 1000, 0xFFFFFFFF, 0x80000000, 0xFFFFFFE0 };
		static const uint32_t out16[] = { 16, 0x17, 0xFFFF, 0x8000, 0x1234FFF0 };

		c->in.r[reg] = size == 2 ? out16[trial % 5] : out32[trial % 6];
	}
}

static void to_tf(const struct regs *r, struct trapframe *tf, uint32_t host_bits)
{
	memset(tf, 0, sizeof(*tf));
	tf->eax = r->r[0]; tf->ecx = r->r[1]; tf->edx = r->r[2]; tf->ebx = r->r[3];
	tf->esp = r->r[4]; tf->ebp = r->r[5]; tf->esi = r->r[6]; tf->edi = r->r[7];
	tf->esp_dummy = 0xDEADBEEF;
	tf->eflags = host_bits | (r->eflags & ARITH);
}

static void from_tf(const struct trapframe *tf, struct regs *r)
{
	r->r[0] = tf->eax; r->r[1] = tf->ecx; r->r[2] = tf->edx; r->r[3] = tf->ebx;
	r->r[4] = tf->esp; r->r[5] = tf->ebp; r->r[6] = tf->esi; r->r[7] = tf->edi;
	r->eflags = tf->eflags;
}

/* --- running and comparing --- */

static char why[512];

static void say(const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - n, fmt, ap);
	va_end(ap);
}

static void describe(const struct tcase *c)
{
	say("[");
	for (int i = 0; i < c->len; i++)
		say(i ? " %02x" : "%02x", c->b[i]);
	say("] at +0x%03x, flags 0x%03x:", c->off, c->in.eflags);
}

/* One emulated form: 1 if the emulation matches the native run. */
static int run_ok(const struct tmpl *t, struct tcase *c, int trial)
{
	struct trapframe tf;
	struct regs want, got;
	uint32_t host = FL_FIXED | FL_IF | (trial & 1 ? FL_DF | FL_AC : 0);
	int rc, avail = c->len + (trial & 2 ? 5 : 0), bad = 0;

	memcpy(page, start, 4096);
	memcpy(code, c->b, (size_t)c->len);
	code[c->len] = 0xE9;	/* jmp native_back */
	uint32_t rel = (uint32_t)native_back - (uint32_t)(code + c->len + 5);
	memcpy(code + c->len + 1, &rel, 4);
	nat_regs = c->in;
	native_run(code);
	want = nat_regs;

	memcpy(dev_mem, start, 4096);
	to_tf(&c->in, &tf, host);
	nacc = 0;
	rc = mmio_emulate(&tf, code, avail, (uint32_t)page + c->off, &dev);
	from_tf(&tf, &got);

	why[0] = 0;
	describe(c);
	if (rc != c->len)
		say(" length %d, want %d (%s);", rc, c->len, rc < 0 ? mmio_why(rc) : ""), bad = 1;
	for (int i = 0; i < 8; i++)
		if (got.r[i] != want.r[i])
			say(" %s 0x%08x, want 0x%08x;", rname[i], got.r[i], want.r[i]), bad = 1;
	if ((got.eflags ^ want.eflags) & ARITH)
		say(" flags 0x%03x, want 0x%03x;", got.eflags & ARITH, want.eflags & ARITH), bad = 1;
	if ((got.eflags & ~ARITH) != host)
		say(" other flags changed: 0x%x;", got.eflags & ~ARITH), bad = 1;
	if (tf.esp_dummy != 0xDEADBEEF)
		say(" esp_dummy written;"), bad = 1;
	for (int i = 0; i < 4096; i++)
		if (dev_mem[i] != page[i]) {
			say(" device byte +0x%03x 0x%02x, memory 0x%02x;", i, dev_mem[i], page[i]);
			bad = 1;
			break;
		}
	if (nacc != t->rd + t->wr) {
		say(" %d device accesses, want %d read(s) %d write(s);", nacc, t->rd, t->wr);
		bad = 1;
	}
	for (int i = 0; i < nacc && i < 4; i++) {
		char want_rw = i < t->rd ? 'r' : 'w';

		if (acc[i].rw != want_rw || acc[i].off != c->off || acc[i].size != t->size) {
			say(" access %d: %c +0x%03x size %d, want %c +0x%03x size %d;", i, acc[i].rw,
			    acc[i].off, acc[i].size, want_rw, c->off, t->size);
			bad = 1;
		}
		if (acc[i].rw == 'w' && t->size < 4 && acc[i].val >> (8 * t->size))
			say(" write of 0x%x wider than %d bytes;", acc[i].val, t->size), bad = 1;
	}
	return !bad;
}

/* One refused form: 1 if it returns the expected code and does nothing. */
static int refused_ok(const struct bad *b, struct tcase *c)
{
	struct trapframe tf, before;
	int rc, avail = b->flags & T_TRUNC ? c->len - 1 : c->len;

	memcpy(dev_mem, start, 4096);
	to_tf(&c->in, &tf, FL_FIXED | FL_IF);
	before = tf;
	nacc = 0;
	rc = mmio_emulate(&tf, c->b, avail, (uint32_t)page + c->off, &dev);
	why[0] = 0;
	describe(c);
	if (rc >= 0 || (b->rc && rc != b->rc)) {
		say(" returned %d (%s), want %d (%s)", rc, mmio_why(rc), b->rc,
		    b->rc ? mmio_why(b->rc) : "any refusal");
		return 0;
	}
	if (memcmp(&tf, &before, sizeof(tf)) || nacc || memcmp(dev_mem, start, 4096)) {
		say(" refused (%s) but changed registers or touched the device", mmio_why(rc));
		return 0;
	}
	return 1;
}

/* --- families: one PASS or FAIL line each --- */

struct family { const char *name; int cases, bad; char first[512]; };
static struct family fam[32];
static int nfam, failed;

static struct family *family(const char *name)
{
	for (int i = 0; i < nfam; i++)
		if (!strcmp(fam[i].name, name))
			return &fam[i];
	fam[nfam].name = name;
	return &fam[nfam++];
}

static void count(const char *name, int ok)
{
	struct family *f = family(name);

	f->cases++;
	if (!ok && f->bad++ == 0)
		snprintf(f->first, sizeof(f->first), "%s", why);
}

int main(int argc, char **argv)
{
	static struct tmpl tmpls[TMPL_MAX];
	int ntmpl = cases_build(tmpls);

	if (argc > 1)
		seed = (uint32_t)strtoul(argv[1], NULL, 0) | 1;
	/* The page and the one after it, which must never be touched. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || code == MAP_FAILED || mprotect(page + 4096, 4096, PROT_NONE)) {
		printf("FAIL mmio-unit: mmap failed\n");
		return 1;
	}

	for (int i = 0; i < ntmpl; i++) {
		const struct tmpl *t = &tmpls[i];
		int regs = strstr(t->pat, "/r") ? 8 : 1;

		for (int reg = 0; reg < regs; reg++)
			for (int trial = 0; trial < TRIALS; trial++) {
				struct tcase c;
				int mode = t->flags & T_ABS ? 0 : trial % 4;

				setup(&c, t->size, t->flags, reg, trial);
				build(t->pat, reg, mode, &c);
				count(t->family, run_ok(t, &c, trial));
			}
	}
	for (int i = 0; i < cases_nbad; i++) {
		const struct bad *b = &cases_bad[i];
		int regs = strstr(b->pat, "/r") ? 8 : 1;

		for (int reg = 0; reg < regs; reg++)
			for (int trial = 0; trial < 6; trial++) {
				struct tcase c;

				setup(&c, b->size, b->flags, reg, trial);
				build(b->pat, reg, 0, &c);
				count(b->family, refused_ok(b, &c));
			}
	}
	for (int i = 0; i < nfam; i++) {
		if (fam[i].bad) {
			failed = 1;
			printf("FAIL mmio-unit: %s: %d of %d cases differ; first: %s\n", fam[i].name,
			       fam[i].bad, fam[i].cases, fam[i].first);
		} else {
			printf("PASS mmio-unit: %s (%d cases)\n", fam[i].name, fam[i].cases);
		}
	}

	/* Every refusal has a reason of its own. */
	int why_ok = 1;
	for (int a = MMIO_E_BITOFF; a <= MMIO_E_DECODE; a++)
		for (int b = MMIO_E_BITOFF; b < a; b++)
			if (!strcmp(mmio_why(a), mmio_why(b)) ||
			    !strcmp(mmio_why(a), mmio_why(-100)))
				why_ok = 0;
	printf("%s mmio-unit: mmio_why names each refusal\n", why_ok ? "PASS" : "FAIL");
	return failed || !why_ok;
}
