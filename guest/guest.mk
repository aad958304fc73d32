# Test guests (included by the top-level Makefile).
#
# Each guest/tests/NAME.c (plus an optional guest/tests/NAME.S) becomes
# build/guest/NAME.elf, a Multiboot v1 kernel linked at 1 MiB with the guest
# runtime library (guest/lib/ and the shared lib/fmt.c, lib/string.c,
# lib/uart.c, lib/vectors.S, compiled here from their own paths into build/guest/lib/).

GUEST_BUILD   := $(BUILD)/guest
GUEST_CFLAGS  := $(BARE_CFLAGS) -I.
GUEST_ASFLAGS := $(BARE_ASFLAGS) -I.

GUEST_SHARED_SRCS := lib/fmt.c lib/string.c lib/uart.c lib/vectors.S
GUEST_LIB_SRCS    := $(sort $(wildcard guest/lib/*.c guest/lib/*.S))
GUEST_LIB_OBJS    := \
	$(patsubst guest/lib/%,$(GUEST_BUILD)/lib/%.o,$(GUEST_LIB_SRCS)) \
	$(patsubst %,$(GUEST_BUILD)/lib/shared/%.o,$(GUEST_SHARED_SRCS))

GUEST_NAMES := $(sort $(patsubst guest/tests/%.c,%,$(wildcard guest/tests/*.c)))
GUEST_ELFS  := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.elf)

guests: $(GUEST_ELFS)

$(GUEST_BUILD)/lib/%.c.o: guest/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/lib/%.S.o: guest/lib/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_BUILD)/lib/shared/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/lib/shared/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_BUILD)/tests/%.c.o: guest/tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/tests/%.S.o: guest/tests/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# One link rule per guest: its C object, its assembly object when
# guest/tests/NAME.S exists, and the whole library.
define GUEST_LINK_RULE
$(GUEST_BUILD)/$(1).elf: $(GUEST_BUILD)/tests/$(1).c.o \
		$(if $(wildcard guest/tests/$(1).S),$(GUEST_BUILD)/tests/$(1).S.o) \
		$(GUEST_LIB_OBJS) guest/guest.ld
	$$(CC) $$(BARE_LDFLAGS) -T guest/guest.ld -o $$@ $$(filter %.o,$$^) -lgcc
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call GUEST_LINK_RULE,$(g))))
