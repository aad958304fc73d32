# tests/mmio/mmio.mk: the MMIO instruction emulator's host unit test
# (included from tests/tests.mk).
#
#   make host-tests        also builds build/tests/mmio_unit
#   scripts/test-mmio.sh   runs it (one PASS/FAIL line per family of forms)
#
# monitor/mmio*.c and the decoder (dt/decode*.c) are compiled as they are,
# for a 32-bit Linux process: the oracle is the host CPU running each
# instruction natively (tests/mmio/native.S), so the flags code in
# monitor/mmio_ops.c runs as the same 32-bit instructions as in hv.

MMIO_UNIT_CC     ?= cc
MMIO_UNIT_CFLAGS := -m32 -O2 -g -std=gnu11 -Wall -Wextra -Werror -fno-pie -no-pie \
	-fno-stack-protector -I. -Wl,-z,noexecstack
MMIO_UNIT_SRCS   := monitor/mmio.c monitor/mmio_ops.c $(sort $(wildcard dt/decode*.c)) \
	tests/mmio/test_mmio.c tests/mmio/cases.c tests/mmio/native.S
MMIO_UNIT_HDRS   := monitor/mmio.h monitor/mmio_ops.h tests/mmio/cases.h \
	$(wildcard dt/decode*.h) lib/x86.h lib/trapframe.h

.PHONY: mmio-unit
host-tests: $(BUILD)/tests/mmio_unit
mmio-unit: $(BUILD)/tests/mmio_unit
	scripts/test-mmio.sh

$(BUILD)/tests/mmio_unit: $(MMIO_UNIT_SRCS) $(MMIO_UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(MMIO_UNIT_CC) $(MMIO_UNIT_CFLAGS) -o $@ $(MMIO_UNIT_SRCS)
