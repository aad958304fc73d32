# tests/tests.mk: host-side tests (included by the top-level Makefile).
#
#   make host-tests          build build/tests/* and fetch the decoder's
#                            real-code corpus into build/cache (if missing)
#   make test-decoder-full   the decoder comparison with 10 million random
#                            sequences
#   tests/run-decoder.sh     what the test runner calls (PASS/FAIL lines)
#
# The decoder files (dt/decode*.c, dt/print.c) are compiled for the host as
# they are, with lib/fmt.c for dt_print's formatting; libc provides the
# lib/string.h functions.  Capstone comes from libcapstone-dev.

HOST_CC      ?= cc
HOST_CFLAGS  := -O2 -g -std=gnu11 -Wall -Wextra -Wno-format-truncation -I. \
	$(shell pkg-config --cflags capstone 2>/dev/null)
HOST_LIBS    := $(shell pkg-config --libs capstone 2>/dev/null || echo -lcapstone)
DT_HOST_SRCS := $(sort $(wildcard dt/decode*.c)) dt/print.c lib/fmt.c
DT_HOST_HDRS := $(wildcard dt/decode*.h) lib/fmt.h
TEST_COMMON  := tests/cmp_capstone.c tests/cs_exceptions.c tests/edge_cases.c
TEST_HDRS    := tests/decoder_cmp.h

.PHONY: host-tests test-decoder test-decoder-full corpus

host-tests: $(BUILD)/tests/decoder_cmp $(BUILD)/tests/csdis corpus

$(BUILD)/tests/decoder_cmp: tests/decoder_cmp.c $(TEST_COMMON) $(DT_HOST_SRCS) $(DT_HOST_HDRS) $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tests/decoder_cmp.c $(TEST_COMMON) $(DT_HOST_SRCS) $(HOST_LIBS)

$(BUILD)/tests/csdis: tests/csdis.c $(TEST_COMMON) $(DT_HOST_SRCS) $(DT_HOST_HDRS) $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ tests/csdis.c $(TEST_COMMON) $(DT_HOST_SRCS) $(HOST_LIBS)

# A failed fetch is not fatal here: the corpus checks then FAIL with the reason.
corpus:
	@scripts/fetch-corpus.sh || echo "host-tests: corpus not available (decoder-kernel/busybox will FAIL)"

test-decoder: $(BUILD)/tests/decoder_cmp corpus
	tests/run-decoder.sh

test-decoder-full: $(BUILD)/tests/decoder_cmp corpus
	tests/run-decoder.sh --full
-include tests/devices/devices.mk
-include tests/dt/dt.mk
-include tests/mmio/mmio.mk
-include tests/mbinfo/mbinfo.mk
