# The loader test guests (included by the top-level Makefile after
# guest/guest.mk): guest/mb1/head.S and mb1.c built four ways, each its own
# Multiboot header (see head.S), for scripts/test-mb1.sh:
#   build/guest/mb1/mbelf.elf     ELF, flags 0, 1 and 2 (video mode asked)
#   build/guest/mb1/mbphys.elf    ELF linked high, entry at its physical address
#   build/guest/mb1/mbkludge.elf  ELF with the a.out kludge, bss_end_addr beyond the ELF's bss
#   build/guest/mb1/mbflat.bin    a flat binary with the a.out kludge, load_end_addr 0
# They link only the guest library's console (and the shared lib/ pieces
# it uses), not its entry: their headers and entries are their own.

MB1_BUILD := $(BUILD)/guest/mb1
MB1_LIB   := $(GUEST_BUILD)/lib/console.c.o $(GUEST_BUILD)/lib/shared/lib/fmt.c.o \
	$(GUEST_BUILD)/lib/shared/lib/string.c.o $(GUEST_BUILD)/lib/shared/lib/uart.c.o
MB1_IMAGES := $(MB1_BUILD)/mbelf.elf $(MB1_BUILD)/mbphys.elf $(MB1_BUILD)/mbkludge.elf \
	$(MB1_BUILD)/mbflat.bin

mb1_defs_mbelf    := -DMB1_VIDEO
mb1_defs_mbphys   := -DMB1_PHYS
mb1_defs_mbkludge := -DMB1_KLUDGE
mb1_defs_mbflat   := -DMB1_KLUDGE -DMB1_LOADALL -DMB1_VIDEO

guests: $(MB1_IMAGES)
.PRECIOUS: $(MB1_BUILD)/%.head.o $(MB1_BUILD)/%.main.o

$(MB1_BUILD)/%.head.o: guest/mb1/head.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) $(mb1_defs_$*) -c $< -o $@

$(MB1_BUILD)/%.main.o: guest/mb1/mb1.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(mb1_defs_$*) -DMB1_NAME='"$*"' -c $< -o $@

$(MB1_BUILD)/mbphys.elf: $(MB1_BUILD)/mbphys.head.o $(MB1_BUILD)/mbphys.main.o $(MB1_LIB) guest/mb1/phys.ld
	$(CC) $(BARE_LDFLAGS) -T guest/mb1/phys.ld -o $@ $(filter %.o,$^) -lgcc

$(MB1_BUILD)/%.elf: $(MB1_BUILD)/%.head.o $(MB1_BUILD)/%.main.o $(MB1_LIB) guest/mb1/mb1.ld
	$(CC) $(BARE_LDFLAGS) -T guest/mb1/mb1.ld -o $@ $(filter %.o,$^) -lgcc

# The flat binary: the linked image's bytes from load_addr on, nothing else.
$(MB1_BUILD)/mbflat.bin: $(MB1_BUILD)/mbflat.elf
	$(OBJCOPY) -O binary $< $@
