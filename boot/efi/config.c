/*
 * hvboot: hvboot.cfg, the loader's menu (format in docs/BOOT-MEDIA.md).
 *
 * One statement a line, '#' starts a comment line:
 *
 *   timeout N            seconds the menu waits (0: boot the default at
 *                        once, -1: wait for a key)
 *   default ID|N         the default entry, by id or 1-based number
 *   serial auto|none|comN  where else to echo messages (auto: COM1 unless
 *                        the firmware's console already has a serial port)
 *   on_error menu|next|exit  after a failed boot: back to the menu, try the
 *                        next entry, or return to the firmware
 *   entry ID TITLE...    starts an entry
 *   hv PATH ARGS...      the Multiboot kernel (also spelled `kernel`)
 *   module PATH ARGS...  a module, in order; the first is hv's guest
 *
 * As with GRUB, a kernel's or module's command line is its path followed by
 * its arguments.
 */
#include "hvboot.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *skip_space(char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* Splits off the first word of `s` (NUL-terminates it); returns the rest. */
static char *word(char *s)
{
	while (*s && !is_space(*s))
		s++;
	if (*s)
		*s++ = '\0';
	return skip_space(s);
}

static int parse_int(const char *s, int *v)
{
	int neg = 0, n = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 100000)
			return -1;
		n = n * 10 + (*s - '0');
	}
	*v = neg ? -n : n;
	return 0;
}

static int set_file(struct cfg_file *f, char *rest, const char *name, unsigned line)
{
	char *args = word(rest);

	if (rest[0] != '/') {
		err("%s line %u: '%s' is not an absolute path (it starts with /)",
		    name, line, rest);
		return -1;
	}
	if (strlen(rest) >= sizeof(f->path) || strlen(args) >= sizeof(f->args)) {
		err("%s line %u: line too long", name, line);
		return -1;
	}
	strcpy_cap(f->path, rest, sizeof(f->path));
	strcpy_cap(f->args, args, sizeof(f->args));
	return 0;
}

int cfg_parse(struct cfg *cfg, char *text, const char *name)
{
	struct cfg_entry *e = NULL;
	unsigned line = 0;
	char *p = text;

	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = 5;
	strcpy_cap(cfg->def, "1", sizeof(cfg->def));
	strcpy_cap(cfg->serial, "auto", sizeof(cfg->serial));
	cfg->on_error = ON_ERROR_MENU;

	while (*p) {
		char *s = p, *key, *rest, *end;

		while (*p && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
		line++;
		s = skip_space(s);
		end = s + strlen(s);
		while (end > s && is_space(end[-1]))
			*--end = '\0';
		if (!*s || *s == '#')
			continue;
		key = s;
		rest = word(s);

		if (!strcmp(key, "timeout")) {
			if (parse_int(rest, &cfg->timeout)) {
				err("%s line %u: timeout wants a number of seconds", name, line);
				return -1;
			}
		} else if (!strcmp(key, "default")) {
			strcpy_cap(cfg->def, rest, sizeof(cfg->def));
		} else if (!strcmp(key, "serial")) {
			strcpy_cap(cfg->serial, rest, sizeof(cfg->serial));
		} else if (!strcmp(key, "on_error")) {
			if (!strcmp(rest, "menu"))
				cfg->on_error = ON_ERROR_MENU;
			else if (!strcmp(rest, "next"))
				cfg->on_error = ON_ERROR_NEXT;
			else if (!strcmp(rest, "exit"))
				cfg->on_error = ON_ERROR_EXIT;
			else {
				err("%s line %u: on_error wants menu, next or exit", name, line);
				return -1;
			}
		} else if (!strcmp(key, "entry")) {
			char *title;

			if (cfg->nentries == CFG_MAX_ENTRIES) {
				err("%s line %u: more than %u entries", name, line,
				    CFG_MAX_ENTRIES);
				return -1;
			}
			if (!*rest) {
				err("%s line %u: entry wants an id and a title", name, line);
				return -1;
			}
			e = &cfg->entries[cfg->nentries++];
			title = word(rest);
			strcpy_cap(e->id, rest, sizeof(e->id));
			strcpy_cap(e->title, *title ? title : rest, sizeof(e->title));
		} else if (!strcmp(key, "hv") || !strcmp(key, "kernel")) {
			if (!e) {
				err("%s line %u: '%s' before any 'entry'", name, line, key);
				return -1;
			}
			if (set_file(&e->kernel, rest, name, line))
				return -1;
		} else if (!strcmp(key, "module")) {
			if (!e) {
				err("%s line %u: 'module' before any 'entry'", name, line);
				return -1;
			}
			if (e->nmods == CFG_MAX_MODULES) {
				err("%s line %u: more than %u modules", name, line,
				    CFG_MAX_MODULES);
				return -1;
			}
			if (set_file(&e->mods[e->nmods], rest, name, line))
				return -1;
			e->nmods++;
		} else {
			err("%s line %u: unknown statement '%s'", name, line, key);
			return -1;
		}
	}
	for (unsigned i = 0; i < cfg->nentries; i++) {
		if (!cfg->entries[i].kernel.path[0]) {
			err("%s: entry '%s' names no kernel (an 'hv' line)", name,
			    cfg->entries[i].id);
			return -1;
		}
	}
	if (!cfg->nentries) {
		err("%s: no entries", name);
		return -1;
	}
	return 0;
}

int cfg_default(const struct cfg *cfg)
{
	int n;

	for (unsigned i = 0; i < cfg->nentries; i++)
		if (!strcmp(cfg->entries[i].id, cfg->def))
			return (int)i;
	if (!parse_int(cfg->def, &n) && n >= 1 && (unsigned)n <= cfg->nentries)
		return n - 1;
	say("hvboot: default '%s' names no entry: using the first\n", cfg->def);
	return 0;
}
