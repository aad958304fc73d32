/*
 * Port I/O instruction forms (SDM vol. 2 IN, OUT, INS, OUTS with REP and
 * DF; vol. 1 18.2 I/O address space): byte I/O with an immediate port
 * (the master PIC's mask register, a read/write latch), byte I/O through
 * DX (COM1's scratch register), word and dword I/O (the PCI configuration
 * address register 0xCF8, which reads back what was written, and the
 * data port 0xCFC), and string I/O: REP OUTSB/INSB with DF = 0 and 1,
 * REP INSL, OUTSL, and a count of 0.  Intel 8259A data sheet (OCW1);
 * PCI Local Bus spec 3.2.2.3.2 (configuration mechanism #1).
 */
#include "guest/lib/guest.h"

GUEST_NAME("portio");

#define COM1_SCRATCH	(PORT_COM1 + 7)
#define PCI_CONFIG_ADDR	0xCF8
#define PCI_CONFIG_DATA	0xCFC
#define PCI_ENABLE	0x80000000u	/* bus 0, device 0, function 0, reg 0 */
#define PORT_POST	0x80

static uint8_t buf[16];

static void byte_case(void)
{
	uint8_t v;

	t_begin("byte_io");
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0xA5), "i"(PIC1_DATA));
	__asm__ volatile("inb %1, %0" : "=a"(v) : "i"(PIC1_DATA));
	t_eq("imm8 port: PIC mask", v, 0xA5);
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0xFF), "i"(PIC1_DATA));
	t_eq("mask all", inb(PIC1_DATA), 0xFF);
	outb(COM1_SCRATCH, 0x3C);
	t_eq("dx port: COM1 scratch", inb(COM1_SCRATCH), 0x3C);
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x42), "i"(PORT_POST));
	t_end();
}

static void wide_case(void)
{
	uint32_t id, lo, hi;

	t_begin("word_dword_io");
	outl(PCI_CONFIG_ADDR, PCI_ENABLE);
	t_eq("dword readback", inl(PCI_CONFIG_ADDR), PCI_ENABLE);
	id = inl(PCI_CONFIG_DATA);
	lo = inw(PCI_CONFIG_DATA);
	hi = inw(PCI_CONFIG_DATA + 2);
	gprintf("pci 00:00.0 id %08x\n", id);
	t_check(id != 0xFFFFFFFF, "no host bridge");
	t_eq("word reads = dword halves", lo | hi << 16, id);
	outl(PCI_CONFIG_ADDR, 0);
	t_eq("dword readback 0", inl(PCI_CONFIG_ADDR), 0);
	t_end();
}

static void string_case(void)
{
	static const uint8_t out[4] = { 1, 2, 3, 4 };
	uint32_t esi, edi, ecx, ids[3], addr = PCI_ENABLE;

	t_begin("string_io");
	esi = (uint32_t)out;
	ecx = 4;
	__asm__ volatile("rep outsb" : "+S"(esi), "+c"(ecx) : "d"(COM1_SCRATCH) : "memory");
	t_eq("rep outsb: last byte", inb(COM1_SCRATCH), 4);
	t_eq("rep outsb esi", esi, (uint32_t)out + 4);
	esi = (uint32_t)out + 3;
	ecx = 4;
	__asm__ volatile("std; rep outsb; cld" : "+S"(esi), "+c"(ecx) : "d"(COM1_SCRATCH) : "memory");
	t_eq("std rep outsb: last byte", inb(COM1_SCRATCH), 1);
	t_eq("std rep outsb esi", esi, (uint32_t)out - 1);
	memset(buf, 0, sizeof(buf));
	outb(COM1_SCRATCH, 0x77);
	edi = (uint32_t)buf;
	ecx = 5;
	__asm__ volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(COM1_SCRATCH) : "memory");
	t_check(buf[0] == 0x77 && buf[4] == 0x77 && buf[5] == 0, "rep insb data");
	t_eq("rep insb edi", edi, (uint32_t)buf + 5);
	edi = (uint32_t)buf + 15;
	ecx = 2;
	outb(COM1_SCRATCH, 0x99);
	__asm__ volatile("std; rep insb; cld" : "+D"(edi), "+c"(ecx) : "d"(COM1_SCRATCH) : "memory");
	t_check(buf[15] == 0x99 && buf[14] == 0x99 && buf[13] == 0, "std rep insb data");
	t_eq("std rep insb edi", edi, (uint32_t)buf + 13);
	edi = (uint32_t)buf;
	ecx = 0;
	__asm__ volatile("rep insb" : "+D"(edi), "+c"(ecx) : "d"(COM1_SCRATCH) : "memory");
	t_eq("count 0: edi", edi, (uint32_t)buf);
	/* OUTSL sets the PCI address; REP INSL reads the ID three times. */
	esi = (uint32_t)&addr;
	__asm__ volatile("outsl" : "+S"(esi) : "d"(PCI_CONFIG_ADDR) : "memory");
	t_eq("outsl", inl(PCI_CONFIG_ADDR), PCI_ENABLE);
	edi = (uint32_t)ids;
	ecx = 3;
	__asm__ volatile("rep insl" : "+D"(edi), "+c"(ecx) : "d"(PCI_CONFIG_DATA) : "memory");
	t_check(ids[0] == ids[1] && ids[1] == ids[2] && ids[0] == inl(PCI_CONFIG_DATA),
		"rep insl data");
	outl(PCI_CONFIG_ADDR, 0);
	t_end();
}

void gmain(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	byte_case();
	wide_case();
	string_case();
}
