# tests/mbinfo/mbinfo.mk: the host unit test of hv's reading of its boot
# loader's information (included from tests/tests.mk).
#
#   make host-tests          also builds build/tests/mbinfo_unit
#   scripts/test-mbinfo.sh   runs it (one PASS/FAIL line per case)
#
# boot/mbinfo.c and boot/mb2info.c are compiled as they are, for a 32-bit
# Linux process (the information's addresses are 32-bit), with lib/fmt.c;
# the test stands in for logging and drivers/acpi.c.

MBINFO_UNIT_CC     ?= cc
MBINFO_UNIT_CFLAGS := -m32 -O1 -g -std=gnu11 -Wall -Wextra -Werror -fno-pie -no-pie \
	-fno-stack-protector -I. -isystem /usr/include/multiboot
MBINFO_UNIT_SRCS   := boot/mbinfo.c boot/mb2info.c lib/fmt.c \
	tests/mbinfo/test_mbinfo.c tests/mbinfo/cases.c
MBINFO_UNIT_HDRS   := boot/boot.h lib/bootinfo.h lib/hw/multiboot2.h drivers/acpi.h \
	tests/mbinfo/mbtest.h

.PHONY: mbinfo-unit
host-tests: $(BUILD)/tests/mbinfo_unit
mbinfo-unit: $(BUILD)/tests/mbinfo_unit
	scripts/test-mbinfo.sh

$(BUILD)/tests/mbinfo_unit: $(MBINFO_UNIT_SRCS) $(MBINFO_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(MBINFO_UNIT_CC) $(MBINFO_UNIT_CFLAGS) -o $@ $(MBINFO_UNIT_SRCS)
