/*
 * tests/csdis.c: debugging aid: decode hex byte strings with both hv's
 * decoder and Capstone and show the two side by side.
 *   build/tests/csdis "66 0f 38 00 c1" "c5 f8 77" ...
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/decoder_cmp.h"

int main(int argc, char **argv)
{
	cmp_init();
	for (int a = 1; a < argc; a++) {
		uint8_t b[32] = { 0 };
		size_t n = 0;
		char *p = argv[a], *end;
		while (n < 16) {
			unsigned long v = strtoul(p, &end, 16);
			if (end == p)
				break;
			b[n++] = (uint8_t)v;
			p = end;
		}
		struct cmp_result r;
		char ours[200] = "";
		cmp_one(b, n, &r);
		if (r.in.status == DT_OK)
			dt_print(&r.in, 0x1000, ours, sizeof ours);
		printf("%-40s hv: st %d len %2u %-40s | cs: len %2u %s\n", argv[a],
		       r.in.status, r.in.len, ours, r.cs_len, r.cs_text);
	}
	return 0;
}
