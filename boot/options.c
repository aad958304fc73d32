/*
 * Parsing hv's command line (see options.h).  The console option must be
 * known before anything is printed, so parsing is silent and the findings
 * are reported afterwards.
 */
#include "boot/options.h"

#include "lib/bootinfo.h"
#include "lib/fmt.h"
#include "lib/layout.h"
#include "lib/string.h"

struct options opt = {
	.console = CONSOLE_COM1,
	.loglevel = LOG_INFO,
	.pool_size = HV_POOL_DEFAULT,
	.cache_size = HV_CACHE_DEFAULT,
};

#define MAX_PROBLEMS 8
/* The longest option: pcihide= with its OPT_PCI_HIDE_MAX functions is 71. */
#define WORD_MAX 255
/* What a problem line quotes of a word. */
#define QUOTE_MAX 80
/* The numbers the messages below give. */
_Static_assert(OPT_PCI_HIDE_MAX == 8 && WORD_MAX == 255 && BOOT_CMDLINE_MAX == 4096,
	       "the option messages name these limits");

static struct {
	int is_error;
	char text[96 + QUOTE_MAX + 4];
} problems[MAX_PROBLEMS];
static int nproblems, nproblems_dropped;

/* what: at most 95 characters; the word is quoted up to QUOTE_MAX. */
static void note(int is_error, const char *what, const char *word)
{
	size_t n = strlen(what), w = strnlen(word, QUOTE_MAX + 1);
	char *t;

	if (nproblems == MAX_PROBLEMS) {
		nproblems_dropped++;
		return;
	}
	problems[nproblems].is_error = is_error;
	t = problems[nproblems].text;
	memcpy(t, what, n);
	if (w > QUOTE_MAX) {
		memcpy(t + n, word, QUOTE_MAX);
		memcpy(t + n + QUOTE_MAX, "...", 4);
	} else {
		memcpy(t + n, word, w + 1);
	}
	nproblems++;
}

/* The device options: name, and whether "hide" makes sense for it. */
static const struct {
	const char *name;
	int can_hide;
} devices[DEVK_COUNT] = {
	[DEVK_PIC] = { "pic", 0 },
	[DEVK_PIT] = { "pit", 0 },
	[DEVK_COM1] = { "com1", 1 },
	[DEVK_COM2] = { "com2", 1 },
	[DEVK_RTC] = { "rtc", 0 },
	[DEVK_KBD] = { "kbd", 1 },
	[DEVK_PCI] = { "pci", 1 },
};

/* Parses one hex number of at most max; returns the next char or 0. */
static const char *parse_hex(const char *s, unsigned max, unsigned *v)
{
	unsigned n = 0;
	int digits = 0;

	for (;; s++, digits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (n > (max - d) / 16)
			return 0;
		n = n * 16 + d;
	}
	if (!digits)
		return 0;
	*v = n;
	return s;
}

/* pcihide=BB:DD.F[,BB:DD.F...]: 0; -1 on a malformed list; -2 when it
   names more than OPT_PCI_HIDE_MAX functions. */
