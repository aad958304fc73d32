/*
 * Multiboot command-line arguments (see cmdline.h).
 */
#include "guest/lib/cmdline.h"

#include "lib/string.h"

static char args_text[CMDLINE_MAX];	/* arguments after the path */
static char args_split[CMDLINE_MAX];	/* same, with NULs after words and '=' */
static const char *arg_key[CMDLINE_ARGS];
static const char *arg_val[CMDLINE_ARGS];
static int nargs;

void cmdline_init(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *s = "";
	size_t n;
	char *p;

	if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (mbi->flags & MULTIBOOT_INFO_CMDLINE))
		s = (const char *)(uintptr_t)mbi->cmdline;
	while (*s == ' ')
		s++;
	while (*s && *s != ' ')		/* the path */
		s++;
	while (*s == ' ')
		s++;
	n = strnlen(s, CMDLINE_MAX - 1);
	memcpy(args_text, s, n);
	args_text[n] = '\0';
	while (n && args_text[n - 1] == ' ')
		args_text[--n] = '\0';

	memcpy(args_split, args_text, n + 1);
	p = args_split;
	while (*p && nargs < CMDLINE_ARGS) {
		char *eq;

		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		arg_key[nargs] = p;
		arg_val[nargs] = "";
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(arg_key[nargs], '=');
		if (eq) {
			*eq = '\0';
			arg_val[nargs] = eq + 1;
		}
		nargs++;
	}
}

const char *guest_cmdline(void)
{
	return args_text;
}

const char *guest_arg(const char *key)
{
	for (int i = 0; i < nargs; i++)
		if (strcmp(arg_key[i], key) == 0)
			return arg_val[i];
	return NULL;
}

uint32_t guest_arg_u32(const char *key, uint32_t def)
{
	const char *s = guest_arg(key);
	uint32_t v = 0, base = 10;

	if (!s || !*s)
		return def;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		uint32_t d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return def;
		v = v * base + d;
	}
	return v;
}
