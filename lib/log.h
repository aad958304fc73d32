/*
 * hv's log console and logging.  The console is chosen on the command line
 * (console=com1|com2|e9|none); messages carry a level and are printed when
 * it is at most loglevel=N.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

enum console_kind { CONSOLE_COM1, CONSOLE_COM2, CONSOLE_E9, CONSOLE_NONE };

void console_init(enum console_kind kind);
enum console_kind console_current(void);
void console_putc(char c);
/* While set, console output goes there instead (the monitor's port). */
extern void (*console_divert)(char c);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

extern int log_level;

/* Prints "hv: <subsystem>: message" when level <= log_level. */
void klog(int level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(sub, ...)   klog(LOG_ERR, sub, __VA_ARGS__)
#define log_warn(sub, ...)  klog(LOG_WARN, sub, __VA_ARGS__)
#define log_info(sub, ...)  klog(LOG_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...) klog(LOG_DEBUG, sub, __VA_ARGS__)

#endif
