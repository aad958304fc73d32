# tests/dt/dt.mk: the translator's host unit test (included from
# tests/tests.mk).
#
#   make host-tests       also builds build/tests/dt_unit
#   scripts/test-dt.sh    runs it with a 1 MiB and an 8 KiB code cache
#
# dt/*.c are compiled as they are, for a 32-bit Linux process (the
# translator keeps cache addresses in 32-bit fields), with lib/fmt.c;
# tests/dt/test_dt.c stands in for the rest of hv and runs the translated
# code for real.

DT_UNIT_CC     ?= cc
DT_UNIT_CFLAGS := -m32 -O1 -g -std=gnu11 -Wall -Wextra -Werror -fno-pie -no-pie \
	-fno-stack-protector -I. -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack
DT_UNIT_SRCS   := $(sort $(wildcard dt/*.c)) lib/fmt.c tests/dt/test_dt.c \
	tests/dt/guest.S tests/dt/enter.S
DT_UNIT_HDRS   := $(wildcard dt/*.h) $(wildcard lib/*.h)

.PHONY: dt-unit
host-tests: $(BUILD)/tests/dt_unit
dt-unit: $(BUILD)/tests/dt_unit
	scripts/test-dt.sh

$(BUILD)/tests/dt_unit: $(DT_UNIT_SRCS) $(DT_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(DT_UNIT_CC) $(DT_UNIT_CFLAGS) -o $@ $(DT_UNIT_SRCS)
