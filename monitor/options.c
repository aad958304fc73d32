/*
 * Parsing hv's command line (see options.h).  The console option must be
 * known before anything is printed, so parsing is silent and the findings
 * are reported afterwards.
 */
#include "monitor/options.h"

#include "monitor/layout.h"
#include "monitor/string.h"

struct options opt = {
	.console = CONSOLE_COM1,
	.loglevel = LOG_INFO,
	.pool_size = HV_POOL_DEFAULT,
	.cache_size = HV_CACHE_DEFAULT,
};

#define MAX_PROBLEMS 8
#define WORD_MAX 64

static struct {
	int is_error;
	char text[WORD_MAX + 48];
} problems[MAX_PROBLEMS];
static int nproblems, nproblems_dropped;

static void note(int is_error, const char *what, const char *word)
{
	size_t n = strlen(what);

	if (nproblems == MAX_PROBLEMS) {
		nproblems_dropped++;
		return;
	}
	problems[nproblems].is_error = is_error;
	memcpy(problems[nproblems].text, what, n);
	memcpy(problems[nproblems].text + n, word, strnlen(word, WORD_MAX) + 1);
	problems[nproblems].text[n + WORD_MAX] = '\0';
	nproblems++;
}

/* Parses N, NK or NM into bytes; -1 on anything else. */
static int64_t parse_size(const char *s)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 0xFFFFFFFFLL)
			return -1;
	}
	if (*s == 'K' || *s == 'k')
		v <<= 10, s++;
	else if (*s == 'M' || *s == 'm')
		v <<= 20, s++;
	return *s ? -1 : v;
}

static void option(const char *word)
{
	const char *eq = strchr(word, '=');
	size_t klen = eq ? (size_t)(eq - word) : strlen(word);
	const char *val = eq ? eq + 1 : "";

#define KEY(k) (klen == sizeof(k) - 1 && !strncmp(word, k, klen))
	if (KEY("console") && eq) {
		if (!strcmp(val, "com1"))
			opt.console = CONSOLE_COM1;
		else if (!strcmp(val, "com2"))
			opt.console = CONSOLE_COM2;
		else if (!strcmp(val, "e9"))
			opt.console = CONSOLE_E9;
		else if (!strcmp(val, "none"))
			opt.console = CONSOLE_NONE;
		else
			note(1, "console= takes com1, com2, e9 or none, not ", val);
	} else if (KEY("loglevel") && eq) {
		if (val[0] >= '0' && val[0] <= '3' && !val[1])
			opt.loglevel = val[0] - '0';
		else
			note(1, "loglevel= takes 0 to 3, not ", val);
	} else if (KEY("exit_on_panic") && !eq) {
		opt.exit_on_panic = 1;
	} else if (KEY("selftest") && !eq) {
		opt.selftest = 1;
	} else if (KEY("selftest") && eq) {
		if (!strcmp(val, "panic"))
			opt.selftest = 2;
		else
			note(1, "selftest= takes panic, not ", val);
	} else if (KEY("hvmem") && eq) {
		int64_t v = parse_size(val);

		if (v < 1 << 20 || v > HV_POOL_MAX || (v & 0xFFF))
			note(1, "hvmem= takes a page multiple from 1M to 8M, not ", val);
		else
			opt.pool_size = (uint32_t)v;
	} else if (KEY("dtcache") && eq) {
		int64_t v = parse_size(val);

		if (v < 8 << 10 || v > HV_CACHE_MAX || (v & 0xFFF))
			note(1, "dtcache= takes a page multiple from 8K to 4M, not ", val);
		else
			opt.cache_size = (uint32_t)v;
	} else {
		note(0, "unknown option ignored: ", word);
	}
#undef KEY
}

void options_parse(const char *cmdline)
{
	char word[WORD_MAX + 1];
	int first = 1;

	while (*cmdline) {
		size_t n = 0;
		int has_path_char = 0;

		while (*cmdline == ' ' || *cmdline == '\t')
			cmdline++;
		if (!*cmdline)
			break;
		while (*cmdline && *cmdline != ' ' && *cmdline != '\t') {
			if (*cmdline == '/' || *cmdline == '.')
				has_path_char = 1;
			if (n < WORD_MAX)
				word[n++] = *cmdline;
			cmdline++;
		}
		word[n] = '\0';
		if (first && has_path_char) {
			first = 0;
			continue;	/* the image's own path */
		}
		first = 0;
		option(word);
	}
}

int options_report(void)
{
	int errors = 0;

	for (int i = 0; i < nproblems; i++) {
		klog(problems[i].is_error ? LOG_ERR : LOG_WARN, "options", "%s",
		     problems[i].text);
		errors += problems[i].is_error;
	}
	if (nproblems_dropped)
		log_warn("options", "%d more problems not shown", nproblems_dropped);
	return errors;
}
