/*
 * void enter(void *code, uint32_t arg, uint32_t gs): runs translated guest
 * code at cache address code like a cdecl call with one argument, %gs on
 * the fast area and host_return as its return address; the translated RET
 * looks host_return up, misses, and its exit ends the run (test_dt.c).
 */
	.text
	.globl enter, host_return
enter:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	movl 12(%esp), %ecx
	movw %cx, %gs
	pushl %edx
	pushl $host_return
	jmp *%eax
host_return:
	ud2
