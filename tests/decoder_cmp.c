/*
 * tests/decoder_cmp.c: compares hv's decoder (dt/) with Capstone on the
 * host.  Modes, each printing one "PASS <name>" or "FAIL <name>: <reason>"
 * line plus informative lines:
 *
 *   decoder_cmp random NAME COUNT SEED   seeded random byte sequences
 *   decoder_cmp corpus NAME FILE         linear walk of a raw .text image
 *   decoder_cmp edge NAME                hand-written SDM cases (edge_cases.c)
 *   decoder_cmp speed NAME [FILE]        decodes per second (reported only)
 *
 * Criteria: no length disagreement where both decoders accept; every
 * validity disagreement matched by a narrow entry of cs_exceptions.c.
 * Capstone 4 in CS_MODE_32 (Intel syntax, no detail) is the reference.
 * The printer runs on everything decoded, into a guarded buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/decoder_cmp.h"

static int verbose;

/* Statistics over one run. */
struct stats {
	unsigned long n[CMP_NKINDS];
	unsigned long excused[64];
	unsigned long unexcused;	/* validity disagreements not excused */
	unsigned long len_bad;		/* length disagreements not excused */
	unsigned long print_bad;
	unsigned shown;
};

static const char *const kind_name[CMP_NKINDS] = {
	"agree-valid", "agree-invalid", "length", "we-only-valid",
	"capstone-only-valid", "skipped"
};

static void hex(const uint8_t *c, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02x ", c[i]);
	out[n ? 3 * n - 1 : 0] = 0;
}

/* dt_print into a guarded buffer: never past size, returns the full length. */
static int check_print(const struct dt_insn *in)
{
	char big[256], small[24 + 8];
	int n = dt_print(in, 0x1000, big, sizeof big);
	if (n < 0 || (size_t)n >= sizeof big || strlen(big) != (size_t)n)
		return 0;
	for (size_t sz = 0; sz <= 24; sz += 5) {
		memset(small, 0x5a, sizeof small);
		int m = dt_print(in, 0x1000, small, sz);
		if (m != n)
			return 0;
		for (size_t i = sz; i < sizeof small; i++)
			if ((unsigned char)small[i] != 0x5a)
				return 0;
		if (sz && strlen(small) != (n < (int)sz ? (size_t)n : sz - 1))
			return 0;
	}
	return 1;
}

static void account(struct stats *s, const uint8_t *code, size_t avail,
		    const struct cmp_result *r, unsigned long where)
{
	s->n[r->kind]++;
	if (r->kind == CMP_AGREE_VALID && !check_print(&r->in))
		s->print_bad++;
	if (r->kind != CMP_LENGTH && r->kind != CMP_WE_ONLY && r->kind != CMP_CS_ONLY)
		return;
	if (r->excused) {
		s->excused[r->excused - 1]++;
		return;
	}
	if (r->kind != CMP_LENGTH)
		s->unexcused++;
	else
		s->len_bad++;
	const char *only = getenv("DECODER_SHOW");
	if (only && *only && strcmp(only, kind_name[r->kind]))
		return;
	if (s->shown < (verbose ? 400u : 12u)) {
		char h[64], ours[160];
		s->shown++;
		hex(code, avail < 16 ? avail : 16, h);
		if (r->in.status == DT_OK)
			dt_print(&r->in, 0x1000, ours, sizeof ours);
		else
			snprintf(ours, sizeof ours, "status %d", r->in.status);
		printf("  %s at %#lx: %s | hv len %u: %s | capstone len %u: %s\n",
		       kind_name[r->kind], where, h, r->in.len, ours, r->cs_len, r->cs_text);
	}
}

static int report(const char *name, const struct stats *s)
{
	unsigned long compared = s->n[CMP_AGREE_VALID] + s->n[CMP_AGREE_INVALID] +
				 s->n[CMP_LENGTH] + s->n[CMP_WE_ONLY] + s->n[CMP_CS_ONLY];
	printf("%s: %lu compared: %lu both valid, %lu both invalid, %lu length"
	       " disagreements, %lu hv-only valid, %lu capstone-only valid"
	       " (%lu validity, %lu length not excused), %lu skipped\n", name, compared,
	       s->n[CMP_AGREE_VALID], s->n[CMP_AGREE_INVALID], s->n[CMP_LENGTH],
	       s->n[CMP_WE_ONLY], s->n[CMP_CS_ONLY], s->unexcused, s->len_bad, s->n[CMP_SKIP]);
	for (unsigned i = 0; i < cs_nexceptions; i++)
		if (s->excused[i])
			printf("%s:   excused %lu x %s (%s)\n", name, s->excused[i],
			       cs_exceptions[i].name, kind_name[cs_exceptions[i].kind]);
	if (s->len_bad) {
		printf("FAIL %s: %lu length disagreements\n", name, s->len_bad);
		return 1;
	}
	if (s->unexcused) {
		printf("FAIL %s: %lu validity disagreements not in the exception table\n",
		       name, s->unexcused);
		return 1;
	}
	if (s->print_bad) {
		printf("FAIL %s: dt_print misbehaved on %lu instructions\n", name, s->print_bad);
		return 1;
	}
	if (!compared) {
		printf("FAIL %s: nothing compared\n", name);
		return 1;
	}
	printf("PASS %s\n", name);
	return 0;
}

/* xorshift64*: seeded, reproducible. */
static uint64_t rng;
static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static const uint8_t prefix_bytes[] = {
	0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65
};

