# The differential fuzzer guest (included by the top-level Makefile after
# guest/guest.mk): guest/fuzz/*.c and *.S become build/guest/fuzz.elf,
# linked with the guest runtime library like the test guests.

FUZZ_SRCS := $(sort $(wildcard guest/fuzz/*.c guest/fuzz/*.S))
FUZZ_OBJS := $(patsubst guest/fuzz/%,$(BUILD)/guest/fuzz/%.o,$(FUZZ_SRCS))

guests: $(BUILD)/guest/fuzz.elf

$(BUILD)/guest/fuzz/%.c.o: guest/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/fuzz/%.S.o: guest/fuzz/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/guest/fuzz.elf: $(FUZZ_OBJS) $(GUEST_LIB_OBJS) guest/guest.ld
	$(CC) $(BARE_LDFLAGS) -T guest/guest.ld -o $@ $(filter %.o,$^) -lgcc