static int parse_pci_list(const char *s)
{
	opt.npci_hide = 0;
	while (*s) {
		unsigned bus, dev, fn;

		if (!(s = parse_hex(s, 0xFF, &bus)) || *s++ != ':' ||
		    !(s = parse_hex(s, 0x1F, &dev)) || *s++ != '.' ||
		    !(s = parse_hex(s, 7, &fn)) || (*s && *s != ','))
			return -1;
		if (opt.npci_hide == OPT_PCI_HIDE_MAX)
			return -2;
		opt.pci_hide[opt.npci_hide++] = (uint16_t)(bus << 8 | dev << 3 | fn);
		if (*s == ',' && !*++s)
			return -1;
	}
	return opt.npci_hide ? 0 : -1;
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
		else if (!strcmp(val, "stack"))
			opt.selftest = 3;
		else
			note(1, "selftest= takes panic or stack, not ", val);
	} else if (KEY("hvmem") && eq) {
		int64_t v = parse_size(val);

		if (v < 1 << 20 || v > HV_POOL_MAX || (v & 0xFFF))
			note(1, "hvmem= takes a page multiple from 1M to 4M, not ", val);
		else
			opt.pool_size = (uint32_t)v;
	} else if (KEY("dtcache") && eq) {
		int64_t v = parse_size(val);

		if (v < 8 << 10 || v > HV_CACHE_MAX || (v & 0xFFF))
			note(1, "dtcache= takes a page multiple from 8K to 4M, not ", val);
		else
			opt.cache_size = (uint32_t)v;
	} else if (KEY("acpi_rsdp") && eq) {
		unsigned v = 0;
		const char *end = parse_hex(val[0] == '0' && (val[1] == 'x' || val[1] == 'X') ?
					    val + 2 : val, 0xFFFFFFFFu, &v);

		if (!end || *end || !v || v > 0xFFFFFFDCu)
			note(1, "acpi_rsdp= takes an address below 4 GiB in hex, not ",
			     val);
		else
			opt.acpi_rsdp = v;
	} else if (KEY("watchdog") && eq) {
		int64_t v = parse_size(val);

		if (v < 0 || v > 3600 || val[strlen(val) - 1] < '0' || val[strlen(val) - 1] > '9')
			note(1, "watchdog= takes seconds from 0 (off) to 3600, not ", val);
		else
			opt.watchdog = (uint32_t)v;
	} else if ((KEY("monitor") || KEY("gdb")) && eq) {
		int port = !strcmp(val, "off") ? 0 : (!strncmp(val, "com", 3) && val[3] >= '1' &&
			   val[3] <= '4' && !val[4]) ? val[3] - '0' : -1;

		if (port < 0)
			note(1, KEY("gdb") ? "gdb= takes com1 to com4 or off, not " :
			     "monitor= takes com1 to com4 or off, not ", val);
		else if (KEY("gdb"))
			opt.gdb = port;
		else
			opt.monitor = port;
	} else if (KEY("dma") && eq) {
		if (!strcmp(val, "iommu"))
			opt.dma = DMA_IOMMU;
		else if (!strcmp(val, "mediate"))
			opt.dma = DMA_MEDIATE;
		else if (!strcmp(val, "deny"))
			opt.dma = DMA_DENY;
		else if (!strcmp(val, "trust"))
			opt.dma = DMA_TRUST;
		else
			note(1, "dma= takes iommu, mediate, deny or trust, not ", val);
	} else if (KEY("pcihide") && eq) {
		int r = parse_pci_list(val);

		if (r == -2) {
			opt.npci_hide = 0;
			note(1, "pcihide= takes at most 8 functions, not ", val);
		} else if (r < 0) {
			opt.npci_hide = 0;
			note(1, "pcihide= takes BB:DD.F[,...] in hex, not ", val);
		}
	} else {
		for (int k = 0; k < DEVK_COUNT; k++) {
			size_t n = strlen(devices[k].name);

			if (klen != n || strncmp(word, devices[k].name, n) || !eq)
				continue;
			if (!strcmp(val, "pass"))
				opt.dev[k] = DEV_PASS;
			else if (!strcmp(val, "emulate"))
				opt.dev[k] = DEV_EMULATE;
			else if (!strcmp(val, "hide") && devices[k].can_hide)
				opt.dev[k] = DEV_HIDE;
			else {
				char what[48];

				fmt_snprintf(what, sizeof(what), "%s= takes %s, not ", devices[k].name,
					     devices[k].can_hide ? "pass, emulate or hide" :
					     "pass or emulate");
				note(1, what, val);
			}
			return;
		}
		note(0, "unknown option ignored: ", word);
	}
#undef KEY
}

void options_parse(const char *cmdline)
{
	/* What hv reads of its command line, as boot/mbinfo.c keeps it. */
	const char *end = cmdline + strnlen(cmdline, BOOT_CMDLINE_MAX - 1);
	char word[WORD_MAX + 1];
	int first = 1;

	if (*end) {
		/* A word the limit cuts is part of the rest, not a shorter word. */
		while (end > cmdline && end[-1] != ' ' && end[-1] != '\t')
			end--;
		note(0, "hv command line longer than 4095 bytes: the rest is ignored, from ", end);
	}
	while (cmdline < end) {
		size_t n = 0, len = 0;
		int has_path_char = 0;

		while (cmdline < end && (*cmdline == ' ' || *cmdline == '\t'))
			cmdline++;
		if (cmdline == end)
			break;
		while (cmdline < end && *cmdline != ' ' && *cmdline != '\t') {
			if (*cmdline == '/' || *cmdline == '.')
				has_path_char = 1;
			if (n < WORD_MAX)
				word[n++] = *cmdline;
			len++;
			cmdline++;
		}
		word[n] = '\0';
		if (first && has_path_char) {
			first = 0;
			continue;	/* the image's own path */
		}
		first = 0;
		if (len > WORD_MAX)
			note(1, "option longer than 255 characters: ", word);
		else
			option(word);
	}
}

