/*
 * Inside the monitor console: monitor.c (the port, the line, the
 * dispatch) and monitor_cmds.c (the commands).
 */
#ifndef DBG_CONSOLE_H
#define DBG_CONSOLE_H

#include <stdint.h>

#include "monitor/trap.h"

/* Output on the monitor's port. */
void mon_putc_raw(char c);
int mon_pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The next blank-separated word of *s (0 at the end), and as hex. */
char *mon_next_word(char **s);
int mon_arg_hex(char **s, uint32_t *v);

void mon_cmd_regs(const struct trapframe *tf, uint32_t eip);
void mon_cmd_gdt(char *args);
void mon_cmd_idt(char *args);
void mon_cmd_tss(void);
void mon_cmd_dump(char *args, int phys);
void mon_cmd_disas(char *args, uint32_t eip);
void mon_cmd_walk(char *args);
void mon_cmd_translation(char *args, uint32_t eip);
void mon_cmd_last(char *args);
void mon_cmd_dev(void);
void mon_cmd_bp(char *args, int set);
void mon_cmd_watch(char *args, int set);
/* Disassembles the guest instruction at linear lin; its length. */
int mon_disas_one(uint32_t lin);
/* Runs one of hv's counter printers onto the monitor's port. */
void mon_with_log(void (*fn)(void));
void mon_all_stats(void);
void mon_reboot(void);

#endif
