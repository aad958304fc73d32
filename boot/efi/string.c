/*
 * hvboot: string pieces of its own (the memory and string routines are
 * hv's, monitor/string.c, built for x86_64 too), and a small
 * printf-style formatter: %s %c %d %u %x with an optional '0' flag, a
 * width, and the l, ll and z length modifiers.
 */
#include "hvboot.h"

/* Copies at most cap-1 characters and always terminates. */
char *strcpy_cap(char *dst, const char *src, UINTN cap)
{
	UINTN n = 0;

	if (!cap)
		return dst;
	while (src[n] && n + 1 < cap) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return dst;
}

struct out {
	char *buf;
	UINTN cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, UINT64 v, unsigned base, int neg,
		    unsigned width, char pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, tmp[--n]);
}

int vfmt(char *buf, UINTN cap, const char *f, __builtin_va_list ap)
{
	struct out o = { buf, cap, 0 };

	for (; *f; f++) {
		char pad = ' ';
		unsigned width = 0, lng = 0;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		if (*f == '0') {
			pad = '0';
			f++;
		}
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (unsigned)(*f++ - '0');
		while (*f == 'l' || *f == 'z') {
			lng++;
			f++;
		}
		switch (*f) {
		case 's': {
			const char *s = __builtin_va_arg(ap, const char *);
			UINTN n;

			if (!s)
				s = "(null)";
			n = strlen(s);
			while (width > n) {
				put(&o, ' ');
				width--;
			}
			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, (char)__builtin_va_arg(ap, int));
			break;
		case 'd': {
			INT64 v = lng ? __builtin_va_arg(ap, INT64) : __builtin_va_arg(ap, int);

			put_num(&o, v < 0 ? (UINT64)-v : (UINT64)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			UINT64 v = lng ? __builtin_va_arg(ap, UINT64) : __builtin_va_arg(ap, unsigned);

			put_num(&o, v, *f == 'u' ? 10 : 16, 0, width, pad);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*f)
				put(&o, *f);
			else
				f--;
		}
	}
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return (int)o.len;
}

int fmt(char *buf, UINTN cap, const char *f, ...)
{
	__builtin_va_list ap;
	int n;

	__builtin_va_start(ap, f);
	n = vfmt(buf, cap, f, ap);
	__builtin_va_end(ap);
	return n;
}
