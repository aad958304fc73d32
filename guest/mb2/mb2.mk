# The Multiboot 2 loader test guests (included by the top-level Makefile
# after guest/guest.mk): guest/mb2/head.S and mb2.c built two ways (see
# head.S), linked by guest/mb1/mb1.ld, for scripts/test-mb2.sh:
#   build/guest/mb2/mb2elf.elf   ELF, every tag asked for, relocatable
#   build/guest/mb2/mb2flat.bin  a flat binary with the address and entry tags
# Like the Multiboot 1 guests they link only the guest library's console.

MB2_BUILD  := $(BUILD)/guest/mb2
MB2_IMAGES := $(MB2_BUILD)/mb2elf.elf $(MB2_BUILD)/mb2flat.bin

mb2_defs_mb2elf  :=
mb2_defs_mb2flat := -DMB2_FLAT

guests: $(MB2_IMAGES)
.PRECIOUS: $(MB2_BUILD)/%.head.o $(MB2_BUILD)/%.main.o

$(MB2_BUILD)/%.head.o: guest/mb2/head.S lib/hw/multiboot2.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) $(mb2_defs_$*) -c $< -o $@

$(MB2_BUILD)/%.main.o: guest/mb2/mb2.c lib/hw/multiboot2.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(mb2_defs_$*) -DMB2_NAME='"$*"' -c $< -o $@

$(MB2_BUILD)/%.elf: $(MB2_BUILD)/%.head.o $(MB2_BUILD)/%.main.o $(MB1_LIB) guest/mb1/mb1.ld
	$(CC) $(BARE_LDFLAGS) -T guest/mb1/mb1.ld -o $@ $(filter %.o,$^) -lgcc

# The flat binary: the linked image's bytes from load_addr on, nothing else.
$(MB2_BUILD)/mb2flat.bin: $(MB2_BUILD)/mb2flat.elf
	$(OBJCOPY) -O binary $< $@
