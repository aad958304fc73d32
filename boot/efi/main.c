/*
 * hvboot: the entry point and the menu.
 *
 * efi_main is called by GNU-EFI's crt0 (after it has applied the image's
 * relocations) with the image handle and the system table (UEFI 2.10, 4.1
 * EFI_IMAGE_ENTRY_POINT).  It reads hvboot.cfg beside the image, shows the
 * menu (or, with `timeout 0`, boots the default entry at once) and boots
 * the chosen entry with load_boot(), which returns only on an error.
 */
#include "hvboot.h"

static struct cfg *cfg;
static char cfgpath[CFG_LINE];
static int sel;

static void draw_menu(void)
{
	unsigned rows = con_rows(), visible, first = 0;

	visible = rows > 10 ? rows - 9 : 1;
	if ((unsigned)sel >= visible / 2)
		first = (unsigned)sel - visible / 2;
	if (first + visible > cfg->nentries)
		first = cfg->nentries > visible ? cfg->nentries - visible : 0;

	con_clear();
	say("hvboot: hv's UEFI loader (%s)\n\n", cfgpath);
	for (unsigned i = first; i < cfg->nentries && i < first + visible; i++)
		say("%s %2u  %s\n", (int)i == sel ? " >" : "  ", i + 1,
		    cfg->entries[i].title);
	if (first + visible < cfg->nentries)
		say("      (%u more below)\n", cfg->nentries - first - visible);
	else
		say("\n");
	say("\n  Up/Down: choose   Enter: boot   e: edit the command line\n"
	    "  Esc: back to the firmware\n");
}

static void tick(int left)
{
	say("\r  booting '%s' in %d s (any key: menu)  ", cfg->entries[sel].id, left);
}

/* Edits an entry's command line: 1 when accepted (then it boots). */
static int edit_entry(struct cfg_entry *e)
{
	char buf[CFG_LINE];
	char prompt[CFG_LINE + 16];

	strcpy_cap(buf, e->kernel.args, sizeof(buf));
	fmt_snprintf(prompt, sizeof(prompt), "\n%s ", e->kernel.path);
	say("\nEdit the command line (Enter: boot with it, Esc: cancel, ^U: clear):");
	if (!con_edit(prompt, buf, sizeof(buf)))
		return 0;
	strcpy_cap(e->kernel.args, buf, sizeof(e->kernel.args));
	return 1;
}

static void press_a_key(void)
{
	EFI_INPUT_KEY k;

	say("Press a key for the menu.\n");
	con_key(-1, &k, NULL);
}

/* Boots entry `sel`; on failure follows on_error.  Returns 1 to go back to
 * the firmware, 0 for the menu. */
static int boot_sel(EFI_HANDLE image)
{
	for (;;) {
		say("hvboot: booting '%s' (%s)\n", cfg->entries[sel].id,
		    cfg->entries[sel].title);
		load_boot(image, &cfg->entries[sel]);
		switch (cfg->on_error) {
		case ON_ERROR_EXIT:
			return 1;
		case ON_ERROR_NEXT:
			if ((unsigned)sel + 1 < cfg->nentries) {
				sel++;
				continue;
			}
			/* nothing left to try */
			__attribute__((fallthrough));
		case ON_ERROR_MENU:
			press_a_key();
			return 0;
		}
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_INPUT_KEY k;
	char *text;
	UINTN size;

	ST = systab;
	BS = systab->BootServices;
	con_init();
	BS->SetWatchdogTimer(0, 0, 0, NULL);	/* the menu may wait for ever */

	if (load_init(image, cfgpath, sizeof(cfgpath)))
		goto out;
	say("hvboot: reading %s\n", cfgpath);
	if (load_text(cfgpath, &text, &size))
		goto out;
	if (EFI_ERROR(BS->AllocatePool(EfiLoaderData, sizeof(*cfg), (void **)&cfg))) {
		err("out of memory");
		goto out;
	}
	if (cfg_parse(cfg, text, cfgpath))
		goto out;
	BS->FreePool(text);
	if (strcmp(cfg->serial, "auto"))
		con_serial(cfg->serial);
	sel = cfg_default(cfg);

	if (cfg->timeout == 0) {
		if (boot_sel(image))
			return EFI_LOAD_ERROR;
	} else if (cfg->timeout > 0) {
		draw_menu();
		ST->ConIn->Reset(ST->ConIn, FALSE);
		tick(cfg->timeout);
		if (!con_key(cfg->timeout, &k, tick)) {
			say("\n");
			if (boot_sel(image))
				return EFI_LOAD_ERROR;
		}
	}

	for (;;) {
		draw_menu();
		con_key(-1, &k, NULL);
		if (k.ScanCode == SCAN_UP)
			sel = sel ? sel - 1 : (int)cfg->nentries - 1;
		else if (k.ScanCode == SCAN_DOWN)
			sel = (unsigned)sel + 1 < cfg->nentries ? sel + 1 : 0;
		else if (k.ScanCode == SCAN_ESC)
			return EFI_ABORTED;
		else if ((k.UnicodeChar == 'e' && edit_entry(&cfg->entries[sel])) ||
			 k.UnicodeChar == CHAR_CARRIAGE_RETURN ||
			 k.UnicodeChar == CHAR_LINEFEED) {
			if (boot_sel(image))
				return EFI_LOAD_ERROR;
		} else if (k.UnicodeChar >= '1' && k.UnicodeChar <= '9' &&
			   (unsigned)(k.UnicodeChar - '1') < cfg->nentries) {
			sel = k.UnicodeChar - '1';
		}
	}

out:
	say("hvboot: cannot go on; back to the firmware in 30 s (or press a key).\n");
	con_key(30, &k, NULL);
	return EFI_LOAD_ERROR;
}
