/*
 * hvboot: the console.  Everything hvboot says goes to the firmware's text
 * console (UEFI specification 2.10, 12.4 Simple Text Output Protocol) and,
 * unless the firmware already copies that console to a serial port, also
 * to a 16550 UART at 115200 8N1 by port I/O (hv's driver, lib/uart.c), so
 * that a machine debugged over its serial port sees hvboot's errors too.
 * The firmware's console devices are in the global variable "ConOut" (UEFI
 * 3.3, a device path list); a UART messaging node (UEFI 10.3.4.12, type 3,
 * subtype 14) in it means the firmware writes to a serial port itself.
 */
#include "hvboot.h"

#include "lib/uart.h"	/* hv's 16550 driver, built for x86_64 too */

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;

static UINT16 uart;		/* I/O base of the UART we write to, 0 for none */
static const char *uart_state = "none";

/* Does the firmware's ConOut list include a serial terminal? */
static int firmware_serial_console(void)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 buf[2048];
	UINTN size = sizeof(buf);
	UINT32 attr;
	EFI_STATUS st;

	st = ST->RuntimeServices->GetVariable(L"ConOut", &global, &attr, &size, buf);
	if (EFI_ERROR(st))
		return 0;
	for (UINTN off = 0; off + 4 <= size;) {
		UINT8 type = buf[off], sub = buf[off + 1];
		UINT16 len = (UINT16)(buf[off + 2] | buf[off + 3] << 8);

		if (type == MESSAGING_DEVICE_PATH && sub == MSG_UART_DP)
			return 1;
		if (len < 4)
			break;
		off += len;
	}
	return 0;
}

void con_serial(const char *how)
{
	static const UINT16 ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	int n;

	uart = 0;
	if (!strcmp(how, "none")) {
		uart_state = "none";
		return;
	}
	if (!strcmp(how, "auto")) {
		if (firmware_serial_console()) {
			uart_state = "the firmware's";
			return;
		}
		n = 0;
	} else if (!strncmp(how, "com", 3) && how[3] >= '1' && how[3] <= '4' && !how[4]) {
		n = how[3] - '1';
	} else {
		say("hvboot: serial '%s' not known (auto, none, com1..com4): using auto\n", how);
		con_serial("auto");
		return;
	}
	if (!uart_present(ports[n]) || uart_init(ports[n], 115200) < 0) {
		uart_state = "none (no UART)";
		return;
	}
	uart = ports[n];
	uart_state = "com";
}

const char *con_serial_state(void)
{
	return uart ? (uart == 0x3f8 ? "com1" : uart == 0x2f8 ? "com2" :
		       uart == 0x3e8 ? "com3" : "com4") : uart_state;
}

void con_init(void)
{
	con_serial("auto");
}

static void emit(const char *s)
{
	CHAR16 w[128];
	UINTN n = 0;

	for (; *s; s++) {
		if (*s == '\n') {
			w[n++] = L'\r';
			if (uart)
				uart_putc(uart, '\r');
		}
		w[n++] = (CHAR16)(unsigned char)*s;
		if (uart)
			uart_putc(uart, *s);
		if (n >= 120) {
			w[n] = 0;
			ST->ConOut->OutputString(ST->ConOut, w);
			n = 0;
		}
	}
	w[n] = 0;
	if (n)
		ST->ConOut->OutputString(ST->ConOut, w);
}

void say(const char *f, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, f);
	fmt_vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	emit(buf);
}

void err(const char *f, ...)
{
	char buf[1024];
	va_list ap;
	UINTN attr = (UINTN)ST->ConOut->Mode->Attribute;

	va_start(ap, f);
	fmt_vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	ST->ConOut->SetAttribute(ST->ConOut, EFI_TEXT_ATTR(EFI_LIGHTRED, EFI_BLACK));
	emit("hvboot: error: ");
	ST->ConOut->SetAttribute(ST->ConOut, attr);
	emit(buf);
	emit("\n");
}

void con_clear(void)
{
	ST->ConOut->ClearScreen(ST->ConOut);
}

unsigned con_rows(void)
{
	UINTN cols, rows;

	if (EFI_ERROR(ST->ConOut->QueryMode(ST->ConOut, ST->ConOut->Mode->Mode,
					    &cols, &rows)) || rows < 10)
		return 25;
	return (unsigned)rows;
}

int con_key(int seconds, EFI_INPUT_KEY *key, void (*tick)(int left))
{
	EFI_EVENT ev[2], timer;
	UINTN idx;
	int got = 0;

	ev[0] = ST->ConIn->WaitForKey;
	if (seconds < 0) {
		for (;;) {
			BS->WaitForEvent(1, ev, &idx);
			if (!EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, key)))
				return 1;
		}
	}
	if (seconds == 0)
		return !EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, key));
	if (EFI_ERROR(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer)))
		return 0;
	BS->SetTimer(timer, TimerPeriodic, 10000000);	/* 1 s in 100 ns units */
	ev[1] = timer;
	while (seconds > 0) {
		if (EFI_ERROR(BS->WaitForEvent(2, ev, &idx)))
			break;
		if (idx == 0) {
			if (!EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, key))) {
				got = 1;
				break;
			}
			continue;
		}
		seconds--;
		if (tick)
			tick(seconds);
	}
	BS->SetTimer(timer, TimerCancel, 0);
	BS->CloseEvent(timer);
	return got;
}

int con_edit(const char *prompt, char *buf, unsigned cap)
{
	UINTN n = strlen(buf);
	EFI_INPUT_KEY k;

	say("%s%s", prompt, buf);
	for (;;) {
		con_key(-1, &k, NULL);
		if (k.ScanCode == SCAN_ESC) {
			say("\n");
			return 0;
		}
		if (k.UnicodeChar == CHAR_CARRIAGE_RETURN || k.UnicodeChar == CHAR_LINEFEED) {
			say("\n");
			return 1;
		}
		if (k.UnicodeChar == CHAR_BACKSPACE || k.UnicodeChar == 0x7f) {
			if (n) {
				buf[--n] = '\0';
				say("\b \b");
			}
			continue;
		}
		if (k.UnicodeChar == 0x15) {	/* ^U: clear the line */
			while (n) {
				buf[--n] = '\0';
				say("\b \b");
			}
			continue;
		}
		if (k.UnicodeChar >= 0x20 && k.UnicodeChar < 0x7f && n + 1 < cap) {
			buf[n++] = (char)k.UnicodeChar;
			buf[n] = '\0';
			say("%c", (char)k.UnicodeChar);
		}
	}
}

const char *efi_strerror(EFI_STATUS st)
{
	switch (st) {
	case EFI_SUCCESS:		return "success";
	case EFI_NOT_FOUND:		return "not found";
	case EFI_OUT_OF_RESOURCES:	return "out of resources";
	case EFI_DEVICE_ERROR:		return "device error";
	case EFI_VOLUME_CORRUPTED:	return "volume corrupted";
	case EFI_ACCESS_DENIED:		return "access denied";
	case EFI_NO_MEDIA:		return "no medium";
	case EFI_MEDIA_CHANGED:		return "medium changed";
	case EFI_UNSUPPORTED:		return "unsupported";
	case EFI_INVALID_PARAMETER:	return "invalid parameter";
	case EFI_BUFFER_TOO_SMALL:	return "buffer too small";
	case EFI_NOT_READY:		return "not ready";
	default:			return "error";
	}
}
