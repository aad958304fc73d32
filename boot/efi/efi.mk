# hvboot, hv's UEFI loader (boot/efi/), built with GNU-EFI (Debian's gnu-efi:
# crt0-efi-x86_64.o, elf_x86_64_efi.lds, libgnuefi.a) as an ELF shared
# object and turned into a PE32+ EFI application by objcopy.  Included by
# scripts/media/media.mk.

EFI_BUILD  := $(BUILD)/efi
EFI_LIBDIR := /usr/lib
EFI_SRCS   := $(sort $(wildcard boot/efi/*.c boot/efi/*.S))
# hv's base library pieces hvboot shares, compiled here for x86_64.
EFI_SHARED := lib/string.c lib/fmt.c lib/uart.c
EFI_OBJS   := $(patsubst boot/efi/%,$(EFI_BUILD)/%.o,$(EFI_SRCS)) \
	$(patsubst lib/%,$(EFI_BUILD)/shared/%.o,$(EFI_SHARED))
EFI_APP    := $(EFI_BUILD)/BOOTX64.EFI

EFI_CFLAGS := -m64 -std=gnu11 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-mgeneral-regs-only -O2 -g -Wall -Wextra -Werror \
	-DGNU_EFI_USE_MS_ABI -isystem /usr/include/efi -isystem /usr/include/efi/x86_64 \
	-isystem /usr/include/multiboot -I. -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T $(EFI_LIBDIR)/elf_x86_64_efi.lds

.PHONY: efi
efi: $(EFI_APP)

$(EFI_BUILD)/%.c.o: boot/efi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_BUILD)/shared/%.c.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_BUILD)/%.S.o: boot/efi/%.S
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_BUILD)/hvboot.so: $(EFI_OBJS) $(EFI_LIBDIR)/elf_x86_64_efi.lds
	$(LD) $(EFI_LDFLAGS) $(EFI_LIBDIR)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-o $@ -L$(EFI_LIBDIR) -lgnuefi

$(EFI_APP): $(EFI_BUILD)/hvboot.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@
