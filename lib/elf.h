/*
 * The parts of the ELF32 format hv reads (System V ABI, "Object Files":
 * ELF header, program header and section header; i386 supplement for
 * EM_386).
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stdint.h>

#define ELF_MAGIC	"\177ELF"
#define ELFCLASS32	1
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define EM_386		3
#define PT_LOAD		1
#define PF_X		1
#define ELFCLASS64	2
#define SHT_NOBITS	8
#define SHF_ALLOC	2

struct elf32_ehdr {
	uint8_t ident[16];	/* magic, class, data, version, ... */
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint32_t entry;
	uint32_t phoff;
	uint32_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");

struct elf32_phdr {
	uint32_t type;
	uint32_t offset;
	uint32_t vaddr;
	uint32_t paddr;
	uint32_t filesz;
	uint32_t memsz;
	uint32_t flags;
	uint32_t align;
};
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");

struct elf32_shdr {
	uint32_t name;		/* offset in the section name table */
	uint32_t type;
	uint32_t flags;
	uint32_t addr;
	uint32_t offset;
	uint32_t size;
	uint32_t link;
	uint32_t info;
	uint32_t addralign;
	uint32_t entsize;
};
_Static_assert(sizeof(struct elf32_shdr) == 40, "ELF32 section header");

#define EI_CLASS 4
#define EI_DATA 5

#endif