/*
 * The device choices that depend on each other: an emulated device's
 * interrupts can only reach the guest through the emulated PIC.
 */
/*
 * The debug ports: gdb= needs a line of its own; monitor= on the guest's
 * COM1/COM2 needs that UART emulated (hv sees what is typed) or hidden.
 * Runs before the PIC is resolved, since it may make a UART emulated.
 */
static void resolve_debug(void)
{
	static const char *const port[] = { "off", "com1", "com2", "com3", "com4" };
	int con = opt.console == CONSOLE_COM1 ? 1 : opt.console == CONSOLE_COM2 ? 2 : 0;
	char what[64];

	if (opt.gdb && opt.gdb == opt.monitor)
		note(1, "gdb= and monitor= cannot share ", port[opt.gdb]);
	if (opt.gdb && opt.gdb == con)
		note(1, "gdb= cannot share its port with hv's log, console=", port[con]);
	if (opt.gdb == 1 || opt.gdb == 2) {
		int k = opt.gdb == 1 ? DEVK_COM1 : DEVK_COM2;

		if (opt.dev[k] == DEV_DEFAULT)
			opt.dev[k] = DEV_HIDE;
		else if (opt.dev[k] != DEV_HIDE) {
			fmt_snprintf(what, sizeof(what), "gdb=%s needs %s=hide, not %s=",
				     port[opt.gdb], port[opt.gdb], port[opt.gdb]);
			note(1, what, opt.dev[k] == DEV_PASS ? "pass" : "emulate");
		}
	}
	if (opt.monitor == 1 || opt.monitor == 2) {
		int k = opt.monitor == 1 ? DEVK_COM1 : DEVK_COM2;

		if (opt.dev[k] == DEV_DEFAULT)
			opt.dev[k] = DEV_EMULATE;
		else if (opt.dev[k] == DEV_PASS) {
			fmt_snprintf(what, sizeof(what), "monitor=%s needs %s=emulate or hide, not ",
				     port[opt.monitor], port[opt.monitor]);
			note(1, what, "pass");
		}
	}
}

static void resolve_devices(void)
{
	static const int irq_sources[] = { DEVK_PIT, DEVK_COM1, DEVK_COM2, DEVK_RTC, DEVK_KBD };
	int needs_pic = -1;

	resolve_debug();
	for (unsigned i = 0; i < sizeof(irq_sources) / sizeof(irq_sources[0]); i++)
		if (opt.dev[irq_sources[i]] == DEV_EMULATE && needs_pic < 0)
			needs_pic = irq_sources[i];
	if (opt.dev[DEVK_PIC] == DEV_DEFAULT)
		opt.dev[DEVK_PIC] = needs_pic >= 0 ? DEV_EMULATE : DEV_PASS;
	else if (opt.dev[DEVK_PIC] == DEV_PASS && needs_pic >= 0) {
		char word[16];

		fmt_snprintf(word, sizeof(word), "%s=emulate", devices[needs_pic].name);
		note(1, "pic=pass cannot deliver the interrupts of ", word);
	}
	for (int k = 0; k < DEVK_COUNT; k++)
		if (opt.dev[k] == DEV_DEFAULT)
			opt.dev[k] = DEV_PASS;
	if (opt.npci_hide && opt.dev[DEVK_PCI] != DEV_EMULATE)
		note(1, "pcihide= needs pci=emulate, not pci=", opt.dev[DEVK_PCI] == DEV_HIDE ?
		     "hide" : "pass");
}

int options_report(void)
{
	int errors = 0;

	resolve_devices();

	for (int i = 0; i < nproblems; i++) {
		klog(problems[i].is_error ? LOG_ERR : LOG_WARN, "options", "%s",
		     problems[i].text);
		errors += problems[i].is_error;
	}
	if (nproblems_dropped)
		log_warn("options", "%d more problems not shown", nproblems_dropped);
	return errors;
}
