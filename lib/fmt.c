/*
 * printf-style formatting (see fmt.h).  Numbers are converted in unsigned
 * long long; on i686 that pulls __udivdi3/__umoddi3 from libgcc, which both
 * hv and the guests link.
 */
#include "lib/fmt.h"

#include <stdint.h>

#include "lib/string.h"

struct spec {
	int left;	/* '-' */
	int zero;	/* '0' */
	int plus;	/* '+' */
	int space;	/* ' ' */
	int alt;	/* '#' */
	int width;
	int prec;	/* -1: none given */
};

struct out {
	fmt_sink sink;
	void *ctx;
	int n;
};

static void put(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->n++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
	int len;

	if (!s)
		s = "(null)";
	len = sp->prec >= 0 ? (int)strnlen(s, sp->prec) : (int)strlen(s);
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void emit_num(struct out *o, const struct spec *sp, unsigned long long v,
		     int neg, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, prefix_len = 0, zeros, fill;
	char prefix[3];

	do {
		buf[len++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && len == 1 && buf[0] == '0')
		len = 0;

	if (neg)
		prefix[prefix_len++] = '-';
	else if (sp->plus)
		prefix[prefix_len++] = '+';
	else if (sp->space)
		prefix[prefix_len++] = ' ';
	if (sp->alt && base == 16) {
		prefix[prefix_len++] = '0';
		prefix[prefix_len++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8) {
		prefix[prefix_len++] = '0';
	}

	zeros = sp->prec > len ? sp->prec - len : 0;
	fill = sp->width - prefix_len - zeros - len;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += fill > 0 ? fill : 0;
		fill = 0;
	}
	if (!sp->left)
		pad(o, ' ', fill);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (len)
		put(o, buf[--len]);
	if (sp->left)
		pad(o, ' ', fill);
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };

	for (; *fmt; fmt++) {
		struct spec sp = { 0, 0, 0, 0, 0, 0, -1 };
		int lng = 0;	/* -2 hh, -1 h, 0 int, 1 l, 2 ll, 3 z */
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else if (*fmt == '+')
				sp.plus = 1;
			else if (*fmt == ' ')
				sp.space = 1;
			else if (*fmt == '#')
				sp.alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lng = lng == -1 ? -2 : -1;
			else if (*fmt == 'l')
				lng = lng == 1 ? 2 : 1;
			else if (*fmt == 'z')
				lng = 3;
			else
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng == 2)
				s = va_arg(ap, long long);
			else if (lng == 1)
				s = va_arg(ap, long);
			else if (lng == 3)
				s = (long)va_arg(ap, size_t);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng == -2)
				s = (signed char)s;
			emit_num(&o, &sp, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				 s < 0, 10, 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else if (lng == 3)
				u = va_arg(ap, size_t);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			emit_num(&o, &sp, u, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				 *fmt == 'X');
			break;
		case 'p':
			sp.alt = 1;
			if (sp.prec < 0)
				sp.prec = 8;
			emit_num(&o, &sp, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
			break;
		case 's':
			emit_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			sp.prec = 1;
			emit_str(&o, &sp, c);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			return o.n;	/* a lone '%' at the end: stop */
		default:
			/* Unknown conversion: show it rather than guess. */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	return o.n;
}

struct strbuf {
	char *buf;
	size_t size;
	size_t pos;
};

static void strbuf_put(void *ctx, char c)
{
	struct strbuf *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf b = { buf, size, 0 };
	int n = fmt_vformat(strbuf_put, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
