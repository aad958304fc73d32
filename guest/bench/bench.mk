# The benchmark guest and `make bench` (included by the top-level Makefile
# after guest/guest.mk): guest/bench/*.c and *.S become
# build/guest/bench.elf, linked with the guest runtime library like the test
# guests; `make bench` runs scripts/bench/bench.sh (native against hv,
# docs/PERFORMANCE.md).  `make bench ICOUNT=1` runs it under -icount.
# BENCH_ARGS passes more options to the script (--reps N, --no-linux...).

BENCH_SRCS := $(sort $(wildcard guest/bench/*.c guest/bench/*.S))
BENCH_OBJS := $(patsubst guest/bench/%,$(BUILD)/guest/bench/%.o,$(BENCH_SRCS))

guests: $(BUILD)/guest/bench.elf

$(BUILD)/guest/bench/%.c.o: guest/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/bench/%.S.o: guest/bench/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/guest/bench.elf: $(BENCH_OBJS) $(GUEST_LIB_OBJS) guest/guest.ld
	$(CC) $(BARE_LDFLAGS) -T guest/guest.ld -o $@ $(filter %.o,$^) -lgcc

.PHONY: bench
bench: hv $(BUILD)/guest/bench.elf
	scripts/bench/bench.sh $(if $(filter-out 0,$(ICOUNT)),--icount) $(BENCH_ARGS)