/*
 * One random sequence, shaped so that every map is well covered: a few
 * legacy prefixes (sometimes a lot, for the 15-byte rule), then a one-byte
 * opcode, 0F xx, 0F 38 xx, 0F 3A xx, x87, a VEX prefix or 3DNow, then
 * random ModRM, SIB, displacement and immediate bytes.
 */
static void gen(uint8_t *b)
{
	unsigned i = 0, r = rnd() % 100, np;

	for (unsigned k = 0; k < 16; k++)
		b[k] = (uint8_t)rnd();
	np = rnd() % 8;
	np = np < 4 ? 0 : np < 6 ? 1 : np < 7 ? 2 : 1 + rnd() % 4;
	if (rnd() % 64 == 0)
		np = 8 + rnd() % 8;
	for (; i < np; i++) {
		unsigned x = rnd() % 16;
		b[i] = x < sizeof prefix_bytes ? prefix_bytes[x] :
		       (x & 1) ? 0x66 : (x & 2) ? 0xf3 : 0xf2;
	}
	if (i >= 15)
		return;
	if (r < 36) {
		/* one-byte map: as generated */
	} else if (r < 58) {
		b[i] = 0x0f;
	} else if (r < 66) {
		b[i] = 0x0f, b[i + 1] = 0x38;
	} else if (r < 72) {
		b[i] = 0x0f, b[i + 1] = 0x3a;
	} else if (r < 82) {
		b[i] = 0xd8 + rnd() % 8;
	} else if (r < 94) {
		b[i] = (rnd() & 1) ? 0xc4 : 0xc5;
		if (rnd() % 8)
			b[i + 1] |= 0xc0;		/* mostly VEX, sometimes LES/LDS */
		if (b[i] == 0xc4 && rnd() % 4)
			b[i + 1] = (b[i + 1] & 0xe0) | (1 + rnd() % 3);
	} else if (r < 96) {
		b[i] = 0x0f, b[i + 1] = 0x0f;
	} else {
		b[i] = (rnd() & 1) ? 0x8f : 0x62;
	}
}

static int run_random(const char *name, unsigned long count, uint64_t seed)
{
	struct stats s = { 0 };
	struct cmp_result r;
	uint8_t b[16];
	clock_t t0 = clock();

	rng = seed ? seed : 1;
	for (unsigned long k = 0; k < count; k++) {
		gen(b);
		cmp_one(b, sizeof b, &r);
		account(&s, b, sizeof b, &r, k);
	}
	printf("%s: seed %llu, %.1f s\n", name, (unsigned long long)seed,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	return report(name, &s);
}

static uint8_t *load(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return p;
}

/*
 * Linear sweep.  Where both decoders agree the walk moves on by the length;
 * where both call the bytes invalid, or they disagree, it resyncs one byte
 * further (text sections hold padding and jump tables between functions).
 */
static int run_corpus(const char *name, const char *path)
{
	struct stats s = { 0 };
	struct cmp_result r;
	size_t size, pos = 0;
	uint8_t *text = load(path, &size);
	clock_t t0 = clock();

	if (!text || !size) {
		printf("FAIL %s: cannot read %s (run scripts/fetch-corpus.sh)\n", name, path);
		return 1;
	}
	while (pos < size) {
		cmp_one(text + pos, size - pos, &r);
		account(&s, text + pos, size - pos, &r, pos);
		pos += r.kind == CMP_AGREE_VALID ? r.in.len : 1;
	}
	printf("%s: %s, %zu bytes, %.1f s\n", name, path, size,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	free(text);
	return report(name, &s);
}

static int run_speed(const char *name, const char *path)
{
	size_t size = 0;
	uint8_t *text = path ? load(path, &size) : NULL;
	struct dt_insn in;
	unsigned long n = 0, passes = 0;
	struct timespec t0, t1;
	double dt;

	if (!text || size < 4096) {
		/* No corpus: a buffer of random sequences. */
		free(text);
		size = 1 << 20;
		text = malloc(size + 16);
		rng = 42;
		for (size_t i = 0; i < size; i += 16)
			gen(text + i);
		path = "random sequences";
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		size_t pos = 0;
		while (pos < size) {
			enum dt_status st = dt_decode(text + pos, size - pos, &in);
			pos += st == DT_OK ? in.len : 1;
			n++;
		}
		passes++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	} while (dt < 1.0);
	printf("%s: %lu decodes in %.2f s over %s: %.1f million decodes/s"
	       " (target >= 20, reported only)\n", name, n, dt, path, n / dt / 1e6);
	printf("PASS %s\n", name);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	const char *e = getenv("DECODER_VERBOSE");
	verbose = e && *e && *e != '0';
	if (argc < 3) {
		fprintf(stderr, "usage: %s random NAME COUNT SEED | corpus NAME FILE |"
			" edge NAME | speed NAME [FILE]\n", argv[0]);
		return 2;
	}
	cmp_init();
	if (!strcmp(argv[1], "random") && argc == 5)
		return run_random(argv[2], strtoul(argv[3], NULL, 0),
				  strtoull(argv[4], NULL, 0));
	if (!strcmp(argv[1], "corpus") && argc == 4)
		return run_corpus(argv[2], argv[3]);
	if (!strcmp(argv[1], "edge"))
		return run_edge_cases(verbose) ? (printf("FAIL %s: see above\n", argv[2]), 1)
					       : (printf("PASS %s\n", argv[2]), 0);
	if (!strcmp(argv[1], "speed"))
		return run_speed(argv[2], argc > 3 ? argv[3] : NULL);
	fprintf(stderr, "bad arguments\n");
	return 2;
}
